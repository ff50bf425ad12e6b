/**
 * Conformance, section H: the worker-based protocol (`taskflow-scenarios.md`
 * §H, S95–S99; semantics §12). Each test is named by its scenario id.
 *
 * S95 drives {@link RequestLifecycle} and S99 {@link WorkerFinder} directly,
 * with explicit clocks (milliseconds: TaskFlow's "t = 59 s" is `now = 59_000`).
 * S97 feeds encoded bodies to `parseMessage`. S95d, S96 and S98 run a real
 * {@link WorkerClient} on the real RabbitMQ broker, on an exchange of each
 * test's own, and play the worker by hand with amqplib: a queue bound to
 * `worker.<id>`, an `announce` published by the test, responses published to
 * the request's `replyTo`. Nothing is mocked.
 *
 * Where Atomflow's protocol differs from TaskFlow's (deliberately):
 * - A request names the worker endpoint `kind` and its construction `args`
 *   instead of `task_cls`/`task_version`; the atom is `name` + `uuid`. Every
 *   message carries a protocol version `v` and its `type` in the body.
 * - Requests go to one worker (`worker.<id>`), not to a topic; replies go to
 *   `client.<engine id>`. The correlation id is the request's `id`, one per
 *   attempt (`<engine id>:<n>`), not the atom uuid, because a request whose
 *   worker is lost is sent again under a new id.
 * - Notify is `{type: 'notify', replyTo}` rather than `{}`; the reply is an
 *   `announce` with the worker's description (id, topic, kinds, concurrency,
 *   heartbeat…) rather than `{topic, tasks}`, and it doubles as a heartbeat.
 * - Response states are lower-case: `running`, `progress` (TaskFlow's
 *   `EVENT`: `{progress, details}`), `log`, `success` (`result`), `failure`
 *   (`failure`: a failure dict) and `returned` (ours: given back unstarted).
 * - A revert request carries `result` or `resultFailure` instead of
 *   `('success', v)` / `('failure', dict)`.
 * - The lifecycle has no future: the future is the promise of
 *   `WorkerClient.submit()`, resolving to `{ok: true, value}` or
 *   `{ok: false, failure}`; TaskFlow's `('executed', r)` tag is the
 *   `executed` flag of the {@link WorkerExecutor}'s outcome. `PENDING` and
 *   `RUNNING` may also go back to `WAITING` (resending after a lost worker).
 * - The finder tracks workers by id (several per topic), picks the one with
 *   the most free slots (ties in turn) rather than at random, and `clean()`
 *   returns the ids it forgot rather than a count.
 * - Publishing only "raises" for a message that cannot be encoded, so S98's
 *   "publish raising" is a request whose arguments hold a BigInt or a function.
 */
import { randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Failure,
  InvalidState,
  RequestLifecycle,
  Task,
  WorkerClient,
  WorkerExecutor,
  WorkerFinder,
  type FailureDict,
  type JobSpec,
  type Reporter,
  type Values,
  type WorkerJobResult,
} from '../../engine/index.js';
import {
  PROTOCOL_VERSION,
  encodeMessage,
  keys,
  parseMessage,
  type Message,
  type Outgoing,
  type Request,
  type Response,
  type WorkerInfo,
} from '../../engine/workers/protocol.js';
import { RuntimeError } from '../support/fixtures.js';
import { AMQP_URL } from '../support/workers.js';

// ----------------------------------------------------------------- helpers

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Run after each test, last registered first: clients before the fake workers they talk to. */
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function workerInfo(overrides: Partial<WorkerInfo> = {}): WorkerInfo {
  return {
    id: `w-${randomUUID()}`,
    topic: 'dummy-topic',
    kinds: ['DummyTask'],
    concurrency: 4,
    heartbeatMs: 20_000,
    host: 'test-host',
    pid: 4242,
    startedAt: 0,
    ...overrides,
  };
}

/** A response without what the fake worker fills in. */
type Body<R> = R extends Response ? Omit<R, 'v' | 'type' | 'id' | 'worker'> : never;
type ResponseBody = Body<Response>;

interface Received {
  readonly message: Request;
  readonly routingKey: string;
  readonly properties: amqp.MessageProperties;
}

/**
 * A worker played by the test, straight on amqplib: a queue bound to
 * `worker.<id>`, announcements and responses published by hand.
 */
class FakeWorker {
  readonly id = `fake-${randomUUID()}`;
  readonly received: Received[] = [];
  /** Bodies that arrived but did not parse as messages. */
  readonly unparsable: string[] = [];
  private taken = 0;

  private constructor(
    private readonly conn: amqp.ChannelModel,
    private readonly ch: amqp.Channel,
    readonly exchange: string,
    readonly topic: string,
    readonly kinds: readonly string[],
  ) {}

