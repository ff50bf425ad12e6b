/**
 * Document → engine patterns: a task node becomes its catalog task, a flow
 * node the matching pattern with its retry, children and links.
 */
import { GraphFlow, linear, unordered, type Flow, type FlowItem } from '../../engine/index.js';
import { createTask } from '../catalog/task.js';
import { createDecider } from './decider.js';
import { createRetry } from './retries.js';
import type { FlowDocument, FlowNodeDocument, LinkDocument, NodeDocument } from './schema.js';

/**
 * A graph flow that also remembers what the engine's does not keep: the
 * order its children were given in (`children()` is a topological order)
 * and its links as written (deciders as code, depth as spelled).
 */
export class DocumentGraph extends GraphFlow {
  /** The document's `links`, in order (`undefined` when the document had none). */
  linkDocuments: LinkDocument[] | undefined;

  /** Children in the order they were added. */
  get addedOrder(): readonly FlowItem[] {
    return [...this.nodes];
  }

  /** Links two children as a document's link says, and records the link. */
  addLink(doc: LinkDocument, label: string): this {
    const from = this.nodes.find((n) => n.name === doc.from);
    const to = this.nodes.find((n) => n.name === doc.to);
    if (!from || !to) throw new TypeError(`${label}: both ends must be children of graph '${this.name}'`);
    this.link(from, to, {
      ...(doc.decider === undefined
        ? {}
        : { decider: createDecider(doc.decider.code, `${label}.decider.code`) }),
      ...(doc.depth === undefined ? {} : { depth: doc.depth }),
    });
    (this.linkDocuments ??= []).push(doc);
    return this;
  }
}

function buildItem(node: NodeDocument): FlowItem {
  return node.type === 'task' ? createTask(node) : buildPattern(node);
}

function buildPattern(node: FlowNodeDocument): Flow {
  const retry = node.retry === undefined ? undefined : createRetry(node.retry);
  const children = node.children.map(buildItem);
  switch (node.type) {
    case 'linear':
      return linear(node.name, retry).add(...children);
    case 'unordered':
      return unordered(node.name, retry).add(...children);
    case 'graph': {
      const g = new DocumentGraph(node.name, retry).add(...children);
      if (node.links !== undefined) {
        g.linkDocuments = [];
        node.links.forEach((l, i) => g.addLink(l, `${node.name}.links[${i}]`));
      }
      return g;
    }
  }
}

/**
 * Builds the patterns of a document without validating it first (what
 * `buildFlow` does after validation, and what validation's last check runs).
 * Throws the engine's error when the document is not valid.
 */
export function buildUnchecked(doc: FlowDocument): Flow {
  return buildPattern(doc.flow);
}
