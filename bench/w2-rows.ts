/**
 * W2's rows after measuring: W2-sleep gets its ideal makespan and both sides'
 * makespan / ideal, W2-cpu the serial time measured beside it and both sides'
 * speed-ups; the table mode sums W2 up in a few sentences under the table.
 */
import { availableParallelism } from 'node:os';
import type { AtomflowFigures } from './atomflow.js';
import type { Comparison } from './plan.js';
import { idealSeconds } from './plan-w2.js';
import { fmt, type Row } from './report.js';
import type { PeerFigures } from './taskflow.js';

const times = (x: number | null | undefined): string => (x == null ? '—' : `${fmt(x)}×`);
/** Ratios judged against goals such as 1.02× and 1.9×: 3 decimals, so that 1.0204 does not read 1.02. */
const ratio = (x: number | null | undefined): string => (x == null ? '—' : `${x.toFixed(3)}×`);

/** Puts `said` before what the row's note already says (the plan's note, or why TaskFlow failed). */
function noted(row: Row, said: string): string {
  return row.note ? `${said}; ${row.note}` : said;
}

/** W2-sleep: the ideal (s) and makespan / ideal for Atomflow and, when it ran, TaskFlow. */
function sleepRow(c: Comparison, row: Row, tf: PeerFigures | null): Row {
  if (c.atomflow.kind !== 'w2-sleep') return row;
  const { n, sleepMs, maxWorkers } = c.atomflow;
  const ideal = idealSeconds(n, sleepMs, maxWorkers);
  const over = row.atomflow.median / ideal;
  const tfOver = tf ? tf.median / ideal : null;
  return {
    ...row,
    ideal,
    makespan_over_ideal: over,
    taskflow_makespan_over_ideal: tfOver,
    note: noted(row, `ideal ${fmt(ideal)} s; AF/ideal ${ratio(over)}, TF/ideal ${ratio(tfOver)}`),
  };
}

/**
 * W2-cpu: the serial engine's time beside it and the speed-up (serial median
 * / parallel median); TaskFlow's the same way from bench/w2_cpu.py, whose
 * figure is its process-pool run, plus its speed-up with threads.
 */
function cpuRow(c: Comparison, af: AtomflowFigures, row: Row, tf: PeerFigures | null): Row {
  const serial = af.beside?.serial;
  if (c.atomflow.kind !== 'w2-cpu' || !serial) return row;
  const other = af.beside?.other_cpu;
  const speedup = serial.median / row.atomflow.median;
  const tfSerial = tf?.also?.serial_s ?? null;
  const tfThreads = tf?.also?.threads_s;
  const tfSpeedup = tf && tfSerial ? tfSerial.median / tf.median : null;
  const tfThreadsSpeedup = tfSerial && tfThreads ? tfSerial.median / tfThreads.median : null;
  const perTask = (serial.median * 1000) / c.n;
  const said =
    `speed-up ${ratio(speedup)} (serial engine ${fmt(serial.median)} s = ${fmt(perTask)} ms/task, in the host); ` +
    // The shared pool is sized to the CPUs; a long-running host has its processes up, so warm-up started them.
    `pool warm: its ${availableParallelism()} processes started before the measured runs` +
    (other
      ? `; other processes took ${fmt(other.median)} CPU-s (${fmt(other.min)}–${fmt(other.max)}) per parallel run`
      : '') +
    (tf
      ? `; TaskFlow (bench/w2_cpu.py, same loop in Python, calibrated to ~${c.atomflow.taskMs} ms): ` +
        `serial ${tfSerial ? fmt(tfSerial.median) : '—'} s, speed-up ${ratio(tfSpeedup)} with a ` +
        `ProcessPoolExecutor of one process per CPU, made once (its figure), ${ratio(tfThreadsSpeedup)} with ` +
        `${c.atomflow.maxWorkers} threads (GIL)`
      : '');
  return {
    ...row,
    serial,
    speedup,
    ...(other ? { other_cpu: other } : {}),
    taskflow_serial: tfSerial,
    taskflow_speedup: tfSpeedup,
    taskflow_threads_speedup: tfThreadsSpeedup,
    note: noted(row, said),
  };
}

/** The row of `c` as measured, given W2's extra fields when `c` is W2-sleep or W2-cpu. */
export function withW2(c: Comparison, af: AtomflowFigures, tf: PeerFigures | null, row: Row): Row {
  return cpuRow(c, af, sleepRow(c, row, tf), tf);
}

/** W2 in words, for under the table; null when no W2 row was measured. */
export function w2Sentences(rows: readonly Row[]): string | null {
  const lines: string[] = [];
  const sleep = rows.find((r) => r.workload === 'W2-sleep');
  if (sleep?.ideal !== undefined) {
    lines.push(
      `Parallel engine, ${sleep.n} tasks sleeping (W2-sleep): makespan ${fmt(sleep.atomflow.median)} s = ` +
        `${ratio(sleep.makespan_over_ideal)} the ideal ${fmt(sleep.ideal)} s (target ≤ 1.02×); ` +
        (sleep.taskflow
          ? `TaskFlow ${fmt(sleep.taskflow.median)} s = ${ratio(sleep.taskflow_makespan_over_ideal)}.`
          : 'TaskFlow: null.'),
    );
  }
  const noop = rows.find((r) => r.workload === 'W2-noop');
  if (noop) {
    lines.push(
      `Parallel engine, ${noop.n} no-op tasks (W2-noop, W1's span per task): ${fmt(noop.atomflow.median)} us/task` +
        (noop.taskflow
          ? `; TaskFlow's parallel engine ${fmt(noop.taskflow.median)} us/task = ${times(noop.ratio)} Atomflow (target ≥ 100×).`
          : '; TaskFlow: null.'),
    );
  }
  const cpu = rows.find((r) => r.workload === 'W2-cpu');
  if (cpu?.serial) {
    lines.push(
      `Parallel engine, ${cpu.n} CPU-bound tasks in the process pool (W2-cpu): ${fmt(cpu.atomflow.median)} s against ` +
        `${fmt(cpu.serial.median)} s on the serial engine = ${ratio(cpu.speedup)} (target ≥ 1.9×)` +
        // The pool needs every CPU: time other programs took is time the figure lost, not the engine.
        (cpu.other_cpu
          ? `, while other processes took ${fmt(cpu.other_cpu.median)} CPU-s per run` +
            (cpu.other_cpu.median >= 0.05 * cpu.atomflow.median
              ? ' (a shared machine: the speed-up is understated)'
              : '')
          : '') +
        (cpu.taskflow
          ? `; TaskFlow ${ratio(cpu.taskflow_speedup)} with a process pool, ${ratio(cpu.taskflow_threads_speedup)} with threads.`
          : '; TaskFlow: null.'),
    );
  }
  return lines.length > 0 ? lines.join('\n') : null;
}
