/**
 * The web host as a browser would meet it: a real server on a free port of
 * 127.0.0.1, a real ContractHost over a real RunService and DocumentStore on
 * a temporary SQLite file, and clients that speak raw HTTP and `ws`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ContractHost, type EventsMessage, type Response } from '../../app/contract/index.js';
import { DocumentStore } from '../../app/documents/index.js';
import { RunService } from '../../app/runs/index.js';
import { cookieName, startWebHost, type WebHost } from '../../main/web/index.js';
import { tempDir } from '../cli/cli.js';
import { tempDb } from '../app/runs-support.js';

/** What a file outside the renderer folder holds: a traversal that reads it shows this. */
export const SECRET = 'top secret: outside the renderer folder';

/** A built renderer in a temporary folder, with a secret file beside it (outside it). */
export function rendererFixture(): { dir: string; secret: string } {
  const parent = tempDir('atomflow-web-');
  const dir = join(parent, 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head>' +
      '<body><div id="root"></div></body></html>\n',
  );
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("app");\n');
  writeFileSync(join(dir, 'assets', 'index-abc123.css'), 'body { margin: 0; }\n');
  writeFileSync(join(dir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  writeFileSync(join(dir, 'assets', 'data.bin'), 'bytes');
  writeFileSync(join(dir, '.env'), SECRET);
  const secret = join(parent, 'secret.txt');
  writeFileSync(secret, SECRET);
  return { dir, secret };
}

export interface Harness {
  readonly web: WebHost;
  readonly runs: RunService;
  readonly documents: DocumentStore;
  readonly host: ContractHost;
  /** The SQLite file (it does not exist until something is written). */
  readonly db: string;
  readonly rendererDir: string;
  /** What the web host logged. */
  readonly logs: string[];
  /** The `Authorization` header of a program that holds the token. */
  readonly bearer: string;
  /** The `Cookie` header a browser sends once it has signed in. */
  readonly cookie: string;
  /** Stops the web host, then the contract host and the services. */
  close(): Promise<void>;
}

/** Starts the web host on a free port with real services on a temporary store. */
export async function startHarness(
  options: { rendererDir?: string; maxBufferedBytes?: number } = {},
): Promise<Harness> {
  const db = tempDb();
  const runs = new RunService({ db });
  const documents = new DocumentStore({ db: runs.path });
  const host = new ContractHost({ runs, documents, log: () => undefined });
  const logs: string[] = [];
  const rendererDir = options.rendererDir ?? rendererFixture().dir;
  const web = await startWebHost({
    host,
    rendererDir,
    log: (line) => logs.push(line),
    ...(options.maxBufferedBytes !== undefined ? { maxBufferedBytes: options.maxBufferedBytes } : {}),
  });
  return {
    web,
    runs,
    documents,
    host,
    db,
    rendererDir,
    logs,
    bearer: `Bearer ${web.token}`,
    cookie: `${cookieName(web.port)}=${web.token}`,
    close: async () => {
      await web.close();
      await host.close();
      documents.close();
      await runs.close();
    },
  };
}

export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One HTTP request with the path sent exactly as given (no client-side normalisation). */
export function http(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The WebSocket URL of a web host. */
export function wsUrl(web: Pick<WebHost, 'port'>, path = '/ws'): string {
  return `ws://127.0.0.1:${String(web.port)}${path}`;
}

/**
 * Tries a WebSocket upgrade that should be refused; resolves with the HTTP
 * status and body the host answered with (rejects if it was accepted).
 */
export function refusedUpgrade(
  url: string,
  options: { headers?: Record<string, string>; origin?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: options.headers ?? {},
      ...(options.origin !== undefined ? { origin: options.origin } : {}),
    });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    ws.on('error', () => undefined);
  });
}

/** A contract client over a real WebSocket, as the renderer's transport is. */
export class Client {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: Response) => void>();
  /** Responses without an id (refused before their id could be read), in order. */
  readonly anonymous: Response[] = [];
  /** Every events message, in order. */
  readonly events: EventsMessage[] = [];
  private readonly onEvents = new Set<() => void>();
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) throw new Error('the host sent a binary frame');
      const message = JSON.parse(Buffer.from(data as Buffer).toString('utf8')) as Response | EventsMessage;
      if ('type' in message) {
        this.events.push(message);
        for (const f of this.onEvents) f();
        return;
      }
      if (message.id === null) {
        this.anonymous.push(message);
        for (const f of this.onEvents) f();
        return;
      }
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      waiter?.(message);
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString('utf8') });
      });
    });
    ws.on('error', () => undefined);
  }

  /** Opens a WebSocket to `h` as its own page would: its cookie, its origin. */
  static open(
    h: Pick<Harness, 'cookie'> & { readonly web: Pick<WebHost, 'port' | 'origin'> },
    options: { headers?: Record<string, string>; origin?: string } = {},
  ): Promise<Client> {
    const ws = new WebSocket(wsUrl(h.web), {
      headers: options.headers ?? { Cookie: h.cookie },
      origin: options.origin ?? h.web.origin,
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        resolve(new Client(ws));
      });
      ws.once('error', reject);
    });
  }

  /** Sends a request and waits for its response. */
  request(method: string, params?: unknown): Promise<Response> {
    const id = this.nextId++;
    const answered = new Promise<Response>((resolve) => this.waiting.set(id, resolve));
    this.ws.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
    return answered;
  }

  /** The result of a request that must succeed. */
  async call(method: string, params?: unknown): Promise<unknown> {
    const r = await this.request(method, params);
    if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
    return r.result;
  }

  /** Sends raw data (text, or bytes as a binary frame). */
  send(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Resolves once `ready()` holds, checked after each events message or anonymous response. */
  until(ready: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.onEvents.delete(check);
        reject(new Error('timed out waiting for messages'));
      }, timeoutMs);
      const check = (): void => {
        if (!ready()) return;
        clearTimeout(timer);
        this.onEvents.delete(check);
        resolve();
      };
      this.onEvents.add(check);
    });
  }

  /** Every event of `runId` received so far, flattened. */
  runEvents(runId: string): { type: string; [k: string]: unknown }[] {
    return this.events
      .filter((m) => m.runId === runId)
      .flatMap((m) => m.events as { type: string; [k: string]: unknown }[]);
  }

  close(): void {
    this.ws.close();
  }
}

/** Resolves when `check()` holds (polled), or rejects after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
