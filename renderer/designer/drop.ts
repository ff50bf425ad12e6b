/**
 * Where a node lands when the person lets go of it: the innermost group under
 * the pointer, and its place there (by x in a linear group, by y in an
 * unordered one, at the pointer in a graph).
 */
import { isGroup } from './document';
import type { Box } from './layout';
import type { Located } from './tree';
import { isWithin } from './tree';

export interface Drop {
  readonly groupId: string;
  readonly index: number;
  /** In a graph group: the node's top-left, relative to the group (before the group's offset). */
  readonly position?: { x: number; y: number };
}

/** Every node's box in canvas coordinates. */
export function absoluteBoxes(
  index: ReadonlyMap<string, Located>,
  boxes: ReadonlyMap<string, Box>,
): Map<string, Box> {
  const out = new Map<string, Box>();
  for (const loc of index.values()) {
    const box = boxes.get(loc.id);
    if (!box) continue;
    const parent = loc.parentId === undefined ? undefined : out.get(loc.parentId);
    out.set(loc.id, { ...box, x: box.x + (parent?.x ?? 0), y: box.y + (parent?.y ?? 0) });
  }
  return out;
}

/** The deepest group containing `point`, leaving out `moving` and what is inside it; the root when none does. */
export function groupAt(
  index: ReadonlyMap<string, Located>,
  abs: ReadonlyMap<string, Box>,
  point: { x: number; y: number },
  moving?: readonly string[],
): string {
  let best: Located | undefined;
  for (const loc of index.values()) {
    if (!isGroup(loc.node)) continue;
    if (moving?.some((m) => isWithin(index as Map<string, Located>, loc.id, m))) continue;
    const b = abs.get(loc.id);
    if (!b || point.x < b.x || point.y < b.y || point.x > b.x + b.width || point.y > b.y + b.height) continue;
    if (!best || loc.depth > best.depth) best = loc;
  }
  return best?.id ?? (index.keys().next().value as string);
}

/** Where in group `groupId` a node of size `size` dropped with its top-left at `topLeft` goes. */
export function dropIn(
  index: ReadonlyMap<string, Located>,
  abs: ReadonlyMap<string, Box>,
  offsets: ReadonlyMap<string, { dx: number; dy: number }>,
  groupId: string,
  topLeft: { x: number; y: number },
  size: { width: number; height: number },
  moving?: string,
): Drop {
  const group = index.get(groupId)?.node;
  const members = [...index.values()].filter((l) => l.parentId === groupId && l.id !== moving);
  members.sort((a, b) => a.index - b.index);
  const center = { x: topLeft.x + size.width / 2, y: topLeft.y + size.height / 2 };
  if (!group || !isGroup(group) || group.type === 'graph') {
    const g = abs.get(groupId) ?? { x: 0, y: 0 };
    const off = offsets.get(groupId) ?? { dx: 0, dy: 0 };
    return {
      groupId,
      index: members.length,
      position: { x: topLeft.x - g.x - off.dx, y: topLeft.y - g.y - off.dy },
    };
  }
  const axis = group.type === 'linear' ? 'x' : 'y';
  const extent = axis === 'x' ? 'width' : 'height';
  let at = 0;
  for (const m of members) {
    const b = abs.get(m.id);
    if (b && b[axis] + b[extent] / 2 < center[axis]) at += 1;
  }
  return { groupId, index: at };
}
