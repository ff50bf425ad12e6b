/**
 * Where each node of a document is: its canvas id, its group and its
 * position there. Names are the ids; a name used twice (an invalid document)
 * gets `name~2`, `name~3`… on the canvas so that it can still be drawn and
 * fixed.
 */
import { isGroup, type FlowDoc, type GroupDoc, type NodeDoc } from './document';

export interface Located {
  readonly id: string;
  readonly node: NodeDoc;
  /** The group holding it; undefined for the root flow. */
  readonly parent: GroupDoc | undefined;
  readonly parentId: string | undefined;
  /** Its position among the parent's children. */
  readonly index: number;
  /** 0 for the root flow. */
  readonly depth: number;
}

/** Every node, parents before their children (the order React Flow needs). */
export function indexDocument(doc: FlowDoc): Map<string, Located> {
  const out = new Map<string, Located>();
  const used = new Map<string, number>();
  const idFor = (name: string): string => {
    const n = (used.get(name) ?? 0) + 1;
    used.set(name, n);
    return n === 1 ? name : `${name}~${String(n)}`;
  };
  const visit = (
    node: NodeDoc,
    parent: GroupDoc | undefined,
    parentId: string | undefined,
    index: number,
    depth: number,
  ): void => {
    const id = idFor(node.name);
    out.set(id, { id, node, parent, parentId, index, depth });
    if (isGroup(node))
      node.children.forEach((c, i) => {
        visit(c, node, id, i, depth + 1);
      });
  };
  visit(doc.flow, undefined, undefined, 0, 0);
  return out;
}

/** The canvas ids of a group's children, in order. */
export function childIds(index: Map<string, Located>, groupId: string): string[] {
  const out: string[] = [];
  for (const loc of index.values()) if (loc.parentId === groupId) out.push(loc.id);
  return out.sort((a, b) => (index.get(a)?.index ?? 0) - (index.get(b)?.index ?? 0));
}

/** Whether `id` is `ancestorId` or lies inside it. */
export function isWithin(index: Map<string, Located>, id: string, ancestorId: string): boolean {
  let at: string | undefined = id;
  while (at !== undefined) {
    if (at === ancestorId) return true;
    at = index.get(at)?.parentId;
  }
  return false;
}

/** Every name a document uses: nodes and retry controllers (they share one namespace). */
export function namesIn(doc: FlowDoc): Set<string> {
  const out = new Set<string>();
  const visit = (node: NodeDoc): void => {
    out.add(node.name);
    if (isGroup(node)) {
      if (node.retry) out.add(node.retry.name ?? `${node.name}_retry`);
      node.children.forEach(visit);
    }
  };
  visit(doc.flow);
  return out;
}

/** `base`, or `base-2`, `base-3`… whichever is free in `taken` (which it then joins). */
export function uniqueName(base: string, taken: Set<string>): string {
  const stem = base.replace(/-\d+$/, '') || 'node';
  let name = base || stem;
  for (let n = 2; taken.has(name); n++) name = `${stem}-${String(n)}`;
  taken.add(name);
  return name;
}
