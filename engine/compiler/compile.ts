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
import { addEdge, GNode, type EdgeDecider, type EdgeMeta, type HFlow } from './graph.js';

interface Built {
  source: GNode;
  sink: GNode;
  nodes: GNode[];
}

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
    for (const u of this.nodes) u.succ.forEach((v, i) => out.push([u, v, u.succMeta[i] as EdgeMeta]));
    return out;
  }

  /** The deciders on links leading to an atom, including links into the subflows it starts (spec §6.6). */
  edgeDeciders(node: GNode): readonly EdgeDecider[] {
    if (node.deciders) return node.deciders;
    const out: EdgeDecider[] = [];
    const queue: [GNode, number][] = node.pred.map((_, i) => [node, i]);
    const visited = new Set<GNode>();
    for (let q = 0; q < queue.length; q++) {
      const [v, i] = queue[q] as [GNode, number];
      const u = v.pred[i] as GNode;
      const meta = v.predMeta[i] as EdgeMeta;
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

/** Compiles a flow or a single task. Throws `TypeError` for anything else. */
export function compile(root: unknown): Compilation {
  const seen = new Set<unknown>();
  let scopeCounter = 0;

  function check(item: unknown): void {
    if (seen.has(item)) throw new ValueError(`Already compiled item ${describe(item)}, it can't be reused`);
    seen.add(item);
  }

  function compileFlow(flow: Flow, parent: HFlow | undefined, index: number, depth: number): Built {
    check(flow);
    const flowNode = new GNode('flow', flow.name, undefined, flow);
    flowNode.hparent = parent;
    flowNode.hindex = index;
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
    const built = new Map<FlowItem, Built>();
    const inner: GNode[] = [];
    for (const child of flow.children()) {
      const hi = h.items.length;
      h.items.push(child);
      let b: Built;
      if (isFlow(child)) {
        b = compileFlow(child, h, hi, depth + 1);
      } else if (child instanceof Task) {
        check(child);
        const n = new GNode('task', child.name, child, undefined);
        n.hparent = h;
        n.hindex = hi;
        n.scopeIndex = scopeCounter++;
        b = { source: n, sink: n, nodes: [n] };
      } else {
        throw new TypeError(`Unknown object ${describe(child)} found in flow '${flow.name}': only tasks and flows can be added`);
      }
      built.set(child, b);
      for (const n of b.nodes) inner.push(n);
    }
    for (const [u, v, meta] of flow.links()) {
      const bu = built.get(u);
      const bv = built.get(v);
      if (!bu || !bv) continue;
      const m: EdgeMeta = {};
      if (meta.invariant) m.invariant = true;
      if (meta.manual) m.manual = true;
      if (meta.reasons) m.reasons = new Set(meta.reasons);
      if (meta.decider) {
        m.decider = meta.decider;
        if (meta.deciderDepth) m.deciderDepth = meta.deciderDepth;
      }
      addEdge(bu.sink, bv.source, m);
    }
    const head = retryNode ?? flowNode;
    if (retryNode) {
      addEdge(flowNode, retryNode, { invariant: true });
      for (const n of inner) if (n.retry === undefined) n.retry = retryNode;
    }
    const children = [...built.values()];
    for (const b of children) {
      if (b.source.pred.length === 0) addEdge(head, b.source, retryNode ? { invariant: true, retry: true } : { invariant: true });
    }
    const endNode = new GNode('flow_end', `${flow.name}[$]`, undefined, flow);
    endNode.hparent = parent;
    endNode.hindex = index;
    if (children.length === 0) addEdge(head, endNode, { invariant: true });
    for (const b of children) if (b.sink.succ.length === 0) addEdge(b.sink, endNode, { invariant: true });
    const nodes = [flowNode, ...inner];
    if (retryNode) nodes.push(retryNode);
    nodes.push(endNode);
    return { source: flowNode, sink: endNode, nodes };
  }

  if (isFlow(root)) return new Compilation(compileFlow(root, undefined, 0, 0).nodes);
  if (root instanceof Task) {
    const n = new GNode('task', root.name, root, undefined);
    n.scopeIndex = 0;
    return new Compilation([n]);
  }
  throw new TypeError(`Unknown object ${describe(root)} requested to compile: only a flow or a task can be run`);
}

