/**
 * Crash-resume on every engine (issue #10). A host process — the real run
 * service on a SQLite file, as the CLI, web and Electron hosts use it — runs a
 * flow document (crash-engines-flow.ts: a chain, an unordered group, a chain,
 * of `script` and `shell` tasks) on the serial, parallel or worker-based
 * engine and is killed with SIGKILL, with its whole process group (its shell
 * commands and pool processes die with it): after a committed flow or atom
 * event, inside a task's execute or revert after its effect, at a time, or
 * twice in one run (the resuming host killed too). A fresh host then resumes
 * the run (`RunService.resume`).
 *
 * Checked for every trial: the run ends SUCCESS (REVERTED for the failing
 * variant) with the results and failures of an uninterrupted run on the same
 * engine; and, from the side file every task appends to wherever it runs,
 * every task executed (and, failing variant, reverted) exactly once — except a
 * task in flight at a kill (RUNNING, or REVERTING for its revert, in the
 * store), which may have run once more per such kill. So a task recorded
 * SUCCESS before a kill never runs again, and a task killed after its effect
 * (paused there) runs exactly once more. On the worker-based engine the
 * test's own two worker processes outlive the hosts, as remote workers would:
 * a task one was running when its host died goes on (it is still RUNNING in
 * the store) while the resumed host sends it again — a shell task paused
 * there is held until the resumed run has ended, so its two executions
 * overlap — and that is the repeat allowed; nothing else may run twice.
 *
 * One host process resumes the run the previous one left and then starts the
 * next trial's run (and is killed in it), as a host restarted after a crash
 * carries on: half the process starts, each still a fresh process with a cold
 * engine, pool and broker connection (crash-trials.ts).
 *
 * Sizes (`scale.ts`): ATOMFLOW_HARDENING=full kills at 127 points per engine
 * (every event of both variants, inside every execute and revert, 16 times,
 * 10 double kills). A kill point costs a host start and a whole run (on the
 * parallel engine also its pool processes): about 1.3 s of CPU on this
 * 2-core machine, so `npm test` runs an even spread of 35 per engine.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMQP_URL, startWorker, type TestWorker } from '../support/workers.js';
import {
  FAILING_TASK,
  FAILURE_TEXT,
  SUCCESS_RESULTS,
  TASKS,
  effectCounts,
  type Variant,
} from './crash-engines-flow.js';
import type { HostEnd } from './crash-host-child.js';
import { bundleHost } from './crash-host-bundle.js';
import { runHost } from './crash-host-run.js';
import {
  runChains,
  startArgs,
  type ChainSetting,
  type Engine,
  type Outcome,
  type Trial,
} from './crash-trials.js';
import { FULL, report, scale } from './scale.js';

const root = join(import.meta.dirname, '..', '..');
/** Host processes at once (each a chain of trials): enough to fill two cores while others wait on I/O. */
const CHAINS = 4;
const work = mkdtempSync(join(tmpdir(), 'atomflow-crash-engines-'));
const outdir = join(root, '.tmp', `crash-engines-${String(process.pid)}`);
const exchange = `crash-engines-${randomUUID()}`;
let bundle = '';
const workers: TestWorker[] = [];

beforeAll(async () => {
  const [host, started] = await Promise.all([
    bundleHost(outdir),
    // Two workers of this file's own, on an exchange of its own: they outlive every host. Heartbeats as
    // `atomflow worker` sends them: on a busy machine a worker taken for lost gets its tasks sent
    // elsewhere (run twice, by design), which is not what this test is about.
    Promise.all([0, 1].map(() => startWorker({ exchange, heartbeatMs: 1000 }))),
  ]);
  bundle = host;
  workers.push(...started);
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  // Engines and workers declare the exchange (not auto-deleted): the shared broker keeps nothing of ours.
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.deleteExchange(exchange);
  await connection.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(outdir, { recursive: true, force: true });
}, 30_000);

function settingOf(engine: Engine): Omit<ChainSetting, 'reference'> {
  return engine === 'worker-based'
    ? { bundle, engine, engineOptions: { url: AMQP_URL, exchange }, resumeUrl: AMQP_URL }
    : { bundle, engine, engineOptions: {} };
}

/** What an uninterrupted run of each variant gives on one engine, and how long and how many events it takes. */
interface Calibration {
  readonly end: Record<Variant, HostEnd>;
  readonly ms: Record<Variant, number>;
  readonly events: Record<Variant, number>;
}

/** Uninterrupted runs of both variants, checked against what the flow must give. */
async function calibrate(engine: Engine): Promise<Calibration> {
  const out = { end: {}, ms: {}, events: {} } as Calibration;
  for (const variant of ['success', 'fail'] as const) {
    const dir = join(work, `${engine}-reference-${variant}`);
    mkdirSync(dir);
    const host = await runHost(
      bundle,
      { db: join(dir, 'runs.db'), start: startArgs(settingOf(engine), dir, variant) },
      {},
    );
    const end = host.ends.get(host.started ?? '');
    if (!end || host.startedRunMs === undefined)
      throw new Error(`${engine} ${variant}: the reference run did not end`);
    out.end[variant] = end;
    out.ms[variant] = host.startedRunMs;
    out.events[variant] = end.events;
    const x = effectCounts(dir, 'x');
    const r = effectCounts(dir, 'r');
    expect(TASKS.map((t) => x.get(t) ?? 0)).toEqual(TASKS.map(() => 1));
    expect(TASKS.map((t) => r.get(t) ?? 0)).toEqual(TASKS.map(() => (variant === 'fail' ? 1 : 0)));
  }
  expect(out.end.success).toMatchObject({ state: 'SUCCESS', results: SUCCESS_RESULTS, failures: [] });
  expect(out.end.fail.state).toBe('REVERTED');
  expect(out.end.fail.failures).toEqual([
    expect.objectContaining({
      atom: FAILING_TASK,
      phase: 'execute',
      message: expect.stringContaining(FAILURE_TEXT),
    }),
  ]);
  // Every committed transition of a task (RUNNING, SUCCESS…) and of the flow is an event: a run has dozens.
  expect(out.events.success).toBeGreaterThanOrEqual(2 * TASKS.length + 2);
  expect(out.events.fail).toBeGreaterThan(out.events.success);
  return out;
}

