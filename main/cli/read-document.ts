/** Reading a flow document file, with every problem named by file, node and field. */
import { readFileSync } from 'node:fs';
import { formatProblem, readDocument, type FlowDocument, type Problem } from '../../app/document/index.js';
import { CliError } from './errors.js';

/** The text of a file; a {@link CliError} (exit 2) naming it when it cannot be read. */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : e instanceof Error
              ? e.message
              : String(e);
    throw new CliError(`${file}: cannot read the flow document: ${why}`);
  }
}

/** The problems of a file's document (none when it is valid), and the document when valid. */
export function loadDocument(file: string): { document?: FlowDocument; problems: readonly Problem[] } {
  return readDocument(readText(file), file);
}

function problemsError(file: string, problems: readonly Problem[]): CliError {
  const n = problems.length;
  return new CliError([
    ...problems.map((p) => formatProblem(p, file)),
    `${n} ${n === 1 ? 'problem' : 'problems'}; nothing was run`,
  ]);
}

/**
 * The JSON value of a document file, left to the run service to validate
 * (with the inputs given on the command line, which may provide what the
 * document alone lacks); a {@link CliError} (exit 2) when it is not JSON.
 */
export function readDocumentJson(file: string): unknown {
  const text = readText(file);
  try {
    // A byte order mark (some Windows editors write one) is not part of the JSON.
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as unknown;
  } catch {
    // The document reader says where and why, in the same words as for every other problem.
    throw problemsError(file, readDocument(text, file).problems);
  }
}
