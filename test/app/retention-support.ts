/**
 * Seeding a run store for the retention tests: runs written through the
 * engine's SQLite backend exactly as the run service writes them (its run
 * meta, a task with a result, the result again in the meta), in any state,
 * with their start time moved into the past, so age limits are tested
 * without waiting. Plus probes of the file.
 */
import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { AtomDetail, FlowDetail, LogBook, SqliteBackend, type FlowState } from '../../engine/index.js';
import { RUN_META_FORMAT } from '../../app/runs/meta.js';
import { linearDocument } from './runs-support.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One run to seed. */
export interface SeedRun {
  readonly flow: string;
  /** Default SUCCESS. */
  readonly state?: FlowState;
  /** Started this many days ago (default: a minute ago, spread so that later ones are newer). */
  readonly ageDays?: number;
  /** Marked cancelled (with state SUSPENDED this is a CANCELLED run). */
  readonly cancelled?: boolean;
  /** Size of the task's result in characters (default 100). */
  readonly bytes?: number;
  /** The process recorded as running it (default: one that is gone, so a RUNNING run is interrupted). */
  readonly pid?: number;
}

/** A pid that no process has (beyond Linux's default pid_max of 4194304). */
export const DEAD_PID = 4_194_400;

/**
 * Writes `runs` into the store at `db` (created if needed) and returns their
 * ids in the same order. Runs given later are newer when their ages are equal.
 */
export function seedRuns(db: string, runs: readonly SeedRun[]): string[] {
  const backend = new SqliteBackend(db, { synchronous: 'normal' });
  const ids: string[] = [];
  const created: [string, string][] = [];
  const now = Date.now();
  try {
    runs.forEach((r, i) => {
      const value = `${String(i)}:`.padEnd(r.bytes ?? 100, 'abcdefghijklmnopqrstuvwxyz0123456789');
      const document = linearDocument(r.flow, [
        { type: 'task', name: 'produce', kind: 'value', provides: 'out', config: { value: 'x' } },
      ]);
      const fd = new FlowDetail(r.flow);
      fd.state = r.state ?? 'SUCCESS';
      fd.meta = {
        format: RUN_META_FORMAT,
        engine: 'serial',
        document,
        inputs: {},
        engineOptions: {},
        host: { pid: r.pid ?? DEAD_PID, hostname: hostname() },
        ...(r.cancelled === true ? { cancelledAt: new Date(now).toISOString() } : {}),
        ...(fd.state === 'SUCCESS' ? { results: { out: value } } : {}),
      };
      const ad = new AtomDetail('produce', 'task');
      ad.state = fd.state === 'SUCCESS' ? 'SUCCESS' : 'PENDING';
      ad.results = fd.state === 'SUCCESS' ? value : undefined;
      fd.add(ad);
      const book = new LogBook(r.flow);
      book.add(fd);
      backend.saveLogbook(book);
      ids.push(fd.uuid);
      // A millisecond apart, so the order is the order given.
      const at = now - (r.ageDays ?? 0) * DAY_MS - 60_000 + i;
      created.push([new Date(at).toISOString(), fd.uuid]);
    });
  } finally {
    backend.close();
  }
  const raw = new Database(db);
  try {
    const move = raw.prepare('UPDATE flowdetails SET created_at = ?, updated_at = ? WHERE uuid = ?');
    raw.transaction(() => {
      for (const [at, uuid] of created) move.run(at, at, uuid);
    })();
  } finally {
    raw.close();
  }
  return ids;
}

/** The ids of the runs in the store, newest first (straight from the file). */
export function storedIds(db: string): string[] {
  const raw = new Database(db, { readonly: true });
  try {
    return raw
      .prepare<[], string>('SELECT uuid FROM flowdetails ORDER BY created_at DESC, uuid DESC')
      .pluck()
      .all();
  } finally {
    raw.close();
  }
}

/** A pragma of the file, read by a connection of its own. */
export function pragmaOf(db: string, name: string): number {
  const raw = new Database(db, { readonly: true });
  try {
    return Number(raw.pragma(name, { simple: true }));
  } finally {
    raw.close();
  }
}

/** The bytes the store takes on disk: the file and its WAL. */
export function onDisk(db: string): number {
  return statSync(db).size + (existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0);
}
