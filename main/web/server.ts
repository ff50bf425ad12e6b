/**
 * The browser host: the built renderer over HTTP and the host contract over
 * a WebSocket, on 127.0.0.1 only, for the holder of a token.
 */
import { createReadStream } from 'node:fs';
import {
  STATUS_CODES,
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  MAX_REQUEST_BYTES,
  type ContractHost,
  type ContractSession,
  type EventsMessage,
  type Response,
} from '../../app/contract/index.js';
import { checkToken, hostAllowed, newToken, originAllowed, tokenCookie } from './auth.js';
import { securityHeaders } from './headers.js';
import { findStatic } from './static.js';

/** What the web host needs of the contract host: a session per connection. */
export type WebContractHost = Pick<ContractHost, 'connect'>;

/** Options of {@link startWebHost}. */
export interface WebHostOptions {
  /** The contract host every WebSocket connection talks to; the caller closes it. */
  readonly host: WebContractHost;
  /** The port on 127.0.0.1; 0 or none for a free one. */
  readonly port?: number;
  /** The built renderer (default: out/renderer of the repository). */
  readonly rendererDir?: string;
  /** Where to say why a client was closed or a request failed (default: stderr). */
  readonly log?: (line: string) => void;
  /** A client whose unsent messages pass this many bytes is closed (default 64 MiB). */
  readonly maxBufferedBytes?: number;
}

/** A running web host. */
export interface WebHost {
  /** The URL to open: `http://127.0.0.1:PORT/?token=TOKEN`. */
  readonly url: string;
  /** The origin pages are served from: `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** Closes every connection (sessions included) and stops listening. The contract host stays open. */
  close(): Promise<void>;
}

/** The built renderer, by default: `out/renderer` at the root of the repository. */
export const DEFAULT_RENDERER_DIR = join(import.meta.dirname, '..', '..', 'out', 'renderer');

/** The path of the WebSocket that carries the host contract. */
export const WS_PATH = '/ws';

/** The largest WebSocket message accepted: a little over the largest request, so `too-large` can be answered. */
export const MAX_MESSAGE_BYTES = MAX_REQUEST_BYTES + 64 * 1024;

/** Unsent bytes after which a client that does not read is closed. */
export const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** Requests of one connection handled at once; past this the socket is not read until some finish. */
const MAX_IN_FLIGHT = 64;

/** How long closing connections get to say goodbye before they are cut. */
const CLOSE_GRACE_MS = 1000;

const LOOPBACK = '127.0.0.1';

function page(title: string, body: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
    `<body><h1>${title}</h1>${body}</body></html>\n`
  );
}

/** The page the token URL answers with: it sets the cookie and moves on to `/` (a same-site navigation). */
const SIGNED_IN_PAGE =
  '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=/">' +
  // The icon is named, so that Chromium does not ask for /favicon.ico (a 404 the page would log as an error).
  '<link rel="icon" href="/favicon.svg" type="image/svg+xml"><title>Atomflow</title></head><body><p>Opening <a href="/">Atomflow</a>…</p></body></html>\n';

const NOT_BUILT_PAGE = page(
  'Atomflow is not built',
  '<p>The user interface has not been built, so there is nothing to show yet.</p>' +
    '<p>Run <code>npm run build</code> in the Atomflow folder, then reload this page.</p>',
);

/** The bytes of a message (the contract host decodes them as UTF-8 JSON and checks their size). */
function rawBytes(data: RawData): Buffer | ArrayBuffer {
  return Array.isArray(data) ? Buffer.concat(data) : data;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A request refused: its status and why, for people. */
interface Refusal {
  readonly status: number;
  readonly message: string;
}

/** What a plain HTTP request gets: a short text or page, or a file of the renderer. */
type Answer =
  | {
      readonly status: number;
      readonly type: string;
      readonly body: string;
      readonly headers?: OutgoingHttpHeaders;
    }
  | { readonly file: string; readonly size: number; readonly type: string; readonly cache: string };

const HTML = 'text/html; charset=utf-8';
const IMMUTABLE = 'private, max-age=31536000, immutable';

function plain(refusal: Refusal, headers: OutgoingHttpHeaders = {}): Answer {
  return { status: refusal.status, type: 'text/plain; charset=utf-8', body: `${refusal.message}\n`, headers };
}

/** Ends an upgrade request with an HTTP answer instead of a WebSocket. */
function refuseUpgrade(socket: Duplex, { status, message }: Refusal): void {
  const reason = STATUS_CODES[status] ?? 'Refused';
  const body = `${message}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${String(status)} ${reason}\r\nConnection: close\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\n\r\n${body}`,
  );
}

