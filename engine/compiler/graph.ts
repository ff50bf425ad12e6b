/**
 * The execution graph (spec §3.2): atoms plus bookkeeping nodes for the start
 * and end of every flow, with the links the patterns imply.
 */
import type { Atom, Values } from '../atoms/atom.js';
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
  readonly succMeta: EdgeMeta[] = [];
  readonly predMeta: EdgeMeta[] = [];
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
  /** Progress callback of a task, made on first use. */
  onProgress: ((progress: number, details: Values) => void) | undefined;

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

/** Adds an edge u → v. */
export function addEdge(u: GNode, v: GNode, meta: EdgeMeta): void {
  u.succ.push(v);
  u.succMeta.push(meta);
  v.pred.push(u);
  v.predMeta.push(meta);
}
