/**
 * Hardening (issue #10): the host contract under fuzz, over both of its
 * transports, against real services on a temporary SQLite file: the web host
 * on a real socket (spoken to with `ws`), and the Electron IPC chain
 * (`requestHandler` → WindowBridge → session, as main.ts wires it, from
 * trusted and untrusted senders) without Electron.
 *
 * Properties, seeded (scale.ts):
 * - every malformed, oversized or refused request gets an error answer with
 *   a code, the request's id when it was readable, and the field named when
 *   a field is wrong; an error is never much bigger than the request; valid
 *   requests mixed in get their right answers;
 * - refused requests write nothing (the SQLite file is unchanged, byte for
 *   byte), and after each batch the host serves catalog.kinds and a real run
 *   to its end event, which adds exactly one run to the store;
 * - out-of-order run requests get the answers a model of the runs predicts,
 *   and every run's event stream delivers each `end` owed exactly once;
 * - the sessions and run subscriptions the hosts hold go back to none when
 *   the connections close (in-flight requests or not), and nothing the host
 *   logged is an internal error.
 *
 * `npm test` runs a size that fits CI; ATOMFLOW_HARDENING=full runs at least
 * 10,000 requests down each transport.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../main/web/index.js';
import { addDocument } from '../app/runs-support.js';
import { fileHash, storeCounts } from '../contract/support.js';
import { sendIpcBatch, sendWsBatch, type Sender, type Sending } from './host-batches.js';
import {
  IpcDesk,
  startServices,
  startWeb,
  until,
  WsConn,
  type Conn,
  type IpcWindow,
  type Services,
  type Web,
} from './host-harness.js';
import { runScenario, scenarioArbitrary, type Scenario, type ScenarioOutcome } from './host-scenarios.js';
import { sizedProbe } from './host-oversized.js';
import { SMALL_DOC, type Form } from './host-probes.js';
import { ipcOnlyValues, type World } from './host-world-probes.js';
import { probeBatch, requestProbe } from './request-arbitraries.js';
import { FULL, SEED, report, scale } from './scale.js';

/** Probes per transport (full: the 10,000, with room). */
const PROBES = scale(800, 12_000);
const BATCH = { min: 50, max: 70 };
const SIZED = scale(4, 40);
const OVER_FRAME = scale(2, 10);
const SCENARIOS = scale(5, 60);
/** Generous per-test limits: CI sizes take a fraction of them, full sizes more. */
const TIMEOUT = FULL ? 30 * 60_000 : 120_000;

/** The file's bytes and its row counts, to compare before and after refused requests. */
function snapshot(db: string): { hash: string; counts: { runs: number; documents: number } } {
  return { hash: fileHash(db), counts: storeCounts(db) };
}

/** Something in the store to read and refuse against: a saved document and a run that ended. */
async function seed(s: Services): Promise<World> {
  s.documents.save(addDocument);
  const endedRun = s.runs.start(SMALL_DOC);
  await s.runs.wait(endedRun);
  return { endedRun, documents: ['add'] };
}

/** The host serves: catalog.kinds, and a real run started and followed to its end, stored once. */
async function servesARun(conn: Conn, db: string): Promise<void> {
  const kinds = await conn.call('catalog.kinds');
  expect(
    kinds.ok && (kinds.result as { kinds: { kind: string }[] }).kinds.some((k) => k.kind === 'script'),
  ).toBe(true);
  const runsBefore = storeCounts(db).runs;
  const started = await conn.call('runs.start', { document: SMALL_DOC });
  if (!started.ok) throw new Error(`runs.start failed: ${started.error.message}`);
  const { runId } = started.result as { runId: string };
  await until(() => conn.runEvents(runId).some((e) => e.type === 'end'), `the end of ${runId}`);
  expect(conn.runEvents(runId).at(-1)).toMatchObject({ type: 'end', state: 'SUCCESS', results: { out: 1 } });
  expect(storeCounts(db).runs).toBe(runsBefore + 1);
}

