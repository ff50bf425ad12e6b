/**
 * Crash safety: a child process runs a flow persisted in SQLite and is killed
 * with SIGKILL at well over 100 different points (after every committed
 * transition, inside every task after its effect, and at random times); each
 * time a fresh process resumes the run. Every task's effect must have happened
 * exactly once, except the atoms that were in flight at the kill (left RUNNING
 * or REVERTING in the store), which may have run twice; results must all be
 * there and the run must end SUCCESS (REVERTED for the failing variant).
 *
 * On the serial engine an unordered group runs as one batch whose outcomes are
 * recorded after the whole batch (TaskFlow's semantics, scenario S102), so a
 * kill inside the batch leaves several atoms in flight; along a chain at most
 * one is. Both are asserted.
 */
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteBackend, load, states } from '../../engine/index.js';
import { TASKS, buildFlow, type ChildArgs } from './crash-flow.js';

const root = join(import.meta.dirname, '..', '..');
const bundle = join(root, '.tmp', 'crash', 'child.mjs');
const work = mkdtempSync(join(tmpdir(), 'atomflow-crash-'));
const CONCURRENCY = 4;

interface ChildRun {
  lines: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
}

/** Runs the child; SIGKILLs it as soon as it says it paused (or after `killAfterMs`). */
function runChild(args: ChildArgs, killAfterMs?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let i: number;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        if (line === 'PAUSED') child.kill('SIGKILL');
        if (line.startsWith('uuid ') && killAfterMs !== undefined) {
          timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      if (code !== 0 && signal === null) reject(new Error(`child failed (${String(code)}): ${stderr}`));
      else resolve({ lines, signal, code });
    });
  });
}

interface Trial {
  label: string;
  variant: ChildArgs['variant'];
  pauseAfterEvent?: number;
  pauseInside?: string;
  killAfterMs?: number;
}

interface Outcome {
  trial: Trial;
  killed: boolean;
  inFlight: Map<string, string>;
  executions: Map<string, number>;
  reverts: Map<string, number>;
  result: { state: string; values: Record<string, unknown>; error?: string };
}

function counts(side: string, kind: 'x' | 'r'): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(side)) return out;
  for (const line of readFileSync(side, 'utf8').split('\n')) {
    const [k, name] = line.split(' ');
    if (k === kind && name) out.set(name, (out.get(name) ?? 0) + 1);
  }
  return out;
}

async function runTrial(trial: Trial, index: number): Promise<Outcome> {
  const dir = join(work, `t${index}`);
  mkdirSync(dir);
  const db = join(dir, 'runs.db');
  const side = join(dir, 'side.log');
  const base = { db, side, variant: trial.variant };
  const first = await runChild(
    {
      ...base,
      mode: 'run',
      ...(trial.pauseAfterEvent !== undefined ? { pauseAfterEvent: trial.pauseAfterEvent } : {}),
      ...(trial.pauseInside !== undefined ? { pauseInside: trial.pauseInside } : {}),
      ...(trial.killAfterMs !== undefined ? { spinMs: 1 } : {}),
    },
    trial.killAfterMs,
  );
  const uuid = first.lines.find((l) => l.startsWith('uuid '))?.slice(5);
  if (!uuid) throw new Error(`${trial.label}: the child died before it had a run`);
  // What the store says was in flight when the process died.
  const inFlight = new Map<string, string>();
  const look = new SqliteBackend(db);
  for (const ad of look.getFlowDetail(uuid)) {
    if (ad.state === states.RUNNING || ad.state === states.REVERTING) inFlight.set(ad.name, ad.state);
  }
  look.close();
  const second = await runChild({ ...base, mode: 'resume', uuid });
  const line = second.lines.find((l) => l.startsWith('result '));
  if (!line) throw new Error(`${trial.label}: the resume printed no result`);
  return {
    trial,
    killed: first.signal === 'SIGKILL',
    inFlight,
    executions: counts(side, 'x'),
    reverts: counts(side, 'r'),
    result: JSON.parse(line.slice(7)) as Outcome['result'],
  };
}

async function pool<T, R>(items: readonly T[], n: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
  return out;
}

/** An effect may repeat only for an atom in flight at the kill; never more than twice. */
function checkEffects(o: Outcome, kind: 'x' | 'r', expected: readonly string[], inFlightState: string): void {
  const seen = kind === 'x' ? o.executions : o.reverts;
  for (const name of TASKS) {
    const n = seen.get(name) ?? 0;
    const want = expected.includes(name) ? 1 : 0;
    const mayRepeat = o.inFlight.get(name) === inFlightState;
    if (n !== want && !(mayRepeat && n === want + 1)) {
      throw new Error(
        `${o.trial.label}: '${name}' ${kind === 'x' ? 'executed' : 'reverted'} ${n} times ` +
          `(in flight at the kill: ${[...o.inFlight].map(([a, s]) => `${a} ${s}`).join(', ') || 'none'})`,
      );
    }
  }
}

let expectedValues: Record<string, unknown>;
let successEvents = 0;
let failEvents = 0;

