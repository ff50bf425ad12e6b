/**
 * The history's retention settings from the renderer: read from the host when
 * the Keep history control opens, saved (and applied at once when asked),
 * with what the last clean-up removed. The settings themselves live in the
 * host's run store, so the CLI and every window see the same ones.
 */
import { create } from 'zustand';
import type { PruneReportData, RetentionSettingsData } from '../../app/contract/results';
import { HostError, type HostClient } from '../host';
import { currentClient } from './connection';

/** A field the host refused, with why (from a `bad-request` answer). */
export type RetentionField = 'keepLast' | 'maxAgeDays';

export interface RetentionState {
  /** The stored settings; undefined until read. */
  readonly settings: RetentionSettingsData | undefined;
  readonly busy: 'loading' | 'saving' | 'pruning' | undefined;
  /** Why the last request failed, when it did. */
  readonly error: string | undefined;
  /** The host's word on each field it refused. */
  readonly fieldErrors: Readonly<Partial<Record<RetentionField, string>>>;
  /** What the last clean-up of this session removed. */
  readonly lastPrune: PruneReportData | undefined;
}

export const useRetention = create<RetentionState>()(() => ({
  settings: undefined,
  busy: undefined,
  error: undefined,
  fieldErrors: {},
  lastPrune: undefined,
}));

function client(): HostClient {
  const c = currentClient();
  if (!c) throw new HostError({ code: 'unavailable', message: 'Not connected to the host' });
  return c;
}

function failed(e: unknown): Pick<RetentionState, 'error' | 'fieldErrors' | 'busy'> {
  const fieldErrors: Partial<Record<RetentionField, string>> = {};
  if (e instanceof HostError) {
    for (const p of e.problems ?? []) {
      const field = p.path.replace(/^params\./, '');
      if (field === 'keepLast' || field === 'maxAgeDays') fieldErrors[field] = p.message;
    }
  }
  return { busy: undefined, error: e instanceof Error ? e.message : String(e), fieldErrors };
}

/** Reads the stored settings from the host. */
export async function loadRetention(): Promise<void> {
  // What was read before may be stale (the CLI or another window may have changed it).
  useRetention.setState({
    settings: undefined,
    busy: 'loading',
    error: undefined,
    fieldErrors: {},
    lastPrune: undefined,
  });
  try {
    const settings = await client().call('settings.retention.get', {});
    useRetention.setState({ settings, busy: undefined });
  } catch (e) {
    useRetention.setState(failed(e));
  }
}

/**
 * Saves `settings` (replacing the stored ones) and, with `applyNow`, applies
 * them at once. Resolves with whether they were saved and what the clean-up
 * removed (absent when none was asked for or it failed; the state says why).
 */
export async function saveRetention(
  settings: RetentionSettingsData,
  applyNow: boolean,
): Promise<{ saved: boolean; pruned?: PruneReportData }> {
  useRetention.setState({ busy: 'saving', error: undefined, fieldErrors: {} });
  let saved = false;
  try {
    const stored = await client().call('settings.retention.set', settings);
    saved = true;
    useRetention.setState({ settings: stored, busy: applyNow ? 'pruning' : undefined });
    if (!applyNow) return { saved };
    const pruned = await client().call('runs.prune', {});
    useRetention.setState({ busy: undefined, lastPrune: pruned });
    return { saved, pruned };
  } catch (e) {
    useRetention.setState(failed(e));
    return { saved };
  }
}
