/**
 * The fixture atoms of the conformance catalogue (`taskflow-scenarios.md`,
 * "Fixture atoms"), described there behaviourally and written here in
 * TypeScript. Fixtures marked *(exact)* there declare exactly their
 * parameters; the others accept extra arguments, like Python's `**kwargs`.
 */
import { fileURLToPath } from 'node:url';
import {
  Decision,
  ExecutionFailure,
  Retry,
  Task,
  type AtomOptions,
  type History,
  type RevertInfo,
  type TaskContext,
  type TaskRef,
  type RemoteRef,
  type Values,
} from '../../engine/index.js';

const here = fileURLToPath(import.meta.url);

/**
 * A reference by which a pool process rebuilds a fixture (this module, the
 * class, the constructor arguments), so fixtures also run in the parallel
 * engine's processes.
 */
function refTo(exportName: string, args: unknown[]): TaskRef | undefined {
  // A subclass declared elsewhere (a test's own task) cannot be rebuilt from this module: it runs in the host.
  return FIXTURE_CLASSES.has(exportName) ? { module: here, export: exportName, args } : undefined;
}

/**
 * The worker-based engine's reference to a fixture: the kind the test
 * workers advertise for its class (`fixture.<Class>`), and its constructor
 * arguments.
 */
function remoteTo(exportName: string, args: unknown[]): RemoteRef | undefined {
  return FIXTURE_CLASSES.has(exportName) ? { kind: `fixture.${exportName}`, args } : undefined;
}

/** Python's RuntimeError, which the scenarios' failures are made of. */
export class RuntimeError extends Error {}

type Opts = Omit<AtomOptions, 'name'>;
const kw = (o: Opts = {}): Opts => ({ extraArgs: true, ...o });

/** TaskFlow's `requires=` adds to the parameters a fixture declares; it does not replace them. */
function withParams(params: readonly string[], o: Opts): Opts {
  const extra =
    o.requires === undefined ? [] : typeof o.requires === 'string' ? [o.requires] : [...o.requires];
  return { ...o, requires: [...new Set([...params, ...extra])] };
}

export class ProgressingTask extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, ...kw(options) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(_args: Values, ctx: TaskContext): unknown {
    ctx.updateProgress(0);
    ctx.updateProgress(1);
    return 5;
  }
  override revert(_args: Values, _info: RevertInfo, ctx: TaskContext): unknown {
    ctx.updateProgress(0);
    ctx.updateProgress(1);
    return undefined;
  }
}

export class FailingTask extends ProgressingTask {
  override execute(_args: Values, ctx: TaskContext): unknown {
    ctx.updateProgress(0);
    ctx.updateProgress(0.99);
    throw new RuntimeError('Woot!');
  }
}

export class NastyTask extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, ...kw(options) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(): unknown {
    return undefined;
  }
  override revert(): unknown {
    throw new RuntimeError('Gotcha!');
  }
}

export class NastyFailingTask extends NastyTask {
  override execute(): unknown {
    throw new RuntimeError('Woot!');
  }
}

/** Returns nothing (exact: no parameters). */
export class NoopTask extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, ...options });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(): unknown {
    return undefined;
  }
}

export class TaskNoRequiresNoReturns extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, ...kw(options) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(): unknown {
    return undefined;
  }
}

export class TaskOneReturn extends TaskNoRequiresNoReturns {
  override execute(): unknown {
    return 1;
  }
}

export class TaskMultiReturn extends TaskNoRequiresNoReturns {
  override execute(): unknown {
    return [1, 3, 5];
  }
}

export class TaskOneArg extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, ...kw(withParams(['x'], options)) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(_args: Values): unknown {
    return undefined;
  }
}

export class TaskMultiArg extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, ...kw(withParams(['x', 'y', 'z'], options)) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(_args: Values): unknown {
    return undefined;
  }
}

export class TaskOneArgOneReturn extends TaskOneArg {
  override execute(): unknown {
    return 1;
  }
}

export class TaskMultiArgOneReturn extends TaskMultiArg {
  override execute(args: Values): unknown {
    return (args.x as number) + (args.y as number) + (args.z as number);
  }
}

export class TaskMultiArgMultiReturn extends TaskMultiArg {
  override execute(): unknown {
    return [1, 3, 5];
  }
}

/** Returns `{ name: i }` for its provided names sorted alphabetically (exact). */
export class TaskMultiDict extends Task {
  private readonly names: string[];
  constructor(name: string, provides: readonly string[]) {
    super({ name, provides: Object.fromEntries(provides.map((p) => [p, p])) });
    this.ref = refTo(new.target.name, [name, provides]);
    this.remote = remoteTo(new.target.name, [name, provides]);
    this.names = [...provides].sort();
  }
  execute(): unknown {
    return Object.fromEntries(this.names.map((n, i) => [n, i]));
  }
}

