/**
 * W6's rows after measuring: each gets both sides' throughput, `engine.run()`
 * total and fixed cost, and which worker ran how many tasks; W6-sleep also
 * the ideal makespan and both sides' window / ideal. The table mode sums W6
 * up in a few sentences under the table.
 */
import type { AtomflowFigures } from './atomflow.js';
import type { Comparison } from './plan.js';
import { w6IdealSeconds } from './plan-w6.js';
import { fmt, type Row } from './report.js';
import type { Summary } from './stats.js';
import type { PeerFigures } from './taskflow.js';

const times = (x: number | null | undefined): string => (x == null ? '—' : `${fmt(x)}×`);
/** Ratios judged against goals such as 1.05×: 3 decimals, so that 1.0504 does not read 1.05. */
const ratio = (x: number | null | undefined): string => (x == null ? '—' : `${x.toFixed(3)}×`);
const seconds = (s: Summary | null | undefined): string => (s ? `${fmt(s.median)} s` : '—');

/** The splits of the runs, identical ones counted: `100/100 ×5`, `110/90, 104/96`. */
export function splits(lists: readonly (readonly number[])[] | null | undefined): string {
  if (!lists || lists.length === 0) return '—';
  const counted = new Map<string, number>();
  for (const l of lists) {
    const key = l.join('/');
    counted.set(key, (counted.get(key) ?? 0) + 1);
  }
  return [...counted].map(([key, n]) => (n > 1 ? `${key} ×${n}` : key)).join(', ');
}

function perWorkerLists(value: unknown): number[][] | null {
  if (!Array.isArray(value)) return null;
  return value.filter((l): l is number[] => Array.isArray(l) && l.every((x) => typeof x === 'number'));
}

/** Puts `said` before what the row's note already says (why TaskFlow failed, say). */
function noted(row: Row, said: string): string {
  return row.note ? `${said}; ${row.note}` : said;
}

/** The row of `c` as measured, given W6's fields when `c` is a W6 row. */
export function withW6(c: Comparison, af: AtomflowFigures, tf: PeerFigures | null, row: Row): Row {
  const job = c.atomflow;
  if (job.kind !== 'w6-noop' && job.kind !== 'w6-sleep') return row;
  const throughput = af.beside?.throughput;
  const tfThroughput = tf?.also?.throughput_tasks_per_s ?? null;
  const throughputRatio = throughput && tfThroughput ? throughput.median / tfThroughput.median : null;
  const run = af.beside?.run;
  const fixed = af.beside?.fixed;
  const tfRun = tf?.also?.run_s ?? null;
  const tfFixed = tf?.also?.fixed_s ?? null;
  const tfPerWorker = perWorkerLists(tf?.kept?.tasks_per_worker_per_run);
  const common: Row = {
    ...row,
    workers: job.workers,
    concurrency: job.concurrency,
    ...(throughput ? { throughput } : {}),
    taskflow_throughput: tfThroughput,
    throughput_ratio: throughputRatio,
    ...(run ? { run } : {}),
    ...(fixed ? { fixed } : {}),
    taskflow_run: tfRun,
    taskflow_fixed: tfFixed,
    ...(af.tasksPerWorker ? { tasks_per_worker: af.tasksPerWorker } : {}),
    taskflow_tasks_per_worker: tfPerWorker,
  };
  const runs =
    `run() AF ${seconds(run)} (fixed ${seconds(fixed)}), TF ${seconds(tfRun)} (fixed ${seconds(tfFixed)}); ` +
    `tasks/worker AF ${splits(af.tasksPerWorker)}, TF ${splits(tfPerWorker)}`;
  if (job.kind === 'w6-noop') {
    const said =
      `${fmt(throughput?.median ?? NaN)} tasks/s vs TF ${tfThroughput ? fmt(tfThroughput.median) : '—'} ` +
      `(AF/TF ${times(throughputRatio)}); ${runs}`;
    return { ...common, note: noted(row, said) };
  }
  const ideal = w6IdealSeconds(job.n, job.sleepMs, job.workers, job.concurrency);
  const over = row.atomflow.median / ideal;
  const tfOver = row.taskflow ? row.taskflow.median / ideal : null;
  const said = `ideal ${fmt(ideal)} s; AF/ideal ${ratio(over)}, TF/ideal ${ratio(tfOver)}; ${runs}`;
  return {
    ...common,
    ideal,
    makespan_over_ideal: over,
    taskflow_makespan_over_ideal: tfOver,
    note: noted(row, said),
  };
}

/** W6 in words, for under the table; null when no W6 row was measured. */
export function w6Sentences(rows: readonly Row[]): string | null {
  const lines: string[] = [];
  for (const r of rows) {
    if (r.workload !== 'W6-noop' && r.workload !== 'W6-sleep') continue;
    const where = `${r.workload} ${r.shape ?? ''}, N=${r.n}`;
    const tf = r.taskflow !== null;
    const cost =
      `; engine.run() ${seconds(r.run)}, of which fixed ${seconds(r.fixed)}` +
      (tf ? ` (TaskFlow ${seconds(r.taskflow_run)}, fixed ${seconds(r.taskflow_fixed)})` : '') +
      `; tasks per worker ${splits(r.tasks_per_worker)}` +
      (tf ? ` (TaskFlow ${splits(r.taskflow_tasks_per_worker)})` : '');
    if (r.workload === 'W6-noop') {
      const linear = r.shape?.startsWith('linear') ?? false;
      lines.push(
        `${where}: ${fmt(r.throughput?.median ?? NaN)} tasks/s, ${fmt(r.atomflow.median)} ms per task` +
          (linear ? ' round trip' : '') +
          (tf
            ? `; TaskFlow ${fmt(r.taskflow_throughput?.median ?? NaN)} tasks/s, ${fmt(r.taskflow!.median)} ms = ` +
              `${times(r.throughput_ratio)} the throughput${linear ? '' : ' (target ≥ 10×)'}`
            : '; TaskFlow not measured') +
          `${cost}.`,
      );
    } else {
      lines.push(
        `${where}: makespan ${fmt(r.atomflow.median)} s = ${ratio(r.makespan_over_ideal)} the ideal ` +
          `${fmt(r.ideal ?? NaN)} s (target ≤ 1.05×)` +
          (tf
            ? `; TaskFlow ${fmt(r.taskflow!.median)} s = ${ratio(r.taskflow_makespan_over_ideal)}`
            : '; TaskFlow not measured') +
          `${cost}.`,
      );
    }
  }
  return lines.length > 0 ? lines.join('\n') : null;
}
