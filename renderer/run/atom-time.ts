/**
 * What an atom's time shows, as plain functions: the Output panel's React
 * clock and the canvas painter (which writes the task cards outside React)
 * both read it from here, so the two never disagree.
 */
import type { AtomLive, LiveRun } from './live';
import { formatDuration } from './looks';

/** "7 s", "3 min 05 s": a running time, in whole seconds (tenths would flicker once a second). */
export function formatRunning(ms: number): string {
  const clamped = Math.max(0, ms);
  return clamped < 60_000 ? `${String(Math.floor(clamped / 1000))} s` : formatDuration(clamped);
}

/** Whether the run's clock still goes, and where it stopped. */
export interface RunClock {
  /** The run is not going any more (its stream ended, or its host is gone): nothing ticks. */
  readonly stopped: boolean;
  /** Where an ended run stopped: the end of what was still going then. */
  readonly stoppedAt: number | undefined;
}

/** The clock of the run on the canvas; `info` is the store's `RunInfo` (only whether its host is gone counts). */
export function runClock(
  live: LiveRun | undefined,
  info: { readonly interrupted: boolean } | undefined,
): RunClock {
  return {
    stopped: live?.ended !== false || info?.interrupted === true,
    stoppedAt: live?.ended === true ? (live.endedAt ?? live.lastEventAt) : undefined,
  };
}

/** The span of time an atom shows, or undefined when it shows none. */
export interface AtomSpan {
  readonly start: number;
  /** Undefined while it ticks (or, for a run stopped without an end, unknown). */
  readonly end: number | undefined;
  /** Counts up each second. */
  readonly ticking: boolean;
  /** Of a revert (drawn in the revert's colour). */
  readonly revert: boolean;
}

/**
 * How long the atom has been running or reverting (ticking), or how long its
 * last execute or revert took. A run that stopped (suspended, interrupted)
 * while the atom was going stops its clock where the run stopped.
 */
export function atomSpan(atom: AtomLive, clock: RunClock): AtomSpan | undefined {
  if (atom.state === 'PENDING' || atom.startedAt === undefined) return undefined;
  const going = atom.state === 'RUNNING' || atom.state === 'REVERTING';
  const end = going ? clock.stoppedAt : atom.finishedAt;
  if (!going && end === undefined) return undefined;
  return {
    start: atom.startedAt,
    end,
    ticking: going && !clock.stopped,
    revert: atom.state === 'REVERTING' || atom.state === 'REVERTED',
  };
}

/** The text of a span: whole seconds up to `now` while it ticks, else its duration. */
export function spanText(span: AtomSpan, now: number): string {
  return span.ticking
    ? formatRunning(now - span.start)
    : formatDuration(span.end === undefined ? undefined : span.end - span.start);
}
