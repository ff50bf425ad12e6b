/**
 * The execution graph (spec §3.2): atoms plus bookkeeping nodes for the start
 * and end of every flow, with the links the patterns imply.
 */
import type { Atom } from '../atoms/atom.js';
import type { Reporter } from '../executors/executor.js';
import type { Retry } from '../atoms/retry.js';
import type { Depth } from '../patterns/depth.js';
import type { Decider, Flow, FlowItem } from '../patterns/flow.js';
import type { AtomDetail } from '../persistence/models.js';

export type NodeKind = 'task' | 'retry' | 'flow' | 'flow_end';

/** Metadata of an edge of the execution graph. */
export interface EdgeMeta {
  invariant?: true;
  manual?: true;
  /** From a retry to the first atoms it controls. */
  retry?: true;
  reasons?: ReadonlySet<string>;
  decider?: Decider;
  deciderDepth?: Depth;
}

/** A flow in the hierarchy tree used for scoping (spec §3.3). */
export interface HFlow {
  readonly flow: Flow;
  readonly parent: HFlow | undefined;
  /** Position of this flow among its parent's hierarchy children. */
  readonly index: number;
  readonly depth: number;
  /** Hierarchy children: the retry first (if any), then the children in iteration order. */
  readonly items: (FlowItem | Retry)[];
  /** Memo of reachability between two children of a graph flow. */
  readonly reach: Map<number, boolean>;
}

/** A decider on a link that leads to an atom (directly or into its subflow). */
export interface EdgeDecider {
  readonly from: GNode;
  readonly decider: Decider;
  readonly depth: Depth;
}

/** A node of the execution graph. Atom nodes also carry the run-time bookkeeping of their atom. */
export class GNode {
  /** Position in the graph's node order. */
  id = -1;
  readonly succ: GNode[] = [];
  readonly pred: GNode[] = [];
  /**
   * Metadata of the edges in `succ` / `pred` (same positions); `undefined`
   * while every edge is a plain ordering edge ({@link PLAIN_EDGE}), which is
   * most of them, so most nodes carry no such arrays.
   */
  succMeta: EdgeMeta[] | undefined;
  predMeta: EdgeMeta[] | undefined;
  /** The nearest retry controlling this node. */
  retry: GNode | undefined;
  /** The flow this node belongs to in the hierarchy, and its index there. */
  hparent: HFlow | undefined;
  hindex = 0;
  /** Preorder index of an atom in the hierarchy (scope order). */
  scopeIndex = -1;
  /** Whether this is a flow or flow-end node (never executed). */
  readonly noop: boolean;

  // Run-time bookkeeping (set and used by the runtime).
  detail: AtomDetail | undefined;
  /** Visit stamp of the last traversal that reached this node. */
  mark = 0;
  /** Memo: first predecessor / successor not yet settled, valid for one epoch. */
  cursor = 0;
  cursorEpoch = -1;
  rcursor = 0;
  rcursorEpoch = -1;
  deciders: readonly EdgeDecider[] | undefined;
  /** Where a task's progress and output reports go, made on first use. */
  reporter: Reporter | undefined;

  constructor(
    readonly kind: NodeKind,
    readonly name: string,
    readonly atom: Atom | undefined,
    readonly flow: Flow | undefined,
  ) {
    this.noop = kind === 'flow' || kind === 'flow_end';
  }

  get isAtom(): boolean {
    return !this.noop;
  }
}

/** The metadata of an edge that only orders two nodes. */
export const PLAIN_EDGE: EdgeMeta = Object.freeze({ invariant: true });

/** Adds an edge u → v. */
export function addEdge(u: GNode, v: GNode, meta: EdgeMeta): void {
  if (meta !== PLAIN_EDGE || u.succMeta) (u.succMeta ??= u.succ.map(() => PLAIN_EDGE)).push(meta);
  if (meta !== PLAIN_EDGE || v.predMeta) (v.predMeta ??= v.pred.map(() => PLAIN_EDGE)).push(meta);
  u.succ.push(v);
  v.pred.push(u);
}

/** The metadata of u's i-th outgoing edge. */
export function succMetaOf(u: GNode, i: number): EdgeMeta {
  return u.succMeta?.[i] ?? PLAIN_EDGE;
}

/** The metadata of v's i-th incoming edge. */
export function predMetaOf(v: GNode, i: number): EdgeMeta {
  return v.predMeta?.[i] ?? PLAIN_EDGE;
}
