/**
 * The three figures every workload reports, computed the way the peer
 * TaskFlow scripts compute theirs (`statistics.median`, `min`, `max`), so the
 * two sides are summarised alike.
 */

/** Median and range of a set of measured runs, in the workload's unit. */
export interface Summary {
  median: number;
  min: number;
  max: number;
}

/**
 * Summarises measured runs. The median of an even count is the mean of the two
 * middle values, as in Python's `statistics.median`.
 *
 * @throws RangeError when `runs` is empty: a summary of nothing would print as a figure.
 */
export function summarize(runs: readonly number[]): Summary {
  if (runs.length === 0) throw new RangeError('No runs to summarize');
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

/** Multiplies every figure of a summary (unit conversion, e.g. s → ms). */
export function scale(s: Summary, factor: number): Summary {
  return { median: s.median * factor, min: s.min * factor, max: s.max * factor };
}
