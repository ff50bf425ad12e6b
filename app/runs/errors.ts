/**
 * The errors of the run service. Each is about what the caller asked for (a
 * user error): front ends show the message alone, never a stack trace.
 */

/** One problem of a run request; the same shape as a document problem. */
export interface RequestProblem {
  readonly node?: string;
  readonly path: string;
  readonly message: string;
}

/** Base of the run service's own errors. */
export class RunServiceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The document (or the inputs given with it) cannot run: every problem, each
 * naming its node and field. Nothing was written to the run store.
 */
export class InvalidDocumentError extends RunServiceError {
  constructor(
    readonly problems: readonly RequestProblem[],
    readonly file?: string,
  ) {
    super(
      `${file ?? 'the document'} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}: ` +
        problems.map((p) => `${p.node !== undefined ? `${p.node}.` : ''}${p.path}: ${p.message}`).join('; '),
    );
  }
}

/** The engine kind or its options cannot be used. Nothing was written to the run store. */
export class EngineUnavailableError extends RunServiceError {}

/** No run has this id. */
export class RunNotFoundError extends RunServiceError {
  constructor(readonly runId: string) {
    super(`No run with id '${runId}' in the run store`);
  }
}

/** The run is in a state that does not allow what was asked (resume a finished run, …). */
export class RunStateError extends RunServiceError {}

/** The run store file cannot be opened or used; the message names the file. */
export class RunStoreError extends RunServiceError {}

/** Settings that cannot be used (a retention limit out of range, …); every problem names its field. */
export class InvalidSettingsError extends RunServiceError {
  constructor(readonly problems: readonly RequestProblem[]) {
    super(
      `Invalid settings: ${problems.map((p) => (p.path !== '' ? `${p.path}: ${p.message}` : p.message)).join('; ')}`,
    );
  }
}
