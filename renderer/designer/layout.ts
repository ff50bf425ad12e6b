/**
 * Where every node goes on the canvas, relative to its group (React Flow's
 * parent-relative positions). Linear groups lay their members out in a row
 * (arrows between them show the order), unordered groups in a column (side
 * by side, as lanes that run at once); graph groups keep where the person put
 * each member, and place the rest with elkjs's layered layout
 * ({@link autoPositions}). Groups grow to hold their members.
 */
import { isGroup, type FlowDoc, type GroupDoc } from './document';
import type { DataEdge } from './data-edges';
import { childIds, type Located } from './tree';

export const TASK_WIDTH = 208;
export const TASK_HEIGHT = 64;
export const GROUP_HEADER = 40;
export const GROUP_PADDING = 18;
const LINEAR_GAP = 56;
const UNORDERED_GAP = 16;
const EMPTY_WIDTH = 260;
const EMPTY_HEIGHT = 92;
const MIN_GROUP_WIDTH = 250;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Positions elkjs chose, per graph group id, per member id (relative to the group's content area). */
export type AutoPositions = ReadonlyMap<string, ReadonlyMap<string, { x: number; y: number }>>;

export interface Arrangement {
  /** Every node's box, relative to its group (the root at 0,0). */
  readonly boxes: Map<string, Box>;
  /**
   * Per graph group, what was added to its members' positions (stored or
   * chosen) to keep them inside it: a position dropped on the canvas is
   * stored less this offset.
   */
  readonly offsets: Map<string, { dx: number; dy: number }>;
  /** Graph groups with no stored position at all: elkjs places their members. */
  readonly automatic: string[];
}

/** Where every node goes. */
export function arrange(doc: FlowDoc, index: ReadonlyMap<string, Located>, auto: AutoPositions): Arrangement {
  const boxes = new Map<string, Box>();
  const offsets = new Map<string, { dx: number; dy: number }>();
  const automatic: string[] = [];
  const children = new Map<string, string[]>();
  for (const loc of index.values()) {
    if (loc.parentId === undefined) continue;
    const list = children.get(loc.parentId);
    if (list) list.push(loc.id);
    else children.set(loc.parentId, [loc.id]);
  }

  const place = (id: string): Box => {
    const loc = index.get(id) as Located;
    const box: Box = { x: 0, y: 0, width: TASK_WIDTH, height: TASK_HEIGHT };
    boxes.set(id, box);
    if (!isGroup(loc.node)) return box;
    const members = (children.get(id) ?? []).map((c) => ({ id: c, box: place(c) }));
    if (members.length === 0) {
      box.width = EMPTY_WIDTH;
      box.height = GROUP_HEADER + EMPTY_HEIGHT;
      return box;
    }
    const group: GroupDoc = loc.node;
    if (group.type === 'linear') {
      const tallest = Math.max(...members.map((m) => m.box.height));
      let x = GROUP_PADDING;
      for (const m of members) {
        m.box.x = x;
        m.box.y = GROUP_HEADER + (tallest - m.box.height) / 2;
        x += m.box.width + LINEAR_GAP;
      }
      box.width = x - LINEAR_GAP + GROUP_PADDING;
      box.height = GROUP_HEADER + tallest + GROUP_PADDING;
    } else if (group.type === 'unordered') {
      const widest = Math.max(...members.map((m) => m.box.width));
      let y = GROUP_HEADER;
      for (const m of members) {
        m.box.x = GROUP_PADDING;
        m.box.y = y;
        y += m.box.height + UNORDERED_GAP;
      }
      box.width = GROUP_PADDING * 2 + widest;
      box.height = y - UNORDERED_GAP + GROUP_PADDING;
    } else {
      const chosen = auto.get(id);
      const stored = members.map((m) => {
        const entry = doc.layout?.[(index.get(m.id) as Located).node.name];
        return entry && Number.isFinite(entry.x) && Number.isFinite(entry.y) ? entry : undefined;
      });
      const manual = stored.some((p) => p !== undefined);
      if (!manual) automatic.push(id);
      // A member a person has not placed in a placed group goes to the right of the others.
      let nextX = Math.max(
        0,
        ...stored.map((p, i) => (p ? p.x + (members[i]?.box.width ?? 0) + LINEAR_GAP : 0)),
      );
      let minX = Infinity;
      let minY = Infinity;
      members.forEach((m, i) => {
        let p = stored[i] ?? (manual ? undefined : chosen?.get(m.id));
        if (!p && manual) {
          p = { x: nextX, y: 0 };
          nextX += m.box.width + LINEAR_GAP;
        }
        p ??= { x: (i % 4) * (TASK_WIDTH + LINEAR_GAP), y: Math.floor(i / 4) * (TASK_HEIGHT + 40) };
        m.box.x = p.x;
        m.box.y = p.y;
        minX = Math.min(minX, p.x);
        minY = Math.min(minY, p.y);
      });
      offsets.set(id, { dx: GROUP_PADDING - minX, dy: GROUP_HEADER - minY });
      // Members are kept inside the group: the leftmost and topmost sit at the padding.
      let right = 0;
      let bottom = 0;
      for (const m of members) {
        m.box.x += GROUP_PADDING - minX;
        m.box.y += GROUP_HEADER - minY;
        right = Math.max(right, m.box.x + m.box.width);
        bottom = Math.max(bottom, m.box.y + m.box.height);
      }
      box.width = right + GROUP_PADDING;
      box.height = bottom + GROUP_PADDING;
    }
    // Wide enough for its header (type, name, retry).
    box.width = Math.max(box.width, MIN_GROUP_WIDTH);
    return box;
  };
  const root = index.keys().next().value;
  if (root !== undefined) place(root);
  return { boxes, offsets, automatic };
}

interface ElkLike {
  layout(graph: unknown): Promise<{ children?: { id: string; x?: number; y?: number }[] }>;
}

let elk: Promise<ElkLike> | undefined;

/** elkjs, loaded the first time a graph needs it (it is large, and most flows never do). */
function loadElk(): Promise<ElkLike> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default() as unknown as ElkLike);
  return elk;
}

