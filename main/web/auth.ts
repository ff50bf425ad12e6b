/**
 * Who may talk to the web host: the holder of its token, from a page of its
 * own origin, through a Host header that names it.
 *
 * The token is made at start (≥ 128 random bits, base64url) and printed in
 * the URL `http://127.0.0.1:PORT/?token=TOKEN`. A request proves it holds
 * the token in one of three ways:
 *
 * - `?token=TOKEN` in the URL: only the first page load, which answers with
 *   an HttpOnly, SameSite=Strict cookie and a page that moves on to `/` (so
 *   the token leaves the address bar);
 * - that cookie, which the browser then sends with every request of the
 *   page: its scripts, styles and the WebSocket upgrade;
 * - `Authorization: Bearer TOKEN`, for programs.
 *
 * Cookies are not isolated by port, so the cookie's name carries the port:
 * two hosts on two ports keep their own tokens.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Bytes of randomness in a token (256 bits). */
const TOKEN_BYTES = 32;

/** A new random token, base64url. */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Whether `given` is `token`, in a time that does not depend on where they differ (or on their lengths). */
export function sameToken(given: string, token: string): boolean {
  // Hashing first makes both sides 32 bytes, so timingSafeEqual never sees different lengths.
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The name of the cookie that carries the token of the host on `port`. */
export function cookieName(port: number): string {
  return `atomflow-token-${String(port)}`;
}

/** The `Set-Cookie` header value that gives a browser the token. */
export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/** The value of the cookie `name` in a request's Cookie header(s), if it has one. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** How a request stands with respect to the token. */
export type TokenCheck =
  /** It carries the right token in a cookie or an Authorization header. */
  | { readonly kind: 'ok' }
  /** It carries the right token in its URL: the first page load (answer with the cookie). */
  | { readonly kind: 'url' }
  /** It carries no token at all. */
  | { readonly kind: 'missing' }
  /** It carries a token, and not the right one. */
  | { readonly kind: 'wrong' };

/**
 * Checks the token a request carries. A token in the URL is only looked at
 * when `allowUrlToken` (page loads); elsewhere (the WebSocket) it is ignored.
 */
export function checkToken(
  request: IncomingMessage,
  url: URL,
  port: number,
  token: string,
  allowUrlToken: boolean,
): TokenCheck {
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null && allowUrlToken)
    return sameToken(fromUrl, token) ? { kind: 'url' } : { kind: 'wrong' };
  const given: string[] = [];
  const auth = request.headers.authorization;
  if (auth !== undefined) {
    // Only the Bearer scheme; anything else counts as a wrong token.
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    given.push(m?.[1] ?? '');
  }
  const cookie = readCookie(request.headers.cookie, cookieName(port));
  if (cookie !== undefined) given.push(cookie);
  if (given.length === 0) return { kind: 'missing' };
  // Every token given must be right: a wrong one is never outvoted by a right one.
  let right = true;
  for (const g of given) right = sameToken(g, token) && right;
  return right ? { kind: 'ok' } : { kind: 'wrong' };
}

/** The `host:port` values a request may name in its Host header (DNS rebinding gives another name). */
export function allowedHosts(port: number): readonly string[] {
  return [`127.0.0.1:${String(port)}`, `localhost:${String(port)}`];
}

/** Whether the request's Host header names this host. */
export function hostAllowed(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host?.toLowerCase();
  return host !== undefined && allowedHosts(port).includes(host);
}

/**
 * Whether the request's Origin is this host's own origin, as the page would
 * send it: `http://` and the Host header it was sent to. A request without
 * an Origin is refused (browsers always send one on a WebSocket upgrade).
 */
export function originAllowed(request: IncomingMessage, port: number): boolean {
  const origin = request.headers.origin;
  const host = request.headers.host?.toLowerCase();
  if (origin === undefined || host === undefined || !allowedHosts(port).includes(host)) return false;
  return origin.toLowerCase() === `http://${host}`;
}
