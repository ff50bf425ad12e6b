/**
 * The headers every answer of the web host carries: a strict Content
 * Security Policy and the usual hardening.
 *
 * Styles: React sets `style` props through the CSSOM (`element.style.x = …`)
 * and React Flow (`@xyflow/react` 12) injects no `<style>` element (its CSS is
 * a file the build bundles), neither of which CSP restricts, so `style-src`
 * needs no 'unsafe-inline'.
 */
import type { OutgoingHttpHeaders } from 'node:http';

/** The Content-Security-Policy of the host on `port`. */
export function contentSecurityPolicy(port: number): string {
  const p = String(port);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${p} ws://localhost:${p}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The headers of every answer (pages, files and refusals alike). */
export function securityHeaders(port: number): OutgoingHttpHeaders {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}
