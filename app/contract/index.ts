/**
 * The host contract: the typed requests, responses and event batches that
 * every front end exchanges with its host (the Electron preload and the web
 * host carry the same messages), the host that serves them, and the batcher
 * of run events.
 *
 * Front ends (the renderer) import types only, from `./messages.js` and
 * `./results.js` (which import nothing of Node or the engine); hosts
 * (`main/`) use {@link ContractHost}.
 *
 * @packageDocumentation
 */
export * from './messages.js';
export type * from './results.js';
export {
  ContractHost,
  DEFAULT_BROKER_CONNECT_TIMEOUT_MS,
  DEFAULT_WORKERS_WAIT_MS,
  MAX_REQUEST_DEPTH,
  type ContractHostOptions,
  type ContractSession,
  type WorkersDefaults,
} from './host.js';
export { EventBatcher, FLUSH_INTERVAL_MS, type EventBatcherOptions } from './batcher.js';
