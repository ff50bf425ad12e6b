/**
 * What the person does to the flow, in the words of the tools that do it:
 * drop a kind from the palette, drop a dragged node, connect, delete, copy,
 * paste, duplicate, lay out. Each is one undo step.
 */
import type { Connection } from '@xyflow/react';
import { isGroup, type FlowDoc, type GroupType, type NodeDoc, type TaskDoc } from '../designer/document';
import { dropIn, groupAt } from '../designer/drop';
import { TASK_HEIGHT, TASK_WIDTH } from '../designer/layout';
import * as ops from '../designer/ops';
import { namesIn, uniqueName, type Located } from '../designer/tree';
import { starterConfig } from '../designer/starter-config';
import { edit, notify, redraw, select, useDesigner } from './designer';
import { useHostStore } from './host';

/** What a palette item drops: a task of a kind, or an empty group. */
export type PaletteItem = { readonly kind: string } | { readonly group: GroupType };

/** The palette's drag-and-drop payload type. */
export const PALETTE_MIME = 'application/x-atomflow-palette';

let clipboard: NodeDoc[] = [];

/** A new node for `item`, named after its kind (`script`, `script-2`…). */
function newNode(item: PaletteItem): NodeDoc {
  const taken = namesIn(useDesigner.getState().doc);
  if ('kind' in item) {
    const kind = item.kind;
    const config = starterConfig(useHostStore.getState().kinds?.find((k) => k.kind === kind)?.configSchema);
    const task: TaskDoc = { type: 'task', name: uniqueName(kind, taken), kind };
    if (config) task.config = config;
    return task;
  }
  return { type: item.group, name: uniqueName(item.group, taken), children: [] };
}

/** Keeps a graph group's placed members where they are once one member gets a stored position. */
function pinMembers(draft: FlowDoc, groupId: string): void {
  const s = useDesigner.getState();
  const off = s.offsets.get(groupId) ?? { dx: 0, dy: 0 };
  for (const loc of s.index.values()) {
    if (loc.parentId !== groupId) continue;
    if (draft.layout?.[loc.node.name]) continue;
    const b = s.boxes.get(loc.id);
    if (b) ops.setPosition(draft, loc.node.name, { x: b.x - off.dx, y: b.y - off.dy });
  }
}

/** Drops a palette item with its top-left at `point` (canvas coordinates). Returns the new node's id. */
export function dropItem(item: PaletteItem, point: { x: number; y: number }): string | undefined {
  const s = useDesigner.getState();
  const node = newNode(item);
  const size = { width: TASK_WIDTH, height: TASK_HEIGHT };
  const topLeft = { x: point.x - size.width / 2, y: point.y - size.height / 2 };
  const groupId = groupAt(s.index, s.absolute, point);
  const drop = dropIn(s.index, s.absolute, s.offsets, groupId, topLeft, size);
  const done = edit((d) => {
    if (drop.position) pinMembers(d, groupId);
    ops.insertNode(d, groupId, node, drop.index, drop.position);
  });
  if (!done) return undefined;
  select([node.name]);
  return node.name;
}

/** Adds a palette item at the end of the selected group (or the selected node's group, or the root). */
export function addItem(item: PaletteItem): string | undefined {
  const s = useDesigner.getState();
  const selected = s.selection.length === 1 ? s.index.get(s.selection[0] as string) : undefined;
  const groupId =
    selected === undefined
      ? (s.index.keys().next().value as string)
      : isGroup(selected.node)
        ? selected.id
        : (selected.parentId ?? selected.id);
  const node = newNode(item);
  const done = edit((d) => {
    const group = useDesigner.getState().index.get(groupId)?.node;
    if (group && isGroup(group) && group.type === 'graph' && group.children.length > 0)
      pinMembers(d, groupId);
    ops.insertNode(d, groupId, node);
  });
  if (!done) return undefined;
  select([node.name]);
  return node.name;
}

/**
 * Commits a drag: the node lands in the group under the pointer, at its
 * place there; dragged graph members keep where they were put.
 */
export function dropDragged(
  id: string,
  pointer: { x: number; y: number },
  topLeft: { x: number; y: number },
  others: readonly { id: string; topLeft: { x: number; y: number } }[] = [],
): void {
  const s = useDesigner.getState();
  const loc = s.index.get(id);
  if (!loc?.parentId) {
    redraw({ dropTarget: undefined });
    return;
  }
  const box = s.boxes.get(id) ?? { width: TASK_WIDTH, height: TASK_HEIGHT };
  const groupId = groupAt(s.index, s.absolute, pointer, [id, ...others.map((o) => o.id)]);
  const drop = dropIn(s.index, s.absolute, s.offsets, groupId, topLeft, box, id);
  const sameGroup = groupId === loc.parentId;
  // The highlight goes with the drop; the redraw below (or the edit's own) draws it away.
  useDesigner.setState({ dropTarget: undefined });
  const changed = edit((d) => {
    if (drop.position) {
      pinMembers(d, groupId);
      if (sameGroup) {
        ops.setPosition(d, loc.node.name, drop.position);
        for (const o of others) {
          const other = s.index.get(o.id);
          if (other?.parentId !== groupId) continue;
          const p = dropIn(s.index, s.absolute, s.offsets, groupId, o.topLeft, box, o.id).position;
          if (p) ops.setPosition(d, other.node.name, p);
        }
        return;
      }
    }
    if (sameGroup && drop.index === loc.index) return;
    ops.moveNode(d, id, groupId, drop.index, drop.position);
  });
  // A drop that changes nothing still puts the node back in its place (an edit redraws by itself).
  if (!changed) redraw();
}

