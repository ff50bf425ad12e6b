/**
 * History retention settings, as data: how many ended runs of each flow the
 * run store keeps, and for how long, with their zod schema. Nothing of Node
 * or the engine here, so the host contract checks a request with the very
 * rules the run service applies.
 */
import { z } from 'zod';

/** The most runs per flow `keepLast` may ask to keep. */
export const MAX_KEEP_LAST = 1_000_000;
/** The longest `maxAgeDays` (a hundred years). */
export const MAX_AGE_DAYS = 36_500;

/**
 * Which ended runs the history keeps. Each limit applies on its own: with
 * both set, a run is deleted when it is beyond the last `keepLast` of its flow
 * **or** older than `maxAgeDays` (so both hold afterwards). No limit set (`{}`)
 * keeps everything.
 *
 * Only runs that have ended are ever deleted, and only they count towards
 * `keepLast`: SUCCESS, REVERTED, FAILURE and CANCELLED. A run that is running,
 * suspending or suspended (resumable), or interrupted (left RUNNING by a
 * process that died, so it can still be resumed), is always kept.
 */
export interface RetentionSettings {
  /** Keep the newest N ended runs of each flow (by flow name, newest by start time). */
  readonly keepLast?: number;
  /** Keep ended runs started less than D days (D × 24 h) ago. */
  readonly maxAgeDays?: number;
}

const keepLast = z
  .number({ error: 'must be a whole number of runs' })
  .int({ error: 'must be a whole number of runs' })
  .min(1, { error: 'must be at least 1 (to keep no runs, delete them)' })
  .max(MAX_KEEP_LAST, { error: `must be at most ${String(MAX_KEEP_LAST)}` });

const maxAgeDays = z
  .number({ error: 'must be a whole number of days' })
  .int({ error: 'must be a whole number of days' })
  .min(1, { error: 'must be at least 1' })
  .max(MAX_AGE_DAYS, { error: `must be at most ${String(MAX_AGE_DAYS)}` });

/** The schema of {@link RetentionSettings}: an absent field is a limit not set. */
export const retentionSettingsSchema = z.strictObject({
  keepLast: keepLast.optional(),
  maxAgeDays: maxAgeDays.optional(),
});

/** What applying the retention settings did. */
export interface PruneReport {
  /** Runs deleted, with their atoms and events. */
  readonly runs: number;
  /** How much smaller the store got: pages given back to the operating system × page size. */
  readonly bytesFreed: number;
  /** The store's size before and after (pages × page size: the file's size once its WAL is checkpointed). */
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** How long the deleting and the giving back took. */
  readonly durationMs: number;
}
