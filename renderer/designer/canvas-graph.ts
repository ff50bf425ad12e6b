/**
 * The document as React Flow draws it: one node per task and group (groups
 * are parents of their members), solid arrows for order (a linear group's
 * sequence, a graph group's links), dashed edges for data.
 */
import type { Edge, Node } from '@xyflow/react';
import { isGroup, type GroupDoc, type LinkDoc, type NodeDoc, type TaskDoc } from './document';
import type { DataEdge } from './data-edges';
import type { Box } from './layout';
import type { Located } from './tree';

/** A problem of the document, as the host reports it. */
export interface Problem {
  readonly node?: string;
  readonly path: string;
  readonly message: string;
}

export interface TaskNodeData extends Record<string, unknown> {
  readonly task: TaskDoc;
  readonly problems: readonly Problem[];
}

export interface GroupNodeData extends Record<string, unknown> {
  readonly group: GroupDoc;
  readonly isRoot: boolean;
  readonly problems: readonly Problem[];
  /** The drop target the person's pointer is over while dragging. */
  readonly dropTarget: boolean;
}

export type TaskFlowNode = Node<TaskNodeData, 'task'>;
export type GroupFlowNode = Node<GroupNodeData, 'group'>;
export type CanvasNode = TaskFlowNode | GroupFlowNode;

export interface LinkEdgeData extends Record<string, unknown> {
  readonly groupId: string;
  readonly link: LinkDoc;
}
export interface DataEdgeData extends Record<string, unknown> {
  readonly symbol: string;
  /** Both ends are in one linear group, whose order arrow it would hide: drawn arched. */
  readonly arched: boolean;
}

const NO_PROBLEMS: readonly Problem[] = [];

/** Problems by canvas id: a problem names a node, or the retry of a group (which then carries it). */
export function problemsByNode(
  index: ReadonlyMap<string, Located>,
  problems: readonly Problem[],
): { byId: Map<string, Problem[]>; unplaced: Problem[] } {
  const idOf = new Map<string, string>();
  for (const loc of index.values()) {
    if (!idOf.has(loc.node.name)) idOf.set(loc.node.name, loc.id);
    const node: NodeDoc = loc.node;
    if (isGroup(node) && node.retry) {
      const retryName = typeof node.retry.name === 'string' ? node.retry.name : `${node.name}_retry`;
      if (!idOf.has(retryName)) idOf.set(retryName, loc.id);
    }
  }
  const byId = new Map<string, Problem[]>();
  const unplaced: Problem[] = [];
  for (const p of problems) {
    const id = p.node === undefined ? undefined : idOf.get(p.node);
    if (id === undefined) {
      unplaced.push(p);
      continue;
    }
    const list = byId.get(id);
    if (list) list.push(p);
    else byId.set(id, [p]);
  }
  return { byId, unplaced };
}

/**
 * The objects React Flow was last given, with what each was made from. A
 * node or edge made from the same inputs is handed over as the same object,
 * so React Flow redraws only what changed (on a flow of 1,000 tasks, one
 * edit redraws one card, not all of them).
 */
export class CanvasCache {
  readonly #entries = new Map<string, { deps: readonly unknown[]; value: unknown }>();

  reuse<T>(key: string, deps: readonly unknown[], make: () => T): T {
    const hit = this.#entries.get(key);
    if (hit?.deps.length === deps.length && hit.deps.every((d, i) => Object.is(d, deps[i])))
      return hit.value as T;
    const value = make();
    this.#entries.set(key, { deps, value });
    return value;
  }

