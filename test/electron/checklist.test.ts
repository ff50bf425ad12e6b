/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security),
 * point by point, on what the desktop app's real start-up does: main/electron/main.ts is
 * loaded against a stand-in Electron (test/electron/support/fake-electron.ts, since the
 * binary is not installed here) and each test reads what it gave Electron — the window's
 * options, the default session's handlers, the app protocol, the IPC handler — and fires
 * events at them. security.test.ts checks the helpers; this checks that main.ts still uses
 * them, so a later change to the start-up cannot quietly undo a point.
 *
 * Points that do not apply: 10 (no Blink features are enabled: checked as absent), 15
 * (use a current Electron: a release check, not a code property; the version is pinned).
 */
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cancellable, fakeElectron, recorded, type FakeBrowserWindow } from './support/fake-electron.js';

vi.mock('electron', async () => (await import('./support/fake-electron.js')).fakeElectron);
// The renderer may not be built when the unit tests run (CI builds it for the e2e specs later):
// main.ts only checks that its index.html exists before it opens the window.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const existsSync = (path: import('node:fs').PathLike): boolean =>
    String(path).endsWith(join('out', 'renderer', 'index.html')) || fs.existsSync(path);
  return { ...fs, default: { ...fs, existsSync }, existsSync };
});

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'atomflow-checklist-'));
const signalsBefore = {
  SIGINT: process.listeners('SIGINT'),
  SIGTERM: process.listeners('SIGTERM'),
};
let win: FakeBrowserWindow;
let prefs: Record<string, unknown>;

beforeAll(async () => {
  process.env.ATOMFLOW_DB = join(dir, 'atomflow.db');
  await import('../../main/electron/main.js');
  await vi.waitFor(
    () => {
      if (recorded.windows.length !== 1) throw new Error('no window yet');
    },
    { timeout: 10_000 },
  );
  expect(recorded.errorBoxes).toEqual([]);
  win = recorded.windows[0] as FakeBrowserWindow;
  prefs = win.options.webPreferences as Record<string, unknown>;
}, 30_000);

afterAll(async () => {
  // Quitting runs main.ts's safe stop (it closes the run store); then its signal handlers go,
  // so they do not outlive this file in the test process.
  fakeElectron.app.quit();
  await vi.waitFor(
    () => {
      if (recorded.quits < 2) throw new Error('still stopping');
    },
    { timeout: 15_000 },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const l of process.listeners(signal)) {
      if (!signalsBefore[signal].includes(l)) process.removeListener(signal, l);
    }
  }
  delete process.env.ATOMFLOW_DB;
  rmSync(dir, { recursive: true, force: true });
});

/** What the default session's request filter answers for a URL. */
function requestVerdict(url: string): unknown {
  let verdict: unknown;
  recorded.session.beforeRequest?.({ url }, (v: unknown) => (verdict = v));
  return verdict;
}

/** The IPC event of a frame showing `url` in the app's window (`parent` set: an iframe). */
function ipcEvent(url: string, parent: unknown = null): unknown {
  return { sender: { id: win.webContents.id }, senderFrame: { url, parent } };
}

/** Every TypeScript source file under `dir`, recursively. */
function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(c|m)?tsx?$/.test(name) ? [path] : [];
  });
}

