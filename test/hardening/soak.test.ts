/**
 * Soak (issue #10): many consecutive runs in one long-lived host process, on
 * each engine, and nothing may pile up. The host is `atomflow serve` itself
 * (`soak-host.ts`: the CLI's serve command on a temporary SQLite file, run
 * through tsx as the `atomflow` bin runs it), driven over its WebSocket
 * contract by one client, as the browser UI drives it: `runs.start` of a
 * small flow document, wait for the run's `end` event, next run.
 *
 * After the 100th run and after the last one the host is measured (over a
 * test-only IPC channel, after forced collections, once its RSS has settled): heap and RSS
 * after the last must be within 10% of after the 100th, and open file
 * descriptors and child processes must be the same (for the parallel engine:
 * the idle pool is the same size). Every run must end SUCCESS with its own
 * results, and the store must hold every run once the host has stopped.
 *
 * Sizes (`scale.ts`): the full size (ATOMFLOW_HARDENING=full) is
 * 1,000 serial, 1,000 parallel and 200 worker-based runs.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunService } from '../../app/runs/index.js';
import { AMQP_URL, startWorker, type TestWorker } from '../support/workers.js';
import { report, scale } from './scale.js';
import { SoakClient, type StartParams } from './soak-client.js';
import { SOAK_DOCUMENT, soakInputs, soakResults } from './soak-flow.js';
import { startSoakHost, type HostMeasurement, type SoakHost } from './soak-measure.js';

/** The run after which the baseline is taken: the host is warm by then (JIT, caches, the pool). */
const BASELINE_RUN = 100;
/** Heap and RSS after the last run may differ from the baseline by this fraction at most. */
const BOUND = 0.1;
/**
 * One run of the soak flow takes tens of milliseconds; this only catches a run that hangs (the first
 * parallel run also starts the pool's processes, which on a loaded machine takes seconds).
 */
const RUN_TIMEOUT_MS = 30_000;

/** A test's time: the host's start and stop, plus a generous bound per run (a loaded CI machine is slow). */
const timeoutFor = (runs: number): number => 60_000 + runs * 500;

const work = mkdtempSync(join(tmpdir(), 'atomflow-soak-'));
const exchange = `soak-${randomUUID()}`;
const hosts: SoakHost[] = [];
let worker: TestWorker | undefined;

beforeAll(async () => {
  // A worker of this file's own, on an exchange of its own: no other test's runs share it.
  worker = await startWorker({ exchange, heartbeatMs: 200 });
}, 30_000);

afterAll(async () => {
  for (const h of hosts.splice(0)) h.kill();
  await worker?.stop();
  // The engines and the worker declare the exchange (not auto-deleted); the shared broker keeps nothing of ours.
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.deleteExchange(exchange);
  await connection.close();
  rmSync(work, { recursive: true, force: true });
}, 30_000);

const MB = 1024 * 1024;
const mb = (bytes: number): string => (bytes / MB).toFixed(1);
const pct = (from: number, to: number): string => `${((to / from - 1) * 100).toFixed(1)}%`;

interface Soaked {
  readonly runs: number;
  readonly wallMs: number;
  readonly atBaseline: HostMeasurement;
  readonly atEnd: HostMeasurement;
}

/**
 * Starts a host on a new store, runs the soak flow `runs` times in a row
 * through the contract (each run checked as it ends), measures the host after
 * {@link BASELINE_RUN} and after the last run, stops it with SIGTERM and
 * checks the store holds every run, SUCCESS.
 */
