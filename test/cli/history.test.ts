/**
 * `atomflow runs`, `show`, `validate`, `delete` and `resume` end to end,
 * against a store filled by real runs of the examples.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, cli, examples, jsonLines, tempDir } from './cli.js';

let db: string;
let env: NodeJS.ProcessEnv;
let okId: string;
let failedId: string;

beforeAll(async () => {
  const dir = tempDir();
  db = join(dir, 'runs.db');
  env = cleanEnv(dir);
  const ok = await cli(['run', join(examples, 'retry.flow.json'), '--db', db, '--json'], { env });
  okId = String(jsonLines(ok.stdout).at(-1)?.runId);
  const failed = await cli(['run', join(examples, 'deploy.flow.json'), '--db', db, '--json'], { env });
  failedId = String(jsonLines(failed.stdout).at(-1)?.runId);
});

describe('atomflow runs', () => {
  it('lists runs newest first', async () => {
    const r = await cli(['runs', '--db', db], { env });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+FLOW\s+STATE\s+ENGINE\s+CREATED$/);
    expect(lines[1]).toMatch(new RegExp(`^${failedId}\\s+deploy\\s+REVERTED\\s+serial\\s+\\d{4}-`));
    expect(lines[2]).toMatch(new RegExp(`^${okId}\\s+checkout\\s+SUCCESS\\s+serial`));
  });

  it('prints the page as JSON, filters and pages', async () => {
    const all = JSON.parse((await cli(['runs', '--db', db, '--json'], { env })).stdout) as {
      runs: { id: string; state: string }[];
    };
    expect(all.runs.map((r) => r.id)).toEqual([failedId, okId]);
    const reverted = JSON.parse(
      (await cli(['runs', '--db', db, '--json', '--state', 'REVERTED'], { env })).stdout,
    ) as {
      runs: { id: string }[];
    };
    expect(reverted.runs.map((r) => r.id)).toEqual([failedId]);
    const byFlow = JSON.parse(
      (await cli(['runs', '--db', db, '--json', '--flow', 'checkout'], { env })).stdout,
    ) as {
      runs: { id: string }[];
    };
    expect(byFlow.runs.map((r) => r.id)).toEqual([okId]);
    const page = await cli(['runs', '--db', db, '--limit', '1'], { env });
    const more = /More: atomflow runs --cursor (\S+)/.exec(page.stdout);
    expect(more).not.toBeNull();
    const next = JSON.parse(
      (await cli(['runs', '--db', db, '--json', '--limit', '1', '--cursor', more?.[1] ?? ''], { env }))
        .stdout,
    ) as { runs: { id: string }[]; nextCursor?: string };
    expect(next.runs.map((r) => r.id)).toEqual([okId]);
    expect(next.nextCursor).toBeUndefined();
  });

  it('says so when there are no runs, without creating the store', async () => {
    const dir = tempDir();
    const r = await cli(['runs', '--db', join(dir, 'none.db')], { env: cleanEnv(dir) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No runs in');
  });
});

describe('atomflow show', () => {
  it('shows a run’s atoms, attempts, failures, output and values', async () => {
    const r = await cli(['show', okId, '--db', db], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Run ${okId}: flow 'checkout' from ${join(examples, 'retry.flow.json')}`);
    expect(r.stdout).toMatch(/state\s+SUCCESS/);
    expect(r.stdout).toMatch(/charge-card\s+task\s+SUCCESS\s+3\s/);
    expect(r.stdout).toMatch(/retry-payment\s+retry\s+SUCCESS/);
    expect(r.stdout).toContain('reserve-stock | released 1 x book');
    expect(r.stdout).toContain('receipt = "paid 12.5 for 1 x book (attempt 3)"');

    const failed = await cli(['show', failedId, '--db', db], { env });
    expect(failed.stdout).toMatch(/state\s+REVERTED/);
    expect(failed.stdout).toContain('switch-traffic (execute): IntendedFailure: health check failed');
  });

  it('prints the run as JSON', async () => {
    const r = await cli(['show', failedId, '--db', db, '--json'], { env });
    expect(r.code).toBe(0);
    const view = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(view).toMatchObject({ id: failedId, flow: 'deploy', state: 'REVERTED', engine: 'serial' });
    expect(view.failures).toEqual([
      {
        atom: 'switch-traffic',
        phase: 'execute',
        type: 'IntendedFailure',
        message: expect.stringContaining('health check'),
        // Where it was raised: the fail kind's execute.
        stack: expect.stringMatching(/^IntendedFailure: health check[^]*\n\s+at .*fail\.ts/),
      },
    ]);
    expect(
      (view.atoms as { name: string; startedAt: string; durationMs: number }[]).map((a) => a.name),
    ).toEqual(['build', 'upload', 'migrate-database', 'switch-traffic']);
  });
});

describe('atomflow validate', () => {
  it('accepts every example', async () => {
    for (const name of ['deploy', 'fan-out-fan-in', 'retry', 'batch', 'every-pattern']) {
      const file = join(examples, `${name}.flow.json`);
      const r = await cli(['validate', file], { env });
      expect(r.stdout, name).toBe(`${file}: valid\n`);
      expect(r.code, name).toBe(0);
    }
  });
});

describe('atomflow resume and delete', () => {
  it('refuses to resume a run that ended (exit 1)', async () => {
    const r = await cli(['resume', okId, '--db', db], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already ended SUCCESS');
  });

  it('deletes a run', async () => {
    const dir = tempDir();
    const own = join(dir, 'runs.db');
    const ownEnv = cleanEnv(dir);
    const run = await cli(['run', join(examples, 'retry.flow.json'), '--db', own, '--json'], { env: ownEnv });
    const id = String(jsonLines(run.stdout).at(-1)?.runId);
    const del = await cli(['delete', id, '--db', own], { env: ownEnv });
    expect(del.code).toBe(0);
    expect(del.stdout).toBe(`Deleted run ${id}\n`);
    expect((await cli(['show', id, '--db', own], { env: ownEnv })).code).toBe(1);
  });
});

describe('atomflow usage', () => {
  it('prints help and the version with exit 0, and a usage error with exit 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['run', 'resume', 'runs', 'show', 'validate']) expect(help.stdout).toContain(c);
    expect((await cli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const unknown = await cli(['fly']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'fly'");
  });
});
