/**
 * Disk space of the SQLite run store: new files are made in incremental
 * auto-vacuum mode, deleting runs puts their pages on the free list, and
 * `reclaimSpace` gives those pages back to the operating system in bounded
 * steps so the file on disk shrinks; `destroyRuns` deletes only what it may;
 * settings are kept in the file.
 */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  AtomDetail,
  FlowDetail,
  LogBook,
  SqliteBackend,
  ValueError,
  states,
  type FlowState,
} from '../../engine/index.js';
import { tempFolder } from './sqlite-support.js';

const tmp = tempFolder();

/** The bytes the store takes on disk: the file and its WAL. */
function onDisk(file: string): number {
  return statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
}

function pragma(file: string, name: string): number {
  const raw = new Database(file, { readonly: true });
  try {
    return Number(raw.pragma(name, { simple: true }));
  } finally {
    raw.close();
  }
}

/** Saves `count` runs of flow `flow`, each with a task result of about `bytes` bytes; returns their uuids. */
function fill(
  backend: SqliteBackend,
  count: number,
  options: { flow?: string; bytes?: number; state?: FlowState } = {},
): string[] {
  const uuids: string[] = [];
  for (let i = 0; i < count; i++) {
    const fd = new FlowDetail(options.flow ?? 'big');
    fd.state = options.state ?? states.SUCCESS;
    const ad = new AtomDetail('produce', 'task');
    ad.state = states.SUCCESS;
    // Not a run of one repeated character: a little variety, as real results have.
    ad.results = `${String(i)}:`.padEnd(options.bytes ?? 20_000, 'abcdefghij');
    fd.add(ad);
    const book = new LogBook(fd.name);
    book.add(fd);
    backend.saveLogbook(book);
    uuids.push(fd.uuid);
  }
  return uuids;
}

