/**
 * History queries: runs filtered by flow name, state, engine and time, paged
 * newest first with a cursor (walking every page gives every run once), one
 * run with its details, and a run's events; bad arguments are clear errors.
 * No timing here: the 100,000-run page time is measured by the benchmark.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AtomDetail,
  FlowDetail,
  LogBook,
  NotFound,
  SqliteBackend,
  ValueError,
  states,
  type FlowState,
  type ListRunsQuery,
  type RunSummary,
} from '../../engine/index.js';
import { listRunsSql } from '../../engine/persistence/sqlite/history.js';
import { tempFolder } from './sqlite-support.js';

const tmp = tempFolder();
const file = tmp.file('history.db');
let backend: SqliteBackend;

const NAMES = ['orders', 'billing', 'reports'];
const STATES: (FlowState | undefined)[] = [
  states.SUCCESS,
  states.FAILURE,
  states.REVERTED,
  states.SUSPENDED,
  undefined,
];
const ENGINES = ['serial', 'parallel', undefined];
const START = Date.parse('2024-01-01T00:00:00.000Z');
const COUNT = 240;

interface Made {
  uuid: string;
  name: string;
  state: FlowState;
  engine: string | undefined;
  createdAt: string;
}
const made: Made[] = [];

/** Newest first, as listRuns orders. */
function newestFirst(a: { createdAt: string; uuid: string }, b: { createdAt: string; uuid: string }): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.uuid < b.uuid ? 1 : a.uuid > b.uuid ? -1 : 0;
}

function walk(query: Omit<ListRunsQuery, 'cursor'>): { runs: RunSummary[]; pages: number } {
  const runs: RunSummary[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = backend.listRuns(cursor === undefined ? query : { ...query, cursor });
    pages++;
    runs.push(...page.runs);
    cursor = page.nextCursor;
    expect(pages).toBeLessThan(1000);
  } while (cursor !== undefined);
  return { runs, pages };
}

beforeAll(() => {
  backend = new SqliteBackend(file);
  vi.useFakeTimers({ toFake: ['Date'] });
  for (let i = 0; i < COUNT; i++) {
    // Every third run shares its millisecond with the previous one: ties are broken by uuid.
    vi.setSystemTime(START + (i - Math.floor(i / 3)) * 60_000);
    const book = new LogBook(`book ${i % 7}`);
    const fd = new FlowDetail(NAMES[i % 3]!, `run-${String((i * 7919) % 1000).padStart(4, '0')}-${i}`);
    fd.state = STATES[i % 5];
    const engine = ENGINES[i % 4 === 3 ? 2 : i % 2];
    if (engine) fd.meta.engine = engine;
    const ad = new AtomDetail('a', 'task');
    ad.state = states.SUCCESS;
    ad.results = i;
    fd.add(ad);
    book.add(fd);
    backend.saveLogbook(book);
    made.push({
      uuid: fd.uuid,
      name: fd.name,
      state: fd.state ?? states.PENDING,
      engine,
      createdAt: new Date().toISOString(),
    });
  }
  vi.useRealTimers();
});

afterAll(() => {
  backend.close();
});

