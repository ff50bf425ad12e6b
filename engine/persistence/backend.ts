/**
 * The persistence backend interface (spec §11.2): where logbooks, flow details
 * and atom details live between runs and across crashes. Synchronous on
 * purpose: every transition is written before the engine goes on.
 */
import type { AtomDetail, FlowDetail, LogBook } from './models.js';

export interface PersistenceBackend {
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
  updateFlowDetail(fd: FlowDetail, atoms?: readonly AtomDetail[]): void;
  /** A flow detail with its atom details; `NotFound` when unknown. */
  getFlowDetail(uuid: string): FlowDetail;
  /** Creates or updates one atom detail of an existing flow detail. */
  updateAtomDetail(flowUuid: string, ad: AtomDetail): void;
  /** Removes everything. */
  clearAll(): void;
  close(): void;
}
