/**
 * How values (task results, meta, events) are stored: JSON text, with a small
 * tagged extension so that what is read back equals what was written.
 *
 * Plain JSON would turn `undefined` inside a retry history (`[undefined, {}]`)
 * into `null`, drop object keys whose value is `undefined`, empty a `Map`, and
 * turn a {@link Failure} in an event into a plain dict. Those values are
 * written as `{"$af": <tag>, "v": …}` objects instead; a user object that
 * itself has a `$af` key is escaped the same way, so decoding is unambiguous.
 * Functions, symbols and BigInts (and circular structures) cannot be stored:
 * encoding them throws {@link Unstorable}, with the path of the bad value.
 */
import { Failure } from '../../failure.js';

/** The key that marks a tagged value. */
const TAG = '$af';

/** A value that cannot be written; `path` is where it sits (e.g. `results.items[2]`). */
export class Unstorable extends Error {
  constructor(
    readonly what: string,
    readonly path: string,
  ) {
    super(`${what} at ${path}`);
    this.name = 'Unstorable';
  }
}

type Holder = Record<string, unknown>;

/** `JSON.stringify` replacer; `this` is the object holding `key`, so `raw` is the value before `toJSON`. */
function replacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Holder)[key];
  switch (typeof raw) {
    case 'undefined':
      return { [TAG]: 'undefined' };
    case 'number':
      if (Number.isFinite(raw)) return Object.is(raw, -0) ? { [TAG]: '-0' } : raw;
      return { [TAG]: String(raw) }; // 'NaN', 'Infinity', '-Infinity'
    case 'function':
    case 'symbol':
    case 'bigint':
      // Found again, with its path, by `findUnstorable`.
      throw new Unstorable(`a ${typeof raw}`, '');
    case 'object':
      if (raw === null) return null;
      if (raw instanceof Failure) return { [TAG]: 'Failure', v: raw.toDict() };
      if (raw instanceof Date)
        return { [TAG]: 'Date', v: Number.isNaN(raw.getTime()) ? null : raw.toISOString() };
      if (raw instanceof Map) return { [TAG]: 'Map', v: [...raw] };
      if (raw instanceof Set) return { [TAG]: 'Set', v: [...raw] };
      if (raw instanceof Error) {
        return { [TAG]: 'Error', v: { name: raw.name, message: raw.message, stack: raw.stack ?? '' } };
      }
      break;
    default:
      break;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, TAG)) {
    return { [TAG]: 'Object', v: Object.entries(value) };
  }
  return value;
}

/**
 * The JSON text of any storable value (`undefined` included).
 * @throws {Unstorable} for a function, symbol, BigInt or circular structure.
 */
export function encodeValue(value: unknown): string {
  try {
    return JSON.stringify(value, replacer);
  } catch (e) {
    // Encoding is fast and path-less; find the culprit's path only when something is wrong.
    const found = findUnstorable(value, '$', new Set());
    if (found) throw found;
    throw new Unstorable(e instanceof Error ? e.message : String(e), '$');
  }
}

/** Walks a value the way the replacer does and returns the first thing it cannot store. */
function findUnstorable(value: unknown, path: string, stack: Set<object>): Unstorable | undefined {
  const t = typeof value;
  if (t === 'function' || t === 'symbol' || t === 'bigint') return new Unstorable(`a ${t}`, path);
  if (t !== 'object' || value === null) return undefined;
  const obj = value as object;
  if (stack.has(obj)) return new Unstorable('a circular reference', path);
  if (obj instanceof Failure || obj instanceof Date || obj instanceof Error) return undefined;
  stack.add(obj);
  try {
    if (obj instanceof Map) {
      let i = 0;
      for (const [k, v] of obj) {
        const bad =
          findUnstorable(k, `${path}<key ${i}>`, stack) ??
          findUnstorable(v, `${path}.get(${describeKey(k)})`, stack);
        if (bad) return bad;
        i++;
      }
      return undefined;
    }
    if (obj instanceof Set || Array.isArray(obj)) {
      let i = 0;
      for (const v of obj as Iterable<unknown>) {
        const bad = findUnstorable(v, `${path}[${i}]`, stack);
        if (bad) return bad;
        i++;
      }
      return undefined;
    }
    const asJson = (obj as { toJSON?: unknown }).toJSON;
    const target: unknown = typeof asJson === 'function' ? (asJson as () => unknown).call(obj) : obj;
    if (target !== obj) return findUnstorable(target, path, stack);
    for (const [k, v] of Object.entries(obj)) {
      const bad = findUnstorable(v, `${path}.${k}`, stack);
      if (bad) return bad;
    }
    return undefined;
  } finally {
    stack.delete(obj);
  }
}

function describeKey(k: unknown): string {
  return typeof k === 'string' ? JSON.stringify(k) : String(k);
}

/** Reads back what {@link encodeValue} wrote. */
export function decodeValue(text: string): unknown {
  const parsed: unknown = JSON.parse(text);
  // Most values hold no tag at all: skip the walk for them.
  return text.includes(`"${TAG}"`) ? revive(parsed) : parsed;
}

function revive(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const before: unknown = value[i];
      const after = revive(before);
      if (after !== before) value[i] = after;
    }
    return value;
  }
  const obj = value as Holder;
  if (Object.hasOwn(obj, TAG)) return untag(obj);
  for (const key of Object.keys(obj)) {
    const before = obj[key];
    const after = revive(before);
    // Assignment keeps the key even when `after` is undefined, as it was written.
    if (after !== before) obj[key] = after;
  }
  return obj;
}

function untag(obj: Holder): unknown {
  const tag = obj[TAG];
  const v = obj.v;
  switch (tag) {
    case 'undefined':
      return undefined;
    case '-0':
      return -0;
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case 'Failure':
      return Failure.fromDict(v);
    case 'Date':
      return new Date(typeof v === 'string' ? v : NaN);
    case 'Map':
      return new Map(revive(v) as [unknown, unknown][]);
    case 'Set':
      return new Set(revive(v) as unknown[]);
    case 'Error': {
      const d = v as { name: string; message: string; stack: string };
      const err = new Error(d.message);
      err.name = d.name;
      err.stack = d.stack;
      return err;
    }
    case 'Object':
      // `fromEntries` defines own properties, so even a `__proto__` key stays data.
      return Object.fromEntries(revive(v) as [string, unknown][]);
    default:
      throw new Error(`Unknown stored value tag ${JSON.stringify(tag)}`);
  }
}
