/**
 * How the renderer reaches its host. Both hosts carry the same messages of
 * `app/contract`: the Electron preload as `window.atomflow`, the browser host
 * over a WebSocket. A transport only moves messages; {@link HostClient} gives
 * them ids, types and timeouts.
 */
import type { EventsMessage, RequestEnvelope, Response } from '../../app/contract/messages';

/** Which kind of host the renderer is talking to. */
export type HostKind = 'electron' | 'web';

/** What a transport says about the host once it is open. */
export interface HostInfo {
  readonly kind: HostKind;
  /** For people: "Electron" or the web host's `127.0.0.1:PORT`. */
  readonly label: string;
}

/** The shape of the Electron preload's bridge (`window.atomflow`), which every transport also offers. */
export interface AtomflowBridge {
  request(message: RequestEnvelope): Promise<Response>;
  /** Run events as they arrive; returns the function that stops listening. */
  onEvents(listener: (message: EventsMessage) => void): () => void;
}

/** A bridge to the host that can also be opened, lost and closed. */
export interface HostTransport extends AtomflowBridge {
  readonly kind: HostKind;
  /** Opens the channel; rejects with the reason when the host cannot be reached. */
  open(): Promise<HostInfo>;
  /** Called once when an open channel is lost (never after {@link close}). */
  onClose(listener: (reason: string) => void): () => void;
  close(): void;
}

/** A small set of listeners: add returns its own removal. */
export class Listeners<T extends unknown[]> {
  readonly #set = new Set<(...args: T) => void>();

  add(listener: (...args: T) => void): () => void {
    this.#set.add(listener);
    return () => {
      this.#set.delete(listener);
    };
  }

  emit(...args: T): void {
    for (const listener of [...this.#set]) listener(...args);
  }

  clear(): void {
    this.#set.clear();
  }
}
