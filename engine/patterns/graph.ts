/**
 * Graph flows: children ordered by explicit links and by links inferred from
 * what they require and provide (spec §2.4).
 */
import type { Retry } from '../atoms/retry.js';
import { AmbiguousDependency, DependencyFailure, ValueError } from '../errors.js';
import { toDepth, type Depth } from './depth.js';
import { Flow, checkItem, isFlow, type Decider, type FlowItem, type LinkMeta } from './flow.js';

/** Options of {@link GraphFlow.add}. */
export interface GraphAddOptions {
  /** Link each new node to the one known provider of each symbol it needs (default true). */
  resolveRequires?: boolean;
  /** Link each new node to existing nodes that need what it provides (default true). */
  resolveExisting?: boolean;
}

/** Options of {@link GraphFlow.link}. */
export interface LinkOptions {
  /** Called before the target runs with `{ sourceAtomName: result }`; a falsy answer skips it. */
  decider?: Decider;
  /** How much a "no" skips (default `ALL`); a string is matched case-insensitively. */
  depth?: string;
}

function isAddOptions(x: unknown): x is GraphAddOptions {
  return typeof x === 'object' && x !== null && !isFlow(x) && !('execute' in x);
}

export class GraphFlow extends Flow {
  readonly kind = 'graph' as const;
  protected readonly nodes: FlowItem[] = [];
  protected readonly present = new Set<FlowItem>();
  protected readonly succ = new Map<FlowItem, Map<FlowItem, LinkMeta>>();
  protected readonly pred = new Map<FlowItem, Set<FlowItem>>();
  private topo: FlowItem[] | undefined;

  /**
   * Adds nodes, linking them by requires/provides. Atomic: if the addition is
   * ambiguous or makes a cycle, nothing is added. A trailing plain object is
   * taken as {@link GraphAddOptions}.
   */
  add(...args: (FlowItem | GraphAddOptions)[]): this {
    let options: GraphAddOptions = {};
    const last = args.at(-1);
    if (last !== undefined && isAddOptions(last)) {
      options = last;
      args = args.slice(0, -1);
    }
    for (const it of args) checkItem(this, it);
    const items = [...new Set(args as FlowItem[])].filter((n) => !this.present.has(n));
    if (items.length === 0) return this;
    const resolveRequires = options.resolveRequires ?? true;
    const resolveExisting = options.resolveExisting ?? true;
    const retryProvides = new Set(this.retry?.provides ?? []);

    const required = new Map<string, FlowItem[]>();
    const provided = new Map<string, FlowItem[]>();
    const push = (m: Map<string, FlowItem[]>, k: string, v: FlowItem): void => {
      const l = m.get(k);
      if (l) l.push(v);
      else m.set(k, [v]);
    };
    for (const node of this.nodes) {
      for (const s of this.unsatisfied(node, retryProvides)) push(required, s, node);
      for (const s of node.provides) push(provided, s, node);
    }

    // Every edge made here touches a new node, so undoing the addition is removing the new nodes.
    const added: FlowItem[] = [];
    try {
      for (const node of items) {
        this.addNode(node);
        added.push(node);
        if (resolveRequires) {
          for (const s of node.requires) {
            if (retryProvides.has(s)) continue;
            const providers = provided.get(s);
            if (!providers) {
              push(required, s, node);
              continue;
            }
            if (providers.length > 1) {
              const names = providers.map((p) => p.name).sort();
              throw new AmbiguousDependency(
                `Resolution error detected when adding '${node.name}', multiple providers ` +
                  `[${names.map((n) => `'${n}'`).join(', ')}] found for required symbol '${s}'`,
              );
            }
            this.addEdge(providers[0] as FlowItem, node, s);
          }
        }
        for (const s of node.provides) push(provided, s, node);
        if (resolveExisting) {
          for (const s of node.provides) {
            const needing = required.get(s);
            if (!needing) continue;
            for (const requiree of [...needing]) {
              if (requiree === node) continue;
              this.addEdge(node, requiree, s);
              needing.splice(needing.indexOf(requiree), 1);
            }
          }
        }
      }
      this.topo = undefined;
      this.topologicalOrder();
    } catch (e) {
      for (const node of added) this.removeNode(node);
      this.topo = undefined;
      throw e;
    }
    return this;
  }

