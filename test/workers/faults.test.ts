/**
 * The worker-based engine under faults, on the shared broker with real
 * worker processes (`test/support/worker-main.ts`): a worker killed
 * mid-task (with and without redeliveries), a worker stopped with work
 * queued, a stopping worker killed before it is done, a worker that takes
 * requests and never answers, and garbage and replays published to the
 * engine's and the workers' queues. Each test has an exchange of its own, so
 * nothing it does reaches another test's engines or workers.
 *
 * Tests that need the workers of a run spread evenly share a
 * {@link WorkerClient} that has already heard from both workers: an engine
 * with a client of its own dispatches to the first worker that answers.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as amqp from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RequestTimeout,
  Task,
  WorkerClient,
  WorkerLost,
  WrappedFailure,
  linear,
  load,
  states,
  unordered,
  type Engine,
  type WorkerClientOptions,
} from '../../engine/index.js';
import { encodeMessage, keys, type WorkerInfo } from '../../engine/workers/protocol.js';
import { Spy, waitFor, type Heard } from '../support/amqp-spy.js';
import { Sleep } from '../support/worker-kinds.js';
import { AMQP_URL, startWorker, type TestWorker, type TestWorkerOptions } from '../support/workers.js';

const HEARTBEAT_MS = 200;

const workers: TestWorker[] = [];
/** Run after each test, last registered first. */
const cleanups: (() => Promise<unknown> | void)[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
});

const newExchange = (): string => `fault-${randomUUID()}`;

async function worker(options: TestWorkerOptions): Promise<TestWorker> {
  const w = await startWorker({ heartbeatMs: HEARTBEAT_MS, ...options });
  workers.push(w);
  return w;
}

/** A client that has heard from `expectWorkers` workers; its warnings go to `log`. */
async function connectClient(
  exchange: string,
  expectWorkers: number,
  options: WorkerClientOptions = {},
): Promise<{ client: WorkerClient; log: string[] }> {
  const log: string[] = [];
  const client = await WorkerClient.connect({
    url: AMQP_URL,
    exchange,
    timeoutMs: 5000,
    log: (text) => log.push(text),
    ...options,
  });
  cleanups.push(() => client.close());
  expect(await client.waitForWorkers(expectWorkers, 10_000)).toBe(true);
  return { client, log };
}

async function spy(exchange: string, bindings: readonly string[] = []): Promise<Spy> {
  const s = await Spy.open(AMQP_URL, exchange, bindings);
  cleanups.push(() => s.close());
  return s;
}

/** The tasks of a run that started on a worker (a `Sleep` reports 0.5 when it starts) and that succeeded. */
function track(engine: Engine): { started: Set<string>; succeeded: Set<string> } {
  const started = new Set<string>();
  const succeeded = new Set<string>();
  engine.notifier.on('progress', (e) => {
    if (e.progress === 0.5) started.add(e.name);
  });
  engine.notifier.on('atom', (e) => {
    if (e.state === states.SUCCESS) succeeded.add(e.name);
  });
  return { started, succeeded };
}

/** What a run raised, as `{ types, message }` per failure (one for a plain error). */
function failuresOf(err: unknown): { types: readonly string[]; message: string }[] {
  if (err instanceof WrappedFailure) {
    return err.failures.map((f) => ({ types: f.excTypeNames, message: f.exceptionStr }));
  }
  if (err instanceof Error) {
    const types: string[] = [];
    for (
      let p: unknown = Object.getPrototypeOf(err);
      p && p !== Object.prototype;
      p = Object.getPrototypeOf(p)
    ) {
      types.push((p as { constructor: { name: string } }).constructor.name);
    }
    return [{ types, message: err.message }];
  }
  return [{ types: [], message: String(err) }];
}

