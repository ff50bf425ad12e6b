/**
 * The desktop app through Playwright's Electron driver: the same shell, over
 * the preload's bridge instead of a WebSocket. Electron's binary is fetched
 * lazily and cannot be fetched on every machine, so this runs only where it
 * is there (found without ever loading the `electron` package, which would
 * try to download it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { ROOT } from './host';

/** The Electron binary, or why there is none. */
function electronBinary(): { path: string } | { missing: string } {
  if (process.env.ELECTRON_EXEC_PATH) {
    const path = process.env.ELECTRON_EXEC_PATH;
    return existsSync(path) ? { path } : { missing: `ELECTRON_EXEC_PATH names no file (${path})` };
  }
  const dir = join(ROOT, 'node_modules', 'electron');
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt)) {
    return { missing: 'its binary is not installed (node_modules/electron/path.txt is missing)' };
  }
  const path = join(
    process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist'),
    readFileSync(pathTxt, 'utf8').trim(),
  );
  return existsSync(path) ? { path } : { missing: `its binary is not installed (${path} is missing)` };
}

/** The built main process the app starts from (package.json "main", else out/main/index.js). */
function mainEntry(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main?: string };
  return join(ROOT, pkg.main ?? 'out/main/index.js');
}

const binary = electronBinary();
const entry = mainEntry();

test('the desktop app shows the shell, connected to Electron', async () => {
  const testInfo = test.info();
  test.skip('missing' in binary, 'missing' in binary ? `Electron cannot run here: ${binary.missing}` : '');
  test.skip(!existsSync(entry), `the Electron main process is not built (${entry} is missing)`);
  if ('missing' in binary) return;

  const dir = mkdtempSync(join(tmpdir(), 'atomflow-e2e-electron-'));
  const app = await electron.launch({
    executablePath: binary.path,
    args: [entry],
    cwd: ROOT,
    env: { ...process.env, ATOMFLOW_DB: join(dir, 'e2e.db') },
  });
  try {
    const window = await app.firstWindow();
    await expect(window).toHaveTitle('Atomflow');
    await expect(window.getByTestId('connection')).toHaveText('Connected to Electron');
    await expect(window.getByTestId('kinds')).toHaveText(/^\d+ task kinds$/);
    await expect(window.locator('.react-flow__minimap')).toBeVisible();
    const shot = testInfo.outputPath('electron.png');
    await window.screenshot({ path: shot });
    await testInfo.attach('electron', { path: shot, contentType: 'image/png' });
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
