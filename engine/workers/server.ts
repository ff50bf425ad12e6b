/**
 * A worker (spec §12.4): it consumes requests from its own queue, rebuilds
 * each task from one of its endpoints, runs its execute or revert, and
 * streams `running`, progress, output and the outcome back. It announces
 * itself on its topic at start, when an engine asks, and as a heartbeat.
 *
 * Requests come from the broker, so from anyone who can publish there: each
 * is validated, only the kinds this worker was given can run, only a request
 * sent to this worker's own routing key is taken (one on the topic reaches
 * every worker of it, and each would run it), and a request seen before (an
 * engine resending after a fault) is answered from what was already done
 * rather than run twice.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import type { Values } from '../atoms/atom.js';
import type { Task, TaskContext } from '../atoms/task.js';
import { AtomflowError } from '../errors.js';
import { Failure } from '../failure.js';
import { asText } from '../executors/serial.js';
import {
  keys,
  parseMessage,
  type Outgoing,
  type Request,
  type Response,
  type WorkerInfo,
} from './protocol.js';
import { AmqpLink } from './transport.js';

/** A task ran past its time limit on a worker. */
export class TaskTimeout extends AtomflowError {}

/** What a worker can run: a kind, and how to build its task from a request's `args`. */
export interface WorkerEndpoint {
  readonly kind: string;
  /** Builds the task; throws for arguments it does not accept (they come from the network). */
  build(args: readonly unknown[], name: string): Task | Promise<Task>;
}

/** Options of {@link WorkerServer.start}. */
export interface WorkerServerOptions {
  endpoints: readonly WorkerEndpoint[];
  /** Default: `$ATOMFLOW_AMQP_URL` or `amqp://127.0.0.1`. */
  url?: string;
  /** Default `atomflow`. */
  exchange?: string;
  /** Default `default`. */
  topic?: string;
  /** Tasks run at once (default 8). */
  concurrency?: number;
  /** How often it announces itself (default 1000 ms). */
  heartbeatMs?: number;
  /** Default: a random UUID. */
  id?: string;
  tls?: ConnectionOptions;
  connectTimeoutMs?: number;
  /** Where warnings go (default `console.warn`). */
  log?: (text: string) => void;
}

type Final = Outgoing<Extract<Response, { state: 'success' | 'failure' }>>;

interface Job {
  readonly request: Request;
  readonly endpoint: WorkerEndpoint;
}

/** Finished requests remembered for answering repeats. */
const REMEMBERED = 10_000;

