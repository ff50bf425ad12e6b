/**
 * History queries over the SQLite file: runs filtered and paged newest first
 * (keyset pagination over the `flowdetails_*` indices, never OFFSET), one run
 * with its atom details, and the event log of a run.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { ValueError } from '../../errors.js';
import { PENDING, type FlowState } from '../../states.js';
import type { FlowDetail } from '../models.js';
import type { StoredFlowRow } from './rows.js';

/** A point in time: a `Date`, an ISO-8601 string or milliseconds since the epoch. */
export type TimeBound = Date | string | number;

/** Filters and page of {@link SqliteBackend.listRuns}. */
export interface ListRunsQuery {
  /** Runs of flows with exactly this name. */
  readonly flowName?: string;
  /** Runs in this state (`PENDING` also matches runs whose state was never set). */
  readonly state?: FlowState;
  /** Runs of this engine kind (`fd.meta.engine`, e.g. `'serial'`). */
  readonly engine?: string;
  /** Runs created at or after this time. */
  readonly from?: TimeBound;
  /** Runs created before this time. */
  readonly to?: TimeBound;
  /** Page size, 1 to {@link MAX_PAGE}; default 50. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** One run in a history list. */
export interface RunSummary {
  readonly uuid: string;
  /** The flow detail's name (a new run is named after its flow). */
  readonly name: string;
  /** The run's state; `PENDING` when it was never set. */
  readonly state: FlowState;
  /** The engine kind that ran it, when recorded. */
  readonly engine: string | undefined;
  /** ISO-8601 time the run was first saved. */
  readonly createdAt: string;
  /** ISO-8601 time of the run's last saved change. */
  readonly updatedAt: string;
  readonly logbookUuid: string;
}

/** A page of runs, newest first; `nextCursor` is absent on the last page. */
export interface RunPage {
  readonly runs: RunSummary[];
  readonly nextCursor?: string;
}

/** One run with its flow detail and all its atom details (in creation order). */
export interface RunDetail extends RunSummary {
  readonly flowDetail: FlowDetail;
}

/** Which events of a run {@link SqliteBackend.getEvents} returns. */
export type { EventsQuery, RecordedEvent } from '../backend.js';
import type { EventsQuery } from '../backend.js';

/** Page size of `listRuns` when none is given. */
export const DEFAULT_PAGE = 50;
/** Largest page `listRuns` returns. */
export const MAX_PAGE = 1000;

type Db = BetterSqlite3.Database;

function toIso(value: TimeBound, name: string): string {
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'number'
        ? value
        : typeof value === 'string'
          ? Date.parse(value)
          : NaN;
  if (!Number.isFinite(ms)) {
    throw new ValueError(
      `listRuns: '${name}' must be a Date, an ISO-8601 string or milliseconds since the epoch, got ${describe(value)}`,
    );
  }
  return new Date(ms).toISOString();
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return 'an invalid Date';
  return String(value);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** An opaque cursor: the (created_at, uuid) of the last run of a page. */
export function encodeCursor(createdAt: string, uuid: string): string {
  return Buffer.from(JSON.stringify([createdAt, uuid]), 'utf8').toString('base64url');
}

/** The (created_at, uuid) of a cursor; a {@link ValueError} for anything else. */
export function decodeCursor(cursor: unknown): [string, string] {
  const bad = (): never => {
    throw new ValueError(
      `listRuns: invalid cursor ${describe(cursor)}; pass the nextCursor of a previous page unchanged`,
    );
  };
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]+$/.test(cursor)) return bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return bad();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    !ISO.test(parsed[0])
  ) {
    return bad();
  }
  return [parsed[0], parsed[1]];
}

function checkLimit(limit: unknown, where: string, max: number): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ValueError(`${where}: 'limit' must be an integer from 1 to ${max}, got ${describe(limit)}`);
  }
  return limit;
}

function checkString(value: unknown, name: string): string {
  if (typeof value !== 'string')
    throw new ValueError(`listRuns: '${name}' must be a string, got ${describe(value)}`);
  return value;
}

