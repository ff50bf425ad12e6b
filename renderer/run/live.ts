/**
 * A run as the renderer follows it, folded from the host's run events: each
 * atom's state, progress and timings, the execute and revert segments the
 * timeline draws, the output per task, and the end. Plain TypeScript with no
 * React, so the reducer can be tested alone and kept fast: one batch of
 * events makes one new {@link LiveRun}, whose unchanged atoms are the same
 * objects as before (so only changed canvas nodes redraw).
 */
import type {
  AtomStateData,
  FailureData,
  LogLineData,
  RunEventData,
  RunStateData,
} from '../../app/contract/results';

/** One execute or revert of an atom, for the timeline. */
export interface Segment {
  readonly phase: 'execute' | 'revert';
  /** ms since the epoch. */
  readonly start: number;
  /** Absent while it is still going on. */
  readonly end?: number;
  /** How it ended: SUCCESS, FAILURE, IGNORE, REVERTED, REVERT_FAILURE, or INTERRUPTED (the host stopped). */
  readonly outcome?: AtomStateData | 'INTERRUPTED';
}

/** One task or retry controller of a run. */
export interface AtomLive {
  readonly name: string;
  readonly atom: 'task' | 'retry';
  readonly state: AtomStateData;
  /** Last reported progress, 0 to 1. */
  readonly progress: number;
  /** How many times it started executing. */
  readonly executions: number;
  /** When its current (or last) execute or revert started, ms since the epoch. */
  readonly startedAt?: number;
  /** When that execute or revert ended. */
  readonly finishedAt?: number;
  readonly failure?: FailureData;
  readonly revertFailure?: FailureData;
  /**
   * The part of the run (0 = the first start, 1 = the first resume…) in which
   * it last changed state. An atom whose `session` is lower than the run's
   * was finished before a resume and was not run again.
   */
  readonly session: number;
}

/** Atom states a run's counts are kept for. */
export type Counts = Readonly<Partial<Record<AtomStateData, number>>>;

/** One run as the renderer follows it. */
export interface LiveRun {
  readonly runId: string;
  /** STARTING until the host's first event arrives. */
  readonly state: RunStateData | 'STARTING';
  /** The event stream ended (the run ended, was suspended or cancelled, or is not running anywhere). */
  readonly ended: boolean;
  readonly atoms: Readonly<Record<string, AtomLive>>;
  /** Each atom's executes and reverts, in order. */
  readonly segments: Readonly<Record<string, readonly Segment[]>>;
  /** Output lines by task. */
  readonly logs: Readonly<Record<string, readonly LogLineData[]>>;
  readonly logLines: number;
  /** How many atoms are in each state. */
  readonly counts: Counts;
  /** First RUNNING of the flow, ms since the epoch. */
  readonly startedAt?: number;
  /** When the stream last ended. */
  readonly endedAt?: number;
  /** Starts of each part of the run: the first start, then each resume (ms since the epoch). */
  readonly sessions: readonly number[];
  /** What the run provided, from the `end` event. */
  readonly results?: Record<string, unknown>;
  readonly failures: readonly FailureData[];
  /** The time of the latest event. */
  readonly lastEventAt?: number;
  readonly events: number;
}

/** Output kept per task; older lines are dropped (the history keeps them all). */
export const MAX_LOG_LINES_PER_TASK = 2_000;

/** A run of which nothing is known yet. */
export function startingRun(runId: string): LiveRun {
  return {
    runId,
    state: 'STARTING',
    ended: false,
    atoms: {},
    segments: {},
    logs: {},
    logLines: 0,
    counts: {},
    sessions: [],
    failures: [],
    events: 0,
  };
}

const EXECUTE_END: ReadonlySet<string> = new Set(['SUCCESS', 'FAILURE', 'IGNORE']);
const REVERT_END: ReadonlySet<string> = new Set(['REVERTED', 'REVERT_FAILURE']);

function time(ts: string, fallback: number): number {
  const t = Date.parse(ts);
  return Number.isFinite(t) ? t : fallback;
}

/**
 * Folds a batch of events into `run`, returning a new run (or `run` itself
 * for an empty batch). Events of another run are ignored.
 */
