import { expect, request, test, type Page } from '@playwright/test';
import { refusedUpgrade, wsUrl } from './contract';
import { servedHost } from './host';

const host = servedHost();

interface Violation {
  readonly directive: string;
  readonly blockedURI: string;
  /** The policy that was violated, as written. */
  readonly policy: string;
}

/** Records the page's CSP violations in `window.__violations` from now on. */
async function recordViolations(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: { directive: string; blockedURI: string; policy: string }[] = [];
    Object.assign(window, { __violations: seen });
    document.addEventListener('securitypolicyviolation', (e) => {
      seen.push({ directive: e.effectiveDirective, blockedURI: e.blockedURI, policy: e.originalPolicy });
    });
  });
}

/**
 * The violations recorded so far, each as `directive blocked-uri by header|meta`, sorted. The page has
 * two policies (the host's header and index.html's meta tag); each reports what it blocks.
 */
async function violations(page: Page): Promise<string[]> {
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const seen = await page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations);
  return seen.map((v) => `${v.directive} ${v.blockedURI} by ${v.policy === meta ? 'meta' : 'header'}`).sort();
}

async function openShell(page: Page): Promise<void> {
  await page.goto(host.url);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-status', 'connected');
  await recordViolations(page);
}

test('the page carries a strict Content Security Policy, in its header and in its HTML', async ({ page }) => {
  const response = await page.goto(host.url);
  await expect(page).toHaveURL(`${host.origin}/`);
  const reload = await page.reload();
  for (const r of [response, reload]) {
    const csp = (await r?.allHeaders())?.['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  }
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(meta).toContain("default-src 'self'");
  expect(meta).toContain("script-src 'self'");
  expect(meta).not.toContain('unsafe');
});

test('an inline script does not run', async ({ page }) => {
  await openShell(page);
  const messages: string[] = [];
  page.on('console', (m) => messages.push(m.text()));

  // A <script> element with inline code, added to the document…
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true;';
    document.body.append(script);
  });
  // …and Playwright's own way of adding one.
  await page.addScriptTag({ content: 'window.__tagRan = true;' }).catch(() => undefined);
  // …and an inline event handler.
  await page.evaluate(() => {
    const div = document.createElement('div');
    div.setAttribute('onclick', 'window.__handlerRan = true');
    document.body.append(div);
    div.click();
  });

  const ran = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    return [w.__inlineRan, w.__tagRan, w.__handlerRan];
  });
  expect(ran).toEqual([undefined, undefined, undefined]);
  await expect
    .poll(() => violations(page))
    .toEqual([
      'script-src-attr inline by header',
      'script-src-attr inline by meta',
      'script-src-elem inline by header',
      'script-src-elem inline by header',
      'script-src-elem inline by meta',
      'script-src-elem inline by meta',
    ]);
  expect(messages.some((m) => m.includes('Content Security Policy'))).toBe(true);
});

test('a request to another origin is blocked by the policy, not by the network', async ({ page }) => {
  await openShell(page);
  // 127.0.0.2 is loopback: were the policy to let it through, nothing would leave the machine.
  const outcome = await page.evaluate(async () => {
    try {
      await fetch('http://127.0.0.2:9/steal');
      return 'fetched';
    } catch (e) {
      return e instanceof Error ? e.name : String(e);
    }
  });
  expect(outcome).toBe('TypeError');
  const socket = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        try {
          const ws = new WebSocket('ws://127.0.0.2:9/');
          ws.onopen = () => {
            resolve('open');
          };
          ws.onerror = () => {
            resolve('error');
          };
        } catch (e) {
          resolve(e instanceof Error ? e.name : String(e));
        }
      }),
  );
  expect(socket).not.toBe('open');
  await expect
    .poll(() => violations(page))
    .toEqual([
      'connect-src http://127.0.0.2:9/steal by header',
      'connect-src http://127.0.0.2:9/steal by meta',
      'connect-src ws://127.0.0.2:9/ by header',
      'connect-src ws://127.0.0.2:9/ by meta',
    ]);
});

test('requests without the token are refused', async ({ browser }) => {
  const anonymous = await request.newContext();
  try {
    for (const path of ['/', '/index.html', '/favicon.svg']) {
      const r = await anonymous.get(`${host.origin}${path}`, { maxRedirects: 0 });
      expect(r.status(), path).toBe(401);
      expect(await r.text()).toContain('access token');
    }
    const wrong = await anonymous.get(`${host.origin}/?token=not-the-token`, { maxRedirects: 0 });
    expect(wrong.status()).toBe(403);
  } finally {
    await anonymous.dispose();
  }

  // The contract's WebSocket: refused without the cookie or a Bearer token, even from the right origin.
  expect(await refusedUpgrade(wsUrl(host), { origin: host.origin })).toBe(401);
  expect(
    await refusedUpgrade(wsUrl(host), { origin: host.origin, headers: { Authorization: 'Bearer nope' } }),
  ).toBe(403);

  // A browser that never had the token sees the refusal, not the app.
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const response = await page.goto(`${host.origin}/`);
    expect(response?.status()).toBe(401);
    await expect(page.locator('body')).toContainText('needs its access token');
    await expect(page.locator('.toolbar')).toHaveCount(0);
  } finally {
    await context.close();
  }
});
