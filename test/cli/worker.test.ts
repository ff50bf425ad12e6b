/**
 * `atomflow worker` and `atomflow workers` as a user runs them, against the
 * real broker: a worker serves `atomflow run --engine worker-based`, shows up
 * in the list, refuses code kinds unless allowed, and stops cleanly on SIGTERM.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { AMQP_URL } from '../support/workers.js';
import { cleanEnv, cli, examples, finished, jsonLines, spawnCli, tempDir, type CliResult } from './cli.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const p of started.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

/** Starts `atomflow worker … --json` and resolves with its ready line once it listens. */
async function startCliWorker(
  args: readonly string[],
): Promise<{ child: ChildProcess; ready: Record<string, unknown>; done: Promise<CliResult> }> {
  const child = spawnCli(['worker', '--amqp', AMQP_URL, '--json', ...args], { env: cleanEnv(tempDir()) });
  started.push(child);
  const done = finished(child);
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const line = out.split('\n').find((l) => l.includes('"ready"'));
      if (line) resolve(JSON.parse(line) as Record<string, unknown>);
    });
    void done.then((r) => {
      reject(new Error(`the worker exited (${String(r.code)}) before it was ready: ${r.stderr}`));
    });
  });
  return { child, ready, done };
}

describe('atomflow worker', () => {
  it('serves a worker-based run, is listed, and stops cleanly on SIGTERM', async () => {
    const exchange = `cli-worker-${randomUUID()}`;
    const { child, ready, done } = await startCliWorker([
      '--exchange',
      exchange,
      '--concurrency',
      '4',
      '--allow-code',
    ]);
    const info = ready.worker as { id: string; kinds: string[]; concurrency: number; pid: number };
    expect(info.concurrency).toBe(4);
    expect(info.kinds).toEqual(['delay', 'fail', 'http', 'noop', 'script', 'shell', 'value']);
    expect(String(ready.url)).not.toContain('guest@');

    const dir = tempDir();
    const env = cleanEnv(dir);
    const common = ['--amqp', AMQP_URL, '--exchange', exchange];
    const listed = await cli(['workers', ...common, '--wait', '500', '--json'], { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((w) => w.id)).toEqual([info.id]);

    const run = await cli(
      [
        'run',
        join(examples, 'deploy.flow.json'),
        '--engine',
        'worker-based',
        ...common,
        '--db',
        join(dir, 'r.db'),
        '--json',
      ],
      { env },
    );
    // deploy's last step fails on purpose: everything before it is reverted, on the worker.
    expect(run.code, run.stderr).toBe(1);
    const lines = jsonLines(run.stdout);
    expect(lines.at(-1)).toMatchObject({ type: 'end', state: 'REVERTED' });
    expect(lines.filter((l) => l.type === 'log').map((l) => l.text)).toContain('rolling back migration 42');

    child.kill('SIGTERM');
    const end = await done;
    expect(end.code).toBe(0);
    expect(jsonLines(end.stdout).map((l) => l.event)).toEqual(['ready', 'stopping', 'stopped']);
  });

  it('tells a run that waits for a kind no worker offers, then times out', async () => {
    const exchange = `cli-worker-${randomUUID()}`;
    const { child, done } = await startCliWorker(['--exchange', exchange, '--kinds', 'noop']);
    const dir = tempDir();
    const doc = {
      format: 'atomflow.flow/1',
      name: 'needs-value',
      flow: {
        type: 'linear',
        name: 'root',
        children: [{ type: 'task', name: 'v', kind: 'value', config: { value: 1 }, provides: 'x' }],
      },
    };
    const file = join(dir, 'v.flow.json');
    writeFileSync(file, JSON.stringify(doc));
    const env = cleanEnv(dir, { ATOMFLOW_AMQP_URL: AMQP_URL, ATOMFLOW_DB: join(dir, 'r.db') });
    const run = await cli(
      ['run', file, '--engine', 'worker-based', '--exchange', exchange, '--worker-timeout', '3000', '--json'],
      { env },
    );
    expect(run.code, run.stderr).toBe(1);
    const lines = jsonLines(run.stdout);
    expect(lines.find((l) => l.type === 'log')?.text).toMatch(
      /waiting for a worker that runs kind 'value'.*run: noop/,
    );
    expect(JSON.stringify(lines.at(-1))).toMatch(/RequestTimeout/);
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  });

  it('offers script and shell only with --allow-code', async () => {
    const refused = await cli(['worker', '--amqp', AMQP_URL, '--kinds', 'noop,shell']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "Kind 'shell' runs arbitrary code; a worker offers it only with --allow-code",
    );
    const unknown = await cli(['worker', '--amqp', AMQP_URL, '--kinds', 'noop,teleport']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown task kind 'teleport'");

    const exchange = `cli-worker-${randomUUID()}`;
    const { child, ready, done } = await startCliWorker([
      '--exchange',
      exchange,
      '--kinds',
      'noop,shell',
      '--allow-code',
    ]);
    expect((ready.worker as { kinds: string[] }).kinds).toEqual(['noop', 'shell']);
    child.kill('SIGTERM');
    const fin = await done;
    expect(fin.code, JSON.stringify(fin)).toBe(0);
  });

  it('says which broker refused it, without the password, and exits 2', async () => {
    const url = new URL(AMQP_URL);
    url.password = 'not-the-password';
    const r = await cli(['worker', '--amqp', url.toString()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ACCESS_REFUSED');
    expect(r.stderr).toContain(`${url.hostname}:${url.port || '5672'}`);
    expect(r.stderr).not.toContain('not-the-password');
    const none = await cli(['worker'], { env: cleanEnv(tempDir()) });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--amqp URL');
  });
});
