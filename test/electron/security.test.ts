/**
 * The desktop window's security settings and handlers (main/electron/security.ts),
 * checked without Electron: the values main.ts gives Electron, and what the
 * handlers do when stand-ins for webContents, session and app fire their events.
 */
import { EventEmitter } from 'node:events';
import type { App, Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import {
  APP_INDEX_URL,
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  PRIVILEGED_SCHEMES,
  hardenApp,
  hardenSession,
  hardenWebContents,
  isAllowedRequest,
  isAppUrl,
  isTrustedSender,
  webPreferences,
  windowOptions,
} from '../../main/electron/security.js';

describe('window options', () => {
  it('the renderer has no Node, is sandboxed and isolated, with web security on and no webview', () => {
    const prefs = webPreferences('/app/out/preload/index.cjs', { devTools: false });
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      spellcheck: false,
      devTools: false,
    });
    expect(windowOptions('/p.cjs', { devTools: true }).webPreferences).toEqual(
      webPreferences('/p.cjs', { devTools: true }),
    );
  });

  it('the page is served from a privileged app:// origin that does not bypass the CSP', () => {
    expect(APP_ORIGIN).toBe('app://atomflow');
    expect(APP_INDEX_URL).toBe('app://atomflow/index.html');
    expect(PRIVILEGED_SCHEMES).toEqual([
      {
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false }) as unknown,
      },
    ]);
  });

  it('the CSP allows our own origin only, inline styles but never inline scripts', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data:",
      'object-src': "'none'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
    });
  });
});

describe('origin and sender checks', () => {
  it('isAppUrl accepts our origin only', () => {
    expect(isAppUrl('app://atomflow/index.html')).toBe(true);
    expect(isAppUrl('app://atomflow/runs/42?x=1#y')).toBe(true);
    for (const url of [
      'app://atomflow.evil/index.html',
      'app://evil/index.html',
      'app://user@atomflow/index.html',
      'https://atomflow/index.html',
      'http://127.0.0.1:5173/',
      'file:///etc/passwd',
      'devtools://devtools/bundled/inspector.html',
      'javascript:alert(1)',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('IPC is answered for the main frame of our page only', () => {
    expect(isTrustedSender({ url: 'app://atomflow/index.html', parent: null })).toBe(true);
    // An iframe, even one of our own origin.
    expect(isTrustedSender({ url: 'app://atomflow/index.html', parent: {} })).toBe(false);
    // A frame that navigated elsewhere, or is gone.
    expect(isTrustedSender({ url: 'https://example.com/', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });
});

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler;
  }
}

function navigation(url: string): { url: string; prevented: boolean; preventDefault(): void } {
  return {
    url,
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

describe('hardenWebContents', () => {
  const contents = new FakeContents();
  hardenWebContents(contents as unknown as WebContents);

  it('blocks navigation away from our origin, in the main frame, in frames and by redirect', () => {
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const away = navigation('https://evil.example/');
      contents.emit(event, away);
      expect(away.prevented, event).toBe(true);
      const file = navigation('file:///etc/passwd');
      contents.emit(event, file);
      expect(file.prevented, event).toBe(true);
      const home = navigation('app://atomflow/index.html');
      contents.emit(event, home);
      expect(home.prevented, event).toBe(false);
    }
  });

  it('denies every new window and every webview', () => {
    expect(contents.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'app://atomflow/index.html' })).toEqual({ action: 'deny' });
    const attach = navigation('');
    contents.emit('will-attach-webview', attach, {}, {});
    expect(attach.prevented).toBe(true);
  });

  it('hardenApp does the same for every web contents the app creates', () => {
    const app = new EventEmitter();
    hardenApp(app as unknown as App);
    const other = new FakeContents();
    app.emit('web-contents-created', {}, other);
    const away = navigation('https://evil.example/');
    other.emit('will-navigate', away);
    expect(away.prevented).toBe(true);
    expect(other.openHandler?.({ url: 'x' })).toEqual({ action: 'deny' });
  });
});

describe('hardenSession', () => {
  type Handler = (...args: unknown[]) => unknown;
  const handlers: Record<string, Handler> = {};
  const events = new EventEmitter();
  const session = Object.assign(events, {
    setPermissionRequestHandler: (h: Handler) => (handlers.request = h),
    setPermissionCheckHandler: (h: Handler) => (handlers.check = h),
    setDevicePermissionHandler: (h: Handler) => (handlers.device = h),
    setDisplayMediaRequestHandler: (h: Handler) => (handlers.display = h),
    webRequest: { onBeforeRequest: (h: Handler) => (handlers.beforeRequest = h) },
  });
  hardenSession(session as unknown as Session);

  it('denies every permission request and check, every device and screen capture', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: unknown;
      handlers.request?.({}, permission, (g: unknown) => (granted = g), {});
      expect(granted, permission).toBe(false);
      expect(handlers.check?.({}, permission, 'app://atomflow', {}), permission).toBe(false);
    }
    expect(handlers.device?.({ deviceType: 'usb' })).toBe(false);
    let streams: unknown = 'unset';
    handlers.display?.({}, (s: unknown) => (streams = s));
    expect(streams).toBeNull();
  });

  it('cancels device pickers and downloads', () => {
    const picked: unknown[] = [];
    const hid = navigation('');
    events.emit('select-hid-device', hid, {}, (d: unknown) => picked.push(d));
    const serial = navigation('');
    events.emit('select-serial-port', serial, [], {}, (d: unknown) => picked.push(d));
    const usb = navigation('');
    events.emit('select-usb-device', usb, {}, (d?: unknown) => picked.push(d));
    const download = navigation('');
    events.emit('will-download', download, { getURL: () => 'https://example.com/file.zip' }, {});
    const blobElsewhere = navigation('');
    events.emit('will-download', blobElsewhere, { getURL: () => 'blob:https://example.com/1234' }, {});
    expect([hid, serial, usb, download, blobElsewhere].every((e) => e.prevented)).toBe(true);
    expect(picked).toEqual([null, '', undefined]);
  });

  it('lets the designer export a file its own page made, and nothing else download', () => {
    const exported = navigation('');
    events.emit('will-download', exported, { getURL: () => 'blob:app://atomflow/6f1c-42' }, {});
    expect(exported.prevented).toBe(false);
  });

  it('lets no request reach the network or the file system', () => {
    const verdict = (url: string): unknown => {
      let got: unknown;
      handlers.beforeRequest?.({ url }, (r: unknown) => (got = r));
      return got;
    };
    for (const url of ['https://example.com/x.js', 'http://127.0.0.1/', 'wss://x/', 'file:///etc/passwd']) {
      expect(verdict(url), url).toEqual({ cancel: true });
    }
    for (const url of [
      'app://atomflow/assets/index.js',
      'data:image/png;base64,AA==',
      'devtools://devtools/x',
    ]) {
      expect(verdict(url), url).toEqual({ cancel: false });
    }
    expect(isAllowedRequest('::garbage')).toBe(false);
  });
});
