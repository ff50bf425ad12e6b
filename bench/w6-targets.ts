/**
 * W6's targets: no-op throughput at least 10× TaskFlow's worker-based engine
 * (unordered body, on 1 and on 2 workers), and the makespan of sleeping tasks
 * on 2 workers within 1.05× of the ideal.
 */
import type { Sizes } from './plan.js';
import { w6IdealSeconds, w6Shape, w6Sizes } from './plan-w6.js';
import type { Row } from './report.js';
import { atLeast, atMost, type TargetResult } from './targets.js';

/** The W6 targets, judged on the rows of this run (at the sizes of `sizes`, like the other targets). */
export function w6Targets(rows: readonly Row[], sizes: Sizes): TargetResult[] {
  const s = w6Sizes(sizes);
  const find = (workload: string, n: number, shape: string): Row | undefined =>
    rows.find((r) => r.workload === workload && r.n === n && r.shape === shape);
  const noop = s.workers.map((workers) => {
    const shape = w6Shape('unordered', workers, s.concurrency);
    const row = find('W6-noop', s.unordered, shape);
    return atLeast(
      `W6-noop N=${s.unordered} ${shape}: throughput 10× TaskFlow's worker-based engine`,
      'Atomflow / TaskFlow tasks per second',
      10,
      row?.throughput_ratio,
      [row],
    );
  });
  const workers = Math.max(...s.workers);
  const { n, sleepMs } = s.sleep;
  const shape = w6Shape('unordered', workers, s.concurrency);
  const sleep = find('W6-sleep', n, shape);
  const ideal = w6IdealSeconds(n, sleepMs, workers, s.concurrency);
  return [
    ...noop,
    atMost(
      `W6-sleep ${n} × ${sleepMs} ms, ${shape}: makespan within 1.05× of the ideal ${ideal} s`,
      'Atomflow window / ideal',
      1.05,
      sleep?.makespan_over_ideal,
      [sleep],
    ),
  ];
}