describe('incremental auto-vacuum', () => {
  it('a new file is made in incremental mode (and WAL)', () => {
    const file = tmp.file();
    const backend = new SqliteBackend(file);
    expect(backend.space()).toMatchObject({ autoVacuum: 'incremental', freePages: 0 });
    backend.close();
    expect(pragma(file, 'auto_vacuum')).toBe(2);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('deleted runs free pages; reclaimSpace gives them back in bounded steps and the file shrinks', async () => {
    const file = tmp.file();
    const backend = new SqliteBackend(file, { synchronous: 'normal' });
    const uuids = fill(backend, 120, { bytes: 30_000 });
    backend.flush();
    const full = backend.space();
    expect(full.bytes).toBeGreaterThan(120 * 30_000);

    const gone = backend.destroyRuns(uuids.slice(0, 100));
    expect(gone).toHaveLength(100);
    const freed = backend.space();
    // Deleting alone frees pages inside the file, but the file is as big as before.
    expect(freed.pageCount).toBe(full.pageCount);
    expect(freed.freePages).toBeGreaterThan(full.pageCount * 0.7);

    let pauses = 0;
    const report = await backend.reclaimSpace({
      stepPages: 100,
      pause: () => {
        pauses += 1;
        return Promise.resolve();
      },
    });
    const after = backend.space();
    expect(after.freePages).toBe(0);
    expect(report.freePagesLeft).toBe(0);
    expect(report.pagesFreed).toBe(full.pageCount - after.pageCount);
    expect(report.bytesFreed).toBe(report.pagesFreed * full.pageSize);
    expect(report.pagesFreed).toBeGreaterThanOrEqual(freed.freePages - 5); // ptrmap pages go too
    // Bounded: never more than stepPages per step, with a pause after each.
    expect(report.steps).toBeGreaterThanOrEqual(Math.ceil(freed.freePages / 100));
    expect(pauses).toBe(report.steps);
    expect(report.checkpointed).toBe(true);
    // On disk: the file is its new size and the WAL is empty.
    expect(statSync(file).size).toBe(after.bytes);
    expect(statSync(`${file}-wal`).size).toBe(0);
    expect(onDisk(file)).toBeLessThan(full.bytes * 0.3);
    // What is left is intact.
    expect(backend.listRuns({ limit: 1000 }).runs).toHaveLength(20);
    expect(backend.getFlowDetail(uuids[119]!).atoms.get('produce')!.results).toMatch(/^119:abc/);
    backend.close();
    expect(pragma(file, 'freelist_count')).toBe(0);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });

  it('reclaiming while another connection holds the write lock backs off and leaves the rest for later', async () => {
    const file = tmp.file();
    const backend = new SqliteBackend(file);
    backend.destroyRuns(fill(backend, 30, { bytes: 20_000 }));
    const free = backend.space().freePages;
    expect(free).toBeGreaterThan(100);
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    let report;
    try {
      report = await backend.reclaimSpace();
    } finally {
      holder.exec('ROLLBACK');
    }
    // It neither threw nor waited the backend's 5 s busy timeout per step.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(report).toMatchObject({ pagesFreed: 0, steps: 0, freePagesLeft: free, checkpointed: false });
    holder.close();
    expect((await backend.reclaimSpace()).freePagesLeft).toBe(0);
    backend.close();
  });

  it('a reader of another connection does not stop the pages being freed; the file shrinks at a later checkpoint', async () => {
    const file = tmp.file();
    const backend = new SqliteBackend(file);
    backend.destroyRuns(fill(backend, 30, { bytes: 20_000 }));
    const reader = new Database(file, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM flowdetails').get();
    const first = await backend.reclaimSpace();
    expect(first.freePagesLeft).toBe(0);
    expect(first.checkpointed).toBe(false);
    reader.exec('COMMIT');
    reader.close();
    const second = await backend.reclaimSpace();
    expect(second.checkpointed).toBe(true);
    expect(statSync(file).size).toBe(backend.space().bytes);
    backend.close();
  });

  it('checks stepPages', async () => {
    const backend = new SqliteBackend(tmp.file());
    await expect(backend.reclaimSpace({ stepPages: 0 })).rejects.toThrow(ValueError);
    backend.close();
  });
});

describe('destroyRuns', () => {
  it('deletes only runs in the given states and alone in their logbook, skipping unknown ones', () => {
    const backend = new SqliteBackend(tmp.file());
    const [ok] = fill(backend, 1, { flow: 'a', bytes: 10 });
    const [running] = fill(backend, 1, { flow: 'a', bytes: 10, state: states.RUNNING });
    const [suspended] = fill(backend, 1, { flow: 'a', bytes: 10, state: states.SUSPENDED });
    // Two runs in one logbook (written by a library user, not the app): neither can go alone.
    const book = new LogBook('shared');
    for (const name of ['s1', 's2']) {
      const fd = new FlowDetail(name);
      fd.state = states.SUCCESS;
      book.add(fd);
    }
    backend.saveLogbook(book);
    const shared = [...book].map((fd) => fd.uuid);

    const deleted = backend.destroyRuns([ok!, running!, suspended!, ...shared, 'no-such-run'], {
      states: [states.SUCCESS, states.FAILURE],
    });
    expect(deleted).toEqual([ok]);
    expect(
      backend
        .listRuns()
        .runs.map((r) => r.uuid)
        .sort(),
    ).toEqual([running, suspended, ...shared].sort());
    // Its logbook, atoms and events are gone with it.
    expect(() => backend.getLogbook(ok!)).toThrow();
    expect(backend.destroyRuns([suspended!])).toEqual([suspended]);
    backend.close();
  });
});

describe('settings', () => {
  it('are kept in the file, replaced, removed, and must be JSON data', () => {
    const file = tmp.file();
    const backend = new SqliteBackend(file);
    expect(backend.readSetting('retention')).toBeUndefined();
    backend.writeSetting('retention', { keepLast: 5 });
    backend.writeSetting('retention', { keepLast: 7, maxAgeDays: 30 });
    backend.writeSetting('other', [1, 'two']);
    expect(() => {
      backend.writeSetting('bad', () => 1);
    }).toThrow(ValueError);
    expect(() => {
      backend.writeSetting('bad', 10n);
    }).toThrow(ValueError);
    backend.close();

    const again = new SqliteBackend(file);
    expect(again.readSetting('retention')).toEqual({ keepLast: 7, maxAgeDays: 30 });
    expect(again.readSetting('other')).toEqual([1, 'two']);
    expect(again.readSetting('bad')).toBeUndefined();
    again.writeSetting('other', undefined);
    expect(again.readSetting('other')).toBeUndefined();
    again.close();
  });
});
