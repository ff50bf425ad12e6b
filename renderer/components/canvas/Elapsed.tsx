/**
 * Time going by: one shared one-second clock for everything that ticks (the
 * running tasks' timers, the run bar's), so a hundred running tasks cost one
 * timer and redraw in the same frame, and only the small components that
 * show a time redraw, never the node or bar around them.
 */
import { useSyncExternalStore } from 'react';
import { formatRunning } from '../../run/atom-time';
import { formatDuration } from '../../run/looks';

const TICK_MS = 1000;
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let now = Date.now();

function tick(): void {
  now = Date.now();
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  // The clock may have stood still since the last subscriber left: React
  // reads the snapshot again after subscribing and redraws with this one.
  if (timer === undefined) {
    now = Date.now();
    timer = setInterval(tick, TICK_MS);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const still = (): (() => void) => () => undefined;
const snapshot = (): number => now;

/** The time (ms since the epoch), redrawing the caller every second while `ticking`. */
export function useNow(ticking: boolean): number {
  return useSyncExternalStore(ticking ? subscribe : still, snapshot);
}

/**
 * The time from `start` to `end`, or to now while `ticking` (then in whole
 * seconds). Nothing without a start.
 */
export function Elapsed({
  start,
  end,
  ticking,
  className,
  testId,
}: {
  readonly start: number | undefined;
  readonly end: number | undefined;
  readonly ticking: boolean;
  readonly className?: string;
  readonly testId?: string;
}) {
  const current = useNow(ticking && start !== undefined);
  if (start === undefined) return null;
  const text = ticking
    ? formatRunning(current - start)
    : formatDuration(end === undefined ? undefined : end - start);
  return (
    <span className={className} data-testid={testId} data-ticking={ticking ? 'true' : undefined}>
      {text}
    </span>
  );
}
