/**
 * Opening the SQLite file: refuse what is not ours to change before anything
 * is written, then WAL mode, pragmas, forward migrations and (once per file)
 * incremental auto-vacuum.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { StorageFailure } from '../../errors.js';
import { errorCode, storageFailure } from './errors.js';
import { SCHEMA_VERSION, migrate, readSchemaVersion, tooNew } from './schema.js';
import { convertToIncremental } from './space.js';

/** Options of {@link openDatabase}. */
export interface OpenOptions {
  readonly busyTimeoutMs: number;
  readonly synchronous: 'full' | 'normal';
}

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * How long opening waits for another connection's write lock to convert an
 * older file to incremental auto-vacuum. Short: the conversion can wait for a
 * later open, the program opening the file should not.
 */
const CONVERT_BUSY_MS = 250;

/** The first bytes of a file, or fewer if it is shorter. */
function readHead(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks, with plain file reads, that an existing file is an SQLite file (so
 * SQLite never touches anything else) and that the folder of a new one exists.
 */
function checkFile(file: string, options: OpenOptions): void {
  const fail = (e: unknown): Error => storageFailure(file, 'open the run store', e, options.busyTimeoutMs);
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw Object.assign(new Error(`'${file}' is a directory`), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') throw fail(e);
    // A new file: its folder must exist (better-sqlite3 would say so without an error code).
    try {
      if (!statSync(dirname(file)).isDirectory())
        throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    } catch (e2) {
      throw fail(e2);
    }
    return;
  }
  if (size === 0) return; // SQLite treats an empty file as an empty database
  let head: Buffer;
  try {
    head = readHead(file, HEADER.length);
  } catch (e) {
    throw fail(e);
  }
  if (!head.equals(HEADER)) {
    throw new StorageFailure(
      `Cannot open the run store: the file '${file}' is not an SQLite database (it does not start with the ` +
        'SQLite header); refusing to change it',
    );
  }
}

/** Whether the database has no schema at all (a new or empty file). */
function isEmpty(db: BetterSqlite3.Database): boolean {
  return db.prepare<[], number>('SELECT count(*) FROM sqlite_master').pluck().get() === 0;
}

/**
 * Opens (creating if needed) the database at `file` (an absolute path, or
 * `:memory:`), in WAL mode with foreign keys on, migrated to the latest schema,
 * in incremental auto-vacuum mode (see `space.ts`) unless another connection
 * kept an older file from being converted this time.
 * @throws {StorageFailure} naming the file, with the SQLite error as `cause`.
 */
export function openDatabase(file: string, options: OpenOptions): BetterSqlite3.Database {
  const memory = file === ':memory:';
  if (!memory) checkFile(file, options);
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs });
    // Reads only: a refused file is left byte-for-byte as it was (closing this connection
    // removes the -wal/-shm files that reading a WAL-mode file creates). Switching to WAL
    // is the first write, so it comes after this check.
    const version = readSchemaVersion(db, file);
    if (version > SCHEMA_VERSION) throw tooNew(file, version);
    // A new file is made in incremental mode: the pragma must come before its first table. Only
    // then: on a file in that mode already, setting it again writes the header (a write lock, and
    // a change to a file that may only be read); older files are converted below.
    if (isEmpty(db)) db.pragma('auto_vacuum = INCREMENTAL');
    if (!memory) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') {
        throw new StorageFailure(
          `Cannot open the run store: the SQLite database '${file}' cannot use WAL mode (journal mode is '${String(mode)}')`,
        );
      }
    }
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    // Only a file that needs migrating takes the write lock here; readers of a current file never wait.
    if (version < SCHEMA_VERSION) migrate(db);
    // A file made before incremental auto-vacuum is rewritten once, outside any transaction (VACUUM
    // cannot run in one, so this is not a migration step); a busy or failing one is left for later.
    if (!memory)
      convertToIncremental(db, Math.min(CONVERT_BUSY_MS, options.busyTimeoutMs), options.busyTimeoutMs);
    return db;
  } catch (e) {
    try {
      db?.close();
    } catch {
      // Already failing; the first error is the one to report.
    }
    throw storageFailure(file, 'open the run store', e, options.busyTimeoutMs);
  }
}
