/**
 * Engine events → run events: the same transitions as plain data, stamped
 * with the run id and a time, so they can cross a process or a socket.
 */
import { Failure, type EngineEvent } from '../../engine/index.js';
import type { FailureInfo, RunEvent } from './types.js';

/** A failure of `atom` as data. */
export function failureInfo(atom: string, phase: 'execute' | 'revert', value: unknown): FailureInfo {
  if (value instanceof Failure) {
    const stack = value.tracebackStr;
    return {
      atom,
      phase,
      type: value.excTypeNames[0] ?? 'Error',
      message: value.exceptionStr,
      ...(stack ? { stack } : {}),
    };
  }
  if (value instanceof Error)
    return {
      atom,
      phase,
      type: value.name,
      message: value.message,
      ...(value.stack !== undefined ? { stack: value.stack } : {}),
    };
  return { atom, phase, type: 'Error', message: String(value) };
}

/** The run event of an engine event (`ts`: when it happened, ISO-8601). */
export function toRunEvent(runId: string, event: EngineEvent, ts: string): RunEvent {
  switch (event.type) {
    case 'flow':
      return { type: 'flow', runId, ts, state: event.state };
    case 'atom': {
      const failed = event.state === 'FAILURE' || event.state === 'REVERT_FAILURE';
      const base = {
        type: 'atom',
        runId,
        ts,
        name: event.name,
        atom: event.kind,
        state: event.state,
      } as const;
      if (failed && event.hasResult) {
        const phase = event.state === 'FAILURE' ? 'execute' : 'revert';
        return { ...base, failure: failureInfo(event.name, phase, event.result) };
      }
      return base;
    }
    case 'progress':
      return { type: 'progress', runId, ts, name: event.name, progress: event.progress };
    case 'log':
      return { type: 'log', runId, ts, name: event.name, stream: event.stream, text: event.text };
  }
}

/**
 * A value as plain JSON data: failures and errors become `{ error, message }`,
 * maps objects, sets arrays, dates ISO strings; what JSON cannot hold is dropped.
 */
export function jsonSafe(value: unknown, seen: Set<object> = new Set()): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined; // undefined, functions, symbols
  if (seen.has(value)) return undefined;
  seen.add(value);
  try {
    if (value instanceof Failure)
      return { error: value.excTypeNames[0] ?? 'Error', message: value.exceptionStr };
    if (value instanceof Error) return { error: value.name, message: value.message };
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    if (value instanceof Map) return jsonSafe(Object.fromEntries(value), seen);
    if (value instanceof Set) return jsonSafe([...value], seen);
    if (Array.isArray(value)) return value.map((v) => jsonSafe(v, seen) ?? null);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const safe = jsonSafe(v, seen);
      // defineProperty: a user key `__proto__` stays a key instead of setting the prototype.
      if (safe !== undefined)
        Object.defineProperty(out, k, { value: safe, enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** {@link jsonSafe} of a record of values. */
export function jsonSafeRecord(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return jsonSafe(values) as Record<string, unknown>;
}
