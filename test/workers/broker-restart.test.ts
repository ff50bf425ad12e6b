/**
 * The worker-based engine across a broker restart. The broker here is a
 * RabbitMQ node of this file's own (`test/support/broker.ts`: its own name,
 * ports, data and cookie), never the shared one on 127.0.0.1:5672 that the
 * other tests use.
 *
 * The restart is `rabbitmqctl stop_app` + `start_app`, not a full
 * `stop` + `rabbitmq-server`: stopping the application closes every client
 * connection, refuses new ones while it is down and loses every transient
 * exchange, queue and binding, which is all a restart is to a client; but the
 * Erlang VM stays up, so the broker is back in 1–2 s instead of the ~10 s a
 * cold boot takes here, and the node's name and ports are sure to be the same.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BrokerUnavailable,
  WrappedFailure,
  linear,
  load,
  states,
  unordered,
  type Engine,
} from '../../engine/index.js';
import { waitFor } from '../support/amqp-spy.js';
import { startBroker, type OwnBroker } from '../support/broker.js';
import { Sleep } from '../support/worker-kinds.js';
import { startWorker, type TestWorker, type TestWorkerOptions } from '../support/workers.js';

let broker: OwnBroker;
const workers: TestWorker[] = [];

beforeAll(async () => {
  broker = await startBroker({ name: 'atomflow-restart' });
}, 120_000);

afterAll(async () => {
  await broker.stop();
}, 60_000);

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
});

async function worker(options: Omit<TestWorkerOptions, 'url'>): Promise<TestWorker> {
  const w = await startWorker({ heartbeatMs: 200, ...options, url: broker.url });
  workers.push(w);
  return w;
}

function track(engine: Engine): { started: Set<string> } {
  const started = new Set<string>();
  engine.notifier.on('progress', (e) => {
    if (e.progress === 0.5) started.add(e.name);
  });
  return { started };
}

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

const alive = (w: TestWorker): boolean => w.process.exitCode === null && w.process.signalCode === null;

describe('worker-based engine: broker restart', () => {
  it('the broker restarts mid-run: the run finishes with every result', { timeout: 60_000 }, async () => {
    const exchange = `restart-${randomUUID()}`;
    const [a, b] = await Promise.all([
      worker({ exchange, concurrency: 8 }),
      worker({ exchange, concurrency: 8 }),
    ]);
    const log: string[] = [];
    // Wave 1 runs across the restart (its results come back while the broker is away);
    // wave 2 is sent after it, over the re-declared exchange and queues.
    const wave1 = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    const wave2 = ['b1', 'b2', 'b3', 'b4'];
    const engine = load(
      linear('restart').add(
        unordered('wave1').add(...wave1.map((n) => new Sleep(n, 1500))),
        unordered('wave2').add(...wave2.map((n) => new Sleep(n, 200))),
      ),
      {
        engine: 'worker-based',
        url: broker.url,
        exchange,
        timeoutMs: 10_000,
        workers: { reconnectTimeoutMs: 20_000, log: (t) => log.push(t) },
      },
    );
    const { started } = track(engine);
    const t0 = Date.now();
    const run = engine.run();
    await waitFor(() => wave1.every((n) => started.has(n)), 10_000, 'wave 1 to start');

    const down = Date.now();
    await broker.stopApp();
    await broker.startApp();
    const restartMs = Date.now() - down;

    await within(run, 20_000, 'the run');
    const elapsed = Date.now() - t0;

    expect(engine.storage.getFlowState()).toBe(states.SUCCESS);
    for (const n of [...wave1, ...wave2])
      expect([a.process.pid, b.process.pid]).toContain(engine.storage.get(n));
    expect(log.some((l) => l.includes('lost the broker connection'))).toBe(true);
    // Nobody was taken for lost (so nothing was sent to a second worker and run twice).
    expect(log.filter((l) => l.includes('was lost'))).toEqual([]);
    for (const w of [a, b]) {
      expect(alive(w)).toBe(true);
      expect(w.stderr()).toContain('lost the broker connection');
    }
    // The restart, then reconnecting (at most a second between attempts) and wave 2.
    expect(elapsed).toBeLessThan(restartMs + 8000);
  });

  it(
    'the broker stays away longer than reconnectTimeoutMs: BrokerUnavailable, not a hang',
    { timeout: 60_000 },
    async () => {
      const exchange = `restart-${randomUUID()}`;
      await worker({ exchange, concurrency: 4 });
      const reconnectTimeoutMs = 1500;
      const engine = load(unordered('away').add(new Sleep('t1', 5000), new Sleep('t2', 5000)), {
        engine: 'worker-based',
        url: broker.url,
        exchange,
        timeoutMs: 10_000,
        workers: { reconnectTimeoutMs, log: () => undefined },
      });
      const { started } = track(engine);
      const run = engine.run().then(
        () => undefined,
        (e: unknown) => e,
      );
      await waitFor(() => started.size === 2, 10_000, 'both tasks to start');
      const down = Date.now();
      let err: unknown;
      let elapsed: number;
      try {
        await broker.stopApp();
        err = await within(run, reconnectTimeoutMs + 8000, 'the run');
        elapsed = Date.now() - down;
      } finally {
        // Back up for the tests after this one (and for a clean stop).
        await broker.startApp();
      }

      const errors =
        err instanceof WrappedFailure
          ? err.failures.map((f) => ({
              ok: f.check(BrokerUnavailable) !== undefined,
              message: f.exceptionStr,
            }))
          : [
              {
                ok: err instanceof BrokerUnavailable,
                message: err instanceof Error ? err.message : String(err),
              },
            ];
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) {
        expect(e.ok, e.message).toBe(true);
        expect(e.message).toContain(
          `Lost the AMQP broker at amqp://guest:***@127.0.0.1:${String(broker.port)}`,
        );
        expect(e.message).toContain(`for more than ${String(reconnectTimeoutMs)} ms`);
        expect(e.message).not.toContain(':guest@');
      }
      expect(engine.storage.getFlowState()).not.toBe(states.SUCCESS);
      // stop_app takes about a second; then the limit, and a tick.
      expect(elapsed).toBeLessThan(reconnectTimeoutMs + 4000);
    },
  );
});