/** Requires `source`, provides `result` by default (exact). */
export class AddOne extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, provides: 'result', ...withParams(['source'], options) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(args: Values): unknown {
    return (args.source as number) + 1;
  }
}

/** Requires `value`, provides `value` by default (exact). */
export class AddOneSameProvidesRequires extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, provides: 'value', ...withParams(['value'], options) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(args: Values): unknown {
    return (args.value as number) + 1;
  }
}

export class GiveBackRevert extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, ...withParams(['value'], options) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(args: Values): unknown {
    return (args.value as number) + 1;
  }
  override revert(_args: Values, info: RevertInfo): unknown {
    return typeof info.result === 'number' ? info.result + 1 : undefined;
  }
}

/** `execute(x, y)`: fails with 'Woot!' unless x == y (exact). */
export class ConditionalTask extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, ...withParams(['x', 'y'], options) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(args: Values, ctx: TaskContext): unknown {
    ctx.updateProgress(0);
    ctx.updateProgress(1);
    if (args.x !== args.y) throw new RuntimeError('Woot!');
    return undefined;
  }
  override revert(_args: Values, _info: RevertInfo, ctx: TaskContext): unknown {
    ctx.updateProgress(0);
    ctx.updateProgress(1);
    return undefined;
  }
}

export class FailingTaskWithOneArg extends ProgressingTask {
  constructor(name: string, options: Opts = {}) {
    super(name, withParams(['x'], options));
  }
  override execute(args: Values): unknown {
    throw new RuntimeError(`Woot with ${String(args.x)}`);
  }
}

/** `execute(a, b = 5)` returns `a * b` (exact). */
export class OptionalTask extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, optional: { b: 5 }, ...withParams(['a'], options) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(args: Values): unknown {
    return (args.a as number) * (args.b as number);
  }
}

export class LongArgNameTask extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, ...withParams(['long_arg_name'], options) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(args: Values): unknown {
    return args.long_arg_name;
  }
}

/** Reports each of its `progress_chunks` and returns their count (exact). */
export class MultiProgressingTask extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, ...withParams(['progress_chunks'], options) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(args: Values, ctx: TaskContext): unknown {
    const chunks = args.progress_chunks as number[];
    for (const c of chunks) ctx.updateProgress(c);
    return chunks.length;
  }
}

/** Execute fails with ExecutionFailure; revert needs `revert_arg`. */
export class TaskRevertExtraArgs extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, revertRequires: ['revert_arg'], ...kw(options) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(): unknown {
    throw new ExecutionFailure('We want to force a revert here');
  }
  override revert(): unknown {
    return undefined;
  }
}

/** Must never be called. */
export class NeverRunningTask extends Task {
  constructor(name: string, options: Opts = {}) {
    super({ name, ...kw(options) });
    this.ref = refTo(new.target.name, [name, options]);
    this.remote = remoteTo(new.target.name, [name, options]);
  }
  execute(): unknown {
    throw new Error(`${this.name} should not have been executed`);
  }
  override revert(): unknown {
    throw new Error(`${this.name} should not have been reverted`);
  }
}

/** Retry: execute returns 1, on failure says REVERT. */
export class OneReturnRetry extends Retry {
  constructor(options: AtomOptions = {}) {
    super(options);
  }
  execute(_history: History): unknown {
    return 1;
  }
  onFailure(): Decision {
    return Decision.REVERT;
  }
}

/** The task classes a pool process can rebuild from this module. */
export const FIXTURE_CLASSES: ReadonlySet<string> = new Set([
  'ProgressingTask',
  'FailingTask',
  'NastyTask',
  'NastyFailingTask',
  'NoopTask',
  'TaskNoRequiresNoReturns',
  'TaskOneReturn',
  'TaskMultiReturn',
  'TaskOneArg',
  'TaskMultiArg',
  'TaskOneArgOneReturn',
  'TaskMultiArgOneReturn',
  'TaskMultiArgMultiReturn',
  'TaskMultiDict',
  'AddOne',
  'AddOneSameProvidesRequires',
  'GiveBackRevert',
  'ConditionalTask',
  'FailingTaskWithOneArg',
  'OptionalTask',
  'LongArgNameTask',
  'MultiProgressingTask',
  'TaskRevertExtraArgs',
  'NeverRunningTask',
]);
