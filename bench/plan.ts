/**
 * Which workloads run, at which sizes, and what they are compared with on
 * TaskFlow's side. The full plan follows the issue; `--quick` shrinks every
 * size for a smoke check (its figures say nothing about the targets' N).
 */
import { shapeLabel, type GraphShape } from './flows.js';
import type { PeerJob } from './taskflow.js';
import { w2Comparisons } from './plan-w2.js';
import { w4Comparisons } from './plan-w4.js';
import { w6Comparisons } from './plan-w6.js';
import type { AtomflowJob } from './workloads.js';

/** Units the rows are reported in. */
export type Unit = 'us/atom' | 'ms' | 'ms/page' | 'ms/task' | 'MiB' | 's';

/** The engines the rows run. */
export type EngineName = 'serial' | 'parallel' | 'worker-based';

/** One row of the report: an Atomflow workload and, when there is one, its TaskFlow counterpart. */
export interface Comparison {
  workload: string;
  /** Atoms in Atomflow's run. */
  n: number;
  shape?: string;
  unit: Unit;
  /** The engine Atomflow runs (and TaskFlow, in its row): `serial` unless said (W2: `parallel`; W6: `worker-based`). */
  engine?: EngineName;
  atomflow: AtomflowJob;
  /** Null when TaskFlow has no equivalent or cannot run this size; `why` says which. */
  taskflow: PeerJob | null;
  /** TaskFlow's N when it differs from Atomflow's (W3-compile). */
  taskflowN?: number;
  taskflowShape?: string;
  /** Shown instead of TaskFlow's figures when `taskflow` is null. */
  why?: string;
  /** Shown when TaskFlow ran (what differs between the sides, what it costs). */
  note?: string;
  /** W4-history: the page listed. */
  query?: string;
  /** W4: where the run is persisted, and SQLite's `synchronous`. */
  backend?: 'sqlite' | 'memory';
  synchronous?: 'full' | 'normal';
  /**
   * W4-sqlite: the id of the row reporting the limit its job measures beside
   * each run (bench/commit-limit.ts), shown right after this one.
   */
  limitWorkload?: string;
}

/** The sizes that differ between the full run and `--quick`. */
export interface Sizes {
  /** `quick` only changes what the notes say. */
  name: 'full' | 'quick';
  /** W1 sizes; TaskFlow only runs those ≤ `w1TaskflowMax` (its cost grows with N²). */
  w1: number[];
  w1TaskflowMax: number;
  /** Runnable W3 shapes, TaskFlow running the same. */
  w3: GraphShape[];
  /** A shape TaskFlow cannot finish (ancestor walk exponential in layers), Atomflow only; none in quick. */
  w3AtomflowOnly: GraphShape | null;
  /** W3-compile: Atomflow's (10× bigger) shape and TaskFlow's. */
  compile: GraphShape;
  compileTaskflow: GraphShape;
  w5: number;
  /** W1-noop size whose peak RSS is measured. */
  rssN: number;
  /** N at which "1,000× lower than TaskFlow" is checked. */
  targetN: number;
  /** W3 shape at which "1,000× lower than TaskFlow" is checked. */
  targetW3: GraphShape;
  /** W4: atoms of the persisted linear flow (and of TaskFlow's). */
  w4: number;
  /** W4-history: runs in the history a page is listed from. */
  history: number;
}

/** The sizes the issue asks for. */
export const FULL: Sizes = {
  name: 'full',
  w1: [100, 1000, 10000],
  w1TaskflowMax: 1000,
  w3: [
    { layers: 50, width: 20, fanIn: 1 },
    { layers: 12, width: 20, fanIn: 2 },
  ],
  w3AtomflowOnly: { layers: 50, width: 20, fanIn: 2 },
  compile: { layers: 500, width: 20, fanIn: 2 },
  compileTaskflow: { layers: 50, width: 20, fanIn: 2 },
  w5: 1000,
  rssN: 10000,
  targetN: 1000,
  targetW3: { layers: 50, width: 20, fanIn: 1 },
  w4: 1000,
  history: 100_000,
};