  static async start(exchange: string, topic: string, kinds: readonly string[]): Promise<FakeWorker> {
    const conn = await amqp.connect(AMQP_URL, { noDelay: true });
    try {
      const ch = await conn.createChannel();
      // As transport.ts declares it.
      await ch.assertExchange(exchange, 'direct', { durable: false, autoDelete: false });
      const w = new FakeWorker(conn, ch, exchange, topic, kinds);
      const q = await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      await ch.bindQueue(q.queue, exchange, keys.worker(w.id));
      await ch.consume(
        q.queue,
        (msg) => {
          if (!msg) return;
          const parsed = parseMessage(msg.content);
          if (parsed.ok && parsed.message.type === 'request') {
            w.received.push({
              message: parsed.message,
              routingKey: msg.fields.routingKey,
              properties: msg.properties,
            });
          } else {
            w.unparsable.push(msg.content.toString('utf8'));
          }
        },
        { noAck: true },
      );
      return w;
    } catch (e) {
      await conn.close().catch(() => undefined);
      throw e;
    }
  }

  get info(): WorkerInfo {
    return workerInfo({ id: this.id, topic: this.topic, kinds: [...this.kinds], concurrency: 4 });
  }

  announce(state: 'up' | 'down' = 'up'): void {
    this.publish(keys.announce(this.topic), { type: 'announce', state, worker: this.info });
  }

  /** Answers `to` as this worker; `as` forges another correlation id or another worker id. */
  respond(to: Request, body: ResponseBody, as: { id?: string; worker?: string } = {}): void {
    this.publish(to.replyTo, {
      type: 'response',
      id: as.id ?? to.id,
      worker: as.worker ?? this.id,
      ...body,
    });
  }

  publish(routingKey: string, m: Outgoing): void {
    this.publishRaw(routingKey, encodeMessage(m));
  }

  publishRaw(routingKey: string, body: Buffer): void {
    this.ch.publish(this.exchange, routingKey, body, { contentType: 'application/json' });
  }

  /** The next request that arrived (waits for it). */
  async nextRequest(withinMs = 5_000): Promise<Request> {
    const until = Date.now() + withinMs;
    while (this.received.length <= this.taken) {
      if (Date.now() > until)
        throw new Error(`no request reached fake worker ${this.id} within ${withinMs} ms`);
      await sleep(5);
    }
    return (this.received[this.taken++] as Received).message;
  }

  async close(): Promise<void> {
    await this.ch.deleteExchange(this.exchange).catch(() => undefined);
    await this.conn.close().catch(() => undefined);
  }
}

interface Setup {
  readonly client: WorkerClient;
  readonly worker: FakeWorker;
  readonly logs: string[];
}

/** A client and a fake worker on a fresh exchange; `announce: false` leaves the worker unknown. */
async function setup(
  options: { timeoutMs?: number; kinds?: readonly string[]; announce?: boolean } = {},
): Promise<Setup> {
  const exchange = `h-test-${randomUUID()}`;
  const topic = 'h-topic';
  const worker = await FakeWorker.start(exchange, topic, options.kinds ?? ['k']);
  cleanups.push(() => worker.close());
  const logs: string[] = [];
  const client = await WorkerClient.connect({
    url: AMQP_URL,
    exchange,
    topics: [topic],
    timeoutMs: options.timeoutMs ?? 10_000,
    log: (text) => logs.push(text),
  });
  cleanups.push(() => client.close());
  if (options.announce ?? true) {
    worker.announce();
    expect(await client.waitForWorkers(1, 5_000)).toBe(true);
  }
  return { client, worker, logs };
}

function spec(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    kind: 'k',
    args: ['ctor-arg', 2],
    name: 't.name',
    uuid: randomUUID(),
    action: 'execute',
    arguments: { a: 'a' },
    ...overrides,
  };
}

interface CapturingReporter extends Reporter {
  readonly progressed: [number, Values][];
  readonly logged: [string, 'stdout' | 'stderr'][];
}

function reporter(): CapturingReporter {
  const progressed: [number, Values][] = [];
  const logged: [string, 'stdout' | 'stderr'][] = [];
  return {
    progressed,
    logged,
    progress: (p, d) => progressed.push([p, d]),
    log: (t, s) => logged.push([t, s]),
  };
}

/** A promise and whether it has settled yet. */
function watch<T>(p: Promise<T>): { readonly promise: Promise<T>; readonly settled: () => boolean } {
  let done = false;
  void p.then(() => {
    done = true;
  });
  return { promise: p, settled: () => done };
}

function failureOf(r: WorkerJobResult): Failure {
  if (r.ok) throw new Error(`expected a failure, got the value ${JSON.stringify(r.value)}`);
  return r.failure;
}

/** A task the worker-based executor sends to kind `k`. */
class RemoteTask extends Task {
  constructor(name: string) {
    super({ name, remote: { kind: 'k', args: ['ctor-arg', 2] } });
  }
  execute(): unknown {
    throw new Error('runs on a worker, never here');
  }
}

