/**
 * The state machine of a run (spec §6.1): RESUMING → SCHEDULING → WAITING →
 * ANALYZING → (SCHEDULING | WAITING | GAME_OVER) → a final state. Each state's
 * work is a method; it returns synchronously whenever no task is asynchronous,
 * so a run of synchronous tasks never waits on the event loop.
 */
import type { GNode } from '../compiler/graph.js';
import type { Outcome } from '../executors/executor.js';
import { Failure } from '../failure.js';
import type { AtomDetail } from '../persistence/models.js';
import {
  ANALYZING,
  EXECUTE,
  FAILURE,
  PENDING,
  REVERT,
  REVERTED,
  REVERTING,
  RESUMING,
  RETRYING,
  RUNNING,
  SCHEDULING,
  SUCCESS,
  SUSPENDED,
  SUSPENDING,
  WAITING,
} from '../states.js';
import { Completer } from './completer.js';
import { checkAndAffect } from './deciders.js';
import type { Runtime } from './runtime.js';
import { Selector } from './selector.js';

export const GAME_OVER = 'GAME_OVER';
export type MachineState =
  | typeof RESUMING
  | typeof SCHEDULING
  | typeof WAITING
  | typeof ANALYZING
  | typeof GAME_OVER
  | typeof SUCCESS
  | typeof REVERTED
  | typeof SUSPENDED
  | typeof FAILURE;

export function isTerminal(s: MachineState): boolean {
  return s === SUCCESS || s === REVERTED || s === SUSPENDED || s === FAILURE;
}

function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return x instanceof Promise;
}

/** Counters kept while running. */
export interface RunStatistics {
  /** Atom completions recorded. */
  completed: number;
  /** Execute failures resolved by revert or retry. */
  discardedFailures: number;
}

export class Machine {
  private nextUp: GNode[] = [];
  private readonly done: Outcome<GNode>[] = [];
  private readonly notDone = new Set<Promise<Outcome<GNode>>>();
  private wake: (() => void) | undefined;
  /** Failures that cannot be resolved: revert failures, scheduling errors, thrown-in errors. */
  readonly failures: Failure[] = [];
  readonly stats: RunStatistics = { completed: 0, discardedFailures: 0 };
  private readonly selector: Selector;
  private readonly completer: Completer;
  private readonly decide: (n: GNode) => boolean;

  constructor(private readonly rt: Runtime) {
    this.selector = new Selector(rt);
    this.completer = new Completer(rt);
    this.decide = (n) => checkAndAffect(rt, n);
  }

  /** Does the work of `state` and returns the next state. */
  work(state: MachineState): MachineState | Promise<MachineState> {
    switch (state) {
      case RESUMING:
        this.resume();
        return SCHEDULING;
      case SCHEDULING: {
        const p = this.schedule();
        return p ? p.then(() => WAITING) : WAITING;
      }
      case WAITING: {
        const p = this.wait();
        return p ? p.then(() => ANALYZING) : ANALYZING;
      }
      case ANALYZING:
        return this.analyze();
      case GAME_OVER:
        return this.gameOver();
      default:
        return state;
    }
  }

  private resume(): void {
    const rt = this.rt;
    const atoms = rt.compilation.atoms;
    if (!rt.options.neverResolve) {
      for (const n of atoms) {
        const ad = n.detail as AtomDetail;
        if (ad.state === FAILURE) this.completer.processFailure(n, rt.storage.resultOf(ad) as Failure);
      }
      for (const n of atoms)
        if (n.kind === 'retry' && (n.detail as AtomDetail).state === RETRYING) rt.retrySubflow(n);
    }
    const out: GNode[] = [];
    for (const n of atoms) {
      const s = (n.detail as AtomDetail).state;
      if (s === RUNNING || s === REVERTING) out.push(n);
    }
    this.selector.allReady(out, this.decide);
    this.nextUp = [...new Set(out)];
  }

  private schedule(): Promise<void> | undefined {
    const flowState = this.rt.storage.getFlowState();
    if (flowState === RUNNING && this.nextUp.length > 0) {
      const batch = this.nextUp.length > 1 ? this.byPriority(this.nextUp) : this.nextUp;
      this.nextUp = [];
      return this.scheduleFrom(batch, 0);
    }
    if (flowState === SUSPENDING && this.notDone.size > 0) this.rt.executor.cancelQueued?.();
    return undefined;
  }

