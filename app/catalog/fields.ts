/**
 * Schema pieces several kinds (and the document) share: user-written maps
 * whose keys cannot be `__proto__` and friends, and time limits.
 */
import { z } from 'zod';

/** Keys that would reach an object's prototype machinery when copied with `obj[key] = …`. */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/**
 * A key of a user-written map: not empty, not a reserved name. A regex (not
 * a refinement) so that the JSON Schema carries the rule too.
 */
export const safeKey = z
  .string()
  .min(1, 'a key must not be empty')
  .regex(/^(?!(?:__proto__|constructor|prototype)$)/, 'this name is reserved');

/** Any JSON value (one schema object, so the JSON Schema defines it once). */
export const jsonValue = z.json();

/** A map written by a person (environment, headers, inputs…): safe keys to `value`. */
export function userMap<V extends z.ZodType>(value: V): z.ZodRecord<typeof safeKey, V> {
  return z.record(safeKey, value);
}

/** The longest timer Node accepts (about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;

/** A time limit in milliseconds, with a default. */
export function timeoutMs(defaultMs: number): z.ZodDefault<z.ZodNumber> {
  return z.number().int().min(1).max(MAX_TIMER_MS).default(defaultMs);
}
