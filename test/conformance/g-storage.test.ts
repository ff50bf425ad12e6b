/**
 * Conformance, section G: storage, progress and state tables
 * (`taskflow-scenarios.md` §G, S92–S94). Each test is named by its scenario id.
 *
 * S92 drives a {@link Storage} directly, as TaskFlow's `test_storage.py` does,
 * both without a backend and on a memory backend (TaskFlow runs the same tests
 * on memory and SQLite backends). S93 runs engines; S94 checks the tables of
 * `engine/states.ts`.
 */
import { describe, expect, it } from 'vitest';
import {
  Decision,
  Duplicate,
  Failure,
  FlowDetail,
  InvalidState,
  LogBook,
  MemoryBackend,
  NotFound,
  Retry,
  Storage,
  Task,
  AtomDetail,
  linear,
  states,
  type AtomOptions,
  type AtomState,
  type FlowState,
  type PersistenceBackend,
  type TaskContext,
} from '../../engine/index.js';
import { enginesFor, tempSqlite } from '../support/engines.js';
import { GiveBackRevert, NoopTask, ProgressingTask, RuntimeError } from '../support/fixtures.js';

// ----------------------------------------------------------------- helpers

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** TaskFlow's `NoopRetry`: provides nothing of its own, reverts on failure. */
class NoopRetry extends Retry {
  constructor(name: string, options: AtomOptions = {}) {
    super({ name, ...options });
  }
  execute(): unknown {
    return undefined;
  }
  onFailure(): Decision {
    return Decision.REVERT;
  }
}

/** The argument mapping `fetchMappedArgs` takes, built from a plain param→symbol map. */
type Mapping = Parameters<Storage['fetchMappedArgs']>[0];
function mapping(rebind: Record<string, string>, optional: readonly string[] = []): Mapping {
  const entries = Object.entries(rebind);
  return {
    rebind,
    optionalParams: new Set(optional),
    defaults: {},
    requires: entries.filter(([p]) => !optional.includes(p)).map(([, s]) => s),
    optional: entries.filter(([p]) => optional.includes(p)).map(([, s]) => s),
  };
}

const woot = () => Failure.fromError(new RuntimeError('Woot!'));

/** One storage setup: where the flow detail lives and how to get a storage on it. */
interface Setup {
  readonly fd: FlowDetail;
  readonly backend: PersistenceBackend | undefined;
  /** A new storage on the same flow detail object. */
  storage: () => Storage;
  /** A new storage on the flow detail as persisted (read back from the backend when there is one). */
  reloaded: () => Storage;
}

/** A storage whose flow detail was saved in a backend first, as `load()` does. */
function persisted(
  name: string,
  makeBackend: () => PersistenceBackend,
): { readonly name: string; make(): Setup } {
  return {
    name,
    make() {
      const backend = makeBackend();
      const fd = new FlowDetail('test');
      const book = new LogBook('test');
      book.add(fd);
      backend.saveLogbook(book);
      return {
        fd,
        backend,
        storage: () => new Storage(fd, backend),
        reloaded: () => new Storage(backend.getFlowDetail(fd.uuid), backend),
      };
    },
  };
}

const SETUPS: readonly { readonly name: string; make(): Setup }[] = [
  {
    name: 'without a backend',
    make() {
      const fd = new FlowDetail('test');
      return { fd, backend: undefined, storage: () => new Storage(fd), reloaded: () => new Storage(fd) };
    },
  },
  persisted('on a memory backend', () => new MemoryBackend()),
  persisted('on a SQLite file', tempSqlite),
];

// ----------------------------------------------------------------- S92

