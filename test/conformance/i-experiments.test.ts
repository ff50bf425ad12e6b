/**
 * Conformance, section I: behaviours verified by experiment on TaskFlow master
 * (`taskflow-scenarios.md` §I, S100–S112). Each test is named by its scenario id.
 *
 * The catalogue checked these on TaskFlow's default (serial) engine. Except for
 * S102 (which is about the serial executor's batching) and S110 (construction
 * only, no engine), they describe engine-level semantics that do not depend on
 * how tasks are executed, so they run on every engine of the suite.
 */
import { describe, expect, it } from 'vitest';
import {
  AmbiguousDependency,
  Failure,
  FlowDetail,
  InvalidState,
  LogBook,
  MissingDependencies,
  NotFound,
  Task,
  Times,
  WrappedFailure,
  graph,
  linear,
  states,
  unordered,
  type AtomOptions,
  type Decider,
  type Engine,
  type Values,
} from '../../engine/index.js';
import { captureAll, raisedMatches, runExpectingError } from '../support/capture.js';
import { enginesFor, type EngineUnderTest } from '../support/engines.js';
import {
  ConditionalTask,
  FailingTask,
  NastyTask,
  OptionalTask,
  ProgressingTask,
  TaskOneReturn,
} from '../support/fixtures.js';

/** The catalogue's `P`: a task that returns a fixed value (100 unless told). */
class P extends Task {
  constructor(
    name: string,
    private readonly value: unknown,
    options: Omit<AtomOptions, 'name'> = {},
  ) {
    super({ name, ...options });
  }
  execute(): unknown {
    return this.value;
  }
}

/** The catalogue's `C`: requires `x` and records what it received. */
class C extends Task {
  readonly received: unknown[] = [];
  constructor(name: string) {
    super({ name, requires: ['x'] });
  }
  execute(args: Values): unknown {
    this.received.push(args.x);
    return undefined;
  }
}

const no: Decider = () => false;

