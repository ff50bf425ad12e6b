/**
 * The SQLite schema as an ordered list of forward migrations, one per schema
 * version. A file records the versions applied to it in `schema_version`;
 * {@link migrate} applies the missing ones in one transaction. Never edit a
 * released step: add a new one.
 */
import type { Database } from 'better-sqlite3';
import { StorageFailure } from '../../errors.js';

/** One schema version: the SQL that brings a file from the previous version to this one. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'the TaskFlow model: logbooks, flow details, atom details',
    // JSON text columns hold values written by codec.ts; failures are `Failure.toDict()` JSON.
    // An atom detail's `seq` keeps creation order, which failure ordering depends on.
    sql: `
      CREATE TABLE schema_version (
        version INTEGER PRIMARY KEY,
        applied_at TEXT NOT NULL
      );
      CREATE TABLE logbooks (
        uuid TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        meta TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE flowdetails (
        uuid TEXT PRIMARY KEY,
        parent_uuid TEXT NOT NULL REFERENCES logbooks(uuid) ON DELETE CASCADE,
        name TEXT NOT NULL,
        state TEXT,
        meta TEXT NOT NULL
      );
      CREATE INDEX flowdetails_parent ON flowdetails(parent_uuid);
      CREATE TABLE atomdetails (
        seq INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL,
        parent_uuid TEXT NOT NULL REFERENCES flowdetails(uuid) ON DELETE CASCADE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('task', 'retry')),
        state TEXT NOT NULL,
        intention TEXT NOT NULL,
        results TEXT,
        failure TEXT,
        revert_results TEXT,
        revert_failure TEXT,
        meta TEXT NOT NULL,
        version TEXT NOT NULL,
        UNIQUE (parent_uuid, uuid)
      );
    `,
  },
  {
    version: 2,
    description: 'history: run times and engine, indices for filters and pagination, the event log',
    // Runs written at version 1 get their logbook's times and the engine their meta names.
    sql: `
      ALTER TABLE flowdetails ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
      ALTER TABLE flowdetails ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
      ALTER TABLE flowdetails ADD COLUMN engine TEXT;
      UPDATE flowdetails SET
        created_at = (SELECT l.created_at FROM logbooks l WHERE l.uuid = flowdetails.parent_uuid),
        updated_at = (SELECT l.updated_at FROM logbooks l WHERE l.uuid = flowdetails.parent_uuid),
        engine = CASE WHEN json_valid(meta) THEN
          CASE WHEN json_type(meta, '$.engine') = 'text' THEN json_extract(meta, '$.engine') END
        END;
      CREATE INDEX flowdetails_created ON flowdetails(created_at, uuid);
      CREATE INDEX flowdetails_name ON flowdetails(name, created_at, uuid);
      CREATE INDEX flowdetails_state ON flowdetails(state, created_at, uuid);
      CREATE INDEX flowdetails_engine ON flowdetails(engine, created_at, uuid);
      CREATE TABLE events (
        flow_uuid TEXT NOT NULL REFERENCES flowdetails(uuid) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        type TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (flow_uuid, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: 'store settings: small JSON values by key, shared by every program that opens the file',
    // Named apart from the engine's other tables: a file of someone else's with a `settings`
    // table of its own must still migrate. (Incremental auto-vacuum is not a step: changing it on an
    // existing file needs a VACUUM, which cannot run in a transaction; open.ts does it once.)
    sql: `
      CREATE TABLE atomflow_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Tables of ours; a file that has one of them but no `schema_version` is not ours to migrate. */
const OUR_TABLES = new Set(['logbooks', 'flowdetails', 'atomdetails', 'events']);

/**
 * The schema version of an open database: 0 for an empty one (or one with only
 * tables of others). Reads only.
 * @throws {StorageFailure} when the file has Atomflow's tables but no version.
 */
export function readSchemaVersion(db: Database, file: string = db.name): number {
  const tables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
  if (!tables.includes('schema_version')) {
    const ours = tables.filter((t) => OUR_TABLES.has(t));
    if (ours.length > 0) {
      throw new StorageFailure(
        `The SQLite database '${file}' has tables named like Atomflow's (${ours.join(', ')}) but no ` +
          'schema_version table, so it was not written by Atomflow; refusing to change it',
      );
    }
    return 0;
  }
  return db.prepare<[], number | null>('SELECT max(version) FROM schema_version').pluck().get() ?? 0;
}

/** The error for a file written by a newer Atomflow. */
export function tooNew(file: string, version: number): StorageFailure {
  return new StorageFailure(
    `The SQLite database '${file}' has schema version ${version}, newer than the version ${SCHEMA_VERSION} ` +
      'this Atomflow knows: it was written by a newer Atomflow. Upgrade Atomflow to open it; the file was not changed',
  );
}

/**
 * Brings a database to schema version `upTo` (default: the latest), applying
 * the missing migrations in one immediate transaction; a file already at or
 * past `upTo` is left alone. Journal mode and pragmas are the caller's.
 *
 * @returns the version before and after.
 * @throws {StorageFailure} when the file's version is newer than this code knows.
 */
export function migrate(db: Database, upTo: number = SCHEMA_VERSION): { from: number; to: number } {
  if (!Number.isInteger(upTo) || upTo < 1 || upTo > SCHEMA_VERSION) {
    throw new RangeError(`Schema version to migrate to must be an integer from 1 to ${SCHEMA_VERSION}`);
  }
  const apply = db.transaction(() => {
    const from = readSchemaVersion(db);
    if (from > SCHEMA_VERSION) throw tooNew(db.name, from);
    let to = from;
    for (const step of MIGRATIONS) {
      if (step.version <= from || step.version > upTo) continue;
      db.exec(step.sql);
      // Prepared here: before the first step the table does not exist.
      db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(
        step.version,
        new Date().toISOString(),
      );
      to = step.version;
    }
    return { from, to };
  });
  return apply.immediate();
}
