/**
 * One measured run of each W6 workload: the worker-based engine over a real
 * RabbitMQ, its tasks run by separate worker processes (w6-fleet.ts), shaped
 * as the peer's w6_worker_based.py shapes its flow:
 *
 *     linear('w6')[ gate, body ]    body = unordered or linear, of n tasks
 *
 * The gate absorbs the engine's connection and worker discovery. The figure
 * is the window from the gate's SUCCESS to the last body task's SUCCESS, as
 * the engine's atom notifications stamp them (the peer's `window_s`); beside
 * it, the whole `engine.run()` (`run`) and its fixed cost (`fixed` = run −
 * window), the throughput (n / window) and which worker ran how many tasks.
 */
import { linear, load, states, unordered, type Engine, type Task } from '../engine/index.js';
import type { Measurement } from './measurement.js';
import { startFleet, type Fleet } from './w6-fleet.js';
import { W6Noop, W6Sleep } from './w6-kinds.js';

/** The broker both sides use (TaskFlow's script defaults to the same one). */
export const W6_URL = 'amqp://guest:guest@127.0.0.1:5672';
/** How often W6 workers announce themselves (the server's default). */
const HEARTBEAT_MS = 1000;
const TOPIC = 'w6';

/** A W6 workload, as passed to the child process that measures it. */
export type W6Job =
  | { kind: 'w6-noop'; n: number; shape: 'unordered' | 'linear'; workers: number; concurrency: number }
  | { kind: 'w6-sleep'; n: number; sleepMs: number; workers: number; concurrency: number };

/** The workers of this process: started by its first run, stopped by {@link closeW6}. */
let fleet: { fleet: Fleet; key: string; exchange: string } | undefined;

async function fleetFor(job: W6Job): Promise<{ fleet: Fleet; exchange: string }> {
  const key = `${job.workers}x${job.concurrency}`;
  if (fleet?.key === key) return fleet;
  await closeW6();
  // An exchange of this process's own: no other bench run or test shares its workers.
  const exchange = `atomflow-bench-w6-${process.pid}`;
  const started = await startFleet({
    url: W6_URL,
    exchange,
    topic: TOPIC,
    workers: job.workers,
    concurrency: job.concurrency,
    heartbeatMs: HEARTBEAT_MS,
  });
  fleet = { fleet: started, key, exchange };
  return fleet;
}

/** Stops the workers this process started (after its last run). */
export async function closeW6(): Promise<void> {
  const f = fleet;
  fleet = undefined;
  await f?.fleet.stop();
}

function ensureSucceeded(workload: string, engine: Engine): void {
  const state = engine.storage.getFlowState();
  if (state !== states.SUCCESS) throw new Error(`${workload}: flow ended ${state}, not SUCCESS`);
}

/** Runs one W6 job once; the figure is ms per task (W6-noop) or the window in s (W6-sleep). */
export async function measureW6(job: W6Job): Promise<Measurement> {
  const { fleet: workers, exchange } = await fleetFor(job);
  const names = Array.from({ length: job.n }, (_, i) => `t${i}`);
  const tasks: Task[] = names.map((name) =>
    job.kind === 'w6-sleep' ? new W6Sleep(name, job.sleepMs) : new W6Noop(name),
  );
  const shape = job.kind === 'w6-sleep' ? 'unordered' : job.shape;
  const body = (shape === 'unordered' ? unordered('body') : linear('body')).add(...tasks);
  const flow = linear('w6').add(new W6Noop('gate'), body);
  const engine = load(flow, { engine: 'worker-based', url: W6_URL, exchange, topics: [TOPIC] });
  const stamps = new Map<string, number>();
  engine.notifier.on('atom', (e) => {
    if (e.state === states.SUCCESS) stamps.set(e.name, performance.now());
  });
  engine.compile();
  engine.prepare();
  engine.validate();
  const t0 = performance.now();
  await engine.run();
  const t1 = performance.now();

  const workload = job.kind === 'w6-sleep' ? 'W6-sleep' : 'W6-noop';
  ensureSucceeded(workload, engine);
  const gate = stamps.get('gate');
  if (gate === undefined) throw new Error(`${workload}: no SUCCESS notification for the gate`);
  let last = -Infinity;
  for (const name of names) {
    const at = stamps.get(name);
    if (at === undefined) throw new Error(`${workload}: no SUCCESS notification for ${name}`);
    last = Math.max(last, at);
  }
  // Which worker ran how many: every body task returned the pid of its process, which must be a worker's.
  const counts = new Map<number, number>(workers.pids.map((pid) => [pid, 0]));
  for (const name of names) {
    const pid = engine.storage.get(name);
    if (typeof pid !== 'number' || !counts.has(pid)) {
      throw new Error(`${workload}: ${name} returned ${String(pid)}, not the pid of a W6 worker`);
    }
    counts.set(pid, counts.get(pid)! + 1);
  }
  const windowMs = last - gate;
  const runS = (t1 - t0) / 1000;
  const beside = {
    run: runS,
    fixed: runS - windowMs / 1000,
    throughput: job.n / (windowMs / 1000),
  };
  const toUnit =
    job.kind === 'w6-sleep' ? (ms: number): number => ms / 1000 : (ms: number): number => ms / job.n;
  return {
    value: toUnit(windowMs),
    start: gate,
    end: last,
    toUnit,
    beside,
    tasksPerWorker: [...counts.values()].sort((a, b) => b - a),
  };
}