/** Stops every run still running here (after a failed scenario, say), so none outlives its test. */
async function stopAll(s: Services): Promise<void> {
  // Newest first: a run still running was started by the last property run, so it is among these.
  const running = s.runs.listRuns({ limit: 1000 }).runs.filter((r) => s.runs.isRunning(r.id));
  for (const r of running) s.runs.cancel(r.id);
  await Promise.all(running.map((r) => s.runs.wait(r.id)));
}

/** Adds a scenario's answer codes to a tally. */
function tally(into: Record<string, number>, codes: Record<string, number>): void {
  for (const [code, n] of Object.entries(codes)) into[code] = (into[code] ?? 0) + n;
}

/** Checks the store grew by exactly the runs a scenario started and lost those it deleted. */
function expectRunRows(db: string, before: number, outcome: ScenarioOutcome): void {
  expect(storeCounts(db).runs).toBe(before + outcome.started - outcome.deleted);
}

const wsForm = fc.constantFrom<Form>('text', 'text', 'text', 'text', 'text', 'text', 'text', 'bytes');

describe('the web host under fuzz (WebSocket)', () => {
  let s: Services;
  let w: Web;
  let world: World;
  const counts = {
    probes: 0,
    refused: 0,
    sized: 0,
    overFrames: 0,
    scenarios: 0,
    scenarioRequests: 0,
    heldAtClose: 0,
  };
  const codes: Record<string, number> = {};

  beforeAll(async () => {
    s = startServices();
    w = await startWeb(s);
    world = await seed(s);
  }, 30_000);

  afterAll(async () => {
    await stopAll(s);
    await w.web.close();
    await s.close();
    report('fuzz-host websocket', {
      ...counts,
      scenarioAnswers: JSON.stringify(codes),
      total: counts.probes + counts.sized + counts.overFrames + counts.scenarioRequests,
    });
  }, 30_000);

  it(
    'answers every malformed request with its error, writes nothing, and serves a run after each batch',
    async () => {
      const batches = fc
        .tuple(
          probeBatch(requestProbe(world), BATCH.min, BATCH.max),
          fc.array(wsForm, { minLength: BATCH.max, maxLength: BATCH.max }),
        )
        .map(([probes, forms]): Sending[] => probes.map((probe, i) => ({ probe, form: forms[i]! })));
      await fc.assert(
        fc.asyncProperty(batches, async (batch) => {
          const before = snapshot(s.db);
          const conn = await WsConn.open(w.web);
          try {
            const problems = await sendWsBatch(conn, batch);
            counts.probes += batch.length;
            counts.refused += batch.filter(
              (b) => b.form === 'bytes' || b.probe.expected.code !== 'ok',
            ).length;
            expect(problems).toEqual([]);
            expect(conn.garbage).toEqual([]);
            // Refused requests and the reads among them wrote nothing at all.
            expect(snapshot(s.db)).toEqual(before);
            await servesARun(conn, s.db);
          } finally {
            await conn.close();
          }
          await until(() => w.sessions.open === 0, 'the closed socket’s session to end');
        }),
        // Each failure names its probes; shrinking a batch would only take time.
        { seed: SEED, numRuns: Math.ceil(PROBES / BATCH.min), endOnFailure: true },
      );
      expect(s.logged).toEqual([]);
      expect(w.logs.filter((l) => l.includes('failed'))).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'answers requests around MAX_REQUEST_BYTES by their size, and keeps serving',
    async () => {
      const conn = await WsConn.open(w.web);
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(sizedProbe, { minLength: 1, maxLength: 2 }), async (makers) => {
            const before = snapshot(s.db);
            const batch = makers.map((make, i): Sending => ({ probe: make(i + 1), form: 'text' }));
            expect(await sendWsBatch(conn, batch)).toEqual([]);
            counts.sized += batch.length;
            expect(snapshot(s.db)).toEqual(before);
          }),
          { seed: SEED, numRuns: SIZED },
        );
        await servesARun(conn, s.db);
      } finally {
        await conn.close();
      }
    },
    TIMEOUT,
  );

  it(
    'closes a connection whose frame passes the limit (1009), and the host serves the next one',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 256 * 1024 }), async (over) => {
          const conn = await WsConn.open(w.web);
          conn.send('x'.repeat(MAX_MESSAGE_BYTES + over));
          counts.overFrames += 1;
          expect((await conn.closed).code).toBe(1009);
          const next = await WsConn.open(w.web);
          try {
            expect((await next.call('catalog.kinds')).ok).toBe(true);
          } finally {
            await next.close();
          }
          await until(() => w.sessions.open === 0, 'both sessions to end');
        }),
        { seed: SEED, numRuns: OVER_FRAME },
      );
      const conn = await WsConn.open(w.web);
      await servesARun(conn, s.db);
      await conn.close();
    },
    TIMEOUT,
  );

  it(
    'answers out-of-order run requests as the model says, and lets go of everything when sockets close',
    async () => {
      let nextId = 1;
      /** A second socket that subscribes, asks, and leaves with its requests in flight. */
      const reconnect = async (_conn: Conn, running: readonly string[]): Promise<boolean> => {
        const b = await WsConn.open(w.web);
        for (const runId of running)
          b.send(JSON.stringify({ id: nextId++, method: 'runs.subscribe', params: { runId } }));
        for (let i = 0; i < 20; i++)
          b.send(JSON.stringify({ id: nextId++, method: i % 2 ? 'catalog.kinds' : 'runs.list' }));
        counts.scenarioRequests += running.length + 20;
        b.ws.terminate();
        return false;
      };
      await fc.assert(
        fc.asyncProperty(scenarioArbitrary, async (scenario: Scenario) => {
          const rowsBefore = storeCounts(s.db).runs;
          const conn = await WsConn.open(w.web);
          try {
            const outcome = await runScenario(conn, scenario, s.runs, { reconnect });
            counts.scenarioRequests += outcome.requests;
            counts.scenarios += 1;
            tally(codes, outcome.codes);
            // It holds a subscription on each run still running: closing must let go of them.
            expect(s.runs.held).toBeGreaterThanOrEqual(outcome.running.length);
            counts.heldAtClose += s.runs.held;
            if (scenario.close === 'in-flight') {
              // Requests in flight as the socket goes: subscriptions among them must not outlive it.
              for (const runId of outcome.running) {
                conn.send(JSON.stringify({ id: nextId++, method: 'runs.subscribe', params: { runId } }));
              }
              for (let i = 0; i < 30; i++) {
                conn.send(
                  JSON.stringify({
                    id: nextId++,
                    method: 'workers.list',
                    params: { url: 'amqp://127.0.0.1:1', waitMs: 0 },
                  }),
                );
              }
              counts.scenarioRequests += outcome.running.length + 30;
              conn.ws.terminate();
            } else {
              await conn.close();
            }
            // While long runs still run: no session, no subscription left behind.
            await until(
              () => w.sessions.open === 0 && s.runs.held === 0,
              'sessions and subscriptions to be let go',
            );
            await stopAll(s);
            expectRunRows(s.db, rowsBefore, outcome);
          } finally {
            conn.ws.terminate();
            await stopAll(s);
          }
        }),
        { seed: SEED, numRuns: SCENARIOS },
      );
      const conn = await WsConn.open(w.web);
      await servesARun(conn, s.db);
      await conn.close();
      expect(s.logged).toEqual([]);
    },
    TIMEOUT,
  );

  it('ran the sizes asked for', () => {
    expect(counts.probes).toBeGreaterThanOrEqual(PROBES);
    expect(counts.sized).toBeGreaterThanOrEqual(SIZED);
    // The figure: 10,000 requests that must be refused (valid ones mixed in are not counted).
    if (FULL) expect(counts.refused + counts.sized + counts.overFrames).toBeGreaterThanOrEqual(10_000);
  });
});

