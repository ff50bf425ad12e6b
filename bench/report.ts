/**
 * Output: the side-by-side table (default) or one JSON object per line
 * (`--json`), and the targets with PASS/MISS.
 */
import { cpus } from 'node:os';
import type { RssFigures } from './atomflow.js';
import type { Options } from './options.js';
import type { EngineName, Unit } from './plan.js';
import type { Summary } from './stats.js';
import { PYTHON, type RecordedRss } from './taskflow.js';
import type { TargetResult } from './targets.js';

/** One reported result; also the shape of a `--json` line. */
export interface Row {
  workload: string;
  n: number;
  shape?: string;
  engine: EngineName;
  unit: Unit;
  atomflow: Summary;
  taskflow: Summary | null;
  /** TaskFlow median / Atomflow median; null without TaskFlow. */
  ratio: number | null;
  /** TaskFlow's N when it differs from Atomflow's. */
  taskflow_n?: number;
  taskflow_shape?: string;
  /** Set when TaskFlow's figure was not measured in this run. */
  taskflow_source?: string;
  /** Of Atomflow's figures, the part spent in garbage collection (V8's GC pauses in the run's window). */
  atomflow_gc?: Summary;
  /** Peak RSS before the run (Node, tsx and code), for the RSS row. */
  atomflow_baseline?: Summary;
  /** W4-history: which page was listed (`n` is then the runs in the history). */
  query?: string;
  /** W4: where the run was persisted (`sqlite`: `SqliteBackend` on a file; `memory`: `MemoryBackend`). */
  backend?: 'sqlite' | 'memory';
  /** W4 on SQLite: `full` syncs every commit to disk; `normal` does not (see `SqliteBackendOptions`). */
  synchronous?: 'full' | 'normal';
  /** W4-sqlite and W4-limit: SQLite commits per atom, counted in an engine run (bench/commit-limit.ts). */
  commits_per_atom?: number;
  /** W4-sqlite: the limit measured beside its runs (reported as W4-limit / W4-limit-normal), µs per atom. */
  limit?: Summary;
  /** W4-sqlite: Atomflow median / limit median (target ≤ 3 with `synchronous` full); null without a limit. */
  limit_ratio?: number | null;
  /**
   * W2-sleep: the ideal makespan in s, `ceil(n / maxWorkers)` × the sleep (the peer's `ideal_s`); W6-sleep:
   * `ceil(n / (workers × concurrency))` × the sleep.
   */
  ideal?: number;
  /** W2-sleep: Atomflow's median makespan / `ideal` (target ≤ 1.02), and TaskFlow's; W6-sleep: the window's (≤ 1.05). */
  makespan_over_ideal?: number;
  taskflow_makespan_over_ideal?: number | null;
  /** W2-cpu: the serial engine's time for the same tasks in the host, measured beside each run (s). */
  serial?: Summary;
  /** W2-cpu: serial median / parallel median (target ≥ 1.9). */
  speedup?: number;
  /** W2-cpu: CPU seconds other processes (and the VM's steal) took during each parallel run; 0 on a quiet machine. */
  other_cpu?: Summary;
  /** W2-cpu: TaskFlow's serial engine (s), its speed-up with a process pool (its figure), and with threads. */
  taskflow_serial?: Summary | null;
  taskflow_speedup?: number | null;
  taskflow_threads_speedup?: number | null;
  /** W6: worker processes, and the tasks each runs at once (TaskFlow: threads per worker). */
  workers?: number;
  concurrency?: number;
  /** W6: tasks / window (tasks/s), both sides, and Atomflow median / TaskFlow median (W6-noop target ≥ 10). */
  throughput?: Summary;
  taskflow_throughput?: Summary | null;
  throughput_ratio?: number | null;
  /** W6: the whole `engine.run()` (s) and its fixed cost, run − window (s), both sides (the peer's `run_s`, `fixed_s`). */
  run?: Summary;
  fixed?: Summary;
  taskflow_run?: Summary | null;
  taskflow_fixed?: Summary | null;
  /** W6: tasks each worker ran (the pids the tasks returned), busiest first, one list per measured run. */
  tasks_per_worker?: number[][];
  taskflow_tasks_per_worker?: number[][] | null;
  /** Why TaskFlow is null, or what differs between the two sides. */
  note?: string;
}

/** Figures with more digits than the noise allows only hide the ones that matter. */
function round(x: number): number {
  return Number(x.toPrecision(4));
}

function roundSummary(s: Summary): Summary {
  return { median: round(s.median), min: round(s.min), max: round(s.max) };
}

const roundOrNull = (x: number | null): number | null => (x === null ? null : round(x));

