/**
 * The engine side of the worker-based engine: it finds workers, sends each
 * task's execute or revert to one that runs its kind, and matches the
 * responses (spec §12.3). Beyond TaskFlow, a request whose worker is lost
 * (missed heartbeats, or its queue gone) is sent again to another worker, up
 * to `redeliveries` times, and a broker outage is survived: after the
 * connection comes back, requests in flight are resent to their workers as
 * they reappear (workers answer a repeated request from what they already
 * did, so it is not run twice).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { AtomflowError, ExecutionFailure, RequestTimeout } from '../errors.js';
import { Failure } from '../failure.js';
import type { Reporter } from '../executors/executor.js';
import { WorkerFinder, type KnownWorker } from './finder.js';
import { keys, parseMessage, type Announce, type Response, type WorkerInfo } from './protocol.js';
import { RequestLifecycle } from './request.js';
import { PendingRequests, requestMessage, type JobResult, type JobSpec, type Pending } from './pending.js';
import { AmqpLink, BrokerUnavailable, redactUrl } from './transport.js';

/** A worker stopped answering while it had the request, and it could not be sent again. */
export class WorkerLost extends ExecutionFailure {}

export type { JobResult, JobSpec };

/** Options of {@link WorkerClient.connect}. */
export interface WorkerClientOptions {
  /** Broker URL, `amqp://` or `amqps://`, credentials included. Default: `$ATOMFLOW_AMQP_URL` or `amqp://127.0.0.1`. */
  url?: string;
  /** The exchange engines and workers meet on (default `atomflow`). */
  exchange?: string;
  /** The worker topics to use (default `['default']`). */
  topics?: readonly string[];
  /** How long a request may wait for a worker to start it (default 60 s). */
  timeoutMs?: number;
  /** How many times a request whose worker was lost is sent to another (default 2). */
  redeliveries?: number;
  /** Forget a worker not heard from for this long (default: three of its heartbeats). */
  workerExpiryMs?: number;
  /** How long requests in flight survive a lost broker connection (default: `timeoutMs`). */
  reconnectTimeoutMs?: number;
  /** How long to try to reach the broker at first (default 10 s). */
  connectTimeoutMs?: number;
  /** TLS options for `amqps://`. */
  tls?: ConnectionOptions;
  /** Where warnings go (dropped messages, lost workers); default: `console.warn`. */
  log?: (text: string) => void;
}

/** After this long without a worker for its kind, a request says so in the task's output. */
const WAITING_NOTICE_MS = 2000;

/**
 * A worker is sent at most this many times its concurrency of this engine's
 * requests; the rest wait here. Enough to keep it busy between a finish and
 * the next request arriving, not so many that a worker joining later, or one
 * that frees up sooner, finds nothing left to take.
 */
const MAX_LOAD = 2;

/**
 * After our connection comes back, how long a worker may take to reconnect
 * and announce itself before it counts as lost (amqplib's recovery backs off
 * up to 1 s between attempts, and a restarted broker is slow at first).
 */
const RECONNECT_GRACE_MS = 10_000;

const DEFAULT_URL = 'amqp://127.0.0.1';

export class WorkerClient {
  /** This engine's id: its queue, its reply key, the prefix of its request ids. */
  readonly id = randomUUID();
  readonly url: string;
  readonly exchange: string;
  readonly topics: readonly string[];
  private readonly finder: WorkerFinder;
  private readonly pending = new PendingRequests();
  private readonly timeoutMs: number;
  private readonly redeliveries: number;
  private readonly reconnectTimeoutMs: number;
  private readonly log: (text: string) => void;
  private link: AmqpLink | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private seq = 0;
  private downSince: number | undefined;
  private lastNotify = 0;
  private closed = false;
  private readonly listeners = new Set<(workers: KnownWorker[]) => void>();

  private constructor(options: WorkerClientOptions) {
    this.url = options.url ?? process.env.ATOMFLOW_AMQP_URL ?? DEFAULT_URL;
    this.exchange = options.exchange ?? 'atomflow';
    this.topics = options.topics && options.topics.length > 0 ? [...options.topics] : ['default'];
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.redeliveries = options.redeliveries ?? 2;
    this.reconnectTimeoutMs = options.reconnectTimeoutMs ?? this.timeoutMs;
    this.finder = new WorkerFinder(options.workerExpiryMs);
    this.log =
      options.log ??
      ((text) => {
        console.warn(text);
      });
    for (const [what, n] of [
      ['timeoutMs', this.timeoutMs],
      ['reconnectTimeoutMs', this.reconnectTimeoutMs],
    ] as const) {
      if (!(n > 0)) throw new RangeError(`${what} must be a positive number of milliseconds, got ${n}`);
    }
    if (!Number.isInteger(this.redeliveries) || this.redeliveries < 0) {
      throw new RangeError(`redeliveries must be a whole number ≥ 0, got ${this.redeliveries}`);
    }
  }

