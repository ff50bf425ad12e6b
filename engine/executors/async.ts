/**
 * Runs task code in the engine's process, concurrently: a task returning a
 * promise does not hold up the others (I/O-bound work). At most `maxWorkers`
 * run at once; the rest wait their turn (their RUNNING is already announced,
 * as TaskFlow's parallel engine announces at submission).
 */
import type { Values } from '../atoms/atom.js';
import type { RevertInfo, Task } from '../atoms/task.js';
import { Failure } from '../failure.js';
import type { Outcome, Reporter, TaskExecutor } from './executor.js';
import { Limiter } from './limiter.js';
import { RunningContext } from './serial.js';

/** Runs a task's execute or revert and always settles (a throw or a rejection becomes a {@link Failure}). */
export async function callTask<T>(
  token: T,
  task: Task,
  args: Values,
  ctx: RunningContext,
  revert?: RevertInfo,
): Promise<Outcome<T>> {
  const executed = revert === undefined;
  try {
    const result: unknown = executed ? await task.execute(args, ctx) : await task.revert(args, revert, ctx);
    return { token, executed, result };
  } catch (e) {
    return { token, executed, result: Failure.fromError(e) };
  }
}

export class AsyncExecutor implements TaskExecutor {
  readonly inline = false;
  private readonly limiter: Limiter;

  constructor(maxWorkers: number) {
    this.limiter = new Limiter(maxWorkers);
  }

  start(): void {
    // Nothing to start: tasks run in this process.
  }

  stop(): void {
    this.limiter.cancelQueued();
  }

  cancelQueued(): void {
    this.limiter.cancelQueued();
  }

  executeTask<T>(token: T, task: Task, uuid: string, args: Values, reporter: Reporter): Promise<Outcome<T>> {
    const ctx = new RunningContext(task.name, uuid, reporter);
    return this.limiter.run(
      () => callTask(token, task, args, ctx),
      () => ({ token, executed: true, result: undefined, cancelled: true }),
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
    const ctx = new RunningContext(task.name, uuid, reporter);
    return this.limiter.run(
      () => callTask(token, task, args, ctx, { result, flowFailures }),
      () => ({ token, executed: false, result: undefined, cancelled: true }),
    );
  }
}
