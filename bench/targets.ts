/**
 * The performance targets, each checked against this run's medians.
 */
import { shapeLabel } from './flows.js';
import type { Sizes } from './plan.js';
import type { Row } from './report.js';

/** A target with the figure it was judged on; `pass` is null when that figure is missing. */
export interface TargetResult {
  target: string;
  /** e.g. `≥ 1000×` */
  goal: string;
  measured: number | null;
  pass: boolean | null;
  /** What `measured` is, e.g. `TaskFlow / Atomflow`. */
  what: string;
}

function find(rows: readonly Row[], workload: string, n: number, shape?: string): Row | undefined {
  return rows.find((r) => r.workload === workload && r.n === n && (shape === undefined || r.shape === shape));
}

function atLeast(
  target: string,
  what: string,
  goal: number,
  measured: number | null | undefined,
): TargetResult {
  const m = measured ?? null;
  return { target, goal: `≥ ${goal}×`, what, measured: m, pass: m === null ? null : m >= goal };
}

function atMost(
  target: string,
  what: string,
  goal: number,
  measured: number | null | undefined,
): TargetResult {
  const m = measured ?? null;
  return { target, goal: `≤ ${goal}×`, what, measured: m, pass: m === null ? null : m <= goal };
}

function faster(target: string, what: string, measured: number | null | undefined): TargetResult {
  const m = measured ?? null;
  return { target, goal: '> 1×', what, measured: m, pass: m === null ? null : m > 1 };
}

function quotient(a: Row | undefined, b: Row | undefined): number | null {
  return a && b ? a.atomflow.median / b.atomflow.median : null;
}

/**
 * Evaluates every target on the rows of this run. Sizes come from the plan,
 * so under `--quick` the same targets are checked at the smaller sizes.
 */
export function evaluateTargets(rows: readonly Row[], sizes: Sizes): TargetResult[] {
  const n = sizes.targetN;
  const top = sizes.w1.at(-1)!;
  const bottom = sizes.w1[0]!;
  const tfOverAf = 'TaskFlow / Atomflow per-atom time';
  return [
    atLeast(`W1-noop N=${n}: per-atom time 1000× lower`, tfOverAf, 1000, find(rows, 'W1-noop', n)?.ratio),
    atLeast(`W1-chain N=${n}: per-atom time 1000× lower`, tfOverAf, 1000, find(rows, 'W1-chain', n)?.ratio),
    atLeast(
      `W3-graph ${shapeLabel(sizes.targetW3)}: per-atom time 1000× lower`,
      tfOverAf,
      1000,
      find(rows, 'W3-graph', sizes.targetW3.layers * sizes.targetW3.width, shapeLabel(sizes.targetW3))?.ratio,
    ),
    atLeast(
      `W5-revert N=${sizes.w5}: per-atom revert 1000× lower`,
      tfOverAf,
      1000,
      find(rows, 'W5-revert', sizes.w5)?.ratio,
    ),
    atMost(
      `W1-noop scales: N=${top} within 1.5× of N=${bottom}`,
      `Atomflow per-atom N=${top} / N=${bottom}`,
      1.5,
      quotient(find(rows, 'W1-noop', top), find(rows, 'W1-noop', bottom)),
    ),
    atMost(
      `W1-noop within 20× of W1-limit at N=${top}`,
      'W1-noop / W1-limit per-atom time',
      20,
      quotient(find(rows, 'W1-noop', top), find(rows, 'W1-limit', top)),
    ),
    faster(
      `Compile ${sizes.compile.layers * sizes.compile.width} atoms faster than TaskFlow compiles ${
        sizes.compileTaskflow.layers * sizes.compileTaskflow.width
      }`,
      'TaskFlow compile ms / Atomflow compile ms',
      rows.find((r) => r.workload === 'W3-compile')?.ratio,
    ),
  ];
}