/** Parses a request target that must be a path (`/…`); `undefined` for anything else. */
function requestUrl(target: string | undefined): URL | undefined {
  if (target === undefined || !target.startsWith('/')) return undefined;
  try {
    // A fixed prefix, so `//other.example/` stays a path and never becomes a host.
    return new URL(`http://${LOOPBACK}${target}`);
  } catch {
    return undefined;
  }
}

/**
 * Starts the web host on 127.0.0.1 with a new token: the renderer from
 * `rendererDir`, and the host contract on `ws://127.0.0.1:PORT/ws`, one
 * `host.connect` session per WebSocket.
 * @throws the listen error (e.g. `EADDRINUSE`) when the port cannot be had.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const requested = options.port ?? 0;
  if (!Number.isInteger(requested) || requested < 0 || requested > 65_535) {
    throw new RangeError(`The port must be a whole number from 0 to 65535, got ${String(requested)}`);
  }
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const maxBuffered = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const token = newToken();
  let port = 0;
  let closing = false;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: true,
  });
  const sessions = new Map<WebSocket, ContractSession>();

  const origin = (): string => `http://${LOOPBACK}:${String(port)}`;
  const refusals = {
    host: (): Refusal => ({
      status: 403,
      message: `This Atomflow server only answers requests addressed to ${origin()} (or localhost:${String(port)}).`,
    }),
    missing: (): Refusal => ({
      status: 401,
      message:
        'This Atomflow server needs its access token. Open the link that `atomflow serve` printed ' +
        `(${origin()}/?token=…).`,
    }),
    wrong: (): Refusal => ({
      status: 403,
      message:
        'The access token is wrong. Open the link printed by the running `atomflow serve` ' +
        '(each start makes a new token).',
    }),
  };

  /** The answer to a plain HTTP request. */
  async function answer(req: IncomingMessage): Promise<Answer> {
    if (!hostAllowed(req, port)) return plain(refusals.host());
    const url = requestUrl(req.url);
    if (url === undefined) return plain({ status: 400, message: 'Bad request target.' });
    const auth = checkToken(req, url, port, token, true);
    if (auth.kind === 'missing') return plain(refusals.missing());
    if (auth.kind === 'wrong') return plain(refusals.wrong());
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return plain(
        { status: 405, message: `${req.method ?? 'This method'} is not allowed here.` },
        { Allow: 'GET, HEAD' },
      );
    }
    if (auth.kind === 'url') {
      return {
        status: 200,
        type: HTML,
        body: SIGNED_IN_PAGE,
        headers: { 'Set-Cookie': tokenCookie(port, token) },
      };
    }
    if (url.pathname === WS_PATH) {
      return plain(
        { status: 426, message: 'This is the WebSocket of the host contract.' },
        { Upgrade: 'websocket' },
      );
    }
    const target = await findStatic(rendererDir, url.pathname);
    switch (target.kind) {
      case 'bad-request':
        return plain({ status: 400, message: 'The path cannot be decoded.' });
      case 'forbidden':
        return plain({ status: 403, message: 'That path is outside the app.' });
      case 'not-found':
        return plain({ status: 404, message: 'Not found.' });
      case 'not-built':
        return { status: 503, type: HTML, body: NOT_BUILT_PAGE };
      case 'file':
        return {
          file: target.path,
          size: target.size,
          type: target.type,
          // Pages always fresh; vite's hashed assets never change.
          cache:
            target.type === HTML ? 'no-store' : url.pathname.startsWith('/assets/') ? IMMUTABLE : 'no-cache',
        };
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const a = await answer(req);
    const head = req.method === 'HEAD';
    if ('file' in a) {
      res.writeHead(200, {
        ...securityHeaders(port),
        'Content-Type': a.type,
        'Content-Length': a.size,
        'Cache-Control': a.cache,
      });
      if (head) res.end();
      else await pipeline(createReadStream(a.file), res);
      return;
    }
    res.writeHead(a.status, {
      ...securityHeaders(port),
      'Content-Type': a.type,
      'Content-Length': Buffer.byteLength(a.body),
      'Cache-Control': 'no-store',
      ...a.headers,
    });
    res.end(head ? undefined : a.body);
  }

  /** Why an upgrade request may not have a WebSocket, if it may not. */
  function refuseWebSocket(req: IncomingMessage): Refusal | undefined {
    if (closing) return { status: 503, message: 'The Atomflow host is stopping.' };
    if (!hostAllowed(req, port)) return refusals.host();
    const url = requestUrl(req.url);
    if (url?.pathname !== WS_PATH) return { status: 404, message: `No WebSocket here; it is at ${WS_PATH}.` };
    const auth = checkToken(req, url, port, token, false);
    if (auth.kind === 'missing') return refusals.missing();
    if (auth.kind !== 'ok') return refusals.wrong();
    if (!originAllowed(req, port)) {
      log(`web: refused a WebSocket from origin ${JSON.stringify(req.headers.origin ?? null)}`);
      return {
        status: 403,
        message: `The WebSocket may only be opened by pages of ${origin()} (the Origin header was not that).`,
      };
    }
    return undefined;
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {
      // A client gone during the handshake; nothing to do.
    });
    const refusal = refuseWebSocket(req);
    if (refusal) {
      refuseUpgrade(socket, refusal);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      onConnection(ws);
    });
  }

  function onConnection(ws: WebSocket): void {
    let behind = false;
    const deliver = (message: Response | EventsMessage): void => {
      if (ws.readyState !== WebSocket.OPEN) return;
      let data: string;
      try {
        data = JSON.stringify(message);
      } catch (e) {
        log(`web: a message could not be sent as JSON: ${describe(e)}`);
        return;
      }
      ws.send(data);
      if (!behind && ws.bufferedAmount > maxBuffered) {
        behind = true;
        log(
          `web: closing a client that stopped reading: ${String(ws.bufferedAmount)} bytes unsent ` +
            `(more than ${String(maxBuffered)})`,
        );
        // Its close frame would wait behind everything unsent, so the connection is cut.
        ws.terminate();
      }
    };
    let session: ContractSession;
    try {
      session = options.host.connect(deliver);
    } catch (e) {
      log(`web: the contract host refused a connection: ${describe(e)}`);
      ws.close(1011, 'The host cannot take connections');
      return;
    }
    sessions.set(ws, session);
    let inFlight = 0;
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        deliver({
          id: null,
          ok: false,
          error: {
            code: 'bad-request',
            message: 'Binary frames are not accepted: send each request as one JSON text frame.',
          },
        });
        return;
      }
      inFlight += 1;
      if (inFlight >= MAX_IN_FLIGHT) ws.pause();
      session
        .handle(rawBytes(data))
        .catch((e: unknown) => {
          log(`web: a request failed inside the host: ${describe(e)}`);
          deliver({
            id: null,
            ok: false,
            error: { code: 'internal', message: 'The host failed on a request.' },
          });
        })
        .finally(() => {
          inFlight -= 1;
          if (ws.isPaused && inFlight < MAX_IN_FLIGHT) ws.resume();
        });
    });
    ws.on('error', (e) => {
      // ws closes the socket itself (e.g. 1009 for a message over maxPayload).
      log(`web: closing a WebSocket: ${e.message}`);
    });
    ws.on('close', () => {
      if (sessions.delete(ws)) session.close();
    });
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      log(`web: ${req.method ?? ''} ${req.url ?? ''} failed: ${describe(e)}`);
      if (res.headersSent) res.destroy();
      else
        res
          .writeHead(500, { ...securityHeaders(port), 'Content-Type': 'text/plain' })
          .end('Internal error.\n');
    });
  });
  server.on('upgrade', onUpgrade);
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requested, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => {
    log(`web: server error: ${e.message}`);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The web host has no TCP address');
  port = address.port;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      const stopped = new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      server.closeAllConnections();
      const sockets = [...wss.clients];
      for (const [ws, session] of sessions) {
        session.close();
        ws.close(1001, 'The Atomflow host is stopping');
      }
      sessions.clear();
      const gone = Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === WebSocket.CLOSED) resolve();
              else
                ws.once('close', () => {
                  resolve();
                });
            }),
        ),
      );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        gone,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
      ]);
      clearTimeout(timer);
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => {
        wss.close(() => {
          resolve();
        });
      });
      await stopped;
    })();
    return closed;
  };

  return { url: `${origin()}/?token=${token}`, origin: origin(), port, token, close };
}
