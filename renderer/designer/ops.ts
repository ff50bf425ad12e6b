/**
 * Every edit the designer makes to a document, as a function that changes a
 * draft (immer's `produce` makes each one an immutable update, so unchanged
 * nodes keep their identity and the canvas redraws only what changed).
 * Nodes are named by canvas id (see `tree.ts`).
 */
import {
  isGroup,
  type FlowDoc,
  type GroupDoc,
  type GroupType,
  type LinkDoc,
  type NodeDoc,
  type RetryDoc,
} from './document';
import { indexDocument, isWithin, namesIn, uniqueName, type Located } from './tree';

function locate(doc: FlowDoc, id: string): Located {
  const loc = indexDocument(doc).get(id);
  if (!loc) throw new Error(`No node ${JSON.stringify(id)} in this flow`);
  return loc;
}

function groupAt(doc: FlowDoc, id: string): GroupDoc {
  const { node } = locate(doc, id);
  if (!isGroup(node)) throw new Error(`${JSON.stringify(id)} is a task, not a group`);
  return node;
}

/** Forgets layout entries of names no node has any more. */
function pruneLayout(doc: FlowDoc): void {
  if (!doc.layout) return;
  const names = namesIn(doc);
  for (const key of Object.keys(doc.layout)) if (!names.has(key)) Reflect.deleteProperty(doc.layout, key);
  if (Object.keys(doc.layout).length === 0) delete doc.layout;
}

/** Puts `node` into group `parentId` at `index` (the end when undefined), at `position` if the group is a graph. */
export function insertNode(
  doc: FlowDoc,
  parentId: string,
  node: NodeDoc,
  index?: number,
  position?: { x: number; y: number },
): void {
  const group = groupAt(doc, parentId);
  const at =
    index === undefined ? group.children.length : Math.max(0, Math.min(index, group.children.length));
  group.children.splice(at, 0, node);
  if (position && group.type === 'graph') setPosition(doc, node.name, position);
}

/** Removes nodes (a group with everything in it), the links to them, and their layout. The root stays. */
export function removeNodes(doc: FlowDoc, ids: readonly string[]): void {
  const index = indexDocument(doc);
  // Deepest first, so that indexes of earlier removals stay right.
  const doomed = ids
    .map((id) => index.get(id))
    .filter((l): l is Located => l !== undefined && l.parent !== undefined)
    .sort((a, b) => b.depth - a.depth || b.index - a.index);
  for (const loc of doomed) {
    const parent = loc.parent as GroupDoc;
    const i = parent.children.indexOf(loc.node);
    if (i < 0) continue; // inside a group removed already
    parent.children.splice(i, 1);
    if (parent.links) {
      parent.links = parent.links.filter((l) => l.from !== loc.node.name && l.to !== loc.node.name);
      if (parent.links.length === 0) delete parent.links;
    }
  }
  pruneLayout(doc);
}

/**
 * Moves a node to group `parentId` at `index`: a reorder inside its group
 * or a move to another one (links to it in its old graph are dropped). A
 * group cannot move into itself.
 */
export function moveNode(
  doc: FlowDoc,
  id: string,
  parentId: string,
  index: number,
  position?: { x: number; y: number },
): void {
  const index_ = indexDocument(doc);
  const loc = index_.get(id);
  if (!loc?.parent) return;
  if (isWithin(index_, parentId, id)) throw new Error(`${loc.node.name} cannot move into itself`);
  const from = loc.parent;
  const to = groupAt(doc, parentId);
  const node = from.children[loc.index] as NodeDoc;
  from.children.splice(loc.index, 1);
  if (from !== to && from.links) {
    from.links = from.links.filter((l) => l.from !== node.name && l.to !== node.name);
    if (from.links.length === 0) delete from.links;
  }
  const at = Math.max(0, Math.min(index, to.children.length));
  to.children.splice(at, 0, node);
  if (to.type === 'graph' && position) setPosition(doc, node.name, position);
  else if (to.type !== 'graph' && doc.layout) Reflect.deleteProperty(doc.layout, node.name);
}

/** Renames a node, and the links and layout entry that name it. */
export function renameNode(doc: FlowDoc, id: string, name: string): void {
  const loc = locate(doc, id);
  const old = loc.node.name;
  if (old === name) return;
  loc.node.name = name;
  for (const l of loc.parent?.links ?? []) {
    if (l.from === old) l.from = name;
    if (l.to === old) l.to = name;
  }
  const entry = doc.layout?.[old];
  if (doc.layout && entry) {
    Reflect.deleteProperty(doc.layout, old);
    doc.layout[name] = entry;
  }
}

