/**
 * Finding the file of the built renderer a request asks for, without ever
 * leaving its folder.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { contentType } from '../content-types.js';

/** What a request path is in the renderer folder. */
export type StaticTarget =
  | { readonly kind: 'file'; readonly path: string; readonly size: number; readonly type: string }
  /** The folder, or its index.html, does not exist: the renderer was not built. */
  | { readonly kind: 'not-built' }
  | { readonly kind: 'not-found' }
  /** The path tries to leave the folder. */
  | { readonly kind: 'forbidden' }
  /** The path cannot be decoded. */
  | { readonly kind: 'bad-request' };

/** Whether `child` is `parent` or inside it. */
function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

async function fileSize(path: string): Promise<number | 'dir' | undefined> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) return 'dir';
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The file of `root` that the URL path `pathname` (still percent-encoded)
 * names; `/` and folders give their index.html. (The app has no routes of
 * its own in the path: its build uses relative asset URLs.) A path with a
 * `..` segment (however encoded), a backslash or a NUL is refused; so
 * is a symbolic link that leads out of the folder.
 */
export async function findStatic(root: string, pathname: string): Promise<StaticTarget> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'bad-request' };
  }
  if (decoded.includes('\0')) return { kind: 'bad-request' };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (decoded.includes('\\') || segments.some((s) => s === '..' || s === '.')) return { kind: 'forbidden' };

  let realRoot: string;
  try {
    realRoot = await realpath(resolve(root));
  } catch {
    return { kind: 'not-built' };
  }
  if (typeof (await fileSize(join(realRoot, 'index.html'))) !== 'number') return { kind: 'not-built' };
  // Hidden files (.git, .env …) are never part of the app.
  if (segments.some((s) => s.startsWith('.'))) return { kind: 'not-found' };

  let path = resolve(realRoot, ...segments);
  if (!inside(realRoot, path)) return { kind: 'forbidden' };
  let size = await fileSize(path);
  if (size === 'dir') {
    path = join(path, 'index.html');
    size = await fileSize(path);
  }
  if (typeof size !== 'number') return { kind: 'not-found' };
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return { kind: 'not-found' };
  }
  if (!inside(realRoot, real)) return { kind: 'forbidden' };
  return { kind: 'file', path: real, size, type: contentType(real) };
}
