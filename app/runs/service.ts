/**
 * The run service: the one place front ends call to run flow documents and
 * look at past runs. It owns the SQLite run store.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  FlowDetail,
  INJECTOR_NAME,
  LogBook,
  NotFound,
  SqliteBackend,
  StorageFailure,
  type Engine,
  type FlowEvent,
  type FlowState,
  type LoadOptions,
  type ProcessPool,
  type SqliteBackendOptions,
} from '../../engine/index.js';
import { buildFlow, validateDocument, type FlowDocument } from '../document/index.js';
import { checkRunRequest, engineLoadOptions, loadEngine, storableEngineOptions } from './checks.js';
import { defaultDatabasePath, resolveDatabasePath } from './db-path.js';
import { hasEnded, hasStopped, runStateOf, toRunSummary, toRunView } from './detail.js';
import { InvalidDocumentError, RunNotFoundError, RunStateError, RunStoreError } from './errors.js';
import { failureInfo, jsonSafeRecord, toRunEvent } from './events.js';
import { isRunningHere, liveOtherProcess, markRunningHere, thisHost } from './host.js';
import { resultsFromAtoms } from './lost-results.js';
import { RUN_META_FORMAT, readRunMeta, type RunMeta } from './meta.js';
import { RetentionKeeper, checkRetention, type PruneOptions } from './retention.js';
import type { PruneReport, RetentionSettings } from './retention-settings.js';
import { eventStream } from './stream.js';
import type {
  FailureInfo,
  RunEndEvent,
  RunEvent,
  RunFilters,
  RunList,
  RunSummary,
  RunView,
  StartOptions,
} from './types.js';

/** Options of {@link RunService}. */
export interface RunServiceOptions {
  /**
   * The run store file. Default: `ATOMFLOW_DB`, else the user's app-data
   * folder (see {@link defaultDatabasePath}), whose folder is created if needed.
   */
  readonly db?: string;
  /** Options of the SQLite backend (e.g. `synchronous: 'normal'` for speed over power-loss safety). */
  readonly backend?: SqliteBackendOptions;
  /**
   * The process pool of parallel runs (the desktop app's runs on Electron
   * utility processes); default: the host's shared pool. The service does not close it.
   */
  readonly pool?: ProcessPool;
  /**
   * History retention settings that win over the ones stored in the run
   * store, for this service's automatic pruning and {@link RunService.prune}
   * (`{}`: none). Default: the stored ones ({@link RunService.setRetention}).
   */
  readonly retention?: RetentionSettings;
}

/** Options of {@link RunService.resume}. */
export interface ResumeOptions {
  /**
   * Resume a run even though the process recorded as running it seems alive
   * (its pid was reused by an unrelated process after a crash).
   */
  readonly force?: boolean;
  /** Worker-based engine: the broker URL, when it differs from the run's or had a password (which is not stored). */
  readonly url?: string;
}

/** Options of {@link RunService.subscribe}. */
export interface SubscribeOptions {
  /** Deliver the run's recorded events first (default `true`), so no event is missed. */
  readonly replay?: boolean;
}

type Listener = (event: RunEvent) => void;

/**
 * A run gives the event loop a turn after this much uninterrupted work, so
 * the host streams its events as it goes and keeps answering other requests
 * (a flow of quick synchronous tasks would otherwise hold the loop to the end).
 */
const YIELD_EVERY_MS = 10;

/** A run executing in this service. */
interface ActiveRun {
  readonly engine: Engine;
  readonly listeners: Set<Listener>;
  readonly ended: Promise<RunEndEvent>;
}

/**
 * Runs flow documents and keeps their history in one SQLite file.
 *
 * `start` checks the request (nothing is written for a bad one), stores the
 * document with the run, starts the engine without waiting for it and
 * returns the run id; `subscribe`/`events` stream what happens; `wait`
 * resolves when the run stops. A run suspended, or left RUNNING by a crash,
 * is resumed with `resume`, in this process or in a new one.
 *
 * The store is opened on first use, so a request refused by its checks does
 * not even create the file.
 *
 * @example
 * const runs = new RunService({ db: 'runs.db' });
 * const id = runs.start(document, { inputs: { x: 2 } });
 * for await (const event of runs.events(id)) console.log(event);
 * await runs.close();
 */
