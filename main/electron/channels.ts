/**
 * The two IPC channels between the preload and the main process. The preload
 * (a CommonJS file bundled on its own) spells them out again;
 * test/electron/preload.test.ts checks that both agree.
 */

/** Renderer → main, `ipcRenderer.invoke`: one contract request, answered with its Response. */
export const REQUEST_CHANNEL = 'atomflow:request';

/** Main → renderer, `webContents.send`: one `events` batch (at most about 60 a second, see EventBatcher). */
export const EVENTS_CHANNEL = 'atomflow:events';
