/**
 * Turns a document plan and two name pools into a valid flow document *and*
 * what running it must give: every symbol's value (worked out as the spec
 * says: linear order, graph links, retries, optional defaults, inject,
 * rebind) or, for a document meant to fail, the task and message it fails with.
 *
 * Validity is by construction: a task requires only symbols that run before
 * it (document inputs, earlier linear siblings, earlier graph children, the
 * retry of an enclosing flow), every symbol has one provider, and names are
 * unique. The choices the plan does not fix come from each node's seed, so
 * the same plan and pools always give the same document; a pool with one
 * entry replaced gives the same document with that name replaced everywhere.
 */
import { ILL_FORMED, ODD_NAMES } from './document-names.js';
import { Rng } from './seeded-random.js';
import type { DocumentPlan, FlowPlan, PlanKind, RetryType, TaskPlan } from './document-plan.js';

/** What the run of a generated document must end with. */
export type Outcome =
  | { readonly state: 'SUCCESS'; readonly results: Readonly<Record<string, unknown>> }
  | { readonly state: 'REVERTED'; readonly failing: string; readonly message: string };

/** A generated valid document with its expected outcome. */
export interface BuiltDocument {
  readonly document: Record<string, unknown>;
  readonly outcome: Outcome;
  /** Every atom (task and retry) the run will have, by name. */
  readonly atoms: readonly string[];
  /** What the document holds (`graph`, `retry:times`, `decider:false`, …), for the closing counts. */
  readonly features: ReadonlySet<string>;
  /** How many entries of each pool the document took (a rename of one of those changes the document). */
  readonly used: { readonly names: number; readonly symbols: number };
}

/** The names a document is built from: node names and symbols, taken in order. */
export interface Pools {
  readonly names: readonly string[];
  readonly symbols: readonly string[];
}

export interface BuildOptions {
  /** Base URL of a local HTTP server answering `/echo/...` (see `document-oracle.ts`); no http tasks without it. */
  readonly httpBase?: string;
}

/** Names taken in pool order, skipping taken ones; made up (`<prefix><n>`) when the pool runs out. */
class NameSource {
  private next = 0;
  readonly taken = new Set<string>();
  constructor(
    private readonly pool: readonly string[],
    private readonly prefix: string,
  ) {}
  /** Pool entries taken (or skipped) so far. */
  get used(): number {
    return this.next;
  }
  take(): string {
    while (this.next < this.pool.length) {
      const n = this.pool[this.next++] as string;
      if (!this.taken.has(n)) {
        this.taken.add(n);
        return n;
      }
    }
    let k = this.taken.size;
    while (this.taken.has(`${this.prefix}${String(k)}`)) k++;
    const made = `${this.prefix}${String(k)}`;
    this.taken.add(made);
    return made;
  }
}

/** An own property even for a key like `__proto__` (plain assignment would set the prototype). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A record built with {@link put}. */
function record(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) put(out, k, v);
  return out;
}

/** Keys JSON values use: ordinary ones and some that look like prototype members (legal inside values). */
const VALUE_KEYS = ['a', 'b', 'id', 'constructor', 'prototype', 'toString', '0', '', 'ключ', '🔑'];

/** A small JSON value (no `__proto__` keys: documents refuse them anywhere; no -0: JSON has none). */
function jsonOf(r: Rng, depth = 0): unknown {
  const k = r.int(depth >= 2 ? 5 : 7);
  switch (k) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, 1, -7, 42, 2 ** 53 - 1, -(2 ** 31), 1.5, -0.25, 1e21, 5e-324]);
    case 3:
      return r.pick(['', 'x', 'hello world', ...ODD_NAMES.slice(0, 12)]);
    case 4:
      // Values may hold text that is not well-formed Unicode; names may not (see document-names.ts).
      return r.chance(0.1) ? r.pick(ILL_FORMED) : `s${String(r.int(1000))}`;
    case 5:
      return Array.from({ length: r.int(4) }, () => jsonOf(r, depth + 1));
    default:
      return record(
        Array.from({ length: r.int(4) }, () => [r.pick(VALUE_KEYS), jsonOf(r, depth + 1)] as const),
      );
  }
}

