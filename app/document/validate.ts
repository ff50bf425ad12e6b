/**
 * Reading and validating documents: every problem at once, each naming its
 * node and field.
 *
 * Order of the checks: how deep the document nests (alone: the others
 * recurse), then the schema (shape, kinds, configs, retry settings)
 * and unique names always; when the shape is right, the semantic checks
 * (rebinds, script and decider code, graph links and cycles, providers);
 * when those pass too, the engine's own compile/prepare/validate.
 */
import { compileBody } from '../catalog/run-code.js';
import { engineProblems } from './engine-check.js';
import { linkGraph } from './graph-links.js';
import { jsonSyntaxError } from './json-syntax.js';
import { buildModel } from './model.js';
import { duplicateNameProblems } from './names.js';
import { nestingProblems } from './nesting.js';
import type { Problem } from './problems.js';
import { providerProblems } from './providers.js';
import { schemaProblems } from './schema-problems.js';
import type { FlowDocument } from './schema.js';

/** Script bodies that do not compile. */
function codeProblems(doc: FlowDocument): Problem[] {
  const out: Problem[] = [];
  const visit = (node: FlowDocument['flow'] | FlowDocument['flow']['children'][number]): void => {
    if (node.type !== 'task') {
      node.children.forEach(visit);
      return;
    }
    if (node.kind !== 'script') return;
    const fields = [['code', node.config?.code] as const, ['revertCode', node.config?.revertCode] as const];
    for (const [field, code] of fields) {
      if (code === undefined) continue;
      try {
        compileBody(code, `${node.name}.config.${field}`);
      } catch (e) {
        out.push({
          node: node.name,
          path: `config.${field}`,
          message: `does not compile: ${(e as Error).message}`,
        });
      }
    }
  };
  visit(doc.flow);
  return out;
}

/** Every problem of a parsed JSON value as a flow document (an empty list: it is valid). */
export function validateDocument(value: unknown): Problem[] {
  // Every check below recurses: a document too deep for them (or containing itself) stops here.
  const tooDeep = nestingProblems(value);
  if (tooDeep.length > 0) return tooDeep;
  const problems = [...schemaProblems(value), ...duplicateNameProblems(value)];
  if (problems.length > 0) return problems;
  const doc = value as FlowDocument;
  problems.push(...codeProblems(doc));
  const model = buildModel(doc.flow, problems, linkGraph);
  // A field already at fault (an ambiguous provider, a bad rebind) is not reported again as unprovided.
  const seen = new Set(problems.map((p) => `${p.node ?? ''}\0${p.path}`));
  problems.push(
    ...providerProblems(model, doc.inputs ?? {}).filter((p) => !seen.has(`${p.node ?? ''}\0${p.path}`)),
  );
  if (problems.length > 0) return problems;
  return engineProblems(doc, model);
}

/**
 * Parses JSON text and validates it as a flow document: either the document
 * (exactly as written, no defaults filled in) with no problems, or every
 * problem. `_file` is not needed to find problems; pass the same name to
 * `formatProblem` to show them.
 */
export function readDocument(
  text: string,
  _file?: string,
): { document: FlowDocument; problems: [] } | { document?: undefined; problems: Problem[] } {
  let value: unknown;
  // A byte order mark (some Windows editors write one) is not part of the JSON.
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    value = JSON.parse(json) as unknown;
  } catch (e) {
    const at = jsonSyntaxError(json);
    const message = at ? `${at.message} (line ${at.line}, column ${at.column})` : (e as Error).message;
    return { problems: [{ path: '', message: `not valid JSON: ${message}` }] };
  }
  const problems = validateDocument(value);
  if (problems.length > 0) return { problems };
  return { document: value as FlowDocument, problems: [] };
}