/** The member of `groupId` that holds `id` (itself when it is a member). */
function memberOf(index: ReadonlyMap<string, Located>, id: string, groupId: string): string | undefined {
  let at: string | undefined = id;
  while (at !== undefined) {
    const loc = index.get(at);
    if (loc?.parentId === groupId) return at;
    at = loc?.parentId;
  }
  return undefined;
}

/**
 * Lays out the members of graph groups with elkjs (layered, left to right),
 * following explicit links and data edges between members. Groups are laid
 * out with their current sizes, so call it again after sizes change.
 */
export async function autoPositions(
  index: ReadonlyMap<string, Located>,
  boxes: ReadonlyMap<string, Box>,
  data: readonly DataEdge[],
  groupIds: readonly string[],
): Promise<Map<string, Map<string, { x: number; y: number }>>> {
  const engine = await loadElk();
  const out = new Map<string, Map<string, { x: number; y: number }>>();
  for (const groupId of groupIds) {
    const group = index.get(groupId)?.node;
    if (!group || !isGroup(group) || group.type !== 'graph') continue;
    const members = childIds(index as Map<string, Located>, groupId);
    const byName = new Map(members.map((m) => [(index.get(m) as Located).node.name, m]));
    const edges = new Set<string>();
    for (const l of group.links ?? []) {
      const from = byName.get(l.from);
      const to = byName.get(l.to);
      if (from && to && from !== to) edges.add(`${from}\u0000${to}`);
    }
    for (const e of data) {
      const from = memberOf(index, e.from, groupId);
      const to = memberOf(index, e.to, groupId);
      if (from && to && from !== to) edges.add(`${from}\u0000${to}`);
    }
    const result = await engine.layout({
      id: groupId,
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'RIGHT',
        'elk.spacing.nodeNode': '36',
        'elk.layered.spacing.nodeNodeBetweenLayers': '96',
        'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      },
      children: members.map((m) => ({
        id: m,
        width: boxes.get(m)?.width ?? TASK_WIDTH,
        height: boxes.get(m)?.height ?? TASK_HEIGHT,
      })),
      edges: [...edges].map((e, i) => {
        const [source, target] = e.split('\u0000');
        return { id: `e${String(i)}`, sources: [source], targets: [target] };
      }),
    });
    out.set(groupId, new Map((result.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }])));
  }
  return out;
}
