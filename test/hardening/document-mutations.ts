/**
 * Mutations of generated documents, each with what it must lead to:
 * refused with a problem at a known node and field, run with a known
 * outcome (a rename of a name everywhere, a document wrapped in groups…),
 * or either (a wrong type may happen to be valid).
 *
 * Every mutation works on a copy of a valid document (`BaseDocument`) and is
 * driven by one seed, so a failing case replays from fast-check's seed.
 */
import type { PathKey } from '../../app/document/problems.js';
import { buildDocument, type BuiltDocument, type Pools } from './document-builder.js';
import { ILL_FORMED, ODD_NAMES, RESERVED, isPrototypeMember } from './document-names.js';
import type { Blame, DocumentCase, Expectation } from './document-oracle.js';
import type { DocumentPlan } from './document-plan.js';
import {
  at,
  blameAt,
  depthOf,
  isObject,
  nodes,
  put,
  requiredFields,
  schemaObjects,
  setAt,
  slots,
  type Json,
} from './document-walk.js';
import { Rng } from './seeded-random.js';

/** A valid generated document and what it was built from. */
export interface BaseDocument {
  readonly plan: DocumentPlan;
  readonly pools: Pools;
  readonly built: BuiltDocument;
  readonly httpBase: string;
}

export const MUTATIONS = [
  'wrong-type',
  'odd-number',
  'unknown-field',
  'missing-field',
  'array-for-object',
  'duplicate-name',
  'rename-node',
  'rename-symbol',
  'huge-string',
  'deep-groups',
  'deep-json',
  'link-cycle',
  'inferred-cycle',
  'object-cycle',
  'proto-key',
  'reserved-key',
  'prototype-like-value',
  'not-a-document',
  'broken-text',
  'request-inputs',
  'hostile-code',
  'several',
] as const;
export type MutationKind = (typeof MUTATIONS)[number];

/** The document's own limit (`app/document/nesting.ts`); the fuzzer checks both sides of it. */
const MAX_DEPTH = 512;
const MB = 1024 * 1024;

/** A mutated document before it is given as an object or as text. */
interface Mutated {
  value: unknown;
  expect: Expectation;
  /** Text only: the document must be given as text (raw tokens, broken JSON). */
  text?: string;
  /** Object only: the value cannot be written as JSON (cycles, NaN, bigint…). */
  objectOnly?: boolean;
  requestInputs?: unknown;
}

const clone = (v: Json): Json => structuredClone(v);
const refuse = (blame?: Blame[]): Expectation => (blame ? { kind: 'refuse', blame } : { kind: 'refuse' });
const ANY: Expectation = { kind: 'any' };

/** A blame for a problem at `path` of `doc` (the nearest named node, the rest as its field). */
function blame(doc: unknown, path: readonly PathKey[]): Blame {
  return blameAt(doc, path);
}

/** The same outcome as the base document, refusing allowed only where noted. */
function same(base: BaseDocument, mayRefuse: boolean): Expectation {
  return { kind: 'outcome', built: base.built, mayRefuse };
}

/** A built document whose successful run also provides `extra` (an input added to it). */
function withResults(built: BuiltDocument, extra: Record<string, unknown>): BuiltDocument {
  if (built.outcome.state !== 'SUCCESS') return built;
  const results = { ...built.outcome.results };
  for (const [k, v] of Object.entries(extra)) put(results, k, v);
  return { ...built, outcome: { state: 'SUCCESS', results } };
}

