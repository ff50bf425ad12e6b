/**
 * The SQLite persistence backend (spec §11.2 `sqlite`): logbooks, flow details
 * and atom details in one file, with an append-only event log of each run and
 * the history queries the app needs.
 */
import { resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { NotFound, StorageFailure, ValueError } from '../../errors.js';
import type { EngineEvent } from '../../notify/events.js';
import { PENDING, type FlowState } from '../../states.js';
import type { PersistenceBackend, WriteOptions } from '../backend.js';
import type { AtomDetail, FlowDetail, LogBook } from '../models.js';
import { storageFailure } from './errors.js';
import {
  HistoryQueries,
  toSummary,
  type EventsQuery,
  type ListRunsQuery,
  type RecordedEvent,
  type RunDetail,
  type RunPage,
} from './history.js';
import { KnownRuns } from './known-runs.js';
import { openDatabase } from './open.js';
import { PendingWrites } from './pending.js';
import {
  atomRow,
  eventRow,
  flowRow,
  logbookRow,
  toEvent,
  toFlowDetail,
  toLogbook,
  type AtomRow,
  type EventRow,
  type StoredFlowRow,
} from './rows.js';
import {
  DEFAULT_STEP_PAGES,
  checkpointTruncate,
  readSpace,
  reclaim,
  vacuumStep,
  type ReclaimOptions,
  type ReclaimReport,
  type StoreSpace,
} from './space.js';
import { prepareStatements, type Statements } from './statements.js';

/** Options of {@link SqliteBackend}. */
export interface SqliteBackendOptions {
  /**
   * How long to wait for another process or connection that holds the
   * database's write lock before failing with a "locked" {@link StorageFailure}. Default 5000 ms.
   */
  readonly busyTimeoutMs?: number;
  /**
   * `'full'` (default): every commit is synced to disk before it returns, so a
   * committed transition survives a power loss or an OS crash. `'normal'`:
   * commits survive the process being killed but the last ones may be lost on a
   * power loss (in WAL mode the file is never corrupted either way); faster.
   */
  readonly synchronous?: 'full' | 'normal';
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * A {@link PersistenceBackend} on an SQLite file (better-sqlite3), in WAL mode.
 *
 * Every durable write is one committed transaction when the call returns:
 * `saveLogbook`, `updateFlowDetail` and `updateAtomDetail` never leave half a
 * run behind, and an event given with a write is appended to the run's event
 * log in the same transaction, so after a crash the log and the state agree.
 * Non-durable writes (progress reports) are buffered and land in the
 * transaction of the next durable write of the same run, or at a read,
 * {@link flush} or {@link close}.
 *
 * Opening creates the file if needed and migrates an older schema forward; a
 * file that is not an SQLite database, is corrupt, is locked by another
 * process, cannot be created or written, or was written by a newer Atomflow is
 * refused with a {@link StorageFailure} naming the file (a refused file is not
 * changed). `:memory:` opens a private in-memory database.
 *
 * Values (results, meta, events) are stored as JSON that keeps `undefined`,
 * `Date`, `Map`, `Set`, `Error` and {@link Failure} values; a function, symbol,
 * BigInt or circular structure is refused with a {@link StorageFailure} naming
 * the run, the atom and the field, before anything is written.
 *
 * Files are kept in SQLite's incremental auto-vacuum mode (an older file is
 * converted once, when it is opened): {@link destroyRuns} deletes runs and
 * {@link reclaimSpace} gives the pages they used back to the operating system.
 *
 * @example
 * const backend = new SqliteBackend('runs.db');
 * const engine = load(flow, { backend });
 * await engine.run();
 * backend.listRuns({ state: 'SUCCESS', limit: 20 });
 * backend.close();
 */
export class SqliteBackend implements PersistenceBackend {
  /** This backend keeps an append-only event log of each run. */
  readonly recordsEvents = true;
  /** The absolute path of the database file (or `:memory:`). */
  readonly file: string;
  private readonly busyTimeoutMs: number;
  private db: BetterSqlite3.Database | undefined;
  private readonly sql: Statements;
  private readonly history: HistoryQueries;
  private readonly pending = new PendingWrites();
  /** Runs known to exist, so that a buffered write need not ask the file (the recent ones: it is bounded). */
  private readonly knownRuns = new KnownRuns();
  /** Runs `fn` in one immediate (write-locking) transaction. */
  private readonly transaction: (fn: () => void) => void;

  /**
   * Opens or creates the database at `path`.
   * @throws {StorageFailure} when the file cannot be used (the message says why and names it).
   */
  constructor(path: string, options: SqliteBackendOptions = {}) {
    const busy = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    if (!Number.isInteger(busy) || busy < 0) {
      throw new ValueError(`busyTimeoutMs must be an integer of at least 0, got ${String(busy)}`);
    }
    const synchronous = options.synchronous ?? 'full';
    if (synchronous !== 'full' && synchronous !== 'normal') {
      throw new ValueError(`synchronous must be 'full' or 'normal', got ${String(synchronous)}`);
    }
    this.file = path === ':memory:' ? path : resolve(path);
    this.busyTimeoutMs = busy;
    const db = openDatabase(this.file, { busyTimeoutMs: busy, synchronous });
    try {
      this.sql = prepareStatements(db);
      this.history = new HistoryQueries(db);
    } catch (e) {
      db.close();
      throw storageFailure(this.file, 'open the run store', e, busy);
    }
    const tx = db.transaction((fn: () => void) => {
      fn();
    });
    this.transaction = (fn) => {
      tx.immediate(fn);
    };
    this.db = db;
  }

  /** Same as the constructor. */
  static open(path: string, options?: SqliteBackendOptions): SqliteBackend {
    return new SqliteBackend(path, options);
  }

  // ---------------------------------------------------------------- plumbing

  /** Runs `fn` on the open database, turning any error into a {@link StorageFailure} naming the file. */
  private guard<T>(doing: string, fn: () => T): T {
    if (!this.db) {
      throw new StorageFailure(`Cannot ${doing}: the SQLite backend of '${this.file}' is closed`);
    }
    try {
      return fn();
    } catch (e) {
      throw storageFailure(this.file, doing, e, this.busyTimeoutMs);
    }
  }

  /** The open database (callers are inside {@link guard}, which checks it is open). */
  private open(): BetterSqlite3.Database {
    if (!this.db) throw new StorageFailure(`The SQLite backend of '${this.file}' is closed`);
    return this.db;
  }

  private now(): string {
    return new Date().toISOString();
  }

  private writeAtom(row: AtomRow): void {
    this.sql.upsertAtom.run(row);
  }

  private writeEvent(row: EventRow): void {
    this.sql.appendEvent.run(row);
  }

  /** Inside a transaction: writes what is buffered for a run (the caller clears it after commit). */
  private writePending(flowUuid: string): boolean {
    const run = this.pending.get(flowUuid);
    if (!run) return false;
    for (const row of run.atoms.values()) this.writeAtom(row);
    for (const row of run.events) this.writeEvent(row);
    return true;
  }

  private requireRun(flowUuid: string, now: string): void {
    if (this.sql.touchFlow.run(now, flowUuid).changes === 0) {
      throw new NotFound(`No flow detail found with uuid '${flowUuid}'`);
    }
    this.knownRuns.add(flowUuid);
  }

  /** Writes every buffered (non-durable) write now, in one transaction. */
  flush(): void {
    this.guard('write buffered progress', () => {
      this.flushAll();
    });
  }

  private flushAll(): void {
    const runs = this.pending.runs();
    if (runs.length === 0) return;
    const now = this.now();
    this.transaction(() => {
      for (const uuid of runs) {
        this.sql.touchFlow.run(now, uuid);
        this.writePending(uuid);
      }
    });
    for (const uuid of runs) this.pending.delete(uuid);
  }

  // ---------------------------------------------------------------- writes

  /** Creates or updates a logbook with its flow details and their atom details, in one transaction. */
  saveLogbook(book: LogBook): void {
    this.guard(`save logbook '${book.name}' (${book.uuid})`, () => {
      const now = this.now();
      const bookRow = logbookRow(book, now);
      const flows = [...book].map((fd) => ({
        row: flowRow(fd, book.uuid, now),
        atoms: [...fd].map((ad) => atomRow(fd.uuid, ad)),
      }));
      this.transaction(() => {
        this.sql.upsertLogbook.run(bookRow);
        for (const f of flows) {
          this.writePending(f.row.uuid);
          this.sql.upsertFlow.run(f.row);
          for (const a of f.atoms) this.writeAtom(a);
        }
      });
      book.updatedAt = now;
      for (const f of flows) {
        this.pending.delete(f.row.uuid);
        this.knownRuns.add(f.row.uuid);
      }
    });
  }

  /**
   * Updates a flow detail's own fields and creates or updates the given atom
   * details, with `options.event` appended to the run's log, in one transaction.
   * @throws {NotFound} when the flow detail was never saved.
   */
  updateFlowDetail(fd: FlowDetail, atoms: readonly AtomDetail[] = [], options?: WriteOptions): void {
    this.guard(`save run '${fd.name}' (${fd.uuid})`, () => {
      const now = this.now();
      // The logbook is kept as is: updateFlow does not change parent_uuid.
      const { parent_uuid: _parent, ...row } = flowRow(fd, '', now);
      const atomRows = atoms.map((ad) => atomRow(fd.uuid, ad));
      const event = options?.event ? eventRow(fd.uuid, options.event, now) : undefined;
      this.transaction(() => {
        if (this.sql.updateFlow.run(row).changes === 0) {
          throw new NotFound(`No flow detail found with uuid '${fd.uuid}'`);
        }
        this.writePending(fd.uuid);
        for (const a of atomRows) this.writeAtom(a);
        if (event) this.writeEvent(event);
      });
      this.pending.delete(fd.uuid);
      this.knownRuns.add(fd.uuid);
    });
  }

  /**
   * Creates or updates one atom detail of a saved run. A durable write (the
   * default) is committed, with `options.event`, before this returns. With
   * `options.durable === false` it is buffered (see the class comment).
   * @throws {NotFound} when the run was never saved.
   */
  updateAtomDetail(flowUuid: string, ad: AtomDetail, options?: WriteOptions): void {
    this.guard(`save atom '${ad.name}' of run ${flowUuid}`, () => {
      const now = this.now();
      const row = atomRow(flowUuid, ad);
      const event = options?.event ? eventRow(flowUuid, options.event, now) : undefined;
      if (options?.durable === false) {
        if (!this.knownRuns.has(flowUuid)) {
          if (this.sql.flowExists.get(flowUuid) === undefined) {
            throw new NotFound(`No flow detail found with uuid '${flowUuid}'`);
          }
          this.knownRuns.add(flowUuid);
        }
        if (this.pending.add(flowUuid, row, event)) this.flushAll();
        return;
      }
      this.transaction(() => {
        this.requireRun(flowUuid, now);
        this.writePending(flowUuid);
        this.writeAtom(row);
        if (event) this.writeEvent(event);
      });
      this.pending.delete(flowUuid);
    });
  }

  /** Buffers an event that changes no state (task output) with the run's other non-durable writes. */
  recordEvent(flowUuid: string, event: EngineEvent): void {
    this.guard(`record an event of run ${flowUuid}`, () => {
      if (!this.knownRuns.has(flowUuid)) {
        if (this.sql.flowExists.get(flowUuid) === undefined) {
          throw new NotFound(`No flow detail found with uuid '${flowUuid}'`);
        }
        this.knownRuns.add(flowUuid);
      }
      if (this.pending.add(flowUuid, undefined, eventRow(flowUuid, event, this.now()))) this.flushAll();
    });
  }

  /** Removes a logbook with its runs, their atom details and events. */
  destroyLogbook(uuid: string): void {
    this.guard(`delete logbook ${uuid}`, () => {
      let runs: string[] = [];
      this.transaction(() => {
        runs = this.sql.flowUuidsOfLogbook.all(uuid);
        if (this.sql.deleteLogbook.run(uuid).changes === 0) {
          throw new NotFound(`No logbook found with uuid '${uuid}'`);
        }
      });
      for (const r of runs) {
        this.pending.delete(r);
        this.knownRuns.delete(r);
      }
    });
  }

  /** Removes every logbook, run, atom detail and event. */
  clearAll(): void {
    this.guard('clear the run store', () => {
      this.transaction(() => {
        this.sql.deleteAllLogbooks.run();
      });
      this.pending.clear();
      this.knownRuns.clear();
    });
  }

  /**
   * Deletes runs, each with its logbook, atom details and events, in one
   * transaction. A run is deleted only when it is the one run of its logbook
   * (as every run the app starts is) and, if `states` is given, its state is
   * one of them (`PENDING` also matches a state never set); other runs and
   * unknown uuids are skipped. The pages they used go to the file's free list:
   * {@link reclaimSpace} gives them back to the operating system.
   * @returns the uuids deleted.
   */
  destroyRuns(uuids: readonly string[], options: { readonly states?: readonly FlowState[] } = {}): string[] {
    const states = options.states ? new Set<string>(options.states) : undefined;
    return this.guard(`delete ${String(uuids.length)} run(s)`, () => {
      const deleted: string[] = [];
      this.transaction(() => {
        for (const uuid of uuids) {
          const row = this.sql.runLogbook.get(uuid);
          if (!row || row.runs !== 1) continue;
          if (states && !states.has(row.state ?? PENDING)) continue;
          this.sql.deleteLogbook.run(row.parent_uuid);
          deleted.push(uuid);
        }
      });
      for (const r of deleted) {
        this.pending.delete(r);
        this.knownRuns.delete(r);
      }
      return deleted;
    });
  }

  // ---------------------------------------------------------------- settings

  /**
   * A setting kept in the store (JSON data, as {@link writeSetting} wrote it),
   * or `undefined` when it is not set. Settings live in the file, so every
   * program that opens it sees the same ones.
   */
  readSetting(key: string): unknown {
    return this.guard(`read the setting '${key}'`, () => {
      const text = this.sql.getSetting.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    });
  }

  /**
   * Sets a setting to a JSON value, or removes it when `value` is `undefined`.
   * @throws {ValueError} for a value JSON cannot hold (nothing is written).
   */
  writeSetting(key: string, value: unknown): void {
    let text: string | undefined;
    if (value !== undefined) {
      try {
        text = JSON.stringify(value);
      } catch (e) {
        throw new ValueError(
          `The setting '${key}' must be JSON data: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      if (text === undefined) throw new ValueError(`The setting '${key}' must be JSON data`);
    }
    this.guard(`save the setting '${key}'`, () => {
      this.transaction(() => {
        if (text === undefined) this.sql.deleteSetting.run(key);
        else this.sql.putSetting.run(key, text, this.now());
      });
    });
  }

  // ---------------------------------------------------------------- space

  /** The store's size, free pages and auto-vacuum mode. */
  space(): StoreSpace {
    return this.guard('read the size of the run store', () => readSpace(this.open()));
  }

  /**
   * Gives the store's free pages (left by deleted runs) back to the operating
   * system, in steps of at most `stepPages` pages (each a short write
   * transaction; `pause` is awaited between them, so a large delete never
   * holds the file or the event loop for long), then checkpoints the WAL and
   * truncates it so the file on disk shrinks now. When another process keeps
   * the write lock, it backs off and leaves what remains for a later call.
   * Does nothing on a file that is not in incremental auto-vacuum mode
   * (converting one is {@link SqliteBackend}'s job at open, see `space.ts`).
   */
  async reclaimSpace(options: ReclaimOptions = {}): Promise<ReclaimReport> {
    const stepPages = options.stepPages ?? DEFAULT_STEP_PAGES;
    if (!Number.isInteger(stepPages) || stepPages < 1) {
      throw new ValueError(`stepPages must be an integer of at least 1, got ${String(stepPages)}`);
    }
    const pause = options.pause ?? (() => new Promise<void>((r) => setImmediate(r)));
    const before = this.space();
    const { steps } = await reclaim(
      () =>
        this.db
          ? this.guard('give free space back', () => vacuumStep(this.open(), stepPages, this.busyTimeoutMs))
          : 0,
      () => (this.db ? this.space() : undefined),
      pause,
    );
    let checkpointed = false;
    if (this.db && this.file !== ':memory:') {
      checkpointed = this.guard('checkpoint the run store', () =>
        checkpointTruncate(this.open(), this.busyTimeoutMs),
      );
    }
    const after = this.db ? this.space() : before;
    const pagesFreed = Math.max(0, before.pageCount - after.pageCount);
    return {
      pagesFreed,
      bytesFreed: pagesFreed * before.pageSize,
      steps,
      freePagesLeft: after.freePages,
      checkpointed,
    };
  }

  // ---------------------------------------------------------------- reads

  /** The distinct flow names of the stored runs, sorted. */
  flowNames(): string[] {
    return this.guard('list flow names', () => {
      this.flushAll();
      return this.sql.flowNames.all();
    });
  }

  /** A logbook with its flow details and their atom details; `NotFound` when unknown. */
  getLogbook(uuid: string): LogBook {
    return this.guard(`read logbook ${uuid}`, () => {
      this.flushAll();
      const row = this.sql.getLogbook.get(uuid);
      if (!row) throw new NotFound(`No logbook found with uuid '${uuid}'`);
      return toLogbook(
        row,
        this.sql.flowsOfLogbook.all(uuid).map((f) => toFlowDetail(f, this.sql.atomsOfFlow.all(f.uuid))),
      );
    });
  }

  /** Every logbook with its flow and atom details (three queries, whatever the size). */
  getLogbooks(): LogBook[] {
    return this.guard('read logbooks', () => {
      this.flushAll();
      const atoms = new Map<string, AtomRow[]>();
      for (const a of this.sql.allAtoms.iterate()) {
        const list = atoms.get(a.parent_uuid);
        if (list) list.push(a);
        else atoms.set(a.parent_uuid, [a]);
      }
      const flows = new Map<string, FlowDetail[]>();
      for (const f of this.sql.allFlows.iterate()) {
        const fd = toFlowDetail(f, atoms.get(f.uuid) ?? []);
        const list = flows.get(f.parent_uuid);
        if (list) list.push(fd);
        else flows.set(f.parent_uuid, [fd]);
      }
      return this.sql.allLogbooks.all().map((b) => toLogbook(b, flows.get(b.uuid) ?? []));
    });
  }

  /** A flow detail with its atom details in creation order; `NotFound` when unknown. */
  getFlowDetail(uuid: string): FlowDetail {
    return this.guard(`read run ${uuid}`, () => {
      this.flushAll();
      return toFlowDetail(this.flowRowOf(uuid), this.sql.atomsOfFlow.all(uuid));
    });
  }

  private flowRowOf(uuid: string): StoredFlowRow {
    const row = this.sql.getFlow.get(uuid);
    if (!row) throw new NotFound(`No flow detail found with uuid '${uuid}'`);
    return row;
  }

  // ---------------------------------------------------------------- history

  /**
   * Runs, newest first, filtered by flow name, state, engine and creation time,
   * a page at a time: pass the returned `nextCursor` to get the next page.
   * @throws {ValueError} for a bad limit, time or cursor.
   */
  listRuns(query: ListRunsQuery = {}): RunPage {
    return this.guard('list runs', () => {
      this.flushAll();
      return this.history.listRuns(query);
    });
  }

  /** One run with its flow detail and all atom details; `NotFound` when unknown. */
  getRun(uuid: string): RunDetail {
    return this.guard(`read run ${uuid}`, () => {
      this.flushAll();
      const row = this.flowRowOf(uuid);
      return { ...toSummary(row), flowDetail: toFlowDetail(row, this.sql.atomsOfFlow.all(uuid)) };
    });
  }

  /**
   * The recorded events of a run in order, with their sequence numbers and
   * times; `after` and `limit` read a long log in pieces.
   * @throws {NotFound} when the run is unknown.
   */
  getEvents(flowUuid: string, query: EventsQuery = {}): RecordedEvent[] {
    return this.guard(`read the events of run ${flowUuid}`, () => {
      this.flushAll();
      this.flowRowOf(flowUuid);
      return this.history
        .eventRows(flowUuid, query)
        .map((r) => ({ seq: r.seq, at: r.at, event: toEvent(r.body) }));
    });
  }

  // ---------------------------------------------------------------- closing

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.db === undefined;
  }

  /**
   * Writes what is buffered and closes the file. Using the backend afterwards
   * throws a {@link StorageFailure}; closing twice does nothing.
   */
  close(): void {
    const db = this.db;
    if (!db) return;
    let failure: Error | undefined;
    try {
      this.flush();
    } catch (e) {
      failure = storageFailure(this.file, 'write buffered progress', e, this.busyTimeoutMs);
    }
    this.db = undefined;
    this.pending.clear();
    try {
      db.close();
    } catch (e) {
      failure ??= storageFailure(this.file, 'close the run store', e, this.busyTimeoutMs);
    }
    if (failure !== undefined) throw failure;
  }
}
