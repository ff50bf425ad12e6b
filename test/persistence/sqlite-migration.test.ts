/**
 * Forward migration: a file made by the first schema version, holding runs
 * written in that version's form, opened by the current code is migrated in
 * one transaction with its data intact, and history works on it; a file made
 * before incremental auto-vacuum is converted once.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Failure, SqliteBackend, StorageFailure, linear, load, states, task } from '../../engine/index.js';
import {
  MIGRATIONS,
  SCHEMA_VERSION,
  migrate,
  readSchemaVersion,
} from '../../engine/persistence/sqlite/schema.js';
import { RuntimeError } from '../support/fixtures.js';
import { fingerprint, tempFolder } from './sqlite-support.js';

const tmp = tempFolder();

/** `PRAGMA auto_vacuum` of a file: 0 none, 1 full, 2 incremental. */
function autoVacuumOf(file: string): number {
  const raw = new Database(file, { readonly: true });
  try {
    return raw.pragma('auto_vacuum', { simple: true }) as number;
  } finally {
    raw.close();
  }
}

const BOOK_1 = { uuid: 'book-1', created: '2023-05-01T10:00:00.000Z', updated: '2023-05-01T10:05:00.000Z' };
const BOOK_2 = { uuid: 'book-2', created: '2023-06-01T08:00:00.000Z', updated: '2023-06-02T09:00:00.000Z' };

function failureDict(message: string): string {
  return JSON.stringify(Failure.fromError(new RuntimeError(message)).toDict());
}

/**
 * A file at schema version 1 with three runs written as version 1 wrote them:
 * a finished run with a task and a retry (with a failure in its history), a
 * failed run, and a suspended run of flow `resumable` (task a done, b pending).
 */
