/**
 * The `app://atomflow/` scheme: the built renderer (out/renderer/), served
 * from disk (or app.asar) with the Content-Security-Policy and hardening
 * headers on every answer. Electron's `protocol.handle` calls the handler
 * with a fetch `Request` and wants a `Response`; nothing here needs Electron,
 * so test/electron/app-protocol.test.ts runs it under Node.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { contentType } from '../content-types.js';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './security.js';

/** The headers of every answer, files and refusals alike. */
export function appHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // A rebuilt renderer must show on the next start, not a cached copy.
    'Cache-Control': 'no-cache',
  };
}

function refusal(status: number, text: string): Response {
  return new Response(text, { status, headers: appHeaders('text/plain; charset=utf-8') });
}

/**
 * The file under `root` that a request's path names, or undefined when it
 * names none (outside `root` after decoding, a NUL byte, a bad escape).
 */
export function fileOf(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const path = decoded === '/' || decoded === '' ? '/index.html' : decoded;
  const file = resolve(root, `.${path.startsWith('/') ? path : `/${path}`}`);
  const rel = relative(root, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return file;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The handler for `protocol.handle('app', …)`: GET and HEAD of files under
 * `root` for the host `atomflow` only. A path without an extension that
 * names no file gets index.html (the renderer's own routes); anything else
 * missing is a 404.
 */
export function appProtocolHandler(root: string): (request: Request) => Promise<Response> {
  const base = resolve(root);
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return refusal(400, 'Bad request');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refusal(404, 'Not found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405, 'Method not allowed');
    let file = fileOf(base, url.pathname);
    if (file === undefined) return refusal(404, 'Not found');
    if (!(await isFile(file))) {
      if (extname(file) !== '') return refusal(404, 'Not found');
      file = resolve(base, 'index.html');
      if (!(await isFile(file)))
        return refusal(404, 'The user interface is not built (out/renderer/index.html)');
    }
    const type = contentType(file);
    const body = request.method === 'HEAD' ? null : await readFile(file);
    return new Response(body, { status: 200, headers: appHeaders(type) });
  };
}
