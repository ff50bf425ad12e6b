/**
 * How big the hardening suites run. `npm test` runs them at a size that fits
 * CI; `ATOMFLOW_HARDENING=full` runs the sizes the hardening issue asks for
 * (and `ATOMFLOW_FUZZ_SEED` replays another fast-check seed). Every suite
 * prints the counts it actually ran, so a full-size run can be quoted.
 */

/** True when the full sizes were asked for. */
export const FULL = process.env.ATOMFLOW_HARDENING === 'full';

/** The seed every fast-check property in the hardening suites starts from (fixed, so CI is repeatable). */
export const SEED = Number(process.env.ATOMFLOW_FUZZ_SEED ?? 20261128);

/** `ci` normally, `full` when ATOMFLOW_HARDENING=full; ATOMFLOW_HARDENING=<number> multiplies the CI size. */
export function scale(ci: number, full: number): number {
  const raw = process.env.ATOMFLOW_HARDENING;
  if (raw === 'full') return full;
  const factor = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(factor) && factor > 0 ? Math.max(1, Math.round(ci * factor)) : ci;
}

/** Prints one line a closing note can quote: what ran, how many, with which seed. */
export function report(suite: string, figures: Record<string, number | string>): void {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${String(v)}`);
  console.log(`[hardening] ${suite}: ${parts.join(' ')} seed=${String(SEED)} full=${String(FULL)}`);
}