/** The longest a Node timer waits (about 24.8 days): given more, it fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

export class WorkerServer {
  readonly info: WorkerInfo;
  private readonly endpoints: ReadonlyMap<string, WorkerEndpoint>;
  private readonly log: (text: string) => void;
  private link: AmqpLink | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly active = new Map<string, Job>();
  private readonly queued: Job[] = [];
  private readonly finished = new Map<string, Final>();
  /** Responses that could not be published (connection down): sent after reconnecting. */
  private unsent: { key: string; m: Outgoing }[] = [];
  private draining = false;
  private idle: (() => void) | undefined;

  private constructor(private readonly options: WorkerServerOptions) {
    const concurrency = options.concurrency ?? 8;
    const heartbeatMs = options.heartbeatMs ?? 1000;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a whole number ≥ 1, got ${concurrency}`);
    }
    if (!Number.isInteger(heartbeatMs) || heartbeatMs < 1) {
      throw new RangeError(`heartbeatMs must be a whole number of milliseconds ≥ 1, got ${heartbeatMs}`);
    }
    const map = new Map<string, WorkerEndpoint>();
    for (const e of options.endpoints) map.set(e.kind, e);
    this.endpoints = map;
    this.log =
      options.log ??
      ((text) => {
        console.warn(text);
      });
    this.info = {
      id: options.id ?? randomUUID(),
      topic: options.topic ?? 'default',
      kinds: [...map.keys()].sort(),
      concurrency,
      heartbeatMs,
      host: hostname(),
      pid: process.pid,
      startedAt: Date.now(),
    };
  }

  /**
   * Connects, declares its queue and announces itself.
   * @throws {BrokerUnavailable} when the broker cannot be reached or refuses it.
   */
  static async start(options: WorkerServerOptions): Promise<WorkerServer> {
    const w = new WorkerServer(options);
    const exchange = options.exchange ?? 'atomflow';
    w.link = await AmqpLink.open({
      url: options.url ?? process.env.ATOMFLOW_AMQP_URL ?? 'amqp://127.0.0.1',
      exchange,
      queue: `${exchange}.worker.${w.info.id}`,
      bindings: [keys.worker(w.info.id), keys.topic(w.info.topic)],
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      onMessage: (body, routingKey) => {
        w.receive(body, routingKey);
      },
      onDown: (e) => {
        w.log(`atomflow worker ${w.info.id}: lost the broker connection (${e.message}); reconnecting`);
      },
      onUp: () => {
        w.reconnected();
      },
    });
    w.announce(keys.announce(w.info.topic));
    w.heartbeat = setInterval(() => {
      w.announce(keys.announce(w.info.topic));
    }, w.info.heartbeatMs);
    return w;
  }

  /** Tasks running now. */
  get running(): number {
    return this.active.size;
  }

  /**
   * Stops taking work: tells engines, gives back the requests it has not
   * started, lets running tasks finish for up to `graceMs` (default 30 s),
   * gives back those still running after that, and disconnects.
   */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    this.announce(keys.announce(this.info.topic));
    for (const job of this.queued.splice(0)) this.giveBack(job.request, 'the worker is shutting down');
    if (this.active.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const job of [...this.active.values()]) {
      this.active.delete(job.request.id);
      this.giveBack(job.request, `the worker shut down before '${job.request.name}' finished`);
    }
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.link?.close();
  }

  private announce(key: string): void {
    this.link?.publish(key, { type: 'announce', state: this.draining ? 'down' : 'up', worker: this.info });
  }

  private giveBack(r: Request, reason: string): void {
    this.reply(r, { type: 'response', id: r.id, worker: this.info.id, state: 'returned', reason });
  }

  private reconnected(): void {
    this.announce(keys.announce(this.info.topic));
    const unsent = this.unsent;
    this.unsent = [];
    for (const u of unsent) this.publish(u.key, u.m);
  }

  private publish(key: string, m: Outgoing): void {
    if (!this.link?.publish(key, m)) this.unsent.push({ key, m });
  }

  private reply(r: Request, m: Outgoing<Response>): void {
    try {
      this.publish(r.replyTo, m);
    } catch (e) {
      // Only a result that cannot be encoded gets here: say so instead.
      const why = e instanceof Error ? e.message : String(e);
      const err = new TypeError(`The result of '${r.name}' cannot be sent back to the engine: ${why}`);
      this.publish(r.replyTo, {
        type: 'response',
        id: r.id,
        worker: this.info.id,
        state: 'failure',
        failure: Failure.fromError(err).toDict(),
      });
    }
  }

  private receive(body: Buffer, routingKey: string): void {
    try {
      this.handle(body, routingKey);
    } catch (e) {
      // A throw here would reach amqplib's consumer and close the connection: no message may do that.
      this.log(
        `atomflow worker ${this.info.id}: a message could not be handled: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  private handle(body: Buffer, routingKey: string): void {
    const parsed = parseMessage(body);
    if (!parsed.ok) {
      this.log(`atomflow worker ${this.info.id}: dropped a message: ${parsed.reason}`);
      return;
    }
    const m = parsed.message;
    if (m.type === 'notify') this.announce(m.replyTo);
    else if (m.type === 'request') {
      // An engine sends a request to one worker, on that worker's key. One that came by the topic (or straight
      // to the queue) was sent to no worker in particular: taken, it would run on every worker that heard it.
      if (routingKey !== keys.worker(this.info.id)) {
        this.log(
          `atomflow worker ${this.info.id}: dropped a message: a request that came by '${routingKey}', not this worker's own key`,
        );
        return;
      }
      this.requested(m);
    }
    // Announcements and responses are for engines.
  }

  private requested(r: Request): void {
    const done = this.finished.get(r.id);
    if (done) {
      // A repeat (the engine lost our answer): answer again.
      this.publish(r.replyTo, done);
      return;
    }
    if (this.active.has(r.id)) {
      this.reply(r, { type: 'response', id: r.id, worker: this.info.id, state: 'running' });
      return;
    }
    if (this.queued.some((j) => j.request.id === r.id)) return;
    if (this.draining) {
      this.giveBack(r, 'the worker is shutting down');
      return;
    }
    const endpoint = this.endpoints.get(r.kind);
    if (!endpoint) {
      const err = new TypeError(
        `Worker ${this.info.id} does not run kind '${r.kind}' (it runs: ${this.info.kinds.join(', ') || 'nothing'})`,
      );
      this.complete(r, {
        type: 'response',
        id: r.id,
        worker: this.info.id,
        state: 'failure',
        failure: Failure.fromError(err).toDict(),
      });
      return;
    }
    const job = { request: r, endpoint };
    if (this.active.size < this.info.concurrency) this.begin(job);
    else {
      this.queued.push(job);
      this.reply(r, { type: 'response', id: r.id, worker: this.info.id, state: 'queued' });
    }
  }

  private begin(job: Job): void {
    const r = job.request;
    this.active.set(r.id, job);
    this.reply(r, { type: 'response', id: r.id, worker: this.info.id, state: 'running' });
    void this.execute(job).then((final) => {
      // Given back while running (shutdown): the engine has sent it elsewhere.
      if (!this.active.delete(r.id)) return;
      this.complete(r, final);
      const next = this.queued.shift();
      if (next) this.begin(next);
      if (this.active.size === 0) this.idle?.();
    });
  }

  private complete(r: Request, final: Final): void {
    this.finished.set(r.id, final);
    if (this.finished.size > REMEMBERED) {
      const oldest = this.finished.keys().next().value;
      if (oldest !== undefined) this.finished.delete(oldest);
    }
    this.reply(r, final);
  }

  private async execute(job: Job): Promise<Final> {
    const r = job.request;
    const worker = this.info.id;
    const ctx: TaskContext = {
      name: r.name,
      uuid: r.uuid,
      attempt: r.attempt,
      updateProgress: (fraction: number, details?: Values) => {
        const progress = fraction >= 0 ? Math.min(1, fraction) : 0;
        this.reply(r, {
          type: 'response',
          id: r.id,
          worker,
          state: 'progress',
          progress,
          details: details ?? {},
        });
      },
      log: (text: string, stream: 'stdout' | 'stderr' = 'stdout') => {
        this.reply(r, {
          type: 'response',
          id: r.id,
          worker,
          state: 'log',
          stream: stream === 'stderr' ? 'stderr' : 'stdout',
          text: asText(text),
        });
      },
    };
    try {
      const task = await job.endpoint.build(r.args, r.name);
      const work = async (): Promise<unknown> => {
        if (r.action === 'execute') return await task.execute(r.arguments, ctx);
        const flowFailures: Record<string, Failure> = {};
        for (const [k, f] of Object.entries(r.failures ?? {})) flowFailures[k] = Failure.fromDict(f);
        const result = r.resultFailure ? Failure.fromDict(r.resultFailure) : r.result;
        return await task.revert(r.arguments, { result, flowFailures }, ctx);
      };
      const limit = r.timeoutMs ?? task.timeoutMs;
      // A longer limit than a timer can hold is no limit (a timer would end the task at once).
      const result =
        limit === undefined || limit > MAX_TIMER_MS ? await work() : await withTimeout(work(), limit, r.name);
      return { type: 'response', id: r.id, worker, state: 'success', result };
    } catch (e) {
      return { type: 'response', id: r.id, worker, state: 'failure', failure: Failure.fromError(e).toDict() };
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new TaskTimeout(`'${name}' ran longer than its ${String(ms)} ms limit on the worker`));
    }, ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        // Whatever the task threw, as it threw it: the failure records its type.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(e);
      },
    );
  });
}
