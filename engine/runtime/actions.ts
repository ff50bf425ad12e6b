/**
 * How each atom kind is scheduled and completed, and how its state changes are
 * saved and announced (spec §6.5, §6.7).
 */
import type { Values } from '../atoms/atom.js';
import type { Decision, Retry } from '../atoms/retry.js';
import type { Task } from '../atoms/task.js';
import type { GNode } from '../compiler/graph.js';
import { ExecutionFailure, InvalidState } from '../errors.js';
import type { Outcome, Reporter } from '../executors/executor.js';
import { outcomeOf } from '../executors/serial.js';
import { Failure } from '../failure.js';
import type { AtomEvent, LogEvent, ProgressEvent } from '../notify/events.js';
import type { AtomDetail } from '../persistence/models.js';
import {
  EXECUTE,
  FAILURE,
  REVERT,
  REVERTED,
  REVERTING,
  REVERT_FAILURE,
  RETRY,
  RETRYING,
  RUNNING,
  SUCCESS,
  checkRetryTransition,
  checkTaskTransition,
  type AtomState,
} from '../states.js';
import type { Runtime } from './runtime.js';

/** Marks a state change that carries no result (an explicit `undefined` result is a result). */
export const NO_RESULT: unique symbol = Symbol('no result');

/**
 * Execution moves an atom only along the state table (spec §7); resets (to
 * PENDING, or IGNORE by deciders) are exempt, as in TaskFlow. Anything else is
 * an engine bug, and stops the run rather than corrupt it.
 */
function assertTransition(node: GNode, from: AtomState, to: AtomState): void {
  if (from === to || to === 'PENDING' || to === 'IGNORE') return;
  const ok = node.kind === 'retry' ? checkRetryTransition(from, to) : checkTaskTransition(from, to);
  if (!ok) throw new InvalidState(`Atom '${node.name}' transition from '${from}' to '${to}' is not allowed`);
}

function savesResult(state: AtomState): boolean {
  return state === SUCCESS || state === FAILURE || state === REVERTED || state === REVERT_FAILURE;
}

/** Executions started so far (kept in the atom detail's meta, so it survives a resume). */
function attemptsOf(ad: AtomDetail): number {
  const n = ad.meta.attempts;
  return typeof n === 'number' ? n : 0;
}

export class Actions {
  constructor(private readonly rt: Runtime) {}

  /** Changes a task's state, saving the result and progress first, then notifying. */
  changeTaskState(node: GNode, state: AtomState, progress: number | undefined, result: unknown): void {
    const { storage, notifier } = this.rt;
    const ad = node.detail as AtomDetail;
    const old = ad.state;
    assertTransition(node, old, state);
    const saves = savesResult(state);
    if (!saves && state === old && progress !== undefined) {
      const p = ad.meta.progress;
      if ((typeof p === 'number' ? p : 0) === progress) return;
    }
    // State, result and progress land in the store as one write, with the event that announces them.
    if (saves) storage.saveDetail(ad, result === NO_RESULT ? undefined : result, state, false);
    else storage.setState(ad, state, false);
    if (progress !== undefined) storage.setProgress(ad, progress, undefined, false);
    this.commit(ad, 'task', state, old, result);
    if (progress !== undefined && notifier.size > 0) {
      notifier.emit({ type: 'progress', name: ad.name, uuid: ad.uuid, progress });
    }
  }

  /** Changes a retry's state; a reverted retry's history is emptied. */
  changeRetryState(node: GNode, state: AtomState, result: unknown): void {
    const { storage } = this.rt;
    const ad = node.detail as AtomDetail;
    const old = ad.state;
    assertTransition(node, old, state);
    if (savesResult(state)) {
      storage.saveDetail(ad, result === NO_RESULT ? undefined : result, state, false);
      if (state === REVERTED) storage.cleanupRetryHistory(ad.name, state, false);
    } else {
      if (state === old) return;
      storage.setState(ad, state, false);
    }
    this.commit(ad, 'retry', state, old, result);
  }

  /** Writes the atom's detail (with its event, when someone records or listens), then announces it. */
  private commit(
    ad: AtomDetail,
    kind: 'task' | 'retry',
    state: AtomState,
    old: AtomState,
    result: unknown,
  ): void {
    const { storage, notifier } = this.rt;
    if (!storage.recordsEvents && notifier.size === 0) {
      storage.persistAtom(ad);
      return;
    }
    const event: AtomEvent =
      result === NO_RESULT
        ? { type: 'atom', kind, name: ad.name, uuid: ad.uuid, state, oldState: old, hasResult: false }
        : { type: 'atom', kind, name: ad.name, uuid: ad.uuid, state, oldState: old, hasResult: true, result };
    storage.persistAtom(ad, true, event);
    notifier.emit(event);
  }

  /** One reporter per atom, made once: reports are frequent and allocation is not free. */
  private reporterOf(node: GNode, ad: AtomDetail): Reporter {
    if (node.reporter) return node.reporter;
    const { storage, notifier } = this.rt;
    const progress = (value: number, details: Values): void => {
      const changed = storage.setProgress(ad, value, details, false);
      if (!storage.recordsEvents && notifier.size === 0) {
        if (changed) storage.persistAtom(ad, false);
        return;
      }
      const event: ProgressEvent =
        Object.keys(details).length > 0
          ? { type: 'progress', name: ad.name, uuid: ad.uuid, progress: value, details }
          : { type: 'progress', name: ad.name, uuid: ad.uuid, progress: value };
      if (changed) storage.persistAtom(ad, false, event);
      notifier.emit(event);
    };
    const log = (text: string, stream: 'stdout' | 'stderr'): void => {
      if (!storage.recordsEvents && notifier.size === 0) return;
      const event: LogEvent = { type: 'log', name: ad.name, uuid: ad.uuid, stream, text };
      storage.recordEvent(event);
      notifier.emit(event);
    };
    return (node.reporter = {
      progress,
      log,
      get attempt() {
        return attemptsOf(ad) || 1;
      },
    });
  }

