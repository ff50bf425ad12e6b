/**
 * A stored run as front ends show it: the flow detail's atoms with their
 * results and failures, timings derived from the times of the run's event
 * log, and the output the tasks logged.
 */
import { INJECTOR_NAME, type FlowState, type RecordedEvent, type RunDetail } from '../../engine/index.js';
import { failureInfo, jsonSafe } from './events.js';
import { readRunMeta, type RunMeta } from './meta.js';
import type { AtomView, FailureInfo, LogLine, RunState, RunSummary, RunView } from './types.js';

const ENDED: ReadonlySet<string> = new Set(['SUCCESS', 'REVERTED', 'FAILURE']);
/** Flow states in which a run has stopped (ended, or suspended and resumable). */
const STOPPED: ReadonlySet<string> = new Set([...ENDED, 'SUSPENDED']);
/** Atom states that close an execution or a revert. */
const ATOM_DONE: ReadonlySet<string> = new Set([
  'SUCCESS',
  'FAILURE',
  'REVERTED',
  'REVERT_FAILURE',
  'IGNORE',
]);

/** Whether a flow state is final: SUCCESS, REVERTED or FAILURE. */
export function hasEnded(state: FlowState): boolean {
  return ENDED.has(state);
}

/** The state a front end shows: CANCELLED for a cancelled run that did not end on its own. */
export function runStateOf(state: FlowState, meta: RunMeta | undefined): RunState {
  return meta?.cancelledAt !== undefined && !hasEnded(state) ? 'CANCELLED' : state;
}

/** Whether a flow state means the run has stopped: ended, or suspended (cancelled runs included). */
export function hasStopped(state: FlowState): boolean {
  return STOPPED.has(state);
}

/**
 * The summary of a stored run; `interrupted` when the caller found that the
 * process running it is gone.
 */
export function toRunSummary(
  run: Pick<RunDetail, 'uuid' | 'name' | 'state' | 'engine' | 'createdAt' | 'updatedAt'>,
  meta: RunMeta | undefined,
  interrupted = false,
): RunSummary {
  const duration = STOPPED.has(run.state) ? durationMs(run.createdAt, run.updatedAt) : undefined;
  return {
    id: run.uuid,
    flow: run.name,
    state: runStateOf(run.state, meta),
    engine: run.engine,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    ...(duration !== undefined ? { durationMs: duration } : {}),
    ...(interrupted ? { interrupted: true } : {}),
  };
}

interface Timing {
  executions: number;
  startedAt?: string;
  finishedAt?: string;
}

function durationMs(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  return Math.max(0, Date.parse(to) - Date.parse(from));
}

/** One stored run with its event log, as a {@link RunView}. */
export function toRunView(run: RunDetail, events: readonly RecordedEvent[], interrupted = false): RunView {
  const meta = readRunMeta(run.flowDetail.meta);
  const timings = new Map<string, Timing>();
  const logs: LogLine[] = [];
  let startedAt: string | undefined;
  let finishedAt: string | undefined;
  for (const { at, event } of events) {
    if (event.type === 'flow') {
      if (event.state === 'RUNNING') {
        startedAt ??= at;
        finishedAt = undefined; // resumed: not stopped any more
      }
      if (STOPPED.has(event.state)) finishedAt = at;
    } else if (event.type === 'atom') {
      let t = timings.get(event.name);
      if (!t) timings.set(event.name, (t = { executions: 0 }));
      if (event.state === 'RUNNING') {
        t.executions += 1;
        t.startedAt ??= at;
        delete t.finishedAt;
      } else if (ATOM_DONE.has(event.state)) {
        t.finishedAt = at;
      }
    } else if (event.type === 'log') {
      logs.push({ name: event.name, stream: event.stream, text: event.text, ts: at });
    }
  }

  const atoms: AtomView[] = [];
  const failures: FailureInfo[] = [];
  for (const ad of run.flowDetail) {
    if (ad.name === INJECTOR_NAME) continue;
    const t = timings.get(ad.name) ?? { executions: 0 };
    const failure = ad.failure ? failureInfo(ad.name, 'execute', ad.failure) : undefined;
    const revertFailure = ad.revertFailure ? failureInfo(ad.name, 'revert', ad.revertFailure) : undefined;
    if (failure) failures.push(failure);
    if (revertFailure) failures.push(revertFailure);
    const result =
      ad.kind === 'retry' ? ad.history.map(([value]) => jsonSafe(value) ?? null) : jsonSafe(ad.results);
    const progress = typeof ad.meta.progress === 'number' ? ad.meta.progress : 0;
    const duration = durationMs(t.startedAt, t.finishedAt);
    atoms.push({
      name: ad.name,
      atom: ad.kind,
      state: ad.state,
      ...(result !== undefined ? { result } : {}),
      ...(ad.revertResults !== undefined ? { revertResult: jsonSafe(ad.revertResults) } : {}),
      ...(failure ? { failure } : {}),
      ...(revertFailure ? { revertFailure } : {}),
      progress,
      executions: t.executions,
      ...(t.startedAt !== undefined ? { startedAt: t.startedAt } : {}),
      ...(t.finishedAt !== undefined ? { finishedAt: t.finishedAt } : {}),
      ...(duration !== undefined ? { durationMs: duration } : {}),
    });
  }

  const injected = run.flowDetail.atoms.get(INJECTOR_NAME)?.results;
  const inputs =
    meta?.inputs ??
    (typeof injected === 'object' && injected !== null
      ? (jsonSafe(injected) as Record<string, unknown>)
      : {});
  const duration = durationMs(startedAt, finishedAt);
  return {
    ...toRunSummary(run, meta, interrupted),
    ...(meta?.file !== undefined ? { file: meta.file } : {}),
    ...(meta ? { document: meta.document } : {}),
    inputs,
    engineOptions: meta?.engineOptions ?? {},
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(finishedAt !== undefined ? { finishedAt } : {}),
    ...(duration !== undefined ? { durationMs: duration } : {}),
    atoms,
    ...(meta?.results ? { results: meta.results } : {}),
    failures,
    logs,
  };
}
