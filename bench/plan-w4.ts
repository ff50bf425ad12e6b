/**
 * The W4 rows of the plan: W1-noop persisted (RESULTS.md's W4a) on our SQLite
 * backend beside TaskFlow's SQL backend on SQLite and beside the limit
 * durability sets, on our memory backend beside TaskFlow's, and pages of a
 * run history.
 */
import { HISTORY_QUERIES, queryLabel } from './history-page.js';
import type { Comparison, Sizes } from './plan.js';
import type { PeerJob } from './taskflow.js';

/** The peer's w4_persistence.py on a backend, timed like W1 (`total_us_per_task`). */
function peerW4(backend: 'sqlite' | 'memory', n: number, warmup?: number): PeerJob {
  return {
    script: 'w4_persistence.py',
    args: ['--backend', backend, '--n', String(n)],
    metric: 'total_us_per_task',
    factor: 1,
    ...(warmup === undefined ? {} : { warmup }),
  };
}

/**
 * W4-sqlite, W4-sqlite-normal (each with its limit, measured beside it and
 * reported as W4-limit, W4-limit-normal), W4-memory, and one W4-history row
 * per page.
 */
export function w4Comparisons(sizes: Sizes): Comparison[] {
  const n = sizes.w4;
  return [
    {
      workload: 'W4-sqlite',
      n,
      unit: 'us/atom',
      backend: 'sqlite',
      synchronous: 'full',
      atomflow: { kind: 'w4-sqlite', n, synchronous: 'full' },
      // The peer's recorded command for this size runs no warm-up: one run takes about a minute.
      taskflow: peerW4('sqlite', n, 0),
      note: "TaskFlow: SQL backend on an SQLite file (rollback journal, synchronous=FULL), --warmup 0; ~1 min per run at N=1000, so at the default --repeat 5 this is the bench's longest part",
      limitWorkload: 'W4-limit',
    },
    {
      workload: 'W4-sqlite-normal',
      n,
      unit: 'us/atom',
      backend: 'sqlite',
      synchronous: 'normal',
      atomflow: { kind: 'w4-sqlite', n, synchronous: 'normal' },
      taskflow: null,
      why: 'commits not synced (lost on power loss, not on a crash of the process); TaskFlow has no such setting: compare W4-sqlite',
      limitWorkload: 'W4-limit-normal',
    },
    {
      workload: 'W4-memory',
      n,
      unit: 'us/atom',
      backend: 'memory',
      atomflow: { kind: 'w4-memory', n },
      taskflow: peerW4('memory', n),
      note: "our MemoryBackend; TaskFlow: {'connection': 'memory'}",
    },
    ...HISTORY_QUERIES.map((query): Comparison => ({
      workload: 'W4-history',
      n: sizes.history,
      unit: 'ms/page',
      query: queryLabel(query),
      backend: 'sqlite',
      atomflow: { kind: 'w4-history', runs: sizes.history, query },
      taskflow: null,
      why: 'first listRuns of a freshly opened backend; TaskFlow: no equivalent (its persistence API has no run query, filter or paging)',
    })),
  ];
}
