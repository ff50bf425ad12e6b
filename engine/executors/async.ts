/**
 * Task code run in the engine's process without blocking the engine: a task
 * returning a promise does not hold up the others (I/O-bound work).
 */
import type { Values } from '../atoms/atom.js';
import type { RevertInfo, Task } from '../atoms/task.js';
import { Failure } from '../failure.js';
import type { Outcome } from './executor.js';
import type { RunningContext } from './serial.js';

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
