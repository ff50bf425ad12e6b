/**
 * Everything a run needs in one place: the compiled graph, storage, notifier,
 * executor and options, plus the helpers that reset atoms (spec §6).
 */
import type { Compilation } from '../compiler/compile.js';
import type { GNode } from '../compiler/graph.js';
import type { TaskExecutor } from '../executors/executor.js';
import type { Notifier } from '../notify/notifier.js';
import type { AtomDetail } from '../persistence/models.js';
import { EXECUTE, PENDING, REVERT, RETRY, type AtomState, type Intention } from '../states.js';
import type { Storage } from '../storage/storage.js';
import { Actions, NO_RESULT } from './actions.js';

export interface RuntimeOptions {
  /** A failed execute is not resolved: no revert, no retry; the run ends FAILURE. */
  readonly neverResolve: boolean;
  /** A retry's REVERT always defers to its parent's decision (spec §6.8). */
  readonly deferReverts: boolean;
}

export class Runtime {
  readonly actions: Actions;
  private stamp = 0;

  constructor(
    readonly compilation: Compilation,
    readonly storage: Storage,
    readonly notifier: Notifier,
    readonly executor: TaskExecutor,
    readonly options: RuntimeOptions,
  ) {
    this.actions = new Actions(this);
  }

  /** A fresh stamp for marking nodes visited by one traversal. */
  nextStamp(): number {
    return ++this.stamp;
  }

  detail(node: GNode): AtomDetail {
    return node.detail as AtomDetail;
  }

  /**
   * Resets atoms to a state (notifying, unless unchanged) and/or an intention.
   * Once an atom is to be reverted, a later request to retry it is ignored.
   */
  resetAtoms(nodes: Iterable<GNode>, state: AtomState | undefined, intention: Intention | undefined): void {
    for (const n of nodes) {
      const ad = this.detail(n);
      if (ad.intention === REVERT && intention === RETRY) continue;
      if (state !== undefined) {
        if (n.kind === 'task') this.actions.changeTaskState(n, state, 0, NO_RESULT);
        else this.actions.changeRetryState(n, state, NO_RESULT);
      }
      if (intention !== undefined) this.storage.setIntention(ad, intention);
    }
  }

  /** The atom itself is not included; every transitive successor is, in depth-first order. */
  *successorsDepthFirst(start: GNode, throughFlows = true, throughRetries = true): Generator<GNode> {
    // A set, not the nodes' visit stamps: this runs inside selector scans (deciders) that use those.
    const seen = new Set<GNode>();
    const stack = [...start.succ];
    while (stack.length > 0) {
      const n = stack.pop() as GNode;
      if (seen.has(n)) continue;
      seen.add(n);
      if (!n.noop) yield n;
      if (n.noop && !throughFlows) continue;
      if (n.kind === 'retry' && !throughRetries) continue;
      for (const s of n.succ) stack.push(s);
    }
  }

  /** Resets every transitive successor of `node`. */
  resetSubgraph(node: GNode, state: AtomState | undefined, intention: Intention | undefined): void {
    this.resetAtoms([...this.successorsDepthFirst(node)], state, intention);
  }

  /** Prepares a retry and its subflow to run again. */
  retrySubflow(retry: GNode): void {
    this.resetAtoms([retry], undefined, EXECUTE);
    this.resetSubgraph(retry, PENDING, EXECUTE);
  }

  /** Whether every atom succeeded or was ignored. */
  isSuccess(): boolean {
    for (const n of this.compilation.atoms) {
      const s = this.detail(n).state;
      if (s !== 'SUCCESS' && s !== 'IGNORE') return false;
    }
    return true;
  }
}