/** FNV-1a of a string; the scripts of generated documents compute the same in the run. */
export function fnv(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** The script text of {@link fnv} over the given parameters' values. */
/**
 * A parameter's value in script text. Own properties only: `args` is a plain
 * object, so an absent optional parameter named `toString` would read
 * `Object.prototype.toString` (a function, which a result cannot hold).
 */
function argCode(param: string): string {
  const p = JSON.stringify(param);
  return `(Object.hasOwn(args, ${p}) ? args[${p}] : undefined)`;
}

function hashCode(params: readonly string[]): string {
  const list = params.map(argCode).join(', ');
  return (
    `const s = JSON.stringify([${list}]);\n` +
    'let h = 2166136261;\n' +
    'for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;\n' +
    'return h;'
  );
}

/**
 * Symbols a node may read: `all` run before it once links are inferred from
 * what it requires; `sure` run before it whatever it declares (an optional
 * parameter adds no graph link, so it may only name these).
 */
interface Visible {
  readonly all: readonly string[];
  readonly sure: readonly string[];
}

interface Built {
  readonly node: Record<string, unknown>;
  /** Symbols provided inside the node (a flow's retry included). */
  readonly provides: readonly string[];
}

/** How a flow's retry behaves in the run: how many failures it absorbs, and what it provides. */
interface RetryBuilt {
  readonly doc: Record<string, unknown>;
  readonly symbol: string | undefined;
  /** Failures of its `fail` task before it succeeds (0: none fails). */
  readonly k: number;
}

class DocumentBuilder {
  private readonly names: NameSource;
  private readonly symbols: NameSource;
  /** The value each provided symbol has at the end of the run (undefined: provided as nothing). */
  private readonly values = new Map<string, unknown>();
  private readonly inputs: Record<string, unknown> = {};
  readonly atoms: string[] = [];
  readonly features = new Set<string>();
  failing: { name: string; message: string } | undefined;
  private httpCount = 0;

  constructor(
    pools: Pools,
    private readonly plan: DocumentPlan,
    private readonly options: BuildOptions,
  ) {
    this.names = new NameSource(pools.names, 'n');
    this.symbols = new NameSource(pools.symbols, 's');
  }

  build(): BuiltDocument {
    const r = new Rng(this.plan.seed);
    const visible: string[] = [];
    for (let i = r.int(4); i > 0; i--) {
      const s = this.symbols.take();
      const v = jsonOf(r);
      put(this.inputs, s, v);
      this.values.set(s, v);
      visible.push(s);
    }
    const docName = this.names.take();
    const root = this.flow(this.plan.root, { all: visible, sure: visible }, false);
    const document: Record<string, unknown> = { format: 'atomflow.flow/1', name: docName };
    if (Object.keys(this.inputs).length > 0 || r.chance(0.2)) document.inputs = this.inputs;
    document.flow = this.plan.failing ? this.failAfter(root.node, r) : root.node;
    if (r.chance(0.3)) document.layout = this.layout(r);
    const outcome: Outcome = this.failing
      ? { state: 'REVERTED', failing: this.failing.name, message: this.failing.message }
      : { state: 'SUCCESS', results: this.results() };
    this.features.add(outcome.state === 'SUCCESS' ? 'outcome:success' : 'outcome:reverted');
    return {
      document,
      outcome,
      atoms: this.atoms,
      features: this.features,
      used: { names: this.names.used, symbols: this.symbols.used },
    };
  }

  /**
   * A document meant to fail: the planned flow, then a task that always
   * fails, in a linear flow (sometimes with a retry that runs it all again),
   * so everything the planned flow did must be reverted.
   *
   * The failing task runs alone, after the rest: where it fails in the same
   * batch as a task that has a successor left to run, the engine ends the run
   * FAILURE instead of reverting (see the known-bug test in
   * `fuzz-documents.test.ts`), so the generator does not build that case.
   */
  private failAfter(planned: Record<string, unknown>, r: Rng): Record<string, unknown> {
    const wrapper: Record<string, unknown> = { type: 'linear', name: this.names.take() };
    if (r.chance(0.3)) {
      const retry = r.chance(0.5)
        ? { type: 'times', name: this.names.take(), attempts: 2 }
        : { type: 'always-revert', name: this.names.take() };
      this.atoms.push(retry.name);
      wrapper.retry = retry;
    }
    const name = this.names.take();
    this.atoms.push(name);
    const config: Record<string, unknown> = {};
    if (r.chance(0.5)) config.message = r.pick(['disk full', 'שגיאה', '💥', ' ', 'a\u0000b']);
    this.failing = { name, message: (config.message as string | undefined) ?? 'Failed on purpose' };
    this.features.add('fails');
    wrapper.children = [planned, { type: 'task', name, kind: 'fail', config }];
    return wrapper;
  }

  /** Inputs and every symbol provided with a value (the run service leaves out what JSON cannot hold). */
  private results(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [s, v] of this.values) if (v !== undefined) put(out, s, v);
    return out;
  }

  /** Canvas positions for some nodes (names that are not map keys a document allows are left out). */
  private layout(r: Rng): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of this.names.taken) {
      if (name === '' || name === '__proto__' || name === 'constructor' || name === 'prototype') continue;
      if (!r.chance(0.5)) continue;
      const entry: Record<string, unknown> = { x: r.int(2000) - 500, y: r.float() * 900 };
      if (r.chance(0.3))
        Object.assign(entry, { width: r.int(300), height: r.int(200), collapsed: r.chance(0.5) });
      put(out, name, entry);
    }
    // An entry for a name no node has is ignored, not refused.
    if (r.chance(0.2)) put(out, `ghost-${String(r.int(100))}`, { x: 0, y: 0 });
    return out;
  }

  private retry(type: RetryType, flowName: string, r: Rng, canAbsorb: boolean): RetryBuilt {
    const doc: Record<string, unknown> = { type };
    this.features.add(`retry:${type}`);
    if (r.chance(0.6)) doc.name = this.names.take();
    else {
      const implicit = `${flowName}_retry`;
      // The default name shares the node namespace: take it only when free.
      if (this.names.taken.has(implicit)) doc.name = this.names.take();
      else this.names.taken.add(implicit);
    }
    const name = (doc.name as string | undefined) ?? `${flowName}_retry`;
    this.atoms.push(name);
    let k: number;
    let provided: unknown;
    switch (type) {
      case 'times': {
        const attempts = 1 + r.int(4);
        doc.attempts = attempts;
        k = canAbsorb ? r.int(attempts) : 0;
        provided = k + 1;
        break;
      }
      case 'for-each': {
        const values = Array.from({ length: 1 + r.int(3) }, () => jsonOf(r, 1));
        doc.values = values;
        k = canAbsorb ? r.int(values.length) : 0;
        provided = values[k];
        break;
      }
      case 'parameterized-for-each': {
        // Its `values` come from a document input, rebound by name or by position.
        const list = Array.from({ length: 1 + r.int(3) }, () => jsonOf(r, 1));
        const input = this.symbols.take();
        put(this.inputs, input, list);
        this.values.set(input, list);
        doc.rebind = r.chance(0.5) ? record([['values', input]]) : [input];
        k = canAbsorb ? r.int(list.length) : 0;
        provided = list[k];
        break;
      }
      default:
        return { doc, symbol: undefined, k: 0 };
    }
    if (r.chance(0.3)) doc.revertAll = r.chance(0.5);
    let symbol: string | undefined;
    if (r.chance(0.6)) {
      symbol = this.symbols.take();
      doc.provides = symbol;
      this.values.set(symbol, provided);
    }
    if (k > 0) this.features.add('retry:absorbs');
    return { doc, symbol, k };
  }

  /** `retried`: an enclosing flow runs again (its retry absorbs failures), so this one does too. */
  private flow(plan: FlowPlan, visible: Visible, retried: boolean): Built {
    const r = new Rng(plan.seed);
    const name = this.names.take();
    this.features.add(plan.t);
    const node: Record<string, unknown> = { type: plan.t, name };
    const inside = [...visible.all];
    const insideSure = [...visible.sure];
    const provides: string[] = [];
    // A fail task counts its executions; it can only stand for "fails k times" right under the retry,
    // and only in a linear flow, where it fails alone: failing in a batch with a task whose successor
    // is left to run makes the engine end the run FAILURE (the known-bug test in fuzz-documents.test.ts).
    const absorber =
      plan.t === 'linear' ? plan.children.findIndex((c) => c.t === 'task' && c.kind === 'fail') : -1;
    let k = 0;
    if (plan.retry !== null) {
      const built = this.retry(plan.retry, name, r, absorber >= 0 && !retried);
      node.retry = built.doc;
      k = built.k;
      if (built.symbol !== undefined) {
        inside.push(built.symbol);
        insideSure.push(built.symbol);
        provides.push(built.symbol);
      }
    }
    const rerun = retried || k > 0;
    // Graph children skipped by a decider saying no: tasks that provide nothing, with nothing after them.
    const skipped = new Set<number>();
    if (plan.t === 'graph') {
      plan.children.forEach((c, i) => {
        if (i > 0 && c.t === 'task' && !(k > 0 && i === absorber) && r.chance(0.15)) skipped.add(i);
      });
    }
    const children: Record<string, unknown>[] = [];
    const childNames: string[] = [];
    const before: string[] = [];
    plan.children.forEach((child, i) => {
      const sees: Visible =
        plan.t === 'unordered'
          ? { all: inside, sure: insideSure }
          : // A graph child requiring an earlier child's symbol is linked after it; an optional one is not.
            {
              all: [...inside, ...before],
              sure: plan.t === 'linear' ? [...insideSure, ...before] : insideSure,
            };
      const built =
        child.t === 'task'
          ? this.task(child, sees, {
              rerun,
              failTimes: k > 0 && i === absorber ? k : undefined,
              skipped: skipped.has(i),
            })
          : this.flow(child, sees, rerun);
      children.push(built.node);
      childNames.push(built.node.name as string);
      before.push(...built.provides);
      provides.push(...built.provides);
    });
    node.children = children;
    if (plan.t === 'graph') {
      const links = this.links(r, childNames, skipped);
      if (links.length > 0 || r.chance(0.2)) node.links = links;
    }
    return { node, provides };
  }

  /** Links forward only (child i to a later child), so they never close a cycle. */
  private links(
    r: Rng,
    children: readonly string[],
    skipped: ReadonlySet<number>,
  ): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    const yes = [
      'return true;',
      'return typeof history === "object";',
      'await null;\nreturn Object.keys(history).length >= 0;',
    ];
    for (let j = 1; j < children.length; j++) {
      if (skipped.has(j)) {
        // Only this link leads into a skipped child, and its "no" reaches that atom alone.
        let from = r.int(j);
        while (skipped.has(from) && from > 0) from--;
        if (skipped.has(from)) continue;
        out.push({
          from: children[from],
          to: children[j],
          decider: { code: r.pick(['return false;', 'return history === null;', 'return 0;']) },
          depth: 'atom',
        });
        this.features.add('decider:false');
        continue;
      }
      for (let i = 0; i < j; i++) {
        if (skipped.has(i) || !r.chance(0.25)) continue;
        const link: Record<string, unknown> = { from: children[i], to: children[j] };
        if (r.chance(0.5)) {
          link.decider = { code: r.pick(yes) };
          if (r.chance(0.5)) link.depth = r.pick(['all', 'flow', 'neighbors', 'atom']);
          this.features.add('decider:true');
        }
        out.push(link);
      }
    }
    if (out.length > 0) this.features.add('links');
    return out;
  }

  private task(
    plan: TaskPlan,
    visible: Visible,
    at: { rerun: boolean; failTimes: number | undefined; skipped: boolean },
  ): Built {
    const r = new Rng(plan.seed);
    const name = this.names.take();
    this.atoms.push(name);
    let kind: PlanKind = at.skipped ? 'noop' : plan.kind;
    // Where the flow is run again, a fail task's count would depend on scheduling: use a value instead.
    if (kind === 'fail' && at.failTimes === undefined && at.rerun) kind = 'value';
    if (kind === 'http' && this.options.httpBase === undefined) kind = 'value';
    this.features.add(`kind:${kind}`);
    const node: Record<string, unknown> = { type: 'task', name, kind };
    const args = this.parameters(r, node, visible);
    const provides: string[] = [];
    const provide = (symbol: string, value: unknown): void => {
      this.values.set(symbol, value);
      provides.push(symbol);
    };
    switch (kind) {
      case 'noop':
      case 'delay': {
        if (kind === 'delay') node.config = { ms: r.int(3) };
        else if (r.chance(0.5)) node.config = {};
        // Provides what the task returns: nothing. The symbol is there, its value undefined.
        if (!at.skipped && r.chance(0.15)) {
          const s = this.symbols.take();
          node.provides = s;
          provide(s, undefined);
        }
        break;
      }
      case 'value':
        this.valueTask(r, node, provide);
        break;
      case 'script':
        this.scriptTask(r, node, args, provide);
        break;
      case 'fail': {
        const config: Record<string, unknown> = {};
        if (r.chance(0.5)) config.message = r.pick(['disk full', 'שגיאה', '💥', ' ', 'a\u0000b']);
        // Fails k times under a retry that absorbs them, else not at all (`failTimes: 0`).
        config.failTimes = at.failTimes ?? 0;
        node.config = config;
        if (r.chance(0.6)) {
          const s = this.symbols.take();
          node.provides = s;
          // The execution that succeeds is the one after the failures.
          provide(s, (at.failTimes ?? 0) + 1);
        }
        break;
      }
      case 'shell': {
        const words = Array.from({ length: r.int(3) }, () => `w${String(r.int(100))}`);
        node.config = { command: 'echo', args: words, timeoutMs: 20_000 };
        const result = { exitCode: 0, stdout: `${words.join(' ')}\n`, stderr: '' };
        const s = this.symbols.take();
        if (r.chance(0.5)) {
          node.provides = s;
          provide(s, result);
        } else {
          node.provides = record([[s, 'stdout']]);
          provide(s, result.stdout);
        }
        break;
      }
      case 'http': {
        const path = `/echo/${String(this.httpCount++)}`;
        const config: Record<string, unknown> = { url: `${this.options.httpBase ?? ''}${path}` };
        let body: unknown;
        const style = r.int(4);
        if (style < 2) {
          config.method = r.pick(['POST', 'PUT', 'PATCH']);
          body = jsonOf(r);
          config.body = body;
        } else if (style === 2) config.method = 'GET';
        node.config = config;
        const method = (config.method as string | undefined) ?? 'GET';
        const s = this.symbols.take();
        node.provides = s;
        // The server answers with what it got (see `document-oracle.ts`).
        // A string body goes as UTF-8 (a lone surrogate arrives as U+FFFD); other JSON is escaped ASCII.
        const sent = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
        provide(s, { method, path, body: Buffer.from(sent, 'utf8').toString('utf8') });
        break;
      }
    }
    if (r.chance(0.15)) node.priority = r.int(11) - 5;
    return { node, provides };
  }

  /**
   * The task's parameters: up to two visible symbols (required as they are,
   * or rebound to parameters of other names, by map or by position), an
   * optional one (visible or provided by nobody, by list or with a default),
   * an injected constant. Returns each parameter with the value it gets.
   */
  private parameters(r: Rng, node: Record<string, unknown>, visible: Visible): [string, unknown][] {
    const pool = [...visible.all];
    const chosen: string[] = [];
    for (let n = r.int(3); n > 0 && pool.length > 0; n--)
      chosen.push(pool.splice(r.int(pool.length), 1)[0] as string);
    const args: [string, unknown][] = [];
    const requires: string[] = [];
    const style = chosen.length === 0 ? 0 : r.int(3);
    if (style === 0) {
      requires.push(...chosen);
      for (const s of chosen) args.push([s, this.values.get(s)]);
    } else {
      const params = chosen.map(() => this.symbols.take());
      requires.push(...params);
      node.rebind = style === 1 ? record(params.map((p, i) => [p, chosen[i] as string])) : [...chosen];
      params.forEach((p, i) => args.push([p, this.values.get(chosen[i] as string)]));
      this.features.add(style === 1 ? 'rebind:map' : 'rebind:list');
    }
    if (r.chance(0.2)) {
      const q = this.symbols.take();
      const v = jsonOf(r);
      requires.push(q);
      node.inject = record([[q, v]]);
      args.push([q, v]);
      this.features.add('inject');
    }
    if (requires.length > 0) node.requires = requires.length === 1 && r.chance(0.5) ? requires[0] : requires;
    if (r.chance(0.25)) {
      const sure = visible.sure.filter((s) => pool.includes(s));
      const seen = sure.length > 0 && r.chance(0.5);
      const o = seen ? (sure[r.int(sure.length)] as string) : this.symbols.take();
      if (r.chance(0.5)) {
        node.optional = [o];
        args.push([o, seen ? this.values.get(o) : undefined]);
      } else {
        const fallback = jsonOf(r);
        node.optional = record([[o, fallback]]);
        args.push([o, seen ? this.values.get(o) : fallback]);
      }
      this.features.add('optional');
    }
    // Revert reads its parameters through `rebind` too unless it has its own: only without one.
    if (visible.all.length > 0 && node.rebind === undefined && r.chance(0.1)) {
      node.revertRequires = r.pick(visible.all);
      this.features.add('revertRequires');
    }
    return args;
  }

  private valueTask(r: Rng, node: Record<string, unknown>, provide: (s: string, v: unknown) => void): void {
    const form = r.int(4);
    if (form === 1) {
      // By position: a list value, one symbol per leading item.
      const value = Array.from({ length: 1 + r.int(3) }, () => jsonOf(r, 1));
      const symbols = value.slice(0, 1 + r.int(value.length)).map(() => this.symbols.take());
      node.config = { value };
      node.provides = symbols;
      symbols.forEach((s, i) => {
        provide(s, value[i]);
      });
      this.features.add('provides:list');
    } else if (form === 2) {
      // By key: an object value, a symbol per key taken.
      const keys = ['a', 'b', 'constructor', 'ключ'].slice(0, 1 + r.int(4));
      const value = record(keys.map((k) => [k, jsonOf(r, 1)]));
      node.config = { value };
      const map = record(keys.filter(() => r.chance(0.7)).map((k) => [this.symbols.take(), k]));
      node.provides = map;
      for (const [s, k] of Object.entries(map)) provide(s, value[k as string]);
      this.features.add('provides:map');
    } else {
      const value = jsonOf(r);
      node.config = { value };
      if (form === 0) {
        const s = this.symbols.take();
        node.provides = s;
        provide(s, value);
      }
    }
  }

  private scriptTask(
    r: Rng,
    node: Record<string, unknown>,
    args: readonly [string, unknown][],
    provide: (s: string, v: unknown) => void,
  ): void {
    const params = args.map(([p]) => p);
    let code: string;
    let result: unknown;
    const style = r.int(3);
    if (style === 0 && params.length > 0) {
      const i = r.int(params.length);
      code = `return ${argCode(params[i] as string)};`;
      result = args[i]?.[1];
    } else if (style === 1 || params.length > 0) {
      code = hashCode(params);
      result = fnv(JSON.stringify(args.map(([, v]) => v)));
    } else {
      // A literal through JSON.parse: in JavaScript source `{"__proto__": …}` would set a prototype.
      result = jsonOf(r);
      code = `return JSON.parse(${JSON.stringify(JSON.stringify(result))});`;
    }
    if (r.chance(0.2)) code = `await null;\n${code}`;
    if (r.chance(0.2)) code = `console.log(${JSON.stringify(node.name)}, args);\nprogress(0.5);\n${code}`;
    const config: Record<string, unknown> = { code };
    if (r.chance(0.2)) config.revertCode = 'console.log("undo");\nreturn null;';
    if (r.chance(0.2)) config.timeoutMs = 2000 + r.int(3000);
    node.config = config;
    if (r.chance(0.85)) {
      const s = this.symbols.take();
      node.provides = s;
      provide(s, result);
    }
  }
}

/** Builds the document of a plan with the names of `pools`. */
export function buildDocument(plan: DocumentPlan, pools: Pools, options: BuildOptions = {}): BuiltDocument {
  return new DocumentBuilder(pools, plan, options).build();
}