describe.each(SETUPS)('S92 storage basics, $name', (setup) => {
  it('S92a ensureAtom creates a PENDING detail with a UUID and the atom version', () => {
    const { fd, storage } = setup.make();
    const s = storage();
    s.ensureAtom(new NoopTask('my task'));
    expect(s.getAtomState('my task')).toBe(states.PENDING);
    expect(s.getAtomUuid('my task')).toMatch(UUID);

    s.ensureAtom(new NoopTask('versioned', { version: [3, 11] }));
    const td = fd.find(s.getAtomUuid('versioned'));
    expect(td).toBeDefined();
    expect(td!.name).toBe('versioned');
    expect(td!.version).toBe('3.11');
    expect(td!.state).toBe(states.PENDING);
  });

  it('S92a an existing detail is kept (its uuid too)', () => {
    const { fd, storage } = setup.make();
    fd.add(new AtomDetail('my_task', 'task', '42'));
    const s = storage();
    expect(s.getAtomUuid('my_task')).toBe('42');
    s.ensureAtom(new NoopTask('my_task'));
    expect(s.getAtomUuid('my_task')).toBe('42');
  });

  it('S92b getAtomsStates', () => {
    const s = setup.make().storage();
    s.ensureAtom(new NoopTask('my task'));
    s.ensureAtom(new NoopTask('my task2'));
    s.save('my task', 'foo');
    expect(s.getAtomsStates(['my task', 'my task2'])).toEqual({
      'my task': [states.SUCCESS, states.EXECUTE],
      'my task2': [states.PENDING, states.EXECUTE],
    });
  });

  it('S92c save and get a result of an atom that provides nothing', () => {
    const s = setup.make().storage();
    s.ensureAtom(new NoopTask('my task'));
    s.save('my task', 5);
    expect(s.get('my task')).toBe(5);
    expect(s.fetchAll()).toEqual({});
    expect(s.getAtomState('my task')).toBe(states.SUCCESS);
  });

  it('S92d a saved failure is returned while FAILURE, REVERTING and REVERTED, and after a rebuild', () => {
    const setupI = setup.make();
    const s = setupI.storage();
    const failure = woot();
    s.ensureAtom(new NoopTask('my task'));
    s.save('my task', failure, states.FAILURE);
    expect(s.get('my task')).toBe(failure);
    expect(s.getAtomState('my task')).toBe(states.FAILURE);
    expect(s.hasFailures()).toBe(true);
    expect(s.getFailures()).toEqual({ 'my task': failure });
    s.setAtomState('my task', states.REVERTING);
    expect(s.get('my task')).toBe(failure);
    s.setAtomState('my task', states.REVERTED);
    expect(s.get('my task')).toBe(failure);

    for (const rebuilt of [setupI.storage(), setupI.reloaded()]) {
      expect(rebuilt.hasFailures()).toBe(true);
      expect(Object.keys(rebuilt.getFailures())).toEqual(['my task']);
      const again = rebuilt.get('my task');
      expect(again).toBeInstanceOf(Failure);
      expect(failure.matches(again as Failure)).toBe(true);
      expect(rebuilt.getAtomState('my task')).toBe(states.REVERTED);
    }
  });

  it('S92d a failure read back without its cached copy still matches', () => {
    const setupI = setup.make();
    const s = setupI.storage();
    const failure = woot();
    s.ensureAtom(new NoopTask('my task'));
    s.save('my task', failure, states.FAILURE);
    const again = setupI.reloaded().get('my task');
    expect(failure.matches(again as Failure)).toBe(true);
    expect(setupI.reloaded().getAtomState('my task')).toBe(states.FAILURE);
  });

  // TaskFlow's `get` / `get_revert_result` turn a refused read (the atom's state
  // holds no such result) into `NotFound`, keeping the `DisallowedAccess` as cause.
  it('S92e get before any save → NotFound', () => {
    const s = setup.make().storage();
    s.ensureAtom(new NoopTask('my task'));
    expect(() => s.get('my task')).toThrow(NotFound);
  });

  it('S92e reset after a save → PENDING, and get → NotFound', () => {
    const s = setup.make().storage();
    s.ensureAtom(new NoopTask('my task'));
    s.save('my task', 5);
    s.reset('my task');
    expect(s.getAtomState('my task')).toBe(states.PENDING);
    expect(() => s.get('my task')).toThrow(NotFound);
  });

  it('S92e an unknown atom → NotFound "Unknown"', () => {
    const s = setup.make().storage();
    expect(() => s.getAtomState('my task')).toThrow(NotFound);
    expect(() => s.getAtomState('my task')).toThrow(/^Unknown/);
    expect(() => s.getAtomUuid('42')).toThrow(/^Unknown atom/);
  });

  it('S92f fetch by provided name; unknown name → NotFound "Name … is not mapped"', () => {
    const s = setup.make().storage();
    s.ensureAtom(new NoopTask('my task', { provides: 'my result' }));
    expect(s.fetchAll()).toEqual({});
    expect(() => s.get('my result')).toThrow(NotFound);
    s.save('my task', 5);
    expect(s.fetch('my result')).toBe(5);
    expect(s.fetchAll()).toEqual({ 'my result': 5 });
    expect(() => s.fetch('xxx')).toThrow(NotFound);
    expect(() => s.fetch('xxx')).toThrow(/^Name 'xxx' is not mapped/);
  });

  it('S92g positional provides and results that cannot be extracted', () => {
    const s = setup.make().storage();
    s.ensureAtom(new NoopTask('multi', { provides: ['foo', 'bar'] }));
    s.save('multi', ['spam', 'eggs']);
    expect(s.fetchAll()).toEqual({ foo: 'spam', bar: 'eggs' });

    s.ensureAtom(new NoopTask('dict', { provides: { result: 'result' } }));
    s.save('dict', {});
    expect(() => s.fetch('result')).toThrow(NotFound);
    expect(() => s.fetch('result')).toThrow(/^Unable to find result/);

    s.ensureAtom(new NoopTask('empty', { provides: ['a'] }));
    s.save('empty', []);
    expect(() => s.fetch('a')).toThrow(NotFound);
    expect(() => s.fetch('a')).toThrow(/^Unable to find result/);

    s.ensureAtom(new NoopTask('short', { provides: ['c', 'd'] }));
    s.save('short', ['result']);
    expect(s.fetch('c')).toBe('result');
    expect(() => s.fetch('d')).toThrow(NotFound);
    expect(() => s.fetch('d')).toThrow(/^Unable to find result/);
  });

  it('S92h injected values: fetch, accumulate, survive a rebuild', () => {
    const setupI = setup.make();
    const s = setupI.storage();
    s.inject({ foo: 'bar', spam: 'eggs' });
    expect(s.fetch('spam')).toBe('eggs');
    expect(s.fetchAll()).toEqual({ foo: 'bar', spam: 'eggs' });
    expect(setupI.storage().fetchAll()).toEqual({ foo: 'bar', spam: 'eggs' });
    expect(setupI.reloaded().fetchAll()).toEqual({ foo: 'bar', spam: 'eggs' });

    const t = setup.make().storage();
    t.inject({ foo: 'bar' });
    expect(t.fetchAll()).toEqual({ foo: 'bar' });
    t.inject({ spam: 'eggs' });
    expect(t.fetchAll()).toEqual({ foo: 'bar', spam: 'eggs' });
  });

  it('S92h transient and persistent injected values', () => {
    const setupI = setup.make();
    const s = setupI.storage();
    s.inject({ a: 'b' }, true);
    s.inject({ b: 'c' });
    expect(s.fetchAll()).toEqual({ a: 'b', b: 'c' });
    expect(s.fetchMappedArgs(mapping({ y: 'a', z: 'b' }))).toEqual({ y: 'b', z: 'c' });
    expect(setupI.storage().fetchAll()).toEqual({ b: 'c' });
    expect(setupI.reloaded().fetchAll()).toEqual({ b: 'c' });
  });

  it('S92i fetchMappedArgs: found, unknown, unknown but optional', () => {
    const s = setup.make().storage();
    s.inject({ foo: 'bar', spam: 'eggs' });
    expect(s.fetchMappedArgs(mapping({ viking: 'spam' }))).toEqual({ viking: 'eggs' });
    expect(() => s.fetchMappedArgs(mapping({ viking: 'helmet' }))).toThrow(NotFound);
    expect(s.fetchMappedArgs(mapping({ viking: 'spam' }, ['viking']))).toEqual({ viking: 'eggs' });
    expect(s.fetchMappedArgs(mapping({ viking: 'helmet' }, ['viking']))).toEqual({});
  });

  it('S92j task progress and its details', () => {
    const s = setup.make().storage();
    s.ensureAtom(new NoopTask('my task'));
    expect(s.getTaskProgress('my task')).toBe(0);
    expect(s.getTaskProgressDetails('my task')).toBeNull();

    s.setTaskProgress('my task', 0.5, { test_data: 11 });
    expect(s.getTaskProgress('my task')).toBe(0.5);
    expect(s.getTaskProgressDetails('my task')).toEqual({ atProgress: 0.5, details: { test_data: 11 } });

    s.setTaskProgress('my task', 0.7, { test_data: 17 });
    expect(s.getTaskProgress('my task')).toBe(0.7);
    expect(s.getTaskProgressDetails('my task')).toEqual({ atProgress: 0.7, details: { test_data: 17 } });

    s.setTaskProgress('my task', 0.99);
    expect(s.getTaskProgress('my task')).toBe(0.99);
    expect(s.getTaskProgressDetails('my task')).toEqual({ atProgress: 0.7, details: { test_data: 17 } });

    s.setTaskProgress('my task', 0.8, {});
    expect(s.getTaskProgress('my task')).toBe(0.8);
    expect(s.getTaskProgressDetails('my task')).toBeNull();
  });

  it('S92j empty details on a fresh task erase nothing and store none', () => {
    const s = setup.make().storage();
    s.ensureAtom(new NoopTask('my task'));
    s.setTaskProgress('my task', 0.8, {});
    expect(s.getTaskProgress('my task')).toBe(0.8);
    expect(s.getTaskProgressDetails('my task')).toBeNull();
  });

  it('S92k retry history', () => {
    const s = setup.make().storage();
    s.ensureAtom(new NoopRetry('my retry'));
    expect([...s.getRetryHistory('my retry')]).toEqual([]);
    s.save('my retry', 'a');
    s.save('my retry', 'b');
    const history = s.getRetryHistory('my retry');
    expect([...history]).toEqual([
      ['a', {}],
      ['b', {}],
    ]);
    expect([...history.providedIter()]).toEqual(['a', 'b']);
  });

  it('S92k retry history with provides', () => {
    // In TaskFlow, provides=['x'] on a retry whose value is 'b' extracts 'b'[0],
    // which is 'b' for a one-character Python string.
    const s = setup.make().storage();
    s.ensureAtom(new NoopRetry('my retry', { provides: ['x'] }));
    s.save('my retry', 'a');
    s.save('my retry', 'b');
    const history = s.getRetryHistory('my retry');
    expect([...history]).toEqual([
      ['a', {}],
      ['b', {}],
    ]);
    expect([...history.providedIter()]).toEqual(['a', 'b']);
    expect(s.fetchAll()).toEqual({ x: 'b' });
    expect(s.fetch('x')).toBe('b');
  });

  it('S92k cleanupRetryHistory empties the history', () => {
    const s = setup.make().storage();
    s.ensureAtom(new NoopRetry('my retry', { provides: ['x'] }));
    s.save('my retry', 'a');
    s.save('my retry', 'b');
    s.cleanupRetryHistory('my retry', states.REVERTED);
    const history = s.getRetryHistory('my retry');
    expect([...history]).toEqual([]);
    expect(history.length).toBe(0);
    expect(s.fetchAll()).toEqual({});
  });

  it("S92k a retry's own failure keeps its history", () => {
    const s = setup.make().storage();
    const failure = woot();
    s.ensureAtom(new NoopRetry('my retry', { provides: ['x'] }));
    s.save('my retry', 'a');
    s.save('my retry', failure, states.FAILURE);
    const history = s.getRetryHistory('my retry');
    expect([...history]).toEqual([['a', {}]]);
    expect(history.causedBy(RuntimeError, undefined, true)).toBe(true);
    expect(history.failure).toBeDefined();
    expect(history.length).toBe(1);
    expect(s.hasFailures()).toBe(true);
    expect(s.getFailures()).toEqual({ 'my retry': failure });
  });

  it('S92b intentions are saved and read back', () => {
    const s = setup.make().storage();
    s.ensureAtom(new NoopTask('my task'));
    s.setAtomIntention('my task', states.REVERT);
    expect(s.getAtomIntention('my task')).toBe(states.REVERT);
    s.ensureAtom(new NoopTask('my retry'));
    s.setAtomIntention('my retry', states.RETRY);
    expect(s.getAtomIntention('my retry')).toBe(states.RETRY);
  });

  it('S92l a task and a retry with the same name → Duplicate "Atom detail"', () => {
    const s = setup.make().storage();
    s.ensureAtom(new NoopTask('my retry'));
    expect(() => s.ensureAtom(new NoopRetry('my retry'))).toThrow(Duplicate);
    expect(() => s.ensureAtom(new NoopRetry('my retry'))).toThrow(/^Atom detail/);
  });

  it('S92m atom-scoped injection: persistent, then transient wins', () => {
    const s = setup.make().storage();
    const t = new ProgressingTask('my retry', { requires: ['x'] });
    s.ensureAtom(t);
    expect(s.fetchUnsatisfiedArgs(t.name, t.executeMapping)).toEqual(['x']);
    s.injectAtomArgs(t.name, { x: 2 }, false);
    expect(s.fetchUnsatisfiedArgs(t.name, t.executeMapping)).toEqual([]);
    expect(s.fetchMappedArgs(t.executeMapping, t.name).x).toBe(2);
    s.injectAtomArgs(t.name, { x: 3 }, true);
    expect(s.fetchUnsatisfiedArgs(t.name, t.executeMapping)).toEqual([]);
    expect(s.fetchMappedArgs(t.executeMapping, t.name).x).toBe(3);
  });

  it('S92n saved as REVERTED: get → NotFound, getRevertResult → the value', () => {
    const s = setup.make().storage();
    s.ensureAtom(new GiveBackRevert('my task'));
    s.setAtomIntention('my task', states.REVERT);
    s.save('my task', 2, states.REVERTED);
    expect(s.getRevertResult('my task')).toBe(2);
    expect(() => s.get('my task')).toThrow(NotFound);
  });

  it('S92n saved as REVERT_FAILURE: getRevertResult → the failure', () => {
    const s = setup.make().storage();
    s.ensureAtom(new GiveBackRevert('my task'));
    s.setAtomIntention('my task', states.REVERT);
    const failure = woot();
    s.save('my task', failure, states.REVERT_FAILURE);
    expect(s.getRevertResult('my task')).toBe(failure);
  });

  it('S92n a plain successful save: get → the value, getRevertResult → NotFound', () => {
    const s = setup.make().storage();
    s.ensureAtom(new GiveBackRevert('my task'));
    s.save('my task', 2);
    expect(s.get('my task')).toBe(2);
    expect(() => s.getRevertResult('my task')).toThrow(NotFound);
  });

  // S92(o) is about 50 threads racing on one storage. JavaScript has no threads
  // and every Storage method is synchronous, so no two calls can interleave;
  // what remains testable is the sequential equivalent.
  it('S92o (sequential equivalent of 50 threads) ensuring one atom 50 times makes one detail', () => {
    const { fd, storage } = setup.make();
    const s = storage();
    for (let i = 0; i < 50; i++) s.ensureAtom(new NoopTask('my_task'));
    expect(fd.atoms.size).toBe(1);
  });

  it('S92o (sequential equivalent of 50 threads) 50 injections of distinct keys: 50 values, one injector detail', () => {
    const { fd, storage } = setup.make();
    const s = storage();
    for (let i = 0; i < 50; i++) s.inject({ [String(i)]: String(i) });
    expect(Object.keys(s.fetchAll()).length).toBe(50);
    expect(fd.atoms.size).toBe(1);
  });
});