const ipcForm = fc.constantFrom<Form>('value', 'value', 'value', 'text', 'text', 'bytes');
const ipcSender: fc.Arbitrary<Sender> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'trusted' as const }) },
  { weight: 1, arbitrary: fc.nat().map((frame) => ({ kind: 'frame' as const, frame })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'unknown-window' as const }) },
);

describe('the Electron IPC chain under fuzz (requestHandler → WindowBridge → session)', () => {
  let s: Services;
  let desk: IpcDesk;
  let world: World;
  const counts = {
    probes: 0,
    refused: 0,
    refusedSenders: 0,
    sized: 0,
    scenarios: 0,
    scenarioRequests: 0,
    heldAtClose: 0,
  };
  const codes: Record<string, number> = {};

  beforeAll(async () => {
    s = startServices();
    desk = new IpcDesk(s.host);
    world = await seed(s);
  }, 30_000);

  afterAll(async () => {
    await stopAll(s);
    await s.close();
    report('fuzz-host ipc', {
      ...counts,
      scenarioAnswers: JSON.stringify(codes),
      total: counts.probes + counts.sized + counts.scenarioRequests,
    });
  }, 30_000);

  /** Opens a window and a ghost (whose id only untrusted senders claim); closes both afterwards. */
  async function withWindows(body: (win: IpcWindow, ghost: IpcWindow) => Promise<void>): Promise<void> {
    const win = desk.open();
    const ghost = desk.open();
    try {
      await body(win, ghost);
      // No request from an untrusted sender reached a session.
      expect(ghost.sessions.opened).toBe(0);
    } finally {
      win.close();
      ghost.close();
    }
    expect(win.sessions.open).toBe(0);
  }

  it(
    'answers every malformed request with its error, refuses untrusted senders, writes nothing, and serves a run after each batch',
    async () => {
      const maker = fc.oneof(
        { arbitrary: requestProbe(world), weight: 12 },
        { arbitrary: ipcOnlyValues, weight: 1 },
      );
      const batches = fc
        .tuple(
          probeBatch(maker, BATCH.min, BATCH.max),
          fc.array(fc.tuple(ipcForm, ipcSender), { minLength: BATCH.max, maxLength: BATCH.max }),
        )
        .map(([probes, how]) =>
          probes.map((probe, i) => {
            const [form, sender] = how[i]!;
            const usable: Form = probe.only ?? (form === 'value' && !('value' in probe) ? 'text' : form);
            return { probe, form: usable, sender };
          }),
        );
      await fc.assert(
        fc.asyncProperty(batches, async (batch) => {
          const before = snapshot(s.db);
          await withWindows(async (win, ghost) => {
            const problems = await sendIpcBatch(desk, win, ghost, batch);
            counts.probes += batch.length;
            counts.refusedSenders += batch.filter((b) => b.sender.kind !== 'trusted').length;
            counts.refused += batch.filter(
              (b) =>
                b.sender.kind !== 'trusted' ||
                (b.form === 'value' ? (b.probe.valueExpected ?? b.probe.expected) : b.probe.expected).code !==
                  'ok',
            ).length;
            expect(problems).toEqual([]);
            expect(snapshot(s.db)).toEqual(before);
            await servesARun(win, s.db);
          });
        }),
        // Each failure names its probes; shrinking a batch would only take time.
        { seed: SEED, numRuns: Math.ceil(PROBES / BATCH.min), endOnFailure: true },
      );
      expect(s.logged).toEqual([]);
      expect(desk.refused.length).toBe(counts.refusedSenders);
    },
    TIMEOUT,
  );

  it(
    'answers requests around MAX_REQUEST_BYTES by their size, as text, bytes and values',
    async () => {
      await withWindows(async (win, ghost) => {
        await fc.assert(
          fc.asyncProperty(
            sizedProbe,
            fc.constantFrom<Form>('text', 'bytes', 'value'),
            async (make, form) => {
              const before = snapshot(s.db);
              const batch = [{ probe: make(1), form, sender: { kind: 'trusted' as const } }];
              expect(await sendIpcBatch(desk, win, ghost, batch)).toEqual([]);
              counts.sized += 1;
              expect(snapshot(s.db)).toEqual(before);
            },
          ),
          { seed: SEED, numRuns: SIZED },
        );
        await servesARun(win, s.db);
      });
    },
    TIMEOUT,
  );

  it(
    'answers out-of-order run requests as the model says, across reloads, and lets go of everything when windows close',
    async () => {
      let nextId = 1;
      /** The page reloads with a request in flight: it is answered unavailable, and the new page follows nothing. */
      const reloadMidRequest = async (win: IpcWindow): Promise<boolean> => {
        const id = nextId++;
        const pending = win.invoke({
          id,
          method: 'workers.list',
          params: { url: 'amqp://127.0.0.1:1', waitMs: 0 },
        });
        win.reload();
        expect(await pending).toMatchObject({ id, ok: false, error: { code: 'unavailable' } });
        counts.scenarioRequests += 1;
        return true;
      };
      await fc.assert(
        fc.asyncProperty(scenarioArbitrary, async (scenario: Scenario) => {
          const rowsBefore = storeCounts(s.db).runs;
          const win = desk.open();
          try {
            const outcome = await runScenario(win, scenario, s.runs, {
              reconnect: () => reloadMidRequest(win),
            });
            counts.scenarioRequests += outcome.requests;
            counts.scenarios += 1;
            tally(codes, outcome.codes);
            // It holds a subscription on each run still running: closing must let go of them.
            expect(s.runs.held).toBeGreaterThanOrEqual(outcome.running.length);
            counts.heldAtClose += s.runs.held;
            if (scenario.close === 'in-flight') {
              // The window closes with requests in flight: each is still answered (unavailable, or its
              // answer if it came first), and afterwards the handler refuses the gone window.
              const inFlight = [
                ...outcome.running.map((runId) => ({
                  id: nextId++,
                  method: 'runs.subscribe',
                  params: { runId },
                })),
                ...Array.from({ length: 10 }, () => ({
                  id: nextId++,
                  method: 'workers.list',
                  params: { url: 'amqp://127.0.0.1:1', waitMs: 0 },
                })),
              ].map((r) => ({ r, answer: win.invoke(r) }));
              win.close();
              for (const { r, answer } of inFlight) {
                const a = await answer;
                expect(a.id).toBe(r.id);
                if (r.method === 'runs.subscribe') expect(a.ok).toBe(true);
                else expect(a).toMatchObject({ ok: false, error: { code: 'unavailable' } });
              }
              await expect(win.invoke({ id: nextId++, method: 'catalog.kinds' })).rejects.toThrow(
                /may not use the host/,
              );
              counts.scenarioRequests += inFlight.length + 1;
            } else {
              win.close();
            }
            await until(
              () => win.sessions.open === 0 && s.runs.held === 0,
              'sessions and subscriptions to be let go',
            );
            await stopAll(s);
            expectRunRows(s.db, rowsBefore, outcome);
          } finally {
            win.close();
            await stopAll(s);
          }
        }),
        { seed: SEED, numRuns: SCENARIOS },
      );
      await withWindows(async (win) => {
        await servesARun(win, s.db);
      });
      expect(s.logged).toEqual([]);
    },
    TIMEOUT,
  );

  it('ran the sizes asked for', () => {
    expect(counts.probes).toBeGreaterThanOrEqual(PROBES);
    expect(counts.refusedSenders).toBeGreaterThan(0);
    if (FULL) expect(counts.refused + counts.sized).toBeGreaterThanOrEqual(10_000);
  });
});
