/**
 * The document store against real SQLite files: saving, listing, getting and
 * deleting documents; invalid documents refused with their problems and
 * nothing written; and the file shared with the run service, whichever of
 * the two opens it first, including files made before either knew the other.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DocumentNotFoundError,
  DocumentStore,
  DocumentStoreError,
  DocumentValidationError,
  MAX_DOCUMENT_NAME,
} from '../../app/documents/index.js';
import { RunService } from '../../app/runs/index.js';
import { SCHEMA_VERSION, migrate } from '../../engine/persistence/sqlite/schema.js';
import { addDocument, failingDocument, linearDocument, tempDb } from '../app/runs-support.js';

const opened: (DocumentStore | RunService)[] = [];
function documentStore(db: string, busyTimeoutMs?: number): DocumentStore {
  const s = new DocumentStore({ db, ...(busyTimeoutMs !== undefined ? { busyTimeoutMs } : {}) });
  opened.push(s);
  return s;
}
function runService(db: string): RunService {
  const s = new RunService({ db });
  opened.push(s);
  return s;
}
afterEach(async () => {
  for (const s of opened.splice(0).reverse()) await s.close();
});

/** The bytes of the file and its WAL, hashed: what "nothing was written" is checked against. */
function fileHash(db: string): string {
  const h = createHash('sha256');
  for (const f of [db, `${db}-wal`]) if (existsSync(f)) h.update(readFileSync(f));
  return h.digest('hex');
}

/** Reads the file with a connection of the test's own. */
function query<T>(db: string, sql: string): T[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare(sql).all() as T[];
  } finally {
    conn.close();
  }
}

const tables = (db: string): string[] =>
  query<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map(
    (r) => r.name,
  );

const noop = (name: string): Record<string, unknown> =>
  linearDocument(name, [{ type: 'task', name: `${name}-task`, kind: 'noop' }]);