// ----------------------------------------------------------------- S93

/** TaskFlow's `ProgressTask(name, segments)`: reports i/segments for i = 1 … segments-1. */
class ProgressTask extends Task {
  constructor(
    name: string,
    private readonly segments: number,
  ) {
    super({ name });
  }
  execute(_args: unknown, ctx: TaskContext): unknown {
    for (let i = 1; i < this.segments; i++) ctx.updateProgress(i / this.segments);
    return undefined;
  }
}

/** Reports 0.5 with details `{ test: 'test data', foo: 'bar' }`. */
class ProgressTaskWithDetails extends Task {
  execute(_args: unknown, ctx: TaskContext): unknown {
    ctx.updateProgress(0.5, { test: 'test data', foo: 'bar' });
    return undefined;
  }
}

describe.each(enginesFor('S'))('$name engine', (eng) => {
  describe('S93 progress through an engine', () => {
    it('S93a a task reporting i/5: six values, from 0.0 to 1.0', async () => {
      const engine = eng.load(linear('test').add(new ProgressTask('test', 5)));
      const seen: number[] = [];
      engine.notifier.on('progress', (e) => {
        if (e.name === 'test') seen.push(e.progress);
      });
      await engine.run();
      expect(seen.length).toBe(6);
      expect(seen[0]).toBe(0);
      expect(seen.at(-1)).toBe(1);
    });

    it('S93b a task reporting nothing: exactly 0.0 and 1.0', async () => {
      const engine = eng.load(linear('test').add(new ProgressTask('test', 0)));
      const seen: number[] = [];
      engine.notifier.on('progress', (e) => {
        if (e.name === 'test') seen.push(e.progress);
      });
      await engine.run();
      expect(seen).toEqual([0, 1]);
    });

    it('S93c progress is stored in the flow detail on a memory backend', async () => {
      const backend = new MemoryBackend();
      const fd = new FlowDetail('test');
      const book = new LogBook('test');
      book.add(fd);
      backend.saveLogbook(book);
      const engine = eng.load(linear('test').add(new ProgressTask('test', 3)), { backend, flowDetail: fd });
      await engine.run();
      expect(engine.storage.getTaskProgress('test')).toBe(1);
      const uuid = engine.storage.getAtomUuid('test');
      const td = fd.find(uuid)!;
      expect(td.meta.progress).toBe(1);
      expect(td.meta.progressDetails ?? null).toBeNull();
      const persisted = backend.getFlowDetail(fd.uuid).find(uuid)!;
      expect(persisted.meta.progress).toBe(1);
      expect(persisted.meta.progressDetails ?? null).toBeNull();
    });

    it('S93c (dual) listener and storage agree', async () => {
      const backend = new MemoryBackend();
      const fd = new FlowDetail('test');
      const book = new LogBook('test');
      book.add(fd);
      backend.saveLogbook(book);
      const engine = eng.load(linear('test').add(new ProgressTask('test', 5)), { backend, flowDetail: fd });
      const seen: number[] = [];
      engine.notifier.on('progress', (e) => {
        if (e.name === 'test') seen.push(e.progress);
      });
      await engine.run();
      expect(engine.storage.getTaskProgress('test')).toBe(1);
      const td = fd.find(engine.storage.getAtomUuid('test'))!;
      expect(td.meta.progress).toBe(1);
      expect(td.meta.progressDetails ?? null).toBeNull();
      expect(seen.length).toBe(6);
    });

    it('S93d progress details survive the final 1.0', async () => {
      const engine = eng.load(new ProgressTaskWithDetails({ name: 'test' }));
      await engine.run();
      expect(engine.storage.getTaskProgress('test')).toBe(1);
      const details = engine.storage.getTaskProgressDetails('test');
      expect(details?.atProgress).toBe(0.5);
      expect(details?.details).toEqual({ test: 'test data', foo: 'bar' });
    });
  });
});