function makeV1File(file: string, journal: 'delete' | 'wal' = 'delete'): void {
  const db = new Database(file);
  db.pragma(`journal_mode = ${journal}`);
  expect(migrate(db, 1)).toEqual({ from: 0, to: 1 });
  const book = db.prepare('INSERT INTO logbooks VALUES (?, ?, ?, ?, ?)');
  book.run(BOOK_1.uuid, 'first book', '{"owner":"ada"}', BOOK_1.created, BOOK_1.updated);
  book.run(BOOK_2.uuid, 'second book', '{}', BOOK_2.created, BOOK_2.updated);
  const flow = db.prepare(
    'INSERT INTO flowdetails (uuid, parent_uuid, name, state, meta) VALUES (?, ?, ?, ?, ?)',
  );
  flow.run('run-ok', BOOK_1.uuid, 'orders', 'SUCCESS', '{"engine":"serial","duration":1.5}');
  flow.run('run-failed', BOOK_1.uuid, 'orders', 'FAILURE', '{}');
  flow.run('run-suspended', BOOK_2.uuid, 'resumable', 'SUSPENDED', '{"engine":"serial"}');
  const atom = db.prepare(
    `INSERT INTO atomdetails (uuid, parent_uuid, name, kind, state, intention, results, failure, revert_results,
       revert_failure, meta, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  atom.run(
    'a-1',
    'run-ok',
    'charge',
    'task',
    'SUCCESS',
    'EXECUTE',
    '{"paid":12.5,"by":"ü"}',
    null,
    null,
    null,
    '{"progress":1}',
    '1.0',
  );
  atom.run(
    'a-2',
    'run-ok',
    'again',
    'retry',
    'SUCCESS',
    'EXECUTE',
    `[[1,{"charge":${failureDict('declined')}}],[2,{}]]`,
    null,
    null,
    null,
    '{}',
    '1.0',
  );
  atom.run(
    'a-3',
    'run-failed',
    'charge',
    'task',
    'FAILURE',
    'EXECUTE',
    null,
    failureDict('broken'),
    null,
    null,
    '{}',
    '1.0',
  );
  atom.run(
    'a-4',
    'run-suspended',
    'a',
    'task',
    'SUCCESS',
    'EXECUTE',
    '41',
    null,
    null,
    null,
    '{"progress":1}',
    '1.0',
  );
  atom.run('a-5', 'run-suspended', 'b', 'task', 'PENDING', 'EXECUTE', null, null, null, null, '{}', '1.0');
  db.close();
}

describe('migration from schema version 1', () => {
  it('a v1 file is migrated on open: data intact, times and engine backfilled, history works', async () => {
    const file = tmp.file('v1.db');
    makeV1File(file);
    const backend = new SqliteBackend(file);

    const raw = new Database(file, { readonly: true });
    expect(readSchemaVersion(raw)).toBe(SCHEMA_VERSION);
    expect(raw.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all()).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
    raw.close();

    const ok = backend.getFlowDetail('run-ok');
    expect(ok.state).toBe(states.SUCCESS);
    expect(ok.meta).toEqual({ engine: 'serial', duration: 1.5 });
    expect([...ok].map((a) => a.name)).toEqual(['charge', 'again']);
    expect(ok.atoms.get('charge')!.results).toEqual({ paid: 12.5, by: 'ü' });
    expect(ok.atoms.get('charge')!.meta).toEqual({ progress: 1 });
    const history = ok.atoms.get('again')!.history;
    expect(history.map(([v]) => v)).toEqual([1, 2]);
    expect(history[0]![1].charge).toBeInstanceOf(Failure);
    expect(history[0]![1].charge!.exceptionStr).toBe('declined');
    const failed = backend.getFlowDetail('run-failed').atoms.get('charge')!;
    expect(failed.failure!.exceptionStr).toBe('broken');
    expect(failed.results).toBeUndefined();
    const book = backend.getLogbook(BOOK_1.uuid);
    expect(book.meta).toEqual({ owner: 'ada' });
    expect([...book].map((f) => f.uuid)).toEqual(['run-ok', 'run-failed']);

    const all = backend.listRuns();
    expect(all.runs.map((r) => r.uuid)).toEqual(['run-suspended', 'run-ok', 'run-failed']);
    const okSummary = all.runs.find((r) => r.uuid === 'run-ok')!;
    expect(okSummary).toEqual({
      uuid: 'run-ok',
      name: 'orders',
      state: states.SUCCESS,
      engine: 'serial',
      createdAt: BOOK_1.created,
      updatedAt: BOOK_1.updated,
      logbookUuid: BOOK_1.uuid,
    });
    expect(all.runs.find((r) => r.uuid === 'run-failed')!.engine).toBeUndefined();
    expect(backend.listRuns({ engine: 'serial' }).runs.map((r) => r.uuid)).toEqual([
      'run-suspended',
      'run-ok',
    ]);
    expect(backend.listRuns({ flowName: 'orders', state: states.FAILURE }).runs.map((r) => r.uuid)).toEqual([
      'run-failed',
    ]);
    expect(backend.listRuns({ from: '2023-05-15T00:00:00Z' }).runs.map((r) => r.uuid)).toEqual([
      'run-suspended',
    ]);
    expect(backend.getEvents('run-ok')).toEqual([]);

    // A run written at version 1 resumes on the current code, and its events are logged from now on.
    const ran: string[] = [];
    const flow = linear('resumable').add(
      task({ name: 'a', provides: 'x', execute: () => (ran.push('a'), 0) }),
      task({ name: 'b', requires: ['x'], provides: 'y', execute: ({ x }) => (ran.push('b'), Number(x) + 1) }),
    );
    const engine = load(flow, { backend, flowDetail: backend.getFlowDetail('run-suspended') });
    await engine.run();
    expect(ran).toEqual(['b']);
    expect(engine.storage.fetchAll()).toEqual({ x: 41, y: 42 });
    const resumed = backend.getRun('run-suspended');
    expect(resumed.state).toBe(states.SUCCESS);
    expect(resumed.updatedAt > BOOK_2.updated).toBe(true);
    expect(resumed.createdAt).toBe(BOOK_2.created);
    expect(backend.getEvents('run-suspended').at(-1)!.event).toMatchObject({
      type: 'flow',
      state: states.SUCCESS,
    });
    backend.close();

    // Opening again migrates nothing.
    const again = new SqliteBackend(file);
    expect(again.listRuns().runs).toHaveLength(3);
    again.close();
  });

  it('a v1 file whose write lock is held is not migrated at all, and migrates later', () => {
    const file = tmp.file('v1-locked.db');
    makeV1File(file, 'wal');
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const err = (() => {
        try {
          new SqliteBackend(file, { busyTimeoutMs: 100 });
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(StorageFailure);
      expect(err!.message).toContain(`'${file}'`);
      expect(err!.message).toMatch(/locked/);
    } finally {
      holder.exec('ROLLBACK');
    }
    expect(readSchemaVersion(holder)).toBe(1);
    const columns = holder
      .prepare<[], string>("SELECT name FROM pragma_table_info('flowdetails')")
      .pluck()
      .all();
    expect(columns).not.toContain('created_at');
    holder.close();
    const b = new SqliteBackend(file);
    expect(b.listRuns().runs).toHaveLength(3);
    b.close();
  });

  it('a file made before incremental auto-vacuum is converted once, on its first open', () => {
    const file = tmp.file('v1-vacuum.db');
    makeV1File(file);
    expect(autoVacuumOf(file)).toBe(0);
    const backend = new SqliteBackend(file);
    expect(backend.space().autoVacuum).toBe('incremental');
    expect(backend.listRuns().runs.map((r) => r.uuid)).toEqual(['run-suspended', 'run-ok', 'run-failed']);
    expect([...backend.getLogbook(BOOK_1.uuid)].map((f) => f.uuid)).toEqual(['run-ok', 'run-failed']);
    backend.close();
    expect(autoVacuumOf(file)).toBe(2);
    // Once: opening it again does not rewrite it.
    const before = fingerprint(file);
    new SqliteBackend(file).close();
    expect(fingerprint(file)).toEqual(before);
  });

  it('a file whose write lock is held when it would be converted opens at once, and converts later', () => {
    const file = tmp.file('current-locked.db');
    const raw = new Database(file);
    raw.pragma('journal_mode = WAL');
    migrate(raw); // at the current version, but made without incremental auto-vacuum
    raw.close();
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    const backend = new SqliteBackend(file); // the default busy timeout is 5 s
    try {
      expect(Date.now() - started).toBeLessThan(2000);
      expect(backend.space().autoVacuum).toBe('none');
      expect(backend.listRuns().runs).toEqual([]);
    } finally {
      backend.close();
      holder.exec('ROLLBACK');
      holder.close();
    }
    const later = new SqliteBackend(file);
    expect(later.space().autoVacuum).toBe('incremental');
    later.close();
    expect(autoVacuumOf(file)).toBe(2);
  });

  it('migrate() applies steps up to a version, never backwards, and checks its argument', () => {
    const db = new Database(':memory:');
    expect(migrate(db, 1)).toEqual({ from: 0, to: 1 });
    expect(migrate(db, 1)).toEqual({ from: 1, to: 1 });
    expect(migrate(db)).toEqual({ from: 1, to: SCHEMA_VERSION });
    expect(migrate(db, 1)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    expect(() => migrate(db, 0)).toThrow(RangeError);
    expect(() => migrate(db, SCHEMA_VERSION + 1)).toThrow(RangeError);
    db.prepare('INSERT INTO schema_version VALUES (?, ?)').run(SCHEMA_VERSION + 5, 'later');
    expect(() => migrate(db)).toThrow(StorageFailure);
    db.close();
  });
});
