/**
 * How the worker-based engine shares work out, against real worker processes
 * on the shared broker: a worker is never sent more than twice its
 * concurrency, so a worker that joins mid-run still gets work; a long queue
 * behind busy workers is not a timeout; tasks are split evenly.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { load, unordered } from '../../engine/index.js';
import { Sleep } from '../support/worker-kinds.js';
import { AMQP_URL, startWorker, type TestWorker } from '../support/workers.js';

const workers: TestWorker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
});

async function worker(exchange: string, concurrency: number): Promise<TestWorker> {
  const w = await startWorker({ exchange, concurrency, heartbeatMs: 100 });
  workers.push(w);
  return w;
}

function pidsOf(values: Record<string, unknown>): Map<number, number> {
  const count = new Map<number, number>();
  for (const [k, v] of Object.entries(values)) {
    if (k.startsWith('t')) count.set(v as number, (count.get(v as number) ?? 0) + 1);
  }
  return count;
}

describe('worker-based engine: sharing the work', () => {
  it('a worker that joins mid-run takes part of the work', async () => {
    const exchange = `dispatch-${randomUUID()}`;
    const first = await worker(exchange, 2);
    const flow = unordered('u').add(...Array.from({ length: 24 }, (_, i) => new Sleep(`t${String(i)}`, 150)));
    const engine = load(flow, { engine: 'worker-based', url: AMQP_URL, exchange, timeoutMs: 20_000 });
    const running = engine.run();
    // The first holds 4 (twice its concurrency); the others wait in the engine, not in its queue.
    await new Promise((r) => setTimeout(r, 300));
    const second = await worker(exchange, 2);
    await running;
    const pids = pidsOf(engine.storage.fetchAll());
    expect([...pids.values()].reduce((a, b) => a + b, 0)).toBe(24);
    expect(pids.get(second.process.pid as number) ?? 0).toBeGreaterThanOrEqual(4);
    expect(pids.get(first.process.pid as number) ?? 0).toBeGreaterThanOrEqual(4);
  });

  it('requests queued behind busy workers do not time out', async () => {
    const exchange = `dispatch-${randomUUID()}`;
    await worker(exchange, 1);
    const flow = unordered('u').add(...Array.from({ length: 3 }, (_, i) => new Sleep(`t${String(i)}`, 800)));
    // One at a time, the second waits 800 ms in the worker's queue and the third as long in the engine's,
    // both past the 500 ms timeout: only waiting for a worker to take a request counts.
    const engine = load(flow, { engine: 'worker-based', url: AMQP_URL, exchange, timeoutMs: 500 });
    await engine.run();
    expect(Object.keys(engine.storage.fetchAll()).filter((k) => k.startsWith('t'))).toHaveLength(3);
  });

  it('splits a batch evenly between equal workers', async () => {
    const exchange = `dispatch-${randomUUID()}`;
    const a = await worker(exchange, 4);
    const b = await worker(exchange, 4);
    const flow = unordered('u').add(...Array.from({ length: 40 }, (_, i) => new Sleep(`t${String(i)}`, 20)));
    const engine = load(flow, { engine: 'worker-based', url: AMQP_URL, exchange });
    await engine.run();
    const pids = pidsOf(engine.storage.fetchAll());
    const na = pids.get(a.process.pid as number) ?? 0;
    const nb = pids.get(b.process.pid as number) ?? 0;
    expect(na + nb).toBe(40);
    expect(Math.abs(na - nb)).toBeLessThanOrEqual(8);
  });
});
