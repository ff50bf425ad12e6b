/**
 * History retention: deleting the ended runs that the retention settings no
 * longer keep, then giving the space they used back to the operating system.
 *
 * The settings live in the run store (so the CLI, the browser host and the
 * desktop app share them). The run service applies them when its store is
 * first opened, after each run ends (only that flow's runs and the age limit,
 * which are cheap), and when asked. All of it happens in the background, one
 * job at a time, in small steps: runs are deleted a batch per transaction and
 * pages freed a bounded step at a time, with a turn of the event loop in
 * between, so neither a run's end event nor any request waits for it.
 */
import type { RunSummary as StoredRun, SqliteBackend, StoreSpace } from '../../engine/index.js';
import { InvalidSettingsError } from './errors.js';
import { readRunMeta } from './meta.js';
import { retentionSettingsSchema, type PruneReport, type RetentionSettings } from './retention-settings.js';

/** Where the settings are kept in the store. */
export const RETENTION_SETTING = 'retention';
/** Runs deleted per transaction. */
export const DELETE_BATCH = 100;
/** Runs read per history page while choosing. */
const PAGE = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** States a run may be deleted in: ended ones, and SUSPENDED for a cancelled run (never resumed). */
const DELETABLE_STATES = ['SUCCESS', 'REVERTED', 'FAILURE', 'SUSPENDED'] as const;
const ENDED: ReadonlySet<string> = new Set(['SUCCESS', 'REVERTED', 'FAILURE']);

/** Options of {@link RunService.prune}. */
export interface PruneOptions {
  /** Apply these settings instead of the stored ones. */
  readonly settings?: RetentionSettings;
  /** The time the age limit counts back from (default: now); ISO-8601 text or epoch ms. */
  readonly now?: Date | string | number;
}

/** What the keeper uses of the run service. */
export interface RetentionHost {
  /** The open store (opened if needed). */
  store(): SqliteBackend;
  /** Whether a store exists: reading the settings of a missing one must not create it. */
  storeExists(): boolean;
  /** Whether a run is executing in this process (it is never deleted, whatever its stored state). */
  isBusy(runId: string): boolean;
  /** Where a background job's failure goes. */
  warn(message: string, error: unknown): void;
}

/** What one job does: which runs it may look at, and whether to give space back when it deleted nothing. */
interface Job {
  readonly settings: RetentionSettings;
  /** Only this flow's runs for `keepLast` (after a run of it ended); every flow when absent. */
  readonly flow?: string;
  readonly now: number;
  /** Give free pages back even when this job deleted nothing (start-up, explicit, after a delete). */
  readonly reclaimAlways: boolean;
}

/** The settings as checked data, or an {@link InvalidSettingsError} naming each bad field. */
export function checkRetention(value: unknown): RetentionSettings {
  const parsed = retentionSettingsSchema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidSettingsError(
      parsed.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((k) => ({ path: k, message: 'unknown setting' }))
          : [{ path: issue.path.map(String).join('.'), message: issue.message }],
      ),
    );
  }
  // Only the limits that are set: `{ keepLast: undefined }` is `{}`.
  const { keepLast, maxAgeDays } = parsed.data;
  return {
    ...(keepLast !== undefined ? { keepLast } : {}),
    ...(maxAgeDays !== undefined ? { maxAgeDays } : {}),
  };
}

function timeOf(value: Date | string | number | undefined): number {
  const ms =
    value === undefined ? Date.now() : value instanceof Date ? value.getTime() : new Date(value).getTime();
  if (!Number.isFinite(ms)) {
    throw new InvalidSettingsError([{ path: 'now', message: 'must be a time (ISO-8601 or epoch ms)' }]);
  }
  return ms;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Longest a job works before it gives the event loop a turn (the run service's runs use the same). */
const WORK_SLICE_MS = 10;

/** Gives the event loop a turn once `WORK_SLICE_MS` of work has passed since the last one. */
function pacer(): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < WORK_SLICE_MS) return undefined;
    return turn().then(() => {
      since = performance.now();
    });
  };
}

/**
 * Keeps the history within the retention settings for one run service: the
 * settings' reading and writing, and the pruning jobs, run one at a time.
 */
export class RetentionKeeper {
  private queue: Promise<unknown> = Promise.resolve();
  /** Flows whose after-run job is queued and not started: another run of them ending adds nothing. */
  private readonly queuedFlows = new Set<string>();
  private reclaimQueued = false;
  /** The start-up job while it waits to start: an explicit prune queued meanwhile does its work instead. */
  private startup: { skip: boolean } | undefined;
  private stopping = false;

  /**
   * @param override settings that win over the stored ones for this service
   *   (`{}`: no automatic pruning); undefined to use the stored ones.
   */
  constructor(
    private readonly host: RetentionHost,
    private readonly override: RetentionSettings | undefined,
  ) {}

  /** The stored settings; `{}` when none are stored (or what is stored is not valid settings). */
  stored(): RetentionSettings {
    if (!this.host.storeExists()) return {};
    try {
      return checkRetention(this.host.store().readSetting(RETENTION_SETTING) ?? {});
    } catch (e) {
      // Hand-edited or written by something else: keeping everything is the safe reading.
      if (e instanceof InvalidSettingsError) return {};
      throw e;
    }
  }

  /** Stores new settings (replacing the old ones; `{}` turns retention off) and returns them. */
  store(value: unknown): RetentionSettings {
    const settings = checkRetention(value);
    this.host
      .store()
      .writeSetting(RETENTION_SETTING, Object.keys(settings).length > 0 ? settings : undefined);
    return settings;
  }

