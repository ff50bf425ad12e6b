/**
 * One window's end of the contract: turns the IPC `invoke` of a request into
 * the Response its ContractSession sends, and passes the session's `events`
 * batches (already throttled by the session's EventBatcher) to the window.
 * Electron-free, so test/electron/bridge.test.ts runs it with a real
 * ContractHost under Node.
 *
 * A session answers through a callback, not a return value; so a Response
 * sent while `handle` is still running synchronously belongs to the request
 * being handed over (that is every refused request, and every method but the
 * asynchronous ones), and a later one is matched to its request by id.
 */
import type { ContractSession, EventsMessage, Response } from '../../app/contract/index.js';

/** What the bridge needs of a ContractHost. */
export interface SessionSource {
  connect(send: (message: Response | EventsMessage) => void): ContractSession;
}

interface Waiter {
  resolve(response: Response): void;
  done: boolean;
}

/** The answer to a request whose session went away before answering. */
function goneResponse(id: number | null, why: string): Response {
  return { id, ok: false, error: { code: 'unavailable', message: why } };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The id a request that passed the session's envelope check carries. */
function requestId(raw: unknown): number | null {
  let value = raw;
  // The session reads bytes as UTF-8 JSON text: so must the bridge, or their answer finds no request.
  if (raw instanceof Uint8Array || raw instanceof ArrayBuffer) {
    try {
      value = utf8.decode(raw);
    } catch {
      return null;
    }
  }
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return null;
    }
  }
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'number' ? id : null;
}

function isEvents(message: Response | EventsMessage): message is EventsMessage {
  return 'type' in message && message.type === 'events';
}

export class WindowBridge {
  private session: ContractSession | undefined;
  /** The request whose `handle` call is running synchronously right now. */
  private handing: Waiter | undefined;
  /** Requests answered later, by id (several for one id if a page reuses ids). */
  private readonly waiting = new Map<number, Waiter[]>();
  private closed = false;

  /**
   * @param host where sessions come from (a ContractHost)
   * @param deliver sends an `events` batch to the window (`webContents.send`)
   */
  constructor(
    private readonly host: SessionSource,
    private readonly deliver: (message: EventsMessage) => void,
  ) {}

  /** Handles one request from the window; always resolves with its Response. */
  request(raw: unknown): Promise<Response> {
    if (this.closed) return Promise.resolve(goneResponse(requestId(raw), 'The window is closing'));
    const session = (this.session ??= this.connect());
    return new Promise<Response>((resolve) => {
      const waiter: Waiter = {
        done: false,
        resolve(response) {
          if (this.done) return;
          this.done = true;
          resolve(response);
        },
      };
      this.handing = waiter;
      let handled: Promise<void>;
      try {
        handled = session.handle(raw);
      } finally {
        this.handing = undefined;
      }
      if (waiter.done) return;
      const id = requestId(raw);
      if (id !== null) {
        const list = this.waiting.get(id);
        if (list) list.push(waiter);
        else this.waiting.set(id, [waiter]);
      }
      // The session settles `handle` once it has answered; no answer by then means it was closed.
      void handled.finally(() => {
        if (waiter.done) return;
        this.forget(id, waiter);
        waiter.resolve(goneResponse(id, 'The request was not answered: the window reloaded or closed'));
      });
    });
  }

  /**
   * The page navigated or reloaded: its subscriptions end with the old
   * session, and its next request gets a new one. Requests still waiting are
   * answered `unavailable`.
   */
  reset(): void {
    const session = this.session;
    this.session = undefined;
    session?.close();
    this.failWaiting('The window reloaded');
  }

  /** The window is gone: ends the session; nothing is sent to the window afterwards. */
  close(): void {
    this.closed = true;
    this.reset();
  }

  private connect(): ContractSession {
    const session: ContractSession = this.host.connect((message) => {
      // A session replaced by reset() may still finish an answer or flush events; they go nowhere
      // (its waiting requests were answered by reset()).
      if (this.session !== session || this.closed) return;
      if (isEvents(message)) this.deliver(message);
      else this.answer(message);
    });
    return session;
  }

  private answer(response: Response): void {
    const current = this.handing;
    if (current && !current.done) {
      current.resolve(response);
      return;
    }
    if (response.id === null) return;
    const list = this.waiting.get(response.id);
    const waiter = list?.shift();
    if (list?.length === 0) this.waiting.delete(response.id);
    waiter?.resolve(response);
  }

  private forget(id: number | null, waiter: Waiter): void {
    if (id === null) return;
    const list = this.waiting.get(id);
    if (!list) return;
    const i = list.indexOf(waiter);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.waiting.delete(id);
  }

  private failWaiting(why: string): void {
    const all = [...this.waiting.entries()];
    this.waiting.clear();
    for (const [id, list] of all) for (const w of list) w.resolve(goneResponse(id, why));
  }
}
