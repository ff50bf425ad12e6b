/**
 * The persistence backend interface (spec §11.2): where logbooks, flow details
 * and atom details live between runs and across crashes. Synchronous on
 * purpose: every transition is written before the engine goes on.
 */
import type { EngineEvent } from '../notify/events.js';
import type { AtomDetail, FlowDetail, LogBook } from './models.js';

/** Options of a write. */
export interface WriteOptions {
  /** `false` for a write nothing depends on (a progress report): it may be delayed. Default `true`. */
  readonly durable?: boolean;
  /** The event announcing this change, for backends that keep an event log (written with the change). */
  readonly event?: EngineEvent;
}

/** Which events of a run's log to read. */
export interface EventsQuery {
  /** Only events with a sequence number greater than this (default 0: from the start). */
  readonly after?: number;
  /** At most this many (default: all). */
  readonly limit?: number;
}

/** An event of a run's log, as recorded. */
export interface RecordedEvent {
  /** Sequence number in the run, from 1, without gaps. */
  readonly seq: number;
  /** ISO-8601 time it was recorded. */
  readonly at: string;
  readonly event: EngineEvent;
}

export interface PersistenceBackend {
  /**
   * Whether this backend keeps an append-only event log of each run; if so the
   * engine hands it every event, in order, with the write it announces.
   */
  readonly recordsEvents?: boolean;
  /** Creates or updates a logbook together with its flow details and their atom details. */
  saveLogbook(book: LogBook): void;
  /** A logbook with its flow and atom details; `NotFound` when unknown. */
  getLogbook(uuid: string): LogBook;
  getLogbooks(): LogBook[];
  destroyLogbook(uuid: string): void;
  /**
   * Updates a flow detail's own fields, and creates or updates the given atom
   * details of it, in one write. The flow detail must exist (`NotFound`).
   */
  updateFlowDetail(fd: FlowDetail, atoms?: readonly AtomDetail[], options?: WriteOptions): void;
  /** A flow detail with its atom details; `NotFound` when unknown. */
  getFlowDetail(uuid: string): FlowDetail;
  /**
   * Creates or updates one atom detail of an existing flow detail. Unless
   * `options.durable` is `false`, the write must be durable when this returns:
   * the engine proceeds on it. A non-durable write (a progress report) may be
   * delayed, but must land before the next durable write of the same run.
   */
  updateAtomDetail(flowUuid: string, ad: AtomDetail, options?: WriteOptions): void;
  /**
   * Appends an event that changes no state (task output) to a run's log; like
   * a non-durable write, it may be buffered until the next durable write.
   */
  recordEvent?(flowUuid: string, event: EngineEvent): void;
  /** The events of a run in the order they happened (backends that keep an event log); `NotFound` for an unknown run. */
  getEvents?(flowUuid: string, query?: EventsQuery): RecordedEvent[];
  /** Removes everything. */
  clearAll(): void;
  close(): void;
}
