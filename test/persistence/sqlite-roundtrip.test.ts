/**
 * The SQLite backend keeps what it is given: logbooks, flow details and atom
 * details read back (through a new backend on the same file) equal to what
 * was written, field by field.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  AtomDetail,
  Failure,
  FlowDetail,
  LogBook,
  NotFound,
  SqliteBackend,
  StorageFailure,
  states,
} from '../../engine/index.js';
import { RuntimeError } from '../support/fixtures.js';
import { tempFolder } from './sqlite-support.js';

const tmp = tempFolder();

function failure(message: string): Failure {
  try {
    throw new RuntimeError(message, { cause: new TypeError('underneath') });
  } catch (e) {
    return Failure.fromError(e);
  }
}

/** A logbook with one run holding a task and a retry with every field set. */
function sample(): { book: LogBook; fd: FlowDetail; task: AtomDetail; retry: AtomDetail } {
  const book = new LogBook('book ✓ 日本語');
  book.meta = { owner: 'ünïcødé', nested: { list: [1, 'two', null] } };
  const fd = new FlowDetail('flow 🚀');
  fd.state = states.FAILURE;
  fd.meta = { engine: 'serial', duration: 12.5 };
  const task = new AtomDetail('task ✓', 'task');
  task.state = states.REVERT_FAILURE;
  task.intention = states.REVERT;
  task.results = { a: [1, 2, { b: 'c' }], emoji: '🎉', zero: 0, f: false };
  task.failure = failure('execute broke');
  task.revertResults = ['r', 1];
  task.revertFailure = failure('revert broke');
  task.meta = {
    progress: 0.5,
    progressDetails: { atProgress: 0.5, details: { step: 'half' } },
    injected: { x: 1 },
  };
  task.version = '2.1';
  const retry = new AtomDetail('retry', 'retry');
  retry.state = states.RETRYING;
  retry.intention = states.RETRY;
  retry.results = [
    [1, { 'task ✓': failure('first') }],
    [undefined, {}],
    [null, { 'task ✓': failure('third') }],
  ];
  retry.failure = failure('retry failed');
  fd.add(task);
  fd.add(retry);
  book.add(fd);
  return { book, fd, task, retry };
}

function expectSameFailure(actual: Failure | undefined, expected: Failure | undefined): void {
  if (expected === undefined) {
    expect(actual).toBeUndefined();
    return;
  }
  expect(actual).toBeInstanceOf(Failure);
  expect(actual!.toDict()).toEqual(expected.toDict());
  expect(actual!.matches(expected)).toBe(true);
}

function expectSameAtom(actual: AtomDetail | undefined, expected: AtomDetail): void {
  expect(actual).toBeDefined();
  const a = actual!;
  expect(a.uuid).toBe(expected.uuid);
  expect(a.name).toBe(expected.name);
  expect(a.kind).toBe(expected.kind);
  expect(a.state).toBe(expected.state);
  expect(a.intention).toBe(expected.intention);
  expect(a.version).toBe(expected.version);
  expect(a.meta).toStrictEqual(expected.meta);
  expect(a.toDict()).toStrictEqual(expected.toDict());
  expectSameFailure(a.failure, expected.failure);
  expectSameFailure(a.revertFailure, expected.revertFailure);
  if (expected.kind === 'retry') {
    expect(a.history.length).toBe(expected.history.length);
    a.history.forEach(([value, fails], i) => {
      const [eValue, eFails] = expected.history[i]!;
      expect(value).toStrictEqual(eValue);
      expect(Object.keys(fails)).toEqual(Object.keys(eFails));
      for (const [name, f] of Object.entries(fails)) expectSameFailure(f, eFails[name]);
    });
  } else {
    expect(a.results).toStrictEqual(expected.results);
    expect(a.revertResults).toStrictEqual(expected.revertResults);
  }
}

