/**
 * History retention in the run service, on real SQLite files: keep the last
 * N ended runs of each flow, keep runs younger than D days, both together;
 * never a run that has not ended; applied when the store is first opened and
 * after each run ends; the settings kept in the file and checked; and the
 * file on disk shrinking once runs are deleted.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidSettingsError,
  RunService,
  type RetentionSettings,
  type RunServiceOptions,
} from '../../app/runs/index.js';
import { waitForFileTask } from '../cli/cli.js';
import { DEAD_PID, onDisk, pragmaOf, seedRuns, storedIds } from './retention-support.js';
import { addDocument, linearDocument, tempDb } from './runs-support.js';

const open: RunService[] = [];
function service(db: string, options: Omit<RunServiceOptions, 'db'> = {}): RunService {
  const s = new RunService({ db, ...options });
  open.push(s);
  return s;
}
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** Prunes `db` once with `settings` and closes the service; resolves with the report. */
async function pruneWith(db: string, settings: RetentionSettings) {
  const runs = service(db, { retention: {} }); // nothing automatic: only the prune asked for
  const report = await runs.prune({ settings });
  await runs.close();
  return report;
}

describe('what the settings keep', () => {
  it('keepLast: the newest N ended runs of each flow', async () => {
    const db = tempDb();
    const a = seedRuns(
      db,
      [1, 2, 3, 4, 5].map(() => ({ flow: 'a' })),
    );
    const b = seedRuns(db, [
      { flow: 'b', state: 'FAILURE' },
      { flow: 'b', state: 'REVERTED' },
      { flow: 'b' },
    ]);
    const report = await pruneWith(db, { keepLast: 2 });
    expect(report.runs).toBe(4);
    expect(storedIds(db).sort()).toEqual([a[3], a[4], b[1], b[2]].sort());
  });

  it('maxAgeDays: ended runs started less than D days ago', async () => {
    const db = tempDb();
    const [d1, d10] = seedRuns(
      db,
      [1, 10, 40, 100].map((ageDays) => ({ flow: 'a', ageDays })),
    );
    expect((await pruneWith(db, { maxAgeDays: 30 })).runs).toBe(2);
    expect(storedIds(db)).toEqual([d1, d10]);
    // The limit counts back from `now`: 25 days later the 10-day-old run is 35 days old.
    const runs = service(db, { retention: {} });
    const later = Date.now() + 25 * 24 * 60 * 60 * 1000;
    expect((await runs.prune({ settings: { maxAgeDays: 30 }, now: later })).runs).toBe(1);
    expect(storedIds(db)).toEqual([d1]);
  });

  it('both: each limit applies on its own (beyond the last N of its flow, or older than D days)', async () => {
    const db = tempDb();
    const a = seedRuns(
      db,
      [60, 5, 4, 3, 2, 1].map((ageDays) => ({ flow: 'a', ageDays })),
    );
    const [, bNew] = seedRuns(db, [
      { flow: 'b', ageDays: 60 },
      { flow: 'b', ageDays: 1 },
    ]);
    const report = await pruneWith(db, { keepLast: 3, maxAgeDays: 30 });
    // a: the three newest stay; b: within its last 3, but the 60-day-old one is too old.
    expect(storedIds(db).sort()).toEqual([a[5], a[4], a[3], bNew].sort());
    expect(report.runs).toBe(4);
  });

  it('never deletes a run that has not ended; those do not count towards keepLast', async () => {
    const db = tempDb();
    const ended = seedRuns(db, [
      { flow: 'c', ageDays: 90 },
      { flow: 'c', ageDays: 80, state: 'SUSPENDED', cancelled: true }, // CANCELLED: ended
      { flow: 'c', ageDays: 70, state: 'FAILURE' },
    ]);
    const unfinished = seedRuns(db, [
      { flow: 'c', ageDays: 100, state: 'SUSPENDED' }, // resumable
      { flow: 'c', ageDays: 100, state: 'RUNNING' }, // its process is gone: interrupted
      { flow: 'c', ageDays: 100, state: 'RUNNING', pid: process.pid }, // recorded as this process's
      { flow: 'c', ageDays: 100, state: 'SUSPENDING' },
      { flow: 'c', ageDays: 100, state: 'RESUMING' },
      { flow: 'c', ageDays: 100, state: 'PENDING' },
      { flow: 'c', ageDays: 100, state: 'RUNNING', cancelled: true }, // cancel asked, not stopped yet
    ]);
    const runs = service(db, { retention: {} });
    expect(runs.listRuns({ state: 'INTERRUPTED' }).runs.map((r) => r.id)).toContain(unfinished[1]);
    expect(runs.listRuns({ state: 'CANCELLED' }).runs.map((r) => r.id)).toEqual([ended[1]]);

    // A run running in this service right now, of the same flow, started long ago as far as the limit knows.
    const go = join(dirname(db), 'go');
    const live = runs.start(linearDocument('c', [waitForFileTask('gate', go)]));
    const report = await runs.prune({
      settings: { keepLast: 1, maxAgeDays: 1 },
      now: Date.now() + 400 * 86_400_000,
    });
    expect(report.runs).toBe(3);
    expect(storedIds(db).sort()).toEqual([...unfinished, live].sort());

    writeFileSync(go, '');
    expect((await runs.wait(live)).state).toBe('SUCCESS');
  });

  it('keepLast counts ended runs only: newer unfinished ones do not push them out', async () => {
    const db = tempDb();
    const [, kept] = seedRuns(db, [
      { flow: 'd', ageDays: 5 },
      { flow: 'd', ageDays: 4, state: 'REVERTED' },
      { flow: 'd', ageDays: 1, state: 'SUSPENDED' },
      { flow: 'd', ageDays: 1, state: 'RUNNING' },
    ]);
    expect((await pruneWith(db, { keepLast: 1 })).runs).toBe(1);
    expect(storedIds(db)).toHaveLength(3);
    expect(storedIds(db)).toContain(kept);
  });
});

