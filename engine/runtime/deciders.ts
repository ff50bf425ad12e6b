/**
 * Link deciders at run time (spec §6.6): just before an atom runs, the deciders
 * on the links leading to it vote; a "no" marks a region IGNORE.
 */
import type { GNode } from '../compiler/graph.js';
import { Depth, pickWidest } from '../patterns/depth.js';
import type { AtomDetail } from '../persistence/models.js';
import { IGNORE } from '../states.js';
import type { Runtime } from './runtime.js';

/** Returns whether `node` may run; if not, the region its "no" voters choose is ignored. */
export function checkAndAffect(rt: Runtime, node: GNode): boolean {
  const deciders = rt.compilation.edgeDeciders(node);
  if (deciders.length === 0) return true;
  const history: Record<string, unknown> = {};
  for (const ed of deciders) {
    if (ed.from.noop) continue;
    const ad = ed.from.detail as AtomDetail;
    if (ad.state !== IGNORE) history[ad.name] = rt.storage.resultOf(ad);
  }
  const nays: Depth[] = [];
  for (const ed of deciders) {
    if (!ed.from.noop && !(ed.from.name in history)) continue;
    if (!ed.decider(history)) nays.push(ed.depth);
  }
  if (nays.length === 0) return true;
  ignoreRegion(rt, node, pickWidest(nays));
  return false;
}

function ignoreRegion(rt: Runtime, node: GNode, depth: Depth): void {
  let region: GNode[];
  switch (depth) {
    case Depth.ALL:
      region = [node, ...rt.successorsDepthFirst(node)];
      break;
    case Depth.FLOW:
      region = [node, ...rt.successorsDepthFirst(node, false, false)];
      break;
    case Depth.NEIGHBORS:
      region = [node, ...node.succ.filter((s) => s.kind === 'task')];
      break;
    default:
      region = [node];
  }
  rt.resetAtoms(region, IGNORE, IGNORE);
}
