/**
 * Tasks: atoms that execute and, when something fails, revert (spec §1.4).
 */
import { Atom, type AtomOptions, type Values } from './atom.js';
import type { Failure } from '../failure.js';

/** What a running task can do besides returning its result. */
export interface TaskContext {
  /** The atom's name. */
  readonly name: string;
  /** The atom detail's uuid (stable across resumes of one run). */
  readonly uuid: string;
  /**
   * Reports progress: `fraction` is clamped into [0, 1]; `details` (optional)
   * is stored with it and shown by listeners.
   */
  updateProgress(fraction: number, details?: Values): void;
  /** Reports output (shown live, kept in the run's event log when the backend keeps one). */
  log(text: string, stream?: 'stdout' | 'stderr'): void;
  /**
   * How many times this task's execute has started in this run, this one
   * included: 1 the first time; retries and a resume after a crash count. It
   * is stored with the run, so it is the same wherever the task runs (host,
   * pool process, remote worker). A revert sees the count of the execute it undoes.
   */
  readonly attempt: number;
}

/**
 * How another process rebuilds a task: import `module` (a path or file URL),
 * take its export `export` — a Task subclass (called with `new`) or a function
 * returning a Task — and give it `args`. Everything in it must be
 * serialisable: a task travels to a pool process by reference, never as code.
 */
export interface TaskRef {
  readonly module: string;
  readonly export: string;
  readonly args?: readonly unknown[];
}

/**
 * How a remote worker rebuilds a task: the worker endpoint named `kind`
 * (which the worker must advertise) called with `args`. Unlike a
 * {@link TaskRef} it names no file: the worker decides what code a kind runs.
 */
export interface RemoteRef {
  readonly kind: string;
  readonly args?: readonly unknown[];
}

/** Options of tasks, beyond those of every atom. */
export interface TaskOptions extends AtomOptions {
  /** Lets the parallel engine run the task in a pool process (without one it runs in the host). */
  ref?: TaskRef;
  /** Lets the worker-based engine run the task on a worker (without one it runs in the host). */
  remote?: RemoteRef;
  /** A pool process running this task longer than this is killed and the task fails. */
  timeoutMs?: number;
}

/** What `revert` is told about the failure it reacts to. */
export interface RevertInfo<R = unknown> {
  /** The execute result, or its {@link Failure} when this task itself failed. */
  readonly result: R | Failure | undefined;
  /** Every execute failure known to the run, by atom name. */
  readonly flowFailures: Readonly<Record<string, Failure>>;
}

/**
 * A unit of work with an `execute` and an optional `revert`. Subclass it, or
 * use the {@link task} factory. Arguments arrive as one object keyed by
 * parameter name.
 *
 * @example
 * class Add extends Task<{ x: number; y: number }, number> {
 *   constructor() { super({ name: 'add', requires: ['x', 'y'], provides: 'sum' }); }
 *   execute({ x, y }: { x: number; y: number }) { return x + y; }
 * }
 */
export abstract class Task<A extends Values = Values, R = unknown> extends Atom {
  /** How a pool process rebuilds this task; `undefined`: it runs in the host process. */
  ref: TaskRef | undefined;
  /** How a worker rebuilds this task; `undefined`: under the worker-based engine it runs in the host. */
  remote: RemoteRef | undefined;
  /** Time limit in a pool process or on a worker, if any. */
  readonly timeoutMs: number | undefined;

  constructor(options: TaskOptions = {}) {
    super(options, new.target.name);
    this.ref = options.ref;
    this.remote = options.remote;
    this.timeoutMs = options.timeoutMs;
  }

  /** Does the work; the returned value (or promise) is the task's result. */
  abstract execute(args: A, ctx: TaskContext): R | Promise<R>;

  /** Undoes the work; runs when this task or a later one failed. The default does nothing. */
  revert(_args: A, _info: RevertInfo<R>, _ctx: TaskContext): unknown {
    return undefined;
  }
}

/** Options of the {@link task} factory: atom options plus the two functions. */
export interface TaskSpec<A extends Values, R> extends TaskOptions {
  execute: (args: A, ctx: TaskContext) => R | Promise<R>;
  revert?: (args: A, info: RevertInfo<R>, ctx: TaskContext) => unknown;
}

class FunctionTask<A extends Values, R> extends Task<A, R> {
  private readonly executeFn: TaskSpec<A, R>['execute'];
  private readonly revertFn: TaskSpec<A, R>['revert'];

  constructor(spec: TaskSpec<A, R>) {
    super({ ...spec, name: spec.name ?? (spec.execute.name || 'task') });
    this.executeFn = spec.execute;
    this.revertFn = spec.revert;
  }

  execute(args: A, ctx: TaskContext): R | Promise<R> {
    return this.executeFn(args, ctx);
  }

  override revert(args: A, info: RevertInfo<R>, ctx: TaskContext): unknown {
    return this.revertFn ? this.revertFn(args, info, ctx) : undefined;
  }
}

/**
 * Builds a task from functions.
 *
 * @example
 * const add = task({ name: 'add', requires: ['x', 'y'], provides: 'sum',
 *                    execute: ({ x, y }: { x: number; y: number }) => x + y });
 */
export function task<A extends Values = Values, R = unknown>(spec: TaskSpec<A, R>): Task<A, R> {
  return new FunctionTask(spec);
}