describe('when retention applies', () => {
  it('when the store is first opened, with the stored settings', async () => {
    const db = tempDb();
    const ids = seedRuns(
      db,
      [1, 2, 3, 4, 5].map(() => ({ flow: 'x' })),
    );
    const first = service(db, { retention: {} });
    first.setRetention({ keepLast: 2 });
    await first.close();
    expect(storedIds(db)).toHaveLength(5); // setting them deletes nothing by itself

    const runs = service(db);
    expect(runs.getRetention()).toEqual({ keepLast: 2 }); // this opens the store
    await runs.close(); // waits for the start-up pruning
    expect(storedIds(db)).toEqual([ids[4], ids[3]]);
  });

  it('an explicit option wins over the stored settings ({} prunes nothing)', async () => {
    const db = tempDb();
    seedRuns(
      db,
      [1, 2, 3].map(() => ({ flow: 'x' })),
    );
    const first = service(db, { retention: {} });
    first.setRetention({ keepLast: 1 });
    first.listRuns();
    await first.close();
    expect(storedIds(db)).toHaveLength(3);
    const other = service(db, { retention: { keepLast: 2 } });
    expect(other.getRetention()).toEqual({ keepLast: 1 }); // what is stored, for every front end
    await other.close(); // the start-up pruning applied the option, not the stored settings
    expect(storedIds(db)).toHaveLength(2);
  });

  it('after a run ends: that flow is pruned, in the background, after the end event', async () => {
    const db = tempDb();
    const [old1, old2] = seedRuns(db, [
      { flow: 'add', ageDays: 2 },
      { flow: 'add', ageDays: 1 },
    ]);
    const [other] = seedRuns(db, [{ flow: 'other', ageDays: 3 }, { flow: 'other' }]);
    const runs = service(db);
    runs.setRetention({ keepLast: 2 }); // opens the store: its start-up pruning finds nothing beyond 2

    const id = runs.start(addDocument);
    const end = await runs.wait(id);
    expect(end).toMatchObject({ state: 'SUCCESS', results: { sum: 5, double: 10 } });
    // The end event did not wait for the pruning: the oldest run is still there when it arrives.
    expect(storedIds(db)).toContain(old1);
    await runs.close();
    expect(storedIds(db)).not.toContain(old1);
    expect(storedIds(db)).toEqual(expect.arrayContaining([id, old2, other]));
    expect(storedIds(db)).toHaveLength(4);
  });
});

