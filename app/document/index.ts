/**
 * Flow documents (format `atomflow.flow/1`): reading and validating them
 * (every problem at once, each naming its node and field), building engine
 * patterns from them, and giving a document back from those patterns.
 *
 * @example
 * const { document, problems } = readDocument(text, 'deploy.flow.json');
 * if (!document) for (const p of problems) console.error(formatProblem(p, 'deploy.flow.json'));
 * else await run(buildFlow(document), { store: document.inputs });
 *
 * @packageDocumentation
 */
export {
  FORMAT,
  documentSchema,
  nodeSchema,
  taskNodeSchema,
  retrySchema,
  linkSchema,
  type FlowDocument,
  type NodeDocument,
  type TaskNodeDocument,
  type FlowNodeDocument,
  type LinearNodeDocument,
  type UnorderedNodeDocument,
  type GraphNodeDocument,
  type RetryDocument,
  type LinkDocument,
} from './schema.js';
export { type Problem, formatProblem } from './problems.js';
export { readDocument, validateDocument } from './validate.js';
export { DocumentGraph } from './build.js';
export { buildFlow, InvalidDocument } from './build-flow.js';
export { toDocument } from './to-document.js';
export { documentJsonSchema, JSON_SCHEMA_FILE } from './json-schema.js';