export class RunService {
  /** The path of the run store file. */
  readonly path: string;
  private readonly usesDefaultPath: boolean;
  private readonly backendOptions: SqliteBackendOptions;
  private store: SqliteBackend | undefined;
  private readonly active = new Map<string, ActiveRun>();
  private readonly retention: RetentionKeeper;
  private closed = false;

  /** Called when a listener throws; by default the error is printed as a warning. */
  onListenerError: (error: unknown, event: RunEvent) => void = (error) => {
    console.warn('atomflow: a run event listener failed:', error);
  };

  private readonly pool: ProcessPool | undefined;

  /** The pool for a parallel run, when the service was given one. */
  private poolOption(load: LoadOptions): { pool?: ProcessPool } {
    return this.pool !== undefined && load.engine === 'parallel' ? { pool: this.pool } : {};
  }

  constructor(options: RunServiceOptions = {}) {
    this.path = resolveDatabasePath({ db: options.db });
    this.usesDefaultPath = this.path === defaultDatabasePath();
    this.backendOptions = options.backend ?? {};
    this.pool = options.pool;
    this.retention = new RetentionKeeper(
      {
        store: () => this.backend,
        storeExists: () => this.storeExists,
        isBusy: (runId) => this.active.has(runId) || isRunningHere(runId),
        warn: (message, error) => {
          console.warn(`atomflow: ${message}:`, error);
        },
      },
      options.retention !== undefined ? checkRetention(options.retention) : undefined,
    );
  }

  /**
   * Whether there is a store to read: a missing file is an empty history, and
   * reading it must not create it.
   */
  private get storeExists(): boolean {
    return this.store !== undefined || this.path === ':memory:' || existsSync(this.path);
  }

  /** The open backend, opened on first use. */
  private get backend(): SqliteBackend {
    if (this.closed) throw new RunStateError('The run service is closed');
    if (!this.store) {
      try {
        // The app-data folder may not exist yet; an explicit path's folder is the user's to make.
        if (this.usesDefaultPath) mkdirSync(dirname(this.path), { recursive: true });
        this.store = new SqliteBackend(this.path, this.backendOptions);
        this.retention.opened();
      } catch (e) {
        if (e instanceof StorageFailure) throw new RunStoreError(e.message, { cause: e });
        const why = e instanceof Error ? e.message : String(e);
        throw new RunStoreError(`Cannot open the run store '${this.path}': ${why}`, { cause: e });
      }
    }
    return this.store;
  }

  // ------------------------------------------------------------- running

  /**
   * Starts a run of `document` and returns its id. Does not wait for the run.
   * `listener`, if given, gets every event of the run from the first one on
   * (as {@link subscribe} with `replay: false` would, had it been called before the run began).
   * @throws {InvalidDocumentError} with every problem of the document or its inputs (nothing is written).
   * @throws {EngineUnavailableError} for an engine kind or option that cannot be used (nothing is written).
   */
  start(document: unknown, options: StartOptions = {}, listener?: Listener): string {
    const { document: doc, load } = checkRunRequest(document, options);
    const engine = options.engine ?? 'serial';
    const fd = new FlowDetail(doc.name);
    const meta: RunMeta = {
      format: RUN_META_FORMAT,
      engine,
      document: doc,
      ...(options.file !== undefined ? { file: options.file } : {}),
      inputs: doc.inputs ?? {},
      engineOptions: storableEngineOptions(options.engineOptions),
      host: thisHost(),
    };
    fd.meta = { ...meta };
    const book = new LogBook(doc.name);
    book.add(fd);
    const backend = this.backend;
    // The run, its document and options are created in one transaction.
    backend.saveLogbook(book);
    const run = loadEngine(buildFlow(doc), {
      ...load,
      yieldEveryMs: YIELD_EVERY_MS,
      ...this.poolOption(load),
      backend,
      flowDetail: fd,
      store: doc.inputs ?? {},
    });
    this.begin(fd.uuid, run, listener);
    return fd.uuid;
  }