/** Values of the wrong type (or right type, wrong value) for any field; object-only ones marked. */
const WRONG: readonly { readonly v: () => unknown; readonly objectOnly?: boolean }[] = [
  { v: () => null },
  { v: () => true },
  { v: () => 0 },
  { v: () => -1 },
  { v: () => 1.5 },
  { v: () => 1e21 },
  { v: () => 2 ** 53 + 1 },
  { v: () => '' },
  { v: () => 'text' },
  { v: () => [] },
  { v: () => [1, 'two'] },
  { v: () => ({}) },
  { v: () => ({ type: 'task' }) },
  { v: () => NaN, objectOnly: true },
  { v: () => Infinity, objectOnly: true },
  { v: () => -Infinity, objectOnly: true },
  { v: () => -0, objectOnly: true },
  { v: () => undefined, objectOnly: true },
  { v: () => 10n, objectOnly: true },
  { v: () => () => 1, objectOnly: true },
  { v: () => Symbol('s'), objectOnly: true },
  { v: () => new Date(0), objectOnly: true },
  { v: () => new Map([['a', 1]]), objectOnly: true },
  // eslint-disable-next-line no-sparse-arrays -- a sparse array is the point
  { v: () => [, 1], objectOnly: true },
  { v: () => Object.create(null) as unknown, objectOnly: true },
];

/** Number tokens JSON text may hold that a JavaScript number cannot keep exactly (or at all). */
const RAW_NUMBERS = [
  '12345678901234567890123456789',
  '9007199254740993',
  '-9007199254740993',
  '1e400',
  '-1e400',
  '1e-400',
  '-0',
  '0.1e1',
  // Exponents that give small numbers: `1E2` would be a valid `attempts` of 100, a run minutes long.
  '1E0',
  '-0.0',
];

/** A placeholder for a raw token in JSON text (replaced after `JSON.stringify`). */
function placeholder(i: number): string {
  return `\u0000RAW${String(i)}\u0000`;
}

/** JSON text of `value` with placeholders replaced by raw tokens. */
function textWith(value: unknown, raw: readonly string[], indent: boolean): string {
  let text = JSON.stringify(value, null, indent ? 2 : undefined);
  raw.forEach((token, i) => {
    text = text.replace(JSON.stringify(placeholder(i)), token);
  });
  return text;
}

/** Builds `depth` levels of nesting around `leaf` without recursion (arrays and objects by turns). */
function nested(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
  return v;
}

/** The JSON text of {@link nested} (no `JSON.stringify`: it would overflow the stack). */
function nestedText(depth: number, leaf: string): string {
  let open = '';
  let close = '';
  for (let i = depth - 1; i >= 0; i--) {
    open += i % 2 === 0 ? '[' : '{"k":';
    close = (i % 2 === 0 ? ']' : '}') + close;
  }
  return open + leaf + close;
}

/** A name no pool and no node has (so a rename to it changes nothing else). */
function freshName(doc: Json, pools: Pools, stem: string): string {
  const taken = new Set([...pools.names, ...pools.symbols, ...nodes(doc).map((n) => String(n.value.name))]);
  let name = stem;
  for (let i = 0; taken.has(name); i++) name = `${stem}${String(i)}`;
  return name;
}

/** Settings of the mutations that cost the most. */
export interface MutationOptions {
  /** Sizes of huge strings, in MiB (one is picked per case). */
  readonly hugeMiB: readonly number[];
}

type Mutator = (base: BaseDocument, r: Rng, o: MutationOptions) => Mutated;

