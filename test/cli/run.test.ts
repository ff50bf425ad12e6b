/**
 * `atomflow run` end to end, spawned as a user would: the JSON lines of
 * `--json` (exactly the documented fields, nothing else on stdout), the
 * human output, the exit statuses 0, 1 and 3, and what lands in the store.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunService } from '../../app/runs/index.js';
import {
  bin,
  cleanEnv,
  cli,
  examples,
  finished,
  gatedDocument,
  jsonLines,
  spawnCli,
  tempDir,
  waitForLine,
  writeDocument,
} from './cli.js';

const FIELDS: Record<string, string[]> = {
  flow: ['type', 'state'],
  atom: ['type', 'name', 'atom', 'state', 'ts'],
  progress: ['type', 'name', 'progress'],
  log: ['type', 'name', 'stream', 'text'],
  end: ['type', 'runId', 'state', 'results'],
};

function expectDocumentedLines(lines: Record<string, unknown>[]): void {
  for (const l of lines) expect(Object.keys(l)).toEqual(FIELDS[String(l.type)]);
  expect(lines.filter((l) => l.type === 'end')).toHaveLength(1);
  expect(lines.at(-1)?.type).toBe('end');
}

function stored(db: string, runId: string) {
  const runs = new RunService({ db });
  try {
    return runs.getRun(runId);
  } finally {
    void runs.close();
  }
}

describe('atomflow run --json', () => {
  it('prints one documented JSON object per line and exits 0 when the flow succeeds', async () => {
    const dir = tempDir();
    const db = join(dir, 'runs.db');
    const r = await cli(['run', join(examples, 'retry.flow.json'), '--db', db, '--json'], {
      env: cleanEnv(dir),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expectDocumentedLines(lines);
    expect(lines[0]).toEqual({ type: 'flow', state: 'RUNNING' });
    const atoms = lines.filter((l) => l.type === 'atom');
    expect(atoms.filter((l) => l.name === 'charge-card' && l.state === 'FAILURE')).toHaveLength(2);
    expect(atoms).toContainEqual(
      expect.objectContaining({ name: 'retry-payment', atom: 'retry', state: 'RETRYING' }),
    );
    expect(atoms).toContainEqual(
      expect.objectContaining({ name: 'reserve-stock', atom: 'task', state: 'REVERTED' }),
    );
    for (const a of atoms) expect(Number.isNaN(Date.parse(String(a.ts)))).toBe(false);
    expect(lines).toContainEqual({
      type: 'log',
      name: 'reserve-stock',
      stream: 'stdout',
      text: expect.stringContaining('released 1 x book'),
    });
    expect(lines).toContainEqual({ type: 'progress', name: 'send-receipt', progress: 1 });
    const end = lines.at(-1) as { runId: string; state: string; results: Record<string, unknown> };
    expect(end.state).toBe('SUCCESS');
    expect(end.results).toEqual({
      item: 'book',
      amount: 12.5,
      reservation: '1 x book',
      attempt: 3,
      receipt: 'paid 12.5 for 1 x book (attempt 3)',
    });
    expect(stored(db, end.runId)).toMatchObject({ state: 'SUCCESS', flow: 'checkout', engine: 'serial' });
  });

  it('exits 1 when the flow fails and reverts, telling why on stderr only', async () => {
    const dir = tempDir();
    const db = join(dir, 'runs.db');
    const r = await cli(['run', join(examples, 'deploy.flow.json'), '--db', db, '--json'], {
      env: cleanEnv(dir),
    });
    expect(r.code).toBe(1);
    const lines = jsonLines(r.stdout);
    expectDocumentedLines(lines);
    const end = lines.at(-1) as { runId: string; state: string; results: Record<string, unknown> };
    expect(end.state).toBe('REVERTED');
    expect(end.results).toEqual({ version: '1.4.2', environment: 'staging' });
    expect(r.stderr).toContain('switch-traffic (execute) failed');
    expect(r.stderr).toContain('health check failed');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const view = stored(db, end.runId);
    expect(view.atoms.map((a) => [a.name, a.state])).toEqual([
      ['build', 'REVERTED'],
      ['upload', 'REVERTED'],
      ['migrate-database', 'REVERTED'],
      ['switch-traffic', 'REVERTED'],
    ]);
  });

  it('parses --input values as JSON when they are JSON, as text otherwise', async () => {
    const dir = tempDir();
    const file = writeDocument(dir, 'echo.flow.json', {
      format: 'atomflow.flow/1',
      name: 'echo',
      flow: {
        type: 'linear',
        name: 'echo',
        children: [
          {
            type: 'task',
            name: 'describe',
            kind: 'script',
            requires: ['n', 's', 'list', 'flag'],
            provides: 'kinds',
            config: { code: 'return [typeof n, typeof s, Array.isArray(list), typeof flag];' },
          },
        ],
      },
    });
    const r = await cli(
      [
        'run',
        file,
        '--db',
        join(dir, 'runs.db'),
        '--json',
        '--input',
        'n=2',
        '--input',
        's=hello',
        '--input',
        'list=[1,2]',
        '--input',
        'flag=true',
      ],
      { env: cleanEnv(dir) },
    );
    expect(r.code).toBe(0);
    const end = jsonLines(r.stdout).at(-1) as { results: Record<string, unknown> };
    expect(end.results).toEqual({
      n: 2,
      s: 'hello',
      list: [1, 2],
      flag: true,
      kinds: ['number', 'string', true, 'boolean'],
    });
  });

  it('suspends on Ctrl-C after the running task, exits 3, and resume finishes the run', async () => {
    const dir = tempDir();
    const db = join(dir, 'runs.db');
    const go = join(dir, 'go');
    const file = writeDocument(dir, 'gated.flow.json', gatedDocument(go));
    const env = cleanEnv(dir);
    const child = spawnCli(['run', file, '--db', db, '--json'], { env });
    const done = finished(child);
    await waitForLine(child, (l) => l.includes('"name":"gate"') && l.includes('"state":"RUNNING"'));
    child.kill('SIGINT');
    // The running task finishes first; then the run stops instead of going on.
    writeFileSync(go, '');
    const r = await done;
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('suspending');
    const lines = jsonLines(r.stdout);
    expectDocumentedLines(lines);
    const end = lines.at(-1) as { runId: string; state: string };
    expect(end.state).toBe('SUSPENDED');
    expect(lines.filter((l) => l.type === 'atom' && l.name === 'last')).toEqual([]);

    const resumed = await cli(['resume', end.runId, '--db', db, '--json'], { env });
    expect(resumed.code).toBe(0);
    const after = jsonLines(resumed.stdout);
    expectDocumentedLines(after);
    // Only the rest of the run: `first` and `gate` are not run again.
    expect(after.filter((l) => l.type === 'atom').map((l) => `${String(l.name)}:${String(l.state)}`)).toEqual(
      ['last:RUNNING', 'last:SUCCESS'],
    );
    expect(after.at(-1)).toMatchObject({
      type: 'end',
      runId: end.runId,
      state: 'SUCCESS',
      results: { a: 1, b: 2 },
    });
  });
});

describe('atomflow run (for a person)', () => {
  it('prints a line per task transition, the run id and the values, and exits 0', async () => {
    const dir = tempDir();
    const db = join(dir, 'runs.db');
    const r = await cli(['run', join(examples, 'fan-out-fan-in.flow.json'), '--db', db], {
      env: cleanEnv(dir),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Running 'photo-album'");
    expect(r.stdout).toMatch(/Run [0-9a-f-]{36}/);
    for (const task of ['list-photos', 'resize', 'thumbnails', 'tag-faces', 'warm-cache', 'publish']) {
      expect(r.stdout).toMatch(new RegExp(`${task}\\s+SUCCESS`));
    }
    expect(r.stdout).toMatch(/ {4}publish +\| publishing 4 photos with 4 thumbnails\n/);
    expect(r.stdout).toContain('published = {"photos":4,"tagged":2}');
    expect(r.stdout).toMatch(/SUCCESS in [\d.]+ m?s\. Details: atomflow show [0-9a-f-]{36} --db /);
  });

  it('draws a progress bar on a terminal', async () => {
    const dir = tempDir();
    const db = join(dir, 'runs.db');
    // `script` (util-linux) gives the CLI a pseudo-terminal, as a person's terminal would.
    const command = [process.execPath, bin, 'run', join(examples, 'retry.flow.json'), '--db', db]
      .map((a) => `'${a}'`)
      .join(' ');
    const r = await finished(
      spawn('script', ['-qec', command, '/dev/null'], {
        env: cleanEnv(dir),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/█+ 100% \| 3\/3 tasks \| SUCCESS/);
    expect(r.stdout).toMatch(/charge-card +FAILURE/);
    expect(r.stdout).toMatch(/SUCCESS in /);
  });

  it('names the failed task and exits 1', async () => {
    const dir = tempDir();
    const r = await cli(['run', join(examples, 'deploy.flow.json'), '--db', join(dir, 'runs.db')], {
      env: cleanEnv(dir),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/switch-traffic\s+FAILURE .*health check failed/);
    expect(r.stdout).toMatch(/build\s+REVERTED/);
    expect(r.stdout).toContain('rolling back migration 42');
    expect(r.stdout).toMatch(/REVERTED in /);
  });

  it('uses ATOMFLOW_DB, else the app-data folder, when --db is not given', async () => {
    const dir = tempDir();
    const envDb = join(dir, 'env.db');
    const viaEnv = await cli(['run', join(examples, 'retry.flow.json'), '--json'], {
      env: cleanEnv(dir, { ATOMFLOW_DB: envDb }),
    });
    expect(viaEnv.code).toBe(0);
    expect(existsSync(envDb)).toBe(true);
    const home = tempDir();
    const viaDefault = await cli(['run', join(examples, 'retry.flow.json'), '--json'], {
      env: cleanEnv(home),
    });
    expect(viaDefault.code).toBe(0);
    expect(existsSync(join(home, 'data', 'atomflow', 'atomflow.db'))).toBe(true);
  });
});
