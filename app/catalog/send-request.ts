/**
 * Sends one request for an `http` task: the body encoded, a time limit on
 * the whole exchange, the response read as JSON or text, and an error that
 * names the status for 400 and above.
 */
import type { TaskContext } from '../../engine/index.js';

/** What `sendRequest` needs (an `http` config, defaults applied). */
export interface RequestSpec {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: unknown;
  readonly timeoutMs: number;
}

/** A response with a status of 400 or more, or a request that failed or timed out. */
export class RequestFailed extends Error {
  override readonly name = 'RequestFailed';
  constructor(
    message: string,
    /** `null` when no response came. */
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** How much of an error response's body a failure message carries. */
const BODY_CHARS = 500;

function isJson(contentType: string | null): boolean {
  if (contentType === null) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

function encode(spec: RequestSpec): { body?: string; headers: Headers } {
  const headers = new Headers(spec.headers ?? {});
  if (spec.body === undefined) return { headers };
  if (typeof spec.body === 'string') return { body: spec.body, headers };
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return { body: JSON.stringify(spec.body), headers };
}

/** Sends the request; resolves with the parsed body. */
export async function sendRequest(spec: RequestSpec, ctx: TaskContext): Promise<unknown> {
  const what = `${spec.method} ${spec.url}`;
  const { body, headers } = encode(spec);
  let text: string;
  let response: Response;
  try {
    response = await fetch(spec.url, {
      method: spec.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(spec.timeoutMs),
      redirect: 'follow',
    });
    text = await response.text();
  } catch (e) {
    const err = e as { name?: unknown; message?: unknown; cause?: { message?: unknown } };
    if (err.name === 'TimeoutError') {
      throw new RequestFailed(`${what} timed out after ${spec.timeoutMs} ms`, null);
    }
    const why = typeof err.cause?.message === 'string' ? err.cause.message : String(err.message);
    throw new RequestFailed(`${what} failed: ${why}`, null);
  }
  ctx.log(`${what} → ${response.status} ${response.statusText}`.trimEnd(), 'stdout');
  if (response.status >= 400) {
    const snippet = text.length > BODY_CHARS ? `${text.slice(0, BODY_CHARS)}…` : text;
    throw new RequestFailed(
      `${what} answered ${response.status} ${response.statusText}`.trimEnd() +
        (snippet ? `: ${snippet}` : ''),
      response.status,
    );
  }
  if (!isJson(response.headers.get('content-type'))) return text;
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new RequestFailed(
      `${what} answered with content-type JSON but a body that is not JSON: ${(e as Error).message}`,
      response.status,
    );
  }
}
