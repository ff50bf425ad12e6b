/**
 * A pool of OS processes that run tasks rebuilt from their references. It is
 * started lazily (a process per task in flight, up to `maxWorkers`), reused
 * across runs, shareable by several engines, and closed with the host. A
 * process that dies or overruns a task's time limit fails that task with a
 * clear failure and is replaced on demand.
 */
import { availableParallelism } from 'node:os';
import type { TaskRef } from '../../atoms/task.js';
import { ExecutionFailure } from '../../errors.js';
import { Failure } from '../../failure.js';
import type { Reporter } from '../executor.js';
import { fromWorker, type RunMessage } from './protocol.js';
import { forkSpawner, type PoolProcess, type Spawner } from './spawner.js';

/** A pool process died while running a task (crash, `process.exit`, killed). */
export class PoolProcessDied extends ExecutionFailure {}
/** A task ran longer than its time limit; its pool process was killed. */
export class TaskTimeout extends ExecutionFailure {}

/** What to run in a pool process. */
export interface PoolJob {
  readonly action: 'execute' | 'revert';
  readonly ref: TaskRef;
  readonly name: string;
  readonly uuid: string;
  readonly args: Record<string, unknown>;
  /** Revert only: the execute outcome. */
  readonly result?: unknown;
  readonly flowFailures?: Readonly<Record<string, Failure>>;
  readonly timeoutMs?: number | undefined;
  /** The task's execute attempt in its run. */
  readonly attempt?: number;
}

/** The outcome of a job: a value, or a failure. */
export type JobResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly failure: Failure };

interface Pending {
  readonly id: number;
  readonly job: PoolJob;
  readonly reporter: Reporter;
  readonly resolve: (r: JobResult) => void;
  readonly owner: object | undefined;
}

interface Slot {
  readonly proc: PoolProcess;
  current: Pending | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Why we killed it, if we did. */
  killedFor: string | undefined;
}

/**
 * How long a task with a time limit may take to start: for its process to
 * start (a fresh one) and load the task's module. Its limit only counts from
 * then on. Far more than that takes even on a loaded machine; this only
 * catches a process or a module that never gets going.
 */
const POOL_START_LIMIT_MS = 30_000;

export interface ProcessPoolOptions {
  /** Most processes alive at once (default: the number of CPUs). */
  maxWorkers?: number;
  /** How processes are started (default: `child_process.fork`). */
  spawner?: Spawner;
}

let shared: ProcessPool | undefined;

export class ProcessPool {
  readonly maxWorkers: number;
  private readonly spawner: Spawner;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  /** Processes started so far (replacements included). */
  spawned = 0;

