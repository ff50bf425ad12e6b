/**
 * Engine patterns → document: the inverse of `buildFlow`. Tasks give back
 * the node they were made from; flows are read from the patterns (name,
 * kind, children, links), with what the engine does not keep (retry
 * settings, graph order, links as written) taken from what the builder
 * recorded.
 */
import {
  AlwaysRevert,
  AlwaysRevertAll,
  Flow,
  GraphFlow,
  Times,
  type FlowItem,
  type Retry,
} from '../../engine/index.js';
import { CatalogTask } from '../catalog/task.js';
import { DocumentGraph } from './build.js';
import { deciderCodeOf } from './decider.js';
import { retryDocumentOf } from './retries.js';
import {
  FORMAT,
  type FlowDocument,
  type FlowNodeDocument,
  type LinkDocument,
  type NodeDocument,
  type RetryDocument,
} from './schema.js';

function retryDocument(retry: Retry, flow: Flow): RetryDocument {
  const recorded = retryDocumentOf(retry);
  if (recorded) return structuredClone(recorded);
  // Retries written in code: the ones whose settings are readable.
  const named = retry.name === `${flow.name}_retry` ? {} : { name: retry.name };
  if (retry instanceof Times) return { type: 'times', ...named, attempts: retry.attempts };
  if (retry instanceof AlwaysRevert) return { type: 'always-revert', ...named };
  if (retry instanceof AlwaysRevertAll) return { type: 'always-revert-all', ...named };
  throw new TypeError(`The retry '${retry.name}' of flow '${flow.name}' was not made from a document`);
}

/** Manual links of a graph not built from a document (deciders only when made from code). */
function linksOf(graph: GraphFlow): LinkDocument[] {
  const out: LinkDocument[] = [];
  for (const [from, to, meta] of graph.links()) {
    if (!meta.manual) continue;
    const link: LinkDocument = { from: from.name, to: to.name };
    if (meta.decider) {
      const code = deciderCodeOf(meta.decider);
      if (code === undefined) {
        throw new TypeError(
          `The decider on link '${from.name}' -> '${to.name}' was not made from a document`,
        );
      }
      link.decider = { code };
      if (meta.deciderDepth !== undefined)
        link.depth = meta.deciderDepth.toLowerCase() as LinkDocument['depth'];
    }
    out.push(link);
  }
  return out;
}

function nodeDocument(item: FlowItem): NodeDocument {
  if (item instanceof CatalogTask) return structuredClone(item.node);
  if (item instanceof Flow) return flowDocument(item);
  throw new TypeError(
    `The task '${item.name}' was not made from a document (only catalog tasks can be saved)`,
  );
}

function flowDocument(flow: Flow): FlowNodeDocument {
  const retry = flow.retry === undefined ? {} : { retry: retryDocument(flow.retry, flow) };
  if (flow.kind === 'graph') {
    const isDoc = flow instanceof DocumentGraph;
    const children = (isDoc ? flow.addedOrder : flow.children()).map(nodeDocument);
    const links = isDoc
      ? flow.linkDocuments?.map((l) => structuredClone(l))
      : flow instanceof GraphFlow
        ? linksOf(flow)
        : [];
    return { type: 'graph', name: flow.name, ...retry, children, ...(links === undefined ? {} : { links }) };
  }
  return { type: flow.kind, name: flow.name, ...retry, children: flow.children().map(nodeDocument) };
}

/**
 * Engine patterns built by `buildFlow` → the document again (every field
 * kept): `toDocument(buildFlow(doc), doc)` deep-equals `doc`. Patterns
 * written in code convert too, as long as their tasks are catalog tasks.
 */
export function toDocument(flow: Flow, rest: Pick<FlowDocument, 'name' | 'inputs' | 'layout'>): FlowDocument {
  return {
    format: FORMAT,
    name: rest.name,
    ...(rest.inputs === undefined ? {} : { inputs: structuredClone(rest.inputs) }),
    flow: flowDocument(flow),
    ...(rest.layout === undefined ? {} : { layout: structuredClone(rest.layout) }),
  };
}
