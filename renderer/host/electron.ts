/**
 * The Electron transport: the preload exposes the contract as
 * `window.atomflow` (context isolation, no Node in the page), and this only
 * checks what crosses it.
 */
import type { EventsMessage, RequestEnvelope, Response } from '../../app/contract/messages';
import { asEventsMessage, asResponse } from './messages';
import { Listeners, type AtomflowBridge, type HostInfo, type HostTransport } from './transport';

/** The preload's bridge, when the page runs in the desktop app. */
export function electronBridge(): AtomflowBridge | undefined {
  const bridge = (globalThis as { atomflow?: unknown }).atomflow;
  if (typeof bridge !== 'object' || bridge === null) return undefined;
  const b = bridge as Partial<AtomflowBridge>;
  return typeof b.request === 'function' && typeof b.onEvents === 'function'
    ? (b as AtomflowBridge)
    : undefined;
}

export class ElectronTransport implements HostTransport {
  readonly kind = 'electron';
  readonly #bridge: AtomflowBridge;
  // IPC to the main process is not lost while the window lives, so nothing ever emits here.
  readonly #closed = new Listeners<[string]>();

  constructor(bridge: AtomflowBridge) {
    this.#bridge = bridge;
  }

  open(): Promise<HostInfo> {
    return Promise.resolve({ kind: 'electron', label: 'Electron' });
  }

  async request(message: RequestEnvelope): Promise<Response> {
    const answer = asResponse(await this.#bridge.request(message));
    if (answer === undefined) throw new Error('The desktop host answered with a malformed response.');
    return answer;
  }

  onEvents(listener: (message: EventsMessage) => void): () => void {
    return this.#bridge.onEvents((raw) => {
      const message = asEventsMessage(raw);
      if (message) listener(message);
    });
  }

  onClose(listener: (reason: string) => void): () => void {
    return this.#closed.add(listener);
  }

  close(): void {
    this.#closed.clear();
  }
}
