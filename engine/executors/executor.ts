/**
 * Where task code runs. The serial executor runs it inline; later engines run
 * it in a process pool or on remote workers with the same contract.
 */
import type { Values } from '../atoms/atom.js';
import type { Task } from '../atoms/task.js';
import type { Failure } from '../failure.js';

/** The outcome of one execute or revert: the result, or a {@link Failure}. */
export interface Outcome<T = unknown> {
  readonly token: T;
  readonly executed: boolean;
  readonly result: unknown;
  /** The work never started: it was cancelled while queued (the atom stays as it was). */
  readonly cancelled?: true;
}

/** Progress reported by running task code. */
export type ProgressCallback = (progress: number, details: Values) => void;

/** Output reported by running task code. */
export type LogCallback = (text: string, stream: 'stdout' | 'stderr') => void;

/** Where a running task's reports go. */
export interface Reporter {
  readonly progress: ProgressCallback;
  readonly log: LogCallback;
  /** The task's `TaskContext.attempt` (default 1). */
  readonly attempt?: number;
}

export interface TaskExecutor {
  /**
   * `true` when a batch runs one atom after another at submission time (the
   * serial engine); `false` when submissions run concurrently.
   */
  readonly inline: boolean;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
  /** Cancels submissions that have not started yet; they settle with `cancelled: true`. */
  cancelQueued?(): void;
  /** Stops work in progress too (kills pool processes); those atoms fail. */
  killRunning?(): void;
  executeTask<T>(
    token: T,
    task: Task,
    uuid: string,
    args: Values,
    reporter: Reporter,
  ): Outcome<T> | Promise<Outcome<T>>;
  revertTask<T>(
    token: T,
    task: Task,
    uuid: string,
    args: Values,
    result: unknown,
    flowFailures: Readonly<Record<string, Failure>>,
    reporter: Reporter,
  ): Outcome<T> | Promise<Outcome<T>>;
}
