/**
 * What a run looks like from a group: how many of the tasks inside it (at any
 * depth) are in each state, and one state for the whole group. Plain
 * functions, so the canvas, the run bar and the output panel count the same
 * way, and so a group node can subscribe with a string key (a primitive:
 * unchanged groups do not redraw when other parts of the run move).
 */
import type { AtomStateData } from '../../../app/contract/results';
import type { GroupDoc } from '../../designer/document';
import type { Located } from '../../designer/tree';
import type { LiveRun } from '../../run/live';

/** The order states are counted and shown in (the segmented bar, the chips). */
export const STATE_ORDER: readonly AtomStateData[] = [
  'SUCCESS',
  'IGNORE',
  'RUNNING',
  'RETRYING',
  'REVERTING',
  'REVERTED',
  'FAILURE',
  'REVERT_FAILURE',
  'PENDING',
];

/** The run as seen from a group (or from the whole flow): its tasks counted, and one state. */
export interface GroupSummary {
  /** One state for the group (see {@link groupState}). */
  readonly state: AtomStateData;
  /** Tasks that finished well (SUCCESS or IGNORE). */
  readonly done: number;
  readonly total: number;
  /** Tasks per state, in {@link STATE_ORDER}; states with none are left out. */
  readonly counts: Readonly<Partial<Record<AtomStateData, number>>>;
  /** The group's retry controller, once it has an event. */
  readonly retry?: { readonly state: AtomStateData; readonly executions: number };
}

const NONE: readonly string[] = [];

/** The name of a group's retry controller's atom (the engine's default when the document gives none). */
export function retryAtomName(group: GroupDoc): string | undefined {
  return group.retry ? (group.retry.name ?? `${group.name}_retry`) : undefined;
}

/**
 * The canvas id of the node an atom belongs to: a task's own node, or the
 * group whose retry controller it is. Undefined when the flow has no such node.
 */
export function nodeOfAtom(index: Map<string, Located>, atom: string): string | undefined {
  if (index.get(atom)?.node.type === 'task') return atom;
  for (const loc of index.values()) {
    if (loc.node.type !== 'task' && retryAtomName(loc.node) === atom) return loc.id;
  }
  return index.has(atom) ? atom : undefined;
}

let cachedIndex: Map<string, Located> | undefined;
let cachedLists = new Map<string, readonly string[]>();
let cachedRoot: string | undefined;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Task names under each group, computed in one pass per index. A list that
 * did not change is the same array as before, so a selector returning it
 * does not redraw its group when the index is rebuilt (every selection
 * change rebuilds it).
 */
function listsOf(index: Map<string, Located>): Map<string, readonly string[]> {
  if (index === cachedIndex) return cachedLists;
  const lists = new Map<string, string[]>();
  let root: string | undefined;
  for (const loc of index.values()) {
    if (loc.parentId === undefined) root ??= loc.id;
    if (loc.node.type !== 'task') continue;
    for (let at = loc.parentId; at !== undefined; at = index.get(at)?.parentId) {
      let list = lists.get(at);
      if (!list) lists.set(at, (list = []));
      list.push(loc.node.name);
    }
  }
  const out = new Map<string, readonly string[]>();
  for (const [id, list] of lists) {
    const before = cachedLists.get(id);
    out.set(id, before && sameList(before, list) ? before : list);
  }
  cachedIndex = index;
  cachedLists = out;
  cachedRoot = root;
  return out;
}

/** The names of the tasks inside a group, at any depth, in document order. */
export function tasksWithin(index: Map<string, Located>, groupId: string): readonly string[] {
  return listsOf(index).get(groupId) ?? NONE;
}

/** The names of every task of the flow. */
export function allTasks(index: Map<string, Located>): readonly string[] {
  const lists = listsOf(index);
  return cachedRoot === undefined ? NONE : (lists.get(cachedRoot) ?? NONE);
}