  /** Forgets entries not used since the last call (nodes and edges that went away). */
  keepOnly(keys: ReadonlySet<string>): void {
    for (const key of this.#entries.keys()) if (!keys.has(key)) this.#entries.delete(key);
  }
}

/** React Flow's nodes, parents first. */
export function canvasNodes(
  index: ReadonlyMap<string, Located>,
  boxes: ReadonlyMap<string, Box>,
  problems: ReadonlyMap<string, Problem[]>,
  selected: ReadonlySet<string>,
  dropTarget: string | undefined,
  cache = new CanvasCache(),
): CanvasNode[] {
  const out: CanvasNode[] = [];
  for (const loc of index.values()) {
    const box = boxes.get(loc.id) ?? { x: 0, y: 0, width: 0, height: 0 };
    const nodeProblems = problems.get(loc.id) ?? NO_PROBLEMS;
    const deps = [
      loc.node,
      loc.parentId,
      loc.parent?.type,
      loc.depth,
      box.x,
      box.y,
      box.width,
      box.height,
      nodeProblems,
      selected.has(loc.id),
      dropTarget === loc.id,
    ];
    out.push(
      cache.reuse(`node:${loc.id}`, deps, () => canvasNode(loc, box, nodeProblems, selected, dropTarget)),
    );
  }
  return out;
}

function canvasNode(
  loc: Located,
  box: Box,
  problems: readonly Problem[],
  selected: ReadonlySet<string>,
  dropTarget: string | undefined,
): CanvasNode {
  const common = {
    id: loc.id,
    position: { x: box.x, y: box.y },
    width: box.width,
    height: box.height,
    // Its size is known: React Flow need not measure it again (it would on every move of a drag).
    measured: { width: box.width, height: box.height },
    selected: selected.has(loc.id),
    ...(loc.parentId !== undefined ? { parentId: loc.parentId } : {}),
    // Members of graph groups show their handles: links are drawn from them.
    ...(loc.parent?.type === 'graph' ? { className: 'in-graph' } : {}),
  };
  const node: NodeDoc = loc.node;
  if (isGroup(node)) {
    return {
      ...common,
      type: 'group',
      // The root flow holds everything: it does not move and cannot be deleted.
      draggable: loc.parentId !== undefined,
      deletable: loc.parentId !== undefined,
      zIndex: loc.depth,
      data: {
        group: node,
        isRoot: loc.parentId === undefined,
        problems,
        dropTarget: dropTarget === loc.id,
      },
    };
  }
  return {
    ...common,
    type: 'task',
    zIndex: loc.depth,
    data: { task: node, problems },
  };
}

function sameLinear(index: ReadonlyMap<string, Located>, a: string, b: string): boolean {
  const pa = index.get(a)?.parentId;
  return pa !== undefined && pa === index.get(b)?.parentId && index.get(pa)?.node.type === 'linear';
}

/** React Flow's edges: order within linear groups, links of graph groups, data. */
export function canvasEdges(
  index: ReadonlyMap<string, Located>,
  data: readonly DataEdge[],
  selectedEdges: ReadonlySet<string>,
  cache = new CanvasCache(),
): Edge[] {
  const out: Edge[] = [];
  const children = new Map<string, Located[]>();
  const idOf = new Map<string, string>();
  for (const loc of index.values()) {
    if (!idOf.has(loc.node.name)) idOf.set(loc.node.name, loc.id);
    if (loc.parentId === undefined) continue;
    const list = children.get(loc.parentId);
    if (list) list.push(loc);
    else children.set(loc.parentId, [loc]);
  }
  for (const [groupId, members] of children) {
    const group = (index.get(groupId) as Located).node as GroupDoc;
    if (group.type === 'linear') {
      members.sort((a, b) => a.index - b.index);
      for (let i = 1; i < members.length; i++) {
        const a = members[i - 1] as Located;
        const b = members[i] as Located;
        const id = `order:${a.id}->${b.id}`;
        out.push(
          cache.reuse(id, [a.depth], () => ({
            id,
            source: a.id,
            target: b.id,
            type: 'order',
            selectable: false,
            focusable: false,
            deletable: false,
            zIndex: a.depth,
          })),
        );
      }
    } else if (group.type === 'graph') {
      const local = new Map(members.map((m) => [m.node.name, m.id]));
      for (const link of group.links ?? []) {
        const source = local.get(link.from);
        const target = local.get(link.to);
        if (source === undefined || target === undefined) continue;
        const id = `link:${groupId}:${source}->${target}`;
        const selected = selectedEdges.has(id);
        const zIndex = (members[0]?.depth ?? 1) + 1;
        out.push(
          cache.reuse(id, [link, selected, zIndex], () => ({
            id,
            source,
            target,
            type: 'link',
            selected,
            zIndex,
            data: { groupId, link } satisfies LinkEdgeData,
          })),
        );
      }
    }
  }
  for (const e of data) {
    const id = `data:${e.from}->${e.to}:${e.symbol}`;
    const zIndex = Math.max(index.get(e.from)?.depth ?? 0, index.get(e.to)?.depth ?? 0) + 1;
    const arched = sameLinear(index, e.from, e.to);
    out.push(
      cache.reuse(id, [zIndex, arched], () => ({
        id,
        source: e.from,
        target: e.to,
        type: 'data',
        selectable: false,
        focusable: false,
        deletable: false,
        zIndex,
        data: { symbol: e.symbol, arched } satisfies DataEdgeData,
      })),
    );
  }
  return out;
}
