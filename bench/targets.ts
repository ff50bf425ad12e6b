/**
 * The performance targets, each checked against this run's medians.
 */
import { shapeLabel } from './flows.js';
import type { Sizes } from './plan.js';
import type { Row } from './report.js';

/** A target with the figure it was judged on; `pass` is null when that figure is missing. */
export interface TargetResult {
  target: string;
  /** e.g. `≥ 1000×`, `< 10 ms` */
  goal: string;
  measured: number | null;
  /** How `measured` is written after the figure: `×` for ratios, ` ms` for times. */
  unit: string;
  pass: boolean | null;
  /** What `measured` is, e.g. `TaskFlow / Atomflow`. */
  what: string;
  /** Whether every row the target is judged on was measured in this run (not left out by `--only`). */
  ran: boolean;
}

function find(rows: readonly Row[], workload: string, n: number, extra?: Partial<Row>): Row | undefined {
  return rows.find(
    (r) =>
      r.workload === workload &&
      r.n === n &&
      (extra?.shape === undefined || r.shape === extra.shape) &&
      (extra?.query === undefined || r.query === extra.query),
  );
}

/** A target judged on `measured`, a figure of the rows `on`. */
function judge(
  target: string,
  what: string,
  goal: string,
  unit: string,
  test: (m: number) => boolean,
  measured: number | null | undefined,
  on: readonly (Row | undefined)[],
): TargetResult {
  const m = measured ?? null;
  const ran = on.every((r) => r !== undefined);
  return { target, goal, unit, what, measured: m, pass: m === null ? null : test(m), ran };
}

/** A target met when `measured` (a ratio of the rows `on`) is at least `goal`. */
export function atLeast(
  target: string,
  what: string,
  goal: number,
  measured: number | null | undefined,
  on: readonly (Row | undefined)[],
): TargetResult {
  return judge(target, what, `≥ ${goal}×`, '×', (m) => m >= goal, measured, on);
}

/** A target met when `measured` (a ratio of the rows `on`) is at most `goal`. */
export function atMost(
  target: string,
  what: string,
  goal: number,
  measured: number | null | undefined,
  on: readonly (Row | undefined)[],
): TargetResult {
  return judge(target, what, `≤ ${goal}×`, '×', (m) => m <= goal, measured, on);
}

function faster(target: string, what: string, row: Row | undefined): TargetResult {
  return judge(target, what, '> 1×', '×', (m) => m > 1, row?.ratio, [row]);
}

function quotient(a: Row | undefined, b: Row | undefined): number | null {
  return a && b ? a.atomflow.median / b.atomflow.median : null;
}

/** A time in ms that must stay under `goal` ms. */
function under(target: string, goal: number, row: Row | undefined): TargetResult {
  return judge(target, 'Atomflow median, ms', `< ${goal} ms`, ' ms', (m) => m < goal, row?.atomflow.median, [
    row,
  ]);
}

/** W4's targets: persisted per-atom time against TaskFlow and against the limit; history pages. */
function w4Targets(rows: readonly Row[], sizes: Sizes): TargetResult[] {
  const sqlite = find(rows, 'W4-sqlite', sizes.w4);
  const limit = find(rows, 'W4-limit', sizes.w4);
  const history = rows.filter((r) => r.workload === 'W4-history' && r.n === sizes.history);
  return [
    atLeast(
      `W4-sqlite N=${sizes.w4}: persisted per-atom time 100× lower than TaskFlow's SQL backend`,
      'TaskFlow / Atomflow per-atom time',
      100,
      sqlite?.ratio,
      [sqlite],
    ),
    atMost(
      `W4-sqlite N=${sizes.w4}: within 3× of one durable WAL commit per transition (W4-limit)`,
      'Atomflow / limit per-atom time',
      3,
      sqlite?.limit_ratio,
      [sqlite, limit],
    ),
    ...(history.length > 0
      ? history.map((r) =>
          under(`W4-history ${r.n.toLocaleString('en-US')} runs: page (${r.query ?? ''}) under 10 ms`, 10, r),
        )
      : [
          under(
            `W4-history ${sizes.history.toLocaleString('en-US')} runs: a page of 50 under 10 ms`,
            10,
            undefined,
          ),
        ]),
  ];
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
  const w1 = (workload: string, at: number): Row | undefined => find(rows, workload, at);
  const w3 = find(rows, 'W3-graph', sizes.targetW3.layers * sizes.targetW3.width, {
    shape: shapeLabel(sizes.targetW3),
  });
  const w5 = find(rows, 'W5-revert', sizes.w5);
  return [
    atLeast(`W1-noop N=${n}: per-atom time 1000× lower`, tfOverAf, 1000, w1('W1-noop', n)?.ratio, [
      w1('W1-noop', n),
    ]),
    atLeast(`W1-chain N=${n}: per-atom time 1000× lower`, tfOverAf, 1000, w1('W1-chain', n)?.ratio, [
      w1('W1-chain', n),
    ]),
    atLeast(`W3-graph ${shapeLabel(sizes.targetW3)}: per-atom time 1000× lower`, tfOverAf, 1000, w3?.ratio, [
      w3,
    ]),
    atLeast(`W5-revert N=${sizes.w5}: per-atom revert 1000× lower`, tfOverAf, 1000, w5?.ratio, [w5]),
    atMost(
      `W1-noop scales: N=${top} within 1.5× of N=${bottom}`,
      `Atomflow per-atom N=${top} / N=${bottom}`,
      1.5,
      quotient(w1('W1-noop', top), w1('W1-noop', bottom)),
      [w1('W1-noop', top), w1('W1-noop', bottom)],
    ),
    atMost(
      `W1-noop within 20× of W1-limit at N=${top}`,
      'W1-noop / W1-limit per-atom time',
      20,
      quotient(w1('W1-noop', top), w1('W1-limit', top)),
      [w1('W1-noop', top), w1('W1-limit', top)],
    ),
    faster(
      `Compile ${sizes.compile.layers * sizes.compile.width} atoms faster than TaskFlow compiles ${
        sizes.compileTaskflow.layers * sizes.compileTaskflow.width
      }`,
      'TaskFlow compile ms / Atomflow compile ms',
      rows.find((r) => r.workload === 'W3-compile'),
    ),
    ...w4Targets(rows, sizes),
  ];
}