  /**
   * Connects to the broker and asks the workers of its topics to announce
   * themselves.
   * @throws {BrokerUnavailable} when the broker cannot be reached or refuses us.
   */
  static async connect(options: WorkerClientOptions = {}): Promise<WorkerClient> {
    const client = new WorkerClient(options);
    client.link = await AmqpLink.open({
      url: client.url,
      exchange: client.exchange,
      queue: `${client.exchange}.client.${client.id}`,
      bindings: [keys.client(client.id), ...client.topics.map(keys.announce)],
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      onMessage: (body) => {
        client.receive(body);
      },
      onReturn: (key) => {
        client.returned(key);
      },
      onDown: (e) => {
        client.down(e);
      },
      onUp: () => {
        client.up();
      },
    });
    client.notify();
    const every = Math.max(10, Math.min(250, Math.floor(client.timeoutMs / 10)));
    client.ticker = setInterval(() => {
      client.tick();
    }, every);
    client.ticker.unref();
    return client;
  }

  /** The workers known now, for a workers panel. */
  workers(): KnownWorker[] {
    return this.finder.list();
  }

  /** Calls `listener` with the workers whenever one appears or goes; returns the unsubscribe. */
  onWorkers(listener: (workers: KnownWorker[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Waits until at least `count` workers are known (or the time is up: false). */
  async waitForWorkers(count: number, withinMs: number): Promise<boolean> {
    const until = Date.now() + withinMs;
    while (this.finder.size < count) {
      if (Date.now() > until || this.closed) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }

  /** Requests not finished yet. */
  get outstanding(): number {
    return this.pending.size;
  }

  /**
   * Sends a job to a worker that runs its kind, and resolves with how it
   * ended. Never rejects: every fault becomes a failure.
   */
  submit(spec: JobSpec, reporter: Reporter, owner?: unknown): Promise<JobResult> {
    return new Promise<JobResult>((resolve) => {
      if (this.closed) {
        resolve({ ok: false, failure: Failure.fromError(new RequestTimeout('The worker client is closed')) });
        return;
      }
      const now = Date.now();
      const p: Pending = {
        spec,
        reporter,
        owner,
        life: new RequestLifecycle(this.timeoutMs, now),
        settle: resolve,
        id: this.nextId(),
        sends: 0,
        worker: undefined,
        lost: new Set(),
        resync: false,
        since: now,
        warned: false,
      };
      this.pending.add(p);
      this.dispatch(p, now);
    });
  }

  /** Requests of `owner` that no worker has started settle as cancelled. */
  cancelWaiting(owner: unknown): void {
    for (const p of this.pending.all()) {
      if (p.owner === owner && p.life.state === 'WAITING') {
        this.finish(p, {
          ok: false,
          failure: Failure.fromError(new ExecutionFailure('cancelled')),
          cancelled: true,
        });
      }
    }
  }

  /** Fails every request of `owner` still out (the run was cancelled or stopped). */
  failAll(owner: unknown, why: string): void {
    for (const p of this.pending.all()) {
      if (p.owner === owner) this.fail(p, new RequestTimeout(why));
    }
  }

  /** Fails what is still out and disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ticker) clearInterval(this.ticker);
    for (const p of this.pending.all()) {
      this.fail(p, new RequestTimeout(`The engine stopped before '${p.spec.name}' finished on a worker`));
    }
    await this.link?.close();
  }

  private nextId(): string {
    // Unguessable, so that a forged response has to have seen the request it answers.
    return `${this.id}:${String(this.seq++)}:${randomBytes(6).toString('base64url')}`;
  }

  /**
   * Sends a waiting request to the best worker for it. Returns false when no
   * worker can take it now (none runs its kind, or all that do are full).
   */
  private dispatch(p: Pending, now: number): boolean {
    if (p.life.state !== 'WAITING') return true;
    const link = this.link;
    if (this.closed || !link?.up) return false;
    const kind = p.spec.kind;
    const worker = this.finder.pick(kind, p.lost, MAX_LOAD) ?? this.finder.pick(kind, undefined, MAX_LOAD);
    if (worker === undefined) return false;
    this.pending.sent(p);
    p.life.transition('PENDING', now);
    p.worker = worker;
    p.sends++;
    p.resync = false;
    this.finder.adjustLoad(worker, 1);
    this.send(p);
    return true;
  }

  private send(p: Pending): void {
    try {
      const sent = this.link?.publish(
        keys.worker(p.worker as string),
        requestMessage(p, keys.client(this.id)),
        { mandatory: true },
      );
      // Not sent (the connection just dropped): sent again once it is back.
      if (!sent) p.resync = true;
    } catch (e) {
      // The arguments cannot travel (a function, a BigInt…): that is the task's failure.
      this.fail(p, e);
    }
  }

  private receive(body: Buffer): void {
    try {
      this.handle(body);
    } catch (e) {
      // A throw here would reach amqplib's consumer and close the connection: no message may do that.
      this.log(
        `atomflow engine: a message could not be handled: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  private handle(body: Buffer): void {
    const parsed = parseMessage(body);
    if (!parsed.ok) {
      this.log(`atomflow engine: dropped a message from the broker: ${parsed.reason}`);
      return;
    }
    const m = parsed.message;
    if (m.type === 'announce') this.announced(m);
    else if (m.type === 'response') this.responded(m);
    // Notifies and requests are for workers: an engine ignores them.
  }

  private announced(m: Announce): void {
    const now = Date.now();
    const w = m.worker;
    // A worker going down finishes or gives back what it has and takes nothing new; it still beats, so
    // its heartbeats keep watching the requests it holds until it leaves.
    const draining = m.state === 'down';
    const wasDraining = this.finder.get(w.id)?.draining;
    const isNew = this.finder.seen(w, now, draining);
    if (isNew || wasDraining !== draining) this.changed();
    if (draining) return;
    for (const p of this.pending.values()) {
      if (p.resync && p.worker === w.id) {
        p.resync = false;
        this.send(p);
      }
    }
    this.dispatchWaiting(now);
  }

  private dispatchWaiting(now: number): void {
    for (const group of this.pending.waitingByKind()) {
      // Oldest first; the first that finds no worker means none can take its kind now.
      for (const p of group) if (!this.dispatch(p, now)) break;
    }
  }

  private responded(m: Response): void {
    const p = this.pending.get(m.id);
    // Unknown: an older attempt, another engine's, or already finished.
    if (!p || p.worker !== m.worker) return;
    const now = Date.now();
    switch (m.state) {
      case 'queued':
      case 'running':
        // A worker holds it: from now on its heartbeats, not a timeout, say whether it is alive.
        if (p.life.state === 'PENDING') p.life.transition('RUNNING', now);
        return;
      case 'progress':
        p.reporter.progress(m.progress, m.details);
        return;
      case 'log':
        p.reporter.log(m.text, m.stream);
        return;
      case 'success':
        // The `running` before it may have been lost (a reconnect): a result implies a start.
        if (p.life.state === 'PENDING') p.life.transition('RUNNING', now);
        p.life.transition('SUCCESS', now);
        this.finish(p, { ok: true, value: m.result });
        return;
      case 'failure':
        p.life.transition('FAILURE', now);
        this.finish(p, { ok: false, failure: Failure.fromDict(m.failure) });
        return;
      case 'returned':
        // Given back unstarted (the worker is stopping): elsewhere, without counting it as a loss.
        this.finder.adjustLoad(m.worker, -1);
        this.requeue(p, now, false);
        return;
    }
  }

  /** Sends `p` again, under a new attempt id. */
  private requeue(p: Pending, now: number, lost: boolean): void {
    if (lost && p.worker !== undefined) p.lost.add(p.worker);
    p.worker = undefined;
    p.life.transition('WAITING', now);
    this.pending.again(p, this.nextId());
    this.dispatch(p, now);
  }

  /** A worker is gone: its requests go to others, or fail when they have been sent too often. */
  private workerLost(id: string, why: string, known?: WorkerInfo): void {
    const info = known ?? this.finder.get(id)?.info;
    if (this.finder.remove(id) || known) this.changed();
    const now = Date.now();
    for (const p of this.pending.all()) {
      if (p.worker !== id || p.life.done) continue;
      if (p.sends <= this.redeliveries) {
        this.log(
          `atomflow engine: worker ${id} was lost (${why}) with '${p.spec.name}' (${p.spec.action}); sending it again`,
        );
        this.requeue(p, now, true);
      } else {
        const who = info ? `${id} on ${info.host} (pid ${String(info.pid)})` : id;
        this.fail(
          p,
          new WorkerLost(
            `Worker ${who} was lost (${why}) while it had '${p.spec.name}' (${p.spec.action}); ` +
              `it was sent ${String(p.sends)} time(s), the limit is 1 + ${String(this.redeliveries)} redeliveries`,
          ),
        );
      }
    }
  }

  /** A request published as mandatory found no queue: its worker is gone. */
  private returned(routingKey: string): void {
    const prefix = 'worker.';
    if (routingKey.startsWith(prefix)) this.workerLost(routingKey.slice(prefix.length), 'its queue is gone');
  }

  private down(e: Error): void {
    this.downSince ??= Date.now();
    this.log(`atomflow engine: lost the broker connection (${e.message}); reconnecting`);
    for (const p of this.pending.values()) if (p.worker !== undefined) p.resync = true;
  }

  private up(): void {
    const now = Date.now();
    this.downSince = undefined;
    // Workers could not be heard while we were away: each gets a fresh window to show up again.
    this.finder.reconfirm(now, RECONNECT_GRACE_MS);
    this.notify();
    this.dispatchWaiting(now);
  }

  private notify(): void {
    this.lastNotify = Date.now();
    for (const topic of this.topics) {
      this.link?.publish(keys.topic(topic), { type: 'notify', replyTo: keys.client(this.id) });
    }
  }

  private tick(): void {
    const now = Date.now();
    if (this.downSince !== undefined) {
      if (now - this.downSince > this.reconnectTimeoutMs) {
        const why = this.link?.error?.message ?? 'no answer';
        for (const p of this.pending.all()) {
          this.fail(
            p,
            new BrokerUnavailable(
              `Lost the AMQP broker at ${redactUrl(this.url)} for more than ${String(this.reconnectTimeoutMs)} ms ` +
                `while '${p.spec.name}' (${p.spec.action}) was out: ${why}`,
            ),
          );
        }
      }
      return;
    }
    for (const info of this.finder.expire(now)) this.workerLost(info.id, 'missed its heartbeats', info);
    for (const [kind, group] of this.pending.waitingKinds()) {
      // Waiting for a free slot, not for a worker: that is no reason to give up.
      if (this.finder.knows(kind)) for (const p of group) p.life.refresh(now);
    }
    for (const p of this.pending.all()) {
      if (p.life.expired(now)) {
        const where =
          p.worker === undefined
            ? `no worker on topic(s) ${this.topics.join(', ')} runs kind '${p.spec.kind}'`
            : `worker ${p.worker} did not start it`;
        this.fail(
          p,
          new RequestTimeout(
            `'${p.spec.name}' (${p.spec.action}) was not started by a worker within ${String(this.timeoutMs)} ms: ${where}`,
          ),
        );
      }
    }
    for (const p of this.pending.values()) {
      if (p.warned || p.life.state !== 'WAITING' || now - p.since < WAITING_NOTICE_MS) continue;
      if (this.finder.knows(p.spec.kind)) continue;
      p.warned = true;
      const kinds = [...new Set(this.finder.list().flatMap((w) => w.info.kinds))].sort();
      p.reporter.log(
        `waiting for a worker that runs kind '${p.spec.kind}' on topic(s) ${this.topics.join(', ')}` +
          ` (the workers seen there run: ${kinds.join(', ') || 'none seen'}); giving up after ${String(this.timeoutMs)} ms`,
        'stderr',
      );
    }
    // Ask again now and then while requests wait, in case an announcement was lost.
    if (now - this.lastNotify > 1000 && this.pending.anyWaiting) {
      this.notify();
    }
  }

  private fail(p: Pending, e: unknown): void {
    if (!p.life.done) p.life.transition('FAILURE', Date.now());
    const error = e instanceof Error ? e : new AtomflowError(String(e));
    this.finish(p, { ok: false, failure: Failure.fromError(error) });
  }

  private finish(p: Pending, r: JobResult): void {
    if (!this.pending.remove(p)) return;
    p.settle(r);
    if (p.worker !== undefined) {
      this.finder.adjustLoad(p.worker, -1);
      // A slot is free: the oldest request waiting for one goes.
      if (this.pending.anyWaiting) this.dispatchWaiting(Date.now());
    }
  }

  private changed(): void {
    if (this.listeners.size === 0) return;
    const list = this.finder.list();
    for (const l of this.listeners) l(list);
  }
}
