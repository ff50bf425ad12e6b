/**
 * What each method answers with, and what an `events` batch holds, as the
 * plain JSON data a front end receives. Types only, with no imports, so a
 * front end can use them without pulling the engine's or Node's types into
 * its own type check; `test/contract/results-types.test.ts` checks that they
 * stay in step with the services that produce the data.
 */

/** A flow's state (the engine's). */
export type FlowStateData =
  'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILURE' | 'REVERTED' | 'SUSPENDING' | 'SUSPENDED' | 'RESUMING';

/** A run's state as shown: the flow's, or `CANCELLED`. */
export type RunStateData = FlowStateData | 'CANCELLED';

/** A task's or retry's state. */
export type AtomStateData =
  | 'PENDING'
  | 'RUNNING'
  | 'SUCCESS'
  | 'FAILURE'
  | 'REVERTING'
  | 'REVERTED'
  | 'REVERT_FAILURE'
  | 'IGNORE'
  | 'RETRYING';

/** One problem of a document: its node (when there is one), its field, a sentence. */
export interface ProblemData {
  readonly node?: string;
  readonly path: string;
  readonly message: string;
}

/** A failure: where it happened and what was raised. */
export interface FailureData {
  readonly atom: string;
  readonly phase: 'execute' | 'revert';
  readonly type: string;
  readonly message: string;
  /** Where it was raised, when known. */
  readonly stack?: string;
}

interface RunEventBaseData {
  readonly runId: string;
  /** ISO-8601; for a replayed event, when it was recorded. */
  readonly ts: string;
}

/** One run event, as an `events` batch carries it (`EventsMessage.events` items). */
export type RunEventData =
  | (RunEventBaseData & { readonly type: 'flow'; readonly state: FlowStateData })
  | (RunEventBaseData & {
      readonly type: 'atom';
      readonly name: string;
      readonly atom: 'task' | 'retry';
      readonly state: AtomStateData;
      readonly failure?: FailureData;
    })
  | (RunEventBaseData & { readonly type: 'progress'; readonly name: string; readonly progress: number })
  | (RunEventBaseData & {
      readonly type: 'log';
      readonly name: string;
      readonly stream: 'stdout' | 'stderr';
      readonly text: string;
    })
  | (RunEventBaseData & {
      /** Always the last event of a stream (ended, suspended or cancelled). */
      readonly type: 'end';
      readonly state: RunStateData;
      readonly results: Record<string, unknown>;
      readonly failures: readonly FailureData[];
    });

/** One saved document in a listing. */
export interface DocumentSummaryData {
  readonly name: string;
  readonly updatedAt: string;
  /** Its JSON text's size in UTF-8 bytes. */
  readonly bytes: number;
}

/** One run in the history. */
export interface RunSummaryData {
  readonly id: string;
  readonly flow: string;
  readonly state: RunStateData;
  /** Absent for a run whose engine was not recorded. */
  readonly engine?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** From creation to the last stop, for a run that has stopped (ended or suspended). */
  readonly durationMs?: number;
  /** Left running by a process that is gone (a crash): it can be resumed. */
  readonly interrupted?: boolean;
}

/** Options of an engine besides its kind. */
export interface EngineOptionsData {
  readonly maxWorkers?: number;
  /** A password in it is shown as `***`. */
  readonly url?: string;
  readonly exchange?: string;
  readonly topics?: readonly string[];
  readonly timeoutMs?: number;
}

/** One atom of a run in full. */
export interface AtomViewData {
  readonly name: string;
  readonly atom: 'task' | 'retry';
  readonly state: AtomStateData;
  readonly result?: unknown;
  readonly revertResult?: unknown;
  readonly failure?: FailureData;
  readonly revertFailure?: FailureData;
  readonly progress: number;
  readonly executions: number;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
}

/** A line of a run's output. */
export interface LogLineData {
  readonly name: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  readonly ts: string;
}

/** One run in full (`runs.detail`). */
export interface RunViewData extends RunSummaryData {
  readonly file?: string;
  /** The document as run (inputs merged). */
  readonly document?: unknown;
  readonly inputs: Record<string, unknown>;
  readonly engineOptions: EngineOptionsData;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  readonly atoms: readonly AtomViewData[];
  readonly results?: Record<string, unknown>;
  readonly failures: readonly FailureData[];
  readonly logs: readonly LogLineData[];
}

/** One task kind of the catalog (`catalog.kinds`). */
export interface KindDescription {
  readonly kind: string;
  /** One line for the palette. */
  readonly description: string;
  /** Its config's JSON Schema (draft 2020-12, input form: fields with defaults are optional). */
  readonly configSchema: Record<string, unknown>;
  /** Whether it runs arbitrary code or commands (`script`, `shell`): workers offer it only when allowed. */
  readonly runsCode: boolean;
}

/** A worker on the broker (`workers.list`). */
export interface WorkerData {
  readonly id: string;
  readonly topic: string;
  /** The task kinds it runs. */
  readonly kinds: readonly string[];
  /** Tasks it runs at once. */
  readonly concurrency: number;
  readonly heartbeatMs: number;
  readonly host: string;
  readonly pid: number;
  /** When it started, ms since the epoch. */
  readonly startedAt: number;
  /** When it was last heard from, ms since the epoch. */
  readonly lastSeen: number;
  /** Requests of the listing client it holds (0 for a listing). */
  readonly load: number;
  /** It is shutting down. */
  readonly draining: boolean;
}

/**
 * The history retention settings (`settings.retention.*`): keep the last
 * `keepLast` ended runs of each flow, and ended runs younger than
 * `maxAgeDays` days; each limit applies on its own, an absent one is not set.
 * Runs that have not ended are always kept.
 */
export interface RetentionSettingsData {
  readonly keepLast?: number;
  readonly maxAgeDays?: number;
}

/** What applying the retention settings did (`runs.prune`). */
export interface PruneReportData {
  /** Runs deleted. */
  readonly runs: number;
  /** How many bytes the store gave back to the disk. */
  readonly bytesFreed: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly durationMs: number;
}

/** Nothing to say but "done". */
export type Empty = Record<string, never>;

/** The `result` of a successful response, by method. */
export interface Results {
  'documents.list': { readonly documents: readonly DocumentSummaryData[] };
  /** The document exactly as saved. */
  'documents.get': DocumentSummaryData & { readonly document: unknown };
  'documents.save': { readonly name: string; readonly updatedAt: string };
  'documents.delete': Empty;
  'documents.validate': { readonly valid: boolean; readonly problems: readonly ProblemData[] };
  /** The session that started the run follows it: its events come as `events` batches after this reply. */
  'runs.start': { readonly runId: string };
  'runs.cancel': Empty;
  'runs.suspend': Empty;
  /** As `runs.start`: the session follows the resumed run. */
  'runs.resume': { readonly runId: string };
  'runs.list': { readonly runs: readonly RunSummaryData[]; readonly nextCursor?: string };
  'runs.detail': RunViewData;
  'runs.delete': Empty;
  'runs.prune': PruneReportData;
  'runs.subscribe': Empty;
  'runs.unsubscribe': Empty;
  'catalog.kinds': { readonly kinds: readonly KindDescription[] };
  'settings.retention.get': RetentionSettingsData;
  /** The settings as stored. */
  'settings.retention.set': RetentionSettingsData;
  'workers.list': { readonly workers: readonly WorkerData[] };
}
