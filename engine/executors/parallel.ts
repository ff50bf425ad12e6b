/**
 * The parallel engine's executor: independent atoms run at the same time, up
 * to `maxWorkers`. A task with a reference (`task.ref`) runs in a pool process
 * (real parallelism, and the host is never blocked by it); a task without one
 * runs in the host, concurrently when it is asynchronous. With `mode: 'async'`
 * every task runs in the host.
 */
import type { Values } from '../atoms/atom.js';
import type { Task } from '../atoms/task.js';
import type { Failure } from '../failure.js';
import { callTask } from './async.js';
import { RunningContext } from './serial.js';
import type { Outcome, Reporter, TaskExecutor } from './executor.js';
import { Limiter } from './limiter.js';
import { ProcessPool, type JobResult } from './pool/pool.js';

export interface ParallelExecutorOptions {
  /** Most atoms running at once (default 8). */
  maxWorkers?: number;
  /** `processes` (default): tasks with a `ref` run in the pool; `async`: everything in the host. */
  mode?: 'processes' | 'async';
  /** The pool to use (default: the host's shared pool). */
  pool?: ProcessPool;
}

export class ParallelExecutor implements TaskExecutor {
  readonly inline = false;
  private readonly limiter: Limiter;
  private readonly mode: 'processes' | 'async';
  private readonly poolOption: ProcessPool | undefined;

  constructor(options: ParallelExecutorOptions = {}) {
    const maxWorkers = options.maxWorkers ?? 8;
    // One limit for both kinds of task: at most maxWorkers atoms are under way.
    this.limiter = new Limiter(maxWorkers);
    this.mode = options.mode ?? 'processes';
    this.poolOption = options.pool;
  }

  private get pool(): ProcessPool {
    return this.poolOption ?? ProcessPool.shared();
  }

  start(): void {
    // The pool starts processes lazily, when a task needs one.
  }

  stop(): void {
    this.limiter.cancelQueued();
  }

  cancelQueued(): void {
    this.limiter.cancelQueued();
  }

  killRunning(): void {
    this.pool.kill(this, 'the run was cancelled');
  }

  private remote(task: Task): boolean {
    return this.mode === 'processes' && task.ref !== undefined;
  }

  private outcome<T>(token: T, executed: boolean, r: JobResult): Outcome<T> {
    return { token, executed, result: r.ok ? r.value : r.failure };
  }

  executeTask<T>(token: T, task: Task, uuid: string, args: Values, reporter: Reporter): Promise<Outcome<T>> {
    const cancelled = (): Outcome<T> => ({ token, executed: true, result: undefined, cancelled: true });
    if (!this.remote(task)) {
      const ctx = new RunningContext(task.name, uuid, reporter);
      return this.limiter.run(() => callTask(token, task, args, ctx), cancelled);
    }
    const ref = task.ref as NonNullable<Task['ref']>;
    return this.limiter.run(
      async () =>
        this.outcome(
          token,
          true,
          await this.pool.run(
            { action: 'execute', ref, name: task.name, uuid, args, timeoutMs: task.timeoutMs },
            reporter,
            this,
          ),
        ),
      cancelled,
    );
  }

  revertTask<T>(
    token: T,
    task: Task,
    uuid: string,
    args: Values,
    result: unknown,
    flowFailures: Readonly<Record<string, Failure>>,
    reporter: Reporter,
  ): Promise<Outcome<T>> {
    const cancelled = (): Outcome<T> => ({ token, executed: false, result: undefined, cancelled: true });
    if (!this.remote(task)) {
      const ctx = new RunningContext(task.name, uuid, reporter);
      return this.limiter.run(() => callTask(token, task, args, ctx, { result, flowFailures }), cancelled);
    }
    const ref = task.ref as NonNullable<Task['ref']>;
    return this.limiter.run(
      async () =>
        this.outcome(
          token,
          false,
          await this.pool.run(
            {
              action: 'revert',
              ref,
              name: task.name,
              uuid,
              args,
              result,
              flowFailures,
              timeoutMs: task.timeoutMs,
            },
            reporter,
            this,
          ),
        ),
      cancelled,
    );
  }
}
