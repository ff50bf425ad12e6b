/**
 * Runs task code in the engine's own process, inline at submission: a batch
 * runs one atom after another (spec §6.4, serial engine).
 */
import type { Values } from '../atoms/atom.js';
import type { Task, TaskContext } from '../atoms/task.js';
import { Failure } from '../failure.js';
import type { Outcome, ProgressCallback, TaskExecutor } from './executor.js';

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

function clamp(p: number): number {
  if (!(p >= 0)) return 0;
  return p > 1 ? 1 : p;
}

/** The context a task sees while it runs. */
export function makeContext(task: Task, uuid: string, onProgress: ProgressCallback): TaskContext {
  return {
    name: task.name,
    uuid,
    updateProgress(fraction: number, details?: Values) {
      onProgress(clamp(fraction), details ?? {});
    },
  };
}

/**
 * Calls `fn` and turns its return value, its promise or what it throws into an
 * outcome, without awaiting when it returned synchronously.
 */
export function settle<T>(token: T, executed: boolean, fn: () => unknown): Outcome<T> | Promise<Outcome<T>> {
  let r: unknown;
  try {
    r = fn();
  } catch (e) {
    return { token, executed, result: Failure.fromError(e) };
  }
  if (!isThenable(r)) return { token, executed, result: r };
  return Promise.resolve(r).then(
    (result) => ({ token, executed, result }),
    (e: unknown) => ({ token, executed, result: Failure.fromError(e) }),
  );
}

export class SerialExecutor implements TaskExecutor {
  readonly inline = true;

  start(): void {
    // Nothing to start: tasks run in this process.
  }

  stop(): void {
    // Nothing to stop.
  }

  executeTask<T>(token: T, task: Task, uuid: string, args: Values, onProgress: ProgressCallback) {
    const ctx = makeContext(task, uuid, onProgress);
    return settle(token, true, () => task.execute(args, ctx));
  }

  revertTask<T>(
    token: T,
    task: Task,
    uuid: string,
    args: Values,
    result: unknown,
    flowFailures: Readonly<Record<string, Failure>>,
    onProgress: ProgressCallback,
  ) {
    const ctx = makeContext(task, uuid, onProgress);
    return settle(token, false, () => task.revert(args, { result, flowFailures }, ctx));
  }
}