  /**
   * Resumes a suspended run, or one left running by a crash, from where it
   * stopped: finished tasks are not run again. Returns the run id.
   * `listener`, if given, gets every event of the resumed part of the run.
   * @throws {RunNotFoundError} for an unknown id.
   * @throws {RunStateError} for a run that ended, was cancelled, or is running elsewhere.
   */
  resume(runId: string, options: ResumeOptions = {}, listener?: Listener): string {
    if (this.active.has(runId) || isRunningHere(runId)) {
      throw new RunStateError(`Run ${runId} is running in this process`);
    }
    const fd = this.flowDetail(runId);
    const meta = readRunMeta(fd.meta);
    if (!meta) {
      throw new RunStateError(
        `Run ${runId} was not started from a flow document by Atomflow, so its flow cannot be rebuilt`,
      );
    }
    const state = fd.state ?? 'PENDING';
    if (meta.cancelledAt !== undefined && !hasEnded(state)) {
      throw new RunStateError(`Run ${runId} was cancelled at ${meta.cancelledAt}; start a new run instead`);
    }
    if (hasEnded(state))
      throw new RunStateError(`Run ${runId} already ended ${state}; start a new run instead`);
    const pid = state === 'SUSPENDED' || options.force === true ? undefined : liveOtherProcess(meta.host);
    if (pid !== undefined) {
      throw new RunStateError(
        `Run ${runId} is ${state} in process ${pid}, which is still alive; suspend it there ` +
          '(if that process is not Atomflow, resume with force)',
      );
    }
    const problems = validateDocument(meta.document);
    if (problems.length > 0)
      throw new InvalidDocumentError(problems, meta.file ?? `the document of run ${runId}`);
    const doc = meta.document as FlowDocument;
    const stored = meta.engineOptions;
    // A broker password is not stored (see storableEngineOptions): it comes with the resume, or from the environment.
    const url =
      options.url ??
      (stored.url?.includes('***') === true ? (process.env.ATOMFLOW_AMQP_URL ?? stored.url) : stored.url);
    const load: LoadOptions = engineLoadOptions(meta.engine, {
      ...stored,
      ...(url !== undefined ? { url } : {}),
    });
    // The inputs are written just after the run is created; a crash in between left them out.
    const lost = !fd.atoms.has(INJECTOR_NAME) && Object.keys(meta.inputs).length > 0;
    const engine = loadEngine(buildFlow(doc), {
      ...load,
      yieldEveryMs: YIELD_EVERY_MS,
      ...this.poolOption(load),
      backend: this.backend,
      flowDetail: fd,
      ...(lost ? { store: meta.inputs } : {}),
    });
    fd.meta = { ...fd.meta, host: thisHost() };
    this.backend.updateFlowDetail(fd);
    this.begin(runId, engine, listener);
    return runId;
  }

  /**
   * Asks a run of this service to stop after the tasks that are running now;
   * it ends SUSPENDED and can be resumed.
   * @throws {RunStateError} when the run is not running in this service.
   */
  suspend(runId: string): void {
    const run = this.active.get(runId);
    if (!run) {
      this.flowDetail(runId); // unknown id: RunNotFoundError
      throw new RunStateError(`Run ${runId} is not running in this process, so it cannot be suspended here`);
    }
    run.engine.suspend();
  }