/** The `--json` line of a row (figures rounded to 4 significant digits). */
export function jsonLine(row: Row): string {
  return JSON.stringify({
    ...row,
    atomflow: roundSummary(row.atomflow),
    taskflow: row.taskflow && roundSummary(row.taskflow),
    ratio: row.ratio === null ? null : round(row.ratio),
    ...(row.atomflow_gc ? { atomflow_gc: roundSummary(row.atomflow_gc) } : {}),
    ...(row.atomflow_baseline ? { atomflow_baseline: roundSummary(row.atomflow_baseline) } : {}),
    ...(row.commits_per_atom !== undefined ? { commits_per_atom: round(row.commits_per_atom) } : {}),
    ...(row.limit ? { limit: roundSummary(row.limit) } : {}),
    ...(row.limit_ratio !== undefined
      ? { limit_ratio: row.limit_ratio === null ? null : round(row.limit_ratio) }
      : {}),
    ...(row.makespan_over_ideal !== undefined ? { makespan_over_ideal: round(row.makespan_over_ideal) } : {}),
    ...(row.taskflow_makespan_over_ideal !== undefined
      ? { taskflow_makespan_over_ideal: roundOrNull(row.taskflow_makespan_over_ideal) }
      : {}),
    ...(row.serial ? { serial: roundSummary(row.serial) } : {}),
    ...(row.speedup !== undefined ? { speedup: round(row.speedup) } : {}),
    ...(row.other_cpu ? { other_cpu: roundSummary(row.other_cpu) } : {}),
    ...(row.taskflow_serial !== undefined
      ? { taskflow_serial: row.taskflow_serial && roundSummary(row.taskflow_serial) }
      : {}),
    ...(row.taskflow_speedup !== undefined ? { taskflow_speedup: roundOrNull(row.taskflow_speedup) } : {}),
    ...(row.taskflow_threads_speedup !== undefined
      ? { taskflow_threads_speedup: roundOrNull(row.taskflow_threads_speedup) }
      : {}),
    ...(row.throughput ? { throughput: roundSummary(row.throughput) } : {}),
    ...(row.taskflow_throughput !== undefined
      ? { taskflow_throughput: row.taskflow_throughput && roundSummary(row.taskflow_throughput) }
      : {}),
    ...(row.throughput_ratio !== undefined ? { throughput_ratio: roundOrNull(row.throughput_ratio) } : {}),
    ...(row.run ? { run: roundSummary(row.run) } : {}),
    ...(row.fixed ? { fixed: roundSummary(row.fixed) } : {}),
    ...(row.taskflow_run !== undefined
      ? { taskflow_run: row.taskflow_run && roundSummary(row.taskflow_run) }
      : {}),
    ...(row.taskflow_fixed !== undefined
      ? { taskflow_fixed: row.taskflow_fixed && roundSummary(row.taskflow_fixed) }
      : {}),
  });
}

