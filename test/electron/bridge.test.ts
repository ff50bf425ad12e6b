/**
 * The window's end of the contract (main/electron/bridge.ts) on a real
 * ContractHost, run service and document store: each IPC request gets its
 * own Response back (refused ones too, concurrent and asynchronous ones
 * matched by id), run events reach the window in batches (a run that emits
 * thousands of events does not become thousands of IPC messages), and a
 * reload or a closed window ends the session cleanly. Also: the pool wiring
 * (main/electron/pool.ts) that makes the run service's parallel runs use the
 * utilityProcess spawner.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ContractHost, type EventsMessage, type Response } from '../../app/contract/index.js';
import { DocumentStore } from '../../app/documents/index.js';
import { RunService, type RunEvent } from '../../app/runs/index.js';
import { ProcessPool } from '../../engine/index.js';
import { WindowBridge } from '../../main/electron/bridge.js';
import { utilityPool } from '../../main/electron/pool.js';
import { addDocument, linearDocument, tempDb } from '../app/runs-support.js';
import { fakeUtilityFork, type FakeForkLog } from './support/fake-utility.js';
import { fileURLToPath } from 'node:url';

const runs = new RunService({ db: tempDb() });
const documents = new DocumentStore({ db: runs.path });
const host = new ContractHost({ runs, documents, log: () => undefined });
afterAll(async () => {
  await host.close();
  documents.close();
  await runs.close();
});

/** A bridge whose window is a list of the batches it was sent (structured-cloned, as IPC does). */
function window(): { bridge: WindowBridge; batches: EventsMessage[] } {
  const batches: EventsMessage[] = [];
  const bridge = new WindowBridge(host, (m) => batches.push(structuredClone(m)));
  return { bridge, batches };
}

function eventsOf(batches: EventsMessage[], runId: string): RunEvent[] {
  return batches.filter((b) => b.runId === runId).flatMap((b) => b.events as RunEvent[]);
}

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ok = (r: Response): unknown => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.result;
};

