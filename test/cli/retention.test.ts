/**
 * `atomflow retention` and `atomflow prune` end to end, spawned as a user
 * would: showing, setting and clearing the settings (kept in the store, so
 * the next command sees them), bad values refused naming the option, a prune
 * that says how many runs and bytes went, and retention applied by the CLI
 * itself after `atomflow run`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { seedRuns, storedIds } from '../app/retention-support.js';
import { cleanEnv, cli, examples, jsonLines, tempDir } from './cli.js';

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = tempDir();
  env = cleanEnv(dir);
});

/** The size printed before the arrow of a prune line. */
const sizeOf = (out: string): string => /\((\d+\.\d (?:KiB|MiB)) ->/.exec(out)?.[1] ?? 'no size';
const msOf = (out: string): string => / in (\d+ ms)\n/.exec(out)?.[1] ?? 'no time';

function retention(db: string, ...args: string[]) {
  return cli(['retention', '--db', db, ...args], { env });
}

// Every command is a Node process compiling the CLI: seconds each on a busy machine.
vi.setConfig({ testTimeout: 90_000 });

describe('atomflow retention', () => {
  it('shows the settings, without creating a store that is not there', async () => {
    const db = join(dir, 'none.db');
    const r = await retention(db);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`History retention of ${db}: off (every run is kept)\n`);
    expect(JSON.parse((await retention(db, '--json')).stdout)).toEqual({ retention: {} });
    expect(existsSync(db)).toBe(false);
  });

  it('sets each limit, clears one or both, and the next command sees them', async () => {
    const db = join(dir, 'set.db');
    const set = await retention(db, '--keep-last', '20', '--max-age-days', '90');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(
      ': keep the last 20 ended runs of each flow; delete ended runs older than 90 days\n',
    );
    expect(set.stdout).toContain('atomflow prune applies it now');
    expect(JSON.parse((await retention(db, '--json')).stdout)).toEqual({
      retention: { keepLast: 20, maxAgeDays: 90 },
    });
    // One limit changed, the other kept.
    await retention(db, '--keep-last', '5');
    expect(JSON.parse((await retention(db, '--json')).stdout)).toEqual({
      retention: { keepLast: 5, maxAgeDays: 90 },
    });
    expect((await retention(db, '--no-keep-last')).stdout).toContain(
      ': delete ended runs older than 90 days\n',
    );
    expect((await retention(db, '--off')).stdout).toContain(': off (every run is kept)\n');
    expect(JSON.parse((await retention(db, '--json')).stdout)).toEqual({ retention: {} });
  });

  it('refuses bad values naming the option, and changes nothing', async () => {
    const db = join(dir, 'bad.db');
    await retention(db, '--keep-last', '3');
    const results = await Promise.all(
      [
        ['--keep-last', '2.5'],
        ['--max-age-days', '36501'],
        ['--off', '--max-age-days', '3'],
      ].map((args) => retention(db, ...args)),
    );
    expect(results.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(results.map((r) => r.stdout)).toEqual(['', '', '']);
    expect(results[0]?.stderr).toContain("--keep-last must be a whole number from 1 to 1000000, got '2.5'");
    expect(results[1]?.stderr).toContain(
      "--max-age-days must be a whole number from 1 to 36500, got '36501'",
    );
    expect(results[2]?.stderr).toMatch(/option '--off' cannot be used with option '--max-age-days/);
    expect(JSON.parse((await retention(db, '--json')).stdout)).toEqual({ retention: { keepLast: 3 } });
  });

  it('--apply-now applies the new settings at once and says what was removed', async () => {
    const db = join(dir, 'apply.db');
    const ids = seedRuns(
      db,
      Array.from({ length: 6 }, () => ({ flow: 'nightly', bytes: 30_000 })),
    );
    const r = await retention(db, '--keep-last', '2', '--apply-now');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Removed 4 runs and freed \d+\.\d KiB \(\d+\.\d KiB -> \d+\.\d KiB\) in \d+ ms$/m,
    );
    expect(storedIds(db)).toEqual([ids[5], ids[4]]);
  });
});

describe('atomflow prune', () => {
  it('applies the stored settings and prints the runs and bytes removed (or JSON)', async () => {
    const db = join(dir, 'prune.db');
    seedRuns(db, [
      ...Array.from({ length: 5 }, () => ({ flow: 'a', ageDays: 50, bytes: 40_000 })),
      { flow: 'a', ageDays: 50, state: 'SUSPENDED' as const }, // resumable: kept
      { flow: 'b', ageDays: 1 },
    ]);
    await retention(db, '--max-age-days', '30');
    const r = await cli(['prune', '--db', db, '--json'], { env });
    expect(r.code).toBe(0);
    const [out] = jsonLines(r.stdout);
    expect(out).toMatchObject({ retention: { maxAgeDays: 30 }, pruned: { runs: 5 } });
    const pruned = out?.pruned as { bytesFreed: number; bytesBefore: number; bytesAfter: number };
    expect(pruned.bytesFreed).toBeGreaterThan(5 * 40_000);
    expect(pruned.bytesAfter).toBe(pruned.bytesBefore - pruned.bytesFreed);
    expect(storedIds(db)).toHaveLength(2);

    const again = await cli(['prune', '--db', db], { env });
    expect(again.stdout).toBe(
      `History retention of ${db}: delete ended runs older than 30 days\n` +
        `Removed 0 runs and freed 0 B (${sizeOf(again.stdout)} -> ${sizeOf(again.stdout)}) in ${msOf(again.stdout)}\n`,
    );
  });

  it('after atomflow run, the CLI applies keep-last to that flow before it exits', async () => {
    const db = join(dir, 'run.db');
    await retention(db, '--keep-last', '1');
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await cli(['run', join(examples, 'retry.flow.json'), '--db', db, '--json'], { env });
      expect(r.code).toBe(0);
      ids.push(String(jsonLines(r.stdout).at(-1)?.runId));
    }
    expect(storedIds(db)).toEqual([ids[1]]);
  });
});
