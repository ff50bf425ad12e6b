/**
 * User errors of the CLI and how every error becomes a message and an exit
 * status: a user error prints its message alone (never a stack trace).
 */
import {
  EngineUnavailableError,
  InvalidDocumentError,
  InvalidSettingsError,
  RunNotFoundError,
  RunStateError,
  RunStoreError,
} from '../../app/runs/index.js';
import { formatProblem } from '../../app/document/index.js';
import { EXIT, type ExitCode } from './exit-codes.js';

/** An error of what the user typed or pointed at: its lines are printed as they are, then the CLI exits with `code`. */
export class CliError extends Error {
  readonly lines: readonly string[];

  constructor(
    lines: string | readonly string[],
    readonly code: ExitCode = EXIT.invalid,
  ) {
    const all = typeof lines === 'string' ? [lines] : lines;
    super(all.join('\n'));
    this.name = 'CliError';
    this.lines = all;
  }
}

/** The lines to print on stderr and the exit status of an error thrown by a command. */
export function describeError(error: unknown): { lines: string[]; code: ExitCode } {
  if (error instanceof CliError) return { lines: [...error.lines], code: error.code };
  if (error instanceof InvalidDocumentError) {
    const count = error.problems.length;
    return {
      lines: [
        ...error.problems.map((p) => formatProblem(p, error.file)),
        `${count} ${count === 1 ? 'problem' : 'problems'}; nothing was run`,
      ],
      code: EXIT.invalid,
    };
  }
  if (
    error instanceof EngineUnavailableError ||
    error instanceof RunStoreError ||
    error instanceof InvalidSettingsError
  ) {
    return { lines: [error.message], code: EXIT.invalid };
  }
  if (error instanceof RunNotFoundError || error instanceof RunStateError) {
    return { lines: [error.message], code: EXIT.failed };
  }
  // Not the user's doing: a bug, shown in full so it can be reported.
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { lines: [`internal error: ${text}`], code: EXIT.failed };
}