  /**
   * Links `from` → `to` (both already in the flow), with an optional decider.
   * A link that would close a cycle is refused and the flow is left unchanged.
   */
  link(from: FlowItem, to: FlowItem, options: LinkOptions = {}): this {
    if (!this.present.has(from)) throw new ValueError(`Node '${from.name}' not found to link from`);
    if (!this.present.has(to)) throw new ValueError(`Node '${to.name}' not found to link to`);
    const { decider } = options;
    if (decider !== undefined && typeof decider !== 'function') {
      throw new ValueError(`Decider given to link '${from.name}' -> '${to.name}' must be callable`);
    }
    let depth: Depth | undefined;
    if (options.depth !== undefined) {
      if (decider === undefined) {
        throw new ValueError(`Decider depth given to link '${from.name}' -> '${to.name}' without a decider`);
      }
      depth = toDepth(options.depth);
    }
    if (from === to || this.reaches(to, from)) {
      throw new DependencyFailure(
        `No path through the node(s) in the graph produces an ordering that will allow for logical ` +
          `edge traversal: linking '${from.name}' -> '${to.name}' would make a cycle`,
      );
    }
    this.addManualEdge(from, to, decider, depth);
    this.topo = undefined;
    return this;
  }

  children(): readonly FlowItem[] {
    return this.topologicalOrder();
  }

  links(): (readonly [FlowItem, FlowItem, LinkMeta])[] {
    const out: (readonly [FlowItem, FlowItem, LinkMeta])[] = [];
    for (const u of this.children()) {
      const m = this.succ.get(u);
      if (m) for (const [v, meta] of m) out.push([u, v, meta]);
    }
    return out;
  }

  /** The immediate predecessors of a child (inferred or manual links). */
  predecessorsOf(item: FlowItem): ReadonlySet<FlowItem> {
    return this.pred.get(item) ?? new Set();
  }

  get requires(): readonly string[] {
    const out = new Set<string>(this.retry?.requires ?? []);
    const retryProvides = new Set(this.retry?.provides ?? []);
    for (const node of this.children()) for (const s of this.unsatisfied(node, retryProvides)) out.add(s);
    return [...out];
  }

  /** Whether `from` reaches `to` through links (from ≠ to). */
  reaches(from: FlowItem, to: FlowItem): boolean {
    if (this.pred.get(to)?.has(from)) return true;
    const seen = new Set<FlowItem>([to]);
    const stack = [to];
    while (stack.length > 0) {
      const n = stack.pop() as FlowItem;
      const ps = this.pred.get(n);
      if (!ps) continue;
      for (const p of ps) {
        if (p === from) return true;
        if (!seen.has(p)) {
          seen.add(p);
          stack.push(p);
        }
      }
    }
    return false;
  }