/**
 * One state for a group, from its tasks' counts. The first rule that holds:
 *
 * 1. RUNNING: a task inside is running.
 * 2. REVERTING: a task inside is reverting, or (while the run goes on) some
 *    are reverted and some still SUCCESS: the revert is travelling back
 *    through the group.
 * 3. RETRYING: its retry controller is retrying (its tasks are reset next).
 * 4. FAILURE: a task inside failed or failed to revert and was not reverted
 *    since (a reverted task is REVERTED, no longer FAILURE).
 * 5. REVERTED: a task inside was reverted.
 * 6. IGNORE: every task was ignored (a decider skipped the whole group).
 * 7. SUCCESS: every task succeeded or was ignored.
 * 8. RUNNING: some are done and the rest pending while the run goes on
 *    (between two tasks: the group does not flicker back to pending).
 * 9. PENDING otherwise (nothing started, or a stopped run left it part-done).
 */
export function groupState(
  counts: Readonly<Partial<Record<AtomStateData, number>>>,
  total: number,
  retryState: AtomStateData | undefined,
  going: boolean,
): AtomStateData {
  const n = (s: AtomStateData): number => counts[s] ?? 0;
  if (n('RUNNING') > 0) return 'RUNNING';
  if (n('REVERTING') > 0 || (going && n('REVERTED') > 0 && n('SUCCESS') > 0)) return 'REVERTING';
  if (retryState === 'RETRYING') return 'RETRYING';
  if (n('FAILURE') + n('REVERT_FAILURE') > 0) return 'FAILURE';
  if (n('REVERTED') > 0) return 'REVERTED';
  if (total > 0 && n('IGNORE') === total) return 'IGNORE';
  if (total > 0 && n('SUCCESS') + n('IGNORE') === total) return 'SUCCESS';
  if (going && n('SUCCESS') + n('IGNORE') > 0) return 'RUNNING';
  return 'PENDING';
}

/** The run as seen from a group of `names` (with its retry controller `retryName`, if any). */
export function summarize(
  live: LiveRun,
  names: readonly string[],
  retryName: string | undefined,
): GroupSummary {
  const tally: Partial<Record<AtomStateData, number>> = {};
  for (const name of names) {
    const state = live.atoms[name]?.state ?? 'PENDING';
    tally[state] = (tally[state] ?? 0) + 1;
  }
  // A fixed key order, so equal summaries encode to equal strings.
  const counts: Partial<Record<AtomStateData, number>> = {};
  for (const s of STATE_ORDER) if (tally[s] !== undefined) counts[s] = tally[s];
  const retryAtom = retryName === undefined ? undefined : live.atoms[retryName];
  const going = !live.ended;
  return {
    state: groupState(counts, names.length, retryAtom?.state, going),
    done: (counts.SUCCESS ?? 0) + (counts.IGNORE ?? 0),
    total: names.length,
    counts,
    ...(retryAtom ? { retry: { state: retryAtom.state, executions: retryAtom.executions } } : {}),
  };
}

/** A summary as a string, for selectors: equal summaries give equal strings. */
export function encodeSummary(summary: GroupSummary): string {
  return JSON.stringify(summary);
}

/** The summary {@link encodeSummary} made into a string, or undefined for an empty key (no run shown). */
export function decodeSummary(key: string): GroupSummary | undefined {
  return key === '' ? undefined : (JSON.parse(key) as GroupSummary);
}

/** "12/40 done · 1 running · 1 failed · 3 reverted": what a summary says in one line. */
export function countsLine(summary: GroupSummary): string {
  const c = summary.counts;
  const parts = [`${String(summary.done)}/${String(summary.total)} done`];
  const running = (c.RUNNING ?? 0) + (c.REVERTING ?? 0);
  const failed = (c.FAILURE ?? 0) + (c.REVERT_FAILURE ?? 0);
  if (running > 0) parts.push(`${String(running)} running`);
  if (failed > 0) parts.push(`${String(failed)} failed`);
  if ((c.REVERTED ?? 0) > 0) parts.push(`${String(c.REVERTED)} reverted`);
  return parts.join(' · ');
}
