/**
 * How each run and atom state looks everywhere it is shown (canvas, run bar,
 * history, timeline): one word, one icon and one colour token, so a state
 * reads the same on every screen. Colours are CSS custom properties
 * (`--state-<tone>`) defined in `styles/run.css`.
 */
import type { AtomStateData, RunStateData } from '../../app/contract/results';

export type Tone =
  | 'pending'
  | 'running'
  | 'success'
  | 'failure'
  | 'reverting'
  | 'reverted'
  | 'retrying'
  | 'ignored'
  | 'suspended'
  | 'cancelled'
  | 'interrupted';

export interface StateLook {
  /** What a person reads: "Running", "Reverted"… */
  readonly label: string;
  /** One character, also shown without colour. */
  readonly icon: string;
  readonly tone: Tone;
}

export const ATOM_LOOKS: Readonly<Record<AtomStateData, StateLook>> = {
  PENDING: { label: 'Pending', icon: '○', tone: 'pending' },
  RUNNING: { label: 'Running', icon: '▶', tone: 'running' },
  SUCCESS: { label: 'Success', icon: '✔', tone: 'success' },
  FAILURE: { label: 'Failed', icon: '✖', tone: 'failure' },
  REVERTING: { label: 'Reverting', icon: '↶', tone: 'reverting' },
  REVERTED: { label: 'Reverted', icon: '↺', tone: 'reverted' },
  REVERT_FAILURE: { label: 'Revert failed', icon: '⚠', tone: 'failure' },
  IGNORE: { label: 'Ignored', icon: '⊘', tone: 'ignored' },
  RETRYING: { label: 'Retrying', icon: '↻', tone: 'retrying' },
};

/** A run's state, or INTERRUPTED (left running by a host that is gone), or STARTING (asked, no event yet). */
export type RunLookKey = RunStateData | 'INTERRUPTED' | 'STARTING';

export const RUN_LOOKS: Readonly<Record<RunLookKey, StateLook>> = {
  STARTING: { label: 'Starting', icon: '…', tone: 'pending' },
  PENDING: { label: 'Pending', icon: '○', tone: 'pending' },
  RUNNING: { label: 'Running', icon: '▶', tone: 'running' },
  RESUMING: { label: 'Resuming', icon: '▶', tone: 'running' },
  SUSPENDING: { label: 'Suspending', icon: '⏸', tone: 'suspended' },
  SUSPENDED: { label: 'Suspended', icon: '⏸', tone: 'suspended' },
  SUCCESS: { label: 'Success', icon: '✔', tone: 'success' },
  FAILURE: { label: 'Failed', icon: '✖', tone: 'failure' },
  REVERTED: { label: 'Reverted', icon: '↺', tone: 'reverted' },
  CANCELLED: { label: 'Cancelled', icon: '■', tone: 'cancelled' },
  INTERRUPTED: { label: 'Interrupted', icon: '⚡', tone: 'interrupted' },
};

/** "850 ms", "12.4 s", "3 min 05 s", "2 h 10 min". */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${String(Math.max(0, Math.round(ms)))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${String(Math.floor(s / 60))} min ${String(s % 60).padStart(2, '0')} s`;
  return `${String(Math.floor(s / 3600))} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