beforeAll(async () => {
  await build({
    entryPoints: [join(import.meta.dirname, 'crash-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    external: ['better-sqlite3', 'amqplib'],
    logLevel: 'silent',
  });
  const engine = load(buildFlow(join(work, 'expected.log'), 'success'));
  await engine.run();
  expectedValues = engine.storage.fetchAll();
  // Calibration: how many committed transitions (events) a whole run has.
  for (const variant of ['success', 'fail'] as const) {
    const dir = join(work, `calibrate-${variant}`);
    mkdirSync(dir);
    const r = await runChild({ mode: 'run', variant, db: join(dir, 'runs.db'), side: join(dir, 'side.log') });
    const line = r.lines.find((l) => l.startsWith('result ')) ?? 'result {}';
    const events = (JSON.parse(line.slice(7)) as { events: number }).events;
    if (variant === 'success') successEvents = events;
    else failEvents = events;
  }
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('suspend and resume across processes on SQLite', () => {
  it('one process suspends the run, another finishes it; nothing runs twice', async () => {
    const dir = join(work, 'suspend');
    mkdirSync(dir);
    const base = { db: join(dir, 'runs.db'), side: join(dir, 'side.log'), variant: 'success' as const };
    const first = await runChild({ ...base, mode: 'run', suspendAfterEvent: 12 });
    expect(first.code).toBe(0);
    const uuid = first.lines.find((l) => l.startsWith('uuid '))?.slice(5) ?? '';
    const firstResult = JSON.parse(first.lines.find((l) => l.startsWith('result '))?.slice(7) ?? '{}') as {
      state: string;
    };
    expect(firstResult.state).toBe(states.SUSPENDED);
    const ranBefore = counts(base.side, 'x');
    expect(ranBefore.size).toBeGreaterThan(0);
    expect(ranBefore.size).toBeLessThan(TASKS.length);
    const second = await runChild({ ...base, mode: 'resume', uuid });
    const result = JSON.parse(
      second.lines.find((l) => l.startsWith('result '))?.slice(7) ?? '{}',
    ) as Outcome['result'];
    expect(result.state).toBe(states.SUCCESS);
    expect(result.values).toEqual(expectedValues);
    const ran = counts(base.side, 'x');
    expect([...ran.keys()].sort()).toEqual([...TASKS].sort());
    expect([...ran.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('crash and resume on SQLite', () => {
  it('a run killed at 100+ points resumes to the right end, every effect once but the ones in flight', async () => {
    expect(successEvents).toBeGreaterThan(40);
    expect(failEvents).toBeGreaterThan(successEvents);
    const trials: Trial[] = [];
    for (let k = 1; k < successEvents; k++)
      trials.push({ label: `success, after event ${k}`, variant: 'success', pauseAfterEvent: k });
    for (const t of TASKS)
      trials.push({ label: `success, inside ${t}`, variant: 'success', pauseInside: `x:${t}` });
    // The failing variant's forward half repeats the success variant's, so every other point suffices there.
    for (let k = 1; k < failEvents; k += 2) {
      trials.push({ label: `fail, after event ${k}`, variant: 'fail', pauseAfterEvent: k });
    }
    trials.push({ label: 'fail, inside the failing task', variant: 'fail', pauseInside: 'x:b9' });
    for (const t of TASKS)
      trials.push({ label: `fail, inside revert of ${t}`, variant: 'fail', pauseInside: `r:${t}` });
    for (let i = 0; i < 16; i++) {
      const variant = i % 2 === 0 ? 'success' : 'fail';
      trials.push({ label: `${variant}, killed after ${5 + i * 4} ms`, variant, killAfterMs: 5 + i * 4 });
    }

    const outcomes = await pool(trials, CONCURRENCY, runTrial);

    const pointKills = outcomes.filter((o) => o.trial.killAfterMs === undefined);
    expect(pointKills.every((o) => o.killed)).toBe(true);
    expect(new Set(pointKills.map((o) => o.trial.label)).size).toBeGreaterThanOrEqual(100);
    for (const o of outcomes) {
      if (o.trial.variant === 'success') {
        expect(o.result.state, o.trial.label).toBe(states.SUCCESS);
        expect(o.result.values, o.trial.label).toEqual(expectedValues);
        checkEffects(o, 'x', TASKS, states.RUNNING);
        checkEffects(o, 'r', [], states.REVERTING);
      } else {
        expect(o.result.state, o.trial.label).toBe(states.REVERTED);
        expect(o.result.error, o.trial.label).toContain('boom in b9');
        checkEffects(o, 'x', TASKS, states.RUNNING);
        checkEffects(o, 'r', TASKS, states.REVERTING);
      }
      if (o.trial.pauseInside) expect(o.inFlight.has(o.trial.pauseInside.slice(2)), o.trial.label).toBe(true);
      // Along a chain at most one atom is ever in flight; only the unordered group runs as a batch.
      const outsideGroup = [...o.inFlight.keys()].filter((n) => !n.startsWith('g'));
      expect(outsideGroup.length, o.trial.label).toBeLessThanOrEqual(1);
    }
  }, 300_000);
});
