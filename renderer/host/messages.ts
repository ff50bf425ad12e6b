/**
 * Checks on what arrives from the host: a transport never hands the client
 * anything but a well-formed {@link Response} or {@link EventsMessage}.
 */
import type { ContractError, EventsMessage, Response } from '../../app/contract/messages';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The message as an events batch, or `undefined` when it is not one. */
export function asEventsMessage(value: unknown): EventsMessage | undefined {
  if (!isObject(value) || value.type !== 'events') return undefined;
  if (typeof value.runId !== 'string' || !Array.isArray(value.events)) return undefined;
  return { type: 'events', runId: value.runId, events: value.events as readonly unknown[] };
}

function asError(value: unknown): ContractError {
  if (isObject(value) && typeof value.code === 'string' && typeof value.message === 'string') {
    return value as unknown as ContractError;
  }
  return { code: 'internal', message: 'The host answered with an error of an unknown shape.' };
}

/** The message as a response, or `undefined` when it is not one. */
export function asResponse(value: unknown): Response | undefined {
  if (!isObject(value) || typeof value.ok !== 'boolean') return undefined;
  if (value.ok) {
    return typeof value.id === 'number' ? { id: value.id, ok: true, result: value.result } : undefined;
  }
  const id = typeof value.id === 'number' ? value.id : null;
  return { id, ok: false, error: asError(value.error) };
}
