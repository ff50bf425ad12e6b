/**
 * The web host the specs drive: started once by the global set-up
 * (`atomflow serve --port 0 --json` on a temporary database) and described
 * to the specs in a file under .tmp/e2e and in the environment.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
export const E2E_TMP = join(ROOT, '.tmp', 'e2e');
/** Where the global set-up writes {@link ServedHost}. */
export const SERVER_FILE = join(E2E_TMP, 'server.json');

export interface ServedHost {
  /** The URL `atomflow serve` printed: `http://127.0.0.1:PORT/?token=TOKEN`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  readonly pid: number;
}

/** Reads the URL out of a `serve` output line: a JSON object with a `url`, or the URL in plain text. */
export function urlIn(line: string): string | undefined {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    try {
      const value = JSON.parse(trimmed) as { url?: unknown };
      if (typeof value.url === 'string') return value.url;
    } catch {
      // Not JSON after all: look for the URL in the text.
    }
  }
  return /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(trimmed)?.[0];
}

/** The host described by `url`. */
export function describeHost(url: string, pid: number): ServedHost {
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token');
  if (token === null) throw new Error(`The served URL carries no token: ${url}`);
  return { url, origin: parsed.origin, token, port: Number(parsed.port), pid };
}

/** The host of this test run. */
export function servedHost(): ServedHost {
  const url = process.env.ATOMFLOW_E2E_URL;
  const pid = Number(process.env.ATOMFLOW_E2E_PID ?? 0);
  if (url !== undefined && url !== '') return describeHost(url, pid);
  return JSON.parse(readFileSync(SERVER_FILE, 'utf8')) as ServedHost;
}