describe('DocumentStore', () => {
  it('saves, lists, gets and deletes documents', () => {
    const store = documentStore(tempDb());
    expect(store.list()).toEqual([]);
    const saved = store.save(addDocument);
    expect(saved.name).toBe('add');
    expect(Number.isNaN(Date.parse(saved.updatedAt))).toBe(false);
    store.save(noop('beta'));
    store.save(noop('alpha'));
    expect(store.list().map((d) => d.name)).toEqual(['add', 'alpha', 'beta']);
    const listed = store.list().find((d) => d.name === 'add');
    expect(listed).toEqual({
      name: 'add',
      updatedAt: saved.updatedAt,
      bytes: Buffer.byteLength(JSON.stringify(addDocument)),
    });
    const got = store.get('add');
    expect(got.document).toEqual(addDocument);
    expect(got).toMatchObject({ name: 'add', updatedAt: saved.updatedAt });
    store.delete('alpha');
    expect(store.list().map((d) => d.name)).toEqual(['add', 'beta']);
    expect(() => store.get('alpha')).toThrow(DocumentNotFoundError);
  });

  it('replaces a document saved under the same name', async () => {
    const db = tempDb();
    const store = documentStore(db);
    const first = store.save(noop('same'));
    await new Promise((r) => setTimeout(r, 5));
    const changed = { ...noop('same'), inputs: { x: 1 } };
    const second = store.save(changed);
    expect(second.updatedAt > first.updatedAt).toBe(true);
    expect(store.list()).toHaveLength(1);
    expect(store.get('same').document).toEqual(changed);
    expect(query<{ n: number }>(db, 'SELECT count(*) AS n FROM app_documents')[0]?.n).toBe(1);
  });

  it('counts bytes in UTF-8 and keeps text exactly', () => {
    const store = documentStore(tempDb());
    const doc = linearDocument('ünïcødé ✓', [
      { type: 'task', name: 'é', kind: 'value', config: { value: '😀' } },
    ]);
    store.save(doc);
    expect(store.list()[0]?.bytes).toBe(Buffer.byteLength(JSON.stringify(doc), 'utf8'));
    expect(store.get('ünïcødé ✓').document).toEqual(doc);
  });

  it('refuses an invalid document with every problem, writing nothing (not even the file)', () => {
    const db = tempDb();
    const store = documentStore(db);
    const bad = linearDocument('bad', [
      { type: 'task', name: 'wait', kind: 'delay', config: { ms: 'soon' } },
    ]);
    let error: unknown;
    try {
      store.save(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DocumentValidationError);
    expect((error as DocumentValidationError).problems).toContainEqual(
      expect.objectContaining({ node: 'wait', path: 'config.ms' }),
    );
    expect(existsSync(db)).toBe(false);
    for (const value of [null, 42, 'text', [], { format: 'atomflow.flow/9' }]) {
      expect(() => store.save(value)).toThrow(DocumentValidationError);
    }
    expect(existsSync(db)).toBe(false);
  });

  it('refuses an invalid document on an existing file without changing a byte', () => {
    const db = tempDb();
    const store = documentStore(db);
    store.save(noop('kept'));
    store.close();
    const before = fileHash(db);
    const again = documentStore(db);
    expect(() => again.save({ ...noop('kept'), flow: { type: 'linear', name: 'x' } })).toThrow(
      DocumentValidationError,
    );
    // Keys that reach prototypes elsewhere are unknown fields of a document.
    expect(() => again.save(JSON.parse('{"__proto__": {"x": 1}, "format": "atomflow.flow/1"}'))).toThrow(
      DocumentValidationError,
    );
    expect(() => again.save({ ...noop('n'.repeat(MAX_DOCUMENT_NAME + 1)) })).toThrow(/at most 512/);
    again.close();
    expect(fileHash(db)).toBe(before);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('names a missing document, and reading a missing file does not create it', () => {
    const db = tempDb();
    const store = documentStore(db);
    expect(store.list()).toEqual([]);
    expect(() => store.get('nope')).toThrow(DocumentNotFoundError);
    expect(() => store.get('nope')).toThrow(/'nope'/);
    expect(() => {
      store.delete('nope');
    }).toThrow(/No saved document named 'nope'/);
    expect(existsSync(db)).toBe(false);
    store.save(noop('there'));
    expect(() => {
      store.delete('nope');
    }).toThrow(DocumentNotFoundError);
    expect(store.list()).toHaveLength(1);
  });

  it('is closed for good after close (closing twice does nothing)', () => {
    const store = documentStore(tempDb());
    store.save(noop('a'));
    store.close();
    store.close();
    expect(() => store.list()).toThrow(DocumentStoreError);
    expect(() => store.save(noop('b'))).toThrow(/closed/);
  });

  it('refuses a file that is not SQLite, and one of a newer Atomflow, leaving them as they were', () => {
    const text = tempDb();
    writeFileSync(text, 'not a database at all, just some text that is long enough');
    const before = readFileSync(text);
    const store = documentStore(text);
    expect(() => store.save(noop('x'))).toThrow(DocumentStoreError);
    expect(() => store.list()).toThrow(new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    expect(readFileSync(text)).toEqual(before);

    const newer = tempDb();
    const conn = new Database(newer);
    conn.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    conn.prepare('INSERT INTO schema_version VALUES (?, ?)').run(SCHEMA_VERSION + 1, 'later');
    conn.close();
    const hash = fileHash(newer);
    expect(() => documentStore(newer).save(noop('x'))).toThrow(/newer/);
    expect(fileHash(newer)).toBe(hash);
  });

  it('fails a save on a locked file with a message naming it, and writes nothing', () => {
    const db = tempDb();
    const store = documentStore(db, 50);
    store.save(noop('first'));
    const locker = new Database(db);
    try {
      locker.exec('BEGIN IMMEDIATE');
      expect(() => store.save(noop('second'))).toThrow(/locked/);
      expect(() => {
        store.delete('first');
      }).toThrow(DocumentStoreError);
      locker.exec('ROLLBACK');
    } finally {
      locker.close();
    }
    expect(store.list().map((d) => d.name)).toEqual(['first']);
  });
});

describe('DocumentStore and RunService in one file', () => {
  it('run service first: both keep working, and a new run service reads the file', async () => {
    const db = tempDb();
    const runs = runService(db);
    const first = runs.start(addDocument);
    expect((await runs.wait(first)).state).toBe('SUCCESS');
    const store = documentStore(db);
    store.save(addDocument);
    store.save(failingDocument);
    expect(tables(db)).toEqual(expect.arrayContaining(['app_documents', 'flowdetails', 'schema_version']));

    await runs.close();
    const again = runService(db);
    expect(again.listRuns().runs.map((r) => r.id)).toEqual([first]);
    const second = again.start(store.get('add').document);
    expect((await again.wait(second)).results).toMatchObject({ sum: 5, double: 10 });
    expect(store.list().map((d) => d.name)).toEqual(['add', 'failing']);
    expect(query<{ v: number }>(db, 'SELECT max(version) AS v FROM schema_version')[0]?.v).toBe(
      SCHEMA_VERSION,
    );
  });

  it('document store first: the engine schema is made first, and the run service opens the file', async () => {
    const db = tempDb();
    const store = documentStore(db);
    store.save(addDocument);
    expect(tables(db)).toEqual(expect.arrayContaining(['app_documents', 'logbooks', 'schema_version']));
    const runs = runService(db);
    const id = runs.start(store.get('add').document);
    expect((await runs.wait(id)).state).toBe('SUCCESS');
    expect(runs.listRuns().runs).toHaveLength(1);
    expect(store.get('add').document).toEqual(addDocument);
  });

  it('a file that has the documents table but no engine schema yet is migrated, documents kept', async () => {
    const db = tempDb();
    const conn = new Database(db);
    conn.exec(
      'CREATE TABLE app_documents (name TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at TEXT NOT NULL)',
    );
    conn
      .prepare('INSERT INTO app_documents VALUES (?, ?, ?)')
      .run('add', JSON.stringify(addDocument), '2024-01-01T00:00:00.000Z');
    conn.close();
    const runs = runService(db);
    const id = runs.start(addDocument);
    expect((await runs.wait(id)).state).toBe('SUCCESS');
    const store = documentStore(db);
    expect(store.get('add')).toMatchObject({ updatedAt: '2024-01-01T00:00:00.000Z', document: addDocument });
  });

  it('the documents table on a file of an older engine schema: the engine migrates it forward', async () => {
    const db = tempDb();
    const conn = new Database(db);
    migrate(conn, 1);
    conn.exec(
      'CREATE TABLE app_documents (name TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at TEXT NOT NULL)',
    );
    conn.close();
    const store = documentStore(db);
    store.save(noop('after'));
    expect(query<{ v: number }>(db, 'SELECT max(version) AS v FROM schema_version')[0]?.v).toBe(
      SCHEMA_VERSION,
    );
    const runs = runService(db);
    const id = runs.start(addDocument);
    expect((await runs.wait(id)).state).toBe('SUCCESS');
    expect(store.list().map((d) => d.name)).toEqual(['after']);
  });

  it('saves documents while a run writes to the same file', async () => {
    const db = tempDb();
    const runs = runService(db);
    const store = documentStore(db);
    const slow = linearDocument('slow', [
      { type: 'task', name: 'wait', kind: 'delay', config: { ms: 150 } },
      { type: 'task', name: 'done', kind: 'noop' },
    ]);
    const id = runs.start(slow);
    for (let i = 0; i < 20; i += 1) {
      store.save(noop(`doc-${String(i).padStart(2, '0')}`));
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await runs.wait(id)).state).toBe('SUCCESS');
    expect(store.list()).toHaveLength(20);
    expect(runs.getRun(id).atoms.map((a) => a.state)).toEqual(['SUCCESS', 'SUCCESS']);
  });

  it('deleting a run leaves the documents alone, and deleting a document leaves the runs', async () => {
    const db = tempDb();
    const runs = runService(db);
    const store = documentStore(db);
    store.save(addDocument);
    const id = runs.start(addDocument);
    await runs.wait(id);
    runs.deleteRun(id);
    expect(store.list()).toHaveLength(1);
    const other = runs.start(addDocument);
    await runs.wait(other);
    store.delete('add');
    expect(runs.listRuns().runs.map((r) => r.id)).toEqual([other]);
  });
});
