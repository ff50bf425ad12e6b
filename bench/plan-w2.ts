/**
 * The W2 rows of the plan: the parallel engine on an unordered flow, beside
 * TaskFlow's parallel engine. W2-sleep: tasks sleeping in the host (makespan
 * against the ideal); W2-noop: no-op tasks (µs per task, W1's span);
 * W2-cpu: CPU-bound tasks in the process pool (speed-up over the serial
 * engine), TaskFlow's side by bench/w2_cpu.py.
 */
import { fileURLToPath } from 'node:url';
import type { Comparison, Sizes } from './plan.js';
import type { W2Job } from './w2-workloads.js';

/** The sizes of W2, full (the issue's) or `--quick`. */
export interface W2Sizes {
  sleep: { n: number; sleepMs: number };
  noop: number;
  cpu: { n: number; taskMs: number };
  /** `maxWorkers` of every W2 engine, Atomflow's and TaskFlow's (threads). */
  maxWorkers: number;
}

const W2_FULL: W2Sizes = {
  sleep: { n: 200, sleepMs: 50 },
  noop: 1000,
  cpu: { n: 8, taskMs: 250 },
  maxWorkers: 8,
};

// Quick keeps several waves of 8 (the makespan is a sum of waves) and 2 tasks per CPU.
const W2_QUICK: W2Sizes = {
  sleep: { n: 40, sleepMs: 50 },
  noop: 100,
  cpu: { n: 4, taskMs: 100 },
  maxWorkers: 8,
};

/** W2's sizes for a plan's sizes. */
export function w2Sizes(sizes: Sizes): W2Sizes {
  return sizes.name === 'quick' ? W2_QUICK : W2_FULL;
}

/** The ideal makespan in seconds: `ceil(n / maxWorkers)` waves of one sleep each (the peer's `ideal_s`). */
export function idealSeconds(n: number, sleepMs: number, maxWorkers: number): number {
  return (Math.ceil(n / maxWorkers) * sleepMs) / 1000;
}

/** This folder: bench/w2_cpu.py lives here, not among the peer scripts. */
const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

/** W2-sleep, W2-noop and W2-cpu, in that order. */
export function w2Comparisons(sizes: Sizes): Comparison[] {
  const w2 = w2Sizes(sizes);
  const workers = String(w2.maxWorkers);
  const job = (j: W2Job): W2Job => j;
  return [
    {
      workload: 'W2-sleep',
      n: w2.sleep.n,
      unit: 's',
      engine: 'parallel',
      atomflow: job({
        kind: 'w2-sleep',
        n: w2.sleep.n,
        sleepMs: w2.sleep.sleepMs,
        maxWorkers: w2.maxWorkers,
      }),
      taskflow: {
        script: 'w2_parallel.py',
        args: ['--n', String(w2.sleep.n), '--sleep-ms', String(w2.sleep.sleepMs), '--workers', workers],
        metric: 'run_s',
        factor: 1,
      },
      note: `makespan = engine.run(), ${w2.sleep.sleepMs} ms timer per task in the host, maxWorkers ${workers}; TaskFlow: 8 threads`,
    },
    {
      workload: 'W2-noop',
      n: w2.noop,
      unit: 'us/atom',
      engine: 'parallel',
      atomflow: job({ kind: 'w2-noop', n: w2.noop, maxWorkers: w2.maxWorkers }),
      taskflow: {
        script: 'w2_parallel.py',
        args: ['--n', String(w2.noop), '--sleep-ms', '0', '--workers', workers],
        metric: 'total_us_per_task',
        factor: 1,
      },
      note: `W1's span (build + load + compile + prepare + validate + run) per task, maxWorkers ${workers}; TaskFlow total_us_per_task, 8 threads`,
    },
    {
      workload: 'W2-cpu',
      n: w2.cpu.n,
      unit: 's',
      engine: 'parallel',
      atomflow: job({ kind: 'w2-cpu', n: w2.cpu.n, taskMs: w2.cpu.taskMs, maxWorkers: w2.maxWorkers }),
      taskflow: {
        script: 'w2_cpu.py',
        dir: BENCH_DIR,
        args: ['--n', String(w2.cpu.n), '--task-ms', String(w2.cpu.taskMs), '--workers', workers],
        metric: 'run_s',
        factor: 1,
        also: ['serial_s', 'speedup', 'threads_s', 'threads_speedup'],
      },
    },
  ];
}
