/**
 * Where the desktop app's files are, from the folder of the main bundle
 * (out/main/, inside app.asar when packaged). Electron-free.
 */
import { join, resolve, sep } from 'node:path';

/** The built files the main process needs. */
export interface AppPaths {
  /** The app's root: the project folder, or resources/app.asar when packaged. */
  readonly root: string;
  /** The sandboxed preload (CommonJS). */
  readonly preload: string;
  /** The built renderer, served as app://atomflow/. */
  readonly renderer: string;
  /** The pool program of the parallel engine, outside app.asar (a utility process runs it from disk). */
  readonly poolWorker: string;
}

/**
 * The unpacked twin of a path inside app.asar (electron-builder's asarUnpack
 * puts those files in app.asar.unpacked/); other paths are returned as they are.
 */
export function unpacked(path: string): string {
  const packed = `${sep}app.asar${sep}`;
  const i = path.lastIndexOf(packed);
  return i < 0 ? path : `${path.slice(0, i)}${sep}app.asar.unpacked${sep}${path.slice(i + packed.length)}`;
}

/** The paths of a build whose main bundle lives in `mainDir` (out/main). */
export function appPaths(mainDir: string): AppPaths {
  const root = resolve(mainDir, '..', '..');
  return {
    root,
    preload: join(root, 'out', 'preload', 'index.cjs'),
    renderer: join(root, 'out', 'renderer'),
    poolWorker: unpacked(join(mainDir, 'pool-worker.mjs')),
  };
}