  /**
   * Cancels a run: a running one is suspended and marked cancelled (it ends
   * CANCELLED unless it finishes first); a suspended or crashed one is marked
   * cancelled. A cancelled run is never resumed.
   * @throws {RunStateError} for a run that already ended or runs in another live process.
   */
  cancel(runId: string): void {
    const run = this.active.get(runId);
    if (run) {
      const fd = run.engine.flowDetail;
      fd.meta = { ...fd.meta, cancelledAt: new Date().toISOString() };
      this.backend.updateFlowDetail(fd);
      run.engine.suspend();
      return;
    }
    const fd = this.flowDetail(runId);
    const meta = readRunMeta(fd.meta);
    const state = fd.state ?? 'PENDING';
    if (hasEnded(state)) throw new RunStateError(`Run ${runId} already ended ${state}`);
    if (meta?.cancelledAt !== undefined) return;
    const pid = state === 'SUSPENDED' ? undefined : liveOtherProcess(meta?.host);
    if (pid !== undefined || isRunningHere(runId)) {
      throw new RunStateError(`Run ${runId} is running in process ${pid ?? process.pid}; cancel it there`);
    }
    fd.meta = { ...fd.meta, cancelledAt: new Date().toISOString() };
    // A crashed run is put in the state a cancelled running one ends in, so history filters agree.
    const event: FlowEvent | undefined =
      state === 'SUSPENDED'
        ? undefined
        : { type: 'flow', state: 'SUSPENDED', oldState: state, flowName: fd.name, flowUuid: fd.uuid };
    fd.state = 'SUSPENDED';
    this.backend.updateFlowDetail(fd, [], event ? { event } : {});
  }

