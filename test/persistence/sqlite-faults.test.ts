/**
 * Bad files and faults: each gives a StorageFailure whose message names the
 * file and says what is wrong, and none leaves anything written.
 */
import Database from 'better-sqlite3';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AtomDetail,
  FlowDetail,
  LogBook,
  NotFound,
  SqliteBackend,
  StorageFailure,
  linear,
  load,
  states,
  task,
} from '../../engine/index.js';
import { SCHEMA_VERSION, migrate } from '../../engine/persistence/sqlite/schema.js';
import { fingerprint, sideFiles, tempFolder } from './sqlite-support.js';

const tmp = tempFolder();
const root = join(import.meta.dirname, '..', '..');

/** The error `fn` throws (the test fails if it throws nothing). */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/** A closed Atomflow database with one finished run. */
async function atomflowFile(name: string): Promise<{ file: string; uuid: string }> {
  const file = tmp.file(name);
  const backend = new SqliteBackend(file);
  const engine = load(linear('seed').add(task({ name: 'a', execute: () => 'x'.repeat(3000) })), { backend });
  await engine.run();
  for (let i = 0; i < 30; i++) {
    await load(linear(`more-${i}`).add(task({ name: 'a', execute: () => i })), { backend }).run();
  }
  backend.close();
  return { file, uuid: engine.flowDetail.uuid };
}

function expectRefused(err: Error, file: string, what: RegExp): void {
  expect(err).toBeInstanceOf(StorageFailure);
  expect(err.message).toContain(`'${file}'`);
  expect(err.message).toMatch(what);
}

describe('files that are not (sound) SQLite databases', () => {
  it('a text file: not an SQLite database, left unchanged', () => {
    const file = tmp.file('notes.txt');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(20));
    const before = fingerprint(file);
    expectRefused(
      errorOf(() => new SqliteBackend(file)),
      file,
      /is not an SQLite database/,
    );
    expect(fingerprint(file)).toEqual(before);
    expect(sideFiles(file)).toEqual([]);
  });

  it('an SQLite header followed by garbage: not a database / corrupt, with the SQLite error as cause', () => {
    const file = tmp.file('garbage.db');
    const bytes = Buffer.alloc(8192, 0xab);
    bytes.write('SQLite format 3\0', 0, 'latin1');
    writeFileSync(file, bytes);
    const before = fingerprint(file);
    const err = errorOf(() => new SqliteBackend(file));
    expectRefused(err, file, /is not an SQLite database|is corrupt/);
    expect((err.cause as { code?: string }).code).toMatch(/SQLITE_(NOTADB|CORRUPT)/);
    expect(fingerprint(file)).toEqual(before);
  });

  it('a truncated Atomflow file: corrupt, left unchanged', async () => {
    const { file: whole } = await atomflowFile('whole.db');
    const file = tmp.file('truncated.db');
    const bytes = readFileSync(whole);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const before = fingerprint(file);
    expectRefused(
      errorOf(() => new SqliteBackend(file)),
      file,
      /is corrupt/,
    );
    expect(fingerprint(file)).toEqual(before);
  });

  it('a damaged table: reads and writes fail naming the file, and the failed write leaves nothing', async () => {
    const { file, uuid } = await atomflowFile('damaged.db');
    const raw = new Database(file, { readonly: true });
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    const rootPage = raw
      .prepare<[], number>("SELECT rootpage FROM sqlite_master WHERE name = 'atomdetails'")
      .pluck()
      .get()!;
    raw.close();
    const bytes = readFileSync(file);
    bytes.fill(0xee, (rootPage - 1) * pageSize, rootPage * pageSize);
    writeFileSync(file, bytes);
    const before = fingerprint(file);

    const backend = new SqliteBackend(file);
    expectRefused(
      errorOf(() => backend.getFlowDetail(uuid)),
      file,
      /is corrupt/,
    );
    expect(errorOf(() => backend.getFlowDetail(uuid)).message).toContain(`read run ${uuid}`);
    const book = new LogBook('new');
    const fd = new FlowDetail('new run');
    fd.add(new AtomDetail('a', 'task'));
    book.add(fd);
    // The atom's row cannot be written into the damaged table.
    expectRefused(
      errorOf(() => {
        backend.saveLogbook(book);
      }),
      file,
      /is corrupt/,
    );
    // The logbook and run of the failed save are not there either (same transaction).
    expect(backend.listRuns({ flowName: 'new run' }).runs).toEqual([]);
    expect(() => backend.getLogbook(book.uuid)).toThrow(NotFound);
    backend.close();
    expect(fingerprint(file).sha).toBe(before.sha);
  });

  it('a folder: refused with a clear error', () => {
    const dir = join(tmp.dir, 'a-folder.db');
    mkdirSync(dir);
    expectRefused(
      errorOf(() => new SqliteBackend(dir)),
      dir,
      /is a folder/,
    );
  });
});

