/**
 * The run service with the worker-based engine, on the shared broker and
 * real worker processes: a run goes through workers, its broker password is
 * never stored, a resume needs the URL again, and the workers panel sees
 * workers come and go.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineUnavailableError, RunService } from '../../app/runs/index.js';
import { watchWorkers, type WorkerWatch } from '../../app/workers/index.js';
import { AMQP_URL, startWorker, type TestWorker } from '../support/workers.js';
import { linearDocument, tempDb } from './runs-support.js';

const workers: TestWorker[] = [];
const watches: WorkerWatch[] = [];
const services: RunService[] = [];
afterEach(async () => {
  await Promise.all(watches.splice(0).map((w) => w.close()));
  await Promise.all(services.splice(0).map((s) => s.close()));
  await Promise.all(workers.splice(0).map((w) => w.kill()));
});

const suspendable = linearDocument('remote', [
  { type: 'task', name: 'first', kind: 'value', config: { value: 'one' }, provides: 'a' },
  { type: 'task', name: 'wait', kind: 'delay', config: { ms: 400 } },
  { type: 'task', name: 'last', kind: 'value', config: { value: 'two' }, provides: 'b' },
]);

describe('run service, worker-based engine', () => {
  it('runs through workers, stores no broker password, and asks for the URL again to resume', async () => {
    const exchange = `runs-${randomUUID()}`;
    const worker = await startWorker({ exchange, heartbeatMs: 100 });
    workers.push(worker);
    const db = tempDb();
    const service = new RunService({ db });
    services.push(service);
    const password = new URL(AMQP_URL).password;
    const engineOptions = { url: AMQP_URL, exchange };

    const id = service.start(suspendable, { engine: 'worker-based', engineOptions });
    // Suspend while 'wait' runs on the worker: 'first' is done, 'last' is not.
    await new Promise((r) => setTimeout(r, 150));
    service.suspend(id);
    expect((await service.wait(id)).state).toBe('SUSPENDED');

    const view = service.getRun(id);
    expect(view.engine).toBe('worker-based');
    expect(view.engineOptions.url).toBe(AMQP_URL.replace(`:${password}@`, ':***@'));
    await service.close();
    services.pop();
    // Not in the view, and not anywhere in the file.
    expect(readFileSync(db).includes(Buffer.from(`:${password}@`))).toBe(false);

    const again = new RunService({ db });
    services.push(again);
    const env = process.env.ATOMFLOW_AMQP_URL;
    delete process.env.ATOMFLOW_AMQP_URL;
    try {
      expect(() => again.resume(id)).toThrow(EngineUnavailableError);
      expect(() => again.resume(id)).toThrow(/had a password.*give the URL again/);
    } finally {
      if (env !== undefined) process.env.ATOMFLOW_AMQP_URL = env;
    }
    again.resume(id, { url: AMQP_URL });
    const end = await again.wait(id);
    expect(end.state).toBe('SUCCESS');
    expect(again.getRun(id).atoms.map((a) => [a.name, a.state])).toEqual([
      ['first', 'SUCCESS'],
      ['wait', 'SUCCESS'],
      ['last', 'SUCCESS'],
    ]);
  });

  it('the workers panel sees a worker come, and go when it stops', async () => {
    const exchange = `panel-${randomUUID()}`;
    const watch = await watchWorkers({ url: AMQP_URL, exchange });
    watches.push(watch);
    const changes: number[] = [];
    watch.onChange((list) => changes.push(list.length));
    const worker = await startWorker({ exchange, heartbeatMs: 100, kinds: ['noop', 'value'] });
    workers.push(worker);
    await expect.poll(() => watch.list().map((w) => w.info.id), { timeout: 5000 }).toEqual([worker.id]);
    const seen = watch.list()[0];
    expect(seen?.info.kinds).toEqual(['noop', 'value']);
    expect(seen?.info.pid).toBe(worker.process.pid);
    expect(Date.now() - (seen?.lastSeen ?? 0)).toBeLessThan(1000);
    // Killed without a word: its heartbeats stop, and after three missed ones it is gone.
    await worker.kill();
    await expect.poll(() => watch.list().length, { timeout: 5000 }).toBe(0);
    expect(changes).toEqual([1, 0]);
  });
});