describe('the settings', () => {
  it('are kept in the store file, read by any service on it, and a missing store is not created', async () => {
    const db = tempDb();
    const none = service(db);
    expect(none.getRetention()).toEqual({});
    expect(existsSync(db)).toBe(false);
    expect(none.setRetention({ keepLast: 10, maxAgeDays: 30 })).toEqual({ keepLast: 10, maxAgeDays: 30 });
    const other = service(db);
    expect(other.getRetention()).toEqual({ keepLast: 10, maxAgeDays: 30 });
    other.setRetention({ maxAgeDays: 7 }); // replaces: keepLast is no longer set
    expect(none.getRetention()).toEqual({ maxAgeDays: 7 });
    other.setRetention({});
    expect(none.getRetention()).toEqual({});
  });

  it('are checked, each problem naming its field; nothing is written for bad ones', () => {
    const db = tempDb();
    const runs = service(db);
    runs.setRetention({ keepLast: 3 });
    const problems = (value: unknown): unknown => {
      try {
        runs.setRetention(value as RetentionSettings);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidSettingsError);
        return (e as InvalidSettingsError).problems;
      }
      throw new Error('accepted');
    };
    expect(problems({ keepLast: 0 })).toEqual([
      { path: 'keepLast', message: expect.stringMatching(/at least 1/) },
    ]);
    expect(problems({ keepLast: 2.5 })).toEqual([
      { path: 'keepLast', message: expect.stringMatching(/whole number/) },
    ]);
    expect(problems({ maxAgeDays: -1, keepLast: '5' })).toEqual([
      { path: 'keepLast', message: expect.stringMatching(/whole number/) },
      { path: 'maxAgeDays', message: expect.stringMatching(/at least 1/) },
    ]);
    expect(problems({ keepDays: 3 })).toEqual([{ path: 'keepDays', message: 'unknown setting' }]);
    expect(runs.getRetention()).toEqual({ keepLast: 3 });
    expect(() => new RunService({ db, retention: { keepLast: -1 } })).toThrow(InvalidSettingsError);
  });
});

describe('disk space', () => {
  it('the file on disk shrinks once pruned runs are deleted: 300 runs of ~40 KB, keep the last 10 of each of two flows', async () => {
    const db = tempDb();
    seedRuns(
      db,
      Array.from({ length: 300 }, (_, i) => ({ flow: i % 3 === 0 ? 'alpha' : 'beta', bytes: 40_000 })),
    );
    const runs = service(db, { retention: {} });
    runs.listRuns(); // opens the store
    const before = { disk: onDisk(db), pages: pragmaOf(db, 'page_count') };
    expect(before.disk).toBeGreaterThan(300 * 40_000);

    const started = performance.now();
    const report = await runs.prune({ settings: { keepLast: 10 } });
    const ms = performance.now() - started;
    await runs.close();
    const after = { disk: onDisk(db), pages: pragmaOf(db, 'page_count') };
    console.log(
      `retention shrink: ${String(report.runs)} runs deleted in ${ms.toFixed(0)} ms; ` +
        `on disk ${String(before.disk)} -> ${String(after.disk)} bytes, ` +
        `pages ${String(before.pages)} -> ${String(after.pages)}; reported ${String(report.bytesFreed)} bytes freed`,
    );

    expect(report.runs).toBe(280);
    expect(storedIds(db)).toHaveLength(20);
    expect(after.disk).toBeLessThan(before.disk * 0.5);
    expect(after.pages).toBeLessThan(before.pages * 0.5);
    expect(pragmaOf(db, 'freelist_count')).toBe(0);
    expect(report.bytesFreed).toBe(report.bytesBefore - report.bytesAfter);
    expect(report.bytesFreed).toBeGreaterThan(280 * 40_000);
    expect(report.bytesAfter).toBe(after.pages * pragmaOf(db, 'page_size'));
  });

  it('deleting one run gives its space back too', async () => {
    const db = tempDb();
    const [big] = seedRuns(db, [{ flow: 'big', bytes: 2_000_000 }, { flow: 'small' }]);
    const runs = service(db, { retention: {} });
    runs.listRuns();
    const before = onDisk(db);
    runs.deleteRun(big!);
    await runs.close();
    expect(onDisk(db)).toBeLessThan(before - 3_000_000); // the result is stored twice: atom and meta
    expect(pragmaOf(db, 'freelist_count')).toBe(0);
  });

  it('a closed service refuses to prune', async () => {
    const runs = service(tempDb());
    await runs.close();
    await expect(runs.prune()).rejects.toThrow(/closed/);
  });

  it('DEAD_PID is no live process (the interrupted run above relies on it)', () => {
    expect(() => process.kill(DEAD_PID, 0)).toThrow();
  });
});