/** `p`, or a rejection saying it hung, after `ms` (a clearer failure than the test's own timeout). */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`${what} did not finish within ${String(ms)} ms: it hangs`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const settle = (p: Promise<void>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

const alive = (w: TestWorker): boolean => w.process.exitCode === null && w.process.signalCode === null;

describe('worker-based engine: faults', () => {
  it('a worker killed mid-task: its tasks finish on the other worker', { timeout: 20_000 }, async () => {
    const exchange = newExchange();
    const [a, b] = await Promise.all([
      worker({ exchange, concurrency: 2 }),
      worker({ exchange, concurrency: 2 }),
    ]);
    const { client, log } = await connectClient(exchange, 2, { redeliveries: 2 });
    const names = ['t1', 't2', 't3', 't4'];
    const engine = load(unordered('kill').add(...names.map((n) => new Sleep(n, 700))), {
      engine: 'worker-based',
      workers: { client },
    });
    const { started } = track(engine);
    const t0 = Date.now();
    const run = engine.run();
    await waitFor(() => started.size === 4, 5000, 'the four tasks to start');
    // Two on each: the killed worker has two tasks running.
    expect(client.workers().find((w) => w.info.id === a.id)?.load).toBe(2);
    await a.kill();
    await within(run, 10_000, 'the run');
    const elapsed = Date.now() - t0;

    // Every result comes from the survivor: the two it had, and the two it was sent again.
    expect(names.map((n) => engine.storage.get(n))).toEqual(names.map(() => b.process.pid));
    expect(log.filter((l) => l.includes(`worker ${a.id} was lost`))).toHaveLength(2);
    expect(alive(b)).toBe(true);
    // 700 ms on the survivor, 600 ms to miss three heartbeats, 700 ms again for the resent two.
    expect(elapsed).toBeLessThan(6000);
  });

  it(
    'with redeliveries: 0, a worker killed mid-task fails the run with WorkerLost naming it',
    { timeout: 20_000 },
    async () => {
      const exchange = newExchange();
      const [a, b] = await Promise.all([
        worker({ exchange, concurrency: 1 }),
        worker({ exchange, concurrency: 1 }),
      ]);
      const { client } = await connectClient(exchange, 2, { redeliveries: 0 });
      const engine = load(unordered('kill0').add(new Sleep('t1', 1000), new Sleep('t2', 1000)), {
        engine: 'worker-based',
        workers: { client },
      });
      const { started } = track(engine);
      const t0 = Date.now();
      const run = settle(engine.run());
      await waitFor(() => started.size === 2, 5000, 'both tasks to start');
      expect(client.workers().find((w) => w.info.id === a.id)?.load).toBe(1);
      await a.kill();
      const err = await within(run, 10_000, 'the run');
      const elapsed = Date.now() - t0;

      expect(err).toBeInstanceOf(WorkerLost);
      const message = (err as Error).message;
      expect(message).toContain(`Worker ${a.id}`);
      expect(message).toContain(`pid ${String(a.process.pid)}`);
      expect(message).toContain('missed its heartbeats');
      expect(engine.storage.getFlowState()).toBe(states.REVERTED);
      expect(alive(b)).toBe(true);
      // The other task (1 s) finishes and is reverted; nothing waits for the dead worker.
      expect(elapsed).toBeLessThan(4000);
    },
  );

  it(
    'a worker stopped (SIGTERM) finishes its running task and gives back the queued one',
    { timeout: 20_000 },
    async () => {
      const exchange = newExchange();
      const [a, b] = await Promise.all([
        worker({ exchange, concurrency: 1, graceMs: 10_000 }),
        worker({ exchange, concurrency: 1 }),
      ]);
      const { client } = await connectClient(exchange, 2);
      const replies = await spy(exchange, [keys.client(client.id)]);
      const names = ['t1', 't2', 't3', 't4'];
      const engine = load(unordered('sigterm').add(...names.map((n) => new Sleep(n, 600))), {
        engine: 'worker-based',
        workers: { client },
      });
      const { started } = track(engine);
      const t0 = Date.now();
      const run = engine.run();
      await waitFor(() => started.size === 2, 5000, 'one task to start on each worker');
      // Each has one running and one queued.
      expect(client.workers().find((w) => w.info.id === a.id)?.load).toBe(2);
      const stopped = a.stop();
      await within(run, 10_000, 'the run');
      const elapsed = Date.now() - t0;
      expect(await within(stopped, 10_000, 'the stopped worker')).toBe(0);

      const pids = names.map((n) => engine.storage.get(n));
      // The running one finished where it ran; the queued one ran on the other worker.
      expect(pids.filter((p) => p === a.process.pid)).toHaveLength(1);
      expect(pids.filter((p) => p === b.process.pid)).toHaveLength(3);
      const returned = replies.heard.filter(
        (h) => h.message?.type === 'response' && h.message.state === 'returned',
      );
      expect(returned).toHaveLength(1);
      expect(returned[0]?.message).toMatchObject({ worker: a.id, reason: 'the worker is shutting down' });
      expect(alive(b)).toBe(true);
      // Three tasks one after the other on the survivor.
      expect(elapsed).toBeLessThan(5000);
    },
  );

  it(
    'a stopping worker killed before its running task finishes: the task is sent to another worker',
    { timeout: 20_000 },
    async () => {
      const exchange = newExchange();
      const [a, b] = await Promise.all([
        worker({ exchange, concurrency: 1, graceMs: 10_000 }),
        worker({ exchange, concurrency: 1 }),
      ]);
      const { client, log } = await connectClient(exchange, 2, { redeliveries: 2 });
      const engine = load(unordered('drain-kill').add(new Sleep('t1', 1500), new Sleep('t2', 1500)), {
        engine: 'worker-based',
        workers: { client },
      });
      const { started } = track(engine);
      const t0 = Date.now();
      const run = engine.run();
      await waitFor(() => started.size === 2, 5000, 'both tasks to start');
      // It says it is going (`down`), then dies before its task is done: the engine must still
      // watch it, and send its task elsewhere when its heartbeats stop.
      a.process.kill('SIGTERM');
      await sleep(300);
      await a.kill();
      await within(run, 10_000, 'the run');
      const elapsed = Date.now() - t0;

      expect(['t1', 't2'].map((n) => engine.storage.get(n))).toEqual([b.process.pid, b.process.pid]);
      expect(log.some((l) => l.includes(`worker ${a.id} was lost`))).toBe(true);
      // 1.5 s on the survivor, then 1.5 s more for the one sent again.
      expect(elapsed).toBeLessThan(6000);
    },
  );

  it(
    'a worker that advertises a kind and never answers: RequestTimeout, nothing hangs',
    { timeout: 20_000 },
    async () => {
      const exchange = newExchange();
      const topic = 'silent';
      const id = `silent-${randomUUID()}`;
      // Its queue exists (requests are not returned as unroutable); nobody answers from it.
      const fake = await spy(exchange, [keys.worker(id)]);
      const info: WorkerInfo = {
        id,
        topic,
        kinds: ['test.silent'],
        concurrency: 4,
        heartbeatMs: 100,
        host: 'nowhere',
        pid: 1,
        startedAt: Date.now(),
      };
      const beat = (): void => {
        fake.publish(keys.announce(topic), encodeMessage({ type: 'announce', state: 'up', worker: info }));
      };
      beat();
      const heartbeat = setInterval(beat, 100);
      cleanups.push(() => {
        clearInterval(heartbeat);
      });

      class Silent extends Task {
        constructor() {
          super({ name: 'silent', remote: { kind: 'test.silent', args: [] } });
        }
        execute(): never {
          throw new Error('runs on a worker only');
        }
      }
      const log: string[] = [];
      const engine = load(linear('silent').add(new Silent()), {
        engine: 'worker-based',
        url: AMQP_URL,
        exchange,
        topics: [topic],
        timeoutMs: 1000,
        workers: { log: (t) => log.push(t) },
      });
      const t0 = Date.now();
      const err = await within(settle(engine.run()), 10_000, 'the run');
      const elapsed = Date.now() - t0;

      // The execute, then the revert of the failed task: each unstarted for 1 s.
      const failures = failuresOf(err);
      expect(failures.length).toBeGreaterThan(0);
      for (const f of failures) {
        expect(f.types).toContain('RequestTimeout');
        expect(f.message).toContain(`worker ${id} did not start it`);
      }
      const execute = engine.storage.getExecuteFailures().silent;
      expect(execute?.check(RequestTimeout)).toBeTruthy();
      expect(execute?.exceptionStr).toBe(
        `'silent' (execute) was not started by a worker within 1000 ms: worker ${id} did not start it`,
      );
      const requests = fake.heard.filter((h) => h.message?.type === 'request');
      expect(requests.map((h) => h.key)).toContain(keys.worker(id));
      expect(elapsed).toBeGreaterThanOrEqual(1000);
      expect(elapsed).toBeLessThan(5000);
      expect(err instanceof RequestTimeout || err instanceof WrappedFailure).toBe(true);
    },
  );

  it(
    'garbage and replays on the queues are dropped or answered safely; the run and the workers carry on',
    { timeout: 30_000 },
    async () => {
      const exchange = newExchange();
      const topic = 'default';
      const [a, b] = await Promise.all([
        worker({ exchange, topic, concurrency: 4 }),
        worker({ exchange, topic, concurrency: 4 }),
      ]);
      const { client, log } = await connectClient(exchange, 2);
      const engineKey = keys.client(client.id);
      // Copies of every request to the workers and every response to the engine, to replay.
      const tap = await spy(exchange, [engineKey, keys.worker(a.id), keys.worker(b.id)]);
      // Where the answer to our own request for an unknown kind goes.
      const mineKey = keys.client(`spy-${randomUUID()}`);
      const mine = await spy(exchange, [mineKey]);

      const wave1 = ['a1', 'a2', 'a3', 'a4'];
      const wave2 = ['b1', 'b2', 'b3', 'b4'];
      const engine = load(
        linear('garbage').add(
          unordered('wave1').add(...wave1.map((n) => new Sleep(n, 300))),
          unordered('wave2').add(...wave2.map((n) => new Sleep(n, 1000))),
        ),
        { engine: 'worker-based', workers: { client } },
      );
      const { started, succeeded } = track(engine);
      const run = engine.run();

      // Wave 1 done (and its messages all heard by the tap), wave 2 running.
      await waitFor(
        () => wave1.every((n) => succeeded.has(n)) && wave2.every((n) => started.has(n)),
        10_000,
        'wave 1 to finish and wave 2 to start',
      );
      const requestIds = (names: readonly string[]): string[] =>
        tap.heard.flatMap((h) =>
          h.message?.type === 'request' && names.includes(h.message.name) ? [h.message.id] : [],
        );
      const wave1Ids = requestIds(wave1);
      const wave2Ids = requestIds(wave2);
      expect(wave1Ids).toHaveLength(4);
      expect(wave2Ids).toHaveLength(4);
      const finals = (): number =>
        tap.heard.filter(
          (h) =>
            h.message?.type === 'response' &&
            h.message.state === 'success' &&
            wave1Ids.includes(h.message.id),
        ).length;
      await waitFor(() => finals() === 4, 5000, "the tap to hear wave 1's results");

      /** Responses to the engine, per request id and state, from the tap. */
      const counts = (): Map<string, number> => {
        const m = new Map<string, number>();
        for (const h of tap.heard) {
          if (h.key !== engineKey || h.message?.type !== 'response') continue;
          const k = `${h.message.id} ${h.message.state}`;
          m.set(k, (m.get(k) ?? 0) + 1);
        }
        return m;
      };
      const before = counts();

      // 1. Replays: every request and response so far, again, to where it went.
      for (const h of [...tap.heard]) tap.publish(h.key, h.body);

      // 2. Garbage, to the engine, to one worker, and to every worker of the topic.
      const valid = encodeMessage({ type: 'notify', replyTo: mineKey });
      const garbage: [string, Buffer][] = [
        ['not JSON', Buffer.from('this is not JSON {')],
        ['empty', Buffer.alloc(0)],
        ['a number', Buffer.from('42')],
        ['an array', Buffer.from('[1,2]')],
        ['no version', Buffer.from('{}')],
        ['wrong version', Buffer.from(JSON.stringify({ ...JSON.parse(valid.toString()), v: 2 }))],
        ['wrong shape', Buffer.from('{"v":1,"type":"response"}')],
        ['unknown type', Buffer.from('{"v":1,"type":"bogus"}')],
        ['a bad tag', Buffer.from('{"$af":"Map","v":5}')],
        [
          'a __proto__ key',
          Buffer.from('{"__proto__":{"polluted":true},"v":1,"type":"notify","replyTo":"x"}'),
        ],
        [
          'deep nesting',
          Buffer.from(`{"v":1,"x":${'['.repeat(100_000)}{"$af":"undefined"}${']'.repeat(100_000)}}`),
        ],
        ['oversized', Buffer.alloc(16 * 1024 * 1024 + 1, 0x20)],
      ];
      for (const key of [engineKey, keys.worker(a.id), keys.topic(topic)]) {
        for (const [, body] of garbage) tap.publish(key, body);
      }

      // 3. Valid messages that must change nothing: a response nobody asked for, a result for a
      // running request from a worker that does not have it, and a request for a kind no worker runs.
      tap.publish(
        engineKey,
        encodeMessage({
          type: 'response',
          id: `${client.id}:999999`,
          worker: a.id,
          state: 'success',
          result: 'forged',
        }),
      );
      for (const id of wave2Ids) {
        tap.publish(
          engineKey,
          encodeMessage({ type: 'response', id, worker: 'impostor', state: 'success', result: 'forged' }),
        );
      }
      tap.publish(
        keys.worker(a.id),
        encodeMessage({
          type: 'request',
          id: 'spy:1',
          replyTo: mineKey,
          kind: 'no.such.kind',
          args: [],
          name: 'nothing',
          uuid: randomUUID(),
          action: 'execute',
          attempt: 1,
          arguments: {},
        }),
      );
      await tap.flush();

      await within(run, 15_000, 'the run');

      // The run: every result from a real worker, none forged.
      const pids = [...wave1, ...wave2].map((n) => engine.storage.get(n));
      for (const pid of pids) expect([a.process.pid, b.process.pid]).toContain(pid);

      // The workers are still up, and said what they dropped: the garbage sent to one of them and
      // to the topic reaches `a` twice and `b` once.
      const dropped = (text: string): string[] =>
        text.split('\n').filter((l) => l.includes('dropped a message'));
      await waitFor(
        () =>
          dropped(a.stderr()).length >= 2 * garbage.length && dropped(b.stderr()).length >= garbage.length,
        5000,
        'the workers to report the garbage',
      );
      expect(alive(a)).toBe(true);
      expect(alive(b)).toBe(true);
      expect(dropped(a.stderr())).toHaveLength(2 * garbage.length);
      expect(dropped(b.stderr())).toHaveLength(garbage.length);
      for (const reason of [
        'not JSON',
        'protocol version 2',
        'too large',
        'not an object',
        'Unrecognized key',
      ]) {
        expect(dropped(a.stderr()).some((l) => l.includes(reason))).toBe(true);
      }

      // The engine said what it dropped too (garbage only: valid messages it ignores are not warnings).
      const engineDropped = log.filter((l) => l.includes('dropped a message'));
      expect(engineDropped).toHaveLength(garbage.length);
      for (const reason of ['not JSON', 'protocol version 2', 'too large', 'not an object']) {
        expect(engineDropped.some((l) => l.includes(reason))).toBe(true);
      }

      // The request for an unknown kind was refused with a failure, to whoever asked.
      await waitFor(() => mine.heard.some((h) => h.message?.type === 'response'), 5000, 'the refusal');
      const refusal = mine.heard.find((h) => h.message?.type === 'response')?.message;
      expect(refusal).toMatchObject({ type: 'response', id: 'spy:1', worker: a.id, state: 'failure' });
      expect(
        refusal?.type === 'response' && refusal.state === 'failure' && refusal.failure.exceptionStr,
      ).toContain("does not run kind 'no.such.kind'");

      // Replayed requests that had finished were answered from memory, not run again: one more
      // result each, and no second `running` or progress.
      await waitFor(
        () =>
          wave1Ids.every(
            (id) => (counts().get(`${id} success`) ?? 0) >= (before.get(`${id} success`) ?? 0) * 2 + 1,
          ),
        5000,
        'the answers to the replayed requests',
      );
      const after = counts();
      for (const id of wave1Ids) {
        for (const state of ['running', 'progress']) {
          // The tap hears its own replays of the responses: twice as many, never more.
          expect(after.get(`${id} ${state}`) ?? 0, `${id} ${state}`).toBe(
            2 * (before.get(`${id} ${state}`) ?? 0),
          );
        }
        expect(after.get(`${id} success`), `${id} success`).toBe(2 * (before.get(`${id} success`) ?? 0) + 1);
      }
    },
  );

  it(
    "a request that comes by the topic, or straight to a worker's queue, runs on no worker (found by the AMQP fuzz)",
    { timeout: 20_000 },
    async () => {
      // A request on the topic reached every worker of it, and each ran it: a replayed request ran again
      // on the worker that had not had it. Engines send a request to one worker's own key, and only that counts.
      const exchange = newExchange();
      const topic = 'default';
      const [a, b] = await Promise.all([worker({ exchange, topic }), worker({ exchange, topic })]);
      const replyTo = keys.client(`spy-${randomUUID()}`);
      const answers = await spy(exchange, [replyTo]);
      const request = (id: string): Buffer =>
        encodeMessage({
          type: 'request',
          id,
          replyTo,
          kind: 'test.noop',
          args: ['noop'],
          name: 'noop',
          uuid: randomUUID(),
          action: 'execute',
          attempt: 1,
          arguments: {},
        });
      answers.publish(keys.topic(topic), request('by-topic'));
      const connection = await amqp.connect(AMQP_URL);
      cleanups.push(() => connection.close());
      const channel = await connection.createConfirmChannel();
      channel.sendToQueue(`${exchange}.worker.${a.id}`, request('by-queue'));
      await channel.waitForConfirms();
      // Then one to each worker's own key, as an engine sends it: it runs there. Each worker reads its queue
      // in order, so once it has answered this one it has handled the two before.
      answers.publish(keys.worker(a.id), request('to-a'));
      answers.publish(keys.worker(b.id), request('to-b'));
      const answersTo = (id: string): Heard[] =>
        answers.heard.filter((h) => h.message?.type === 'response' && h.message.id === id);
      const succeeded = (id: string): boolean =>
        answersTo(id).some((h) => h.message?.type === 'response' && h.message.state === 'success');
      await waitFor(() => succeeded('to-a') && succeeded('to-b'), 5000, 'the addressed requests to finish');
      expect(answersTo('to-a').at(-1)?.message).toMatchObject({ worker: a.id, result: a.process.pid });
      expect(answersTo('to-b').at(-1)?.message).toMatchObject({ worker: b.id, result: b.process.pid });
      expect(answersTo('by-topic')).toEqual([]);
      expect(answersTo('by-queue')).toEqual([]);
      const refused = (w: TestWorker): number =>
        w
          .stderr()
          .split('\n')
          .filter((l) => l.includes('dropped a message: a request that came by')).length;
      await waitFor(
        () => refused(a) === 2 && refused(b) === 1,
        5000,
        'both workers to say what they refused',
      );
      expect(alive(a) && alive(b)).toBe(true);
    },
  );

  it(
    "a request's time limit longer than a timer can hold does not end its task at once",
    { timeout: 20_000 },
    async () => {
      // The protocol takes any positive whole `timeoutMs`; a Node timer given more than 2^31 - 1 ms fires
      // after 1 ms, so such a limit failed the task with TaskTimeout before it had done anything.
      const exchange = newExchange();
      const w = await worker({ exchange });
      const replyTo = keys.client(`spy-${randomUUID()}`);
      const answers = await spy(exchange, [replyTo]);
      answers.publish(
        keys.worker(w.id),
        encodeMessage({
          type: 'request',
          id: 'long-limit',
          replyTo,
          kind: 'test.sleep',
          args: ['sleepy', 200],
          name: 'sleepy',
          uuid: randomUUID(),
          action: 'execute',
          attempt: 1,
          arguments: {},
          timeoutMs: 2 ** 31,
        }),
      );
      const final = (): Heard | undefined =>
        answers.heard.find(
          (h) =>
            h.message?.type === 'response' &&
            (h.message.state === 'success' || h.message.state === 'failure'),
        );
      await waitFor(() => final() !== undefined, 5000, 'the answer');
      expect(final()?.message).toMatchObject({ state: 'success', result: w.process.pid });
    },
  );
});