  private byPriority(nodes: GNode[]): GNode[] {
    const first = nodes[0]?.atom?.priority ?? 0;
    if (nodes.every((n) => (n.atom?.priority ?? 0) === first)) return nodes;
    return nodes
      .map((n, i) => [n, i] as const)
      .sort((a, b) => (b[0].atom?.priority ?? 0) - (a[0].atom?.priority ?? 0) || a[1] - b[1])
      .map(([n]) => n);
  }

  private scheduleFrom(batch: readonly GNode[], start: number): Promise<void> | undefined {
    const inline = this.rt.executor.inline;
    for (let i = start; i < batch.length; i++) {
      const n = batch[i] as GNode;
      let r: Outcome<GNode> | Promise<Outcome<GNode>>;
      try {
        r = this.rt.actions.schedule(n);
      } catch (e) {
        this.failures.push(Failure.fromError(e));
        return undefined;
      }
      if (!isPromise(r)) {
        this.done.push(r);
      } else if (inline || n.kind === 'retry') {
        // One after another: the rest of the batch waits for this atom.
        return r.then((o) => {
          this.done.push(o);
          return this.scheduleFrom(batch, i + 1);
        });
      } else {
        this.track(r);
      }
    }
    return undefined;
  }

  private track(p: Promise<Outcome<GNode>>): void {
    this.notDone.add(p);
    void p.then((o) => {
      this.notDone.delete(p);
      // Cancelled before it started: the atom stays as it is (RUNNING), to be run again on resume.
      if (!o.cancelled) this.done.push(o);
      const w = this.wake;
      this.wake = undefined;
      w?.();
    });
  }

  private wait(): Promise<void> | undefined {
    if (this.done.length > 0 || this.notDone.size === 0) return undefined;
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    });
  }

  /** Stops work in progress (the parallel engine's "kill" cancel): those atoms fail. */
  killRunning(): void {
    this.rt.executor.cancelQueued?.();
    this.rt.executor.killRunning?.();
  }

  private analyze(): MachineState {
    const rt = this.rt;
    const next: GNode[] = [];
    while (this.done.length > 0) {
      const o = this.done.shift() as Outcome<GNode>;
      const node = o.token;
      try {
        rt.actions.complete(o);
        if (o.result instanceof Failure) {
          if (o.executed && !rt.options.neverResolve) {
            this.completer.processFailure(node, o.result);
            this.stats.discardedFailures++;
          } else {
            this.failures.push(o.result);
          }
        }
        this.stats.completed++;
      } catch (e) {
        this.failures.push(Failure.fromError(e));
        continue;
      }
      if (this.failures.length === 0) {
        try {
          this.nextAfter(node, next);
        } catch (e) {
          this.failures.push(Failure.fromError(e));
        }
      }
    }
    // A successor queued to execute by an earlier outcome of this batch, whose intention a later failure
    // of the same batch turned to REVERT, never ran: there is nothing to revert (PENDING blocks nothing).
    const ready = next.filter(
      (n) => !(rt.storage.getAtomState(n.name) === PENDING && rt.storage.getAtomIntention(n.name) === REVERT),
    );
    const flowState = rt.storage.getFlowState();
    if (flowState === RUNNING && ready.length > 0 && this.failures.length === 0) {
      this.nextUp = ready.length > 1 ? [...new Set(ready)] : ready;
      return SCHEDULING;
    }
    if (this.notDone.size > 0) {
      if (flowState === SUSPENDING) this.rt.executor.cancelQueued?.();
      return WAITING;
    }
    return GAME_OVER;
  }

  private nextAfter(node: GNode, out: GNode[]): void {
    const ad = node.detail as AtomDetail;
    if (ad.state === SUCCESS) {
      if (ad.intention === REVERT) out.push(node);
      else if (ad.intention === EXECUTE) this.selector.nextAfterSuccess(node, out, this.decide);
    } else if (ad.state === REVERTED) {
      this.selector.nextAfterRevert(node, out);
    } else if (ad.state === FAILURE) {
      this.selector.allReadyToRevert(out);
    }
  }

  private gameOver(): MachineState {
    if (this.failures.length > 0) return FAILURE;
    const left: GNode[] = [];
    this.selector.allReady(left, undefined);
    if (left.length > 0) return SUSPENDED;
    return this.rt.isSuccess() ? SUCCESS : REVERTED;
  }
}
