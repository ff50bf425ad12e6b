/**
 * The parallel engine beyond the conformance suite: real concurrency, tasks
 * in pool processes, and what happens when a pool process dies, exits or
 * overruns its time limit; pool reuse, cancelling, and a host that can exit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CaptureListener,
  PoolProcessDied,
  ProcessPool,
  WrappedFailure,
  linear,
  load,
  states,
  task,
  unordered,
  type Engine,
} from '../../engine/index.js';
import { PoolTask, SpinTask } from './pool-tasks.js';

const dir = mkdtempSync(join(tmpdir(), 'atomflow-parallel-'));
const pool = new ProcessPool({ maxWorkers: 3 });
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const file = (stem: string): string => join(dir, `${stem}-${++n}`);

interface Span {
  name: string;
  start: number;
  end: number;
  pid: number;
}

function spans(trace: string): Span[] {
  return readFileSync(trace, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('revert'))
    .map((l) => {
      const [name = '', start, end, pid] = l.split(' ');
      return { name, start: Number(start), end: Number(end), pid: Number(pid) };
    });
}

async function runError(engine: Engine): Promise<unknown> {
  return engine.run().then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('parallel engine', () => {
  it('runs independent tasks at the same time in pool processes, not in the host', async () => {
    const trace = file('trace');
    const barrier = { dir: mkdtempSync(join(tmpdir(), 'atomflow-barrier-')), count: 3 };
    const flow = unordered('u').add(
      ...['a', 'b', 'c'].map((t) => new PoolTask(t, { ms: 50, trace, barrier })),
    );
    const engine = load(flow, { engine: 'parallel', maxWorkers: 3, pool });
    const logs: string[] = [];
    engine.notifier.on('log', (e) => logs.push(`${e.name}: ${e.text}`));
    await engine.run();
    const s = spans(trace);
    expect(s).toHaveLength(3);
    expect(s.every((x) => x.pid !== process.pid)).toBe(true);
    // All three overlap: each waited at the barrier until the others had started (a serial run would time out there).
    expect(new Set(s.map((x) => x.pid)).size).toBe(3);
    const lastStart = Math.max(...s.map((x) => x.start));
    const firstEnd = Math.min(...s.map((x) => x.end));
    expect(lastStart).toBeLessThan(firstEnd);
    // What task code prints in a pool process arrives as log events of that task.
    expect(logs.sort()).toEqual(['a: hello from a', 'b: hello from b', 'c: hello from c']);
  });

  it('keeps a linear flow in order', async () => {
    const trace = file('trace');
    const flow = linear('l').add(...['a', 'b', 'c', 'd'].map((t) => new PoolTask(t, { ms: 20, trace })));
    await load(flow, { engine: 'parallel', maxWorkers: 3, pool }).run();
    const s = spans(trace);
    expect(s.map((x) => x.name)).toEqual(['a', 'b', 'c', 'd']);
    for (let i = 1; i < s.length; i++) expect(s[i]!.start).toBeGreaterThanOrEqual(s[i - 1]!.end);
  });

  it('never runs more than maxWorkers at once', async () => {
    const trace = file('trace');
    const flow = unordered('u').add(
      ...['a', 'b', 'c', 'd', 'e'].map((t) => new PoolTask(t, { ms: 80, trace })),
    );
    await load(flow, { engine: 'parallel', maxWorkers: 2, pool }).run();
    const s = spans(trace);
    // Most tasks running at any one moment: at each start, count the tasks under way.
    const most = Math.max(...s.map((x) => s.filter((y) => y.start <= x.start && x.start < y.end).length));
    expect(most).toBe(2);
  });

  it('a pool process killed mid-task fails that atom clearly; the flow reverts; the pool recovers', async () => {
    const pidFile = file('pid');
    const trace = file('trace');
    const flow = linear('l').add(
      new PoolTask('before', { trace }),
      new PoolTask('victim', { hang: true, pidFile }),
    );
    const engine = load(flow, { engine: 'parallel', pool });
    const cap = new CaptureListener(engine.notifier);
    const running = runError(engine);
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '') await sleep(10);
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    const err = await running;
    expect(err).toBeInstanceOf(PoolProcessDied);
    expect(String(err)).toMatch(
      /PoolProcessDied: The pool process \d+ running task 'victim' was killed by SIGKILL/,
    );
    expect(engine.storage.getFlowState()).toBe(states.REVERTED);
    expect(cap.values).toContain('before.t REVERTED(None)');
    expect(readFileSync(trace, 'utf8')).toMatch(/revert before/);
    // The next run in the same pool works.
    await load(linear('again').add(new PoolTask('ok')), { engine: 'parallel', pool }).run();
  });

  it('a task that calls process.exit fails with the exit code', async () => {
    const engine = load(linear('l').add(new PoolTask('quitter', { exitCode: 7 })), {
      engine: 'parallel',
      pool,
    });
    const err = await runError(engine);
    expect(String(err)).toMatch(/running task 'quitter' exited with code 7/);
    expect(engine.storage.getAtomState('quitter')).toBe(states.REVERTED);
  });

  it('a task that never returns is killed at its time limit; nothing hangs', async () => {
    const engine = load(linear('l').add(new PoolTask('sleeper', { hang: true, timeoutMs: 300 })), {
      engine: 'parallel',
      pool,
    });
    const err = await runError(engine);
    expect(String(err)).toMatch(/TaskTimeout: Task 'sleeper' ran longer than its time limit of 300 ms/);
    await load(linear('again').add(new PoolTask('ok')), { engine: 'parallel', pool }).run();
  });

  it("a task's time limit counts from when it starts in its pool process, not while the process starts", async () => {
    const own = new ProcessPool({ maxWorkers: 1 });
    const quick = new PoolTask('quick', { ms: 10 });
    // A process slow to start, as on a loaded machine: NODE_OPTIONS (which fork passes on) blocks it
    // for 1.5 s before the worker program loads. Set only while the pool forks, which `run` does at once.
    const before = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${before ?? ''} --import="data:text/javascript,Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,1500)"`;
    const started = Date.now();
    let outcome;
    try {
      outcome = own.run(
        { action: 'execute', ref: quick.ref!, name: 'quick', uuid: 'u1', args: {}, timeoutMs: 500 },
        { progress: () => undefined, log: () => undefined },
      );
    } finally {
      if (before === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = before;
    }
    const result = await outcome;
    expect(result).toEqual({ ok: true, value: expect.any(Number) as unknown });
    // It was slow to start indeed: three times the task's limit went by before it answered.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    await own.close();
  });

  it('failures from a pool process are raised with their type and message', async () => {
    const engine = load(linear('l').add(new PoolTask('bad', { fail: 'no disk' })), {
      engine: 'parallel',
      pool,
    });
    const err = await runError(engine);
    expect(err).toBeInstanceOf(WrappedFailure);
    expect((err as WrappedFailure).failures[0]?.toString()).toBe('Failure: Error: no disk');
  });

  it('reuses its processes across runs and engines, and starts them lazily', async () => {
    const own = new ProcessPool({ maxWorkers: 2 });
    expect(own.size).toBe(0);
    for (let i = 0; i < 3; i++) {
      await load(unordered('u').add(new PoolTask('a', { ms: 30 }), new PoolTask('b', { ms: 30 })), {
        engine: 'parallel',
        pool: own,
      }).run();
    }
    expect(own.spawned).toBe(2);
    expect(own.size).toBe(2);
    await own.close();
    expect(own.size).toBe(0);
  });

  it('cancel lets running atoms finish (SUSPENDED); cancel with kill stops them', async () => {
    const trace = file('trace');
    const slow = linear('l').add(new PoolTask('a', { ms: 200, trace }), new PoolTask('b', { trace }));
    const engine = load(slow, { engine: 'parallel', pool });
    const running = engine.run();
    await sleep(80);
    engine.cancel();
    await running;
    expect(engine.storage.getFlowState()).toBe(states.SUSPENDED);
    expect(spans(trace).map((s) => s.name)).toEqual(['a']);

    const pidFile = file('pid');
    const hung = load(linear('l').add(new PoolTask('stuck', { hang: true, pidFile })), {
      engine: 'parallel',
      pool,
    });
    const r = runError(hung);
    while (!existsSync(pidFile)) await sleep(10);
    hung.cancel({ kill: true });
    // A cancelled run is a suspended one: the killed atom failed, and its revert is left for a resume.
    expect(await r).toBeUndefined();
    expect(hung.storage.getFlowState()).toBe(states.SUSPENDED);
    expect(hung.storage.getAtomState('stuck')).toBe(states.FAILURE);
    expect(String(hung.storage.get('stuck'))).toMatch(
      /'stuck' was killed by SIGKILL \(the run was cancelled\)/,
    );
    const resumed = await runError(hung);
    expect(resumed).toBeInstanceOf(PoolProcessDied);
    expect(hung.storage.getFlowState()).toBe(states.REVERTED);
  });

  it('uses both cores for CPU-bound tasks', async () => {
    const flow = unordered('u').add(new SpinTask('a', 250), new SpinTask('b', 250));
    const engine = load(flow, { engine: 'parallel', maxWorkers: 2, pool });
    const pids = new Set<unknown>();
    engine.notifier.on('atom', (e) => {
      if (e.state === states.SUCCESS) pids.add(e.result);
    });
    await engine.run();
    expect(pids.size).toBe(2);
    expect(pids.has(process.pid)).toBe(false);
  });

  it('runs tasks without a reference in the host, concurrently when async (executor async too)', async () => {
    for (const executor of ['processes', 'async'] as const) {
      let active = 0;
      let max = 0;
      const t = (name: string) =>
        task({
          name,
          execute: async () => {
            active++;
            max = Math.max(max, active);
            await sleep(30);
            active--;
            return process.pid;
          },
        });
      const values = await load(unordered('u').add(t('a'), t('b'), t('c')), {
        engine: 'parallel',
        maxWorkers: 2,
        executor,
        pool,
      })
        .run()
        .then(() => max);
      expect(values).toBe(2);
    }
  });

  it('does not keep the host alive once the run is over', () => {
    const script = join(dir, `host-${++n}.mts`);
    writeFileSync(
      script,
      `import { load, unordered } from ${JSON.stringify(join(import.meta.dirname, '../../engine/index.ts'))};\n` +
        `import { PoolTask } from ${JSON.stringify(join(import.meta.dirname, 'pool-tasks.ts'))};\n` +
        `await load(unordered('u').add(new PoolTask('a'), new PoolTask('b')), { engine: 'parallel' }).run();\n` +
        `console.log('done');\n`,
    );
    const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
    const r = spawnSync(tsx, [script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.error).toBeUndefined();
    expect(r.stdout.trim()).toBe('done');
    expect(r.status).toBe(0);
  });
});