/** The SQL and parameters of a {@link ListRunsQuery} (validated); exported so tests can check its plan. */
export function listRunsSql(query: ListRunsQuery): {
  sql: string;
  params: Record<string, unknown>;
  limit: number;
} {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const limit = query.limit === undefined ? DEFAULT_PAGE : checkLimit(query.limit, 'listRuns', MAX_PAGE);
  if (query.flowName !== undefined) {
    params.name = checkString(query.flowName, 'flowName');
    where.push('name = @name');
  }
  if (query.state !== undefined) {
    params.state = checkString(query.state, 'state');
    where.push(query.state === PENDING ? '(state = @state OR state IS NULL)' : 'state = @state');
  }
  if (query.engine !== undefined) {
    params.engine = checkString(query.engine, 'engine');
    where.push('engine = @engine');
  }
  if (query.from !== undefined) {
    params.from = toIso(query.from, 'from');
    where.push('created_at >= @from');
  }
  // One upper bound over (created_at, uuid), the tighter of `to` and the cursor, so the
  // index range starts right where the page starts. `created_at < to` is `(created_at, uuid) < (to, '')`.
  let upper: [string, string] | undefined;
  if (query.to !== undefined) upper = [toIso(query.to, 'to'), ''];
  if (query.cursor !== undefined) {
    const c = decodeCursor(query.cursor);
    if (!upper || c[0] < upper[0] || (c[0] === upper[0] && c[1] < upper[1])) upper = c;
  }
  if (upper) {
    [params.beforeAt, params.beforeUuid] = upper;
    where.push('(created_at, uuid) < (@beforeAt, @beforeUuid)');
  }
  params.limit = limit + 1; // one more tells whether there is a next page
  const sql =
    'SELECT uuid, parent_uuid, name, state, engine, created_at, updated_at FROM flowdetails' +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY created_at DESC, uuid DESC LIMIT @limit';
  return { sql, params, limit };
}

/** A `flowdetails` row as a {@link RunSummary}. */
export function toSummary(row: Omit<StoredFlowRow, 'meta'>): RunSummary {
  return {
    uuid: row.uuid,
    name: row.name,
    state: (row.state ?? PENDING) as FlowState,
    engine: row.engine ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    logbookUuid: row.parent_uuid,
  };
}

/** Runs history queries; statements are prepared once per query shape. */
export class HistoryQueries {
  private readonly cache = new Map<
    string,
    BetterSqlite3.Statement<[Record<string, unknown>], StoredFlowRow>
  >();
  private readonly events: BetterSqlite3.Statement<
    [string, number, number],
    { seq: number; at: string; body: string }
  >;

  constructor(private readonly db: Db) {
    this.events = db.prepare(
      'SELECT seq, at, body FROM events WHERE flow_uuid = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
  }

  listRuns(query: ListRunsQuery): RunPage {
    const { sql, params, limit } = listRunsSql(query);
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<[Record<string, unknown>], StoredFlowRow>(sql);
      this.cache.set(sql, stmt);
    }
    const rows = stmt.all(params);
    const runs = rows.slice(0, limit).map(toSummary);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return last ? { runs, nextCursor: encodeCursor(last.created_at, last.uuid) } : { runs };
  }

  /** The raw event rows of a run (the caller checks the run exists and decodes). */
  eventRows(flowUuid: string, query: EventsQuery): { seq: number; at: string; body: string }[] {
    const after = query.after ?? 0;
    if (typeof after !== 'number' || !Number.isInteger(after) || after < 0) {
      throw new ValueError(`getEvents: 'after' must be an integer of at least 0, got ${describe(after)}`);
    }
    // SQLite reads a negative LIMIT as "no limit".
    const limit =
      query.limit === undefined ? -1 : checkLimit(query.limit, 'getEvents', Number.MAX_SAFE_INTEGER);
    return this.events.all(flowUuid, after, limit);
  }
}
