/**
 * Finding places in a document to mutate, and where a refusal of the
 * mutated document must point. Written from the format's description, not
 * from the validator's code: the node a problem is about is the nearest
 * named node on the path (`flow`, then `children[i]` after `children[i]`).
 */
import { formatPath, type PathKey } from '../../app/document/problems.js';

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An own property even for `__proto__` (assignment would set the prototype instead). */
export function put(target: object, key: PathKey, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The value at `path` (own properties only), or undefined. */
export function at(root: unknown, path: readonly PathKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<PathKey, unknown>)[k];
  }
  return v;
}

/** Replaces the value at `path` (which must exist but for its last key). */
export function setAt(root: unknown, path: readonly PathKey[], value: unknown): void {
  put(at(root, path.slice(0, -1)) as object, path.at(-1) as PathKey, value);
}

/** Where a problem about `path` must point: the nearest named node on it, and the rest as a field path. */
export function blameAt(root: unknown, path: readonly PathKey[]): { node: string | undefined; path: string } {
  let node: string | undefined;
  let from = 0;
  const consider = (end: number): void => {
    const v = at(root, path.slice(0, end));
    const name = isObject(v) ? v.name : undefined;
    if (typeof name === 'string' && name !== '') {
      node = name;
      from = end;
    }
  };
  if (path[0] === 'flow') {
    consider(1);
    for (let i = 1; i + 1 < path.length && path[i] === 'children' && typeof path[i + 1] === 'number'; i += 2)
      consider(i + 2);
  }
  return { node, path: formatPath(path.slice(from)) };
}

/** One property or element of a document: where it is and what it holds. */
export interface Slot {
  readonly path: readonly PathKey[];
  readonly value: unknown;
}

/** Every property and element below the root, parents before children (no recursion). */
export function slots(root: unknown): Slot[] {
  const out: Slot[] = [];
  const stack: Slot[] = [{ path: [], value: root }];
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    if (s.path.length > 0) out.push(s);
    if (Array.isArray(s.value))
      s.value.forEach((v: unknown, i) => stack.push({ path: [...s.path, i], value: v }));
    else if (isObject(s.value))
      for (const k of Object.keys(s.value)) stack.push({ path: [...s.path, k], value: s.value[k] });
  }
  return out;
}

/** What a strict object of the schema is, which decides its required fields. */
export type SchemaKind =
  'document' | 'task' | 'flow' | 'config' | 'retry' | 'link' | 'decider' | 'layout-entry';

/** A strict object of the schema (unknown fields are refused there): the document, nodes, configs, retries, links… */
export interface SchemaObject {
  readonly kind: SchemaKind;
  readonly path: readonly PathKey[];
  readonly value: Json;
}

/** Every strict object of a document that fits the schema. */
export function schemaObjects(doc: Json): SchemaObject[] {
  const out: SchemaObject[] = [{ kind: 'document', path: [], value: doc }];
  const stack: (readonly PathKey[])[] = [['flow']];
  for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
    const node = at(doc, p);
    if (!isObject(node)) continue;
    if (node.type === 'task') {
      out.push({ kind: 'task', path: p, value: node });
      if (isObject(node.config)) out.push({ kind: 'config', path: [...p, 'config'], value: node.config });
      continue;
    }
    out.push({ kind: 'flow', path: p, value: node });
    if (isObject(node.retry)) out.push({ kind: 'retry', path: [...p, 'retry'], value: node.retry });
    if (Array.isArray(node.links)) {
      node.links.forEach((l: unknown, i) => {
        if (!isObject(l)) return;
        out.push({ kind: 'link', path: [...p, 'links', i], value: l });
        if (isObject(l.decider))
          out.push({ kind: 'decider', path: [...p, 'links', i, 'decider'], value: l.decider });
      });
    }
    if (Array.isArray(node.children)) node.children.forEach((_, i) => stack.push([...p, 'children', i]));
  }
  if (isObject(doc.layout))
    for (const k of Object.keys(doc.layout)) {
      const entry = doc.layout[k];
      if (isObject(entry)) out.push({ kind: 'layout-entry', path: ['layout', k], value: entry });
    }
  return out;
}

/** Fields an object of each kind must have. */
export function requiredFields(o: SchemaObject, doc: Json): string[] {
  switch (o.kind) {
    case 'document':
      return ['format', 'name', 'flow'];
    case 'task':
      return [
        'type',
        'name',
        'kind',
        ...(o.value.kind === 'noop' || o.value.kind === 'fail' ? [] : ['config']),
      ];
    case 'flow':
      return ['type', 'name', 'children'];
    case 'config': {
      const kind = (at(doc, o.path.slice(0, -1)) as Json).kind;
      const need: Record<string, string[]> = {
        value: ['value'],
        delay: ['ms'],
        script: ['code'],
        shell: ['command'],
        http: ['url'],
      };
      return need[kind as string] ?? [];
    }
    case 'retry':
      return [
        'type',
        ...(o.value.type === 'times' ? ['attempts'] : o.value.type === 'for-each' ? ['values'] : []),
      ];
    case 'link':
      return ['from', 'to'];
    case 'decider':
      return ['code'];
    case 'layout-entry':
      return ['x', 'y'];
  }
}

/** Nodes (tasks and flows) with their paths. */
export function nodes(doc: Json): { path: readonly PathKey[]; value: Json }[] {
  return schemaObjects(doc)
    .filter((o) => o.kind === 'task' || o.kind === 'flow')
    .map((o) => ({ path: o.path, value: o.value }));
}

/** How deeply a value nests (objects and arrays; the value itself is level 1), without recursion. */
export function depthOf(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    const [v, d] = e;
    if (typeof v !== 'object' || v === null) continue;
    max = Math.max(max, d);
    for (const c of Array.isArray(v) ? v : Object.values(v)) stack.push([c, d + 1]);
  }
  return max;
}