describe('SQLite round trips', () => {
  it('a logbook with a run and its task and retry details, every field, read by a new backend', () => {
    const file = tmp.file();
    const { book, fd, task, retry } = sample();
    const writer = new SqliteBackend(file);
    writer.saveLogbook(book);
    writer.close();

    const reader = new SqliteBackend(file);
    const lb = reader.getLogbook(book.uuid);
    expect(lb.name).toBe(book.name);
    expect(lb.meta).toStrictEqual(book.meta);
    expect(lb.createdAt).toBe(book.createdAt);
    expect(lb.updatedAt).toBe(book.updatedAt);
    expect([...lb].map((f) => f.uuid)).toEqual([fd.uuid]);
    const got = reader.getFlowDetail(fd.uuid);
    expect(got.name).toBe(fd.name);
    expect(got.state).toBe(fd.state);
    expect(got.meta).toStrictEqual(fd.meta);
    expect([...got].map((a) => a.name)).toEqual(['task ✓', 'retry']);
    expectSameAtom(got.atoms.get('task ✓'), task);
    expectSameAtom(got.atoms.get('retry'), retry);
    expect(lb.find(fd.uuid)!.atoms.size).toBe(2);
    reader.close();
  });

  it('undefined and null stay distinct, at the top of a field and inside values', () => {
    const file = tmp.file();
    const b = new SqliteBackend(file);
    const book = new LogBook('b');
    const fd = new FlowDetail('f');
    const undef = new AtomDetail('undef', 'task');
    undef.results = undefined;
    undef.revertResults = undefined;
    const nul = new AtomDetail('null', 'task');
    nul.results = null;
    nul.revertResults = null;
    const inner = new AtomDetail('inner', 'task');
    inner.results = { u: undefined, n: null, list: [undefined, null, 1], deep: { u: undefined } };
    inner.meta = { progressDetails: null, gone: undefined };
    fd.add(undef);
    fd.add(nul);
    fd.add(inner);
    book.add(fd);
    b.saveLogbook(book);
    b.close();

    const r = new SqliteBackend(file);
    const got = r.getFlowDetail(fd.uuid);
    expect(got.atoms.get('undef')!.results).toBeUndefined();
    expect(got.atoms.get('undef')!.revertResults).toBeUndefined();
    expect(got.atoms.get('null')!.results).toBeNull();
    expect(got.atoms.get('null')!.revertResults).toBeNull();
    const res = got.atoms.get('inner')!.results as Record<string, unknown>;
    expect(res).toStrictEqual({ u: undefined, n: null, list: [undefined, null, 1], deep: { u: undefined } });
    expect(Object.keys(res)).toEqual(['u', 'n', 'list', 'deep']);
    expect(0 in (res.list as unknown[])).toBe(true); // a real undefined element, not a hole
    expect(got.atoms.get('inner')!.meta).toStrictEqual({ progressDetails: null, gone: undefined });
    expect(got.state).toBeUndefined();
    r.close();
  });

  it('values beyond JSON: Date, Map, Set, Error, Failure, NaN, ±Infinity, -0, and objects using the tag key', () => {
    const file = tmp.file();
    const b = new SqliteBackend(file);
    const book = new LogBook('b');
    const fd = new FlowDetail('f');
    const ad = new AtomDetail('t', 'task');
    const when = new Date('2024-02-29T12:34:56.789Z');
    const err = new RangeError('too far');
    const value = {
      when,
      map: new Map<unknown, unknown>([
        ['k', 1],
        [2, { deep: new Set(['x']) }],
      ]),
      set: new Set([1, 'a', undefined]),
      err,
      failure: failure('as a value'),
      nums: [NaN, Infinity, -Infinity, -0, 0, 1.5],
      tagged: { $af: 'undefined', v: 'not a tag' },
      proto: JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
      str: 'with "$af" inside',
    };
    ad.results = value;
    fd.add(ad);
    book.add(fd);
    b.saveLogbook(book);
    b.close();
    const r = new SqliteBackend(file);
    const got = r.getFlowDetail(fd.uuid).atoms.get('t')!.results as typeof value;
    r.close();
    expect(got.when).toBeInstanceOf(Date);
    expect(got.when.toISOString()).toBe(when.toISOString());
    expect(got.map).toBeInstanceOf(Map);
    expect([...got.map.keys()]).toEqual(['k', 2]);
    expect(got.map.get(2)).toEqual({ deep: new Set(['x']) });
    expect(got.set).toStrictEqual(new Set([1, 'a', undefined]));
    expect(got.err).toBeInstanceOf(Error);
    expect(got.err.name).toBe('RangeError');
    expect(got.err.message).toBe('too far');
    expect(got.failure).toBeInstanceOf(Failure);
    expect(got.failure.exceptionStr).toBe('as a value');
    expect(got.nums[0]).toBeNaN();
    expect(got.nums.slice(1, 3)).toEqual([Infinity, -Infinity]);
    expect(Object.is(got.nums[3], -0)).toBe(true);
    expect(got.nums.slice(4)).toEqual([0, 1.5]);
    expect(got.tagged).toStrictEqual({ $af: 'undefined', v: 'not a tag' });
    expect(Object.getPrototypeOf(got.proto)).toBe(Object.prototype);
    expect(Object.hasOwn(got.proto as object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(got.str).toBe(value.str);
  });

  it('atom details keep their creation order across updates and new atoms', () => {
    const file = tmp.file();
    const b = new SqliteBackend(file);
    const book = new LogBook('b');
    const fd = new FlowDetail('f');
    const names = ['z', 'a', 'm', 'b'];
    for (const n of names.slice(0, 2)) fd.add(new AtomDetail(n, 'task'));
    book.add(fd);
    b.saveLogbook(book);
    const later = names.slice(2).map((n) => new AtomDetail(n, 'task'));
    for (const ad of later) fd.add(ad);
    b.updateFlowDetail(fd, later);
    const first = fd.atoms.get('z')!;
    first.state = states.SUCCESS;
    b.updateAtomDetail(fd.uuid, first);
    b.close();
    const r = new SqliteBackend(file);
    expect([...r.getFlowDetail(fd.uuid)].map((a) => a.name)).toEqual(names);
    expect(r.getFlowDetail(fd.uuid).atoms.get('z')!.state).toBe(states.SUCCESS);
    r.close();
  });

  it('saving a logbook again updates it and moves nothing else; getLogbooks returns all', () => {
    const b = new SqliteBackend(tmp.file());
    const one = new LogBook('one');
    const fd1 = new FlowDetail('f1');
    one.add(fd1);
    b.saveLogbook(one);
    const two = new LogBook('two');
    two.add(new FlowDetail('f2'));
    two.add(new FlowDetail('f3'));
    b.saveLogbook(two);
    one.meta = { changed: true };
    fd1.state = states.RUNNING;
    b.saveLogbook(one);
    const all = b.getLogbooks();
    expect(all.map((l) => l.name)).toEqual(['one', 'two']);
    expect(all[0]!.meta).toEqual({ changed: true });
    expect([...all[0]!].map((f) => [f.name, f.state])).toEqual([['f1', states.RUNNING]]);
    expect([...all[1]!].map((f) => f.name)).toEqual(['f2', 'f3']);
    b.close();
  });

  it('the same atom uuid in two runs is two details (as in the memory backend)', () => {
    const b = new SqliteBackend(tmp.file());
    const book = new LogBook('b');
    const f1 = new FlowDetail('f1');
    const f2 = new FlowDetail('f2');
    const a1 = new AtomDetail('t', 'task', '42');
    a1.results = 1;
    const a2 = new AtomDetail('t', 'task', '42');
    a2.results = 2;
    f1.add(a1);
    f2.add(a2);
    book.add(f1);
    book.add(f2);
    b.saveLogbook(book);
    expect(b.getFlowDetail(f1.uuid).atoms.get('t')!.results).toBe(1);
    expect(b.getFlowDetail(f2.uuid).atoms.get('t')!.results).toBe(2);
    b.close();
  });

  it('unknown uuids are NotFound; destroyLogbook and clearAll remove runs, atoms and events', () => {
    const file = tmp.file();
    const b = new SqliteBackend(file);
    expect(() => b.getLogbook('nope')).toThrow(NotFound);
    expect(() => b.getFlowDetail('nope')).toThrow(NotFound);
    expect(() => {
      b.destroyLogbook('nope');
    }).toThrow(NotFound);
    expect(() => {
      b.updateFlowDetail(new FlowDetail('x'));
    }).toThrow(NotFound);
    expect(() => {
      b.updateAtomDetail('nope', new AtomDetail('a', 'task'));
    }).toThrow(NotFound);
    expect(() => {
      b.updateAtomDetail('nope', new AtomDetail('a', 'task'), { durable: false });
    }).toThrow(NotFound);
    expect(() => b.getEvents('nope')).toThrow(NotFound);

    const keep = new LogBook('keep');
    keep.add(new FlowDetail('k'));
    const drop = new LogBook('drop');
    const fd = new FlowDetail('d');
    fd.add(new AtomDetail('a', 'task'));
    drop.add(fd);
    b.saveLogbook(keep);
    b.saveLogbook(drop);
    b.updateFlowDetail(fd, [], {
      event: {
        type: 'flow',
        state: states.RUNNING,
        oldState: states.PENDING,
        flowName: 'd',
        flowUuid: fd.uuid,
      },
    });
    b.destroyLogbook(drop.uuid);
    expect(() => b.getFlowDetail(fd.uuid)).toThrow(NotFound);
    const raw = new Database(file, { readonly: true });
    const count = (t: string): number => raw.prepare<[], number>(`SELECT count(*) FROM ${t}`).pluck().get()!;
    expect([count('logbooks'), count('flowdetails'), count('atomdetails'), count('events')]).toEqual([
      1, 1, 0, 0,
    ]);
    b.clearAll();
    expect([count('logbooks'), count('flowdetails'), count('atomdetails'), count('events')]).toEqual([
      0, 0, 0, 0,
    ]);
    expect(b.getLogbooks()).toEqual([]);
    raw.close();
    b.close();
  });

  it('a value that cannot be stored is a StorageFailure naming run, atom and field, and nothing is written', () => {
    const file = tmp.file();
    const b = new SqliteBackend(file);
    const book = new LogBook('b');
    const fd = new FlowDetail('f');
    const ok = new AtomDetail('ok', 'task');
    fd.add(ok);
    book.add(fd);
    b.saveLogbook(book);

    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const cases: [string, unknown, RegExp][] = [
      ['results', { deep: { fn: () => 1 } }, /results\.deep\.fn/],
      ['results', { n: 10n }, /bigint .*results\.n/],
      ['results', circular, /circular .*results\.self/],
      ['revertResults', [Symbol('s')], /symbol .*revertResults\[0\]/],
      ['meta', { m: new Map([['k', () => 2]]) }, /meta\.m\.get\("k"\)/],
    ];
    for (const [field, value, where] of cases) {
      const bad = new AtomDetail(`bad ${field}`, 'task');
      if (field === 'meta') bad.meta = value as Record<string, unknown>;
      else (bad as unknown as Record<string, unknown>)[field] = value;
      const other = fd.atoms.get('ok')!;
      other.state = states.RUNNING;
      // Flow update with a good atom and a bad one: neither lands.
      fd.state = states.RUNNING;
      let err: unknown;
      try {
        b.updateFlowDetail(fd, [other, bad]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StorageFailure);
      const msg = (err as Error).message;
      expect(msg).toContain(fd.uuid);
      expect(msg).toContain(`bad ${field}`);
      expect(msg).toContain(field);
      expect(msg).toMatch(where);
      expect(() => {
        b.updateAtomDetail(fd.uuid, bad);
      }).toThrow(StorageFailure);
      expect(() => {
        b.updateAtomDetail(fd.uuid, bad, { durable: false });
      }).toThrow(StorageFailure);
    }
    const flowMeta = new FlowDetail('g');
    flowMeta.meta = { callback: () => 0 };
    const book2 = new LogBook('b2');
    book2.add(flowMeta);
    expect(() => {
      b.saveLogbook(book2);
    }).toThrow(/run 'g'.*meta holds a function \(at meta\.callback\)/);
    b.close();

    const r = new SqliteBackend(file);
    const got = r.getFlowDetail(fd.uuid);
    expect(got.state).toBeUndefined();
    expect([...got].map((a) => [a.name, a.state])).toEqual([['ok', states.PENDING]]);
    expect(r.getLogbooks().map((l) => l.name)).toEqual(['b']);
    r.close();
  });

  it('using a closed backend is a clear StorageFailure; closing twice is fine', () => {
    const file = tmp.file();
    const b = new SqliteBackend(file);
    b.close();
    b.close();
    expect(b.closed).toBe(true);
    expect(() => b.getLogbooks()).toThrow(StorageFailure);
    expect(() => b.getLogbooks()).toThrow(`the SQLite backend of '${file}' is closed`);
    expect(() => {
      b.saveLogbook(new LogBook('x'));
    }).toThrow(/closed/);
  });

  it('opens an in-memory database with :memory:', () => {
    const b = new SqliteBackend(':memory:');
    const book = new LogBook('m');
    book.add(new FlowDetail('f'));
    b.saveLogbook(book);
    expect(b.getLogbooks()).toHaveLength(1);
    b.close();
  });

  it('rejects bad options', () => {
    expect(() => new SqliteBackend(tmp.file(), { busyTimeoutMs: -1 })).toThrow(/busyTimeoutMs/);
    expect(() => new SqliteBackend(tmp.file(), { synchronous: 'off' as unknown as 'full' })).toThrow(
      /synchronous/,
    );
  });
});