describe('a database locked by another process', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  /** Starts a process that opens `file` and holds an exclusive lock until killed. */
  async function holdLock(file: string): Promise<void> {
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(file)});
      db.exec('CREATE TABLE IF NOT EXISTS other_app (x)');
      db.exec('BEGIN EXCLUSIVE');
      db.exec('INSERT INTO other_app VALUES (1)');
      process.stdout.write('locked\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['-e', script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('locked')) resolve();
      });
      child.on('exit', (code) => {
        reject(new Error(`lock holder exited with ${String(code)}`));
      });
    });
  }

  it('held by another process while opening a new file: locked, nothing of ours written', async () => {
    const file = tmp.file('locked-new.db');
    await holdLock(file);
    const err = errorOf(() => new SqliteBackend(file, { busyTimeoutMs: 150 }));
    expectRefused(
      err,
      file,
      /is locked by another process or connection \(still locked after waiting 150 ms\)/,
    );
    expect((err.cause as { code?: string }).code).toBe('SQLITE_BUSY');
    for (const c of children.splice(0)) c.kill('SIGKILL');
    const raw = new Database(file, { readonly: true });
    const tables = raw
      .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .pluck()
      .all();
    raw.close();
    expect(tables).toEqual(['other_app']);
  });

  it('held by a second connection on an open Atomflow file: the write fails, and no half run is left', async () => {
    const { file, uuid } = await atomflowFile('locked-wal.db');
    const backend = new SqliteBackend(file, { busyTimeoutMs: 100 });
    const runsBefore = backend.listRuns({ limit: 1000 }).runs.length;
    const existing = backend.getFlowDetail(uuid);
    const holder = new Database(file);
    holder.exec('BEGIN EXCLUSIVE');
    holder.exec("UPDATE logbooks SET name = name WHERE uuid = ''");
    try {
      const flow = linear('blocked').add(task({ name: 'a', execute: () => 1 }));
      expectRefused(
        errorOf(() => load(flow, { backend })),
        file,
        /is locked by another process or connection/,
      );
      existing.state = states.FAILURE;
      const err = errorOf(() => {
        backend.updateFlowDetail(existing, [...existing]);
      });
      expectRefused(err, file, /locked/);
      expect(err.message).toContain(`save run 'seed' (${uuid})`);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(backend.listRuns({ limit: 1000 }).runs.length).toBe(runsBefore);
    expect(backend.listRuns({ flowName: 'blocked' }).runs).toEqual([]);
    expect(backend.getFlowDetail(uuid).state).toBe(states.SUCCESS);
    // Once the lock is gone, the same backend works again.
    await load(linear('after').add(task({ name: 'a', execute: () => 2 })), { backend }).run();
    expect(backend.listRuns({ flowName: 'after' }).runs).toHaveLength(1);
    backend.close();
  });
});

/**
 * Makes `dir` read-only in a way that truly stops writes: chmod 0555, or, when
 * that does not stop this user (root), the immutable attribute. Returns how,
 * and an undo; `undefined` when neither works here.
 */
function makeReadOnly(dir: string): { how: string; undo: () => void } | undefined {
  const probe = join(dir, '.probe');
  const stops = (): boolean => {
    try {
      writeFileSync(probe, 'x');
      rmSync(probe);
      return false;
    } catch {
      return true;
    }
  };
  chmodSync(dir, 0o555);
  if (stops())
    return {
      how: 'chmod 0555',
      undo: () => {
        chmodSync(dir, 0o755);
      },
    };
  chmodSync(dir, 0o755);
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  if (stops()) return { how: 'chattr +i', undo: () => execFileSync('chattr', ['-i', dir]) };
  execFileSync('chattr', ['-i', dir]);
  return undefined;
}

