/**
 * The retention methods of the contract on a real run service: the settings
 * read and replaced through `settings.retention.*` (kept in the file, so a
 * second host on it sees them), `runs.prune` answering what it deleted and
 * freed, and the service's own refusal mapped to a bad request naming the field.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidSettingsError, RunService } from '../../app/runs/index.js';
import { seedRuns, storedIds } from '../app/retention-support.js';
import { harness, type Harness } from './support.js';

const open: Harness[] = [];
function setup(): Harness {
  const h = harness();
  open.push(h);
  return h;
}
afterEach(async () => {
  vi.restoreAllMocks();
  for (const h of open.splice(0)) await h.close();
});

describe('settings.retention.*', () => {
  it('reads and replaces the settings kept in the run store', async () => {
    const h = setup();
    const c = h.client();
    expect(await c.ok('settings.retention.get')).toEqual({});
    expect(await c.ok('settings.retention.set', { keepLast: 20, maxAgeDays: 90 })).toEqual({
      keepLast: 20,
      maxAgeDays: 90,
    });
    expect(await c.ok('settings.retention.get', {})).toEqual({ keepLast: 20, maxAgeDays: 90 });
    // Another program on the same file sees them.
    const other = new RunService({ db: h.db });
    expect(other.getRetention()).toEqual({ keepLast: 20, maxAgeDays: 90 });
    await other.close();
    // Replaced as a whole: an absent limit is not set.
    expect(await c.ok('settings.retention.set', { maxAgeDays: 7 })).toEqual({ maxAgeDays: 7 });
    expect(await c.ok('settings.retention.set', {})).toEqual({});
    expect(await c.ok('settings.retention.get')).toEqual({});
  });

  it('refuses bad settings naming the field, and keeps the old ones', async () => {
    const h = setup();
    const c = h.client();
    await c.ok('settings.retention.set', { keepLast: 5 });
    const error = await c.error('settings.retention.set', { keepLast: 0, maxAgeDays: 1.5 });
    expect(error.code).toBe('bad-request');
    expect(error.problems).toEqual([
      { path: 'params.keepLast', message: expect.stringMatching(/at least 1/) },
      { path: 'params.maxAgeDays', message: expect.stringMatching(/whole number/) },
    ]);
    expect(await c.ok('settings.retention.get')).toEqual({ keepLast: 5 });
  });

  it("maps the service's own refusal to a bad request with the field", async () => {
    const h = setup();
    vi.spyOn(h.runs, 'setRetention').mockImplementation(() => {
      throw new InvalidSettingsError([{ path: 'keepLast', message: 'too many for this host' }]);
    });
    const error = await h.client().error('settings.retention.set', { keepLast: 5 });
    expect(error).toEqual({
      code: 'bad-request',
      message: "Invalid params of 'settings.retention.set': params.keepLast: too many for this host",
      problems: [{ path: 'params.keepLast', message: 'too many for this host' }],
    });
  });
});

describe('runs.prune', () => {
  it('applies the settings now and answers how many runs went and the bytes freed', async () => {
    const h = setup();
    const ids = seedRuns(
      h.db,
      Array.from({ length: 12 }, (_, i) => ({ flow: i < 8 ? 'a' : 'b', bytes: 50_000 })),
    );
    const c = h.client();
    // Opens the store, whose start-up pruning applies what it holds then: nothing.
    expect(await c.ok('settings.retention.get')).toEqual({});
    await c.ok('settings.retention.set', { keepLast: 3 });
    expect(storedIds(h.db)).toHaveLength(12); // setting them deletes nothing by itself
    const report = (await c.ok('runs.prune')) as Record<string, number>;
    expect(storedIds(h.db).sort()).toEqual([ids[5], ids[6], ids[7], ids[9], ids[10], ids[11]].sort());
    expect(report).toEqual({
      runs: 6,
      bytesFreed: expect.any(Number),
      bytesBefore: expect.any(Number),
      bytesAfter: expect.any(Number),
      durationMs: expect.any(Number),
    });
    expect(report.bytesBefore! - report.bytesAfter!).toBe(report.bytesFreed);
    expect(report.bytesFreed).toBeGreaterThan(6 * 2 * 50_000); // each result is kept twice
    // Nothing more to do a second time.
    expect(await c.ok('runs.prune', {})).toMatchObject({ runs: 0, bytesFreed: 0 });
  });
});
