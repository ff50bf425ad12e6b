/**
 * Nobody but the holder of the token, from the host's own origin and through
 * its own name, gets anything: HTTP requests and WebSocket upgrades without
 * the token, with a wrong one, from another origin or through another Host
 * name are refused, and nothing is written.
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cookieName } from '../../main/web/index.js';
import { readCookie, sameToken, newToken } from '../../main/web/auth.js';
import { Client, http, refusedUpgrade, startHarness, wsUrl, type Harness } from './support.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('the token', () => {
  it('is at least 128 random bits, base64url, in the printed URL on 127.0.0.1', () => {
    expect(h.web.token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(Buffer.from(h.web.token, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(h.web.url).toBe(`http://127.0.0.1:${String(h.web.port)}/?token=${h.web.token}`);
    expect(h.web.port).toBeGreaterThan(0);
    expect(newToken()).not.toBe(newToken());
  });

  it('is compared whole, whatever the lengths', () => {
    const t = newToken();
    expect(sameToken(t, t)).toBe(true);
    expect(sameToken(t.slice(0, -1), t)).toBe(false);
    expect(sameToken(`${t}x`, t)).toBe(false);
    expect(sameToken('', t)).toBe(false);
    expect(readCookie('a=1; atomflow-token-5=xyz; b=2', 'atomflow-token-5')).toBe('xyz');
    expect(readCookie('atomflow-token-55=xyz', 'atomflow-token-5')).toBeUndefined();
  });
});

describe('HTTP', () => {
  it('trades the token of the URL for an HttpOnly, SameSite=Strict cookie and moves on to /', async () => {
    const r = await http(h.web.port, `/?token=${h.web.token}`);
    expect(r.status).toBe(200);
    expect(r.headers['set-cookie']).toEqual([
      `${cookieName(h.web.port)}=${h.web.token}; Path=/; HttpOnly; SameSite=Strict`,
    ]);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    // A same-origin navigation to / (not a redirect, which would not carry a Strict cookie after a cross-site link).
    expect(r.body).toContain('<meta http-equiv="refresh" content="0; url=/">');
    expect(r.body).not.toContain(h.web.token);

    const page = await http(h.web.port, '/', { headers: { Cookie: h.cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
  });

  it('accepts the token as a Bearer header (for programs)', async () => {
    const r = await http(h.web.port, '/', { headers: { Authorization: h.bearer } });
    expect(r.status).toBe(200);
  });

  it('refuses a request without the token: 401, a message, and the security headers', async () => {
    for (const path of ['/', '/index.html', '/assets/index-abc123.js', '/ws', '/nothing']) {
      const r = await http(h.web.port, path);
      expect(r.status, path).toBe(401);
      expect(r.body).toContain('needs its access token');
      expect(r.body).not.toContain('console.log');
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    // The cookie of the host on another port is not this host's.
    const other = await http(h.web.port, '/', {
      headers: { Cookie: `${cookieName(h.web.port + 1)}=${h.web.token}` },
    });
    expect(other.status).toBe(401);
  });

  it('refuses a wrong token however it comes: 403, no cookie', async () => {
    const wrong = newToken();
    const tries: [string, Record<string, string>][] = [
      [`/?token=${wrong}`, {}],
      ['/?token=', {}],
      [`/?token=${h.web.token.slice(0, -1)}`, {}],
      ['/', { Cookie: `${cookieName(h.web.port)}=${wrong}` }],
      ['/', { Authorization: `Bearer ${wrong}` }],
      ['/', { Authorization: h.web.token }],
      // A right cookie does not outvote a wrong header.
      ['/', { Cookie: h.cookie, Authorization: `Bearer ${wrong}` }],
    ];
    for (const [path, headers] of tries) {
      const r = await http(h.web.port, path, { headers });
      const why = `${path} ${JSON.stringify(headers)}`;
      expect(r.status, why).toBe(403);
      expect(r.body, why).toContain('token is wrong');
      expect(r.headers['set-cookie'], why).toBeUndefined();
      expect(r.body, why).not.toContain('<div id="root">');
    }
  });

  it('refuses another Host name (DNS rebinding), even with the token', async () => {
    const port = String(h.web.port);
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1:${String(h.web.port + 1)}`,
      '127.0.0.1',
    ]) {
      const r = await http(h.web.port, `/?token=${h.web.token}`, { headers: { Host: host } });
      expect(r.status, host).toBe(403);
      expect(r.body).toContain('only answers requests addressed to');
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    const local = await http(h.web.port, '/', { headers: { Host: `localhost:${port}`, Cookie: h.cookie } });
    expect(local.status).toBe(200);
  });

  it('answers only GET and HEAD', async () => {
    const post = await http(h.web.port, '/', { method: 'POST', headers: { Cookie: h.cookie } });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await http(h.web.port, '/', { method: 'DELETE' })).status).toBe(401);
  });
});

describe('the WebSocket upgrade', () => {
  it('is refused without the token (a token in the WebSocket URL does not count)', async () => {
    expect((await refusedUpgrade(wsUrl(h.web), { origin: h.web.origin })).status).toBe(401);
    const inUrl = await refusedUpgrade(wsUrl(h.web, `/ws?token=${h.web.token}`), { origin: h.web.origin });
    expect(inUrl.status).toBe(401);
  });

  it('is refused with a wrong token', async () => {
    const wrong = newToken();
    const tries: Record<string, string>[] = [
      { Cookie: `${cookieName(h.web.port)}=${wrong}` },
      { Authorization: `Bearer ${wrong}` },
      { Cookie: h.cookie, Authorization: `Bearer ${wrong}` },
    ];
    for (const headers of tries) {
      const r = await refusedUpgrade(wsUrl(h.web), { headers, origin: h.web.origin });
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body).toContain('token is wrong');
    }
  });

  it('is refused from any origin but the host own, even with the token (cross-site WebSocket hijacking)', async () => {
    const port = String(h.web.port);
    for (const origin of [
      'http://evil.example',
      `http://evil.example:${port}`,
      `http://127.0.0.1:${String(h.web.port + 1)}`,
      `https://127.0.0.1:${port}`,
      'http://127.0.0.1',
      'null',
      `http://localhost:${port}`, // not the origin of a page served through 127.0.0.1
    ]) {
      const r = await refusedUpgrade(wsUrl(h.web), { headers: { Cookie: h.cookie }, origin });
      expect(r.status, origin).toBe(403);
      expect(r.body).toContain('may only be opened by pages of');
    }
    // No Origin at all: not a page of this host either.
    expect((await refusedUpgrade(wsUrl(h.web), { headers: { Cookie: h.cookie } })).status).toBe(403);
    expect(h.logs.some((l) => l.includes('refused a WebSocket from origin "http://evil.example"'))).toBe(
      true,
    );
  });

  it('is refused through another Host name, and on another path', async () => {
    const r = await refusedUpgrade(wsUrl(h.web), {
      headers: { Cookie: h.cookie, Host: 'evil.example' },
      origin: 'http://evil.example',
    });
    expect(r.status).toBe(403);
    const other = await refusedUpgrade(wsUrl(h.web, '/socket'), {
      headers: { Cookie: h.cookie },
      origin: h.web.origin,
    });
    expect(other.status).toBe(404);
  });

  it('is accepted with the token from the host own origin, through either of its names', async () => {
    const a = await Client.open(h);
    expect(await a.call('documents.list', {})).toEqual({ documents: [] });
    a.close();
    const b = await Client.open(h, { headers: { Authorization: h.bearer } });
    expect((await b.request('documents.list')).ok).toBe(true);
    b.close();
  });

  it('writes nothing when refused: the store file is never created', async () => {
    const tries: { headers?: Record<string, string>; origin: string }[] = [
      { origin: h.web.origin },
      { headers: { Cookie: `${cookieName(h.web.port)}=${newToken()}` }, origin: h.web.origin },
      { headers: { Cookie: h.cookie }, origin: 'http://evil.example' },
      { headers: { Cookie: h.cookie, Host: 'evil.example' }, origin: h.web.origin },
    ];
    for (const options of tries) {
      await refusedUpgrade(wsUrl(h.web), options);
    }
    await http(h.web.port, '/', { method: 'POST', headers: { 'Content-Type': 'application/json' } });
    expect(existsSync(h.db)).toBe(false);
    expect(h.documents.list()).toEqual([]);
    expect(h.runs.listRuns().runs).toEqual([]);
  });
});