/** Small sizes for a smoke check (about two minutes with TaskFlow). */
export const QUICK: Sizes = {
  name: 'quick',
  w1: [100, 1000],
  w1TaskflowMax: 100,
  w3: [
    { layers: 10, width: 20, fanIn: 1 },
    { layers: 6, width: 20, fanIn: 2 },
  ],
  w3AtomflowOnly: null,
  compile: { layers: 50, width: 20, fanIn: 2 },
  compileTaskflow: { layers: 10, width: 20, fanIn: 2 },
  w5: 100,
  rssN: 1000,
  targetN: 100,
  targetW3: { layers: 10, width: 20, fanIn: 1 },
  w4: 100,
  history: 2_000,
};

const count = (s: GraphShape): number => s.layers * s.width;

const graphArgs = (s: GraphShape): string[] => [
  '--layers',
  String(s.layers),
  '--width',
  String(s.width),
  '--fan-in',
  String(s.fanIn),
];

/** Every timed row, in report order (peak RSS is measured separately). */
export function comparisons(sizes: Sizes): Comparison[] {
  const rows: Comparison[] = [];
  const skipped =
    sizes.name === 'quick'
      ? 'TaskFlow not run at this N under --quick'
      : "not run: TaskFlow's cost grows with N² (N=5000 took ~6 min per run)";
  for (const mode of ['noop', 'chain'] as const) {
    for (const n of sizes.w1) {
      const tf = n <= sizes.w1TaskflowMax;
      rows.push({
        workload: `W1-${mode}`,
        n,
        unit: 'us/atom',
        atomflow: { kind: `w1-${mode}`, n },
        taskflow: tf
          ? {
              script: 'w1_linear.py',
              args: ['--n', String(n), '--mode', mode],
              metric: 'total_us_per_task',
              factor: 1,
            }
          : null,
        ...(tf ? {} : { why: skipped }),
      });
    }
  }
  for (const n of sizes.w1) {
    rows.push({
      workload: 'W1-limit',
      n,
      unit: 'us/atom',
      atomflow: { kind: 'w1-limit', n },
      taskflow: null,
      why: 'no equivalent: a bare loop awaiting the no-op body',
    });
  }
  rows.push(...w2Comparisons(sizes));
  for (const shape of sizes.w3) {
    rows.push({
      workload: 'W3-graph',
      n: count(shape),
      shape: shapeLabel(shape),
      unit: 'us/atom',
      atomflow: { kind: 'w3-graph', ...shape },
      taskflow: { script: 'w3_graph.py', args: graphArgs(shape), metric: 'total_us_per_task', factor: 1 },
    });
  }
  if (sizes.w3AtomflowOnly) {
    const shape = sizes.w3AtomflowOnly;
    rows.push({
      workload: 'W3-graph',
      n: count(shape),
      shape: shapeLabel(shape),
      unit: 'us/atom',
      atomflow: { kind: 'w3-graph', ...shape },
      taskflow: null,
      why: 'does not finish (RESULTS.md: ancestor walk ×~2 per layer, >10^10 s)',
    });
  }
  rows.push({
    workload: 'W3-compile',
    n: count(sizes.compile),
    shape: shapeLabel(sizes.compile),
    unit: 'ms',
    atomflow: { kind: 'w3-compile', ...sizes.compile },
    taskflow: {
      script: 'w3_graph.py',
      args: [...graphArgs(sizes.compileTaskflow), '--compile-only'],
      metric: 'compile_s',
      factor: 1000,
    },
    taskflowN: count(sizes.compileTaskflow),
    taskflowShape: shapeLabel(sizes.compileTaskflow),
  });
  rows.push({
    workload: 'W5-revert',
    n: sizes.w5,
    unit: 'us/atom',
    atomflow: { kind: 'w5-revert', n: sizes.w5 },
    taskflow: {
      script: 'w5_revert.py',
      args: ['--n', String(sizes.w5)],
      metric: 'revert_us_per_task',
      factor: 1,
    },
  });
  rows.push(...w4Comparisons(sizes));
  rows.push(...w6Comparisons(sizes));
  return rows;
}