const mutators: Record<Exclude<MutationKind, 'several'>, Mutator> = {
  'wrong-type': (base, r) => {
    const doc = clone(base.built.document);
    const slot = r.pick(slots(doc));
    const wrong = r.pick(WRONG);
    setAt(doc, slot.path, wrong.v());
    return { value: doc, expect: ANY, objectOnly: wrong.objectOnly === true };
  },

  'odd-number': (base, r, o) => {
    const doc = clone(base.built.document);
    const numeric = slots(doc).filter((s) => typeof s.value === 'number');
    if (numeric.length === 0) return mutators['wrong-type'](base, r, o);
    const slot = r.pick(numeric);
    if (r.chance(0.5)) {
      // As text: tokens JSON allows but a number cannot hold as written.
      setAt(doc, slot.path, placeholder(0));
      return { value: doc, expect: ANY, text: textWith(doc, [r.pick(RAW_NUMBERS)], r.chance(0.5)) };
    }
    setAt(
      doc,
      slot.path,
      r.pick([NaN, Infinity, -Infinity, -0, 2 ** 53, -(2 ** 53) - 2, 5e-324, 1.7976931348623157e308]),
    );
    return { value: doc, expect: ANY, objectOnly: true };
  },

  'unknown-field': (base, r, o) => {
    const doc = clone(base.built.document);
    const target = r.pick(schemaObjects(doc));
    const key = r.pick([
      'zzz',
      'Name',
      'children ',
      '💥',
      'a b',
      'colour',
      'constructor',
      'prototype',
      'toString',
      '__proto__',
      '',
    ]);
    // A key the object already has would not be unknown.
    if (Object.hasOwn(target.value, key)) return mutators['missing-field'](base, r, o);
    put(target.value, key, r.pick([1, 'x', { polluted: true }, null]));
    return { value: doc, expect: refuse([blame(doc, [...target.path, key])]) };
  },

  'missing-field': (base, r) => {
    const doc = clone(base.built.document);
    const withFields = schemaObjects(doc).filter((s) => requiredFields(s, doc).length > 0);
    const target = r.pick(withFields);
    const field = r.pick(requiredFields(target, doc));
    Reflect.deleteProperty(target.value, field);
    return { value: doc, expect: refuse([blame(doc, [...target.path, field])]) };
  },

  'array-for-object': (base, r, o) => {
    const doc = clone(base.built.document);
    const maps = (['inputs', 'layout'] as const).filter((k) => isObject(doc[k])).map((k) => [k]);
    const targets: (readonly PathKey[])[] = [
      ...schemaObjects(doc)
        .filter((s) => s.kind !== 'document')
        .map((s) => s.path),
      ...maps,
    ];
    if (targets.length === 0) return mutators['missing-field'](base, r, o);
    const path = r.pick(targets);
    setAt(doc, path, r.chance(0.5) ? [] : [at(doc, path)]);
    return { value: doc, expect: refuse([blame(doc, path)]) };
  },

  'duplicate-name': (base, r, o) => {
    const doc = clone(base.built.document);
    const all = nodes(doc);
    if (all.length < 2) return mutators['missing-field'](base, r, o);
    const i = r.int(all.length);
    let j = r.int(all.length - 1);
    if (j >= i) j++;
    const a = all[i]?.value as Json;
    const b = all[j]?.value as Json;
    b.name = a.name;
    return { value: doc, expect: refuse([{ node: a.name as string, path: 'name' }]) };
  },

  // Renames through the pools, so the expected outcome is rebuilt with the new name everywhere.
  'rename-node': (base, r, o) => rename(base, r, o, 'names'),
  'rename-symbol': (base, r, o) => rename(base, r, o, 'symbols'),

  'huge-string': (large, r, o) => {
    const size = r.pick(o.hugeMiB) * MB;
    // Each save of an atom's state rewrites the run's record, document included: a few atoms keep it quick.
    const base = smaller(large);
    const variant = r.int(4);
    if (variant === 0 && base.built.used.names > 0) {
      // A huge node name: in every event of the run, so kept to the smaller sizes.
      const names = [...base.pools.names];
      const i = r.int(Math.min(base.built.used.names, names.length));
      names[i] = `${'N'.repeat(Math.min(size, 2 * MB))}${String(i)}`;
      const pools = { ...base.pools, names };
      const built = buildDocument(base.plan, pools, { httpBase: base.httpBase });
      return { value: built.document, expect: { kind: 'outcome', built, mayRefuse: true } };
    }
    const doc = clone(base.built.document);
    const scripts = nodes(doc).filter((n) => n.value.kind === 'script');
    if (variant === 1 && scripts.length > 0) {
      // A huge comment changes nothing the script does.
      const config = r.pick(scripts).value.config as Json;
      config.code = `${String(config.code)}\n// ${'x'.repeat(size)}`;
      return { value: doc, expect: same(base, false) };
    }
    // A huge input value (with every kind of character in it) comes back among the results.
    const key = freshName(doc, base.pools, 'huge');
    const value = 'é👩‍💻\u0000"\\'.repeat(Math.ceil(size / 10));
    const inputs = isObject(doc.inputs) ? doc.inputs : (doc.inputs = {});
    put(inputs, key, value);
    return {
      value: doc,
      expect: { kind: 'outcome', built: withResults(base.built, { [key]: value }), mayRefuse: false },
    };
  },

  'deep-groups': (base, r) => {
    const doc = clone(base.built.document);
    const inner = depthOf(base.built.document.flow);
    // The most groups that still fit: the document (1), two levels per group, then the flow's own.
    const most = Math.floor((MAX_DEPTH - 1 - inner) / 2);
    const levels = r.pick([10, 100, most - 1, most, most + 1, 300, 1000, 3000, 10_000]);
    const stem = freshName(doc, base.pools, 'deep');
    let flow = doc.flow as Json;
    for (let i = levels - 1; i >= 0; i--) {
      flow = {
        type: r.pick(['linear', 'unordered', 'graph']),
        name: `${stem}-${String(i)}`,
        children: [flow],
      };
    }
    doc.flow = flow;
    // Groups hold no atoms: the run is the same one, if it is not too deep to run at all.
    const fits = 1 + 2 * levels + inner <= MAX_DEPTH;
    // JSON.stringify itself overflows the stack on very deep values: those go as objects.
    return { value: doc, expect: fits ? same(base, false) : refuse(), objectOnly: levels > 1000 };
  },

  'deep-json': (base, r) => {
    const doc = clone(base.built.document);
    const levels = r.pick([10, 200, 509, 510, 511, 600, 5000, 100_000]);
    const key = freshName(doc, base.pools, 'deep');
    const inputs = isObject(doc.inputs) ? doc.inputs : (doc.inputs = {});
    // The document (1), `inputs` (2), then the value's own levels.
    const fits = 2 + levels <= MAX_DEPTH;
    if (r.chance(0.5)) {
      put(inputs, key, placeholder(0));
      const text = textWith(doc, [nestedText(levels, '"leaf"')], false);
      const expect: Expectation = fits
        ? {
            kind: 'outcome',
            built: withResults(base.built, { [key]: nested(levels, 'leaf') }),
            mayRefuse: false,
          }
        : refuse();
      return { value: doc, text, expect };
    }
    const value = nested(levels, 'leaf');
    put(inputs, key, value);
    return {
      value: doc,
      expect: fits
        ? { kind: 'outcome', built: withResults(base.built, { [key]: value }), mayRefuse: false }
        : refuse(),
      // JSON.stringify itself overflows the stack on very deep values.
      objectOnly: levels > 1000,
    };
  },

  'link-cycle': (base, r, o) => {
    const doc = clone(base.built.document);
    const graphs = nodes(doc).filter(
      (n) => n.value.type === 'graph' && Array.isArray(n.value.children) && n.value.children.length > 0,
    );
    if (graphs.length === 0) return mutators['inferred-cycle'](base, r, o);
    const g = r.pick(graphs);
    const names = (g.value.children as Json[]).map((c) => c.name as string);
    const links = Array.isArray(g.value.links) ? (g.value.links as Json[]) : (g.value.links = []);
    const a = r.pick(names);
    const b = r.pick(names);
    const variant = r.int(4);
    if (variant === 0 || a === b) {
      links.push({ from: a, to: a });
      return {
        value: doc,
        expect: refuse([{ node: g.value.name as string, path: `links[${String(links.length - 1)}]` }]),
      };
    }
    if (variant === 1) {
      links.push({ from: a, to: 'no such child' }, { from: 'nor this one', to: b });
      const n = links.length;
      return {
        value: doc,
        expect: refuse([
          { node: g.value.name as string, path: `links[${String(n - 2)}].to` },
          { node: g.value.name as string, path: `links[${String(n - 1)}].from` },
        ]),
      };
    }
    if (variant === 2) {
      links.push({ from: a, to: b, depth: 'atom' });
      return {
        value: doc,
        expect: refuse([{ node: g.value.name as string, path: `links[${String(links.length - 1)}].depth` }]),
      };
    }
    links.push({ from: a, to: b }, { from: b, to: a });
    // Which of the two closes the cycle depends on links already there; either is at fault.
    return { value: doc, expect: refuse([{ node: g.value.name as string, path: /^links\[\d+\]$/ }]) };
  },

  'inferred-cycle': (base) => {
    const doc = clone(base.built.document);
    const g = { type: 'graph', name: freshName(doc, base.pools, 'loop'), children: [] as Json[] };
    const [x, y] = [freshName(doc, base.pools, 'cx'), freshName(doc, base.pools, 'cy')];
    g.children.push(
      { type: 'task', name: `${g.name}-a`, kind: 'noop', requires: x, provides: y },
      { type: 'task', name: `${g.name}-b`, kind: 'noop', requires: y, provides: x },
    );
    // After other mutations (`several`) the flow may be anything: the new graph still goes in.
    const flow = isObject(doc.flow) ? doc.flow : (doc.flow = { type: 'linear', name: `${g.name}-flow` });
    flow.children = [...(Array.isArray(flow.children) ? (flow.children as Json[]) : []), g];
    return { value: doc, expect: refuse([{ node: g.name, path: 'children' }]) };
  },

  'object-cycle': (base, r) => {
    const doc = clone(base.built.document);
    const flow = doc.flow as Json;
    const variant = r.int(4);
    if (variant === 0) (flow.children as unknown[]).push(flow);
    else if (variant === 1) (flow.children as unknown[]).push(doc);
    else if (variant === 2) {
      const inputs = isObject(doc.inputs) ? doc.inputs : (doc.inputs = {});
      put(inputs, freshName(doc, base.pools, 'self'), inputs);
    } else {
      const task = nodes(doc).find((n) => n.value.type === 'task');
      if (task) task.value.config = { value: task.value };
      else
        (flow.children as unknown[]).push({
          type: 'task',
          name: freshName(doc, base.pools, 't'),
          kind: 'value',
          config: doc,
        });
    }
    return { value: doc, expect: refuse(), objectOnly: true };
  },

  'proto-key': (base, r) => {
    const doc = clone(base.built.document);
    const containers = [{ path: [] as readonly PathKey[], value: doc as unknown }, ...slots(doc)].filter(
      (s) => isObject(s.value),
    );
    const target = r.pick(containers);
    // An own key, as `JSON.parse` makes it from text (as an object, assignment would set the prototype).
    put(target.value as object, '__proto__', { polluted: true, toString: 'x' });
    return { value: doc, expect: refuse([blame(doc, [...target.path, '__proto__'])]) };
  },

  'reserved-key': (base, r) => {
    const doc = clone(base.built.document);
    const key = r.pick(RESERVED);
    const tasks = nodes(doc).filter((n) => n.value.type === 'task');
    const choices: { path: readonly PathKey[]; map: Json }[] = [];
    const inputs = isObject(doc.inputs) ? doc.inputs : {};
    choices.push({ path: ['inputs'], map: inputs });
    const layout = isObject(doc.layout) ? doc.layout : {};
    choices.push({ path: ['layout'], map: layout });
    for (const t of tasks) {
      for (const field of ['inject', 'rebind', 'provides', 'optional'] as const) {
        const v = t.value[field];
        if (isObject(v)) choices.push({ path: [...t.path, field], map: v });
      }
      const config = t.value.config;
      if (isObject(config) && t.value.kind === 'shell')
        choices.push({ path: [...t.path, 'config', 'env'], map: (config.env ??= {}) as Json });
      if (isObject(config) && t.value.kind === 'http')
        choices.push({ path: [...t.path, 'config', 'headers'], map: (config.headers ??= {}) as Json });
    }
    const c = r.pick(choices);
    if (c.path.length === 1) doc[c.path[0] as string] = c.map;
    const value = c.path[0] === 'layout' ? { x: 1, y: 2 } : c.path.at(-1) === 'optional' ? null : 'v';
    put(c.map, key, value);
    return { value: doc, expect: refuse([blame(doc, [...c.path, key])]) };
  },

  'prototype-like-value': (base) => {
    // Keys that look like prototype machinery are ordinary data inside JSON values.
    const doc = clone(base.built.document);
    const payload = {
      constructor: { prototype: { polluted: true } },
      prototype: { polluted: true },
      toString: 1,
      valueOf: null,
    };
    const key = freshName(doc, base.pools, 'protoish');
    const inputs = isObject(doc.inputs) ? doc.inputs : (doc.inputs = {});
    put(inputs, key, payload);
    return {
      value: doc,
      expect: { kind: 'outcome', built: withResults(base.built, { [key]: payload }), mayRefuse: false },
    };
  },

  'not-a-document': (base, r) => {
    const variant = r.int(8);
    if (variant < 5) {
      const value = [[], null, 'atomflow.flow/1', 42, true][variant];
      return { value, expect: refuse([{ node: undefined, path: '' }]) };
    }
    const doc = clone(base.built.document);
    if (variant === 5) doc.format = r.pick(['atomflow.flow/2', 'atomflow.flow/1 ', 'ATOMFLOW.FLOW/1', '', 1]);
    else if (variant === 6) delete doc.format;
    else return { value: {}, expect: refuse([{ node: undefined, path: 'format' }]) };
    return { value: doc, expect: refuse([{ node: undefined, path: 'format' }]) };
  },

  'broken-text': (base, r) => {
    const doc = base.built.document;
    const text = JSON.stringify(doc, null, r.chance(0.5) ? 2 : undefined);
    const variant = r.int(9);
    const cut = 1 + r.int(Math.max(1, text.length - 2));
    const broken = [
      () => text.slice(0, cut),
      () => `${text} trailing`,
      () => text.replace(/"/g, "'"),
      () => `// a comment\n${text}`,
      // Unclosed brackets where a value goes: a reader that recurses per bracket overflows the stack.
      () => `{"format": "atomflow.flow/1", "flow": ${'['.repeat(r.pick([10, 10_000, 100_000]))}`,
      () => text.replace(/:/, ': 00'),
      () => `${text.slice(0, cut)}\u0000${text.slice(cut)}`,
      () => '',
    ];
    if (variant === 8) {
      // A byte order mark before valid JSON is accepted.
      return { value: doc, text: `\uFEFF${text}`, expect: same(base, false) };
    }
    return { value: doc, text: (broken[variant] as () => string)(), expect: refuse() };
  },

  'request-inputs': (base, r) => {
    const variant = r.int(5);
    const doc = base.built.document;
    if (variant === 0)
      return {
        value: doc,
        requestInputs: r.pick([[], 'x', 5, null]),
        expect: refuse([{ node: undefined, path: 'inputs' }]),
      };
    if (variant < 4) {
      const key = ['__proto__', 'constructor', ''][variant - 1] as string;
      const inputs = {};
      put(inputs, key, { polluted: true });
      return {
        value: doc,
        requestInputs: inputs,
        expect: refuse([{ node: undefined, path: `inputs.${key}` }]),
      };
    }
    // A request input that no task reads is just one more result.
    const key = freshName(doc, base.pools, 'extra');
    return {
      value: doc,
      requestInputs: { [key]: 'given' },
      expect: { kind: 'outcome', built: withResults(base.built, { [key]: 'given' }), mayRefuse: false },
    };
  },

  'hostile-code': (base, r) => {
    const doc = clone(base.built.document);
    const scripts = nodes(doc).filter((n) => n.value.kind === 'script');
    const code = r.pick([
      'while (true) {}',
      'return () => 1;',
      'throw null;',
      'return new Promise(() => {});',
      'let v = 1; for (let i = 0; i < 100000; i++) v = [v]; return v;',
      'Object.prototype.polluted = true; return {}.polluted;',
      'return (',
      'return "x".repeat(2 ** 22);',
    ]);
    const links = nodes(doc).flatMap((n) => (Array.isArray(n.value.links) ? (n.value.links as Json[]) : []));
    if (links.length > 0 && r.chance(0.3)) {
      // A decider has a fixed time limit of its own.
      r.pick(links).decider = { code };
    } else if (scripts.length > 0) {
      const s = r.pick(scripts).value;
      s.config = { code, timeoutMs: 200 };
    } else {
      const flow = doc.flow as Json;
      (flow.children as Json[]).push({
        type: 'task',
        name: freshName(doc, base.pools, 'hostile'),
        kind: 'script',
        config: { code, timeoutMs: 200 },
      });
    }
    return { value: doc, expect: ANY };
  },
};

/** The base document with at most three tasks at the top of its flow (rebuilt: same names, its own outcome). */
function smaller(base: BaseDocument): BaseDocument {
  const root = base.plan.root;
  const plan = {
    ...base.plan,
    root: { ...root, children: root.children.filter((c) => c.t === 'task').slice(0, 3) },
  };
  return { ...base, plan, built: buildDocument(plan, base.pools, { httpBase: base.httpBase }) };
}

/** Renames one used pool entry to an odd name and rebuilds: the same run, or a refusal. */
function rename(base: BaseDocument, r: Rng, o: MutationOptions, pool: 'names' | 'symbols'): Mutated {
  const used = Math.min(base.built.used[pool], base.pools[pool].length);
  if (used === 0) return mutators['wrong-type'](base, r, o);
  const list = [...base.pools[pool]];
  const candidates = [...ODD_NAMES, ...ILL_FORMED, ...RESERVED, '', ' ', '\u0000'].filter(
    // Symbols named like prototype members meet a known engine bug (see `isPrototypeMember`);
    // the reserved ones are refused before the engine sees them.
    (n) =>
      !list.includes(n) &&
      !(pool === 'symbols' && isPrototypeMember(n) && !(RESERVED as readonly string[]).includes(n)),
  );
  const i = r.int(used);
  list[i] = r.pick(candidates);
  const pools = { ...base.pools, [pool]: list };
  const built = buildDocument(base.plan, pools, { httpBase: base.httpBase });
  return { value: built.document, expect: { kind: 'outcome', built, mayRefuse: true } };
}

/** Applies a mutation (`several`: two to four refusing ones on one document). */
function mutate(base: BaseDocument, kind: MutationKind, r: Rng, o: MutationOptions): Mutated {
  if (kind !== 'several') return mutators[kind](base, r, o);
  let current = base;
  for (let n = 2 + r.int(3); n > 0; n--) {
    const m = mutators[
      r.pick(['unknown-field', 'missing-field', 'array-for-object', 'duplicate-name', 'link-cycle'] as const)
    ](current, r, o);
    if (!isObject(m.value)) break;
    current = { ...current, built: { ...current.built, document: m.value } };
  }
  // Each one alone is refused, and none repairs another; where each points, a later one may have moved.
  return { value: current.built.document, expect: refuse() };
}

/** A case of the given mutation of `base`, as an object or as text (when the mutation allows either). */
export function mutatedCase(
  base: BaseDocument,
  kind: MutationKind,
  seed: number,
  asText: boolean,
  o: MutationOptions,
): DocumentCase {
  const r = new Rng(seed);
  const m = mutate(base, kind, r, o);
  const label = `mutated:${kind}`;
  const extra = m.requestInputs === undefined ? {} : { requestInputs: m.requestInputs };
  if (m.text !== undefined && (asText || m.objectOnly !== true))
    return { label, input: { mode: 'text', text: m.text }, expect: m.expect, ...extra };
  if (asText && m.objectOnly !== true)
    return { label, input: { mode: 'text', text: JSON.stringify(m.value) }, expect: m.expect, ...extra };
  return { label, input: { mode: 'object', value: m.value }, expect: m.expect, ...extra };
}
