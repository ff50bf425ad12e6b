/**
 * How much a "no" from a link decider skips (spec §2.5, §6.6).
 */
import { ValueError } from '../errors.js';

export const Depth = {
  /** The target atom and everything after it, in the whole flow. */
  ALL: 'ALL',
  /** The target and what follows it through tasks of the same flow. */
  FLOW: 'FLOW',
  /** The target and its immediate successor tasks. */
  NEIGHBORS: 'NEIGHBORS',
  /** Only the target atom. */
  ATOM: 'ATOM',
} as const;
export type Depth = (typeof Depth)[keyof typeof Depth];

const ORDER: readonly Depth[] = [Depth.ALL, Depth.FLOW, Depth.NEIGHBORS, Depth.ATOM];

/** Translates a depth given as a string, case-insensitively. */
export function toDepth(value: unknown): Depth {
  if (typeof value !== 'string') throw new TypeError(`Decider depth must be a string, got ${typeof value}`);
  const up = value.toUpperCase();
  const hit = ORDER.find((d) => d === up);
  if (!hit) throw new ValueError(`Unknown decider depth '${value}' (expected one of ${ORDER.join(', ')})`);
  return hit;
}

/** The widest of several depths (ALL > FLOW > NEIGHBORS > ATOM). */
export function pickWidest(depths: Iterable<Depth>): Depth {
  let best = -1;
  for (const d of depths) {
    const i = ORDER.indexOf(d);
    if (i < 0) throw new ValueError(`Invalid depth '${d as string}'`);
    if (best < 0 || i < best) best = i;
  }
  const out = ORDER[best];
  if (out === undefined) throw new ValueError('No depths given to pick from');
  return out;
}