  /** Starts the atom's next piece of work according to its intention. */
  schedule(node: GNode): Outcome<GNode> | Promise<Outcome<GNode>> {
    const ad = node.detail as AtomDetail;
    if (node.kind === 'task') {
      if (ad.intention === EXECUTE) return this.executeTask(node, ad);
      if (ad.intention === REVERT) return this.revertTask(node, ad);
      throw new ExecutionFailure(`Unknown how to schedule task '${ad.name}' with intention ${ad.intention}`);
    }
    if (ad.intention === EXECUTE) return this.executeRetry(node, ad);
    if (ad.intention === REVERT) return this.revertRetry(node, ad);
    if (ad.intention === RETRY) {
      this.changeRetryState(node, RETRYING, NO_RESULT);
      this.rt.retrySubflow(node);
      return this.executeRetry(node, ad);
    }
    throw new ExecutionFailure(`Unknown how to schedule retry '${ad.name}' with intention ${ad.intention}`);
  }

  private executeTask(node: GNode, ad: AtomDetail): Outcome<GNode> | Promise<Outcome<GNode>> {
    // Counted before the RUNNING write, which stores it: a resume after a crash counts the lost attempt.
    ad.meta.attempts = attemptsOf(ad) + 1;
    this.changeTaskState(node, RUNNING, 0, NO_RESULT);
    const task = node.atom as Task;
    const args = this.rt.storage.mappedArgs(task.executeMapping, node, ad);
    return this.rt.executor.executeTask(node, task, ad.uuid, args, this.reporterOf(node, ad));
  }

  private revertTask(node: GNode, ad: AtomDetail): Outcome<GNode> | Promise<Outcome<GNode>> {
    this.changeTaskState(node, REVERTING, 0, NO_RESULT);
    const task = node.atom as Task;
    const { storage } = this.rt;
    const args = storage.mappedArgs(task.revertMapping, node, ad);
    const result = storage.resultOf(ad);
    const failures = storage.getFailures();
    return this.rt.executor.revertTask(
      node,
      task,
      ad.uuid,
      args,
      result,
      failures,
      this.reporterOf(node, ad),
    );
  }

  private retryArgs(node: GNode, ad: AtomDetail, revert: boolean): Values {
    const retry = node.atom as Retry;
    return this.rt.storage.mappedArgs(revert ? retry.revertMapping : retry.executeMapping, node, ad);
  }

  private executeRetry(node: GNode, ad: AtomDetail): Outcome<GNode> | Promise<Outcome<GNode>> {
    this.changeRetryState(node, RUNNING, NO_RESULT);
    const retry = node.atom as Retry;
    const args = this.retryArgs(node, ad, false);
    const history = this.rt.storage.historyOf(ad);
    let r: unknown;
    try {
      r = retry.execute(history, args);
    } catch (e) {
      return { token: node, executed: true, result: Failure.fromError(e) };
    }
    return outcomeOf(node, true, r);
  }

  private revertRetry(node: GNode, ad: AtomDetail): Outcome<GNode> | Promise<Outcome<GNode>> {
    this.changeRetryState(node, REVERTING, NO_RESULT);
    const retry = node.atom as Retry;
    const args = this.retryArgs(node, ad, true);
    const history = this.rt.storage.historyOf(ad);
    const flowFailures = this.rt.storage.getFailures();
    let r: unknown;
    try {
      r = retry.revert(history, args, { flowFailures });
    } catch (e) {
      return { token: node, executed: false, result: Failure.fromError(e) };
    }
    return outcomeOf(node, false, r);
  }

  /** Records the outcome of an execute or revert. */
  complete(outcome: Outcome<GNode>): void {
    const node = outcome.token;
    const failed = outcome.result instanceof Failure;
    if (node.kind === 'task') {
      if (outcome.executed) {
        if (failed) this.changeTaskState(node, FAILURE, undefined, outcome.result);
        else this.changeTaskState(node, SUCCESS, 1, outcome.result);
      } else if (failed) this.changeTaskState(node, REVERT_FAILURE, undefined, outcome.result);
      else this.changeTaskState(node, REVERTED, 1, outcome.result);
    } else if (outcome.executed) {
      this.changeRetryState(node, failed ? FAILURE : SUCCESS, outcome.result);
    } else {
      this.changeRetryState(node, failed ? REVERT_FAILURE : REVERTED, outcome.result);
    }
  }

  /** Records a failure under a retry and asks the retry what to do. */
  onFailure(retryNode: GNode, failedNode: GNode, failure: Failure): Decision {
    const ad = retryNode.detail as AtomDetail;
    this.rt.storage.saveRetryFailure(ad.name, failedNode.name, failure);
    const args = this.retryArgs(retryNode, ad, false);
    return (retryNode.atom as Retry).onFailure(this.rt.storage.historyOf(ad), args);
  }
}
