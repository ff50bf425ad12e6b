/**
 * Two runs of one flow side by side, atom by atom: what the comparison
 * table shows, worked out apart from how it is drawn.
 */
import type { AtomViewData, RunViewData } from '../../../app/contract/results';
import { formatDuration } from '../../run/looks';

/** One atom in both runs. */
export interface AtomComparison {
  readonly name: string;
  /** The atom in the first run, if it ran there. */
  readonly a: AtomViewData | undefined;
  readonly b: AtomViewData | undefined;
  /** B's duration minus A's, when both have one. */
  readonly deltaMs: number | undefined;
  /** The change relative to A's duration, in percent, when A's is above zero. */
  readonly deltaPct: number | undefined;
  /** The states differ, or the atom is in one run only. */
  readonly differs: boolean;
}

/**
 * Every atom of either run: the first run's in its order, then those only
 * the second has, in its order.
 */
export function compareAtoms(a: RunViewData, b: RunViewData): AtomComparison[] {
  const inB = new Map(b.atoms.map((atom) => [atom.name, atom]));
  const inA = new Set(a.atoms.map((atom) => atom.name));
  const names = [
    ...a.atoms.map((atom) => atom.name),
    ...b.atoms.map((x) => x.name).filter((n) => !inA.has(n)),
  ];
  const byNameA = new Map(a.atoms.map((atom) => [atom.name, atom]));
  return names.map((name) => {
    const atomA = byNameA.get(name);
    const atomB = inB.get(name);
    const da = atomA?.durationMs;
    const db = atomB?.durationMs;
    const deltaMs = da !== undefined && db !== undefined ? db - da : undefined;
    return {
      name,
      a: atomA,
      b: atomB,
      deltaMs,
      deltaPct: deltaMs !== undefined && da !== undefined && da > 0 ? (deltaMs / da) * 100 : undefined,
      differs: atomA?.state !== atomB?.state,
    };
  });
}

/** The longest duration of any atom in the comparison (the bars' common scale). */
export function longestDuration(rows: readonly AtomComparison[]): number {
  let longest = 0;
  for (const r of rows) longest = Math.max(longest, r.a?.durationMs ?? 0, r.b?.durationMs ?? 0);
  return longest;
}

/** "+120 ms (+12%)", "−1.20 s (−40%)", "±0 ms", or "—" when either side has no duration. */
export function formatDelta(deltaMs: number | undefined, deltaPct: number | undefined): string {
  if (deltaMs === undefined) return '—';
  const rounded = Math.round(deltaMs);
  if (rounded === 0) return '±0 ms';
  const sign = rounded > 0 ? '+' : '−';
  const amount = `${sign}${formatDuration(Math.abs(rounded))}`;
  if (deltaPct === undefined || !Number.isFinite(deltaPct)) return amount;
  const pct = Math.abs(deltaPct);
  return `${amount} (${sign}${pct < 10 ? pct.toFixed(1) : pct.toFixed(0)}%)`;
}
