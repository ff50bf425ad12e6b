/**
 * `atomflow serve` as a user runs it: a child process that prints the URL
 * (with its token) as its one line of output, serves the UI and the
 * contract there, and stops cleanly on SIGTERM or Ctrl-C, suspending what
 * still runs.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DocumentStore } from '../../app/documents/index.js';
import { RunService } from '../../app/runs/index.js';
import { cookieName } from '../../main/web/index.js';
import { linearDocument, addDocument } from '../app/runs-support.js';
import { cleanEnv, cli, finished, spawnCli, tempDir, waitForLine } from '../cli/cli.js';
import { Client, eventually, http } from './support.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const p of started.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

const URL_LINE = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43,})$/;

function serve(args: readonly string[]) {
  const home = tempDir();
  const db = join(home, 'atomflow.db');
  const child = spawnCli(['serve', '--db', db, ...args], { env: cleanEnv(home) });
  started.push(child);
  const done = finished(child);
  return { child, done, db };
}

/** What a browser has once it opened the printed URL. */
function browser(port: number, token: string) {
  return {
    web: { port, origin: `http://127.0.0.1:${String(port)}` },
    cookie: `${cookieName(port)}=${token}`,
  };
}

describe('atomflow serve', () => {
  it('prints exactly the URL, serves with its token, and exits 0 on SIGTERM', async () => {
    const { child, done, db } = serve([]);
    const out = await waitForLine(child, (l) => URL_LINE.test(l));
    const [, portText, token] = URL_LINE.exec(out.trim())!;
    const port = Number(portText);

    const signIn = await http(port, `/?token=${token!}`);
    expect(signIn.status).toBe(200);
    expect(signIn.headers['set-cookie']?.[0]).toContain('HttpOnly; SameSite=Strict');
    const page = await http(port, '/', { headers: { Cookie: browser(port, token!).cookie } });
    // 200 once the renderer is built, 503 (saying how to build it) before.
    expect([200, 503]).toContain(page.status);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await http(port, '/')).status).toBe(401);

    const c = await Client.open(browser(port, token!));
    expect(await c.call('documents.save', { document: addDocument })).toMatchObject({ name: 'add' });

    child.kill('SIGTERM');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`http://127.0.0.1:${portText!}/?token=${token!}\n`);
    expect(r.stderr).toContain('SIGTERM: stopping');
    expect((await c.closed).code).toBe(1001);
    const documents = new DocumentStore({ db });
    expect(documents.list().map((d) => d.name)).toEqual(['add']);
    documents.close();
  });

  it('--json prints one ready line; Ctrl-C suspends the runs still running and exits 0', async () => {
    const { child, done, db } = serve(['--json']);
    const line = await waitForLine(child, (l) => l.startsWith('{'));
    const ready = JSON.parse(line) as { event: string; url: string; port: number; token: string; db: string };
    expect(ready).toMatchObject({ event: 'ready', db });
    expect(ready.url).toBe(`http://127.0.0.1:${String(ready.port)}/?token=${ready.token}`);

    const c = await Client.open(browser(ready.port, ready.token));
    const slow = linearDocument('slow', [
      { type: 'task', name: 'wait', kind: 'delay', config: { ms: 400 } },
      { type: 'task', name: 'after', kind: 'value', provides: 'v', config: { value: 1 } },
    ]);
    const { runId } = (await c.call('runs.start', { document: slow })) as { runId: string };
    await c.until(() => c.runEvents(runId).some((e) => e.name === 'wait' && e.state === 'RUNNING'));

    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const runs = new RunService({ db });
    expect(runs.getRun(runId).state).toBe('SUSPENDED');
    await runs.close();
  });

  it.runIf(process.platform === 'linux')(
    '--open opens the URL through a private file, never with the token on a command line',
    async () => {
      const bin = tempDir();
      const seen = join(bin, 'seen.txt');
      writeFileSync(
        join(bin, 'xdg-open'),
        '#!/bin/sh\nf="${1#file://}"\n{ echo "$1"; stat -c %a "$f"; cat "$f"; } > "$SEEN"\n',
        { mode: 0o755 },
      );
      const home = tempDir();
      const child = spawnCli(['serve', '--db', join(home, 'a.db'), '--open'], {
        env: cleanEnv(home, { PATH: `${bin}:${process.env.PATH ?? ''}`, SEEN: seen }),
      });
      started.push(child);
      const done = finished(child);
      const url = (await waitForLine(child, (l) => URL_LINE.test(l))).trim();
      const token = URL_LINE.exec(url)![2]!;
      await eventually(() => existsSync(seen) && readFileSync(seen, 'utf8').includes('</html>'));
      const [arg, mode, ...html] = readFileSync(seen, 'utf8').split('\n');
      expect(arg).toMatch(/^file:\/\/.*\/open\.html$/);
      expect(arg).not.toContain(token);
      expect(mode).toBe('600');
      expect(html.join('\n')).toContain(`<meta http-equiv="refresh" content="0; url=${url}">`);
      child.kill('SIGTERM');
      expect((await done).code).toBe(0);
      // The file is gone with the server.
      expect(existsSync(new URL(arg!).pathname)).toBe(false);
    },
  );

  it('refuses a port in use, and a port that is not one (exit 2)', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const address = busy.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const { done } = serve(['--port', String(port)]);
      const r = await done;
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`Port ${String(port)} is in use`);
      expect(r.stdout).toBe('');
    } finally {
      busy.close();
    }
    const bad = await cli(['serve', '--port', 'http'], { env: cleanEnv(tempDir()) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port must be a whole number from 0 to 65535');
  });
});