describe('files that cannot be created or written', () => {
  it('a new file in a read-only folder: cannot be created, nothing created', async (ctx) => {
    const dir = join(tmp.dir, 'ro-new');
    mkdirSync(dir);
    const ro = makeReadOnly(dir);
    if (!ro) {
      ctx.skip(
        'neither chmod nor chattr makes a folder read-only for this user; the path-under-a-file test covers creation failures',
      );
      return;
    }
    const file = join(dir, 'runs.db');
    try {
      expectRefused(
        errorOf(() => new SqliteBackend(file)),
        file,
        /cannot be opened or created/,
      );
    } finally {
      ro.undo();
    }
    expect(existsSync(file)).toBe(false);
  });

  it('an existing Atomflow file in a read-only folder: refused, file unchanged', async (ctx) => {
    const dir = join(tmp.dir, 'ro-existing');
    mkdirSync(dir);
    const file = join(dir, 'runs.db');
    const seed = new SqliteBackend(file);
    const book = new LogBook('b');
    book.add(new FlowDetail('f'));
    seed.saveLogbook(book);
    seed.close();
    const before = fingerprint(file);
    const ro = makeReadOnly(dir);
    if (!ro) {
      ctx.skip('neither chmod nor chattr makes a folder read-only for this user');
      return;
    }
    try {
      let err: Error | undefined;
      try {
        const b = new SqliteBackend(file);
        // If this SQLite could open it, the first write must fail instead.
        err = errorOf(() => {
          b.saveLogbook(new LogBook('x'));
        });
        b.close();
      } catch (e) {
        err = e as Error;
      }
      expectRefused(err, file, /cannot be (opened or created|written)/);
    } finally {
      ro.undo();
    }
    expect(fingerprint(file)).toEqual(before);
    expect(sideFiles(file)).toEqual([]);
  });

  it('a path under a regular file, and a missing folder: cannot be created, nothing created', () => {
    const plain = tmp.file('plain-file');
    writeFileSync(plain, 'x');
    const under = join(plain, 'runs.db');
    expectRefused(
      errorOf(() => new SqliteBackend(under)),
      under,
      /a part of its folder path is not a folder/,
    );
    const missing = join(tmp.dir, 'no-such-folder', 'runs.db');
    expectRefused(
      errorOf(() => new SqliteBackend(missing)),
      missing,
      /its folder does not exist/,
    );
    expect(existsSync(join(tmp.dir, 'no-such-folder'))).toBe(false);
    expect(readFileSync(plain, 'utf8')).toBe('x');
  });
});

describe('schema versions', () => {
  it('a file written by a newer Atomflow is refused and left byte-for-byte unchanged (WAL file)', async () => {
    const { file } = await atomflowFile('newer-wal.db');
    const raw = new Database(file);
    raw
      .prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)')
      .run(99, new Date().toISOString());
    raw.close();
    const before = fingerprint(file);
    const sideBefore = sideFiles(file);
    await new Promise((r) => setTimeout(r, 20)); // so that a write would show in the mtime
    const err = errorOf(() => new SqliteBackend(file));
    expectRefused(err, file, new RegExp(`schema version 99, newer than the version ${SCHEMA_VERSION}\\b`));
    expect(err.message).toMatch(/written by a newer Atomflow/);
    expect(fingerprint(file)).toEqual(before);
    expect(sideFiles(file)).toEqual(sideBefore);
  });

  it('a newer file in rollback-journal mode is not even switched to WAL', async () => {
    const file = tmp.file('newer-rollback.db');
    const raw = new Database(file);
    migrate(raw);
    raw
      .prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)')
      .run(SCHEMA_VERSION + 1, new Date().toISOString());
    raw.close();
    const before = fingerprint(file);
    await new Promise((r) => setTimeout(r, 20));
    expectRefused(
      errorOf(() => new SqliteBackend(file)),
      file,
      new RegExp(`schema version ${SCHEMA_VERSION + 1}`),
    );
    expect(fingerprint(file)).toEqual(before);
    // Bytes 18 and 19 of the header are 1 in rollback mode, 2 in WAL mode.
    expect([...readFileSync(file).subarray(18, 20)]).toEqual([1, 1]);
  });

  it("a file with tables named like ours but no schema version is refused; other apps' tables are fine", () => {
    const foreign = tmp.file('foreign.db');
    const raw = new Database(foreign);
    raw.exec('CREATE TABLE logbooks (id INTEGER)');
    raw.close();
    const before = fingerprint(foreign);
    expectRefused(
      errorOf(() => new SqliteBackend(foreign)),
      foreign,
      /not written by Atomflow/,
    );
    expect(fingerprint(foreign)).toEqual(before);

    const shared = tmp.file('shared.db');
    const app = new Database(shared);
    app.exec("CREATE TABLE documents (name TEXT); INSERT INTO documents VALUES ('doc')");
    app.close();
    const b = new SqliteBackend(shared);
    const book = new LogBook('b');
    book.add(new FlowDetail('f'));
    b.saveLogbook(book);
    b.close();
    const check = new Database(shared, { readonly: true });
    expect(check.prepare('SELECT name FROM documents').pluck().all()).toEqual(['doc']);
    check.close();
  });
});