  /** Resolves with the `end` event when the run stops (at once for a run that is not running here). */
  wait(runId: string): Promise<RunEndEvent> {
    const run = this.active.get(runId);
    if (run) return run.ended;
    try {
      return Promise.resolve(this.storedEnd(runId));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Whether the run is executing in this service. */
  isRunning(runId: string): boolean {
    return this.active.has(runId);
  }

  // ------------------------------------------------------------- events

  /**
   * Calls `listener` with every event of the run: first what was recorded so
   * far (unless `replay: false`), then live events, and last an `end` event.
   * For a run not running here, the recorded events and an `end` are
   * delivered at once. Returns a function that unsubscribes.
   * @throws {RunNotFoundError} for an unknown id.
   */
  subscribe(runId: string, listener: Listener, options: SubscribeOptions = {}): () => void {
    const run = this.active.get(runId);
    if (!this.storeExists) throw new RunNotFoundError(runId);
    if (options.replay ?? true) {
      let recorded;
      try {
        recorded = this.backend.getEvents(runId);
      } catch (e) {
        if (e instanceof NotFound) throw new RunNotFoundError(runId);
        throw e;
      }
      for (const r of recorded) this.deliver(listener, toRunEvent(runId, r.event, r.at));
    }
    if (run) {
      run.listeners.add(listener);
      return () => run.listeners.delete(listener);
    }
    this.deliver(listener, this.storedEnd(runId));
    return () => undefined;
  }

  /**
   * The run's events as an async iterable (recorded ones first), ending after the `end` event.
   * @throws {RunNotFoundError} for an unknown id.
   */
  events(runId: string): AsyncIterableIterator<RunEvent> {
    this.flowDetail(runId);
    return eventStream((listener) => this.subscribe(runId, listener));
  }

  // ------------------------------------------------------------- history

  /** Runs newest first, filtered, a page at a time. */
  listRuns(filters: RunFilters = {}): RunList {
    const { flow, state, engine, from, to, limit, cursor } = filters;
    // CANCELLED runs are SUSPENDED in the store, told apart by their meta.
    if (!this.storeExists) return { runs: [] };
    // An interrupted run is one left RUNNING by a crash (the usual case), told apart by its host.
    const stored = state === 'CANCELLED' ? 'SUSPENDED' : state === 'INTERRUPTED' ? 'RUNNING' : state;
    const page = this.backend.listRuns({
      ...(flow !== undefined ? { flowName: flow } : {}),
      ...(stored !== undefined ? { state: stored } : {}),
      ...(engine !== undefined ? { engine } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
    });
    const runs: RunSummary[] = [];
    for (const r of page.runs) {
      // Only a run that has not ended can be cancelled: read its meta only then.
      const meta = hasEnded(r.state) ? undefined : readRunMeta(this.backend.getFlowDetail(r.uuid).meta);
      const summary = toRunSummary(r, meta, this.isInterrupted(r.uuid, r.state, meta));
      const wanted =
        state === undefined ||
        (state === 'INTERRUPTED'
          ? summary.interrupted === true
          : summary.state === state && !summary.interrupted);
      if (wanted) runs.push(summary);
    }
    return page.nextCursor !== undefined ? { runs, nextCursor: page.nextCursor } : { runs };
  }

  /**
   * One run in full: atoms with states, results, failures and timings, and logs.
   * @throws {RunNotFoundError} for an unknown id.
   */
  getRun(runId: string): RunView {
    if (!this.storeExists) throw new RunNotFoundError(runId);
    try {
      const run = this.backend.getRun(runId);
      const meta = readRunMeta(run.flowDetail.meta);
      const view = toRunView(run, this.backend.getEvents(runId), this.isInterrupted(runId, run.state, meta));
      // Its host was killed after the run's last transition, before `finish` recorded the results.
      if (meta && meta.results === undefined && hasEnded(run.state)) {
        const results = resultsFromAtoms(this.backend.getFlowDetail(runId), meta.document);
        if (results !== undefined) return { ...view, results };
      }
      return view;
    } catch (e) {
      if (e instanceof NotFound) throw new RunNotFoundError(runId);
      throw e;
    }
  }

  /**
   * Deletes a run with its atoms and events.
   * @throws {RunNotFoundError} for an unknown id; {@link RunStateError} for a run that is running here.
   */
  deleteRun(runId: string): void {
    if (this.active.has(runId)) throw new RunStateError(`Run ${runId} is running; cancel it first`);
    if (!this.storeExists) throw new RunNotFoundError(runId);
    let run;
    try {
      run = this.backend.getRun(runId);
    } catch (e) {
      if (e instanceof NotFound) throw new RunNotFoundError(runId);
      throw e;
    }
    const logbook = run.logbookUuid;
    const state = run.state;
    const pid =
      hasEnded(state) || state === 'SUSPENDED'
        ? undefined
        : liveOtherProcess(readRunMeta(run.flowDetail.meta)?.host);
    if (pid !== undefined || isRunningHere(runId)) {
      throw new RunStateError(
        `Run ${runId} is ${state} in process ${pid ?? process.pid}; stop it before deleting it`,
      );
    }
    const book = this.backend.getLogbook(logbook);
    if (book.flows.size > 1) {
      throw new RunStateError(
        `Run ${runId} shares its logbook with ${book.flows.size - 1} other run(s) not started by Atomflow; ` +
          'it cannot be deleted alone',
      );
    }
    this.backend.destroyLogbook(logbook);
    this.retention.afterDelete();
  }

  // ------------------------------------------------------------- retention

  /**
   * The history retention settings stored in the run store (shared by every
   * program that opens it); `{}` when none are set. See {@link RetentionSettings}
   * for what they keep: never a run that has not ended.
   */
  getRetention(): RetentionSettings {
    return this.retention.stored();
  }

  /**
   * Stores new retention settings, replacing the old ones (`{}` keeps every
   * run). They apply from the next start-up or run end; {@link prune} applies them now.
   * @throws {InvalidSettingsError} naming each bad field (nothing is written).
   */
  setRetention(settings: RetentionSettings): RetentionSettings {
    return this.retention.store(settings);
  }

  /**
   * Applies the retention settings now (the stored ones, or `options.settings`)
   * to every flow: deletes the ended runs they no longer keep, with their
   * atoms and events, and gives the space back to the operating system.
   * Runs after any pruning already under way, in small steps.
   * @returns how many runs were deleted and how many bytes the store shrank by.
   */
  prune(options: PruneOptions = {}): Promise<PruneReport> {
    if (this.closed) return Promise.reject(new RunStateError('The run service is closed'));
    return this.retention.prune(options);
  }

  /**
   * Suspends the runs still running here, waits for them to stop, and closes
   * the run store. Closing twice does nothing.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    const running = [...this.active.values()];
    for (const run of running) run.engine.suspend();
    await Promise.all(running.map((r) => r.ended));
    // The runs that just ended queued their pruning: it finishes (briefly) before the store closes.
    await this.retention.close();
    this.closed = true;
    this.store?.close();
    this.store = undefined;
  }

  // ------------------------------------------------------------- internals

  /** Whether a run that has not stopped was left so by a process that is gone (a crash). */
  private isInterrupted(runId: string, state: FlowState, meta: RunMeta | undefined): boolean {
    if (hasStopped(state) || meta?.cancelledAt !== undefined) return false;
    if (this.active.has(runId) || isRunningHere(runId)) return false;
    return liveOtherProcess(meta?.host) === undefined;
  }

  private flowDetail(runId: string): FlowDetail {
    if (!this.storeExists) throw new RunNotFoundError(runId);
    try {
      return this.backend.getFlowDetail(runId);
    } catch (e) {
      if (e instanceof NotFound) throw new RunNotFoundError(runId);
      throw e;
    }
  }

  private deliver(listener: Listener, event: RunEvent): void {
    try {
      listener(event);
    } catch (e) {
      this.onListenerError(e, event);
    }
  }

  /** The `end` event of a run that is not running here, from the store. */
  private storedEnd(runId: string): RunEndEvent {
    const view = this.getRun(runId);
    return {
      type: 'end',
      runId,
      ts: view.finishedAt ?? view.updatedAt,
      state: view.state,
      results: view.results ?? {},
      failures: view.failures,
    };
  }

  /** Runs the engine in the background, relaying its events, and records the outcome. */
  private begin(runId: string, engine: Engine, first: Listener | undefined): void {
    const listeners = new Set<Listener>(first ? [first] : []);
    const dispatch = (event: RunEvent): void => {
      for (const l of [...listeners]) this.deliver(l, event);
    };
    engine.notifier.on('*', (e) => {
      dispatch(toRunEvent(runId, e, new Date().toISOString()));
    });
    markRunningHere(runId, true);
    const finish = (error: unknown): RunEndEvent => {
      let end: RunEndEvent;
      try {
        end = this.finish(runId, engine, error);
      } catch (e) {
        // Reading the outcome failed (the store went away…): still end the stream, with what is known.
        end = {
          type: 'end',
          runId,
          ts: new Date().toISOString(),
          state: 'FAILURE',
          results: {},
          failures: [failureInfo(engine.flowDetail.name, 'execute', e)],
        };
      } finally {
        this.active.delete(runId);
        markRunningHere(runId, false);
      }
      dispatch(end);
      listeners.clear();
      // After the end event, in the background: the run's own end never waits for it.
      if (!this.closed) this.retention.afterRun(engine.flowDetail.name);
      return end;
    };
    // A promise settles at the earliest on the next microtask, so `active` is set before `finish` runs.
    const ended = engine.run().then(
      () => finish(undefined),
      (e: unknown) => finish(e),
    );
    this.active.set(runId, { engine, listeners, ended });
  }

  /** Saves what the run provided and builds its `end` event. */
  private finish(runId: string, engine: Engine, error: unknown): RunEndEvent {
    const storage = engine.storage;
    const state = storage.getFlowState();
    let results: Record<string, unknown> = {};
    try {
      results = jsonSafeRecord(storage.fetchAll());
    } catch {
      // A run that failed in an unexpected way may have nothing readable.
    }
    const fd = engine.flowDetail;
    // The atoms' stored failures (not the run's history of them: a retried task that then succeeded has none).
    const failures: FailureInfo[] = [];
    for (const ad of fd) {
      if (ad.failure) failures.push(failureInfo(ad.name, 'execute', ad.failure));
      if (ad.revertFailure) failures.push(failureInfo(ad.name, 'revert', ad.revertFailure));
    }
    fd.meta = { ...fd.meta, results };
    let saveError: unknown;
    try {
      if (this.store && !this.store.closed) this.store.updateFlowDetail(fd);
    } catch (e) {
      saveError = e;
    }
    const meta = readRunMeta(fd.meta);
    const problem = error ?? saveError;
    // An error that is not a task's failure (the store failed, …) is reported as the run's own.
    const extra =
      problem !== undefined && failures.length === 0 && state !== 'SUCCESS' && state !== 'SUSPENDED'
        ? [failureInfo(fd.name, 'execute', problem)]
        : [];
    return {
      type: 'end',
      runId,
      ts: new Date().toISOString(),
      state: runStateOf(state, meta),
      results,
      failures: [...failures, ...extra],
    };
  }
}
