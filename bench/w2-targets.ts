/**
 * W2's targets: the sleep makespan against the ideal, the no-op cost per task
 * against TaskFlow's parallel engine, and the speed-up of CPU-bound tasks in
 * the process pool over the serial engine.
 */
import { availableParallelism } from 'node:os';
import type { Sizes } from './plan.js';
import { idealSeconds, w2Sizes } from './plan-w2.js';
import type { Row } from './report.js';
import { atLeast, atMost, type TargetResult } from './targets.js';

/** The W2 targets, judged on the rows of this run (at the sizes of `sizes`, like the other targets). */
export function w2Targets(rows: readonly Row[], sizes: Sizes): TargetResult[] {
  const w2 = w2Sizes(sizes);
  const find = (workload: string, n: number): Row | undefined =>
    rows.find((r) => r.workload === workload && r.n === n);
  const sleep = find('W2-sleep', w2.sleep.n);
  const noop = find('W2-noop', w2.noop);
  const cpu = find('W2-cpu', w2.cpu.n);
  const ideal = idealSeconds(w2.sleep.n, w2.sleep.sleepMs, w2.maxWorkers);
  return [
    atMost(
      `W2-sleep ${w2.sleep.n} × ${w2.sleep.sleepMs} ms, maxWorkers ${w2.maxWorkers}: makespan within 1.02× of the ideal ${ideal} s`,
      'Atomflow makespan / ideal',
      1.02,
      sleep?.makespan_over_ideal,
      [sleep],
    ),
    atLeast(
      `W2-noop N=${w2.noop}: per-task time 100× lower than TaskFlow's parallel engine`,
      'TaskFlow / Atomflow per-task time, W1 span',
      100,
      noop?.ratio,
      [noop],
    ),
    atLeast(
      `W2-cpu ${w2.cpu.n} × ~${w2.cpu.taskMs} ms: speed-up over the serial engine with the process pool, ${availableParallelism()} CPUs`,
      'serial / parallel engine.run()',
      1.9,
      cpu?.speedup,
      [cpu],
    ),
  ];
}
