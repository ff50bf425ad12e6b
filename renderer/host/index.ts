/**
 * The renderer's way to its host: the Electron preload when the page runs in
 * the desktop app, otherwise the WebSocket of the web host that served it.
 */
import { ElectronTransport, electronBridge } from './electron';
import type { HostTransport } from './transport';
import { WebSocketTransport, webSocketUrl } from './websocket';

export { HostClient, HostError } from './client';
export type { KindDescription, RunEventData } from '../../app/contract/results';
export type { HostInfo, HostKind, HostTransport, AtomflowBridge } from './transport';

/** A new transport to this page's host. */
export function createTransport(): HostTransport {
  const bridge = electronBridge();
  if (bridge) return new ElectronTransport(bridge);
  return new WebSocketTransport(webSocketUrl(window.location));
}
