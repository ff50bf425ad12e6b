/**
 * Child process that measures one Atomflow workload and prints one JSON line
 * on stdout. Each workload gets a fresh process, as each peer TaskFlow script
 * does, so no workload inherits another's heap, garbage or JIT state, and so
 * peak RSS belongs to one run alone.
 *
 * Usage (spawned by atomflow.ts): run-workload.ts '<ChildRequest as JSON>'
 */
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { closeWorkloads, measureOnce, type AtomflowJob, type Measurement } from './workloads.js';

/** What the parent asks of a child. */
export interface ChildRequest {
  job: AtomflowJob;
  /** `time`: warm-up then measured runs; `rss`: one cold run, then peak RSS. */
  mode: 'time' | 'rss';
  repeat: number;
  warmup: number;
  /** Shown in progress lines. */
  label: string;
}

/**
 * What a child prints: the measured figures and, for each, the part of it
 * spent in garbage collection (same unit); for W4-sqlite also the limit
 * measured beside each run and the commits per atom it made; for W2-cpu the
 * figures measured beside each run (`beside`); for W6 which worker ran how
 * many tasks in each run (`tasksPerWorker`); or the peak RSS of one run.
 */
export type ChildReply =
  | {
      runs: number[];
      gc: number[];
      limits?: number[];
      commitsPerAtom?: number;
      beside?: Record<string, number[]>;
      tasksPerWorker?: number[][];
    }
  | { maxRssKiB: number; baselineRssKiB: number };

/**
 * Sums the garbage-collection pauses V8 reports inside a run's window. GC
 * entries are queued, not delivered at once: after a turn of the event loop
 * `takeRecords()` returns the ones the observer's callback has not had yet.
 */
class GcMeter {
  private readonly entries: PerformanceEntry[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    this.entries.push(...list.getEntries());
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  async within(m: Measurement): Promise<number> {
    await new Promise((resolve) => setImmediate(resolve));
    this.entries.push(...this.observer.takeRecords());
    let ms = 0;
    for (const e of this.entries) if (e.startTime >= m.start && e.startTime < m.end) ms += e.duration;
    this.entries.length = 0;
    return m.toUnit(ms);
  }

  stop(): void {
    this.observer.disconnect();
  }
}

async function measureRuns(request: ChildRequest): Promise<ChildReply> {
  // No forced GC before each run, unlike the peer's gc.collect(): in V8 a full
  // GC deoptimizes optimized code that holds weak references to objects that
  // died ("weak objects": ~350 deopts in 30 runs of W1-noop N=1000, against 9
  // without), so every run would start cold. Natural GC still happens inside
  // the runs and is reported separately.
  for (let i = 0; i < request.warmup; i++) await measureOnce(request.job);
  const meter = new GcMeter();
  const runs: number[] = [];
  const gc: number[] = [];
  const limits: number[] = [];
  const beside: Record<string, number[]> = {};
  const tasksPerWorker: number[][] = [];
  let commitsPerAtom: number | undefined;
  for (let i = 0; i < request.repeat; i++) {
    const m = await measureOnce(request.job);
    runs.push(m.value);
    if (m.limit !== undefined) limits.push(m.limit);
    for (const [key, value] of Object.entries(m.beside ?? {})) (beside[key] ??= []).push(value);
    if (m.tasksPerWorker) tasksPerWorker.push(m.tasksPerWorker);
    commitsPerAtom = m.commitsPerAtom;
    gc.push(await meter.within(m));
    process.stderr.write(
      `  [atomflow] ${request.label} run ${i + 1}/${request.repeat}: ${m.value.toPrecision(4)} ` +
        `(GC ${gc.at(-1)!.toPrecision(3)}${m.limit === undefined ? '' : `; limit beside it ${m.limit.toPrecision(4)}`}` +
        Object.entries(m.beside ?? {})
          .map(([key, value]) => `; ${key} beside it ${value.toPrecision(4)}`)
          .join('') +
        `${m.tasksPerWorker ? `; tasks per worker ${m.tasksPerWorker.join('/')}` : ''})\n`,
    );
  }
  meter.stop();
  const besides = {
    ...(Object.keys(beside).length > 0 ? { beside } : {}),
    ...(tasksPerWorker.length > 0 ? { tasksPerWorker } : {}),
  };
  return limits.length > 0
    ? { runs, gc, limits, ...(commitsPerAtom === undefined ? {} : { commitsPerAtom }), ...besides }
    : { runs, gc, ...besides };
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '') as ChildRequest;
  let reply: ChildReply;
  if (request.mode === 'rss') {
    // maxRSS so far is the cost of Node, tsx and the engine's code: reported so it can be subtracted.
    const baselineRssKiB = process.resourceUsage().maxRSS;
    await measureOnce(request.job);
    reply = { maxRssKiB: process.resourceUsage().maxRSS, baselineRssKiB };
  } else {
    reply = await measureRuns(request);
  }
  await closeWorkloads();
  process.stdout.write(`${JSON.stringify(reply)}\n`);
}

await main();
