import { expect, test, type Page } from '@playwright/test';
import type { Results } from '../app/contract/results';
import { callHost } from './contract';
import { servedHost } from './host';

const host = servedHost();

/** Problems the page reports: console errors and uncaught exceptions. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function kindsOfHost(): Promise<number> {
  const response = await callHost(host, 'catalog.kinds', {});
  if (!response.ok) throw new Error(response.error.message);
  return (response.result as Results['catalog.kinds']).kinds.length;
}

test('the shell loads from the printed URL, connects and shows the task kinds', async ({
  page,
}, testInfo) => {
  const errors = watchErrors(page);
  const expectedKinds = await kindsOfHost();
  expect(expectedKinds).toBeGreaterThan(0);

  await page.goto(host.url);
  // The token leaves the address bar (it lives on in an HttpOnly cookie).
  await expect(page).toHaveURL(`${host.origin}/`);
  await expect(page).toHaveTitle('Atomflow');

  const toolbar = page.locator('header.toolbar');
  await expect(toolbar.getByText('Atomflow', { exact: true })).toBeVisible();
  for (const name of ['New', 'Open', 'Save']) {
    const button = toolbar.getByRole('button', { name, exact: true });
    await expect(button).toBeEnabled();
    await expect(button).toHaveAttribute('title', new RegExp(`^${name} \\((Ctrl|⌘)\\+`));
  }
  // An empty flow cannot run, and says why.
  await expect(page.getByTestId('run')).toBeDisabled();
  await expect(page.getByTestId('run-reason')).toHaveText('The flow has no tasks yet');
  // A first visit runs on the serial engine.
  await expect(page.getByTestId('engine-select')).toHaveValue('serial');

  await expect(page.locator('.react-flow')).toBeVisible();
  await expect(page.locator('.react-flow__background')).toBeVisible();
  await expect(page.locator('.react-flow__controls')).toBeVisible();
  await expect(page.locator('.react-flow__minimap')).toBeVisible();
  await expect(page.getByText('Start your flow')).toBeVisible();

  const connection = page.getByTestId('connection');
  await expect(connection).toHaveText(`Connected to web host 127.0.0.1:${String(host.port)}`);
  await expect(connection).toHaveAttribute('data-status', 'connected');
  await expect(page.getByTestId('kinds')).toHaveText(`${String(expectedKinds)} task kinds`);
  await expect(page.getByTestId('kinds')).toHaveAttribute('title', /^noop — /);

  // React Flow's stylesheet is in the bundle: its container is laid out by it.
  await expect(page.locator('.react-flow__renderer')).toHaveCSS('position', 'absolute');

  const shot = testInfo.outputPath('shell.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('shell', { path: shot, contentType: 'image/png' });
  expect(errors).toEqual([]);
});

test('a lost connection is shown with its reason, then the shell reconnects', async ({ page }, testInfo) => {
  // The first WebSocket goes through a route that can close it the way a stopping host does.
  let closeFromHost: (() => Promise<void>) | undefined;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    ws.connectToServer();
    closeFromHost ??= () => ws.close({ code: 1001, reason: 'The Atomflow host is stopping' });
  });
  await page.goto(host.url);
  const connection = page.getByTestId('connection');
  await expect(connection).toHaveAttribute('data-status', 'connected');

  if (!closeFromHost) throw new Error('the page opened no WebSocket');
  await closeFromHost();
  await expect(connection).toHaveAttribute('data-status', 'disconnected');
  await expect(connection).toContainText('Disconnected: The Atomflow host is stopping');
  const shot = testInfo.outputPath('disconnected.png');
  await page.locator('footer.statusbar').screenshot({ path: shot });
  await testInfo.attach('disconnected', { path: shot, contentType: 'image/png' });

  // It tries again by itself and gets back.
  await expect(connection).toHaveAttribute('data-status', 'connected', { timeout: 15_000 });
});