  /** A node's requires minus the retry's provides and what its ancestors provide. */
  private unsatisfied(node: FlowItem, retryProvides: ReadonlySet<string>): string[] {
    const want = node.requires.filter((s) => !retryProvides.has(s));
    if (want.length === 0) return want;
    const have = new Set<string>();
    const seen = new Set<FlowItem>();
    const stack = [...(this.pred.get(node) ?? [])];
    while (stack.length > 0) {
      const n = stack.pop() as FlowItem;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const p of n.provides) have.add(p);
      for (const p of this.pred.get(n) ?? []) stack.push(p);
    }
    return want.filter((s) => !have.has(s));
  }

  private addNode(node: FlowItem): void {
    this.nodes.push(node);
    this.present.add(node);
    this.succ.set(node, new Map());
    this.pred.set(node, new Set());
  }

  private removeNode(node: FlowItem): void {
    for (const p of this.pred.get(node) ?? []) this.succ.get(p)?.delete(node);
    for (const v of this.succ.get(node)?.keys() ?? []) this.pred.get(v)?.delete(node);
    const i = this.nodes.lastIndexOf(node);
    if (i >= 0) this.nodes.splice(i, 1);
    this.present.delete(node);
    this.succ.delete(node);
    this.pred.delete(node);
  }

  /** Adds or merges an inferred link caused by `reason`. */
  private addEdge(u: FlowItem, v: FlowItem, reason: string): void {
    const m = this.succ.get(u) as Map<FlowItem, LinkMeta>;
    const meta = m.get(v);
    if (meta) (meta.reasons ??= new Set()).add(reason);
    else m.set(v, { reasons: new Set([reason]) });
    (this.pred.get(v) as Set<FlowItem>).add(u);
  }

  /** Adds or merges a manual link; a new decider replaces the previous one and its depth. */
  private addManualEdge(
    u: FlowItem,
    v: FlowItem,
    decider: Decider | undefined,
    depth: Depth | undefined,
  ): void {
    const m = this.succ.get(u) as Map<FlowItem, LinkMeta>;
    const meta: LinkMeta = m.get(v) ?? {};
    meta.manual = true;
    if (decider !== undefined) {
      meta.decider = decider;
      delete meta.deciderDepth;
      if (depth !== undefined) meta.deciderDepth = depth;
    }
    m.set(v, meta);
    (this.pred.get(v) as Set<FlowItem>).add(u);
  }

  /** Kahn's algorithm, ties broken by insertion order; throws on a cycle. */
  protected topologicalOrder(): FlowItem[] {
    if (this.topo) return this.topo;
    const indeg = new Map<FlowItem, number>();
    for (const n of this.nodes) indeg.set(n, this.pred.get(n)?.size ?? 0);
    const ready = this.nodes.filter((n) => indeg.get(n) === 0);
    const out: FlowItem[] = [];
    for (let i = 0; i < ready.length; i++) {
      const n = ready[i] as FlowItem;
      out.push(n);
      for (const v of this.succ.get(n)?.keys() ?? []) {
        const d = (indeg.get(v) ?? 0) - 1;
        indeg.set(v, d);
        if (d === 0) ready.push(v);
      }
    }
    if (out.length !== this.nodes.length) {
      const stuck = this.nodes.filter((n) => (indeg.get(n) ?? 0) > 0).map((n) => `'${n.name}'`);
      throw new DependencyFailure(
        `No path through the node(s) in the graph produces an ordering that will allow for logical ` +
          `edge traversal; the cycle involves ${stuck.join(', ')}`,
      );
    }
    this.topo = out;
    return out;
  }
}

/** A graph flow: `graph('g').add(a, b).link(a, b, { decider })`. */
export function graph(name: string, retry?: Retry): GraphFlow {
  return new GraphFlow(name, retry);
}

/**
 * A graph flow whose visible part is restricted to one target node and its
 * ancestors (spec §2.4 `TargetedFlow`).
 */
export class TargetedGraphFlow extends GraphFlow {
  private target: FlowItem | undefined;

  /** Restricts iteration, links and requires/provides to `item` and what leads to it. */
  setTarget(item: FlowItem): this {
    if (!this.present.has(item)) throw new ValueError(`Node '${item.name}' not found`);
    this.target = item;
    return this;
  }

  resetTarget(): this {
    this.target = undefined;
    return this;
  }

  override children(): readonly FlowItem[] {
    const all = super.children();
    const t = this.target;
    if (!t) return all;
    return all.filter((n) => n === t || this.reaches(n, t));
  }

  override links(): (readonly [FlowItem, FlowItem, LinkMeta])[] {
    const visible = new Set(this.children());
    return super.links().filter(([u, v]) => visible.has(u) && visible.has(v));
  }

  override get provides(): readonly string[] {
    const out = new Set<string>(this.retry?.provides ?? []);
    for (const c of this.children()) for (const p of c.provides) out.add(p);
    return [...out];
  }
}
