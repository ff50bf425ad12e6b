/**
 * A stand-in for the `electron` module, enough for main/electron/main.ts to
 * start against it in a Node test (the Electron binary is not installed
 * here). It records what main.ts asks of Electron — the window's options,
 * the session's handlers, the registered protocol and IPC handlers, the order
 * of calls — so test/electron/checklist.test.ts can check each point of
 * Electron's security checklist on what the real start-up does, not on the
 * helpers it is supposed to call.
 *
 * Like Electron, creating a window emits `web-contents-created` on `app`.
 */
import { EventEmitter } from 'node:events';

type Handler = (...args: unknown[]) => unknown;

/** A navigation-like event whose cancellation can be seen. */
export interface Cancellable {
  readonly url: string;
  prevented: boolean;
  preventDefault(): void;
}

/** An event with a URL that records `preventDefault`. */
export function cancellable(url = ''): Cancellable {
  return {
    url,
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

/** What happened, in order, and what was registered. */
export const recorded = {
  /** Calls in order, e.g. `app.enableSandbox`, `app.whenReady`, `session.setPermissionRequestHandler`. */
  calls: [] as string[],
  privilegedSchemes: [] as unknown[],
  protocolHandlers: new Map<string, Handler>(),
  ipcHandlers: new Map<string, Handler>(),
  windows: [] as FakeBrowserWindow[],
  loadedUrls: [] as string[],
  errorBoxes: [] as string[],
  exitCodes: [] as number[],
  quits: 0,
  session: {} as Record<string, Handler>,
};

let nextContentsId = 1;

/** A window's web contents: events, the window-open handler, `loadURL`. */
export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  openHandler: Handler | undefined;
  readonly sent: unknown[] = [];
  setWindowOpenHandler(handler: Handler): void {
    recorded.calls.push('webContents.setWindowOpenHandler');
    this.openHandler = handler;
  }
  loadURL(url: string): Promise<void> {
    recorded.loadedUrls.push(url);
    return Promise.resolve();
  }
  send(channel: string, message: unknown): void {
    this.sent.push([channel, message]);
  }
  isDestroyed(): boolean {
    return false;
  }
}

const app = Object.assign(new EventEmitter(), {
  isPackaged: true,
  setName(name: string) {
    recorded.calls.push(`app.setName ${name}`);
  },
  enableSandbox() {
    recorded.calls.push('app.enableSandbox');
  },
  whenReady() {
    recorded.calls.push('app.whenReady');
    return Promise.resolve();
  },
  requestSingleInstanceLock() {
    return true;
  },
  quit() {
    recorded.quits++;
    // Electron emits before-quit (which main.ts may prevent) when asked to quit.
    app.emit('before-quit', cancellable());
  },
  exit(code = 0) {
    recorded.exitCodes.push(code);
  },
});

/** A window: its constructor options and its web contents. */
export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  constructor(readonly options: Record<string, unknown>) {
    super();
    recorded.windows.push(this);
    recorded.calls.push('new BrowserWindow');
    app.emit('web-contents-created', {}, this.webContents);
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return recorded.windows;
  }
  show(): void {}
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
}

const sessionEvents = new EventEmitter();
const defaultSession = Object.assign(sessionEvents, {
  setPermissionRequestHandler: (h: Handler) => {
    recorded.calls.push('session.setPermissionRequestHandler');
    recorded.session.permissionRequest = h;
  },
  setPermissionCheckHandler: (h: Handler) => {
    recorded.calls.push('session.setPermissionCheckHandler');
    recorded.session.permissionCheck = h;
  },
  setDevicePermissionHandler: (h: Handler) => {
    recorded.session.devicePermission = h;
  },
  setDisplayMediaRequestHandler: (h: Handler) => {
    recorded.session.displayMedia = h;
  },
  webRequest: {
    onBeforeRequest: (h: Handler) => {
      recorded.calls.push('session.webRequest.onBeforeRequest');
      recorded.session.beforeRequest = h;
    },
  },
});

/** The module object `vi.mock('electron', …)` hands to main.ts. */
export const fakeElectron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  session: { defaultSession },
  protocol: {
    registerSchemesAsPrivileged(schemes: unknown[]) {
      recorded.calls.push('protocol.registerSchemesAsPrivileged');
      recorded.privilegedSchemes.push(...schemes);
    },
    handle(scheme: string, handler: Handler) {
      recorded.calls.push(`protocol.handle ${scheme}`);
      recorded.protocolHandlers.set(scheme, handler);
    },
  },
  ipcMain: {
    handle(channel: string, handler: Handler) {
      recorded.calls.push(`ipcMain.handle ${channel}`);
      recorded.ipcHandlers.set(channel, handler);
    },
  },
  dialog: {
    showErrorBox(title: string, text: string) {
      recorded.errorBoxes.push(`${title}: ${text}`);
    },
    showMessageBoxSync() {
      return 1;
    },
  },
  utilityProcess: {
    fork() {
      throw new Error('the checklist test starts no utility process');
    },
  },
};
