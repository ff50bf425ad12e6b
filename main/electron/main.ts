/**
 * The desktop app's main process (bundled to out/main/index.js by
 * scripts/build-electron.mjs).
 *
 * It owns the services — the run service, the document store (one SQLite
 * file, shared with the `atomflow` command line) and the contract host —
 * and one window per app instance that shows the built renderer from the
 * privileged `app://atomflow/` scheme. The window talks to the services only
 * through the preload's `window.atomflow` (request / onEvents), carried over
 * two IPC channels; every request is checked for its sender before it is
 * handed to the window's ContractSession. The parallel engine's tasks run in
 * utility processes (utility-spawner.ts).
 *
 * The security settings and handlers live in security.ts.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { BrowserWindow, app, dialog, ipcMain, protocol, session, utilityProcess } from 'electron';
import { ContractHost } from '../../app/contract/index.js';
import { DocumentStore } from '../../app/documents/index.js';
import { RunService } from '../../app/runs/index.js';
import type { ProcessPool } from '../../engine/index.js';
import { appProtocolHandler } from './app-protocol.js';
import { WindowBridge } from './bridge.js';
import { EVENTS_CHANNEL, REQUEST_CHANNEL } from './channels.js';
import { requestHandler } from './ipc.js';
import { appPaths } from './paths.js';
import { utilityPool } from './pool.js';
import {
  APP_INDEX_URL,
  APP_SCHEME,
  PRIVILEGED_SCHEMES,
  hardenApp,
  hardenSession,
  windowOptions,
} from './security.js';

/** How long quitting waits for running runs to reach a safe stop before their pool processes are killed. */
const QUIT_PATIENCE_MS = 10_000;
/** Quitting never takes longer than this: a run left behind is resumed after a restart. */
const QUIT_LIMIT_MS = 30_000;

const paths = appPaths(dirname(fileURLToPath(import.meta.url)));

/** The services of this process, made once the app is ready. */
interface Services {
  readonly runs: RunService;
  readonly documents: DocumentStore;
  readonly host: ContractHost;
  readonly pool: ProcessPool;
}

/** The bridge of each window, by its webContents id. */
const bridges = new Map<number, WindowBridge>();
let services: Services | undefined;

function log(message: string, error?: unknown): void {
  const detail =
    error === undefined
      ? ''
      : `: ${error instanceof Error ? (error.stack ?? error.message) : inspect(error)}`;
  console.error(`atomflow: ${message}${detail}`);
}

// Before anything asks for a path: the app's name (userData, the single-instance lock) is Atomflow
// whether it runs from the project folder or packaged.
app.setName('Atomflow');
// Before the app is ready: our scheme is a standard, secure origin.
protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES);
// Every renderer sandboxed, whatever a window asks for.
app.enableSandbox();
hardenApp(app);

function startServices(): Services {
  // The same store as the command line's: ATOMFLOW_DB, else atomflow.db in the user's app-data
  // folder (app/runs/db-path.ts; on macOS and Windows that is userData's folder, on Linux the XDG
  // data folder), so runs and documents saved in either show up in both.
  const pool = utilityPool(
    (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
    paths.poolWorker,
  );
  const runs = new RunService({ pool });
  const documents = new DocumentStore({ db: runs.path });
  const host = new ContractHost({ runs, documents, log });
  return { runs, documents, host, pool };
}

function createWindow(host: ContractHost): BrowserWindow {
  const icon = join(paths.root, 'build', 'icon.png');
  const win = new BrowserWindow(
    windowOptions(paths.preload, {
      devTools: !app.isPackaged,
      ...(existsSync(icon) ? { icon } : {}),
    }),
  );
  // Already locked (navigation, new windows, webviews) by hardenApp, as it was created.
  const contents = win.webContents;
  const id = contents.id;
  const bridge = new WindowBridge(host, (message) => {
    if (!contents.isDestroyed()) contents.send(EVENTS_CHANNEL, message);
  });
  bridges.set(id, bridge);
  // A new document in the window (reload, crash and reload): the old page's subscriptions end.
  contents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) bridge.reset();
  });
  contents.on('render-process-gone', () => {
    bridge.reset();
  });
  win.once('ready-to-show', () => {
    win.show();
  });
  // The page asks to stay while its flow has unsaved edits (beforeunload); Electron would just refuse to
  // close, so the person is asked here and decides.
  contents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Discard changes', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'The flow has changes that are not saved.',
      detail: 'Close anyway and lose them?',
    });
    if (choice === 0) event.preventDefault();
  });
  win.on('closed', () => {
    bridge.close();
    bridges.delete(id);
  });
  contents.loadURL(APP_INDEX_URL).catch((e: unknown) => {
    log(`could not load ${APP_INDEX_URL}`, e);
  });
  return win;
}

let stopped = false;
let stopping: Promise<void> | undefined;

/** Ends the windows' sessions, lets running runs stop safely (suspended), closes the stores and the pool. */
async function stopServices(s: Services): Promise<void> {
  for (const bridge of bridges.values()) bridge.close();
  await s.host.close();
  const patience = setTimeout(() => {
    log('runs are still running; stopping their pool processes');
    void s.pool.close();
  }, QUIT_PATIENCE_MS);
  try {
    await s.runs.close();
  } finally {
    clearTimeout(patience);
  }
  s.documents.close();
  await s.pool.close();
}

function quitSafely(event: { preventDefault(): void }): void {
  if (stopped || !services) return;
  event.preventDefault();
  if (stopping) return;
  const s = services;
  setTimeout(() => {
    log(`quitting took longer than ${String(QUIT_LIMIT_MS)} ms; leaving now`);
    app.exit(1);
  }, QUIT_LIMIT_MS).unref();
  stopping = stopServices(s)
    .catch((e: unknown) => {
      log('stopping the services failed', e);
    })
    .finally(() => {
      stopped = true;
      app.quit();
    });
}

async function start(): Promise<void> {
  await app.whenReady();
  if (!existsSync(join(paths.renderer, 'index.html'))) {
    dialog.showErrorBox(
      'Atomflow',
      `The user interface is not built: ${join(paths.renderer, 'index.html')} is missing (npm run build).`,
    );
    app.exit(1);
    return;
  }
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, appProtocolHandler(paths.renderer));
  let s: Services;
  try {
    s = startServices();
    // Opened now, so a store that cannot be used is said at once, not at the first click.
    s.runs.listRuns({ limit: 1 });
    s.documents.list();
  } catch (e) {
    log('could not open the run store', e);
    dialog.showErrorBox(
      'Atomflow',
      `Could not open the run store: ${e instanceof Error ? e.message : String(e)}`,
    );
    app.exit(1);
    return;
  }
  services = s;
  ipcMain.handle(
    REQUEST_CHANNEL,
    requestHandler((id) => bridges.get(id), log),
  );
  createWindow(s.host);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(s.host);
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another Atomflow has the store open: it shows its window instead.
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', quitSafely);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      app.quit();
    });
  }
  start().catch((e: unknown) => {
    log('could not start', e);
    app.exit(1);
  });
}
