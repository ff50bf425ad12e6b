/**
 * `--only`: running some workloads of the plan, not all. An entry picks a
 * workload id and every id it is a dash-separated prefix of: `W4` picks every
 * W4 row, `W4-sqlite` picks W4-sqlite and W4-sqlite-normal, `W1-noop` also
 * picks its peak-RSS row. A W4-sqlite row and its limit are one measurement:
 * picking either runs both.
 */
import type { Comparison } from './plan.js';

/** The id of the peak-RSS row, which is measured apart from the plan. */
export const RSS_WORKLOAD = 'W1-noop-rss';

function picks(entry: string, workload: string): boolean {
  return workload === entry || workload.startsWith(`${entry}-`);
}

/** What to run: the comparisons, in plan order, and whether to measure peak RSS. */
export interface Selection {
  plan: Comparison[];
  rss: boolean;
}

/**
 * The part of `plan` that `only` picks (all of it when `only` is null).
 *
 * @throws Error naming the known ids when an entry picks nothing.
 */
export function selectPlan(plan: readonly Comparison[], only: readonly string[] | null): Selection {
  if (only === null) return { plan: [...plan], rss: true };
  const idsOf = (c: Comparison): string[] => (c.limitWorkload ? [c.workload, c.limitWorkload] : [c.workload]);
  const ids = [...new Set([...plan.flatMap(idsOf), RSS_WORKLOAD])];
  const unknown = only.filter((entry) => !ids.some((id) => picks(entry, id)));
  if (unknown.length > 0) {
    throw new Error(`--only: no workload named ${unknown.join(', ')}; the workloads are ${ids.join(', ')}`);
  }
  return {
    plan: plan.filter((c) => idsOf(c).some((id) => only.some((entry) => picks(entry, id)))),
    rss: only.some((entry) => picks(entry, RSS_WORKLOAD)),
  };
}
