/** `atomflow validate FILE`: prints every problem of a flow document. */
import { formatProblem } from '../../../app/document/index.js';
import { checkRunRequest, InvalidDocumentError, type RequestProblem } from '../../../app/runs/index.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { loadDocument } from '../read-document.js';

/** Options of `atomflow validate`. */
export interface ValidateCommandOptions {
  readonly json?: boolean;
}

export function validateCommand(file: string, options: ValidateCommandOptions): ExitCode {
  const result = loadDocument(file);
  let problems: readonly RequestProblem[] = result.problems;
  if (result.document) {
    // What only a dry run finds (an input nothing provides, …), without running anything.
    try {
      checkRunRequest(result.document, { file });
    } catch (e) {
      if (!(e instanceof InvalidDocumentError)) throw e;
      problems = e.problems;
    }
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ file, valid: problems.length === 0, problems })}\n`);
  } else if (problems.length === 0) {
    process.stdout.write(`${file}: valid\n`);
  } else {
    for (const p of problems) process.stdout.write(`${formatProblem(p, file)}\n`);
    process.stdout.write(`${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}\n`);
  }
  return problems.length === 0 ? EXIT.ok : EXIT.invalid;
}
