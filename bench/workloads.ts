/**
 * One measured run of each Atomflow workload. Every run builds a new flow and
 * a new engine, as the peer scripts do, and returns one figure in the unit its
 * workload reports.
 */
import { load, states } from '../engine/index.js';
import { layeredGraph, linearChain, linearNoop, noop, revertingLinear, type GraphShape } from './flows.js';
import { pageMs, type HistoryQuery } from './history-page.js';
import { inMs, perAtom, totalPerAtom, type Measurement } from './measurement.js';
import { memoryPerAtom, sqliteBesideLimit, type Synchronous } from './persisted-run.js';
import { measureW2, type W2Job } from './w2-workloads.js';
import { closeW6, measureW6, type W6Job } from './w6-workloads.js';

export type { Measurement } from './measurement.js';

/** A workload of Atomflow's side, as passed to the child process that measures it. */
export type AtomflowJob =
  | { kind: 'w1-noop' | 'w1-chain' | 'w1-limit' | 'w5-revert' | 'w4-memory'; n: number }
  | ({ kind: 'w3-graph' | 'w3-compile' } & GraphShape)
  | { kind: 'w4-sqlite'; n: number; synchronous: Synchronous }
  /** One page of a history of `runs` runs. */
  | { kind: 'w4-history'; runs: number; query: HistoryQuery }
  | W2Job
  | W6Job;

/**
 * Number of atoms a job runs, which sets how long it warms up; 0 for
 * W4-history, whose measured call runs none, and for W2-sleep and W2-cpu,
 * whose time is timers and task bodies, not engine code (warming W2-sleep's
 * engine up to 20,000 atoms first did not change its makespan), so that they
 * warm up for `--warmup` runs rather than minutes; W6-sleep likewise. W6-noop
 * counts its gate too.
 */
export function atomCount(job: AtomflowJob): number {
  if (
    job.kind === 'w4-history' ||
    job.kind === 'w2-sleep' ||
    job.kind === 'w2-cpu' ||
    job.kind === 'w6-sleep'
  )
    return 0;
  if (job.kind === 'w6-noop') return job.n + 1;
  return 'n' in job ? job.n : job.layers * job.width;
}

const log = (text: string): void => void process.stderr.write(`${text}\n`);

/** The floor: awaiting the tasks' no-op body `n` times with nothing around it. */
async function limitPerAtom(n: number): Promise<Measurement> {
  // Typed as the engine sees a task body: its result may or may not be a promise.
  const bodies: (() => unknown)[] = Array.from({ length: n }, () => noop);
  const t0 = performance.now();
  for (const body of bodies) await body();
  return perAtom(t0, performance.now(), n);
}

/** W3-compile: milliseconds of `engine.compile()` alone, which is what TaskFlow's `compile_s` times. */
function compileMs(shape: GraphShape): Measurement {
  const engine = load(layeredGraph(shape), { engine: 'serial' });
  const t0 = performance.now();
  engine.compile();
  const t1 = performance.now();
  if (engine.compilation.atoms.length !== shape.layers * shape.width) {
    throw new Error(`W3-compile: compiled ${engine.compilation.atoms.length} atoms`);
  }
  return inMs(t0, t1);
}

/**
 * W5: microseconds per atom from the last task's throw to `run()` rejecting
 * (the whole revert of n atoms), after checking the run ended as it must:
 * rejected with the task's error, every atom and the flow REVERTED.
 */
async function revertPerAtom(n: number): Promise<Measurement> {
  const { flow, names, raisedAt } = revertingLinear(n);
  const engine = load(flow, { engine: 'serial' });
  engine.compile();
  engine.prepare();
  engine.validate();
  let error: unknown;
  try {
    await engine.run();
  } catch (e) {
    error = e;
  }
  const end = performance.now();
  if (!(error instanceof Error) || error.message !== 'boom') {
    throw new Error(`W5: run() should have rejected with 'boom', got ${String(error)}`);
  }
  const wrong = names.filter((name) => engine.storage.getAtomState(name) !== states.REVERTED);
  if (wrong.length > 0) throw new Error(`W5: not REVERTED: ${wrong.slice(0, 5).join(', ')}`);
  if (engine.storage.getFlowState() !== states.REVERTED) {
    throw new Error(`W5: flow ended ${engine.storage.getFlowState()}, not REVERTED`);
  }
  return perAtom(raisedAt(), end, n);
}

/**
 * Runs one job once and returns its figure (µs per atom, or ms for
 * W3-compile and W4-history, or s for W2-sleep, W2-cpu and W6-sleep, or ms
 * per task for W6-noop). Results are checked after the clock stops, like the peer's
 * asserts, so a wrong engine cannot report a fast figure.
 */
export async function measureOnce(job: AtomflowJob): Promise<Measurement> {
  switch (job.kind) {
    case 'w1-noop':
      return (await totalPerAtom(() => linearNoop(job.n), job.n)).m;
    case 'w1-chain': {
      const { m, engine } = await totalPerAtom(() => linearChain(job.n), job.n);
      const last = engine.storage.fetch(`v${job.n - 1}`);
      if (last !== job.n - 1)
        throw new Error(`W1-chain: v${job.n - 1} = ${String(last)}, expected ${job.n - 1}`);
      return m;
    }
    case 'w1-limit':
      return limitPerAtom(job.n);
    case 'w3-graph': {
      const { m, engine } = await totalPerAtom(() => layeredGraph(job), atomCount(job));
      const last = engine.storage.fetch(`r_${job.layers - 1}_0`);
      if (last !== 1) throw new Error(`W3: r_${job.layers - 1}_0 = ${String(last)}, expected 1`);
      return m;
    }
    case 'w3-compile':
      return compileMs(job);
    case 'w5-revert':
      return revertPerAtom(job.n);
    case 'w4-sqlite':
      return sqliteBesideLimit(job.n, job.synchronous);
    case 'w4-memory':
      return memoryPerAtom(job.n);
    case 'w4-history':
      return pageMs(job.runs, job.query, log);
    case 'w2-sleep':
    case 'w2-noop':
    case 'w2-cpu':
      return measureW2(job);
    case 'w6-noop':
    case 'w6-sleep':
      return measureW6(job);
  }
}

/** Releases what the runs of a process kept between them (W6's worker processes). */
export async function closeWorkloads(): Promise<void> {
  await closeW6();
}
