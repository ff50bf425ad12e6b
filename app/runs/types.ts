/**
 * The requests and events of the run service, as plain JSON-safe data: what a
 * front end sends and receives (a later issue moves the typed host API that
 * carries them into `app/contract/`).
 */
import type { AtomState, EngineKind, FlowState } from '../../engine/index.js';

/**
 * A run's state as front ends show it: the engine's flow state, or
 * `CANCELLED` for a run that was cancelled before it ended (the engine
 * suspended it; the service marked it so it is never resumed).
 */
export type RunState = FlowState | 'CANCELLED';

/** The engine kinds a run can ask for. */
export type { EngineKind };

/** Options of an engine kind besides the kind itself. */
export interface EngineRunOptions {
  /** Parallel engine: how many tasks run at once. */
  readonly maxWorkers?: number;
  /**
   * Worker-based engine: the AMQP broker URL (default `$ATOMFLOW_AMQP_URL`).
   * A password in it is not kept in the run store: a resume asks for it again.
   */
  readonly url?: string;
  /** Worker-based engine: the exchange its workers listen on (default `atomflow`). */
  readonly exchange?: string;
  /** Worker-based engine: the worker topics to use (default `['default']`). */
  readonly topics?: readonly string[];
  /** Worker-based engine: how long a task may wait for a worker to start it, in ms (default 60 s). */
  readonly timeoutMs?: number;
}

/** Options of {@link RunService.start}. */
export interface StartOptions {
  /** Which engine runs the flow; default `serial`. */
  readonly engine?: EngineKind;
  /** Flow-level input values; they override the document's `inputs` of the same name. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly engineOptions?: EngineRunOptions;
  /** The file the document was read from, kept with the run and named in messages. */
  readonly file?: string;
}

/** A failure as data: where it happened and what was raised. */
export interface FailureInfo {
  /** The atom that failed. */
  readonly atom: string;
  /** Whether its execute or its revert failed. */
  readonly phase: 'execute' | 'revert';
  /** The class name of what was raised (`Error`, `TypeError`, …). */
  readonly type: string;
  readonly message: string;
  /** Where it was raised, when known (the task's stack trace). */
  readonly stack?: string;
}

interface RunEventBase {
  readonly runId: string;
  /** ISO-8601 time the event happened (for a replayed event: when it was recorded). */
  readonly ts: string;
}

/** The flow moved to a new state. */
export interface RunFlowEvent extends RunEventBase {
  readonly type: 'flow';
  readonly state: FlowState;
}

/** A task or retry moved to a new state. */
export interface RunAtomEvent extends RunEventBase {
  readonly type: 'atom';
  readonly name: string;
  readonly atom: 'task' | 'retry';
  readonly state: AtomState;
  /** For FAILURE and REVERT_FAILURE: what was raised. */
  readonly failure?: FailureInfo;
}

/** A task reported progress, a fraction from 0 to 1. */
export interface RunProgressEvent extends RunEventBase {
  readonly type: 'progress';
  readonly name: string;
  readonly progress: number;
}

/** A task reported a line of output. */
export interface RunLogEvent extends RunEventBase {
  readonly type: 'log';
  readonly name: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** The run stopped (ended, was suspended or cancelled): always the last event of a stream. */
export interface RunEndEvent extends RunEventBase {
  readonly type: 'end';
  readonly state: RunState;
  /** Every name the run provided (inputs included), with its value. */
  readonly results: Record<string, unknown>;
  /** The failures that made the run end REVERTED or FAILURE. */
  readonly failures: readonly FailureInfo[];
}

/** What {@link RunService.subscribe} and {@link RunService.events} deliver. */
export type RunEvent = RunFlowEvent | RunAtomEvent | RunProgressEvent | RunLogEvent | RunEndEvent;

/** Filters and page of {@link RunService.listRuns}. */
export interface RunFilters {
  /** Runs of flows with exactly this name. */
  readonly flow?: string;
  /** A state, or `INTERRUPTED` for runs left running by a process that is gone. */
  readonly state?: RunState | 'INTERRUPTED';
  readonly engine?: string;
  /** Runs created at or after this time (ISO-8601 or epoch milliseconds). */
  readonly from?: string | number;
  /** Runs created before this time. */
  readonly to?: string | number;
  /** Page size, 1 to 1000; default 50. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** One run in the history. */
export interface RunSummary {
  readonly id: string;
  /** The flow's name. */
  readonly flow: string;
  readonly state: RunState;
  readonly engine: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** From creation to the last stop, for a run that has stopped (ended or suspended). */
  readonly durationMs?: number;
  /**
   * The run is left RUNNING (or PENDING, RESUMING, SUSPENDING) by a process
   * that is gone: it crashed or was killed. Resume it to finish it.
   */
  readonly interrupted?: boolean;
}

/**
 * A page of runs, newest first. A page may hold fewer runs than the limit
 * (runs filtered by CANCELLED or SUSPENDED are told apart after the query);
 * `nextCursor` is absent on the last page.
 */
export interface RunList {
  readonly runs: RunSummary[];
  readonly nextCursor?: string;
}

/** One atom of a run, as {@link RunService.getRun} reports it. */
export interface AtomView {
  readonly name: string;
  readonly atom: 'task' | 'retry';
  readonly state: AtomState;
  /** Task: the last execute result. Retry: the value of each attempt. */
  readonly result?: unknown;
  readonly revertResult?: unknown;
  readonly failure?: FailureInfo;
  readonly revertFailure?: FailureInfo;
  /** Last reported progress, 0 to 1. */
  readonly progress: number;
  /** How many times it started executing (retries make it more than one). */
  readonly executions: number;
  /** When it first started, from the event log. */
  readonly startedAt?: string;
  /** When it last reached SUCCESS, FAILURE, REVERTED, REVERT_FAILURE or IGNORE. */
  readonly finishedAt?: string;
  readonly durationMs?: number;
}

/** A line of output of a run. */
export interface LogLine {
  readonly name: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  readonly ts: string;
}

/** One run in full: {@link RunService.getRun}. */
export interface RunView extends RunSummary {
  /** The file the document was read from, when known. */
  readonly file?: string;
  /** The document the run was started from (as run: inputs merged). */
  readonly document?: unknown;
  readonly inputs: Record<string, unknown>;
  readonly engineOptions: EngineRunOptions;
  /** First RUNNING of the flow, from the event log. */
  readonly startedAt?: string;
  /** Last time the flow stopped (ended or suspended), from the event log. */
  readonly finishedAt?: string;
  readonly durationMs?: number;
  /** Atoms in the order they were created (the flow's order). */
  readonly atoms: AtomView[];
  /** Every provided name with its value, as of the run's last stop (absent for a run that never stopped). */
  readonly results?: Record<string, unknown>;
  readonly failures: FailureInfo[];
  readonly logs: LogLine[];
}
