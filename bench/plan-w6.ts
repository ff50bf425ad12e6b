/**
 * The W6 rows of the plan: the worker-based engine over RabbitMQ, its tasks
 * run by separate worker processes, beside TaskFlow's worker-based engine on
 * the same broker (the peer's w6_worker_based.py). W6-noop: no-op tasks in an
 * unordered body (throughput) and in a linear one (one round trip per task);
 * W6-sleep: tasks sleeping on the workers (makespan against the ideal).
 */
import type { Comparison, Sizes } from './plan.js';
import type { PeerJob } from './taskflow.js';
import type { W6Job } from './w6-workloads.js';

/** The sizes of W6, full (the peer's) or `--quick`. */
export interface W6Sizes {
  /** No-op tasks in the unordered body (throughput). */
  unordered: number;
  /** No-op tasks in the linear body (round trip per task). */
  linear: number;
  sleep: { n: number; sleepMs: number };
  /** Tasks each worker runs at once (TaskFlow: threads per worker). */
  concurrency: number;
  /** Worker counts every shape runs with. */
  workers: readonly number[];
  /** TaskFlow's runs per shape, at most: each costs ~2 s of fixed cost on top of the work. */
  taskflowRepeat?: number;
  taskflowWarmup?: number;
}

const W6_FULL: W6Sizes = {
  unordered: 200,
  linear: 100,
  sleep: { n: 50, sleepMs: 100 },
  concurrency: 8,
  workers: [1, 2],
};

// Quick keeps every shape (the sleep one as is: it is the makespan's waves) with fewer no-op tasks,
// and TaskFlow runs 3 times without warm-up (~12 s per shape instead of ~25 s).
const W6_QUICK: W6Sizes = {
  unordered: 100,
  linear: 50,
  sleep: { n: 50, sleepMs: 100 },
  concurrency: 8,
  workers: [1, 2],
  taskflowRepeat: 3,
  taskflowWarmup: 0,
};

/** W6's sizes for a plan's sizes. */
export function w6Sizes(sizes: Sizes): W6Sizes {
  return sizes.name === 'quick' ? W6_QUICK : W6_FULL;
}

/** The ideal makespan in seconds: `ceil(n / (workers × concurrency))` waves of one sleep (the peer's `ideal_s`). */
export function w6IdealSeconds(n: number, sleepMs: number, workers: number, concurrency: number): number {
  return (Math.ceil(n / (workers * concurrency)) * sleepMs) / 1000;
}

/** The shape column: the body's pattern and the workers. */
export function w6Shape(body: 'unordered' | 'linear', workers: number, concurrency: number): string {
  return `${body}, ${workers} worker${workers === 1 ? '' : 's'} × ${concurrency}`;
}

/** Figures of the peer's JSON line every W6 row takes besides its own. */
const ALSO = ['throughput_tasks_per_s', 'per_task_ms', 'window_s', 'run_s', 'fixed_s'] as const;

function peer(s: W6Sizes, args: string[], metric: string): PeerJob {
  return {
    script: 'w6_worker_based.py',
    args: [...args, '--threads', String(s.concurrency)],
    metric,
    factor: 1,
    also: ALSO,
    keep: ['tasks_per_worker_per_run'],
    ...(s.taskflowRepeat === undefined ? {} : { maxRepeat: s.taskflowRepeat }),
    ...(s.taskflowWarmup === undefined ? {} : { warmup: s.taskflowWarmup }),
  };
}

/** W6-noop (unordered, then linear) and W6-sleep, each on every worker count. */
export function w6Comparisons(sizes: Sizes): Comparison[] {
  const s = w6Sizes(sizes);
  const rows: Comparison[] = [];
  const job = (j: W6Job): W6Job => j;
  for (const body of ['unordered', 'linear'] as const) {
    const n = body === 'unordered' ? s.unordered : s.linear;
    for (const workers of s.workers) {
      rows.push({
        workload: 'W6-noop',
        n,
        shape: w6Shape(body, workers, s.concurrency),
        unit: 'ms/task',
        engine: 'worker-based',
        atomflow: job({ kind: 'w6-noop', n, shape: body, workers, concurrency: s.concurrency }),
        taskflow: peer(s, ['--workers', String(workers), '--n', String(n), '--shape', body], 'per_task_ms'),
      });
    }
  }
  for (const workers of s.workers) {
    const { n, sleepMs } = s.sleep;
    rows.push({
      workload: 'W6-sleep',
      n,
      shape: w6Shape('unordered', workers, s.concurrency),
      unit: 's',
      engine: 'worker-based',
      atomflow: job({ kind: 'w6-sleep', n, sleepMs, workers, concurrency: s.concurrency }),
      taskflow: peer(
        s,
        ['--workers', String(workers), '--n', String(n), '--sleep-ms', String(sleepMs)],
        'window_s',
      ),
    });
  }
  return rows;
}