/** A figure with as many decimals as its size deserves. */
export function fmt(x: number): string {
  const a = Math.abs(x);
  if (a >= 100) return Math.round(x).toLocaleString('en-US');
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

function cell(s: Summary | null): string {
  return s ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : '—';
}

function taskflowCell(row: Row): string {
  if (!row.taskflow) return 'null';
  const tags = [
    row.taskflow_source ? 'recorded' : '',
    row.taskflow_n !== undefined ? `N=${row.taskflow_n}` : '',
  ];
  const tag = tags.filter((t) => t !== '').join(', ');
  return tag ? `${cell(row.taskflow)} [${tag}]` : cell(row.taskflow);
}

/**
 * Pads columns to their widest cell. Cells hold BMP characters only (–, ×, ≥),
 * so `length` is their width; `rule` puts dashes under the first line.
 */
function layout(lines: string[][], rule = false): string {
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length)));
  const all = rule ? [lines[0]!, widths.map((w) => '-'.repeat(w)), ...lines.slice(1)] : lines;
  return all
    .map((l) =>
      l
        .map((text, c) => text.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The side-by-side table of every row. */
export function table(rows: readonly Row[]): string {
  const head = [
    'workload',
    'n',
    'shape / query',
    'unit',
    'Atomflow median (min–max)',
    'AF GC',
    'TaskFlow median (min–max)',
    'TF/AF',
    'note',
  ];
  const body = rows.map((r) => [
    r.workload,
    String(r.n),
    r.shape ?? r.query ?? '',
    r.unit,
    cell(r.atomflow),
    r.atomflow_gc ? fmt(r.atomflow_gc.median) : '',
    taskflowCell(r),
    r.ratio === null ? '—' : `${fmt(r.ratio)}×`,
    r.note ?? '',
  ]);
  return layout([head, ...body], true);
}

/**
 * A target's figure. Small ratios get 3 decimals: goals such as 1.02× and 1.9×
 * sit where fmt's 2 would print 1.02× for a MISS at 1.0204.
 */
function measuredText(t: TargetResult): string {
  const m = t.measured!;
  return t.unit === '×' && Math.abs(m) < 10 ? m.toFixed(3) : fmt(m);
}

/** The targets, one per line, with the figure each was judged on. */
export function targetLines(results: readonly TargetResult[]): string {
  const lines = results.map((t) => [
    t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'MISS',
    t.target,
    `goal ${t.goal}`,
    t.measured === null ? 'measured: — (needs TaskFlow)' : `measured ${measuredText(t)}${t.unit}`,
    `(${t.what})`,
  ]);
  return layout(lines);
}

/** What the table's figures are and how they were taken, printed above it. */
export function preamble(options: Options, taskflowVersion: string | null): string {
  const cpu = cpus();
  const lines = [
    `Atomflow vs TaskFlow${taskflowVersion ? ` ${taskflowVersion}` : ''}, serial engine (W2: parallel; W6: worker-based)${
      options.quick ? ' — QUICK sizes (smoke check, not the targets’ sizes)' : ''
    }`,
    `median (min–max) of ${options.repeat} runs after warm-up (Atomflow: until ${options.warmupAtoms} atoms ran, ` +
      `at least ${options.warmup} runs; TaskFlow: ${options.warmup} runs); each workload in its own ` +
      'process; no forced GC between runs (see bench/run-workload.ts); Atomflow measured first, then TaskFlow',
    `machine: ${cpu[0]?.model ?? '?'}, ${cpu.length} CPUs; Node ${process.version}; TaskFlow via ${PYTHON}`,
    'us/atom: W1/W3 = build + load + compile + prepare + validate + run, per atom (TaskFlow total_us_per_task); ' +
      'W5 = failing task’s throw → run() rejects, per atom (revert_us_per_task)',
    'W3-compile = engine.compile(), total ms (compile_s); AF GC = median part of Atomflow’s figure spent in ' +
      'V8 GC pauses; TF/AF = TaskFlow median / Atomflow median',
    'W4 = W1-noop persisted, each run on a fresh store whose opening is excluded (TaskFlow backend_setup_s), then ' +
      'read back through a new backend; W4-limit = as many bare WAL commits as the engine makes, measured beside ' +
      'each W4-sqlite run (fsync time drifts); AF/limit = ' +
      'W4 median / W4-limit median; W4-history = ms of one listRuns page (50 runs) right after opening the file',
    'W2 = parallel engine, unordered flow, maxWorkers 8 (TaskFlow: 8 threads): W2-sleep = engine.run() makespan in s ' +
      '(TaskFlow run_s) against the ideal ceil(N/8) × sleep; W2-noop = W1’s per-atom span; W2-cpu = engine.run() in s ' +
      'with the tasks in the shared process pool (one process per CPU, started by the warm-up), speed-up = serial ' +
      'engine beside it / parallel; W2-sleep and W2-cpu warm up for --warmup runs (timers and task bodies, not engine code)',
    'W6 = worker-based engine over RabbitMQ, tasks on separate worker processes (8 at once each; TaskFlow: 8 threads), ' +
      'flow linear[gate, body], window = last body task SUCCESS − gate SUCCESS (atom notifications): W6-noop = ' +
      'window / N in ms/task (TF/AF = throughput AF/TF), W6-sleep = window in s against the ideal ' +
      `ceil(N/(workers×8)) × sleep; W6-sleep warms up for --warmup runs${
        options.quick ? '; TaskFlow’s W6 runs at most 3 times, without warm-up (~2 s fixed cost per run)' : ''
      }`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Peak RSS in words: Atomflow's with the share that is Node itself, and TaskFlow's recorded figure. */
export function rssSentence(
  n: number,
  rss: RssFigures,
  processes: number,
  recorded: RecordedRss | null,
): string {
  const tf = recorded
    ? `TaskFlow ${fmt(recorded.mib)} MiB = ${(recorded.mib / 1024).toFixed(2)} GiB (recorded, N=${recorded.n}).`
    : 'TaskFlow: no recorded figure found.';
  return (
    `Peak RSS (W1-noop N=${n}): Atomflow ${fmt(rss.peak.median)} MiB median over ${processes} fresh processes, ` +
    `of which ${fmt(rss.baseline.median)} MiB is Node + tsx + code before the run; ${tf}`
  );
}
