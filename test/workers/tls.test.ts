/**
 * Reaching the broker: credentials in the URL, and `amqps://`.
 *
 * A wrong password is tried on the shared broker (a refused login changes
 * nothing there). TLS needs a listener the shared broker does not have, so
 * it runs against a RabbitMQ node of this file's own (`test/support/broker.ts`)
 * with a TLS listener whose certificate was signed by a CA made here with
 * `openssl` (`makeCertificates`): the engine and a worker trust that CA
 * through `tls: { ca }`, and without it they must fail at once, saying why.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BrokerUnavailable,
  WorkerClient,
  WorkerServer,
  load,
  states,
  unordered,
} from '../../engine/index.js';
import { makeCertificates, startBroker, type BrokerTls, type OwnBroker } from '../support/broker.js';
import { Noop, Sleep } from '../support/worker-kinds.js';
import { AMQP_URL, startWorker, type TestWorker } from '../support/workers.js';

const workers: TestWorker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
});

/** How `promise` ended: its error (or undefined), and how long it took. */
async function outcome(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const t0 = Date.now();
  try {
    const value = await promise;
    // Something that connected after all: let it go.
    if (value instanceof WorkerClient || value instanceof WorkerServer) {
      await (value instanceof WorkerClient ? value.close() : value.stop(0));
    }
    return { error: undefined, ms: Date.now() - t0 };
  } catch (error) {
    return { error, ms: Date.now() - t0 };
  }
}

describe('credentials in the URL', () => {
  it('a wrong password: BrokerUnavailable at once, naming the broker but not the password', async () => {
    const password = `wrong-${randomUUID()}`;
    const u = new URL(AMQP_URL);
    u.password = password;
    const url = u.toString();
    const where = `${u.hostname}:${u.port || '5672'}`;
    const exchange = `fault-${randomUUID()}`;
    // Far longer than the answer may take: a refusal must not wait for the connect timeout.
    const connectTimeoutMs = 15_000;

    const tries = {
      'the engine (WorkerClient.connect)': outcome(WorkerClient.connect({ url, exchange, connectTimeoutMs })),
      'a run (load().run())': outcome(
        load(unordered('f').add(new Noop('n')), {
          engine: 'worker-based',
          url,
          exchange,
          workers: { connectTimeoutMs },
        }).run(),
      ),
      'a worker (WorkerServer.start)': outcome(
        WorkerServer.start({ url, exchange, endpoints: [], connectTimeoutMs, log: () => undefined }),
      ),
    };
    for (const [who, p] of Object.entries(tries)) {
      const { error, ms } = await p;
      expect(error, who).toBeInstanceOf(BrokerUnavailable);
      const message = (error as Error).message;
      expect(message, who).toContain(where);
      expect(message, who).toContain('refused the connection');
      expect(message, who).toContain('ACCESS_REFUSED');
      expect(message, who).not.toContain(password);
      expect(ms, who).toBeLessThan(5000);
    }
  });
});

describe('amqps:// with a self-signed CA', () => {
  let dir: string;
  let certs: BrokerTls;
  let broker: OwnBroker;
  let tlsUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atomflow-tls-'));
    certs = await makeCertificates(dir);
    broker = await startBroker({ name: 'atomflow-tls', tls: certs });
    tlsUrl = broker.tlsUrl as string;
  }, 120_000);

  afterAll(async () => {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it(
    'with the CA, an engine and a worker connect over TLS and a run completes',
    { timeout: 30_000 },
    async () => {
      const exchange = `tls-${randomUUID()}`;
      const w = await startWorker({ url: tlsUrl, exchange, tlsCaFile: certs.cacertfile, heartbeatMs: 200 });
      workers.push(w);
      const engine = load(unordered('tls').add(new Sleep('s1', 100), new Sleep('s2', 100), new Noop('n')), {
        engine: 'worker-based',
        url: tlsUrl,
        exchange,
        timeoutMs: 5000,
        workers: { tls: { ca: [readFileSync(certs.cacertfile)] } },
      });
      await engine.run();
      expect(engine.storage.getFlowState()).toBe(states.SUCCESS);
      for (const n of ['s1', 's2', 'n']) expect(engine.storage.get(n)).toBe(w.process.pid);
      // The worker is still connected, and the broker says over TLS.
      const ssl = await broker.ctl('list_connections', '--quiet', '--no-table-headers', 'ssl', 'port');
      expect(ssl).toContain(`true\t${String(broker.tlsPort)}`);
    },
  );

  it(
    'without the CA: a clear certificate error at once, for the engine and for a worker',
    { timeout: 30_000 },
    async () => {
      const exchange = `tls-${randomUUID()}`;
      const where = `127.0.0.1:${String(broker.tlsPort)}`;
      const connectTimeoutMs = 15_000;
      const tries = {
        'the engine (WorkerClient.connect)': outcome(
          WorkerClient.connect({ url: tlsUrl, exchange, connectTimeoutMs }),
        ),
        'a run (load().run())': outcome(
          load(unordered('f').add(new Noop('n')), {
            engine: 'worker-based',
            url: tlsUrl,
            exchange,
            workers: { connectTimeoutMs },
          }).run(),
        ),
      };
      for (const [who, p] of Object.entries(tries)) {
        const { error, ms } = await p;
        expect(error, who).toBeInstanceOf(BrokerUnavailable);
        const message = (error as Error).message;
        expect(message, who).toContain(where);
        expect(message, who).toContain('refused the connection');
        expect(message, who).toMatch(/certificate/i);
        expect(message, who).not.toContain(':guest@');
        expect(ms, who).toBeLessThan(5000);
      }

      // A worker process: it exits, saying why, instead of waiting.
      const t0 = Date.now();
      const started = await startWorker({ url: tlsUrl, exchange, connectTimeoutMs }).then(
        (w) => {
          workers.push(w);
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(started).toBeInstanceOf(Error);
      const text = (started as Error).message;
      expect(text).toContain('exited with 1 before it was ready');
      expect(text).toContain('BrokerUnavailable');
      expect(text).toContain(where);
      expect(text).toMatch(/certificate/i);
      expect(Date.now() - t0).toBeLessThan(8000);
    },
  );
});