describe('WindowBridge', () => {
  it('answers each request with its own Response (the preload sends objects)', async () => {
    const { bridge } = window();
    const r = await bridge.request({ id: 7, method: 'documents.list', params: {} });
    expect(r).toEqual({ id: 7, ok: true, result: { documents: [] } });
    bridge.close();
  });

  it('answers refused requests too: no id, unknown method, bad params', async () => {
    const { bridge } = window();
    const noId = await bridge.request({ method: 'documents.list' });
    expect(noId).toMatchObject({ id: null, ok: false, error: { code: 'bad-request' } });
    const unknown = await bridge.request({ id: 1, method: 'shell.exec', params: {} });
    expect(unknown).toMatchObject({ id: 1, ok: false, error: { code: 'unknown-method' } });
    const bad = await bridge.request({ id: 2, method: 'runs.detail', params: { runId: 5 } });
    expect(bad).toMatchObject({ id: 2, ok: false, error: { code: 'bad-request' } });
    const extra = await bridge.request({ id: 3, method: 'documents.list', params: { extra: 1 } });
    expect(extra).toMatchObject({ id: 3, ok: false, error: { code: 'bad-request' } });
    bridge.close();
  });

  it('matches concurrent answers by id, an asynchronous one (workers.list) included', async () => {
    const { bridge } = window();
    const slow = bridge.request({
      id: 10,
      method: 'workers.list',
      params: { url: 'amqp://127.0.0.1:1', waitMs: 0 },
    });
    const fast = bridge.request({ id: 11, method: 'documents.list', params: {} });
    const [s, f] = await Promise.all([slow, fast]);
    expect(f).toMatchObject({ id: 11, ok: true });
    expect(s).toMatchObject({ id: 10, ok: false, error: { code: 'unavailable' } });
    bridge.close();
  });

  it('gives an asynchronous request sent as bytes its own answer, not a "not answered" one', async () => {
    // Found by test/hardening/fuzz-host.test.ts: the session reads bytes as JSON, the bridge did not, so
    // the later answer of such a request found no waiter and the page got `unavailable` with id null.
    const { bridge } = window();
    const text = JSON.stringify({
      id: 12,
      method: 'workers.list',
      params: { url: 'amqp://127.0.0.1:1', waitMs: 0 },
    });
    const answers = await Promise.all(
      [new Uint8Array(Buffer.from(text)), new Uint8Array(Buffer.from(text)).buffer].map((raw) =>
        bridge.request(raw),
      ),
    );
    for (const r of answers) {
      expect(r).toMatchObject({ id: 12, ok: false, error: { code: 'unavailable' } });
      expect(r.ok ? '' : r.error.message).not.toMatch(/not answered/);
    }
    bridge.close();
  });

  it('delivers a run’s events as batches, from the first one to the end', async () => {
    const { bridge, batches } = window();
    const started = ok(
      await bridge.request({ id: 1, method: 'runs.start', params: { document: addDocument } }),
    );
    const { runId } = started as { runId: string };
    await until(() => eventsOf(batches, runId).some((e) => e.type === 'end'));
    const events = eventsOf(batches, runId);
    expect(events[0]).toMatchObject({ type: 'flow', state: 'RUNNING' });
    expect(events.at(-1)).toMatchObject({ type: 'end', state: 'SUCCESS', results: { double: 10 } });
    expect(events.filter((e) => e.type === 'log').map((e) => e.text)).toContain('adding 2 and 3');
    for (const b of batches) expect(b).toMatchObject({ type: 'events', runId });
    bridge.close();
  });

  it('a run of thousands of events reaches the window in few batches, none lost', async () => {
    const { bridge, batches } = window();
    const lines = 5000;
    const doc = linearDocument('chatty', [
      {
        type: 'task',
        name: 'talk',
        kind: 'script',
        config: { code: `for (let i = 0; i < ${String(lines)}; i++) console.log('line ' + i); return 1;` },
      },
    ]);
    const started = Date.now();
    const { runId } = ok(
      await bridge.request({ id: 1, method: 'runs.start', params: { document: doc } }),
    ) as {
      runId: string;
    };
    await until(() => eventsOf(batches, runId).some((e) => e.type === 'end'));
    const elapsed = Date.now() - started;
    const logs = eventsOf(batches, runId).filter((e) => e.type === 'log');
    expect(logs).toHaveLength(lines);
    expect(logs.map((e) => e.text)).toEqual(Array.from({ length: lines }, (_, i) => `line ${String(i)}`));
    // At most about one batch per 16 ms (plus the end's own flush), far fewer than the events.
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(elapsed / 16) + 3);
    expect(batches.length).toBeLessThan(lines / 10);
    bridge.close();
  });

  it('a reload ends the old session: waiting requests are answered, its events stop, new requests work', async () => {
    const { bridge, batches } = window();
    const slow = bridge.request({
      id: 1,
      method: 'workers.list',
      params: { url: 'amqp://127.0.0.1:1', waitMs: 0 },
    });
    bridge.reset();
    await expect(slow).resolves.toMatchObject({ id: 1, ok: false, error: { code: 'unavailable' } });
    const doc = linearDocument('slow', [{ type: 'task', name: 'wait', kind: 'delay', config: { ms: 300 } }]);
    const { runId } = ok(
      await bridge.request({ id: 2, method: 'runs.start', params: { document: doc } }),
    ) as {
      runId: string;
    };
    await until(() => eventsOf(batches, runId).length > 0);
    bridge.reset();
    const seen = batches.length;
    await runs.wait(runId);
    await new Promise((r) => setTimeout(r, 50));
    expect(batches.length).toBe(seen);
    expect(ok(await bridge.request({ id: 3, method: 'documents.list' }))).toEqual({ documents: [] });
    bridge.close();
  });

  it('after close, requests are answered unavailable and nothing is sent', async () => {
    const { bridge, batches } = window();
    bridge.close();
    await expect(bridge.request({ id: 4, method: 'documents.list' })).resolves.toMatchObject({
      id: 4,
      ok: false,
      error: { code: 'unavailable' },
    });
    expect(batches).toEqual([]);
  });
});

describe('the desktop pool wiring', () => {
  it("the run service's parallel runs use the utilityProcess pool", async () => {
    const log: FakeForkLog = { calls: [] };
    const entry = fileURLToPath(new URL('../../engine/executors/pool/worker.ts', import.meta.url));
    const pool = utilityPool(fakeUtilityFork(true, log), entry, 2);
    // As main.ts does: the pool is the run service's, not the host's shared one.
    const pooled = new RunService({ db: tempDb(), pool });
    try {
      const doc = linearDocument('pooled', [
        {
          type: 'task',
          name: 'square',
          kind: 'script',
          requires: ['x'],
          provides: 'y',
          config: { code: 'return x * x' },
        },
      ]);
      const runId = pooled.start(doc, { engine: 'parallel', inputs: { x: 7 } });
      const end = await pooled.wait(runId);
      expect(end).toMatchObject({ state: 'SUCCESS', results: { y: 49 } });
      // The script ran in a (stand-in) utility process started by the given pool.
      expect(log.calls.length).toBeGreaterThanOrEqual(1);
      expect(log.calls[0]?.modulePath).toBe(entry);
      expect(ProcessPool.shared()).not.toBe(pool);
    } finally {
      await pooled.close();
      await pool.close();
    }
  });
});
