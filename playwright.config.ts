// End-to-end tests (e2e/): Debian's Chromium against the browser host, which the global set-up
// builds and starts (`atomflow serve --port 0`); the Electron spec runs where Electron's binary exists.
import { defineConfig } from '@playwright/test';

/** Playwright cannot download its own browsers here: it drives the system's Chromium. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './e2e',
  testMatch: /.*\.spec\.ts$/,
  outputDir: '.tmp/e2e/results',
  globalSetup: './e2e/global-setup.ts',
  // One web host for the whole run; the specs are few and quick.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    colorScheme: 'dark',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