describe("Electron's security checklist, on main.ts's real start-up", () => {
  it('1. only secure content: the page comes from app://, and no request reaches http(s) or ws(s)', () => {
    expect(recorded.loadedUrls).toEqual(['app://atomflow/index.html']);
    expect(recorded.privilegedSchemes).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }) as unknown,
      }),
    ]);
    for (const url of ['http://example.com/a.js', 'https://example.com/', 'ws://127.0.0.1:1/', 'wss://x/']) {
      expect(requestVerdict(url), url).toEqual({ cancel: true });
    }
    expect(requestVerdict('app://atomflow/assets/index.js')).toEqual({ cancel: false });
  });

  it('2. no Node.js integration in the page, its workers or its frames', () => {
    expect(prefs).toMatchObject({
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    });
  });

  it('3. context isolation is on', () => {
    expect(prefs.contextIsolation).toBe(true);
  });

  it('4. the renderer is sandboxed, and every renderer is (app.enableSandbox before ready)', () => {
    expect(prefs.sandbox).toBe(true);
    const sandbox = recorded.calls.indexOf('app.enableSandbox');
    expect(sandbox).toBeGreaterThanOrEqual(0);
    expect(sandbox).toBeLessThan(recorded.calls.indexOf('app.whenReady'));
  });

  it('5. permission requests and checks are denied by default, whatever the permission', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'fullscreen',
      'x-new',
    ]) {
      let granted: unknown = 'unanswered';
      recorded.session.permissionRequest?.({}, permission, (g: unknown) => (granted = g), {});
      expect(granted, permission).toBe(false);
      expect(recorded.session.permissionCheck?.({}, permission, 'app://atomflow', {}), permission).toBe(
        false,
      );
    }
    expect(recorded.session.devicePermission?.({ deviceType: 'hid' })).toBe(false);
    // Set before the window exists, so the page never runs without them.
    expect(recorded.calls.indexOf('session.setPermissionRequestHandler')).toBeLessThan(
      recorded.calls.indexOf('new BrowserWindow'),
    );
  });

  it('6. web security is not disabled', () => {
    expect(prefs.webSecurity).toBe(true);
  });

  it('7. a Content-Security-Policy on every answer of the app protocol, without inline scripts', async () => {
    const handler = recorded.protocolHandlers.get('app') as (r: Request) => Promise<Response>;
    expect(handler).toBeTypeOf('function');
    for (const path of ['/index.html', '/no-such-file.js', '/../../etc/passwd']) {
      const answer = await handler(new Request(`app://atomflow${path}`));
      const csp = answer.headers.get('content-security-policy') ?? '';
      expect(csp, path).toMatch(/default-src 'self'/);
      expect(csp, path).toMatch(/script-src 'self'(;|$)/);
      expect(csp, path).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    }
    expect(recorded.privilegedSchemes).toEqual([
      expect.objectContaining({ privileges: expect.objectContaining({ bypassCSP: false }) as unknown }),
    ]);
  });

  it('8. no insecure content over a secure page', () => {
    expect(prefs.allowRunningInsecureContent).toBe(false);
  });

  it('9. no experimental features', () => {
    expect(prefs.experimentalFeatures).toBe(false);
  });

  it('10. no Blink features enabled', () => {
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('11. no <webview>: the tag is off and attaching one is refused', () => {
    expect(prefs.webviewTag).toBe(false);
    const attach = cancellable();
    win.webContents.emit('will-attach-webview', attach, {}, {});
    expect(attach.prevented).toBe(true);
  });

  it('12. navigation is limited to our own origin, in every frame and through redirects', () => {
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const away = cancellable('https://evil.example/');
      win.webContents.emit(event, away);
      expect(away.prevented, event).toBe(true);
      const home = cancellable('app://atomflow/index.html');
      win.webContents.emit(event, home);
      expect(home.prevented, event).toBe(false);
    }
  });

  it('13. no new windows', () => {
    expect(win.webContents.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(win.webContents.openHandler?.({ url: 'app://atomflow/index.html' })).toEqual({ action: 'deny' });
  });

  it('14. shell.openExternal is never used', () => {
    for (const file of sources(join(root, 'main'))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/openExternal|openPath\(/);
    }
  });

  it('16. the sender of every IPC request is checked: only our page’s main frame is answered', async () => {
    const handler = recorded.ipcHandlers.get('atomflow:request') as (
      e: unknown,
      raw: unknown,
    ) => Promise<unknown>;
    expect(handler).toBeTypeOf('function');
    const request = { id: 1, method: 'documents.list', params: {} };
    await expect(handler(ipcEvent('app://atomflow/index.html'), request)).resolves.toMatchObject({
      id: 1,
      ok: true,
    });
    await expect(handler(ipcEvent('app://atomflow/index.html', {}), request)).rejects.toThrow(/may not use/);
    await expect(handler(ipcEvent('https://evil.example/'), request)).rejects.toThrow(/may not use/);
    await expect(handler({ sender: { id: win.webContents.id }, senderFrame: null }, request)).rejects.toThrow(
      /may not use/,
    );
    // A web contents that is not one of our windows.
    await expect(
      handler(
        { sender: { id: 9_999 }, senderFrame: { url: 'app://atomflow/index.html', parent: null } },
        request,
      ),
    ).rejects.toThrow(/may not use/);
  });

  it('17. no file:// — neither the page nor any request', () => {
    expect(recorded.loadedUrls.every((u) => !u.startsWith('file:'))).toBe(true);
    expect(requestVerdict('file:///etc/passwd')).toEqual({ cancel: true });
  });

  it('18. the packaged binary’s fuses are flipped off (run-as-node, NODE_OPTIONS, --inspect, file privileges)', () => {
    const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    const fuses = /^electronFuses:\n((?: {2}.*\n)+)/m.exec(yml)?.[1] ?? '';
    const value = (name: string): string | undefined =>
      new RegExp(`^ {2}${name}: (\\w+)$`, 'm').exec(fuses)?.[1];
    expect(value('runAsNode')).toBe('false');
    expect(value('enableNodeOptionsEnvironmentVariable')).toBe('false');
    expect(value('enableNodeCliInspectArguments')).toBe('false');
    expect(value('grantFileProtocolExtraPrivileges')).toBe('false');
    expect(value('onlyLoadAppFromAsar')).toBe('true');
    expect(value('enableEmbeddedAsarIntegrityValidation')).toBe('true');
  });

  it('19. the page gets two functions from the preload, never Electron’s own objects', async () => {
    const out = await build({
      entryPoints: [join(root, 'main', 'electron', 'preload.cts')],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      external: ['electron'],
      write: false,
      logLevel: 'silent',
    });
    const exposed = new Map<string, unknown>();
    const ipcRenderer = {
      invoke: () => Promise.resolve(),
      on: () => undefined,
      removeListener: () => undefined,
    };
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer,
    };
    const module = { exports: {} };
    const code = out.outputFiles[0]?.text ?? '';
    // The preload bundle, built just above, run as Electron would: CommonJS with our `require`.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const run = new Function('require', 'module', 'exports', code) as (...args: unknown[]) => void;
    run((id: string) => (id === 'electron' ? electron : undefined), module, module.exports);
    expect([...exposed.keys()]).toEqual(['atomflow']);
    const api = exposed.get('atomflow') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['onEvents', 'request']);
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    expect(Object.values(api)).not.toContain(ipcRenderer);
  });

  it('20. no remote module: not enabled, not a dependency, not imported', () => {
    expect(prefs).not.toHaveProperty('enableRemoteModule');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    const deps = { ...pkg.dependencies, ...pkg.devDependencies };
    expect(Object.keys(deps)).not.toContain('@electron/remote');
    for (const folder of ['main', 'renderer', 'app']) {
      for (const file of sources(join(root, folder))) {
        expect(readFileSync(file, 'utf8'), file).not.toMatch(
          /@electron\/remote|\bremote\.(require|getGlobal)/,
        );
      }
    }
  });
});
