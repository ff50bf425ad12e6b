/**
 * Every fixed SQL statement of the backend, prepared once per connection.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { AtomRow, EventRow, FlowRow, LogbookRow, StoredFlowRow } from './rows.js';

type Db = BetterSqlite3.Database;
type Stmt<P extends unknown[] | object, R = unknown> = BetterSqlite3.Statement<
  P extends unknown[] ? P : [P],
  R
>;

const FLOW_COLUMNS = 'uuid, parent_uuid, name, state, meta, engine, created_at, updated_at';
const ATOM_COLUMNS =
  'uuid, parent_uuid, name, kind, state, intention, results, failure, revert_results, revert_failure, meta, version';

export interface Statements {
  upsertLogbook: Stmt<LogbookRow>;
  /** Creates a run, or updates it (and moves it to `parent_uuid`) keeping its `created_at`. */
  upsertFlow: Stmt<FlowRow>;
  /** Updates a run's own fields; 0 changes means it does not exist. */
  updateFlow: Stmt<Omit<FlowRow, 'parent_uuid'>>;
  /** Marks a run as changed now; 0 changes means it does not exist. */
  touchFlow: Stmt<[string, string]>;
  upsertAtom: Stmt<AtomRow>;
  /** Appends an event with the run's next sequence number. */
  appendEvent: Stmt<EventRow>;
  flowExists: Stmt<[string], number>;
  getLogbook: Stmt<[string], LogbookRow>;
  allLogbooks: Stmt<[], LogbookRow>;
  getFlow: Stmt<[string], StoredFlowRow>;
  flowsOfLogbook: Stmt<[string], StoredFlowRow>;
  allFlows: Stmt<[], StoredFlowRow>;
  atomsOfFlow: Stmt<[string], AtomRow>;
  allAtoms: Stmt<[], AtomRow>;
  flowUuidsOfLogbook: Stmt<[string], string>;
  deleteLogbook: Stmt<[string]>;
  deleteAllLogbooks: Stmt<[]>;
  /** A run's logbook, state, and how many runs that logbook holds (deleting a run deletes its logbook). */
  runLogbook: Stmt<[string], { parent_uuid: string; state: string | null; runs: number }>;
  /** The distinct flow names of the runs. */
  flowNames: Stmt<[], string>;
  getSetting: Stmt<[string], string>;
  putSetting: Stmt<[string, string, string]>;
  deleteSetting: Stmt<[string]>;
}

export function prepareStatements(db: Db): Statements {
  return {
    upsertLogbook: db.prepare(
      `INSERT INTO logbooks (uuid, name, meta, created_at, updated_at)
       VALUES (@uuid, @name, @meta, @created_at, @updated_at)
       ON CONFLICT (uuid) DO UPDATE SET name = excluded.name, meta = excluded.meta,
         created_at = excluded.created_at, updated_at = excluded.updated_at`,
    ),
    upsertFlow: db.prepare(
      `INSERT INTO flowdetails (uuid, parent_uuid, name, state, meta, engine, created_at, updated_at)
       VALUES (@uuid, @parent_uuid, @name, @state, @meta, @engine, @now, @now)
       ON CONFLICT (uuid) DO UPDATE SET parent_uuid = excluded.parent_uuid, name = excluded.name,
         state = excluded.state, meta = excluded.meta, engine = excluded.engine, updated_at = excluded.updated_at`,
    ),
    updateFlow: db.prepare(
      `UPDATE flowdetails SET name = @name, state = @state, meta = @meta, engine = @engine, updated_at = @now
       WHERE uuid = @uuid`,
    ),
    touchFlow: db.prepare('UPDATE flowdetails SET updated_at = ? WHERE uuid = ?'),
    upsertAtom: db.prepare(
      `INSERT INTO atomdetails (${ATOM_COLUMNS})
       VALUES (@uuid, @parent_uuid, @name, @kind, @state, @intention, @results, @failure, @revert_results,
         @revert_failure, @meta, @version)
       ON CONFLICT (parent_uuid, uuid) DO UPDATE SET name = excluded.name, kind = excluded.kind,
         state = excluded.state, intention = excluded.intention, results = excluded.results,
         failure = excluded.failure, revert_results = excluded.revert_results,
         revert_failure = excluded.revert_failure, meta = excluded.meta, version = excluded.version`,
    ),
    appendEvent: db.prepare(
      `INSERT INTO events (flow_uuid, seq, at, type, body)
       VALUES (@flow_uuid, (SELECT ifnull(max(seq), 0) + 1 FROM events WHERE flow_uuid = @flow_uuid),
         @at, @type, @body)`,
    ),
    flowExists: db.prepare<[string], number>('SELECT 1 FROM flowdetails WHERE uuid = ?').pluck(),
    getLogbook: db.prepare('SELECT uuid, name, meta, created_at, updated_at FROM logbooks WHERE uuid = ?'),
    allLogbooks: db.prepare('SELECT uuid, name, meta, created_at, updated_at FROM logbooks ORDER BY rowid'),
    getFlow: db.prepare(`SELECT ${FLOW_COLUMNS} FROM flowdetails WHERE uuid = ?`),
    flowsOfLogbook: db.prepare(
      `SELECT ${FLOW_COLUMNS} FROM flowdetails WHERE parent_uuid = ? ORDER BY rowid`,
    ),
    allFlows: db.prepare(`SELECT ${FLOW_COLUMNS} FROM flowdetails ORDER BY rowid`),
    atomsOfFlow: db.prepare(`SELECT ${ATOM_COLUMNS} FROM atomdetails WHERE parent_uuid = ? ORDER BY seq`),
    allAtoms: db.prepare(`SELECT ${ATOM_COLUMNS} FROM atomdetails ORDER BY seq`),
    flowUuidsOfLogbook: db
      .prepare<[string], string>('SELECT uuid FROM flowdetails WHERE parent_uuid = ?')
      .pluck(),
    deleteLogbook: db.prepare('DELETE FROM logbooks WHERE uuid = ?'),
    deleteAllLogbooks: db.prepare('DELETE FROM logbooks'),
    runLogbook: db.prepare(
      `SELECT f.parent_uuid, f.state,
         (SELECT count(*) FROM flowdetails g WHERE g.parent_uuid = f.parent_uuid) AS runs
       FROM flowdetails f WHERE f.uuid = ?`,
    ),
    flowNames: db.prepare<[], string>('SELECT DISTINCT name FROM flowdetails ORDER BY name').pluck(),
    getSetting: db.prepare<[string], string>('SELECT value FROM atomflow_settings WHERE key = ?').pluck(),
    putSetting: db.prepare(
      `INSERT INTO atomflow_settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    ),
    deleteSetting: db.prepare('DELETE FROM atomflow_settings WHERE key = ?'),
  };
}
