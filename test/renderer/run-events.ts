/**
 * Run events as the host sends them, for tests that drive the renderer's
 * stores: each builder stamps the run id and a time `ms` after a fixed start.
 */
import type {
  AtomStateData,
  FailureData,
  FlowStateData,
  RunEventData,
  RunStateData,
} from '../../app/contract/results';

export const T0 = Date.parse('2026-03-02T09:00:00.000Z');

/** The builders of one run's events. */
export function runEvents(runId: string) {
  const at = (ms: number): string => new Date(T0 + ms).toISOString();
  return {
    at,
    flow: (state: FlowStateData, ms: number): RunEventData => ({ runId, ts: at(ms), type: 'flow', state }),
    atom: (
      name: string,
      state: AtomStateData,
      ms: number,
      extra: { readonly kind?: 'task' | 'retry'; readonly failure?: FailureData } = {},
    ): RunEventData => ({
      runId,
      ts: at(ms),
      type: 'atom',
      name,
      atom: extra.kind ?? 'task',
      state,
      ...(extra.failure ? { failure: extra.failure } : {}),
    }),
    progress: (name: string, progress: number, ms: number): RunEventData => ({
      runId,
      ts: at(ms),
      type: 'progress',
      name,
      progress,
    }),
    log: (name: string, text: string, ms: number, stream: 'stdout' | 'stderr' = 'stdout'): RunEventData => ({
      runId,
      ts: at(ms),
      type: 'log',
      name,
      stream,
      text,
    }),
    end: (state: RunStateData, ms: number): RunEventData => ({
      runId,
      ts: at(ms),
      type: 'end',
      state,
      results: {},
      failures: [],
    }),
  };
}
