/**
 * `npm start` (scripts/start.mjs) where the Electron binary is not installed,
 * for real: it says so in one line, starts the browser host, which prints
 * its URL; the URL answers; SIGTERM stops both processes. The binary is
 * hidden through ELECTRON_OVERRIDE_DIST_PATH (an empty folder), so this takes
 * the same path on a machine that has it. The run store is a temporary file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'atomflow-start-'));
let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('scripts/start.mjs without the Electron binary', () => {
  it('prints one notice line, then the browser host’s URL, which answers; SIGTERM stops it', async () => {
    const started = spawn(process.execPath, ['scripts/start.mjs'], {
      env: {
        ...process.env,
        ATOMFLOW_DB: join(dir, 'atomflow.db'),
        ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'no-electron-here'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let stderr = '';
    started.stderr.setEncoding('utf8');
    started.stderr.on('data', (d: string) => (stderr += d));
    const exited = new Promise<[number | null, string | null]>((resolve) => {
      started.on('exit', (code, signal) => {
        resolve([code, signal]);
      });
    });
    const lines = createInterface({ input: started.stdout })[Symbol.asyncIterator]();
    const next = async (): Promise<string> => {
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => {
          reject(new Error(`no line in time; stderr so far:\n${stderr}`));
        }, 60_000),
      );
      const r = await Promise.race([lines.next(), timeout]);
      if (r.done === true) throw new Error(`stdout ended; stderr:\n${stderr}`);
      return r.value;
    };

    const notice = await next();
    expect(notice).toMatch(/^The Electron binary is not installed here\b.*browser/);
    const url = await next();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+$/);

    const page = await fetch(url, { redirect: 'manual' });
    expect(page.status).toBeLessThan(400);
    expect(page.headers.get('set-cookie')).toMatch(/^atomflow-token-\d+=/);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
    const app = await fetch(new URL('/', url), { headers: { cookie } });
    expect(app.status).toBe(200);
    expect(app.headers.get('content-type')).toMatch(/text\/html/);
    expect(app.headers.get('content-security-policy')).toMatch(/default-src 'self'/);

    started.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    expect(stderr).toMatch(/SIGTERM: stopping/);
    // The host went with it: nothing listens on its port any more.
    await expect(fetch(url)).rejects.toThrow();
  }, 120_000);
});
