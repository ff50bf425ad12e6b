/**
 * Compiles a flow (or a single task) into an execution graph with scopes
 * (spec §3). Structural errors are found here, before anything runs.
 */
import { Retry } from '../atoms/retry.js';
import { Task } from '../atoms/task.js';
import { Duplicate, ValueError } from '../errors.js';
import { Depth } from '../patterns/depth.js';
import { isFlow, type Flow, type FlowItem } from '../patterns/flow.js';
import { GraphFlow } from '../patterns/graph.js';
import {
  addEdge,
  GNode,
  PLAIN_EDGE,
  predMetaOf,
  succMetaOf,
  type EdgeDecider,
  type EdgeMeta,
  type HFlow,
} from './graph.js';

function describe(x: unknown): string {
  if (typeof x === 'string') return `'${x}'`;
  if (x instanceof Retry) return `retry '${x.name}'`;
  try {
    return String(x);
  } catch {
    return Object.prototype.toString.call(x);
  }
}

/** The result of compiling a flow: its execution graph and hierarchy. */
export class Compilation {
  /** All nodes in graph order (spec §3.2). */
  readonly nodes: readonly GNode[];
  /** Atom nodes (tasks and retries) in graph order. */
  readonly atoms: readonly GNode[];
  private readonly byName: Map<string, GNode>;

  constructor(nodes: GNode[]) {
    nodes.forEach((n, i) => (n.id = i));
    this.nodes = nodes;
    this.atoms = nodes.filter((n) => n.isAtom);
    this.byName = new Map();
    const dups = new Set<string>();
    for (const n of this.atoms) {
      if (this.byName.has(n.name)) dups.add(n.name);
      this.byName.set(n.name, n);
    }
    if (dups.size > 0) {
      throw new Duplicate(
        `Atoms with duplicate names found: [${[...dups]
          .sort()
          .map((d) => `'${d}'`)
          .join(', ')}]`,
      );
    }
  }

  /** The node of an atom; `undefined` when no atom of that name was compiled. */
  atom(name: string): GNode | undefined {
    return this.byName.get(name);
  }

  /** Edges as `[from, to, meta]` in node order. */
  edges(): [GNode, GNode, EdgeMeta][] {
    const out: [GNode, GNode, EdgeMeta][] = [];
    for (const u of this.nodes) u.succ.forEach((v, i) => out.push([u, v, succMetaOf(u, i)]));
    return out;
  }

  /** The deciders on links leading to an atom, including links into the subflows it starts (spec §6.6). */
  edgeDeciders(node: GNode): readonly EdgeDecider[] {
    if (node.deciders) return node.deciders;
    if (!node.predMeta && !node.pred.some((p) => p.kind === 'flow')) return (node.deciders = NO_DECIDERS);
    const out: EdgeDecider[] = [];
    const queue: [GNode, number][] = node.pred.map((_, i) => [node, i]);
    const visited = new Set<GNode>();
    for (let q = 0; q < queue.length; q++) {
      const [v, i] = queue[q] as [GNode, number];
      const u = v.pred[i] as GNode;
      const meta = predMetaOf(v, i);
      if (meta.decider) out.push({ from: u, decider: meta.decider, depth: meta.deciderDepth ?? Depth.ALL });
      if (u.kind === 'flow' && !visited.has(u)) {
        visited.add(u);
        for (let j = 0; j < u.pred.length; j++) queue.push([u, j]);
      }
    }
    node.deciders = out;
    return out;
  }

  /**
   * Where `provider` sits among the scopes visible to `consumer` (spec §4.1):
   * the level (0 = nearest) and an order within it (smaller = nearer), or
   * `undefined` when the provider is not a transitive predecessor.
   */
  scopePosition(provider: GNode, consumer: GNode): { level: number; order: number } | undefined {
    if (provider === consumer) return undefined;
    const pa = provider.hparent;
    const pb = consumer.hparent;
    if (!pa || !pb) return undefined;
    const consumerDepth = pb.depth;
    // Climb both hierarchy paths to their lowest common flow, remembering which child of it each came from.
    let ha: HFlow = pa;
    let ia = provider.hindex;
    let hb: HFlow = pb;
    let ib = consumer.hindex;
    const up = (h: HFlow): HFlow => h.parent as HFlow;
    while (ha.depth > hb.depth) {
      ia = ha.index;
      ha = up(ha);
    }
    while (hb.depth > ha.depth) {
      ib = hb.index;
      hb = up(hb);
    }
    while (ha !== hb) {
      ia = ha.index;
      ha = up(ha);
      ib = hb.index;
      hb = up(hb);
    }
    const f = ha.flow;
    const hasRetry = f.retry !== undefined;
    let visible: boolean;
    if (hasRetry && ia === 0) visible = true;
    else if (hasRetry && ib === 0) visible = false;
    else if (f.kind === 'linear') visible = ia < ib;
    else if (f.kind === 'unordered') visible = false;
    else {
      const key = ia * 1_048_576 + ib;
      let r = ha.reach.get(key);
      if (r === undefined) {
        r = f instanceof GraphFlow && f.reaches(ha.items[ia] as FlowItem, ha.items[ib] as FlowItem);
        ha.reach.set(key, r);
      }
      visible = r;
    }
    if (!visible) return undefined;
    return { level: consumerDepth - ha.depth, order: -provider.scopeIndex };
  }

