/**
 * Model objects ↔ table rows. Encoding happens before any transaction starts,
 * so a value that cannot be stored is reported without touching the file.
 */
import { StorageFailure } from '../../errors.js';
import type { FailureDict } from '../../failure.js';
import type { EngineEvent } from '../../notify/events.js';
import type { AtomState, FlowState, Intention } from '../../states.js';
import {
  AtomDetail,
  FlowDetail,
  LogBook,
  type AtomDetailDict,
  type AtomKind,
  type FlowDetailDict,
} from '../models.js';
import { Unstorable, decodeValue, encodeValue } from './codec.js';

/** A row of `logbooks`. */
export interface LogbookRow {
  uuid: string;
  name: string;
  meta: string;
  created_at: string;
  updated_at: string;
}

/** The columns of `flowdetails` that a write sets. */
export interface FlowRow {
  uuid: string;
  parent_uuid: string;
  name: string;
  state: string | null;
  meta: string;
  engine: string | null;
  now: string;
}

/** A row of `flowdetails` as read. */
export interface StoredFlowRow {
  uuid: string;
  parent_uuid: string;
  name: string;
  state: string | null;
  meta: string;
  engine: string | null;
  created_at: string;
  updated_at: string;
}

/** A row of `atomdetails` (without `seq`). */
export interface AtomRow {
  uuid: string;
  parent_uuid: string;
  name: string;
  kind: string;
  state: string;
  intention: string;
  results: string | null;
  failure: string | null;
  revert_results: string | null;
  revert_failure: string | null;
  meta: string;
  version: string;
}

/** A row of `events` (its `seq` is given by the insert). */
export interface EventRow {
  flow_uuid: string;
  at: string;
  type: string;
  body: string;
}

/** Encodes one field; `where` names the run and object for the error. */
function encodeField(value: unknown, where: string, field: string): string {
  try {
    return encodeValue(value);
  } catch (e) {
    const what = e instanceof Unstorable ? `${e.what} (at ${e.path.replace(/^\$/, field)})` : String(e);
    throw new StorageFailure(
      `Cannot store ${where}: its ${field} holds ${what}, which SQLite storage cannot keep ` +
        '(it keeps JSON values, undefined, Date, Map, Set, Error and Failure)',
      { cause: e },
    );
  }
}

/** `undefined` is a NULL column, so that it reads back as `undefined` and `null` as `null`. */
function encodeOptional(value: unknown, where: string, field: string): string | null {
  return value === undefined ? null : encodeField(value, where, field);
}

function encodeFailure(f: FailureDict | null): string | null {
  return f === null ? null : JSON.stringify(f);
}

/** The row of a logbook saved at `now` (its new `updated_at`). */
export function logbookRow(book: LogBook, now: string): LogbookRow {
  return {
    uuid: book.uuid,
    name: book.name,
    meta: encodeField(book.meta, `logbook '${book.name}' (${book.uuid})`, 'meta'),
    created_at: book.createdAt,
    updated_at: now,
  };
}

/** The columns of a run saved at `now` in logbook `parentUuid`; the engine kind comes from `meta.engine`. */
export function flowRow(fd: FlowDetail, parentUuid: string, now: string): FlowRow {
  const d = fd.toDict();
  const engine = d.meta.engine;
  return {
    uuid: d.uuid,
    parent_uuid: parentUuid,
    name: d.name,
    state: d.state,
    meta: encodeField(d.meta, `run '${d.name}' (${d.uuid})`, 'meta'),
    engine: typeof engine === 'string' ? engine : null,
    now,
  };
}

/** The row of an atom detail of run `flowUuid`; `undefined` results are NULL columns. */
export function atomRow(flowUuid: string, ad: AtomDetail): AtomRow {
  const d = ad.toDict();
  const where = `atom '${d.name}' (${d.uuid}) of run ${flowUuid}`;
  return {
    uuid: d.uuid,
    parent_uuid: flowUuid,
    name: d.name,
    kind: d.kind,
    state: d.state,
    intention: d.intention,
    results: encodeOptional(d.results, where, 'results'),
    failure: encodeFailure(d.failure),
    revert_results: encodeOptional(d.revertResults, where, 'revertResults'),
    revert_failure: encodeFailure(d.revertFailure),
    meta: encodeField(d.meta, where, 'meta'),
    version: d.version,
  };
}

/** The row of an event of run `flowUuid` recorded at `at`. */
export function eventRow(flowUuid: string, event: EngineEvent, at: string): EventRow {
  const who = 'name' in event ? ` of atom '${event.name}'` : '';
  return {
    flow_uuid: flowUuid,
    at,
    type: event.type,
    body: encodeField(event, `the ${event.type} event${who} of run ${flowUuid}`, 'event'),
  };
}

function decodeOptional(text: string | null): unknown {
  return text === null ? undefined : decodeValue(text);
}

/** An atom row back in the model's dict form. */
export function toAtomDict(row: AtomRow): AtomDetailDict {
  return {
    uuid: row.uuid,
    name: row.name,
    kind: row.kind as AtomKind,
    state: row.state as AtomState,
    intention: row.intention as Intention,
    results: decodeOptional(row.results),
    failure: row.failure === null ? null : (JSON.parse(row.failure) as FailureDict),
    revertResults: decodeOptional(row.revert_results),
    revertFailure: row.revert_failure === null ? null : (JSON.parse(row.revert_failure) as FailureDict),
    meta: decodeValue(row.meta) as Record<string, unknown>,
    version: row.version,
  };
}

/** A run and its atom rows (in creation order) back as a {@link FlowDetail}. */
export function toFlowDetail(row: StoredFlowRow, atoms: readonly AtomRow[]): FlowDetail {
  const d: FlowDetailDict = {
    uuid: row.uuid,
    name: row.name,
    state: row.state as FlowState | null,
    meta: decodeValue(row.meta) as Record<string, unknown>,
  };
  return FlowDetail.fromDict(d, atoms.map(toAtomDict));
}

/** A logbook row and its runs back as a {@link LogBook}. */
export function toLogbook(row: LogbookRow, flows: Iterable<FlowDetail>): LogBook {
  const book = new LogBook(row.name, row.uuid);
  book.meta = decodeValue(row.meta) as Record<string, unknown>;
  book.createdAt = row.created_at;
  book.updatedAt = row.updated_at;
  for (const fd of flows) book.add(fd);
  return book;
}

/** An event body back as the event (its Failures are Failures again). */
export function toEvent(body: string): EngineEvent {
  return decodeValue(body) as EngineEvent;
}
