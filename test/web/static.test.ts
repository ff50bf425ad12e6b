/**
 * The built renderer as the web host serves it: the right content types and
 * caching, the security headers on every answer, a clear page when nothing
 * is built, and never a file from outside the renderer folder.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../main/web/index.js';
import { tempDir } from '../cli/cli.js';
import { SECRET, http, rendererFixture, startHarness, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function get(path: string, options: { method?: string } = {}) {
  return http(h!.web.port, path, { ...options, headers: { Cookie: h!.cookie } });
}

describe('serving the renderer', () => {
  it('serves index.html for / with a strict CSP, nosniff, no-referrer and no-store', async () => {
    h = await startHarness();
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-frame-options']).toBe('DENY');
    const port = String(h.web.port);
    const csp = r.headers['content-security-policy'];
    expect(csp).toBe(contentSecurityPolicy(h.web.port));
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "img-src 'self' data:",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe');
    expect(r.body).toContain('<div id="root">');
  });

  it('serves assets with their content types; hashed assets are cached', async () => {
    h = await startHarness();
    const cases: [string, string][] = [
      ['/assets/index-abc123.js', 'text/javascript; charset=utf-8'],
      ['/assets/index-abc123.css', 'text/css; charset=utf-8'],
      ['/assets/logo.svg', 'image/svg+xml'],
      ['/assets/data.bin', 'application/octet-stream'],
      ['/index.html', 'text/html; charset=utf-8'],
    ];
    for (const [path, type] of cases) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toBe(type);
      expect(r.headers['content-security-policy'], path).toBeDefined();
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
    }
    expect((await get('/assets/index-abc123.js')).body).toBe('console.log("app");\n');
    expect((await get('/assets/index-abc123.js')).headers['cache-control']).toContain('immutable');
  });

  it('answers HEAD with the headers alone', async () => {
    h = await startHarness();
    const r = await get('/assets/index-abc123.js', { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String('console.log("app");\n'.length));
    expect(r.body).toBe('');
  });

  it('answers 404 for a missing file, with the security headers', async () => {
    h = await startHarness();
    for (const path of ['/assets/missing.js', '/history/some-run', '/assets/']) {
      const missing = await get(path);
      expect(missing.status, path).toBe(404);
      expect(missing.headers['content-security-policy']).toBeDefined();
    }
  });

  it('answers a plain GET of the WebSocket path with 426', async () => {
    h = await startHarness();
    expect((await get('/ws')).status).toBe(426);
  });

  it('says `npm run build` is needed when the renderer is not built (503), after the token check', async () => {
    h = await startHarness({ rendererDir: join(tempDir(), 'not-there') });
    const r = await get('/');
    expect(r.status).toBe(503);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBeDefined();
    expect(r.body).toContain('npm run build');
    expect((await get('/assets/index-abc123.js')).status).toBe(503);
    expect((await http(h.web.port, '/')).status).toBe(401);
    // A folder without index.html is not a build either.
    const empty = tempDir();
    await h.close();
    h = await startHarness({ rendererDir: empty });
    expect((await get('/')).status).toBe(503);
  });
});

describe('path traversal', () => {
  const attempts = [
    '/../secret.txt',
    '/../../package.json',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/%2e%2e/package.json',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets%2f..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%5c..%5csecret.txt',
    '/.env',
    '/%2eenv',
    '/assets/%00',
    '/%',
    '/%c0%ae%c0%ae/secret.txt',
    '//etc/passwd',
    '/etc/passwd',
    '/%2fetc%2fpasswd',
  ];

  it('never serves a file outside the renderer folder (403 or 404, or 400 for a broken path)', async () => {
    h = await startHarness();
    for (const path of attempts) {
      const r = await get(path);
      expect([400, 403, 404], path).toContain(r.status);
      expect(r.body, path).not.toContain(SECRET);
      expect(r.body, path).not.toContain('"name": "atomflow"');
      expect(r.body, path).not.toContain('root:');
      expect(r.headers['content-security-policy'], path).toBeDefined();
    }
    expect((await get('/..%2fsecret.txt')).status).toBe(403);
  });

  it('does not follow a symbolic link out of the folder', async () => {
    const { dir, secret } = rendererFixture();
    symlinkSync(secret, join(dir, 'assets', 'link.txt'));
    mkdirSync(join(dir, 'nested'));
    symlinkSync(join(dir, '..'), join(dir, 'nested', 'up'));
    h = await startHarness({ rendererDir: dir });
    for (const path of ['/assets/link.txt', '/nested/up/secret.txt']) {
      const r = await get(path);
      expect(r.status, path).toBe(403);
      expect(r.body).not.toContain(SECRET);
    }
  });
});