  /**
   * The store was just opened: apply the settings it holds now to every flow
   * (in the background, after the request that opened it is answered).
   */
  opened(): void {
    let settings: RetentionSettings;
    try {
      settings = this.effective();
    } catch (e) {
      this.host.warn('reading the history retention settings failed', e);
      return;
    }
    const startup = { skip: false };
    this.startup = startup;
    this.background(async () => {
      await turn();
      if (this.startup === startup) this.startup = undefined;
      if (startup.skip) return;
      await this.run({ settings, now: Date.now(), reclaimAlways: true });
    });
  }

  /** A run of `flow` ended: apply `keepLast` to that flow and the age limit (in the background). */
  afterRun(flow: string): void {
    if (this.queuedFlows.has(flow)) return;
    this.queuedFlows.add(flow);
    this.background(async () => {
      await turn(); // the end event's listeners (and whoever awaits the run) go first
      this.queuedFlows.delete(flow);
      await this.run({ settings: this.effective(), flow, now: Date.now(), reclaimAlways: false });
    });
  }

  /** A run was deleted: give its pages back (in the background). */
  afterDelete(): void {
    if (this.reclaimQueued) return;
    this.reclaimQueued = true;
    this.background(async () => {
      this.reclaimQueued = false;
      await this.run({ settings: {}, now: Date.now(), reclaimAlways: true });
    });
  }

  /**
   * Applies the settings (the stored ones unless given) to every flow now;
   * resolves with what it did. (Async so that bad options reject rather than throw.)
   */
  async prune(options: PruneOptions = {}): Promise<PruneReport> {
    const settings = options.settings !== undefined ? checkRetention(options.settings) : undefined;
    const now = timeOf(options.now);
    // No store, no runs: asking must not create the file.
    if (!this.host.storeExists())
      return { runs: 0, bytesFreed: 0, bytesBefore: 0, bytesAfter: 0, durationMs: 0 };
    // It covers every flow, as the start-up job would: that one would leave it nothing to report.
    if (this.startup) this.startup.skip = true;
    return this.enqueue(() => this.run({ settings: settings ?? this.effective(), now, reclaimAlways: true }));
  }

  /**
   * Waits for the jobs queued so far. A job still deleting stops after its
   * current batch (the rest is left for the next start-up); space is still
   * given back for what it deleted.
   */
  async close(): Promise<void> {
    this.stopping = true;
    await this.queue.catch(() => undefined);
  }

  // ------------------------------------------------------------- internals

  private effective(): RetentionSettings {
    return this.override ?? this.stored();
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private background(job: () => Promise<unknown>): void {
    this.enqueue(job).catch((e: unknown) => {
      this.host.warn('applying the history retention settings failed', e);
    });
  }

  private async run(job: Job): Promise<PruneReport> {
    const started = performance.now();
    const store = this.host.store();
    const before = store.space();
    const doomed = await this.choose(store, job);
    let runs = 0;
    for (let i = 0; i < doomed.length; i += DELETE_BATCH) {
      // Checked again now: a run may have been resumed by this process since it was chosen.
      const batch = doomed.slice(i, i + DELETE_BATCH).filter((id) => !this.host.isBusy(id));
      runs += store.destroyRuns(batch, { states: DELETABLE_STATES }).length;
      // At least one batch per job, so a short-lived process (the CLI) still applies the settings.
      if (this.stopping) break;
      await turn();
    }
    let after: StoreSpace = before;
    if (runs > 0 || (job.reclaimAlways && before.freePages > 0)) {
      await store.reclaimSpace();
      after = store.space();
    }
    return {
      runs,
      bytesFreed: Math.max(0, before.bytes - after.bytes),
      bytesBefore: before.bytes,
      bytesAfter: after.bytes,
      durationMs: Math.round(performance.now() - started),
    };
  }

  /** The runs the settings no longer keep; never one that has not ended or that runs here. */
  private async choose(store: SqliteBackend, job: Job): Promise<string[]> {
    const { keepLast, maxAgeDays } = job.settings;
    const doomed = new Set<string>();
    const breathe = pacer();
    const ended = (r: StoredRun): boolean => {
      if (ENDED.has(r.state)) return true;
      // A cancelled run is SUSPENDED in the store, told apart by its meta; a suspended one can be resumed.
      return (
        r.state === 'SUSPENDED' && readRunMeta(store.getFlowDetail(r.uuid).meta)?.cancelledAt !== undefined
      );
    };
    if (keepLast !== undefined) {
      for (const flow of job.flow !== undefined ? [job.flow] : store.flowNames()) {
        let kept = 0;
        let cursor: string | undefined;
        do {
          const page = store.listRuns({
            flowName: flow,
            limit: PAGE,
            ...(cursor !== undefined ? { cursor } : {}),
          });
          for (const r of page.runs) {
            if (!ended(r)) continue;
            if (kept < keepLast) kept += 1;
            else if (!this.host.isBusy(r.uuid)) doomed.add(r.uuid);
          }
          cursor = page.nextCursor;
          await breathe();
        } while (cursor !== undefined);
      }
    }
    if (maxAgeDays !== undefined) {
      const to = new Date(job.now - maxAgeDays * DAY_MS).toISOString();
      let cursor: string | undefined;
      do {
        const page = store.listRuns({ to, limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) });
        for (const r of page.runs) {
          if (!doomed.has(r.uuid) && ended(r) && !this.host.isBusy(r.uuid)) doomed.add(r.uuid);
        }
        cursor = page.nextCursor;
        await breathe();
      } while (cursor !== undefined);
    }
    return [...doomed];
  }
}