export function applyEvents(run: LiveRun, events: readonly RunEventData[]): LiveRun {
  if (events.length === 0) return run;
  let atoms: Record<string, AtomLive> | undefined;
  let segments: Record<string, readonly Segment[]> | undefined;
  let logs: Record<string, readonly LogLineData[]> | undefined;
  let counts: Partial<Record<AtomStateData, number>> | undefined;
  let sessions: number[] | undefined;
  let { state, ended, startedAt, endedAt, results, failures, lastEventAt, logLines } = run;
  let seen = 0;
  const copiedLogs = new Map<string, LogLineData[]>();

  const atomsW = (): Record<string, AtomLive> => (atoms ??= { ...run.atoms });
  const segmentsW = (): Record<string, readonly Segment[]> => (segments ??= { ...run.segments });
  const countsW = (): Partial<Record<AtomStateData, number>> => (counts ??= { ...run.counts });
  const sessionsW = (): number[] => (sessions ??= [...run.sessions]);
  const session = (): number => Math.max(0, (sessions ?? run.sessions).length - 1);

  const setSegments = (name: string, change: (list: Segment[]) => void): void => {
    const list = [...(segmentsW()[name] ?? [])];
    change(list);
    segmentsW()[name] = list;
  };
  /** Closes the open segment of `phase`, if there is one. */
  const close = (name: string, phase: Segment['phase'], at: number, outcome: Segment['outcome']): void => {
    const current = (segments ?? run.segments)[name];
    const last = current?.[current.length - 1];
    if (!last || last.phase !== phase || last.end !== undefined) return;
    setSegments(name, (list) => {
      list[list.length - 1] = { ...last, end: Math.max(last.start, at), ...(outcome ? { outcome } : {}) };
    });
  };

  for (const e of events) {
    if (e.runId !== run.runId) continue;
    seen += 1;
    const at = time(e.ts, lastEventAt ?? 0);
    switch (e.type) {
      case 'flow': {
        if (e.state === 'RUNNING') {
          startedAt ??= at;
          const parts = sessionsW();
          if (parts.length > 0) {
            // A resume: what was still going on when the run stopped was cut short there. The
            // stream's end says when that was: a resume after a crash says RESUMING and SUSPENDED
            // first, so the latest event is the resume, not the stop.
            const stoppedAt = endedAt ?? lastEventAt ?? at;
            for (const [name, list] of Object.entries(segments ?? run.segments)) {
              const last = list[list.length - 1];
              if (last && last.end === undefined) close(name, last.phase, stoppedAt, 'INTERRUPTED');
            }
          }
          parts.push(at);
          ended = false;
          endedAt = undefined;
        }
        state = e.state;
        break;
      }
      case 'atom': {
        const before = (atoms ?? run.atoms)[e.name];
        const next: AtomLive = {
          name: e.name,
          atom: e.atom,
          state: e.state,
          progress: before?.progress ?? 0,
          executions: before?.executions ?? 0,
          ...(before?.startedAt !== undefined ? { startedAt: before.startedAt } : {}),
          ...(before?.finishedAt !== undefined ? { finishedAt: before.finishedAt } : {}),
          ...(before?.failure ? { failure: before.failure } : {}),
          ...(before?.revertFailure ? { revertFailure: before.revertFailure } : {}),
          session: session(),
        };
        let updated: AtomLive = next;
        if (e.state === 'RUNNING') {
          close(e.name, 'execute', at, 'INTERRUPTED');
          setSegments(e.name, (list) => list.push({ phase: 'execute', start: at }));
          const { finishedAt: _f, failure: _x, revertFailure: _r, ...rest } = next;
          updated = { ...rest, executions: next.executions + 1, startedAt: at, progress: 0 };
        } else if (e.state === 'REVERTING') {
          setSegments(e.name, (list) => list.push({ phase: 'revert', start: at }));
          const { finishedAt: _f, ...rest } = next;
          updated = { ...rest, startedAt: at };
        } else if (EXECUTE_END.has(e.state)) {
          if (before?.state === 'RUNNING' && before.session < session()) {
            // Running when the host stopped: a resume runs it again from its start, without a new RUNNING event.
            const from = (sessions ?? run.sessions)[session()] ?? at;
            setSegments(e.name, (list) => list.push({ phase: 'execute', start: Math.min(from, at) }));
          }
          close(e.name, 'execute', at, e.state);
          updated = {
            ...updated,
            finishedAt: at,
            ...(e.state === 'SUCCESS' ? { progress: 1 } : {}),
            ...(e.failure ? { failure: e.failure } : {}),
          };
        } else if (REVERT_END.has(e.state)) {
          if (before?.state === 'REVERTING' && before.session < session()) {
            // Reverting when the host stopped: likewise reverted again after the resume, without a new REVERTING event.
            const from = (sessions ?? run.sessions)[session()] ?? at;
            setSegments(e.name, (list) => list.push({ phase: 'revert', start: Math.min(from, at) }));
          }
          close(e.name, 'revert', at, e.state);
          updated = { ...next, finishedAt: at, ...(e.failure ? { revertFailure: e.failure } : {}) };
        } else if (e.state === 'PENDING') {
          // Reset for another attempt (a retry): what it did before is history now.
          const { failure: _x, revertFailure: _r, finishedAt: _f, ...rest } = next;
          updated = { ...rest, progress: 0 };
        }
        atomsW()[e.name] = updated;
        const c = countsW();
        if (before) c[before.state] = (c[before.state] ?? 1) - 1;
        c[e.state] = (c[e.state] ?? 0) + 1;
        break;
      }
      case 'progress': {
        const before = (atoms ?? run.atoms)[e.name];
        if (before) atomsW()[e.name] = { ...before, progress: Math.min(1, Math.max(0, e.progress)) };
        break;
      }
      case 'log': {
        logs ??= { ...run.logs };
        // Each task's lines are copied once per batch, then appended to.
        let lines = copiedLogs.get(e.name);
        if (!lines) {
          lines = [...(logs[e.name] ?? [])];
          copiedLogs.set(e.name, lines);
          logs[e.name] = lines;
        }
        lines.push({ name: e.name, stream: e.stream, text: e.text, ts: e.ts });
        if (lines.length > MAX_LOG_LINES_PER_TASK) lines.splice(0, lines.length - MAX_LOG_LINES_PER_TASK);
        logLines += 1;
        break;
      }
      case 'end': {
        state = e.state;
        ended = true;
        endedAt = at;
        results = e.results;
        failures = e.failures;
        break;
      }
    }
    lastEventAt = at;
  }
  if (seen === 0) return run;
  return {
    runId: run.runId,
    state,
    ended,
    atoms: atoms ?? run.atoms,
    segments: segments ?? run.segments,
    logs: logs ?? run.logs,
    logLines,
    counts: counts ?? run.counts,
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(endedAt !== undefined ? { endedAt } : {}),
    sessions: sessions ?? run.sessions,
    ...(results !== undefined ? { results } : {}),
    failures,
    ...(lastEventAt !== undefined ? { lastEventAt } : {}),
    events: run.events + seen,
  };
}

/** Whether an atom was finished before the latest resume and kept (not run again). */
export function keptFromEarlier(run: LiveRun, atom: AtomLive): boolean {
  return run.sessions.length > 1 && atom.session < run.sessions.length - 1 && atom.state === 'SUCCESS';
}
