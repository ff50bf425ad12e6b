/**
 * Disk space of the run store. Files are kept in SQLite's incremental
 * auto-vacuum mode, so the pages that deleted runs leave free can be given
 * back to the operating system a bounded step at a time
 * (`PRAGMA incremental_vacuum(N)`) instead of only being reused by later
 * writes, and without the full rewrite (and the long write lock) of a VACUUM.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { errorCode } from './errors.js';

type Db = BetterSqlite3.Database;

/** SQLite's auto-vacuum modes (`PRAGMA auto_vacuum`: 0, 1, 2). */
export type AutoVacuumMode = 'none' | 'full' | 'incremental';

const MODES: readonly AutoVacuumMode[] = ['none', 'full', 'incremental'];

/** How big the store is and how much of it is free. */
export interface StoreSpace {
  /** Bytes per page. */
  readonly pageSize: number;
  /** Pages in the database (free ones included). */
  readonly pageCount: number;
  /** Pages on the free list: space inside the file that no data uses. */
  readonly freePages: number;
  /** `pageCount × pageSize`: the size the file has once the WAL is checkpointed. */
  readonly bytes: number;
  readonly autoVacuum: AutoVacuumMode;
}

/** What {@link SqliteBackend.reclaimSpace} did. */
export interface ReclaimReport {
  /** Pages given back to the operating system. */
  readonly pagesFreed: number;
  /** `pagesFreed × pageSize`. */
  readonly bytesFreed: number;
  /** `incremental_vacuum` steps taken. */
  readonly steps: number;
  /** Free pages left (another writer held the file too long, or the file is not in incremental mode). */
  readonly freePagesLeft: number;
  /** Whether the WAL was checkpointed and truncated to nothing, so the freed bytes left the disk now. */
  readonly checkpointed: boolean;
}

/** Options of {@link SqliteBackend.reclaimSpace}. */
export interface ReclaimOptions {
  /** Most pages one step frees (one short write transaction); default {@link DEFAULT_STEP_PAGES}. */
  readonly stepPages?: number;
  /** Awaited between steps, so the host answers other work; default: one turn of the event loop. */
  readonly pause?: () => Promise<void>;
}

/**
 * Pages one reclaim step frees by default: 1024 pages (4 MiB at SQLite's
 * default 4 KiB pages), measured at 10 to 40 ms a step with its synced commit
 * on a busy two-core machine, so the host stays responsive however much was deleted.
 */
export const DEFAULT_STEP_PAGES = 1024;

/**
 * How long a background step waits for another connection's write lock
 * before it backs off (instead of the backend's long busy timeout, which
 * would hold up this process's event loop).
 */
export const STEP_BUSY_MS = 50;
/** How long to back off after a busy step, and how many times before giving up until next time. */
const BACKOFF_MS = 100;
const MAX_BUSY_RETRIES = 10;

function pragmaNumber(db: Db, name: string): number {
  return Number(db.pragma(name, { simple: true }));
}

/** The store's size, free pages and auto-vacuum mode. */
export function readSpace(db: Db): StoreSpace {
  const pageSize = pragmaNumber(db, 'page_size');
  const pageCount = pragmaNumber(db, 'page_count');
  return {
    pageSize,
    pageCount,
    freePages: pragmaNumber(db, 'freelist_count'),
    bytes: pageSize * pageCount,
    autoVacuum: MODES[pragmaNumber(db, 'auto_vacuum')] ?? 'none',
  };
}

/** Whether an error is SQLite saying that another connection holds the lock. */
function isBusy(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Runs `fn` with a short busy timeout, then puts the connection's own back. */
function withBusyTimeout<T>(db: Db, ms: number, restoreMs: number, fn: () => T): T {
  db.pragma(`busy_timeout = ${String(ms)}`);
  try {
    return fn();
  } finally {
    db.pragma(`busy_timeout = ${String(restoreMs)}`);
  }
}

/**
 * Brings an open, migrated file to incremental auto-vacuum: a file in full
 * mode switches at once; a file in none (every file made before this mode was
 * used) is rewritten by one VACUUM. That happens once: afterwards the file
 * reports incremental and this does nothing.
 *
 * The VACUUM takes the write lock. A file that another connection is writing
 * is left as it is after `busyMs` and converted by a later open; so is one the
 * VACUUM fails on for any other reason (a full disk: it needs room for a
 * copy), because the file works the same without the mode, only without
 * giving space back. Readers of other processes do not stop it (WAL mode).
 *
 * @returns the mode the file is in afterwards.
 */
export function convertToIncremental(db: Db, busyMs: number, restoreBusyMs: number): AutoVacuumMode {
  const mode = readSpace(db).autoVacuum;
  if (mode === 'incremental') return mode;
  try {
    db.pragma('auto_vacuum = INCREMENTAL');
    // Between full and incremental the pragma alone switches; from none only a VACUUM can.
    if (mode === 'none') withBusyTimeout(db, busyMs, restoreBusyMs, () => db.exec('VACUUM'));
  } catch {
    // Busy or failed: the file stays as it was (VACUUM is all or nothing); a later open tries again.
  }
  return readSpace(db).autoVacuum;
}

/**
 * One bounded step: gives at most `maxPages` free pages back (SQLite moves
 * pages from the end of the file into the free slots and truncates it), in
 * one short write transaction.
 * @returns the pages freed, or `undefined` when another connection held the write lock.
 */
export function vacuumStep(db: Db, maxPages: number, restoreBusyMs: number): number | undefined {
  try {
    return withBusyTimeout(db, STEP_BUSY_MS, restoreBusyMs, () => {
      const before = pragmaNumber(db, 'freelist_count');
      // `pragma()` steps the statement to its end: stepping it once would free a single page.
      db.pragma(`incremental_vacuum(${String(maxPages)})`);
      return before - pragmaNumber(db, 'freelist_count');
    });
  } catch (e) {
    if (isBusy(e)) return undefined;
    throw e;
  }
}

/**
 * Checkpoints the WAL into the file and truncates the WAL to nothing. The
 * file itself only shrinks at a checkpoint (pages freed in WAL mode are
 * written to the WAL first), and a WAL keeps its largest size otherwise.
 * @returns false when readers or a writer kept it from completing (the next checkpoint finishes it).
 */
export function checkpointTruncate(db: Db, restoreBusyMs: number): boolean {
  try {
    const rows = withBusyTimeout(db, STEP_BUSY_MS, restoreBusyMs, () =>
      db.pragma('wal_checkpoint(TRUNCATE)'),
    ) as { busy: number }[];
    return rows[0]?.busy === 0;
  } catch (e) {
    if (isBusy(e)) return false;
    throw e;
  }
}

/** The free pages to give back, stepping and pausing; see {@link SqliteBackend.reclaimSpace}. */
export async function reclaim(
  step: () => number | undefined,
  space: () => StoreSpace | undefined,
  pause: () => Promise<void>,
): Promise<{ steps: number }> {
  let steps = 0;
  let busy = 0;
  for (;;) {
    const now = space();
    if (now === undefined || now.freePages === 0 || now.autoVacuum !== 'incremental') break;
    const freed = step();
    if (freed === undefined) {
      // Another connection is writing: back off, and leave the rest for next time if it goes on.
      if (++busy > MAX_BUSY_RETRIES) break;
      await new Promise((r) => setTimeout(r, BACKOFF_MS));
      continue;
    }
    steps += 1;
    if (freed === 0) break; // nothing moved (should not happen with free pages): never loop forever
    await pause();
  }
  return { steps };
}