/**
 * Sets one field of a node (`undefined` removes it). `name` goes through
 * {@link renameNode}; `type` of a group through {@link setGroupType}.
 */
export function setField(doc: FlowDoc, id: string, field: string, value: unknown): void {
  if (field === 'name') {
    renameNode(doc, id, String(value));
    return;
  }
  const { node } = locate(doc, id);
  const target = node as unknown as Record<string, unknown>;
  if (value === undefined) Reflect.deleteProperty(target, field);
  else target[field] = value;
}

/** Sets one config field of a task (`undefined` removes it; an empty config goes away). */
export function setConfigField(doc: FlowDoc, id: string, field: string, value: unknown): void {
  const { node } = locate(doc, id);
  if (isGroup(node)) return;
  const config = { ...(node.config ?? {}) };
  if (value === undefined) Reflect.deleteProperty(config, field);
  else config[field] = value;
  if (Object.keys(config).length === 0) delete node.config;
  else node.config = config;
}

/** Changes a group's type; its links go when it stops being a graph, its members' positions too. */
export function setGroupType(doc: FlowDoc, id: string, type: GroupType): void {
  const group = groupAt(doc, id);
  if (group.type === type) return;
  group.type = type;
  if (type !== 'graph') {
    delete group.links;
    if (doc.layout) for (const c of group.children) Reflect.deleteProperty(doc.layout, c.name);
    if (doc.layout && Object.keys(doc.layout).length === 0) delete doc.layout;
  }
}

/** Sets or removes (undefined) a group's retry controller. */
export function setRetry(doc: FlowDoc, id: string, retry: RetryDoc | undefined): void {
  const group = groupAt(doc, id);
  if (retry === undefined) delete group.retry;
  else group.retry = retry;
}

/** Adds a link between two members of a graph group, unless it is there already. Returns whether it added one. */
export function addLink(doc: FlowDoc, groupId: string, from: string, to: string): boolean {
  const group = groupAt(doc, groupId);
  if (group.type !== 'graph' || from === to) return false;
  const links = (group.links ??= []);
  if (links.some((l) => l.from === from && l.to === to)) return false;
  links.push({ from, to });
  return true;
}

/** Removes the links `from → to` of a graph group. */
export function removeLink(doc: FlowDoc, groupId: string, from: string, to: string): void {
  const group = groupAt(doc, groupId);
  if (!group.links) return;
  group.links = group.links.filter((l) => !(l.from === from && l.to === to));
  if (group.links.length === 0) delete group.links;
}

/** Changes a link's decider or depth (undefined removes the field). */
export function updateLink(
  doc: FlowDoc,
  groupId: string,
  from: string,
  to: string,
  patch: Partial<LinkDoc>,
): void {
  const group = groupAt(doc, groupId);
  const link = group.links?.find((l) => l.from === from && l.to === to);
  if (!link) return;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) Reflect.deleteProperty(link, k);
    else (link as unknown as Record<string, unknown>)[k] = v;
  }
}

/** Where a member of a graph group sits, relative to its group. */
export function setPosition(doc: FlowDoc, name: string, position: { x: number; y: number }): void {
  const layout = (doc.layout ??= {});
  layout[name] = { ...layout[name], x: Math.round(position.x), y: Math.round(position.y) };
}

/** Forgets every stored position (auto-layout then places every member). */
export function clearPositions(doc: FlowDoc): void {
  delete doc.layout;
}

/**
 * Copies of `nodes` with names free in `doc` (`build` → `build-2`),
 * renaming inside groups too and keeping their links consistent.
 */
export function renamedCopies(doc: FlowDoc, nodes: readonly NodeDoc[]): NodeDoc[] {
  const taken = namesIn(doc);
  const copyOf = (node: NodeDoc): NodeDoc => {
    const copy = structuredClone(node);
    const renames = new Map<string, string>();
    const visit = (n: NodeDoc): void => {
      const name = uniqueName(n.name, taken);
      renames.set(n.name, name);
      n.name = name;
      if (isGroup(n)) {
        if (n.retry?.name !== undefined) n.retry.name = uniqueName(n.retry.name, taken);
        n.children.forEach(visit);
        for (const l of n.links ?? []) {
          l.from = renames.get(l.from) ?? l.from;
          l.to = renames.get(l.to) ?? l.to;
        }
      }
    };
    visit(copy);
    return copy;
  };
  return nodes.map(copyOf);
}