describe.each(enginesFor('SPW'))('$name engine', (eng) => {
  describe('S100 decider depth ALL reaches past the enclosing flow', () => {
    it('S100a depth ALL ignores everything after the enclosing graph', async () => {
      const a = new ProgressingTask('a');
      const b = new ProgressingTask('b');
      const g = graph('g').add(a, b).link(a, b, { decider: no });
      const flow = linear('root').add(
        g,
        new ProgressingTask('c'),
        linear('sub').add(new ProgressingTask('d')),
      );
      const engine = eng.load(flow);
      const cap = captureAll(engine);
      await engine.run();
      expect(cap.values).toEqual([
        'root.f RUNNING',
        'a.t RUNNING',
        'a.t SUCCESS(5)',
        'b.t IGNORE',
        'c.t IGNORE',
        'd.t IGNORE',
        'root.f SUCCESS',
      ]);
    });

    it.each([
      ['flow', ['b', 'c']],
      ['neighbors', ['b', 'c']],
      ['atom', ['b']],
    ] as const)('S100b depth %s ignores %j and d runs', async (depth, ignored) => {
      const a = new ProgressingTask('a');
      const b = new ProgressingTask('b');
      const c = new ProgressingTask('c');
      const g = graph('g').add(a, b, c);
      g.link(a, b, { decider: no, depth });
      g.link(b, c);
      const engine = eng.load(linear('root').add(g, new ProgressingTask('d')));
      await engine.run();
      for (const name of ['a', 'b', 'c', 'd']) {
        expect([name, engine.storage.getAtomState(name)]).toEqual([
          name,
          (ignored as readonly string[]).includes(name) ? states.IGNORE : states.SUCCESS,
        ]);
      }
      expect(engine.storage.getFlowState()).toBe(states.SUCCESS);
    });
  });

  it('S101 never_resolve', async () => {
    const flow = linear('f').add(new ProgressingTask('a'), new FailingTask('b'), new ProgressingTask('c'));
    const engine = eng.load(flow, { neverResolve: true });
    const cap = captureAll(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(cap.values).toEqual([
      'f.f RUNNING',
      'a.t RUNNING',
      'a.t SUCCESS(5)',
      'b.t RUNNING',
      'b.t FAILURE(Failure: RuntimeError: Woot!)',
      'f.f FAILURE',
    ]);
    expect(engine.storage.getAtomsStates(['a', 'b', 'c'])).toEqual({
      a: [states.SUCCESS, states.EXECUTE],
      b: [states.FAILURE, states.EXECUTE],
      c: [states.PENDING, states.EXECUTE],
    });
  });

  it('S105 reset() keeps retry history', async () => {
    const flow = linear('f', new Times(5, { name: 'r', provides: 'x' })).add(new ConditionalTask('t'));
    const engine = eng.load(flow, { store: { y: 2 } });
    await engine.run();
    const h1 = engine.storage.getRetryHistory('r');
    expect(h1.length).toBe(2);
    const [first, second] = h1.entries;
    expect(first?.[0]).toBe(1);
    expect(Object.keys(first?.[1] ?? {})).toEqual(['t']);
    expect(first?.[1].t).toBeInstanceOf(Failure);
    expect(first?.[1].t?.check('RuntimeError')).toBe('RuntimeError');
    expect(second).toEqual([2, {}]);

    engine.reset();
    const cap = captureAll(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(cap.values.filter((v) => v.startsWith('r.r SUCCESS'))).toEqual([
      'r.r SUCCESS(3)',
      'r.r SUCCESS(4)',
      'r.r SUCCESS(5)',
    ]);
    expect(cap.values.filter((v) => v.startsWith('t.t FAILURE'))).toHaveLength(3);
    expect(engine.storage.getAtomState('r')).toBe(states.REVERTED);
    expect(engine.storage.getRetryHistory('r').length).toBe(0);
    expect(engine.storage.getFlowState()).toBe(states.REVERTED);
  });

  describe('S106 reset and re-run after FAILURE', () => {
    const failedRun = async (): Promise<Engine> => {
      const engine = eng.load(linear('f').add(new NastyTask('n'), new FailingTask('b')));
      expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Gotcha')).toBe(true);
      expect(engine.storage.getFlowState()).toBe(states.FAILURE);
      expect(engine.storage.getAtomState('n')).toBe(states.REVERT_FAILURE);
      expect(engine.storage.getAtomState('b')).toBe(states.REVERTED);
      return engine;
    };

    it('S106a reset() from FAILURE raises InvalidState after resetting the atoms', async () => {
      const engine = await failedRun();
      expect(() => {
        engine.reset();
      }).toThrow(InvalidState);
      expect(() => {
        engine.reset();
      }).toThrow("Flow transition from 'FAILURE' to 'PENDING' is not allowed");
      expect(engine.storage.getAtomState('n')).toBe(states.PENDING);
      expect(engine.storage.getAtomState('b')).toBe(states.PENDING);
    });

    it('S106b run() again from FAILURE ends REVERTED raising both failures', async () => {
      const engine = await failedRun();
      const cap = captureAll(engine);
      const err = await runExpectingError(engine);
      expect(cap.values).toEqual(['f.f RUNNING', 'f.f REVERTED']);
      expect(err).toBeInstanceOf(WrappedFailure);
      expect((err as WrappedFailure).failures.map((f) => f.toString())).toEqual([
        'Failure: RuntimeError: Woot!',
        'Failure: RuntimeError: Gotcha!',
      ]);
      expect(engine.storage.getFlowState()).toBe(states.REVERTED);
    });

    it('S106c reset() after a SUSPENDED run raises InvalidState', async () => {
      const engine = eng.load(linear('f').add(new ProgressingTask('t1'), new ProgressingTask('t2')));
      const it = engine.runIter();
      let r = await it.next();
      while (!r.done && r.value !== states.WAITING) r = await it.next();
      r = await it.next(true);
      while (!r.done) r = await it.next();
      expect(engine.storage.getFlowState()).toBe(states.SUSPENDED);
      expect(() => {
        engine.reset();
      }).toThrow(InvalidState);
    });
  });

  describe('S107 resuming an atom that was left RUNNING', () => {
    const crashAndResume = async (flowName: string, fdName: string): Promise<string[]> => {
      const build = () =>
        linear(flowName).add(new ProgressingTask('t1'), new ProgressingTask('t2'), new ProgressingTask('t3'));
      const backend = eng.backend();
      const fd = new FlowDetail(fdName);
      const book = new LogBook('book');
      book.add(fd);
      backend.saveLogbook(book);
      const first = eng.load(build(), { backend, flowDetail: fd });
      first.compile();
      first.prepare();
      first.storage.save('t1', 5, states.SUCCESS);
      first.storage.setAtomState('t2', states.RUNNING);
      first.storage.setFlowState(states.RUNNING);

      // A new engine (as after a crash) on the persisted flow detail.
      const engine = eng.load(build(), { backend, flowDetail: backend.getFlowDetail(fd.uuid) });
      const cap = captureAll(engine);
      await engine.run();
      return cap.values;
    };

    it('S107 t2 is executed again without a second RUNNING', async () => {
      expect(await crashAndResume('fd', 'fd')).toEqual([
        'fd.f RESUMING',
        'fd.f SUSPENDED',
        'fd.f RUNNING',
        't2.t SUCCESS(5)',
        't3.t RUNNING',
        't3.t SUCCESS(5)',
        'fd.f SUCCESS',
      ]);
    });

    // The catalogue writes the flow events as `<fd>.f`: TaskFlow names flow
    // events after the flow detail (`storage.flow_name`). With `load()` the two
    // names coincide; here they differ on purpose.
    it('S107b flow events carry the flow detail name', async () => {
      expect(await crashAndResume('the-flow', 'the-detail')).toEqual([
        'the-detail.f RESUMING',
        'the-detail.f SUSPENDED',
        'the-detail.f RUNNING',
        't2.t SUCCESS(5)',
        't3.t RUNNING',
        't3.t SUCCESS(5)',
        'the-detail.f SUCCESS',
      ]);
    });
  });

  // Deliberate difference, found earlier than TaskFlow: TaskFlow's validation skips optional
  // arguments, so the run starts and fails with NotFound when 'o' is reached (flow FAILURE,
  // 'o' left RUNNING). Such an argument can never be read, so our validate() reports it as a
  // MissingDependencies naming the atom, the symbol and its invisible provider, before any
  // atom runs.
  describe('S108 optional argument provided by an invisible atom (found earlier: at validate)', () => {
    const check = async (engine: Engine): Promise<void> => {
      engine.compile();
      engine.prepare();
      expect(() => {
        engine.validate();
      }).toThrow(MissingDependencies);
      const err = await runExpectingError(engine);
      expect(err).toBeInstanceOf(MissingDependencies);
      expect((err as MissingDependencies).missingRequirements).toEqual(['b']);
      const atomLevel = (err as MissingDependencies).cause;
      expect(atomLevel).toBeInstanceOf(MissingDependencies);
      expect((atomLevel as Error).message).toMatch(/'o'.*\['b'\].*'p'/);
      expect(engine.storage.getAtomState('o')).toBe(states.PENDING);
      expect(engine.storage.getAtomState('p')).toBe(states.PENDING);
    };

    it('S108a unordered sibling provides the optional symbol', async () => {
      const flow = unordered('u').add(
        new P('p', 100, { provides: 'b' }),
        new OptionalTask('o', { provides: 'result' }),
      );
      await check(eng.load(flow, { store: { a: 3 } }));
    });

    it('S108b a later linear item provides the optional symbol', async () => {
      const flow = linear('l').add(
        new OptionalTask('o', { provides: 'result' }),
        new P('p', 100, { provides: 'b' }),
      );
      await check(eng.load(flow, { store: { a: 3 } }));
    });
  });

  describe('S111 injected value vs. reverted provider in fetch', () => {
    it('S111a a reverted provider hides the injected value', async () => {
      const flow = linear('f').add(new TaskOneReturn('a', { provides: 'x' }), new FailingTask('b'));
      const engine = eng.load(flow, { store: { x: 0, z: 9 } });
      expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
      expect(engine.storage.getAtomState('a')).toBe(states.REVERTED);
      expect(engine.storage.fetchAll()).toEqual({ z: 9 });
      expect(() => engine.storage.fetch('x')).toThrow(NotFound);
    });

    it("S111b a failed provider's Failure is the fetched value", async () => {
      const flow = linear('f').add(
        new TaskOneReturn('a', { provides: 'y' }),
        new FailingTask('b', { provides: 'x' }),
      );
      const engine = eng.load(flow);
      expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
      const x = engine.storage.fetch('x');
      expect(x).toBeInstanceOf(Failure);
      expect((x as Failure).toString()).toBe('Failure: RuntimeError: Woot!');
      const all = engine.storage.fetchAll();
      expect(Object.keys(all)).toEqual(['x']);
      expect(all.x).toBe(x);
    });
  });

  describe('S112 same-scope providers resolve deterministically', () => {
    it('S112a the last-added provider of a nested unordered flow wins', async () => {
      const c = new C('c');
      const flow = linear('f').add(
        unordered('u').add(new P('p1', 'p1', { provides: 'x' }), new P('p2', 'p2', { provides: 'x' })),
        c,
      );
      const engine = eng.load(flow);
      await engine.run();
      expect(c.received).toEqual(['p2']);
      expect(engine.storage.fetchAll()).toEqual({ x: ['p1', 'p2'] });
    });

    it('S112b a stored value beats an earlier provider', async () => {
      const c = new C('c');
      const flow = linear('f').add(new P('p', 'p', { provides: 'x' }), c);
      const engine = eng.load(flow, { store: { x: 'stored' } });
      await engine.run();
      expect(c.received).toEqual(['stored']);
      expect(engine.storage.fetch('x')).toBe('stored');
      expect(engine.storage.fetchAll()).toEqual({ x: ['stored', 'p'] });
    });
  });
});

// S102 is about the serial executor (a whole batch runs inline before any
// result is recorded), so it runs on the serial engine only.
describe.each(enginesFor('S'))('$name engine', (eng: EngineUnderTest) => {
  it('S102 serial engine runs a whole batch before recording results', async () => {
    const flow = unordered('u').add(new ProgressingTask('a'), new FailingTask('b'), new ProgressingTask('c'));
    const engine = eng.load(flow);
    const cap = captureAll(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    for (const name of ['a', 'b', 'c']) expect(engine.storage.getAtomState(name)).toBe(states.REVERTED);
    const v = cap.values;
    const block = (from: number, to: number) => [...v.slice(from, to)].sort();
    expect(v).toHaveLength(14);
    expect(v[0]).toBe('u.f RUNNING');
    expect(block(1, 4)).toEqual(['a.t RUNNING', 'b.t RUNNING', 'c.t RUNNING']);
    expect(block(4, 7)).toEqual([
      'a.t SUCCESS(5)',
      'b.t FAILURE(Failure: RuntimeError: Woot!)',
      'c.t SUCCESS(5)',
    ]);
    expect(block(7, 10)).toEqual(['a.t REVERTING', 'b.t REVERTING', 'c.t REVERTING']);
    expect(block(10, 13)).toEqual(['a.t REVERTED(None)', 'b.t REVERTED(None)', 'c.t REVERTED(None)']);
    expect(v[13]).toBe('u.f REVERTED');
  });
});

// S110 is about graph-flow construction only: no engine is involved.
describe('S110 graph-flow provider inference is order dependent', () => {
  const parts = () => ({
    p1: new P('p1', 1, { provides: 'x' }),
    p2: new P('p2', 2, { provides: 'x' }),
    c: new C('c'),
  });

  it('S110a providers first, then the consumer: AmbiguousDependency', () => {
    const { p1, p2, c } = parts();
    const g = graph('g');
    let caught: unknown;
    try {
      g.add(p1, p2, c);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AmbiguousDependency);
    const msg = (caught as Error).message;
    expect(msg).toContain("'c'");
    expect(msg).toContain("['p1', 'p2']");
    expect(msg).toContain("'x'");
    // The whole add is discarded (spec §2.4).
    expect(g.length).toBe(0);
  });

  it('S110b consumer first, then the providers: a single link p1 -> c', () => {
    const { p1, p2, c } = parts();
    const g = graph('g').add(c, p1, p2);
    const links = g.links();
    expect(links).toHaveLength(1);
    const [from, to, meta] = links[0] as (typeof links)[number];
    expect(from).toBe(p1);
    expect(to).toBe(c);
    expect(meta.reasons).toEqual(new Set(['x']));
  });
});
