/**
 * One measured run of each W2 workload: the parallel engine on an unordered
 * flow. Every run builds a new flow and a new engine, as the peer's
 * w2_parallel.py does; results are checked after the clock stops.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { load, ProcessPool, states, task, unordered, type Engine, type Task } from '../engine/index.js';
import { CpuTask, roundsFor, type CpuResult } from './cpu-task.js';
import { cpuSnapshot, otherCpuSeconds } from './cpu-time.js';
import { noop } from './flows.js';
import { perAtom, type Measurement } from './measurement.js';

/** A W2 workload, as passed to the child process that measures it. */
export type W2Job =
  | { kind: 'w2-sleep'; n: number; sleepMs: number; maxWorkers: number }
  | { kind: 'w2-noop'; n: number; maxWorkers: number }
  | { kind: 'w2-cpu'; n: number; taskMs: number; maxWorkers: number };

/** A window reported in seconds (W2-sleep's makespan, W2-cpu's run). */
function inSeconds(start: number, end: number): Measurement {
  const toUnit = (ms: number): number => ms / 1000;
  return { value: toUnit(end - start), start, end, toUnit };
}

function ensureSucceeded(workload: string, engine: Engine): void {
  const state = engine.storage.getFlowState();
  if (state !== states.SUCCESS) throw new Error(`${workload}: flow ended ${state}, not SUCCESS`);
}

/**
 * W2-sleep: the makespan of `engine.run()` (the peer's `run_s`) for `n` tasks
 * each awaiting a `sleepMs` timer. They have no `ref`, so they run in the
 * host, concurrently, at most `maxWorkers` at a time.
 */
async function sleepMakespan(job: Extract<W2Job, { kind: 'w2-sleep' }>): Promise<Measurement> {
  const nap = async (): Promise<void> => {
    await sleep(job.sleepMs);
  };
  const tasks: Task[] = [];
  for (let i = 0; i < job.n; i++) tasks.push(task({ name: `t${i}`, execute: nap }));
  const engine = load(unordered('w2').add(...tasks), { engine: 'parallel', maxWorkers: job.maxWorkers });
  engine.compile();
  engine.prepare();
  engine.validate();
  const t0 = performance.now();
  await engine.run();
  const m = inSeconds(t0, performance.now());
  ensureSucceeded('W2-sleep', engine);
  return m;
}

/** W2-noop: µs per task of build + load + compile + prepare + validate + run (W1's span, the peer's `total_us_per_task`). */
async function noopPerTask(job: Extract<W2Job, { kind: 'w2-noop' }>): Promise<Measurement> {
  const t0 = performance.now();
  const tasks: Task[] = [];
  for (let i = 0; i < job.n; i++) tasks.push(task({ name: `t${i}`, execute: noop }));
  const engine = load(unordered('w2').add(...tasks), { engine: 'parallel', maxWorkers: job.maxWorkers });
  engine.compile();
  engine.prepare();
  engine.validate();
  await engine.run();
  const m = perAtom(t0, performance.now(), job.n);
  ensureSucceeded('W2-noop', engine);
  return m;
}

/** Rounds of work per W2-cpu task, calibrated once per process (the first call, before any warm-up run). */
let cpuRounds: number | undefined;
/** The pool processes the last parallel run used (sorted): the ones the next run should find running. */
let poolPids: number[] = [];

const pidsOf = (run: { results: CpuResult[] }): number[] =>
  [...new Set(run.results.map(([, pid]) => pid))].sort((a, b) => a - b);

/** One run of `n` CPU tasks on the given engine: its `run()` window and what each task returned. */
async function cpuRun(
  job: Extract<W2Job, { kind: 'w2-cpu' }>,
  rounds: number,
  engineKind: 'serial' | 'parallel',
): Promise<{ start: number; end: number; results: CpuResult[] }> {
  const names = Array.from({ length: job.n }, (_, i) => `c${i}`);
  const flow = unordered('w2cpu').add(...names.map((name) => new CpuTask(name, rounds)));
  // No `pool` option: the engine takes the host's shared pool (one process per CPU), as an app would.
  const engine = load(
    flow,
    engineKind === 'serial' ? { engine: 'serial' } : { engine: 'parallel', maxWorkers: job.maxWorkers },
  );
  engine.compile();
  engine.prepare();
  engine.validate();
  const start = performance.now();
  await engine.run();
  const end = performance.now();
  ensureSucceeded(`W2-cpu (${engineKind})`, engine);
  return { start, end, results: names.map((name) => engine.storage.fetch(name) as CpuResult) };
}

/**
 * W2-cpu: seconds of `engine.run()` for `n` CPU-bound tasks with a `ref`, run
 * by the parallel engine in the host's process pool; beside it, `serial`, the
 * serial engine's seconds for the same tasks in the host, measured just
 * before so both see the same machine, and `other_cpu`, CPU seconds the
 * machine spent on other processes during the parallel run (absent when it
 * cannot be told, e.g. off Linux). Checks that every task computed the same
 * state and that the parallel run's tasks ran outside the host.
 */
async function cpuBesideSerial(job: Extract<W2Job, { kind: 'w2-cpu' }>): Promise<Measurement> {
  const rounds = (cpuRounds ??= roundsFor(job.taskMs));
  const pool = ProcessPool.shared();
  // A long-running host has its pool's processes running: if warm-up runs
  // have not started them yet (--warmup 0), an unmeasured run does.
  if (pool.size < Math.min(pool.maxWorkers, job.n)) poolPids = pidsOf(await cpuRun(job, rounds, 'parallel'));
  const serial = await cpuRun(job, rounds, 'serial');
  const before = cpuSnapshot([process.pid, ...poolPids]);
  const parallel = await cpuRun(job, rounds, 'parallel');
  const after = cpuSnapshot([process.pid, ...poolPids]);
  const ran = pidsOf(parallel);
  // Counted only if the run used the processes measured; a replaced one's time would count as another's.
  const other = ran.join() === poolPids.join() ? otherCpuSeconds(before, after) : null;
  poolPids = ran;
  const expected = serial.results[0]![0];
  for (const [label, run, remote] of [
    ['serial', serial, false],
    ['parallel', parallel, true],
  ] as const) {
    for (const [state, pid] of run.results) {
      if (state !== expected) throw new Error(`W2-cpu ${label}: state ${state}, expected ${expected}`);
      const inHost = pid === process.pid;
      if (inHost === remote) {
        throw new Error(`W2-cpu ${label}: a task ran in ${inHost ? 'the host' : `process ${pid}`}`);
      }
    }
  }
  const serialSeconds = (serial.end - serial.start) / 1000;
  return {
    ...inSeconds(parallel.start, parallel.end),
    beside: other === null ? { serial: serialSeconds } : { serial: serialSeconds, other_cpu: other },
  };
}

/** Runs one W2 job once and returns its figure (s for W2-sleep and W2-cpu, µs per task for W2-noop). */
export function measureW2(job: W2Job): Promise<Measurement> {
  switch (job.kind) {
    case 'w2-sleep':
      return sleepMakespan(job);
    case 'w2-noop':
      return noopPerTask(job);
    case 'w2-cpu':
      return cpuBesideSerial(job);
  }
}