/** A failure as a worker would send it. */
function woot(): Failure {
  return Failure.fromError(new RuntimeError('Woot!'));
}

// --------------------------------------------------------------------- S95

describe('S95 request state machine and expiry', () => {
  it('S95a a new request is WAITING (and its future, the submit promise, unresolved)', async () => {
    const life = new RequestLifecycle(60_000, 0);
    expect(life.state).toBe('WAITING');
    expect(life.done).toBe(false);

    const { client, worker } = await setup({ announce: false });
    const job = watch(client.submit(spec(), reporter()));
    await sleep(150);
    expect(job.settled()).toBe(false);
    expect(client.outstanding).toBe(1);
    expect(worker.received).toHaveLength(0);
  });

  it('S95b checked transitions', () => {
    const life = new RequestLifecycle(60_000, 0);
    expect(() => life.transition('SUCCESS', 1)).toThrow(InvalidState);
    expect(life.state).toBe('WAITING');
    expect(life.transition('WAITING', 1)).toBe(false);
    expect(life.transition('PENDING', 2)).toBe(true);
    expect(life.state).toBe('PENDING');
    expect(life.transition('PENDING', 2)).toBe(false);
    expect(life.transition('RUNNING', 3)).toBe(true);
    expect(life.state).toBe('RUNNING');
    expect(life.transition('SUCCESS', 4)).toBe(true);
    expect(life.state).toBe('SUCCESS');
    expect(life.done).toBe(true);
    expect(() => life.transition('PENDING', 5)).toThrow(InvalidState);
    expect(() => life.transition('WAITING', 5)).toThrow(InvalidState);
    expect(() => life.transition('RUNNING', 5)).toThrow(InvalidState);
    expect(() => life.transition('FAILURE', 5)).toThrow(InvalidState);
    expect(life.transition('SUCCESS', 5)).toBe(false);
    expect(life.state).toBe('SUCCESS');
  });

  it('S95b2 WAITING→FAILURE and PENDING→FAILURE are allowed (§12.3); FAILURE is final', () => {
    const waiting = new RequestLifecycle(60_000, 0);
    expect(waiting.transition('FAILURE', 1)).toBe(true);
    expect(waiting.done).toBe(true);
    for (const to of ['WAITING', 'PENDING', 'RUNNING', 'SUCCESS'] as const) {
      expect(() => waiting.transition(to, 2)).toThrow(InvalidState);
    }
    const pending = new RequestLifecycle(60_000, 0);
    pending.transition('PENDING', 1);
    expect(() => pending.transition('SUCCESS', 2)).toThrow(InvalidState);
    expect(pending.transition('FAILURE', 2)).toBe(true);
    expect(pending.state).toBe('FAILURE');
  });

  it('S95c with timeout 60: not expired at t=59, expired at t=61 while WAITING', () => {
    const life = new RequestLifecycle(60_000, 0);
    expect(life.expired(59_000)).toBe(false);
    expect(life.expired(61_000)).toBe(true);
    expect(life.state).toBe('WAITING');
  });

  it('S95c2 … and while PENDING (the clock runs from creation)', () => {
    const life = new RequestLifecycle(60_000, 0);
    life.transition('PENDING', 30_000);
    expect(life.expired(59_000)).toBe(false);
    expect(life.expired(61_000)).toBe(true);
  });

  it('S95c3 once RUNNING it is never expired', () => {
    const life = new RequestLifecycle(60_000, 0);
    life.transition('PENDING', 0);
    life.transition('RUNNING', 1_000);
    expect(life.expired(61_000)).toBe(false);
    expect(life.expired(10_000_000)).toBe(false);
    life.transition('SUCCESS', 2_000);
    expect(life.expired(10_000_000)).toBe(false);
  });

  it('S95c4 without a timeout nothing expires', () => {
    const life = new RequestLifecycle(undefined, 0);
    expect(life.expired(Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it("S95d a result of 111 resolves the execute request to ('executed', 111)", async () => {
    const { client, worker } = await setup();
    const executor = new WorkerExecutor({ client });
    await executor.start();
    const token = Symbol('token');
    const outcome = executor.executeTask(token, new RemoteTask('t'), randomUUID(), { a: 'a' }, reporter());
    const req = await worker.nextRequest();
    worker.respond(req, { state: 'running' });
    worker.respond(req, { state: 'success', result: 111 });
    expect(await outcome).toEqual({ token, executed: true, result: 111 });
    await executor.stop();
  });
});

// --------------------------------------------------------------------- S96

describe('S96 request serialisation', () => {
  /** Sends one execute or revert through a WorkerExecutor and returns the request the worker got. */
  async function sent(
    action: 'execute' | 'revert',
    result?: unknown,
    flowFailures: Record<string, Failure> = {},
  ): Promise<{ request: Request; raw: Received; uuid: string; client: WorkerClient }> {
    const { client, worker } = await setup();
    const executor = new WorkerExecutor({ client });
    await executor.start();
    const uuid = randomUUID();
    const t = new RemoteTask('t.name');
    const outcome =
      action === 'execute'
        ? executor.executeTask(1, t, uuid, { a: 'a' }, reporter())
        : executor.revertTask(1, t, uuid, { a: 'a' }, result, flowFailures, reporter());
    const request = await worker.nextRequest();
    worker.respond(request, { state: 'running' });
    worker.respond(request, { state: 'success', result: null });
    expect((await outcome).executed).toBe(action === 'execute');
    return { request, raw: worker.received[0] as Received, uuid, client };
  }

  it('S96a an execute request', async () => {
    const { request, raw, uuid, client } = await sent('execute');
    expect(request).toEqual({
      v: PROTOCOL_VERSION,
      type: 'request',
      id: request.id,
      replyTo: keys.client(client.id),
      kind: 'k',
      args: ['ctor-arg', 2],
      name: 't.name',
      uuid,
      action: 'execute',
      attempt: 1,
      arguments: { a: 'a' },
    });
    expect(request.id).toMatch(/\S/);
    expect(Object.keys(request)).not.toContain('result');
    expect(Object.keys(request)).not.toContain('failures');
    expect(raw.properties.type).toBe('request');
    expect(raw.properties.contentType).toBe('application/json');
  });

  it('S96b a revert with result 333 adds it', async () => {
    const { request } = await sent('revert', 333);
    expect(request.action).toBe('revert');
    expect(request.result).toBe(333);
    expect(request.resultFailure).toBeUndefined();
    expect(Object.keys(request)).not.toContain('failures');
  });

  it('S96c a revert with no result says so (the key is there, undefined)', async () => {
    const { request } = await sent('revert', undefined);
    expect(Object.hasOwn(request, 'result')).toBe(true);
    expect(request.result).toBeUndefined();
    expect(request.resultFailure).toBeUndefined();
  });

  it('S96d a revert of a failed execute carries the failure dict', async () => {
    const f = woot();
    const { request } = await sent('revert', f);
    expect(Object.keys(request)).not.toContain('result');
    expect(request.resultFailure).toEqual(f.toDict());
    expect(Failure.fromDict(request.resultFailure).matches(f)).toBe(true);
  });

  it('S96e flow failures are added by atom name', async () => {
    const f = woot();
    const { request } = await sent('revert', 5, { boom: f });
    expect(request.failures).toEqual({ boom: f.toDict() });
  });

  it('S96f a failure whose args are not JSON-serialisable is sent without them', async () => {
    const dict = {
      version: 1,
      exceptionStr: 'bad args',
      tracebackStr: '',
      excTypeNames: ['RuntimeError', 'Error'],
      excArgs: [10n],
    } as unknown as FailureDict;
    const f = Failure.fromDict(dict);
    const { request } = await sent('revert', f, { other: f });
    expect(request.resultFailure?.excArgs).toEqual([]);
    expect(request.resultFailure?.exceptionStr).toBe('bad args');
    expect(request.failures?.other?.excArgs).toEqual([]);
  });
});

// --------------------------------------------------------------------- S97

describe('S97 message validation', () => {
  /** An encoded body as it would come off the wire (the version added by encodeMessage). */
  const encoded = (m: Record<string, unknown>): Buffer => encodeMessage(m as unknown as Outgoing);

  const failureDict = woot().toDict();
  const validRequest = {
    type: 'request',
    id: 'client-1:0',
    replyTo: keys.client('client-1'),
    kind: 'k',
    args: ['C', 1],
    name: 't.name',
    uuid: randomUUID(),
    action: 'revert',
    arguments: { a: 'a' },
    resultFailure: failureDict,
    failures: { t: failureDict },
  };

  function valid(m: Record<string, unknown>): Message {
    const p = parseMessage(encoded(m));
    if (!p.ok) throw new Error(`expected a valid message, refused: ${p.reason}`);
    return p.message;
  }

  function invalid(body: Buffer): string {
    const p = parseMessage(body);
    expect(p.ok).toBe(false);
    if (p.ok) return '';
    expect(typeof p.reason).toBe('string');
    expect(p.reason.length).toBeGreaterThan(0);
    return p.reason;
  }

  it('S97a valid: engine notify', () => {
    expect(valid({ type: 'notify', replyTo: keys.client('c') })).toEqual({
      v: PROTOCOL_VERSION,
      type: 'notify',
      replyTo: keys.client('c'),
    });
  });

  it('S97b valid: worker announce (notify reply)', () => {
    const info = workerInfo({ topic: 'bob', kinds: ['a', 'b', 'c'] });
    expect(valid({ type: 'announce', state: 'up', worker: info })).toEqual({
      v: PROTOCOL_VERSION,
      type: 'announce',
      state: 'up',
      worker: info,
    });
  });

  it('S97c valid: a request as in S96', () => {
    const m = valid(validRequest);
    // `attempt` (TaskContext.attempt) defaults to 1 when a request leaves it out.
    expect(m).toEqual({ v: PROTOCOL_VERSION, attempt: 1, ...validRequest });
    expect(
      valid({ ...validRequest, action: 'execute', resultFailure: undefined, failures: undefined }),
    ).toEqual(expect.objectContaining({ type: 'request', action: 'execute' }));
  });

  it('S97d valid: a progress response (EVENT)', () => {
    const m = {
      type: 'response',
      id: 'c:1',
      worker: 'w',
      state: 'progress',
      progress: 0.5,
      details: { x: 1 },
    };
    expect(valid(m)).toEqual({ v: PROTOCOL_VERSION, ...m });
  });

  it('S97e valid: a success response with result 1', () => {
    const m = { type: 'response', id: 'c:1', worker: 'w', state: 'success', result: 1 };
    expect(valid(m)).toEqual({ v: PROTOCOL_VERSION, ...m });
  });

  it('S97f valid: the other response states', () => {
    const base = { type: 'response', id: 'c:1', worker: 'w' };
    expect(valid({ ...base, state: 'running' })).toMatchObject({ state: 'running' });
    expect(valid({ ...base, state: 'log', stream: 'stderr', text: 'hi' })).toMatchObject({ state: 'log' });
    expect(valid({ ...base, state: 'failure', failure: failureDict })).toMatchObject({
      state: 'failure',
      failure: failureDict,
    });
    expect(valid({ ...base, state: 'returned', reason: 'stopping' })).toMatchObject({ state: 'returned' });
  });

  it('S97g invalid: a notify with extra keys', () => {
    const reason = invalid(
      encoded({ type: 'notify', replyTo: keys.client('c'), 'all your base': 'are belong to us' }),
    );
    expect(reason).toContain('all your base');
  });

  it('S97h invalid: an announce whose topic and kinds have the wrong types', () => {
    const bad = { ...workerInfo(), topic: {}, kinds: 'not yours' };
    invalid(encoded({ type: 'announce', state: 'up', worker: bad }));
  });

  it('S97i invalid: a request with wrong types', () => {
    invalid(encoded({ ...validRequest, name: 1, kind: false, arguments: [] }));
  });

  it("S97j invalid: a request with action 'NOTHING'", () => {
    invalid(encoded({ ...validRequest, action: 'NOTHING' }));
  });

  it('S97k invalid: a progress response that also has a result', () => {
    const reason = invalid(
      encoded({
        type: 'response',
        id: 'c:1',
        worker: 'w',
        state: 'progress',
        progress: 0.5,
        details: {},
        result: 1,
      }),
    );
    expect(reason).toContain('result');
  });

  it("S97l invalid: a response with state 'STUFF'", () => {
    invalid(encoded({ type: 'response', id: 'c:1', worker: 'w', state: 'STUFF' }));
  });

  it('S97m invalid: other protocol versions, non-JSON, non-objects', () => {
    const notify = { type: 'notify', replyTo: keys.client('c') };
    expect(invalid(Buffer.from(JSON.stringify({ ...notify, v: PROTOCOL_VERSION + 1 })))).toContain(
      'protocol version',
    );
    expect(invalid(Buffer.from(JSON.stringify(notify)))).toContain('protocol version');
    expect(invalid(Buffer.from('{not json'))).toContain('not JSON');
    invalid(Buffer.from(''));
    invalid(Buffer.from('null'));
    invalid(Buffer.from('[]'));
    invalid(Buffer.from('"a string"'));
    invalid(Buffer.from('{"$af":"NoSuchTag"}'));
  });

  it('S97n invalid: further shapes a hostile publisher could send', () => {
    // An execute request carrying revert data.
    invalid(encoded({ ...validRequest, action: 'execute' }));
    // A failure response whose failure is not a failure dict.
    invalid(encoded({ type: 'response', id: 'c:1', worker: 'w', state: 'failure', failure: { nope: 1 } }));
    // A response without a correlation id.
    invalid(encoded({ type: 'response', worker: 'w', state: 'success', result: 1 }));
    // An unknown message type.
    invalid(encoded({ type: 'gossip' }));
  });
});

// --------------------------------------------------------------------- S98

describe('S98 client handling of responses, timeouts and publishing (real broker)', () => {
  it('S98a submitting with a known worker: PENDING, published to that worker with replyTo and an id', async () => {
    const { client, worker } = await setup();
    const s = spec();
    const job = watch(client.submit(s, reporter()));
    const req = await worker.nextRequest();
    const raw = worker.received[0] as Received;
    expect(raw.routingKey).toBe(keys.worker(worker.id));
    expect(req.replyTo).toBe(keys.client(client.id));
    expect(req.id).toMatch(/\S/);
    expect(req.uuid).toBe(s.uuid);
    expect(req).toMatchObject({ kind: 'k', args: ['ctor-arg', 2], name: 't.name', arguments: { a: 'a' } });
    // Outstanding, counted against the worker, not settled.
    expect(client.outstanding).toBe(1);
    expect(client.workers().find((w) => w.info.id === worker.id)?.load).toBe(1);
    expect(job.settled()).toBe(false);

    // A second submission is a second request with its own correlation id.
    const job2 = watch(client.submit(spec(), reporter()));
    const req2 = await worker.nextRequest();
    expect(req2.id).not.toBe(req.id);
    worker.respond(req, { state: 'running' });
    worker.respond(req, { state: 'success', result: 1 });
    worker.respond(req2, { state: 'running' });
    worker.respond(req2, { state: 'success', result: 2 });
    expect(await job.promise).toEqual({ ok: true, value: 1 });
    expect(await job2.promise).toEqual({ ok: true, value: 2 });
    expect(client.workers().find((w) => w.info.id === worker.id)?.load).toBe(0);
  });

  it("S98b a 'running' response moves the request to RUNNING: it no longer expires", async () => {
    const timeoutMs = 400;
    const { client, worker } = await setup({ timeoutMs });
    const started = watch(client.submit(spec({ name: 'started' }), reporter()));
    const ignored = watch(client.submit(spec({ name: 'ignored' }), reporter()));
    const reqStarted = await worker.nextRequest();
    await worker.nextRequest();
    worker.respond(reqStarted, { state: 'running' });
    // The one never started expires; the running one stays out.
    const r = await ignored.promise;
    expect(failureOf(r).check('RequestTimeout')).toBe('RequestTimeout');
    await sleep(timeoutMs * 2);
    expect(started.settled()).toBe(false);
    expect(client.outstanding).toBe(1);
    worker.respond(reqStarted, { state: 'success', result: 'late but fine' });
    expect(await started.promise).toEqual({ ok: true, value: 'late but fine' });
    expect(client.outstanding).toBe(0);
  });

  it("S98c 'progress' (EVENT) and 'log' responses reach the reporter", async () => {
    const { client, worker } = await setup();
    const rep = reporter();
    const job = watch(client.submit(spec(), rep));
    const req = await worker.nextRequest();
    worker.respond(req, { state: 'running' });
    worker.respond(req, { state: 'progress', progress: 0.5, details: { progress: 0.5, step: 'half' } });
    worker.respond(req, { state: 'log', stream: 'stderr', text: 'careful\n' });
    worker.respond(req, { state: 'progress', progress: 1, details: {} });
    worker.respond(req, { state: 'success', result: 5 });
    expect(await job.promise).toEqual({ ok: true, value: 5 });
    expect(rep.progressed).toEqual([
      [0.5, { progress: 0.5, step: 'half' }],
      [1, {}],
    ]);
    expect(rep.logged).toEqual([['careful\n', 'stderr']]);
  });

  it("S98d a 'failure' response resolves with a failure matching the original, and forgets the request", async () => {
    const { client, worker } = await setup();
    const original = woot();
    const job = watch(client.submit(spec(), reporter()));
    const req = await worker.nextRequest();
    worker.respond(req, { state: 'running' });
    worker.respond(req, { state: 'failure', failure: original.toDict() });
    const f = failureOf(await job.promise);
    expect(f.excTypeNames).toEqual(['RuntimeError', 'Error']);
    expect(f.exceptionStr).toBe('Woot!');
    expect(f.matches(original)).toBe(true);
    expect(f.pformat()).toBe('Failure: RuntimeError: Woot!');
    expect(client.outstanding).toBe(0);
    expect(client.workers().find((w) => w.info.id === worker.id)?.load).toBe(0);
  });

  it("S98e a 'success' response resolves with the value", async () => {
    const { client, worker } = await setup();
    const value = { n: 1, list: [1, 'two', null], nested: { m: new Map([['k', 1]]), u: undefined } };
    const job = watch(client.submit(spec(), reporter()));
    const req = await worker.nextRequest();
    worker.respond(req, { state: 'running' });
    worker.respond(req, { state: 'success', result: value });
    expect(await job.promise).toEqual({ ok: true, value });
    expect(client.outstanding).toBe(0);
  });

  it('S98f responses with an unknown state, unknown or missing id, or from another worker are ignored', async () => {
    const { client, worker, logs } = await setup();
    const rep = reporter();
    const job = watch(client.submit(spec(), rep));
    const req = await worker.nextRequest();
    worker.respond(req, { state: 'running' });
    // Decoys, each of which would settle the request (or report) if it were taken.
    worker.respond(req, { state: 'success', result: 'unknown id' }, { id: `${client.id}:999` });
    worker.respond(req, { state: 'success', result: 'other engine' }, { id: `${randomUUID()}:0` });
    worker.respond(req, { state: 'success', result: 'other worker' }, { worker: `fake-${randomUUID()}` });
    worker.respond(req, { state: 'progress', progress: 0.1, details: {} }, { worker: 'someone-else' });
    worker.respond(req, { state: 'failure', failure: woot().toDict() }, { worker: 'someone-else' });
    worker.publishRaw(
      req.replyTo,
      encodeMessage({
        type: 'response',
        id: req.id,
        worker: worker.id,
        state: 'STUFF',
      } as unknown as Outgoing),
    );
    worker.publishRaw(
      req.replyTo,
      encodeMessage({
        type: 'response',
        worker: worker.id,
        state: 'success',
        result: 'no id',
      } as unknown as Outgoing),
    );
    worker.publishRaw(req.replyTo, Buffer.from('{garbage'));
    await sleep(300);
    expect(job.settled()).toBe(false);
    expect(rep.progressed).toEqual([]);
    // The three unparsable ones were dropped, with a reason.
    expect(logs.filter((l) => l.includes('dropped a message'))).toHaveLength(3);
    // The real answer still settles it.
    worker.respond(req, { state: 'success', result: 'the real one' });
    expect(await job.promise).toEqual({ ok: true, value: 'the real one' });
    // And answers to a finished request are ignored too.
    worker.respond(req, { state: 'failure', failure: woot().toDict() });
    await sleep(100);
    expect(client.outstanding).toBe(0);
  });

  it('S98g an expired request is failed with RequestTimeout and removed; a running one stays', async () => {
    const timeoutMs = 300;
    const { client, worker } = await setup({ timeoutMs });
    const before = Date.now();
    const expiring = watch(client.submit(spec({ name: 'never-started' }), reporter()));
    const staying = watch(client.submit(spec({ name: 'started' }), reporter()));
    await worker.nextRequest();
    const started = await worker.nextRequest();
    worker.respond(started, { state: 'running' });
    const f = failureOf(await expiring.promise);
    expect(Date.now() - before).toBeGreaterThanOrEqual(timeoutMs);
    expect(f.excTypeNames).toContain('RequestTimeout');
    expect(f.exceptionStr).toContain('never-started');
    expect(client.outstanding).toBe(1);
    expect(staying.settled()).toBe(false);
    worker.respond(started, { state: 'success', result: 'ok' });
    expect(await staying.promise).toEqual({ ok: true, value: 'ok' });
  });

  it('S98h with no known worker the request waits, nothing is published, then it times out', async () => {
    const timeoutMs = 600;
    const { client, worker } = await setup({ timeoutMs, announce: false });
    expect(client.workers()).toEqual([]);
    const before = Date.now();
    const job = watch(client.submit(spec(), reporter()));
    await sleep(timeoutMs / 2);
    expect(job.settled()).toBe(false);
    expect(client.outstanding).toBe(1);
    const f = failureOf(await job.promise);
    expect(Date.now() - before).toBeGreaterThanOrEqual(timeoutMs);
    expect(f.check('RequestTimeout')).toBe('RequestTimeout');
    expect(f.exceptionStr).toContain("no worker on topic(s) h-topic runs kind 'k'");
    expect(client.outstanding).toBe(0);
    expect(worker.received).toHaveLength(0);
    expect(worker.unparsable).toHaveLength(0);
  });

  it('S98i a waiting request is published once a worker for its kind announces itself', async () => {
    const { client, worker } = await setup({ announce: false, kinds: ['k'] });
    const job = watch(client.submit(spec(), reporter()));
    // A worker of the topic that does not run kind 'k' takes nothing.
    const other = await FakeWorker.start(worker.exchange, worker.topic, ['something-else']);
    cleanups.push(() => other.close());
    other.announce();
    expect(await client.waitForWorkers(1, 5_000)).toBe(true);
    await sleep(200);
    expect(other.received).toHaveLength(0);
    expect(worker.received).toHaveLength(0);
    worker.announce();
    const req = await worker.nextRequest();
    worker.respond(req, { state: 'running' });
    worker.respond(req, { state: 'success', result: 'after waiting' });
    expect(await job.promise).toEqual({ ok: true, value: 'after waiting' });
  });

  it('S98j a request that cannot be published (BigInt or function argument) fails with that failure', async () => {
    const { client, worker } = await setup();
    const withBigInt = await client.submit(spec({ arguments: { n: 10n } }), reporter());
    const f = failureOf(withBigInt);
    expect(f.excTypeNames[0]).toBe('Unstorable');
    expect(f.exceptionStr).toContain('bigint');
    const withFunction = await client.submit(spec({ arguments: { fn: () => 1 } }), reporter());
    expect(failureOf(withFunction).exceptionStr).toContain('function');
    expect(client.outstanding).toBe(0);
    expect(client.workers().find((w) => w.info.id === worker.id)?.load).toBe(0);
    await sleep(200);
    expect(worker.received).toHaveLength(0);
    // The client still works afterwards.
    const ok = watch(client.submit(spec(), reporter()));
    const req = await worker.nextRequest();
    worker.respond(req, { state: 'running' });
    worker.respond(req, { state: 'success', result: 'fine' });
    expect(await ok.promise).toEqual({ ok: true, value: 'fine' });
  });

  it("S98k a final answer whose 'running' was lost (request still PENDING) completes it", async () => {
    // A worker answers a repeated request from what it already did (server.ts), with the final response
    // only; and a 'running' can be lost with a dropped connection. The client should take the answer
    // (or at least ignore it, as TaskFlow does) — never drop its broker connection over it.
    const { client, worker, logs } = await setup({ timeoutMs: 1_500 });
    const job = watch(client.submit(spec(), reporter()));
    const req = await worker.nextRequest();
    worker.respond(req, { state: 'success', result: 42 });
    const result = await job.promise;
    const connectionLost = logs.filter((l) => l.includes('lost the broker connection'));
    expect({ result, connectionLost }).toEqual({ result: { ok: true, value: 42 }, connectionLost: [] });
  });

  it("S98l a 'failure' answer to a PENDING request (e.g. an unknown kind) completes it", async () => {
    const { client, worker } = await setup();
    const job = watch(client.submit(spec(), reporter()));
    const req = await worker.nextRequest();
    worker.respond(req, { state: 'failure', failure: woot().toDict() });
    expect(failureOf(await job.promise).exceptionStr).toBe('Woot!');
  });
});

// --------------------------------------------------------------------- S99

describe('S99 worker finder', () => {
  it('S99a a worker performs the kinds it announced, and only those', () => {
    const finder = new WorkerFinder(60_000);
    const w = workerInfo({ topic: 'dummy-topic', kinds: ['DummyTask'] });
    expect(finder.seen(w, 0)).toBe(true);
    expect(finder.performs(w.id, 'DummyTask')).toBe(true);
    expect(finder.performs(w.id, 'NastyTask')).toBe(false);
    expect(finder.performs('nobody', 'DummyTask')).toBe(false);
    // Announcing again is not new; a changed list replaces the old one.
    expect(finder.seen({ ...w, kinds: ['NastyTask'] }, 1)).toBe(false);
    expect(finder.performs(w.id, 'NastyTask')).toBe(true);
    expect(finder.performs(w.id, 'DummyTask')).toBe(false);
    expect(finder.size).toBe(1);
  });

  it('S99b with expiry 60, a worker last seen at t=0 is removed by clean() at t=120', () => {
    const finder = new WorkerFinder(60_000);
    const w = workerInfo();
    finder.seen(w, 0);
    expect(finder.clean(60_000)).toEqual([]);
    expect(finder.size).toBe(1);
    expect(finder.clean(120_000)).toEqual([w.id]);
    expect(finder.size).toBe(0);
    expect(finder.pick('DummyTask')).toBeUndefined();
  });

  it('S99b2 a worker heard from again is kept', () => {
    const finder = new WorkerFinder(60_000);
    const w = workerInfo();
    finder.seen(w, 0);
    finder.seen(w, 100_000);
    expect(finder.clean(120_000)).toEqual([]);
    expect(finder.size).toBe(1);
  });

  it('S99b3 without an expiry, a worker is forgotten after three of its own heartbeats', () => {
    const finder = new WorkerFinder();
    const w = workerInfo({ heartbeatMs: 1_000 });
    finder.seen(w, 0);
    expect(finder.clean(3_000)).toEqual([]);
    expect(finder.clean(3_001)).toEqual([w.id]);
  });

  it('S99c of two workers performing the kind, a lookup returns one of them (and they take turns)', () => {
    const finder = new WorkerFinder(60_000);
    const a = workerInfo({ topic: 'topic-a' });
    const b = workerInfo({ topic: 'topic-b' });
    finder.seen(a, 0);
    finder.seen(b, 0);
    const picked = [finder.pick('DummyTask'), finder.pick('DummyTask')];
    for (const p of picked) expect([a.id, b.id]).toContain(p);
    expect(new Set(picked).size).toBe(2);
    // Ours prefers the worker with more free slots for this engine.
    finder.adjustLoad(a.id, 3);
    expect(finder.pick('DummyTask')).toBe(b.id);
    expect(finder.pick('DummyTask')).toBe(b.id);
  });

  it('S99d of three workers, only the third performing NastyTask, a lookup for it returns the third', () => {
    const finder = new WorkerFinder(60_000);
    const w1 = workerInfo({ topic: 't1', kinds: ['DummyTask'] });
    const w2 = workerInfo({ topic: 't2', kinds: ['DummyTask'] });
    const w3 = workerInfo({ topic: 't3', kinds: ['DummyTask', 'NastyTask'] });
    for (const w of [w1, w2, w3]) finder.seen(w, 0);
    for (let i = 0; i < 3; i++) expect(finder.pick('NastyTask')).toBe(w3.id);
    expect(finder.pick('NoSuchTask')).toBeUndefined();
  });
});