/** `count` of the whole numbers 1..`n`, evenly spread, the first and the last included. */
function spread(n: number, count: number): number[] {
  if (count >= n) return Array.from({ length: n }, (_, i) => i + 1);
  if (count <= 1) return [n];
  return [...new Set(Array.from({ length: count }, (_, i) => 1 + Math.round((i * (n - 1)) / (count - 1))))];
}

/**
 * The kill points of one engine: after events of both variants (the last
 * included: the run has ended in the store, its host has not finished with
 * it), inside executes and reverts, at times spread over a run, and double
 * kills. Full size: every event and every task (127); CI: an even spread (35).
 */
function trialsFor(cal: Calibration): Trial[] {
  const trials: Trial[] = [];
  for (const variant of ['success', 'fail'] as const) {
    const events = cal.events[variant];
    for (const k of spread(events, scale(variant === 'success' ? 8 : 12, events))) {
      trials.push({ label: `${variant}, after event ${String(k)}`, variant, kills: [{ afterEvent: k }] });
    }
  }
  const inside: Trial[] = [
    ...TASKS.map((t) => ({
      label: `success, inside execute of ${t}`,
      variant: 'success' as const,
      point: `x.${t}`,
    })),
    {
      label: `fail, inside execute of ${FAILING_TASK}`,
      variant: 'fail' as const,
      point: `x.${FAILING_TASK}`,
    },
    ...TASKS.map((t) => ({
      label: `fail, inside revert of ${t}`,
      variant: 'fail' as const,
      point: `r.${t}`,
    })),
  ].map(({ label, variant, point }) => ({ label, variant, kills: [{ inside: point }] }));
  for (const i of spread(inside.length, scale(8, inside.length))) trials.push(inside[i - 1] as Trial);
  const timed = scale(4, 16);
  for (let i = 0; i < timed; i++) {
    const variant: Variant = i % 2 === 0 ? 'success' : 'fail';
    const ms = Math.round(((i + 1) / (timed + 1)) * cal.ms[variant]);
    trials.push({ label: `${variant}, killed after ${String(ms)} ms`, variant, kills: [{ afterMs: ms }] });
  }
  // Killed again while resuming: the resuming host dies after its m-th event.
  const twice = scale(3, 10);
  for (let i = 0; i < twice; i++) {
    const variant: Variant = i % 2 === 0 ? 'success' : 'fail';
    const k = 3 + Math.floor((i / twice) * (cal.events[variant] - 6));
    const m = 2 + (i % 5);
    trials.push({
      label: `${variant}, after event ${String(k)}, then after event ${String(m)} of the resume`,
      variant,
      kills: [{ afterEvent: k }, { afterEvent: m }],
    });
  }
  return trials;
}

function summarize(engine: Engine, cal: Calibration, outcomes: readonly Outcome[], ms: number): void {
  report(`crash-engines ${engine}`, {
    trials: outcomes.length,
    precisePoints: outcomes.filter((o) => o.trial.kills.every((k) => k.afterMs === undefined)).length,
    kills: outcomes.reduce((n, o) => n + o.kills, 0),
    inFlightKills: outcomes.reduce((n, o) => n + o.inFlightKills, 0),
    repeats: outcomes.reduce((n, o) => n + o.repeats, 0),
    timedTooLate: outcomes.filter((o) => o.kills === 0).length,
    referenceRunMs: `${String(Math.round(cal.ms.success))}/${String(Math.round(cal.ms.fail))}`,
    wallMs: Math.round(ms),
  });
}

describe.each(['serial', 'parallel', 'worker-based'] as const)('crash-resume on the %s engine', (engine) => {
  it(
    `a host killed at ${FULL ? '100+' : 'dozens of'} points resumes every run to its right end, no finished task run again`,
    async () => {
      const t0 = performance.now();
      const cal = await calibrate(engine);
      const trials = trialsFor(cal);
      const outcomes = await runChains(
        { ...settingOf(engine), reference: cal },
        join(work, engine),
        trials,
        CHAINS,
      );
      summarize(engine, cal, outcomes, performance.now() - t0);

      expect(outcomes).toHaveLength(trials.length);
      const wrong = outcomes
        .filter((o) => o.problems.length > 0)
        .map((o) => `${o.trial.label}: ${o.problems.join('; ')}`);
      expect(wrong).toEqual([]);
      // Every point but the timed ones is reached for sure: the host was killed there.
      const precise = outcomes.filter((o) => o.trial.kills.every((k) => k.afterMs === undefined));
      expect(precise.filter((o) => o.kills !== o.trial.kills.length).map((o) => o.trial.label)).toEqual([]);
      expect(new Set(precise.map((o) => o.trial.label)).size).toBeGreaterThanOrEqual(scale(30, 100));
      // Many kills left work in flight, and tasks did run again then: the allowance was needed.
      expect(outcomes.filter((o) => o.inFlightKills > 0).length).toBeGreaterThan(trials.length / 4);
      expect(outcomes.some((o) => o.repeats > 0)).toBe(true);
    },
    scale(300_000, 1_200_000),
  );
});
