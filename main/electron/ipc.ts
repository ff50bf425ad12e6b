/**
 * The `atomflow:request` IPC handler, Electron-free so that
 * test/electron/ipc.test.ts can check it: the sender is checked before
 * anything else (a window of ours, its main frame, our own origin), and only
 * then is the request handed to that window's bridge.
 */
import type { Response } from '../../app/contract/index.js';
import { isTrustedSender, type SenderFrame } from './security.js';

/** What the handler reads of an `IpcMainInvokeEvent`. */
export interface InvokeEvent {
  readonly sender: { readonly id: number };
  readonly senderFrame: SenderFrame | null;
}

/** What the handler needs of a window's bridge. */
export interface RequestTarget {
  request(raw: unknown): Promise<Response>;
}

/**
 * The handler for `ipcMain.handle(REQUEST_CHANNEL, …)`: a request from a
 * window that is not ours, from an iframe, or from a page of another origin
 * is refused (the renderer's promise rejects) and never reaches a session.
 */
export function requestHandler(
  bridgeOf: (webContentsId: number) => RequestTarget | undefined,
  log: (message: string) => void,
): (event: InvokeEvent, raw: unknown) => Promise<Response> {
  return (event, raw) => {
    const frame = event.senderFrame;
    const bridge = bridgeOf(event.sender.id);
    if (!bridge || !isTrustedSender(frame)) {
      log(`refused a request from ${frame ? frame.url : 'a frame that is gone'}`);
      return Promise.reject(new Error('atomflow: this frame may not use the host'));
    }
    return bridge.request(raw);
  };
}
