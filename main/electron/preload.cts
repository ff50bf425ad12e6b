/**
 * The preload of the desktop window. It runs sandboxed (so it is CommonJS:
 * a sandboxed preload cannot be an ES module) and exposes exactly the host
 * contract to the page as `window.atomflow`:
 *
 * - `request(message)`: one contract request (`{ id, method, params }`),
 *   resolved with its Response;
 * - `onEvents(callback)`: run-event batches (`{ type: 'events', runId,
 *   events }`); returns the function that stops them.
 *
 * Nothing else crosses: no ipcRenderer, no channel names, no Electron event
 * objects (the callback gets the message alone). The main process checks
 * every request again (sender frame, size, schema).
 */
import type { EventsMessage, Response } from '../../app/contract/messages.js';
// The CommonJS form of an import in a .cts file (ESM syntax is refused there under verbatimModuleSyntax).
// eslint-disable-next-line @typescript-eslint/no-require-imports
import electron = require('electron');

// Spelled out again here (see channels.ts): this file is bundled on its own.
const REQUEST_CHANNEL = 'atomflow:request';
const EVENTS_CHANNEL = 'atomflow:events';

const { contextBridge, ipcRenderer } = electron;

/** What the page gets as `window.atomflow`. */
interface AtomflowBridge {
  request(message: object): Promise<Response>;
  onEvents(callback: (message: EventsMessage) => void): () => void;
}

const bridge: AtomflowBridge = {
  request(message) {
    return ipcRenderer.invoke(REQUEST_CHANNEL, message) as Promise<Response>;
  },
  onEvents(callback) {
    if (typeof callback !== 'function') throw new TypeError('onEvents needs a function');
    const listener = (_event: unknown, message: EventsMessage): void => {
      callback(message);
    };
    ipcRenderer.on(EVENTS_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(EVENTS_CHANNEL, listener);
    };
  },
};

contextBridge.exposeInMainWorld('atomflow', bridge);