/** Whether React Flow may connect these two: members of one graph group. */
export function canConnect(c: Pick<Connection, 'source' | 'target'>): boolean {
  const s = useDesigner.getState();
  const a = s.index.get(c.source);
  const b = s.index.get(c.target);
  if (!a || !b || a.id === b.id || a.parentId === undefined || a.parentId !== b.parentId) return false;
  const group = s.index.get(a.parentId)?.node;
  return group !== undefined && isGroup(group) && group.type === 'graph';
}

/** Draws a link between two members of a graph group. */
export function connect(c: Pick<Connection, 'source' | 'target'>): void {
  const s = useDesigner.getState();
  if (!canConnect(c)) {
    notify(
      'info',
      'Links join two members of the same graph group; linear and unordered groups set their order themselves.',
    );
    return;
  }
  const a = s.index.get(c.source) as Located;
  const b = s.index.get(c.target) as Located;
  const groupId = a.parentId as string;
  const added = edit((d) => {
    ops.addLink(d, groupId, a.node.name, b.node.name);
  });
  if (added) select([], [`link:${groupId}:${a.id}->${b.id}`]);
}

/** Deletes the selected nodes and links. */
export function deleteSelection(): void {
  const s = useDesigner.getState();
  const links = s.edges.filter((e) => s.selectedEdges.includes(e.id) && e.type === 'link');
  const nodes = s.selection.filter((id) => s.index.get(id)?.parentId !== undefined);
  if (nodes.length === 0 && links.length === 0) return;
  edit((d) => {
    for (const e of links) {
      const data = e.data as { groupId: string; link: { from: string; to: string } };
      ops.removeLink(d, data.groupId, data.link.from, data.link.to);
    }
    ops.removeNodes(d, nodes);
  });
  select([]);
}

/** The selected nodes, outermost only (a group brings its members). */
function selectedNodes(): NodeDoc[] {
  const s = useDesigner.getState();
  const ids = s.selection.filter((id) => s.index.get(id)?.parentId !== undefined);
  const outer = ids.filter((id) => {
    let at = s.index.get(id)?.parentId;
    while (at !== undefined) {
      if (ids.includes(at)) return false;
      at = s.index.get(at)?.parentId;
    }
    return true;
  });
  return outer.map((id) => (s.index.get(id) as Located).node);
}

export function copySelection(): number {
  clipboard = selectedNodes().map((n) => structuredClone(n));
  return clipboard.length;
}

export function cutSelection(): void {
  if (copySelection() > 0) deleteSelection();
}

/** Pastes copies (renamed where names are taken) into the selected group, or next to the selected node. */
export function paste(): void {
  if (clipboard.length === 0) return;
  const s = useDesigner.getState();
  const target = s.selection.length === 1 ? s.index.get(s.selection[0] as string) : undefined;
  let groupId = s.index.keys().next().value as string;
  let at: number | undefined;
  if (target) {
    if (isGroup(target.node)) groupId = target.id;
    else if (target.parentId !== undefined) {
      groupId = target.parentId;
      at = target.index + 1;
    }
  }
  insertCopies(groupId, clipboard, at);
}

/** Duplicates the selection next to itself. */
export function duplicateSelection(): void {
  const s = useDesigner.getState();
  const nodes = selectedNodes();
  const first = s.selection.map((id) => s.index.get(id)).find((l) => l?.parentId !== undefined);
  if (nodes.length === 0 || !first?.parentId) return;
  insertCopies(first.parentId, nodes, first.index + 1);
}

function insertCopies(groupId: string, nodes: readonly NodeDoc[], at: number | undefined): void {
  const s = useDesigner.getState();
  const copies = ops.renamedCopies(s.doc, nodes);
  const group = s.index.get(groupId)?.node;
  const graph = group !== undefined && isGroup(group) && group.type === 'graph';
  edit((d) => {
    if (graph) pinMembers(d, groupId);
    copies.forEach((c, i) => {
      ops.insertNode(d, groupId, c, at === undefined ? undefined : at + i);
      if (graph) {
        const source = nodes[i] ? d.layout?.[nodes[i].name] : undefined;
        if (source) ops.setPosition(d, c.name, { x: source.x + 32, y: source.y + 32 });
      }
    });
  });
  select(copies.map((c) => c.name));
}

/** Forgets every position people gave graph members, so elkjs places them all. */
export function autoLayout(): void {
  if (
    !edit((d) => {
      ops.clearPositions(d);
    })
  )
    redraw();
}

export function selectAll(): void {
  const s = useDesigner.getState();
  select([...s.index.values()].filter((l) => l.parentId !== undefined).map((l) => l.id));
}
