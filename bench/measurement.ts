/**
 * What one measured run returns, and the per-atom span W1, W3 and W4 share
 * (TaskFlow's `total_us_per_task`).
 */
import { load, type LoadOptions } from '../engine/index.js';

/**
 * One measured run: its figure, and the clock window the figure covers (so
 * that time spent in garbage collection inside it can be reported too).
 */
export interface Measurement {
  value: number;
  start: number;
  end: number;
  /** Converts a duration in ms inside the window to the figure's unit. */
  toUnit: (ms: number) => number;
  /**
   * W4-sqlite: the limit measured right beside this run (µs per atom of bare
   * durable commits, commit-limit.ts), and the commits per atom it made.
   */
  limit?: number;
  commitsPerAtom?: number;
  /**
   * Other figures measured beside this run, by name, each summarised apart
   * (W2-cpu: `serial`, the serial engine's seconds for the same tasks; and
   * `other_cpu`, CPU seconds other processes took during the run).
   */
  beside?: Record<string, number>;
  /** W6: how many of the run's tasks each worker ran, busiest first (the peer's `tasks_per_worker`). */
  tasksPerWorker?: number[];
}

/** A window of `end - start` ms over `n` atoms, in µs per atom. */
export function perAtom(start: number, end: number, n: number): Measurement {
  const toUnit = (ms: number): number => (ms * 1000) / n;
  return { value: toUnit(end - start), start, end, toUnit };
}

/** A window reported in ms as is (W3-compile, W4-history). */
export function inMs(start: number, end: number): Measurement {
  return { value: end - start, start, end, toUnit: (ms) => ms };
}

/**
 * W1, W3 and W4: microseconds per atom for build + load + compile + prepare +
 * validate + run, the span TaskFlow's `total_us_per_task` covers. With a
 * backend, `load` saves the new run's logbook inside the span, as TaskFlow's
 * `engines.load(..., backend=...)` does inside the peer's.
 */
export async function totalPerAtom(
  build: () => Parameters<typeof load>[0],
  n: number,
  backend?: LoadOptions['backend'],
): Promise<{ m: Measurement; engine: ReturnType<typeof load> }> {
  const t0 = performance.now();
  const engine = load(build(), backend ? { engine: 'serial', backend } : { engine: 'serial' });
  engine.compile();
  engine.prepare();
  engine.validate();
  await engine.run();
  return { m: perAtom(t0, performance.now(), n), engine };
}
