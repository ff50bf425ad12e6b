/**
 * The parallel engine on the utilityProcess spawner, under plain Node: the
 * spawner is given a stand-in for `utilityProcess.fork` (support/fake-utility.ts)
 * whose processes have `process.parentPort` and no `process.send`, so the
 * engine's own pool program runs over the utility-process transport, for real.
 * (Electron itself cannot run on this machine.)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CaptureListener,
  PoolProcessDied,
  ProcessPool,
  WrappedFailure,
  linear,
  load,
  states,
  unordered,
  type Engine,
} from '../../engine/index.js';
import { utilitySpawner } from '../../main/electron/utility-spawner.js';
import { PoolTask } from '../engine/pool-tasks.js';
import { fakeUtilityFork, type FakeForkLog } from './support/fake-utility.js';
import { StubbornTask } from './support/stubborn-task.js';

const workerSource = fileURLToPath(new URL('../../engine/executors/pool/worker.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'atomflow-utility-'));
const log: FakeForkLog = { calls: [] };
const pool = new ProcessPool({
  maxWorkers: 2,
  spawner: utilitySpawner({ fork: fakeUtilityFork(true, log), entry: workerSource, killGraceMs: 300 }),
});
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const file = (stem: string): string => join(dir, `${stem}-${++n}`);

async function runError(engine: Engine): Promise<unknown> {
  return engine.run().then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('utilityProcess spawner', () => {
  it('runs tasks in pool processes over parentPort: results, logs and progress come back', async () => {
    const flow = unordered('u').add(new PoolTask('a', { ms: 20 }), new PoolTask('b', { ms: 20 }));
    const engine = load(flow, { engine: 'parallel', maxWorkers: 2, pool });
    const logs: string[] = [];
    const progress: string[] = [];
    engine.notifier.on('log', (e) => logs.push(`${e.name}: ${e.text}`));
    engine.notifier.on('progress', (e) => progress.push(`${e.name} ${String(e.progress)}`));
    await engine.run();
    const a = engine.storage.get('a') as number;
    expect(typeof a).toBe('number');
    expect(a).not.toBe(process.pid);
    expect(logs).toEqual(expect.arrayContaining(['a: hello from a', 'b: hello from b']));
    expect(progress).toEqual(expect.arrayContaining(['a 0.5', 'b 0.5']));
    // The spawner asked for piped output and named its processes.
    expect(log.calls[0]).toEqual({
      modulePath: workerSource,
      options: { serviceName: 'Atomflow pool', stdio: ['ignore', 'pipe', 'pipe'] },
    });
  });

  it('a process killed from outside fails its task with its pid; the flow reverts; the pool recovers', async () => {
    const pidFile = file('pid');
    const trace = file('trace');
    const engine = load(
      linear('l').add(new PoolTask('before', { trace }), new PoolTask('victim', { hang: true, pidFile })),
      { engine: 'parallel', pool },
    );
    const cap = new CaptureListener(engine.notifier);
    const running = runError(engine);
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '') await sleep(10);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    process.kill(pid, 'SIGKILL');
    const err = await running;
    expect(err).toBeInstanceOf(PoolProcessDied);
    // Electron reports a bare exit code (here 128 + 9), and the pid although Electron has cleared it by then.
    expect(String(err)).toContain(
      `The pool process ${String(pid)} running task 'victim' exited with code 137`,
    );
    expect(engine.storage.getFlowState()).toBe(states.REVERTED);
    expect(cap.values).toContain('before.t REVERTED(None)');
    await load(linear('again').add(new PoolTask('ok')), { engine: 'parallel', pool }).run();
  });

  it('a task that calls process.exit fails with the exit code', async () => {
    const engine = load(linear('l').add(new PoolTask('quitter', { exitCode: 7 })), {
      engine: 'parallel',
      pool,
    });
    expect(String(await runError(engine))).toMatch(/running task 'quitter' exited with code 7/);
  });

  it('a task past its time limit is stopped; nothing hangs', async () => {
    const engine = load(linear('l').add(new StubbornTask('stubborn', 300)), { engine: 'parallel', pool });
    const err = await runError(engine);
    expect(String(err)).toMatch(/TaskTimeout: Task 'stubborn' ran longer than its time limit of 300 ms/);
    await load(linear('again').add(new PoolTask('ok')), { engine: 'parallel', pool }).run();
  });

  it('kill() sends SIGTERM, then SIGKILL after the grace period to a process that ignores it', async () => {
    const entry = fileURLToPath(new URL('./support/ignores-sigterm.mjs', import.meta.url));
    const proc = utilitySpawner({ fork: fakeUtilityFork(false), entry, killGraceMs: 400 }).spawn();
    const ready = new Promise<unknown>((resolve) => {
      proc.onMessage(resolve);
    });
    const exited = new Promise<[number | null, string | null]>((resolve) => {
      proc.onExit((code, signal) => {
        resolve([code, signal]);
      });
    });
    expect(await ready).toMatchObject({ type: 'ready' });
    const killedAt = Date.now();
    proc.kill();
    expect(await exited).toEqual([null, 'SIGKILL']);
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(350);
    expect(proc.pid).toBeTypeOf('number');
  });

  it('failures raised in a pool process keep their type and message', async () => {
    const engine = load(linear('l').add(new PoolTask('bad', { fail: 'no disk' })), {
      engine: 'parallel',
      pool,
    });
    const err = await runError(engine);
    expect(err).toBeInstanceOf(WrappedFailure);
    expect((err as WrappedFailure).failures[0]?.toString()).toBe('Failure: Error: no disk');
  });

  it('a missing pool program fails the task with a clear reason instead of hanging', async () => {
    const broken = new ProcessPool({
      maxWorkers: 1,
      spawner: utilitySpawner({ fork: fakeUtilityFork(true), entry: join(dir, 'nowhere.mjs') }),
    });
    try {
      const engine = load(linear('l').add(new PoolTask('t')), { engine: 'parallel', pool: broken });
      expect(String(await runError(engine))).toMatch(
        /running task 't' could not start \(the pool program .*nowhere\.mjs is missing/,
      );
    } finally {
      await broken.close();
    }
  });

  it('closing the pool stops its processes (they get the stop message and exit)', async () => {
    const own = new ProcessPool({
      maxWorkers: 1,
      spawner: utilitySpawner({ fork: fakeUtilityFork(true), entry: workerSource }),
    });
    await load(linear('l').add(new PoolTask('t')), { engine: 'parallel', pool: own }).run();
    expect(own.size).toBe(1);
    await own.close();
    expect(own.size).toBe(0);
  });
});