  /** The visible scopes of an atom as lists of atom names, nearest first (spec §4.1). */
  scopesOf(name: string): string[][] {
    const y = this.byName.get(name);
    if (!y) throw new ValueError(`Unable to find atom '${name}' in the compilation hierarchy`);
    const levels: { order: number; name: string }[][] = [];
    for (const p of this.atoms) {
      const pos = this.scopePosition(p, y);
      if (!pos) continue;
      (levels[pos.level] ??= []).push({ order: pos.order, name: p.name });
    }
    const out: string[][] = [];
    for (let i = 0; i < levels.length; i++) {
      out.push((levels[i] ?? []).sort((a, b) => a.order - b.order).map((e) => e.name));
    }
    return out;
  }
}

const NO_DECIDERS: readonly EdgeDecider[] = Object.freeze([]);
const INVARIANT_RETRY: EdgeMeta = Object.freeze({ invariant: true, retry: true });

/** Compiles a flow or a single task. Throws `TypeError` for anything else. */
export function compile(root: unknown): Compilation {
  const seen = new Set<unknown>();
  let scopeCounter = 0;
  /** Every node, appended in graph order as the recursion goes. */
  const order: GNode[] = [];

  function check(item: unknown): void {
    if (seen.has(item)) throw new ValueError(`Already compiled item ${describe(item)}, it can't be reused`);
    seen.add(item);
  }

  /** Compiles one flow; returns its end node (its start node is the first node it appended). */
  function compileFlow(flow: Flow, parent: HFlow | undefined, index: number, depth: number): GNode {
    check(flow);
    const flowNode = new GNode('flow', flow.name, undefined, flow);
    flowNode.hparent = parent;
    flowNode.hindex = index;
    order.push(flowNode);
    const innerStart = order.length;
    const h: HFlow = { flow, parent, index, depth, items: [], reach: new Map() };
    let retryNode: GNode | undefined;
    if (flow.retry) {
      check(flow.retry);
      retryNode = new GNode('retry', flow.retry.name, flow.retry, undefined);
      retryNode.hparent = h;
      retryNode.hindex = 0;
      retryNode.scopeIndex = scopeCounter++;
      h.items.push(flow.retry);
    }
    const children = flow.children();
    const sources: GNode[] = new Array<GNode>(children.length);
    const sinks: GNode[] = new Array<GNode>(children.length);
    for (let i = 0; i < children.length; i++) {
      const child = children[i] as FlowItem;
      const hi = h.items.length;
      h.items.push(child);
      if (isFlow(child)) {
        const start = order.length;
        sinks[i] = compileFlow(child, h, hi, depth + 1);
        sources[i] = order[start] as GNode;
      } else if (child instanceof Task) {
        check(child);
        const n = new GNode('task', child.name, child, undefined);
        n.hparent = h;
        n.hindex = hi;
        n.scopeIndex = scopeCounter++;
        order.push(n);
        sources[i] = n;
        sinks[i] = n;
      } else {
        throw new TypeError(
          `Unknown object ${describe(child)} found in flow '${flow.name}': only tasks and flows can be added`,
        );
      }
    }
    const innerEnd = order.length;
    if (flow.kind === 'linear') {
      for (let i = 1; i < children.length; i++)
        addEdge(sinks[i - 1] as GNode, sources[i] as GNode, PLAIN_EDGE);
    } else if (flow.kind === 'graph') {
      const position = new Map<FlowItem, number>();
      children.forEach((c, i) => position.set(c, i));
      for (const [u, v, meta] of flow.links()) {
        const iu = position.get(u);
        const iv = position.get(v);
        if (iu === undefined || iv === undefined) continue;
        addEdge(sinks[iu] as GNode, sources[iv] as GNode, meta);
      }
    }
    const head = retryNode ?? flowNode;
    if (retryNode) {
      addEdge(flowNode, retryNode, PLAIN_EDGE);
      for (let i = innerStart; i < innerEnd; i++) {
        const n = order[i] as GNode;
        if (n.retry === undefined) n.retry = retryNode;
      }
      order.push(retryNode);
    }
    for (const src of sources)
      if (src.pred.length === 0) addEdge(head, src, retryNode ? INVARIANT_RETRY : PLAIN_EDGE);
    const endNode = new GNode('flow_end', `${flow.name}[$]`, undefined, flow);
    endNode.hparent = parent;
    endNode.hindex = index;
    if (children.length === 0) addEdge(head, endNode, PLAIN_EDGE);
    for (const sink of sinks) if (sink.succ.length === 0) addEdge(sink, endNode, PLAIN_EDGE);
    order.push(endNode);
    return endNode;
  }

  if (isFlow(root)) {
    compileFlow(root, undefined, 0, 0);
    return new Compilation(order);
  }
  if (root instanceof Task) {
    const n = new GNode('task', root.name, root, undefined);
    n.scopeIndex = 0;
    return new Compilation([n]);
  }
  throw new TypeError(
    `Unknown object ${describe(root)} requested to compile: only a flow or a task can be run`,
  );
}
