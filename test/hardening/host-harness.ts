/**
 * The hosts the fuzz suites talk to, real from the socket down: a run service
 * and a document store on a temporary SQLite file, one ContractHost, the web
 * host on a free port of 127.0.0.1 (spoken to with the `ws` client), and the
 * Electron IPC chain (`requestHandler` → WindowBridge → session) without
 * Electron. Two counters watch what the hosts hold, through public APIs only:
 * the sessions open, and the subscriptions front ends hold on running runs.
 */
import { WebSocket } from 'ws';
import {
  ContractHost,
  type ContractSession,
  type EventsMessage,
  type Response,
  type RunEventData,
} from '../../app/contract/index.js';
import { DocumentStore } from '../../app/documents/index.js';
import { RunService, type RunEvent, type SubscribeOptions } from '../../app/runs/index.js';
import { WindowBridge, type SessionSource } from '../../main/electron/bridge.js';
import { requestHandler, type InvokeEvent } from '../../main/electron/ipc.js';
import type { SenderFrame } from '../../main/electron/security.js';
import { cookieName, startWebHost, type WebHost } from '../../main/web/index.js';
import { tempDb } from '../app/runs-support.js';
import { rendererFixture } from '../web/support.js';

/**
 * The real run service, counting the subscriptions held on its running runs:
 * one is held from `subscribe` until it is unsubscribed or the run ends (the
 * service drops a run's listeners then). Only public methods are used.
 */
export class CountingRunService extends RunService {
  /** Subscriptions held now. */
  held = 0;

  override subscribe(
    runId: string,
    listener: (event: RunEvent) => void,
    options?: SubscribeOptions,
  ): () => void {
    const unsubscribe = super.subscribe(runId, listener, options);
    // A run not running here was delivered whole: nothing is kept for it.
    if (!this.isRunning(runId)) return unsubscribe;
    this.held += 1;
    let holding = true;
    const release = (): void => {
      if (!holding) return;
      holding = false;
      this.held -= 1;
    };
    void this.wait(runId).then(release, release);
    return () => {
      release();
      unsubscribe();
    };
  }
}

/** A session source that counts the sessions it opened and that are not closed yet. */
export class SessionCounter implements SessionSource {
  open = 0;
  opened = 0;

  constructor(private readonly host: Pick<ContractHost, 'connect'>) {}

  connect(send: (message: Response | EventsMessage) => void): ContractSession {
    const session = this.host.connect(send);
    this.open += 1;
    this.opened += 1;
    let closed = false;
    return {
      handle: (raw) => session.handle(raw),
      close: () => {
        if (!closed) {
          closed = true;
          this.open -= 1;
        }
        session.close();
      },
    };
  }
}

/** The services every host of a suite shares. */
export interface Services {
  readonly db: string;
  readonly runs: CountingRunService;
  readonly documents: DocumentStore;
  readonly host: ContractHost;
  /** What the contract host logged (an `internal` error is logged here). */
  readonly logged: string[];
  close(): Promise<void>;
}

