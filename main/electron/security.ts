/**
 * Everything that makes the desktop window safe, in one place that a test
 * can load without Electron (types only are imported from it):
 *
 * - the page comes from our own privileged `app://atomflow/` scheme, never
 *   from the network or `file://`, with a strict Content-Security-Policy;
 * - the renderer has no Node (context isolation, sandbox, no node
 *   integration anywhere), web security on, no `<webview>`;
 * - it cannot navigate away, open windows, attach webviews, ask for any
 *   permission or device, or load anything from http(s)/ws(s)/file;
 * - IPC is answered only for the main frame of our own page.
 *
 * `main.ts` applies these; test/electron/security.test.ts checks them.
 */
import type {
  App,
  BrowserWindowConstructorOptions,
  CustomScheme,
  Session,
  WebContents,
  WebPreferences,
} from 'electron';

/** The scheme the renderer is served from (registered as privileged before the app is ready). */
export const APP_SCHEME = 'app';
/** The one host of that scheme. */
export const APP_HOST = 'atomflow';
/** Our origin, as Chromium writes it. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window opens. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The Content-Security-Policy of every answer of the app scheme. Scripts,
 * styles, fonts and connections: our origin only; images also from data:
 * URLs; inline styles allowed (React Flow and React set style attributes),
 * inline scripts never; no plugins, no <base>, no framing, no form posts.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/**
 * `protocol.registerSchemesAsPrivileged` for the app scheme: a standard,
 * secure origin (so the page is a secure context and has its own origin), with
 * fetch and CORS support (vite's module scripts load in CORS mode) and a code
 * cache. It does not bypass the CSP.
 */
export const PRIVILEGED_SCHEMES: CustomScheme[] = [
  {
    scheme: APP_SCHEME,
    privileges: {
      standard: true,
      secure: true,
      supportFetchAPI: true,
      corsEnabled: true,
      codeCache: true,
      bypassCSP: false,
      allowServiceWorkers: false,
      stream: false,
    },
  },
];

/** Whether `url` is a page or file of our own origin. */
export function isAppUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  // WHATWG gives non-special schemes an opaque origin ("null"): compare the parts instead.
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}

/** The renderer's web preferences: no Node anywhere, sandboxed, isolated, web security on. */
export function webPreferences(preload: string, options: { devTools: boolean }): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    // The spell checker downloads dictionaries from a Google server: no remote content.
    spellcheck: false,
    safeDialogs: true,
    devTools: options.devTools,
  };
}

/** The options of the main window. */
export function windowOptions(
  preload: string,
  options: { devTools: boolean; icon?: string },
): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    title: 'Atomflow',
    show: false,
    backgroundColor: '#ffffff',
    ...(options.icon !== undefined ? { icon: options.icon } : {}),
    webPreferences: webPreferences(preload, options),
  };
}

/** What the IPC check looks at of `event.senderFrame` (a `WebFrameMain`, or null once it is gone). */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * Whether an IPC message may be answered: it comes from a frame that still
 * exists, is a main frame (no parent: not an iframe, whatever it loaded), and
 * shows a page of our own origin.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url);
}

/** Navigation events carry the target URL and can be cancelled. */
interface NavigationEvent {
  readonly url: string;
  preventDefault(): void;
}

/**
 * Locks a window's (or any) web contents: navigation only within our origin
 * (in-page routing and reloads), no new windows, no webviews.
 */
export function hardenWebContents(contents: WebContents): void {
  const stayHome = (event: NavigationEvent): void => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  // will-navigate: the main frame; will-frame-navigate: every frame (iframes too); will-redirect: both.
  contents.on('will-navigate', stayHome);
  contents.on('will-frame-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

/** Protocols the page may never load from (it is served from the app scheme; devtools from its own). */
const BLOCKED_PROTOCOLS = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:']);

/** Whether the session lets a request through: nothing from the network or the file system. */
export function isAllowedRequest(url: string): boolean {
  try {
    return !BLOCKED_PROTOCOLS.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

/**
 * Locks a session: every permission request and check is denied (camera,
 * notifications, clipboard reads, geolocation, …), no device (HID, serial,
 * USB, Bluetooth) is handed out, no screen capture, and no request leaves for
 * the network or the file system, whatever the page tries.
 */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => {
    callback(null);
  });
  session.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback(null);
  });
  session.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });
  session.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  session.on('will-download', (event, item) => {
    // The designer's Export: a blob the app's own page made, saved where the person chooses (Electron asks).
    if (isAppExport(item.getURL())) return;
    event.preventDefault();
  });
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(details.url) });
  });
}

/** Whether a download is a file the app's page made itself (`blob:app://atomflow/…`): an export. */
export function isAppExport(url: string): boolean {
  return url.startsWith(`blob:${APP_ORIGIN}/`);
}

/** Locks every web contents the app ever creates, not only the windows main.ts makes. */
export function hardenApp(app: App): void {
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents);
  });
}