async function soak(
  engine: StartParams['engine'],
  runs: number,
  engineOptions?: Record<string, unknown>,
): Promise<Soaked> {
  const db = join(work, `${engine}.db`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.ATOMFLOW_DB;
  const host = await startSoakHost(db, env);
  hosts.push(host);
  const client = await SoakClient.open(host.ready);
  const pool = engine === 'parallel';
  const started = Date.now();
  let atBaseline: HostMeasurement | undefined;
  for (let i = 1; i <= runs; i++) {
    const { runId, end, events } = await client.run(
      { document: SOAK_DOCUMENT, engine, inputs: soakInputs(i), ...(engineOptions ? { engineOptions } : {}) },
      RUN_TIMEOUT_MS,
    );
    // Checked as it ends, so a bad run is named at once (not after a thousand more).
    if (end.state !== 'SUCCESS') {
      throw new Error(
        `${engine} run ${String(i)} (${runId}) ended ${end.state}: ${JSON.stringify(end.failures)}`,
      );
    }
    expect(end.results, `${engine} run ${String(i)}`).toEqual(soakResults(i));
    // Every task's transitions streamed before the end: 7 tasks, each PENDING→RUNNING→SUCCESS at least.
    expect(events, `${engine} run ${String(i)}: events streamed`).toBeGreaterThan(14);
    if (i === BASELINE_RUN) atBaseline = await host.measure({ pool });
  }
  const atEnd = await host.measure({ pool });
  const wallMs = Date.now() - started;
  client.close();
  const exit = await host.stop();
  expect(exit, `the host stops cleanly on SIGTERM: ${host.stderr()}`).toEqual({ code: 0, signal: null });
  hosts.splice(hosts.indexOf(host), 1);
  // Through all those runs the host logged no error and no warning.
  expect(host.stderr()).not.toMatch(/error|warn/i);
  expect(await countRuns(db), 'runs in the store, every one SUCCESS').toEqual({ all: runs, success: runs });
  if (!atBaseline) throw new Error(`fewer than ${String(BASELINE_RUN)} runs: nothing to compare with`);
  return { runs, wallMs, atBaseline, atEnd };
}

/** Runs in the store, and how many of them ended SUCCESS (read after the host has stopped). */
async function countRuns(db: string): Promise<{ all: number; success: number }> {
  const service = new RunService({ db });
  try {
    const count = (state?: 'SUCCESS'): number => {
      let n = 0;
      let cursor: string | undefined;
      do {
        const page = service.listRuns({
          limit: 1000,
          ...(state ? { state } : {}),
          ...(cursor ? { cursor } : {}),
        });
        n += page.runs.length;
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return n;
    };
    return { all: count(), success: count('SUCCESS') };
  } finally {
    await service.close();
  }
}

/** Prints the figures and asserts the host did not grow between the baseline and the end. */
function checkFlat(engine: string, s: Soaked): void {
  const { atBaseline: a, atEnd: b } = s;
  const names = (m: HostMeasurement): string => m.children.map((c) => c.command).join(',') || 'none';
  report(`soak ${engine}`, {
    runs: s.runs,
    wallS: (s.wallMs / 1000).toFixed(1),
    [`heapMB@${String(BASELINE_RUN)}`]: mb(a.heapUsed),
    heapMB: mb(b.heapUsed),
    heapChange: pct(a.heapUsed, b.heapUsed),
    [`rssMB@${String(BASELINE_RUN)}`]: mb(a.rss),
    rssMB: mb(b.rss),
    rssChange: pct(a.rss, b.rss),
    [`fds@${String(BASELINE_RUN)}`]: a.fds,
    fds: b.fds,
    [`children@${String(BASELINE_RUN)}`]: names(a),
    children: names(b),
    ...(b.pool !== undefined
      ? {
          [`pool@${String(BASELINE_RUN)}`]: a.pool?.size ?? '?',
          pool: b.pool.size,
          poolSpawned: b.pool.spawned,
        }
      : {}),
  });
  expect(
    Math.abs(b.heapUsed / a.heapUsed - 1),
    `${engine}: heap ${mb(a.heapUsed)} → ${mb(b.heapUsed)} MB`,
  ).toBeLessThanOrEqual(BOUND);
  expect(Math.abs(b.rss / a.rss - 1), `${engine}: RSS ${mb(a.rss)} → ${mb(b.rss)} MB`).toBeLessThanOrEqual(
    BOUND,
  );
  expect(b.fds, `${engine}: open file descriptors`).toBe(a.fds);
  // The very same processes: none left behind, and none replaced (a pool process that died and was restarted).
  const pids = (m: HostMeasurement): number[] => m.children.map((c) => c.pid).sort((x, y) => x - y);
  expect(pids(b), `${engine}: child processes (${names(a)} → ${names(b)})`).toEqual(pids(a));
  expect(b.pool, `${engine}: the idle pool`).toEqual(a.pool);
}

/**
 * The host's children that are not the pool's: tsx's esbuild service (the
 * `atomflow` bin compiles its TypeScript through tsx, which keeps one esbuild
 * process) and anything a run left behind, which must be nothing.
 */
function otherChildren(m: HostMeasurement): string[] {
  return m.children.map((c) => c.command).filter((c) => c !== 'esbuild');
}

// CI sizes. The full 1,000 / 1,000 / 200 take about 3.5 minutes on a quiet 2-core machine (a run of this
// flow: ~75 ms serial, ~100 ms parallel, ~90 ms worker-based, several times that under load), past what one
// file may take in CI; 400 / 400 / 200 take about 1.5 minutes and still compare the 100th run with a last
// one well after it.
const SERIAL_RUNS = scale(400, 1000);
const PARALLEL_RUNS = scale(400, 1000);
const WORKER_RUNS = scale(200, 200);

describe('soak: consecutive runs in one `atomflow serve` host', () => {
  it(
    `serial: ${String(SERIAL_RUNS)} runs, heap and RSS flat, no descriptor or process left behind`,
    async () => {
      const s = await soak('serial', SERIAL_RUNS);
      checkFlat('serial', s);
      // Every task runs in the host: a run's only child process is its shell command, and none is left.
      expect(otherChildren(s.atEnd)).toEqual([]);
    },
    timeoutFor(SERIAL_RUNS),
  );

  it(
    `parallel: ${String(PARALLEL_RUNS)} runs, heap and RSS flat, the pool idle at its size`,
    async () => {
      const s = await soak('parallel', PARALLEL_RUNS);
      checkFlat('parallel', s);
      // The scripts ran in the pool, which is idle at its size: its processes are the host's only other children.
      const pool = s.atEnd.pool;
      expect(pool?.size).toBeGreaterThan(0);
      expect(otherChildren(s.atEnd)).toEqual(Array.from({ length: pool?.size ?? 0 }, () => 'node'));
    },
    timeoutFor(PARALLEL_RUNS),
  );

  it(
    `worker-based: ${String(WORKER_RUNS)} runs through a real worker, heap and RSS flat, no connection left open`,
    async () => {
      const s = await soak('worker-based', WORKER_RUNS, { url: AMQP_URL, exchange });
      checkFlat('worker-based', s);
      // Every task ran on the worker (another process, not a child of the host).
      expect(otherChildren(s.atEnd)).toEqual([]);
    },
    timeoutFor(WORKER_RUNS),
  );
});