// ----------------------------------------------------------------- S94

describe('S94 state tables', () => {
  const { checkFlowTransition, checkTaskTransition, checkRetryTransition } = states;
  const S = states;

  it('S94a flow transitions named by the catalogue', () => {
    expect(checkFlowTransition(S.SUCCESS, S.SUCCESS)).toBe(false);
    expect(checkFlowTransition(S.SUCCESS, S.RUNNING)).toBe(true);
    expect(checkFlowTransition(S.PENDING, S.RESUMING)).toBe(false);
    expect(checkFlowTransition(S.RUNNING, S.RESUMING)).toBe(true);
    expect(() => checkFlowTransition(S.FAILURE, S.SUCCESS)).toThrow(InvalidState);
    expect(() => checkFlowTransition(S.FAILURE, S.SUCCESS)).toThrow(/^Flow transition.*not allowed/);
    for (const [a, b] of [
      [S.RUNNING, S.PENDING],
      [S.REVERTED, S.RUNNING],
      [S.RESUMING, S.RUNNING],
    ] as const) {
      expect(() => checkFlowTransition(a, b)).toThrow(InvalidState);
    }
  });

  // The whole table (semantics §7.1): allowed → true; ignored (and X→X) → false; else InvalidState.
  const FLOW_ALLOWED: readonly (readonly [FlowState, FlowState])[] = [
    [S.PENDING, S.RUNNING],
    [S.RUNNING, S.SUCCESS],
    [S.RUNNING, S.FAILURE],
    [S.RUNNING, S.REVERTED],
    [S.RUNNING, S.SUSPENDING],
    [S.RUNNING, S.RESUMING],
    [S.SUCCESS, S.RUNNING],
    [S.SUCCESS, S.PENDING],
    [S.FAILURE, S.RUNNING],
    [S.REVERTED, S.PENDING],
    [S.SUSPENDING, S.SUSPENDED],
    [S.SUSPENDING, S.SUCCESS],
    [S.SUSPENDING, S.FAILURE],
    [S.SUSPENDING, S.REVERTED],
    [S.SUSPENDING, S.RESUMING],
    [S.SUSPENDED, S.RUNNING],
    [S.RESUMING, S.SUSPENDED],
  ];
  const IGNORED_FROM: readonly FlowState[] = [S.PENDING, S.FAILURE, S.SUCCESS, S.SUSPENDED, S.REVERTED];
  const IGNORED_TO: readonly FlowState[] = [S.SUSPENDING, S.SUSPENDED, S.RESUMING];

  it('S94b the whole flow table', () => {
    const allowed = new Set(FLOW_ALLOWED.map(([a, b]) => `${a}>${b}`));
    for (const a of S.FLOW_STATES) {
      for (const b of S.FLOW_STATES) {
        const pair = `${a}>${b}`;
        if (allowed.has(pair)) {
          expect(checkFlowTransition(a, b), pair).toBe(true);
        } else if (a === b || (IGNORED_FROM.includes(a) && IGNORED_TO.includes(b))) {
          expect(checkFlowTransition(a, b), pair).toBe(false);
        } else {
          expect(() => checkFlowTransition(a, b), pair).toThrow(
            new RegExp(`^Flow transition from '${a}' to '${b}' is not allowed`),
          );
        }
      }
    }
  });

  const TASK_ALLOWED: readonly (readonly [AtomState, AtomState])[] = [
    [S.PENDING, S.RUNNING],
    [S.PENDING, S.IGNORE],
    [S.RUNNING, S.SUCCESS],
    [S.RUNNING, S.FAILURE],
    [S.FAILURE, S.REVERTING],
    [S.SUCCESS, S.REVERTING],
    [S.REVERTING, S.REVERTED],
    [S.REVERTING, S.REVERT_FAILURE],
    [S.REVERTED, S.PENDING],
    [S.IGNORE, S.PENDING],
  ];
  const RETRY_ALLOWED: readonly (readonly [AtomState, AtomState])[] = [
    ...TASK_ALLOWED,
    [S.SUCCESS, S.RETRYING],
    [S.RETRYING, S.RUNNING],
  ];

  it('S94c task transitions named by the catalogue', () => {
    const some: readonly AtomState[] = [S.PENDING, S.RUNNING, S.REVERTING, S.SUCCESS, S.FAILURE, S.REVERTED];
    const only = (from: AtomState, to: readonly AtomState[]) => {
      for (const s of some) expect(checkTaskTransition(from, s), `${from}>${s}`).toBe(to.includes(s));
    };
    only(S.PENDING, [S.RUNNING]);
    only(S.RUNNING, [S.SUCCESS, S.FAILURE]);
    only(S.SUCCESS, [S.REVERTING]);
    only(S.FAILURE, [S.REVERTING]);
    expect(checkTaskTransition(S.REVERTING, S.REVERTED)).toBe(true);
    expect(checkTaskTransition(S.REVERTING, S.REVERT_FAILURE)).toBe(true);
    only(S.REVERTING, [S.REVERTED]);
    only(S.REVERTED, [S.PENDING]);
    expect(checkTaskTransition(S.RETRYING, S.PENDING)).toBe(false);
  });

  it.each([
    ['task', checkTaskTransition, TASK_ALLOWED],
    ['retry', checkRetryTransition, RETRY_ALLOWED],
  ] as const)(
    'S94d the whole %s table; disallowed transitions return false, never raise',
    (_kind, check, table) => {
      const allowed = new Set(table.map(([a, b]) => `${a}>${b}`));
      for (const a of S.ATOM_STATES) {
        for (const b of S.ATOM_STATES) {
          expect(check(a, b), `${a}>${b}`).toBe(allowed.has(`${a}>${b}`));
        }
      }
    },
  );

  it('S94e retry transitions named by the catalogue', () => {
    expect(checkRetryTransition(S.SUCCESS, S.RETRYING)).toBe(true);
    expect(checkRetryTransition(S.SUCCESS, S.REVERTING)).toBe(true);
    for (const s of [S.RUNNING, S.SUCCESS, S.PENDING, S.FAILURE, S.REVERTED] as const) {
      expect(checkRetryTransition(S.SUCCESS, s), `SUCCESS>${s}`).toBe(false);
    }
    expect(checkRetryTransition(S.RETRYING, S.RUNNING)).toBe(true);
    for (const s of [S.RETRYING, S.SUCCESS, S.PENDING, S.FAILURE, S.REVERTED] as const) {
      expect(checkRetryTransition(S.RETRYING, s), `RETRYING>${s}`).toBe(false);
    }
  });
});
