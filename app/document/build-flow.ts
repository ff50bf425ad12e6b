/** `buildFlow`: a valid document → engine patterns. */
import type { Flow } from '../../engine/index.js';
import { buildUnchecked } from './build.js';
import { formatProblem, type Problem } from './problems.js';
import type { FlowDocument } from './schema.js';
import { validateDocument } from './validate.js';

/** A document given to `buildFlow` has problems; they are all listed. */
export class InvalidDocument extends Error {
  override readonly name = 'InvalidDocument';
  constructor(readonly problems: readonly Problem[]) {
    super(
      `The flow document has ${problems.length} problem(s):\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    );
  }
}

/**
 * A valid document → the engine flow (patterns with catalog tasks). Throws
 * {@link InvalidDocument}, listing every problem, if it is not valid. Run
 * the result with the document's `inputs` as the store:
 * `run(buildFlow(doc), { store: doc.inputs })`.
 */
export function buildFlow(doc: FlowDocument): Flow {
  const problems = validateDocument(doc);
  if (problems.length > 0) throw new InvalidDocument(problems);
  return buildUnchecked(doc);
}
