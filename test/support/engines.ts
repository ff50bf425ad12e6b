/**
 * The engines the conformance suite runs against. Every scenario file loops
 * over this list, so a new engine joins the suite by adding one entry here
 * (the parallel and worker-based engines will).
 */
import { load, type Engine, type LoadOptions } from '../../engine/index.js';

export interface EngineUnderTest {
  /** Short id used in test names: S (serial), P (parallel), W (worker-based). */
  readonly id: 'S' | 'P' | 'W';
  readonly name: string;
  /** Builds an engine of this kind for a flow. */
  load(flow: unknown, options?: LoadOptions): Engine;
}

export const ENGINES: readonly EngineUnderTest[] = [
  { id: 'S', name: 'serial', load: (flow, options = {}) => load(flow, { ...options, engine: 'serial' }) },
];

/** The engines that run a scenario listing `ids` (e.g. 'SPW'). */
export function enginesFor(ids: string): readonly EngineUnderTest[] {
  return ENGINES.filter((e) => ids.includes(e.id));
}
