/**
 * Runs task code in the engine's own process, inline at submission: a batch
 * runs one atom after another (spec §6.4, serial engine).
 */
import type { Values } from '../atoms/atom.js';
import type { Task, TaskContext } from '../atoms/task.js';
import { Failure } from '../failure.js';
import type { Outcome, Reporter, TaskExecutor } from './executor.js';

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

/** Output as text, whatever untyped task code passed. */
export function asText(x: unknown): string {
  return typeof x === 'string' ? x : String(x);
}

function clamp(p: number): number {
  if (!(p >= 0)) return 0;
  return p > 1 ? 1 : p;
}

/** The context a task sees while it runs. */
export class RunningContext implements TaskContext {
  constructor(
    readonly name: string,
    readonly uuid: string,
    private readonly reporter: Reporter,
  ) {}

  updateProgress(fraction: number, details?: Values): void {
    this.reporter.progress(clamp(fraction), details ?? {});
  }

  log(text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    this.reporter.log(asText(text), stream === 'stderr' ? 'stderr' : 'stdout');
  }

  get attempt(): number {
    return this.reporter.attempt ?? 1;
  }
}

/** Turns what task code returned (a value or a promise) into an outcome, awaiting only a promise. */
export function outcomeOf<T>(token: T, executed: boolean, r: unknown): Outcome<T> | Promise<Outcome<T>> {
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

  executeTask<T>(token: T, task: Task, uuid: string, args: Values, reporter: Reporter) {
    let r: unknown;
    try {
      r = task.execute(args, new RunningContext(task.name, uuid, reporter));
    } catch (e) {
      return { token, executed: true, result: Failure.fromError(e) };
    }
    return outcomeOf(token, true, r);
  }

  revertTask<T>(
    token: T,
    task: Task,
    uuid: string,
    args: Values,
    result: unknown,
    flowFailures: Readonly<Record<string, Failure>>,
    reporter: Reporter,
  ) {
    let r: unknown;
    try {
      r = task.revert(args, { result, flowFailures }, new RunningContext(task.name, uuid, reporter));
    } catch (e) {
      return { token, executed: false, result: Failure.fromError(e) };
    }
    return outcomeOf(token, false, r);
  }
}