  constructor(options: ProcessPoolOptions = {}) {
    const n = options.maxWorkers ?? Math.max(1, availableParallelism());
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`maxWorkers must be a whole number ≥ 1, got ${n}`);
    this.maxWorkers = n;
    this.spawner = options.spawner ?? forkSpawner();
  }

  /** The pool engines use when given none: one per host process, sized to the CPUs. */
  static shared(): ProcessPool {
    if (!shared || shared.closed) shared = new ProcessPool();
    return shared;
  }

  /** Live processes. */
  get size(): number {
    return this.slots.length;
  }

  /** Runs a job in a pool process. Never rejects: every outcome is a {@link JobResult}. */
  run(job: PoolJob, reporter: Reporter, owner?: object): Promise<JobResult> {
    if (this.closed) {
      return Promise.resolve({
        ok: false,
        failure: Failure.fromError(new ExecutionFailure('The process pool is closed')),
      });
    }
    return new Promise<JobResult>((resolve) => {
      this.queue.push({ id: this.nextId++, job, reporter, resolve, owner });
      this.pump();
    });
  }

  /** Kills the processes running jobs of `owner` (or all); those jobs fail. */
  kill(owner?: object, why = 'cancelled'): void {
    for (const slot of this.slots) {
      if (slot.current && (owner === undefined || slot.current.owner === owner)) {
        slot.killedFor = why;
        slot.proc.kill();
      }
    }
  }

  /** Stops every process; jobs still queued or running fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) {
      p.resolve({
        ok: false,
        failure: Failure.fromError(new ExecutionFailure('The process pool was closed')),
      });
    }
    const exits = this.slots.map(
      (slot) =>
        new Promise<void>((resolve) => {
          slot.proc.onExit(() => {
            resolve();
          });
          slot.killedFor = 'the pool was closed';
          if (slot.current) slot.proc.kill();
          else {
            try {
              slot.proc.send({ type: 'stop' });
            } catch {
              slot.proc.kill();
            }
          }
        }),
    );
    await Promise.all(exits);
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.current === undefined);
      if (!slot) {
        if (this.slots.length >= this.maxWorkers) return;
        slot = this.start();
      }
      this.assign(slot, this.queue.shift() as Pending);
    }
  }

  private start(): Slot {
    const proc = this.spawner.spawn();
    this.spawned++;
    const slot: Slot = { proc, current: undefined, timer: undefined, killedFor: undefined };
    this.slots.push(slot);
    proc.onMessage((raw) => {
      this.onMessage(slot, raw);
    });
    proc.onOutput((stream, line) => {
      slot.current?.reporter.log(line, stream);
    });
    proc.onExit((code, signal, error) => {
      this.onExit(slot, code, signal, error);
    });
    proc.setBusy(false);
    return slot;
  }

  private assign(slot: Slot, p: Pending): void {
    slot.current = p;
    slot.killedFor = undefined;
    slot.proc.setBusy(true);
    const { job } = p;
    const message: RunMessage = {
      type: 'run',
      id: p.id,
      action: job.action,
      ref: { module: job.ref.module, export: job.ref.export, args: job.ref.args ? [...job.ref.args] : [] },
      name: job.name,
      uuid: job.uuid,
      args: job.args,
      attempt: job.attempt ?? p.reporter.attempt ?? 1,
    };
    if (job.action === 'revert') {
      if (job.result instanceof Failure) message.resultFailure = job.result.toDict();
      else message.result = job.result;
      const failures: Record<string, ReturnType<Failure['toDict']>> = {};
      for (const [k, f] of Object.entries(job.flowFailures ?? {})) failures[k] = f.toDict();
      message.failures = failures;
    }
    try {
      slot.proc.send(message);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.finish(slot, {
        ok: false,
        failure: Failure.fromError(
          new TypeError(`The arguments of '${job.name}' cannot be sent to a pool process: ${why}`),
        ),
      });
      return;
    }
    this.armLimit(slot, false);
  }

  /**
   * Arms the time limit of the slot's task once it has `started` (its process
   * says so when the task is rebuilt). Before that the process may still be
   * starting (Node, the worker program, a TypeScript loader) and loading the
   * task's module, which on a loaded machine alone can take seconds: that gets
   * {@link POOL_START_LIMIT_MS}, so a task is never failed for having "run"
   * too long before it ran, as on a worker, where the limit starts there too.
   */
  private armLimit(slot: Slot, started: boolean): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    const limit = slot.current?.job.timeoutMs;
    if (limit === undefined || limit <= 0) return;
    const ms = started ? limit : Math.max(limit, POOL_START_LIMIT_MS);
    const why = started
      ? `ran longer than its time limit of ${String(limit)} ms`
      : `did not start within ${String(ms)} ms`;
    slot.timer = setTimeout(() => {
      slot.killedFor = why;
      slot.proc.kill();
    }, ms);
  }

  private finish(slot: Slot, result: JobResult): void {
    const p = slot.current;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.current = undefined;
    slot.proc.setBusy(false);
    p?.resolve(result);
    this.pump();
  }

  private onMessage(slot: Slot, raw: unknown): void {
    const parsed = fromWorker.safeParse(raw);
    const p = slot.current;
    if (!parsed.success) {
      // A process that speaks nonsense cannot be trusted with the task: fail it and replace the process.
      slot.killedFor = `sent an invalid message (${parsed.error.issues[0]?.message ?? 'unknown'})`;
      slot.proc.kill();
      return;
    }
    const m = parsed.data;
    if (m.type === 'ready' || !p || m.id !== p.id) return;
    if (m.type === 'started') this.armLimit(slot, true);
    else if (m.type === 'progress') p.reporter.progress(m.progress, m.details);
    else if (m.type === 'log') p.reporter.log(m.text, m.stream);
    else if (m.failure) this.finish(slot, { ok: false, failure: Failure.fromDict(m.failure) });
    else this.finish(slot, { ok: true, value: m.result });
  }

  private onExit(slot: Slot, code: number | null, signal: string | null, error?: Error): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const p = slot.current;
    if (p) {
      const pid = slot.proc.pid ?? '?';
      const how = error
        ? `could not start (${error.message})`
        : signal
          ? `was killed by ${signal}`
          : `exited with code ${String(code)}`;
      const err = slot.killedFor?.startsWith('ran longer')
        ? new TaskTimeout(`Task '${p.job.name}' ${slot.killedFor}; its pool process ${pid} was killed`)
        : new PoolProcessDied(
            `The pool process ${pid} running task '${p.job.name}' ${how}` +
              (slot.killedFor ? ` (${slot.killedFor})` : ''),
          );
      this.finish(slot, { ok: false, failure: Failure.fromError(err) });
    } else {
      this.pump();
    }
  }
}
