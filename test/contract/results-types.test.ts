/**
 * The result types of `app/contract/results.ts` are written out by hand (so
 * front ends need neither the engine's nor Node's types); these checks fail
 * to compile when they drift from the services. The host's handlers are
 * typed by them too, so what each method returns is checked where it is made.
 */
import { describe, expect, it } from 'vitest';
import {
  methods,
  type AtomStateData,
  type FlowStateData,
  type Method,
  type ProblemData,
  type PruneReportData,
  type Results,
  type RetentionSettingsData,
  type RunEventData,
  type RunStateData,
} from '../../app/contract/index.js';
import type { Problem } from '../../app/document/index.js';
import type { AtomState, FlowState } from '../../engine/index.js';
import type { PruneReport, RetentionSettings, RunEvent, RunState } from '../../app/runs/index.js';

/** `true` when A and B accept each other (not distributed over unions). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const checks: {
  flowStates: Same<FlowState, FlowStateData>;
  atomStates: Same<AtomState, AtomStateData>;
  runStates: Same<RunState, RunStateData>;
  events: Same<RunEvent, RunEventData>;
  problems: Same<Problem, ProblemData>;
  methods: Same<Method, keyof Results>;
  retention: Same<RetentionSettings, RetentionSettingsData>;
  prune: Same<PruneReport, PruneReportData>;
} = {
  flowStates: true,
  atomStates: true,
  runStates: true,
  events: true,
  problems: true,
  methods: true,
  retention: true,
  prune: true,
};

describe('result types', () => {
  it('match the services and cover every method', () => {
    expect(Object.values(checks).every(Boolean)).toBe(true);
    const covered: Record<keyof Results, true> = Object.fromEntries(
      Object.keys(methods).map((m) => [m, true]),
    ) as Record<keyof Results, true>;
    expect(Object.keys(covered).sort()).toEqual(Object.keys(methods).sort());
  });
});
