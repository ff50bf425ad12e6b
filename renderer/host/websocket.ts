/**
 * The browser transport: the web host's WebSocket on the page's own origin.
 * The host's token never reaches this code: the first page load trades the
 * `?token=` of the printed URL for an HttpOnly cookie, which the browser
 * sends with the WebSocket upgrade by itself.
 */
import type { EventsMessage, RequestEnvelope, Response } from '../../app/contract/messages';
import { asEventsMessage, asResponse } from './messages';
import { Listeners, type HostInfo, type HostTransport } from './transport';

/** Where the web host listens for the contract's WebSocket (see main/web). */
export const WEB_SOCKET_PATH = '/ws';

/** The WebSocket URL of the host that served a page at `location`. */
export function webSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${WEB_SOCKET_PATH}`;
}

/** Why a WebSocket closed, for people. */
function closeReason(event: CloseEvent, opened: boolean): string {
  if (event.reason !== '') return event.reason;
  if (!opened) return 'the host could not be reached or refused the connection';
  if (event.code === 1001) return 'the host is shutting down';
  if (event.code === 1006) return 'the connection was lost';
  return `the connection closed (code ${event.code})`;
}

/** How long {@link WebSocketTransport.open} waits for the handshake. */
const OPEN_TIMEOUT_MS = 10_000;

export class WebSocketTransport implements HostTransport {
  readonly kind = 'web';
  readonly #url: string;
  #socket: WebSocket | undefined;
  #closedByUs = false;
  readonly #pending = new Map<
    number,
    { readonly resolve: (response: Response) => void; readonly reject: (error: Error) => void }
  >();
  readonly #events = new Listeners<[EventsMessage]>();
  readonly #closed = new Listeners<[string]>();

  constructor(url: string) {
    this.#url = url;
  }

  open(): Promise<HostInfo> {
    // Inside the executor, so that a constructor that throws (a bad URL, a policy) rejects instead.
    return new Promise<HostInfo>((resolve, reject) => {
      const socket = new WebSocket(this.#url);
      this.#socket = socket;
      let opened = false;
      const timer = setTimeout(() => {
        reject(new Error('the host did not answer in time'));
        socket.close();
      }, OPEN_TIMEOUT_MS);
      socket.addEventListener('open', () => {
        opened = true;
        clearTimeout(timer);
        resolve({ kind: 'web', label: `web host ${new URL(this.#url).host}` });
      });
      socket.addEventListener('message', (event) => {
        this.#receive(event.data);
      });
      socket.addEventListener('close', (event) => {
        clearTimeout(timer);
        const reason = closeReason(event, opened);
        for (const { reject: fail } of this.#pending.values()) fail(new Error(reason));
        this.#pending.clear();
        if (!opened) reject(new Error(reason));
        else if (!this.#closedByUs) this.#closed.emit(reason);
      });
    });
  }

  #receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    const events = asEventsMessage(message);
    if (events) {
      this.#events.emit(events);
      return;
    }
    const response = asResponse(message);
    if (response?.id == null) return;
    const waiting = this.#pending.get(response.id);
    this.#pending.delete(response.id);
    waiting?.resolve(response);
  }

  request(message: RequestEnvelope): Promise<Response> {
    const socket = this.#socket;
    if (socket?.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error('not connected to the host'));
    }
    return new Promise<Response>((resolve, reject) => {
      this.#pending.set(message.id, { resolve, reject });
      socket.send(JSON.stringify(message));
    });
  }

  onEvents(listener: (message: EventsMessage) => void): () => void {
    return this.#events.add(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    return this.#closed.add(listener);
  }

  close(): void {
    this.#closedByUs = true;
    this.#closed.clear();
    this.#events.clear();
    this.#socket?.close(1000, 'closed by the page');
  }
}