export function startServices(): Services {
  const db = tempDb();
  const runs = new CountingRunService({ db });
  const documents = new DocumentStore({ db: runs.path });
  const logged: string[] = [];
  const host = new ContractHost({
    runs,
    documents,
    // workers.list probes a broker that is not there: give up on it quickly.
    workers: { connectTimeoutMs: 100 },
    log: (message, error) =>
      logged.push(`${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });
  return {
    db,
    runs,
    documents,
    host,
    logged,
    async close() {
      await host.close();
      await runs.close();
      documents.close();
    },
  };
}

/** Resolves once `ready()` holds (polled), or rejects after `timeoutMs` saying what was awaited. */
export async function until(ready: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out after ${String(timeoutMs)} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** What a scenario needs of a connection, whichever the transport. */
export interface Conn {
  /** Sends `{ id, method, params }` with an id of its own; resolves with its answer. */
  call(method: string, params?: unknown): Promise<Response>;
  /** Every event of `runId` received so far. */
  runEvents(runId: string): RunEventData[];
}

/** Ids of `call` start here, above every id a probe uses (but MAX_SAFE_INTEGER). */
const CALL_ID_BASE = 2 ** 52;

// ------------------------------------------------------------- WebSocket

/** The web host on the shared services, with its session counter. */
export interface Web {
  readonly web: WebHost;
  readonly sessions: SessionCounter;
  readonly logs: string[];
}

export async function startWeb(services: Services): Promise<Web> {
  const sessions = new SessionCounter(services.host);
  const logs: string[] = [];
  const web = await startWebHost({
    host: sessions,
    rendererDir: rendererFixture().dir,
    log: (l) => logs.push(l),
  });
  return { web, sessions, logs };
}

/**
 * A WebSocket to the web host, opened as its own page would (cookie, origin).
 * Answers to `call` are routed by id; every other answer is kept in arrival
 * order in `responses`, for the fuzz runner to match.
 */
export class WsConn implements Conn {
  readonly responses: Response[] = [];
  readonly events: EventsMessage[] = [];
  private readonly calls = new Map<number, (r: Response) => void>();
  private nextCall = CALL_ID_BASE;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** A frame from the host that was not JSON of a Response or events (never expected). */
  readonly garbage: string[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const text = Buffer.from(data as Buffer).toString('utf8');
      let message: Response | EventsMessage;
      try {
        if (isBinary) throw new Error('binary');
        message = JSON.parse(text) as Response | EventsMessage;
      } catch {
        this.garbage.push(text.slice(0, 200));
        return;
      }
      if ('type' in message) {
        this.events.push(message);
        return;
      }
      const waiter = message.id !== null ? this.calls.get(message.id) : undefined;
      if (waiter && message.id !== null) {
        this.calls.delete(message.id);
        waiter(message);
        return;
      }
      this.responses.push(message);
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString('utf8') });
      });
    });
    ws.on('error', () => undefined);
  }

  static open(web: WebHost): Promise<WsConn> {
    const ws = new WebSocket(`ws://127.0.0.1:${String(web.port)}/ws`, {
      headers: { Cookie: `${cookieName(web.port)}=${web.token}` },
      origin: web.origin,
      maxPayload: 512 * 1024 * 1024,
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        resolve(new WsConn(ws));
      });
      ws.once('error', reject);
    });
  }

  call(method: string, params?: unknown): Promise<Response> {
    const id = this.nextCall++;
    const answered = new Promise<Response>((resolve, reject) => {
      this.calls.set(id, resolve);
      void this.closed.then(() => {
        reject(new Error(`the socket closed before ${method} (${String(id)}) was answered`));
      });
    });
    this.ws.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
    return answered;
  }

  send(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  runEvents(runId: string): RunEventData[] {
    return this.events.filter((m) => m.runId === runId).flatMap((m) => m.events as RunEventData[]);
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

// ------------------------------------------------------------- Electron IPC

/** The main frame of our own page: the only sender the handler serves. */
export const TRUSTED_FRAME: SenderFrame = { url: 'app://atomflow/index.html', parent: null };

/** Senders the handler must refuse before any bridge sees their request. */
export const UNTRUSTED_FRAMES: readonly (SenderFrame | null)[] = [
  { url: 'app://atomflow/index.html', parent: {} },
  { url: 'https://evil.example/', parent: null },
  { url: 'file:///etc/passwd', parent: null },
  { url: 'app://atomflow.evil/index.html', parent: null },
  { url: 'http://127.0.0.1:5173/', parent: null },
  { url: 'not a url', parent: null },
  null,
];

/**
 * The main process's side of IPC, as main.ts wires it: a WindowBridge per
 * window id, and the one `requestHandler` in front of them all.
 */
export class IpcDesk {
  private readonly bridges = new Map<number, WindowBridge>();
  readonly refused: string[] = [];
  readonly handler: (event: InvokeEvent, raw: unknown) => Promise<Response>;
  private nextWindow = 1;

  constructor(private readonly host: ContractHost) {
    this.handler = requestHandler(
      (id) => this.bridges.get(id),
      (m) => this.refused.push(m),
    );
  }

  /** A new window with its bridge. */
  open(): IpcWindow {
    const id = this.nextWindow++;
    const w = new IpcWindow(this, id, this.host);
    this.bridges.set(id, w.bridge);
    return w;
  }

  /** The window is gone (`closed`): its bridge is closed and no longer found by id. */
  forget(id: number): void {
    this.bridges.delete(id);
  }

  /** A window id no bridge has. */
  unknownWindow(): number {
    return this.nextWindow + 1000;
  }
}

/** A window: its bridge, the batches it was sent, and `invoke` as its preload would call it. */
export class IpcWindow implements Conn {
  readonly sessions: SessionCounter;
  readonly bridge: WindowBridge;
  readonly batches: EventsMessage[] = [];
  private nextCall = CALL_ID_BASE;

  constructor(
    private readonly desk: IpcDesk,
    readonly id: number,
    host: ContractHost,
  ) {
    this.sessions = new SessionCounter(host);
    // webContents.send structured-clones what it sends.
    this.bridge = new WindowBridge(this.sessions, (m) => this.batches.push(structuredClone(m)));
  }

  /**
   * `ipcRenderer.invoke(REQUEST_CHANNEL, raw)` from `frame` of this window (or of the window `windowId`):
   * the argument is structured-cloned, as IPC does, and handed to the handler.
   */
  invoke(raw: unknown, frame: SenderFrame | null = TRUSTED_FRAME, windowId = this.id): Promise<Response> {
    const cloned: unknown = structuredClone(raw);
    return this.desk.handler({ sender: { id: windowId }, senderFrame: frame }, cloned);
  }

  call(method: string, params?: unknown): Promise<Response> {
    const id = this.nextCall++;
    return this.invoke(params === undefined ? { id, method } : { id, method, params });
  }

  runEvents(runId: string): RunEventData[] {
    return this.batches.filter((m) => m.runId === runId).flatMap((m) => m.events as RunEventData[]);
  }

  /** The page reloads: a new session for its next request. */
  reload(): void {
    this.bridge.reset();
  }

  /** The window closes, as main.ts handles `closed`. */
  close(): void {
    this.bridge.close();
    this.desk.forget(this.id);
  }
}