describe('listRuns', () => {
  it('returns the newest 50 by default, with a cursor to the next page', () => {
    const page = backend.listRuns();
    const expected = [...made].sort(newestFirst);
    expect(page.runs.map((r) => r.uuid)).toEqual(expected.slice(0, 50).map((r) => r.uuid));
    expect(page.nextCursor).toEqual(expect.any(String));
    const first = page.runs[0]!;
    const src = expected[0]!;
    expect(first).toEqual({
      uuid: src.uuid,
      name: src.name,
      state: src.state,
      engine: src.engine,
      createdAt: src.createdAt,
      updatedAt: src.createdAt,
      logbookUuid: expect.any(String),
    });
  });

  it('walking every page gives every run once, in order, for every page size', () => {
    const expected = [...made].sort(newestFirst).map((r) => r.uuid);
    for (const limit of [1, 7, 50, 239, 240, 1000]) {
      const { runs, pages } = walk({ limit });
      expect(runs.map((r) => r.uuid)).toEqual(expected);
      expect(pages).toBe(Math.max(1, Math.ceil(COUNT / limit)));
    }
  });

  it('filters by flow name, state, engine and time range, alone and together, across pages', () => {
    const cases: Omit<ListRunsQuery, 'cursor' | 'limit'>[] = [
      { flowName: 'orders' },
      { flowName: 'nobody' },
      { state: states.FAILURE },
      { state: states.PENDING },
      { engine: 'parallel' },
      { from: new Date(START + 30 * 60_000), to: '2024-01-01T02:00:00.000Z' },
      { from: START + 100 * 60_000 },
      { to: new Date(START + 10 * 60_000) },
      { flowName: 'billing', state: states.SUCCESS, engine: 'serial' },
      { flowName: 'reports', from: START + 20 * 60_000, to: START + 120 * 60_000, state: states.SUSPENDED },
    ];
    for (const q of cases) {
      const fromIso = q.from === undefined ? undefined : new Date(q.from).toISOString();
      const toIso = q.to === undefined ? undefined : new Date(q.to).toISOString();
      const expected = made
        .filter(
          (r) =>
            (q.flowName === undefined || r.name === q.flowName) &&
            (q.state === undefined || r.state === q.state) &&
            (q.engine === undefined || r.engine === q.engine) &&
            (fromIso === undefined || r.createdAt >= fromIso) &&
            (toIso === undefined || r.createdAt < toIso),
        )
        .sort(newestFirst)
        .map((r) => r.uuid);
      const { runs } = walk({ ...q, limit: 6 });
      expect(
        runs.map((r) => r.uuid),
        JSON.stringify(q),
      ).toEqual(expected);
      if (q.flowName !== 'nobody') expect(expected.length, JSON.stringify(q)).toBeGreaterThan(0);
    }
  });

  it('a cursor stays valid when newer runs arrive: no duplicates, no gaps', () => {
    const expected = [...made].sort(newestFirst).map((r) => r.uuid);
    const first = backend.listRuns({ limit: 100 });
    const book = new LogBook('late');
    book.add(new FlowDetail('late arrival'));
    backend.saveLogbook(book);
    const rest = walk({ limit: 100 }).runs.map((r) => r.uuid);
    expect(rest[0]).toBe([...book][0]!.uuid);
    const second = backend.listRuns({ limit: 200, cursor: first.nextCursor! });
    expect([...first.runs, ...second.runs].map((r) => r.uuid)).toEqual(expected);
    backend.destroyLogbook(book.uuid);
  });

  it('rejects bad limits, times and cursors with clear errors', () => {
    const bad: [ListRunsQuery, RegExp][] = [
      [{ limit: 0 }, /'limit' must be an integer from 1 to 1000, got 0/],
      [{ limit: 1001 }, /from 1 to 1000, got 1001/],
      [{ limit: 2.5 }, /got 2.5/],
      [{ limit: '10' as unknown as number }, /got "10"/],
      [{ from: 'yesterday' }, /'from' must be a Date, an ISO-8601 string or milliseconds/],
      [{ to: new Date(NaN) }, /'to' must be .* got an invalid Date/],
      [{ cursor: 'not a cursor!' }, /invalid cursor "not a cursor!"; pass the nextCursor of a previous page/],
      [{ cursor: Buffer.from('{"a":1}').toString('base64url') }, /invalid cursor/],
      [{ cursor: Buffer.from('["yesterday","x"]').toString('base64url') }, /invalid cursor/],
      [{ cursor: 'YWJj' }, /invalid cursor/],
      [{ cursor: '' }, /invalid cursor/],
      [{ flowName: 5 as unknown as string }, /'flowName' must be a string, got 5/],
    ];
    for (const [q, msg] of bad) {
      expect(() => backend.listRuns(q), JSON.stringify(q)).toThrow(ValueError);
      expect(() => backend.listRuns(q), JSON.stringify(q)).toThrow(msg);
    }
  });

  it('uses an index for every filter and for paging (EXPLAIN QUERY PLAN)', () => {
    const raw = new Database(file, { readonly: true });
    const cursor = backend.listRuns({ limit: 3 }).nextCursor!;
    const queries: [ListRunsQuery, string][] = [
      [{}, 'flowdetails_created'],
      [{ cursor }, 'flowdetails_created'],
      [{ from: START, to: START + 1000, cursor }, 'flowdetails_created'],
      [{ flowName: 'orders', cursor }, 'flowdetails_name'],
      [{ state: states.SUCCESS, cursor }, 'flowdetails_state'],
      [{ engine: 'serial', cursor }, 'flowdetails_engine'],
      [{ flowName: 'orders', from: START, to: START + 1000 }, 'flowdetails_name'],
    ];
    for (const [q, index] of queries) {
      const { sql, params } = listRunsSql(q);
      const plan = raw
        .prepare<[Record<string, unknown>], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(params)
        .map((r) => r.detail)
        .join(' | ');
      expect(plan, JSON.stringify(q)).toContain(`USING INDEX ${index}`);
      expect(plan, JSON.stringify(q)).not.toContain('TEMP B-TREE');
      expect(sql).not.toMatch(/OFFSET/i);
    }
    raw.close();
  });
});

describe('getRun and getEvents', () => {
  it('getRun gives the summary and the flow detail with all atom details', () => {
    const src = made[17]!;
    const run = backend.getRun(src.uuid);
    expect(run.uuid).toBe(src.uuid);
    expect(run.state).toBe(src.state);
    expect(run.createdAt).toBe(src.createdAt);
    expect(run.flowDetail.uuid).toBe(src.uuid);
    expect(run.flowDetail.atoms.get('a')!.results).toBe(17);
    expect(() => backend.getRun('missing')).toThrow(NotFound);
  });

  it('getEvents reads a log in order, in pieces, and checks its arguments', () => {
    const uuid = made[0]!.uuid;
    const fd = backend.getFlowDetail(uuid);
    const ad = fd.atoms.get('a')!;
    for (let i = 1; i <= 10; i++) {
      ad.meta.progress = i / 10;
      backend.updateAtomDetail(uuid, ad, {
        durable: i % 2 === 0,
        event: { type: 'progress', name: 'a', uuid: ad.uuid, progress: i / 10 },
      });
    }
    const all = backend.getEvents(uuid);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(all.map((e) => e.event.type === 'progress' && e.event.progress)).toEqual([
      0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
    ]);
    expect(backend.getEvents(uuid, { after: 3, limit: 4 }).map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    expect(backend.getEvents(uuid, { after: 10 })).toEqual([]);
    expect(backend.getEvents(made[1]!.uuid)).toEqual([]);
    expect(() => backend.getEvents(uuid, { after: -1 })).toThrow(ValueError);
    expect(() => backend.getEvents(uuid, { limit: 0 })).toThrow(/'limit' must be an integer from 1/);
    expect(() => backend.getEvents('missing')).toThrow(NotFound);
  });
});
