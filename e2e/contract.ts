/** Talking to the web host from the test runner, as a program would: ws with a Bearer token. */
import WebSocket from 'ws';
import type { Method, Params, Response } from '../app/contract/messages';
import { WS_PATH } from '../main/web/index';
import type { ServedHost } from './host';

/** The host's contract WebSocket. */
export function wsUrl(host: ServedHost): string {
  return `ws://127.0.0.1:${String(host.port)}${WS_PATH}`;
}

/** Calls one method of the contract and resolves with its response. */
export function callHost<M extends Method>(
  host: ServedHost,
  method: M,
  params: Params<M>,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const ws = new WebSocket(wsUrl(host), {
      headers: { Authorization: `Bearer ${host.token}` },
      origin: host.origin,
    });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${method}: no answer`));
    }, 10_000);
    ws.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    ws.once('open', () => {
      ws.send(JSON.stringify({ id: 1, method, params }));
    });
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { id?: unknown };
      if (message.id !== 1) return;
      clearTimeout(timer);
      ws.close();
      resolve(message as Response);
    });
  });
}

/** How an upgrade without credentials ends: the HTTP status the host refused it with. */
export function refusedUpgrade(url: string, options: WebSocket.ClientOptions): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.close();
      reject(new Error('the host accepted the WebSocket'));
    });
    ws.once('error', (e) => {
      reject(e);
    });
  });
}
