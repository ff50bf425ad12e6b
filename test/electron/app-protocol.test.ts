/**
 * The app:// scheme's handler (main/electron/app-protocol.ts) under Node, with
 * fetch Requests as Electron's protocol.handle gives them: files of the built
 * renderer with the CSP on every answer, and nothing outside its folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appProtocolHandler, fileOf } from '../../main/electron/app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../main/electron/security.js';

const dir = mkdtempSync(join(tmpdir(), 'atomflow-app-protocol-'));
const root = join(dir, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Atomflow</title>');
writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
writeFileSync(join(dir, 'secret.txt'), 'do not serve');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const handle = appProtocolHandler(root);
const get = (url: string, method = 'GET'): Promise<Response> => handle(new Request(url, { method }));

describe('app:// handler', () => {
  it('serves index.html for / and the files of the build, with their types', async () => {
    const index = await get('app://atomflow/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>Atomflow</title>');
    const js = await get('app://atomflow/assets/index-abc.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log(1)');
    const css = await get('app://atomflow/assets/index-abc.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('puts the CSP and the hardening headers on every answer, refusals too', async () => {
    for (const url of ['app://atomflow/index.html', 'app://atomflow/missing.js', 'app://evil/index.html']) {
      const r = await get(url);
      expect(r.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(r.headers.get('x-frame-options'), url).toBe('DENY');
    }
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%5csecret.txt',
      '/index.html%00.js',
      '/%E0%A4%A',
    ]) {
      const r = await get(`app://atomflow${path}`);
      const body = await r.text();
      expect(body, path).not.toContain('do not serve');
      expect([200, 404], path).toContain(r.status);
      if (r.status === 200) expect(body, path).toContain('<title>Atomflow</title>');
    }
    expect(fileOf(root, '/../secret.txt')).toBeUndefined();
    expect(fileOf(root, '/..%2fsecret.txt')).toBeUndefined();
    expect(fileOf(root, '/a%00b')).toBeUndefined();
  });

  it('answers other hosts 404, other methods 405, missing files 404, and routes with index.html', async () => {
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('app://atomflow/index.html', 'POST')).status).toBe(405);
    expect((await get('app://atomflow/assets/nope.js')).status).toBe(404);
    const route = await get('app://atomflow/runs/123');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Atomflow</title>');
    const head = await get('app://atomflow/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
