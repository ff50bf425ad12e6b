/**
 * The worker-based engine's executor: a task with a remote reference
 * (`task.remote`) runs on a worker reached through the broker; a task
 * without one runs here, in the engine's process, like a retry controller
 * does (spec §12.1). Submissions run concurrently.
 */
import type { Values } from '../atoms/atom.js';
import type { Task } from '../atoms/task.js';
import { Failure } from '../failure.js';
import { callTask } from '../executors/async.js';
import type { Outcome, Reporter, TaskExecutor } from '../executors/executor.js';
import { RunningContext } from '../executors/serial.js';
import { WorkerClient, type JobResult, type JobSpec, type WorkerClientOptions } from './client.js';

/** Options of the worker-based executor. */
export interface WorkerExecutorOptions extends WorkerClientOptions {
  /** A connected client to share (its owner closes it); default: one of its own for each run. */
  client?: WorkerClient;
}

export class WorkerExecutor implements TaskExecutor {
  readonly inline = false;
  private client: WorkerClient | undefined;
  private owned = false;

  constructor(private readonly options: WorkerExecutorOptions = {}) {
    this.client = options.client;
  }

  async start(): Promise<void> {
    if (this.client) return;
    const { client: _unused, ...clientOptions } = this.options;
    this.client = await WorkerClient.connect(clientOptions);
    this.owned = true;
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (this.owned) {
      this.client = undefined;
      this.owned = false;
      await client.close();
    } else {
      client.failAll(this, 'The engine stopped before its request finished on a worker');
    }
  }

  cancelQueued(): void {
    this.client?.cancelWaiting(this);
  }

  killRunning(): void {
    this.client?.failAll(this, 'the run was cancelled');
  }

  private outcome<T>(token: T, executed: boolean, r: JobResult): Outcome<T> {
    if (r.ok) return { token, executed, result: r.value };
    return r.cancelled
      ? { token, executed, result: undefined, cancelled: true }
      : { token, executed, result: r.failure };
  }

  private async submit<T>(
    token: T,
    executed: boolean,
    spec: JobSpec,
    reporter: Reporter,
  ): Promise<Outcome<T>> {
    const client = this.client;
    if (!client) {
      return {
        token,
        executed,
        result: Failure.fromError(new Error('The worker-based executor is not started')),
      };
    }
    return this.outcome(token, executed, await client.submit(spec, reporter, this));
  }

  executeTask<T>(token: T, task: Task, uuid: string, args: Values, reporter: Reporter): Promise<Outcome<T>> {
    const remote = task.remote;
    if (!remote) return callTask(token, task, args, new RunningContext(task.name, uuid, reporter));
    return this.submit(
      token,
      true,
      {
        kind: remote.kind,
        args: remote.args ?? [],
        name: task.name,
        uuid,
        action: 'execute',
        arguments: args,
        ...(task.timeoutMs !== undefined ? { timeoutMs: task.timeoutMs } : {}),
      },
      reporter,
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
    const remote = task.remote;
    if (!remote) {
      return callTask(token, task, args, new RunningContext(task.name, uuid, reporter), {
        result,
        flowFailures,
      });
    }
    const failures: Record<string, ReturnType<Failure['toDict']>> = {};
    for (const [k, f] of Object.entries(flowFailures)) failures[k] = f.toDict();
    return this.submit(
      token,
      false,
      {
        kind: remote.kind,
        args: remote.args ?? [],
        name: task.name,
        uuid,
        action: 'revert',
        arguments: args,
        ...(result instanceof Failure ? { resultFailure: result.toDict() } : { result }),
        failures,
        ...(task.timeoutMs !== undefined ? { timeoutMs: task.timeoutMs } : {}),
      },
      reporter,
    );
  }
}
