/**
 * The browser host: the built renderer and the host contract over HTTP and a
 * WebSocket on 127.0.0.1, guarded by a token (see `auth.ts`).
 *
 * @packageDocumentation
 */
export {
  startWebHost,
  DEFAULT_RENDERER_DIR,
  WS_PATH,
  MAX_MESSAGE_BYTES,
  MAX_BUFFERED_BYTES,
  type WebHost,
  type WebHostOptions,
  type WebContractHost,
} from './server.js';
export { cookieName } from './auth.js';
export { contentSecurityPolicy } from './headers.js';
export { openInBrowser } from './open.js';
