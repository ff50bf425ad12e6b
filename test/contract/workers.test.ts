/**
 * `workers.list` and worker-based runs through the contract, on the real
 * broker with a real worker process; a broker that cannot be reached is
 * `unavailable`, with a message that says where.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearDocument } from '../app/runs-support.js';
import { AMQP_URL, startWorker, type TestWorker } from '../support/workers.js';
import { harness, type Harness } from './support.js';

const exchange = `contract-${randomUUID()}`;
let worker: TestWorker;
const open: Harness[] = [];

beforeAll(async () => {
  worker = await startWorker({ exchange, heartbeatMs: 100, kinds: ['noop', 'value'] });
});
afterAll(async () => {
  for (const h of open.splice(0)) await h.close();
  await worker.kill();
});

function setup(...args: Parameters<typeof harness>): Harness {
  const h = harness(...args);
  open.push(h);
  return h;
}

interface ListedWorker {
  id: string;
  topic: string;
  kinds: string[];
  pid: number;
  lastSeen: number;
  load: number;
  draining: boolean;
}

describe('workers.list', () => {
  it('lists the workers on a broker, with what each runs', async () => {
    const c = setup().client();
    const { workers } = (await c.ok('workers.list', { url: AMQP_URL, exchange, waitMs: 500 })) as {
      workers: ListedWorker[];
    };
    expect(workers).toHaveLength(1);
    expect(workers[0]).toMatchObject({
      id: worker.id,
      topic: 'default',
      kinds: ['noop', 'value'],
      pid: worker.process.pid,
      load: 0,
      draining: false,
    });
    expect(Math.abs(Date.now() - (workers[0]?.lastSeen ?? 0))).toBeLessThan(5000);
  });

  it('uses the host’s defaults when the request gives none', async () => {
    const c = setup({ workers: { url: AMQP_URL, exchange, topics: ['default'] } }).client();
    const { workers } = (await c.ok('workers.list')) as { workers: ListedWorker[] };
    expect(workers.map((w) => w.id)).toEqual([worker.id]);
    const other = (await c.ok('workers.list', { topics: ['elsewhere'], waitMs: 200 })) as {
      workers: unknown[];
    };
    expect(other.workers).toEqual([]);
  });

  it('answers unavailable, saying where, when the broker cannot be reached', async () => {
    const c = setup({ workers: { connectTimeoutMs: 300 } }).client();
    const started = Date.now();
    const error = await c.error('workers.list', { url: 'amqp://guest:secret@127.0.0.1:1', waitMs: 0 });
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain('127.0.0.1:1');
    expect(error.message).not.toContain('secret');
    expect(Date.now() - started).toBeLessThan(5000);
    // The session goes on.
    expect(await c.ok('documents.list')).toEqual({ documents: [] });
  });
});

describe('runs.start on the worker-based engine', () => {
  it('runs through the worker and streams the events', async () => {
    const c = setup().client();
    const doc = linearDocument('remote', [
      { type: 'task', name: 'first', kind: 'value', provides: 'v', config: { value: 42 } },
      { type: 'task', name: 'second', kind: 'noop' },
    ]);
    const { runId } = (await c.ok('runs.start', {
      document: doc,
      engine: 'worker-based',
      engineOptions: { url: AMQP_URL, exchange, topics: ['default'], timeoutMs: 10_000 },
    })) as { runId: string };
    const events = await c.ended(runId, 20_000);
    expect(events.at(-1)).toMatchObject({ type: 'end', state: 'SUCCESS', results: { v: 42 } });
  });

  it('answers unavailable for an engine option it cannot use', async () => {
    const c = setup().client();
    const error = await c.error('runs.start', {
      document: linearDocument('remote', [{ type: 'task', name: 't', kind: 'noop' }]),
      engine: 'worker-based',
      engineOptions: { url: 'http://127.0.0.1' },
    });
    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('amqp://') });
  });
});
