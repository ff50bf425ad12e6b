/**
 * W4-history: the time to list one page of 50 runs from a history of many,
 * as a history view would when it opens. Each measured figure is the first
 * `listRuns` call of a `SqliteBackend` just opened on the history file
 * (opening is setup, excluded): it includes preparing the query's statement
 * and reading from a cold SQLite page cache (the OS's file cache is warm).
 */
import { SqliteBackend, states, type ListRunsQuery, type RunSummary } from '../engine/index.js';
import { dropHistory, ensureHistory, FLOW_NAMES } from './history-seed.js';
import { inMs, type Measurement } from './measurement.js';

/** The pages measured. */
export type HistoryQuery = 'newest' | 'state' | 'flow' | 'flow+state' | 'cursor';

export const HISTORY_QUERIES: readonly HistoryQuery[] = ['newest', 'state', 'flow', 'flow+state', 'cursor'];

const PAGE = 50;
/** The flow filtered on: one of the {@link FLOW_NAMES} the history's runs are spread over. */
const FLOW = `flow-${Math.min(3, FLOW_NAMES - 1)}`;

/** How a query is shown in the report. */
export function queryLabel(q: HistoryQuery): string {
  switch (q) {
    case 'newest':
      return `newest ${PAGE}`;
    case 'state':
      return `state=${states.REVERTED}`;
    case 'flow':
      return `flowName=${FLOW}`;
    case 'flow+state':
      return `flowName=${FLOW} state=${states.REVERTED}`;
    case 'cursor':
      return 'next page after a cursor mid-history';
  }
}

/** The whole history, newest first, paged through once per process; and the cursor halfway down it. */
interface Walk {
  runs: RunSummary[];
  midCursor: string;
  /** Index in `runs` of the first run after `midCursor`. */
  midIndex: number;
}

const walks = new Map<string, Walk>();

function walk(file: string): Walk {
  const backend = new SqliteBackend(file);
  try {
    const runs: RunSummary[] = [];
    const cursors: { cursor: string; index: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = backend.listRuns(cursor === undefined ? { limit: PAGE } : { limit: PAGE, cursor });
      runs.push(...page.runs);
      cursor = page.nextCursor;
      if (cursor !== undefined) cursors.push({ cursor, index: runs.length });
    } while (cursor !== undefined);
    const mid = cursors[Math.floor(cursors.length / 2)];
    return { runs, midCursor: mid?.cursor ?? '', midIndex: mid?.index ?? 0 };
  } finally {
    backend.close();
  }
}

/**
 * The history of `runs` runs and its walk. A cached file whose walk does not
 * hold `runs` runs (damaged, or cut short) is seeded again.
 */
async function history(runs: number, log: (text: string) => void): Promise<{ file: string; walk: Walk }> {
  let file = await ensureHistory(runs, log);
  let w = walks.get(file) ?? walk(file);
  if (w.runs.length !== runs) {
    log(`  [atomflow] ${file} holds ${w.runs.length} runs, not ${runs}: seeding it again`);
    dropHistory(runs);
    file = await ensureHistory(runs, log);
    w = walk(file);
    if (w.runs.length !== runs) throw new Error(`W4-history: seeded ${w.runs.length} runs, not ${runs}`);
  }
  walks.set(file, w);
  return { file, walk: w };
}

/** The query, and the page it must return, worked out from the walk. */
function plan(q: HistoryQuery, w: Walk): { query: ListRunsQuery; expected: RunSummary[] } {
  const take = (runs: RunSummary[]): RunSummary[] => runs.slice(0, PAGE);
  switch (q) {
    case 'newest':
      return { query: { limit: PAGE }, expected: take(w.runs) };
    case 'state':
      return {
        query: { state: states.REVERTED, limit: PAGE },
        expected: take(w.runs.filter((r) => r.state === states.REVERTED)),
      };
    case 'flow':
      return {
        query: { flowName: FLOW, limit: PAGE },
        expected: take(w.runs.filter((r) => r.name === FLOW)),
      };
    case 'flow+state':
      return {
        query: { flowName: FLOW, state: states.REVERTED, limit: PAGE },
        expected: take(w.runs.filter((r) => r.name === FLOW && r.state === states.REVERTED)),
      };
    case 'cursor':
      return { query: { cursor: w.midCursor, limit: PAGE }, expected: take(w.runs.slice(w.midIndex)) };
  }
}

/**
 * One measured page: ms for the first `listRuns` of a freshly opened backend.
 * The page must be the runs the walk says it holds, in the same order.
 */
export async function pageMs(
  runs: number,
  q: HistoryQuery,
  log: (text: string) => void,
): Promise<Measurement> {
  const { file, walk: w } = await history(runs, log);
  const { query, expected } = plan(q, w);
  const backend = new SqliteBackend(file);
  let got: RunSummary[];
  let t0: number;
  let t1: number;
  try {
    t0 = performance.now();
    got = backend.listRuns(query).runs;
    t1 = performance.now();
  } finally {
    backend.close();
  }
  const same = got.length === expected.length && got.every((r, i) => r.uuid === expected[i]!.uuid);
  if (!same || got.length === 0) {
    throw new Error(
      `W4-history ${queryLabel(q)}: listRuns returned ${got.length} runs, expected ${expected.length} (the walk's)`,
    );
  }
  return inMs(t0, t1);
}
