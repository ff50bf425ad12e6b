/**
 * A probe is one request sent to the host by the fuzz suites, with what the
 * host must answer to it. The expectation is worked out from how the request
 * was made (a wrong type put at a known field, an id of a known kind), never
 * by asking the host's own schemas, so a check can fail.
 */
import fc from 'fast-check';
import type { ContractError, Response } from '../../app/contract/index.js';
import { linearDocument } from '../app/runs-support.js';

/** A valid document of one quick task; runs of it end SUCCESS with `out: 1`. */
export const SMALL_DOC = linearDocument('fuzz-small', [
  { type: 'task', name: 'give', kind: 'value', provides: 'out', config: { value: 1 } },
]);

export type Code = ContractError['code'];

/** What the host must answer. */
export interface Expected {
  /** The id the answer carries: the request's when it was readable, else null. */
  readonly id: number | null;
  /** `ok` for a request that must succeed, else the error's code. */
  readonly code: Code | 'ok';
  /** For a refused field: a problem's path is this field or lies below it (`''`: the request as a whole). */
  readonly field?: string;
  /** For a success: what is wrong with its result, or undefined when it is right. */
  readonly check?: (result: unknown) => string | undefined;
}

/** How a request travels: JSON text, UTF-8 bytes, or a value structured-cloned by IPC. */
export type Form = 'text' | 'bytes' | 'value';

/** One request and its expected answer. */
export interface Probe {
  /** What it is, for failure messages. */
  readonly what: string;
  /** The request as JSON text (what a WebSocket text frame carries); any string for text that is not JSON. */
  readonly text: string;
  /**
   * The request as a value, for IPC (where the preload sends objects): omitted when the text is not
   * JSON. Its JSON form is `text`, unless `valueExpected` says how the host sees it instead.
   */
  readonly value?: unknown;
  /** When the value form is seen differently from the text (a Map, a BigInt…): its own expectation. */
  readonly valueExpected?: Expected;
  /** The only form this probe has (IPC values that have no JSON text, say). */
  readonly only?: Form;
  readonly expected: Expected;
  /** Answered after a turn of the event loop (not in the order sent), so matched by id. */
  readonly async?: boolean;
}

function shorten(s: string, max = 160): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${String(s.length)} chars)`;
}

/** Makes a probe with the fresh id it is given (unique in its batch). */
export type ProbeMaker = (id: number) => Probe;

/** A probe of a request written as a value: its JSON text, and the value itself for IPC. */
export function jsonProbe(
  what: string,
  value: Record<string, unknown>,
  expected: Expected,
  extra: Partial<Probe> = {},
): Probe {
  return probe({ what, text: JSON.stringify(value), value, expected, ...extra });
}

/** `bad-request` with `id`, naming `field` when given. */
export function badRequest(id: number | null, field?: string): Expected {
  return { id, code: 'bad-request', ...(field !== undefined ? { field } : {}) };
}

/** A probe that prints briefly in fast-check's counterexamples (its text can be megabytes). */
export function probe(p: Probe): Probe {
  return Object.assign(p, {
    [fc.toStringMethod]: () => `${p.what}: ${shorten(JSON.stringify(p.text))}`,
  });
}

/** Whether a problem's `path` names `field` or something inside it. */
export function fieldMatches(path: string, field: string): boolean {
  if (field === '') return path === '';
  return path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);
}

/** How a key is written in a problem's path (`params.name`, `params["odd key"]`). */
export function fieldOf(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${String(key)}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/**
 * The largest error answer the host may send, in bytes, for a request of
 * `requestBytes`: an error says what is wrong, it does not amplify the request
 * (a few kilobytes of problems, plus at most the request's own size echoed
 * back in field names).
 */
export function maxErrorBytes(requestBytes: number): number {
  return 64 * 1024 + 2 * requestBytes;
}

/** What is wrong with `r` as the answer to a request expected to get `e` (undefined when it is right). */
export function answerProblem(e: Expected, r: Response, requestBytes: number): string | undefined {
  if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean') {
    return `not a Response: ${shorten(JSON.stringify(r))}`;
  }
  if (r.id !== e.id) return `id ${String(r.id)} instead of ${String(e.id)}`;
  if (e.code === 'ok') {
    if (!r.ok) return `error ${r.error.code}: ${shorten(r.error.message)}`;
    return e.check?.(r.result);
  }
  if (r.ok) return `succeeded with ${shorten(JSON.stringify(r.result))}`;
  const error = r.error;
  if (error.code !== e.code) return `code ${error.code} (${shorten(error.message)}) instead of ${e.code}`;
  if (typeof error.message !== 'string' || error.message.length === 0) return 'an error without a message';
  const bytes = Buffer.byteLength(JSON.stringify(r));
  if (bytes > maxErrorBytes(requestBytes)) {
    return `an error of ${String(bytes)} bytes (${String(error.problems?.length ?? 0)} problems) for a request of ${String(requestBytes)}`;
  }
  if (e.field === undefined) return undefined;
  const problems = error.problems ?? [];
  if (problems.length === 0) return `no problems named (expected ${e.field})`;
  for (const p of problems) {
    if (typeof p.path !== 'string' || typeof p.message !== 'string' || p.message === '') {
      return `a malformed problem ${shorten(JSON.stringify(p))}`;
    }
  }
  if (!problems.some((p) => fieldMatches(p.path, e.field ?? ''))) {
    return `no problem names ${JSON.stringify(e.field)}: ${shorten(JSON.stringify(problems.map((p) => p.path)))}`;
  }
  return undefined;
}

/** The size of what a probe sends in a form, in bytes (for the amplification bound). */
export function sentBytes(p: Probe, form: Form): number {
  if (form === 'value') {
    try {
      return Buffer.byteLength(JSON.stringify(p.value) ?? '');
    } catch {
      return 0;
    }
  }
  return Buffer.byteLength(p.text);
}
