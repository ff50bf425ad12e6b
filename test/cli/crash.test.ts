/**
 * A crash: the CLI running a flow is killed (SIGKILL, with its process
 * group) while a task runs; `atomflow runs` shows the run INTERRUPTED, and
 * `atomflow resume` finishes it without running finished tasks again.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cleanEnv,
  cli,
  finished,
  gatedDocument,
  jsonLines,
  spawnCli,
  tempDir,
  waitForLine,
  writeDocument,
} from './cli.js';

// `gate` was RUNNING when the process died, and still is in the store: it runs again
// without a new RUNNING transition, and its executions count stays 1.
describe('atomflow resume after a crash', () => {
  it('resumes a run whose CLI was killed mid-task', async () => {
    const dir = tempDir();
    const db = join(dir, 'runs.db');
    const go = join(dir, 'go');
    const env = cleanEnv(dir);
    const file = writeDocument(dir, 'gated.flow.json', gatedDocument(go, 'crashy'));
    const child = spawnCli(['run', file, '--db', db], { env, detached: true });
    const done = finished(child);
    const header = await waitForLine(child, (l) => /gate\s+RUNNING/.test(l));
    process.kill(-(child.pid ?? 0), 'SIGKILL');
    await done;
    const id = /Run ([0-9a-f-]{36})/.exec(header)?.[1] ?? '';

    const list = await cli(['runs', '--db', db], { env });
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+crashy\\s+INTERRUPTED`));
    const interrupted = await cli(['runs', '--db', db, '--state', 'INTERRUPTED'], { env });
    expect(interrupted.stdout).toMatch(new RegExp(`${id}\\s+crashy\\s+INTERRUPTED`));

    writeFileSync(go, '');
    const resumed = await cli(['resume', id, '--db', db, '--json'], { env });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const lines = jsonLines(resumed.stdout);
    expect(lines.filter((l) => l.type === 'atom').map((l) => `${String(l.name)}:${String(l.state)}`)).toEqual(
      ['gate:SUCCESS', 'last:RUNNING', 'last:SUCCESS'],
    );
    expect(lines.at(-1)).toMatchObject({ type: 'end', runId: id, state: 'SUCCESS', results: { a: 1, b: 2 } });

    const show = JSON.parse((await cli(['show', id, '--db', db, '--json'], { env })).stdout) as {
      atoms: { name: string; executions: number }[];
    };
    expect(show.atoms.map((a) => [a.name, a.executions])).toEqual([
      ['first', 1],
      ['gate', 1],
      ['last', 1],
    ]);
  });
});
