/**
 * Conformance, section F: flow structure — requires/provides, patterns,
 * compilation, scoping (`taskflow-scenarios.md` §F, S86–S91). Construction
 * only: no flow is run. Each test is named by its scenario id.
 *
 * TaskFlow's `requires=` on a task *adds* to its signature's parameters; the
 * shared fixtures take `requires` as the whole declared list, so where a
 * scenario passes extra `requires` to a fixture, the translation spells out the
 * union. TaskFlow's set `provides={'a','b'}` is our map `{ a: 'a', b: 'b' }`.
 */
import { describe, expect, it } from 'vitest';
import {
  AlwaysRevert,
  AmbiguousDependency,
  DependencyFailure,
  Duplicate,
  Flow,
  TargetedGraphFlow,
  ValueError,
  compile,
  graph,
  linear,
  load,
  task,
  unordered,
  type Compilation,
  type FlowItem,
  type LinkMeta,
  type ProvidesSpec,
} from '../../engine/index.js';
import {
  TaskMultiArg,
  TaskMultiArgMultiReturn,
  TaskMultiArgOneReturn,
  TaskMultiReturn,
  TaskNoRequiresNoReturns,
  TaskOneArg,
  TaskOneArgOneReturn,
  TaskOneReturn,
} from '../support/fixtures.js';

// ----------------------------------------------------------------- helpers

const set = (xs: Iterable<string>): Set<string> => new Set(xs);

/** TaskFlow's `ProvidesRequiresTask(name, provides, requires)`: declares both, accepts anything. */
const prt = (name: string, provides?: ProvidesSpec, requires?: readonly string[]) =>
  task({ name, provides, requires, extraArgs: true, execute: () => undefined });

/** TaskFlow's `make_many(n)`: independent tasks named a, b, c, … */
const many = (n: number) =>
  Array.from({ length: n }, (_, i) => new TaskNoRequiresNoReturns(String.fromCharCode(97 + i)));

/** A flow's requires and provides as sets. */
const rp = (f: Flow | FlowItem) => [set(f.requires), set(f.provides)];

/** Links as `[fromName, toName, meta]`. */
const linksOf = (f: Flow) => f.links().map(([u, v, m]) => [u.name, v.name, m] as const);

type NamedEdge = readonly [string, string, Record<string, unknown>];

/** Compiled edges as `[fromName, toName, meta]`, sorted (TaskFlow compares them as a multiset). */
function edgesOf(c: Compilation): NamedEdge[] {
  return c
    .edges()
    .map(([u, v, m]) => [u.name, v.name, { ...m }] as NamedEdge)
    .sort((a, b) => (a[0] + '\u0000' + a[1] < b[0] + '\u0000' + b[1] ? -1 : 1));
}

/** Compiled edges as `[fromName, toName]`, sorted. */
const pairsOf = (c: Compilation) => edgesOf(c).map(([u, v]) => [u, v]);

/** Sorts expected edges the way {@link edgesOf} does. */
function sorted<T extends readonly [string, string, ...unknown[]]>(edges: T[]): T[] {
  return [...edges].sort((a, b) => (a[0] + '\u0000' + a[1] < b[0] + '\u0000' + b[1] ? -1 : 1));
}

/** A topological order of the compiled graph (Kahn's algorithm, ties by node order). */
function topoNames(c: Compilation): string[] {
  const indeg = new Map(c.nodes.map((n) => [n, n.pred.length]));
  const ready = c.nodes.filter((n) => n.pred.length === 0);
  const out: string[] = [];
  for (let i = 0; i < ready.length; i++) {
    const n = ready[i]!;
    out.push(n.name);
    for (const s of n.succ) {
      const d = indeg.get(s)! - 1;
      indeg.set(s, d);
      if (d === 0) ready.push(s);
    }
  }
  return out;
}

const sources = (c: Compilation) => c.nodes.filter((n) => n.pred.length === 0).map((n) => n.name);
const sinks = (c: Compilation) => c.nodes.filter((n) => n.succ.length === 0).map((n) => n.name);
const retryOf = (c: Compilation, name: string) => c.nodes.find((n) => n.name === name)?.retry?.name;

const INV = { invariant: true } as const;
const INV_RETRY = { invariant: true, retry: true } as const;
const MANUAL = { manual: true } as const;
const reasons = (...xs: string[]): LinkMeta => ({ reasons: new Set(xs) });

// ----------------------------------------------------------------- S86

describe('S86 flow requires/provides', () => {
  it('S86a single tasks', () => {
    expect(rp(new TaskNoRequiresNoReturns('t'))).toEqual([set([]), set([])]);
    expect(rp(new TaskMultiArg('t'))).toEqual([set(['x', 'y', 'z']), set([])]);
    expect(rp(new TaskMultiArg('t', { rebind: { x: 'a', y: 'b', z: 'c' } }))).toEqual([
      set(['a', 'b', 'c']),
      set([]),
    ]);
    // TaskFlow: TaskMultiArg(requires=['a','b']) — extra requirements on top of execute(x, y, z).
    expect(rp(new TaskMultiArg('t', { requires: ['x', 'y', 'z', 'a', 'b'] }))).toEqual([
      set(['a', 'b', 'x', 'y', 'z']),
      set([]),
    ]);
    expect(rp(new TaskMultiReturn('t', { provides: ['a', 'b', 'c'] }))).toEqual([
      set([]),
      set(['a', 'b', 'c']),
    ]);
    expect(rp(new TaskMultiArgMultiReturn('t', { provides: ['a', 'b', 'c'] }))).toEqual([
      set(['x', 'y', 'z']),
      set(['a', 'b', 'c']),
    ]);
  });

  it('S86b linear flows', () => {
    expect(
      rp(linear('lf').add(new TaskNoRequiresNoReturns('task1'), new TaskNoRequiresNoReturns('task2'))),
    ).toEqual([set([]), set([])]);
    expect(rp(linear('lf').add(new TaskOneArg('task1'), new TaskMultiArg('task2')))).toEqual([
      set(['x', 'y', 'z']),
      set([]),
    ]);
    expect(
      rp(linear('lf').add(new TaskOneArg('task1', { rebind: ['q'] }), new TaskMultiArg('task2'))),
    ).toEqual([set(['x', 'y', 'z', 'q']), set([])]);
    expect(
      rp(
        linear('lf').add(
          new TaskOneReturn('task1', { provides: 'x' }),
          new TaskMultiReturn('task2', { provides: ['a', 'b', 'c'] }),
        ),
      ),
    ).toEqual([set([]), set(['x', 'a', 'b', 'c'])]);
    expect(
      rp(linear('lf').add(new TaskOneReturn('task1', { provides: 'x' }), new TaskOneArg('task2'))),
    ).toEqual([set([]), set(['x'])]);
    expect(
      rp(
        linear('lf').add(
          new TaskMultiArgMultiReturn('task1', { rebind: ['a', 'b', 'c'], provides: ['x', 'y', 'q'] }),
          new TaskMultiArgMultiReturn('task2', { provides: ['i', 'j', 'k'] }),
        ),
      ),
    ).toEqual([set(['a', 'b', 'c', 'z']), set(['x', 'y', 'q', 'i', 'j', 'k'])]);
    // A task requiring and providing the same name, as the flow's only child.
    expect(rp(linear('lf').add(new TaskOneArgOneReturn('rt', { requires: 'x', provides: 'x' })))).toEqual([
      set(['x']),
      set(['x']),
    ]);
  });

  it('S86c unordered flows: siblings do not satisfy each other', () => {
    expect(rp(unordered('uf').add(new TaskOneArg('task1'), new TaskMultiArg('task2')))).toEqual([
      set(['x', 'y', 'z']),
      set([]),
    ]);
    expect(
      rp(unordered('uf').add(new TaskOneArg('task1', { rebind: ['q'] }), new TaskMultiArg('task2'))),
    ).toEqual([set(['x', 'y', 'z', 'q']), set([])]);
    expect(
      rp(
        unordered('uf').add(
          new TaskOneReturn('task1', { provides: 'x' }),
          new TaskMultiReturn('task2', { provides: ['a', 'b', 'c'] }),
        ),
      ),
    ).toEqual([set([]), set(['x', 'a', 'b', 'c'])]);

    // One add call, then the same two names again as new objects.
    const both = unordered('uf');
    both.add(new TaskOneReturn('task1', { provides: 'x' }), new TaskOneArg('task2'));
    expect(rp(both)).toEqual([set(['x']), set(['x'])]);
    both.add(new TaskOneReturn('task1', { provides: 'x' }), new TaskOneArg('task2'));
    expect(rp(both)).toEqual([set(['x']), set(['x'])]);

    // Two add calls, provider first.
    const providerFirst = unordered('uf');
    providerFirst.add(new TaskOneReturn('task1', { provides: 'x' }));
    providerFirst.add(new TaskOneArg('task2'));
    expect(rp(providerFirst)).toEqual([set(['x']), set(['x'])]);

    // Two add calls, consumer first.
    const consumerFirst = unordered('uf');
    consumerFirst.add(new TaskOneArg('task2'));
    consumerFirst.add(new TaskOneReturn('task1', { provides: 'x' }));
    expect(consumerFirst.length).toBe(2);
    expect(rp(consumerFirst)).toEqual([set(['x']), set(['x'])]);

    expect(
      rp(
        unordered('uf').add(
          new TaskMultiArgMultiReturn('task1', { rebind: ['a', 'b', 'c'], provides: ['d', 'e', 'f'] }),
          new TaskMultiArgMultiReturn('task2', { provides: ['i', 'j', 'k'] }),
        ),
      ),
    ).toEqual([set(['a', 'b', 'c', 'x', 'y', 'z']), set(['d', 'e', 'f', 'i', 'j', 'k'])]);

    // Two providers of the same name (one or two add calls).
    const same = unordered('uf').add(new TaskOneReturn('t1', { provides: 'x' }));
    same.add(new TaskOneReturn('t2', { provides: 'x' }));
    expect(set(same.provides)).toEqual(set(['x']));
    expect(
      set(
        unordered('uf').add(
          new TaskOneReturn('t1', { provides: 'x' }),
          new TaskOneReturn('t2', { provides: 'x' }),
        ).provides,
      ),
    ).toEqual(set(['x']));
  });

  it('S86d nested flows', () => {
    const flow = unordered('uf').add(
      linear('lf').add(
        new TaskOneArgOneReturn('task1', { rebind: ['a'], provides: ['x'] }),
        new TaskOneArgOneReturn('task2', { provides: ['y'] }),
      ),
      unordered('uf').add(
        new TaskOneArgOneReturn('task3', { rebind: ['b'], provides: ['z'] }),
        new TaskOneArgOneReturn('task4', { rebind: ['c'], provides: ['q'] }),
      ),
    );
    expect(rp(flow)).toEqual([set(['a', 'b', 'c']), set(['x', 'y', 'z', 'q'])]);
  });

  it('S86e graph flows', () => {
    expect(rp(graph('gf').add(new TaskOneArg('task1'), new TaskMultiArg('task2')))).toEqual([
      set(['x', 'y', 'z']),
      set([]),
    ]);
    expect(
      rp(graph('gf').add(new TaskOneArg('task1', { rebind: ['q'] }), new TaskMultiArg('task2'))),
    ).toEqual([set(['x', 'y', 'z', 'q']), set([])]);
    expect(
      rp(
        graph('gf').add(
          new TaskOneReturn('task1', { provides: 'x' }),
          new TaskMultiReturn('task2', { provides: ['a', 'b', 'c'] }),
        ),
      ),
    ).toEqual([set([]), set(['x', 'a', 'b', 'c'])]);
    expect(
      rp(graph('gf').add(new TaskOneReturn('task1', { provides: 'x' }), new TaskOneArg('task2'))),
    ).toEqual([set([]), set(['x'])]);
    const two = graph('gf').add(new TaskOneReturn('task1', { provides: 'x' }));
    two.add(new TaskOneReturn('task2', { provides: 'x' }));
    expect(set(two.provides)).toEqual(set(['x']));
    expect(
      rp(
        graph('gf').add(
          new TaskMultiArgMultiReturn('task1', { rebind: ['a', 'b', 'c'], provides: ['d', 'e', 'f'] }),
          new TaskMultiArgMultiReturn('task2', { provides: ['i', 'j', 'k'] }),
        ),
      ),
    ).toEqual([set(['a', 'b', 'c', 'x', 'y', 'z']), set(['d', 'e', 'f', 'i', 'j', 'k'])]);
  });

  describe.each([
    ['linear', linear],
    ['unordered', unordered],
    ['graph', graph],
  ] as const)('S86f retries in a %s flow', (_kind, make) => {
    it('S86f retry requires and provides', () => {
      expect(rp(make('f', new AlwaysRevert({ name: 'rt' })))).toEqual([set([]), set([])]);
      expect(rp(make('f', new AlwaysRevert({ name: 'rt', requires: ['x', 'y'] })))).toEqual([
        set(['x', 'y']),
        set([]),
      ]);
      expect(rp(make('f', new AlwaysRevert({ name: 'rt', provides: ['x', 'y'] })))).toEqual([
        set([]),
        set(['x', 'y']),
      ]);
      expect(
        rp(make('f', new AlwaysRevert({ name: 'rt', requires: ['x', 'y'], provides: ['a', 'b'] }))),
      ).toEqual([set(['x', 'y']), set(['a', 'b'])]);
      expect(
        rp(make('f', new AlwaysRevert({ name: 'rt', requires: ['x', 'y'], provides: ['x', 'y'] }))),
      ).toEqual([set(['x', 'y']), set(['x', 'y'])]);
    });

    it('S86f retry provides satisfy the tasks of its flow', () => {
      const f = make('f', new AlwaysRevert({ name: 'rt', requires: ['x', 'y'], provides: ['a', 'b'] }));
      f.add(new TaskMultiArgOneReturn('t', { rebind: ['a', 'x', 'c'], provides: ['z'] }));
      expect(rp(f)).toEqual([set(['x', 'y', 'c']), set(['a', 'b', 'z'])]);
    });

    it('S86f retry requiring what a task of its flow provides', () => {
      const f = make('f', new AlwaysRevert({ name: 'rt', requires: ['x'] }));
      f.add(new TaskOneReturn('t', { provides: ['x'] }));
      expect(rp(f)).toEqual([set(['x']), set(['x'])]);
    });

    it('S86f retry and task providing the same name', () => {
      const f = make('f', new AlwaysRevert({ name: 'rt', provides: ['x'] }));
      f.add(new TaskOneReturn('t1', { provides: ['x'] }));
      expect(set(f.provides)).toEqual(set(['x']));
    });
  });

  it('S86f retry and two tasks providing the same name (unordered)', () => {
    const f = unordered('uf', new AlwaysRevert({ name: 'rt', provides: ['y'] }));
    f.add(new TaskOneReturn('t1', { provides: ['x'] }), new TaskOneReturn('t2', { provides: ['x'] }));
    expect(set(f.provides)).toEqual(set(['x', 'y']));
  });

  it('S86g a retry taking (history, **kwargs) with requires a', () => {
    // TaskFlow: execute(self, history, **kwargs) / revert(self, history, **kwargs).
    class FullArgsRetry extends AlwaysRevert {}
    const flow = linear('lf', new FullArgsRetry({ requires: 'a', extraArgs: true }));
    expect(set(flow.requires)).toEqual(set(['a']));
  });
});

// ----------------------------------------------------------------- S87

describe('S87 graph flow construction rules', () => {
  it('S87a an empty graph flow; adding nothing returns the flow', () => {
    const f = graph('test');
    expect(f.length).toBe(0);
    expect([...f]).toEqual([]);
    expect(f.links()).toEqual([]);
    expect(rp(f)).toEqual([set([]), set([])]);
    expect(f.add()).toBe(f);
    expect(f.length).toBe(0);
  });

  it('S87a one task', () => {
    const f = graph('test');
    const t = prt('task1', ['c', 'd'], ['a', 'b']);
    expect(f.add(t)).toBe(f);
    expect([...f]).toEqual([t]);
    expect(f.links()).toEqual([]);
    expect(rp(f)).toEqual([set(['a', 'b']), set(['c', 'd'])]);
  });

  it('S87a two independent tasks', () => {
    const t1 = prt('task1');
    const t2 = prt('task2');
    const f = graph('test').add(t1, t2);
    expect(f.length).toBe(2);
    expect(new Set(f)).toEqual(new Set([t1, t2]));
    expect(f.links()).toEqual([]);
  });

  it.each([
    ['one add call', (t1: FlowItem, t2: FlowItem) => graph('test').add(t1, t2)],
    ['two add calls', (t1: FlowItem, t2: FlowItem) => graph('test').add(t1).add(t2)],
  ])('S87b a provider and its consumer are linked by inference (%s)', (_how, build) => {
    const t1 = prt('task1', ['a']);
    const t2 = prt('task2', undefined, ['a']);
    const f = build(t1, t2);
    expect(f.length).toBe(2);
    expect(new Set(f)).toEqual(new Set([t1, t2]));
    expect(f.links()).toEqual([[t1, t2, reasons('a')]]);
    expect(rp(f)).toEqual([set([]), set(['a'])]);
  });

  it('S87c two providers of a name: a consumer added later is ambiguous', () => {
    const f = graph('test');
    f.add(prt('task1', ['a', 'b']), prt('task2', ['a']));
    expect(set(f.provides)).toEqual(set(['a', 'b']));
    expect(() => f.add(prt('task3', undefined, ['a']))).toThrow(AmbiguousDependency);
    // Two providers with an overlap and no consumer are fine.
    const g = graph('test').add(prt('task2', ['a', 'c']), prt('task1', ['a', 'b']));
    expect(set(g.provides)).toEqual(set(['a', 'b', 'c']));
  });

  it('S87d resolveRequires: false', () => {
    const f = graph('test').add(prt('task1', ['a', 'b', 'c']), prt('task2', undefined, ['a', 'b']), {
      resolveRequires: false,
    });
    expect(set(f.requires)).toEqual(set(['a', 'b']));
  });

  it('S87e resolveExisting: false, then true', () => {
    const f = graph('test').add(prt('task1', undefined, ['a', 'b']));
    f.add(prt('task2', ['a', 'b']), { resolveExisting: false });
    expect(set(f.requires)).toEqual(set(['a', 'b']));
    const g = graph('test').add(prt('task1', undefined, ['a', 'b']));
    g.add(prt('task2', ['a', 'b']), { resolveExisting: true });
    expect(set(g.requires)).toEqual(set([]));
  });

  it('S87f manual links', () => {
    const t1 = prt('task1');
    const t2 = prt('task2');
    const f = graph('test').add(t1, t2);
    expect(f.link(t1, t2)).toBe(f);
    expect(f.links()).toEqual([[t1, t2, MANUAL]]);

    const u1 = prt('task1', ['a']);
    const u2 = prt('task2', undefined, ['a']);
    const g = graph('test').add(u1, u2);
    expect(g.link(u1, u2)).toBe(g);
    expect(g.links()).toEqual([[u1, u2, { manual: true, reasons: new Set(['a']) }]]);
  });

  it('S87g linking a node that is not in the flow → ValueError', () => {
    const t1 = prt('task1');
    const t2 = prt('task2');
    const onlyTarget = graph('test').add(t2);
    expect(() => onlyTarget.link(t1, t2)).toThrow(ValueError);
    expect(() => onlyTarget.link(t1, t2)).toThrow(/Node .* not found to link from/);
    const onlySource = graph('test').add(t1);
    expect(() => onlySource.link(t1, t2)).toThrow(ValueError);
    expect(() => onlySource.link(t1, t2)).toThrow(/Node .* not found to link to/);
  });

  it('S87h cycles are refused', () => {
    // Closing a cycle against an inferred link.
    const a1 = prt('task1', ['a']);
    const a2 = prt('task2', undefined, ['a']);
    const inferred = graph('test').add(a1, a2);
    expect(() => inferred.link(a2, a1)).toThrow(DependencyFailure);

    // Closing a cycle against a manual link.
    const m1 = prt('task1');
    const m2 = prt('task2');
    const manual = graph('test').add(m1, m2);
    manual.link(m1, m2);
    expect(() => manual.link(m2, m1)).toThrow(DependencyFailure);

    // A third task closing a cycle of requirements.
    const f = graph('test').add(prt('task1', ['a'], ['c']), prt('task2', ['b'], ['a']));
    expect(() => f.add(prt('task3', ['c'], ['b']))).toThrow(DependencyFailure);

    // Three tasks forming a cycle in one call.
    const cyclic = graph('g-3-cyclic');
    const three = [
      new TaskOneArgOneReturn('t1', { provides: 'a', requires: ['x', 'b'] }),
      new TaskOneArgOneReturn('t2', { provides: 'b', requires: ['x', 'c'] }),
      new TaskOneArgOneReturn('t3', { provides: 'c', requires: ['x', 'a'] }),
    ];
    expect(() => cyclic.add(...three)).toThrow(DependencyFailure);
    expect(() => cyclic.add(...three)).toThrow(/^No path/);
  });

  it.each([
    ['not-a-depth', 'not-a-depth'],
    ['an object', {}],
    ['2', 2],
    ['3.4', 3.4],
    ['false', false],
  ] as const)('S87i decider depth %s → ValueError or TypeError', (_what, depth) => {
    const g1 = prt('g-1');
    const g2 = prt('g-2');
    const f = graph('g').add(g1, g2);
    let caught: unknown;
    try {
      f.link(g1, g2, { decider: () => false, depth: depth as never });
    } catch (e) {
      caught = e;
    }
    expect(caught instanceof ValueError || caught instanceof TypeError).toBe(true);
  });

  it.each([
    ['linear', linear],
    ['unordered', unordered],
    ['graph', graph],
  ] as const)('S87j an unnamed retry of a %s flow is named <flow>_retry', (_kind, make) => {
    const ret = new AlwaysRevert({ requires: ['a'], provides: ['b'] });
    const f = make('test', ret);
    expect(f.retry).toBe(ret);
    expect(ret.name).toBe('test_retry');
    expect(rp(f)).toEqual([set(['a']), set(['b'])]);
  });

  it('S87j an unordered flow whose retry provides everything its task needs', () => {
    const ret = new AlwaysRevert({ provides: ['b', 'a'] });
    const f = unordered('test', ret).add(prt('task1', undefined, ['a']));
    expect(ret.name).toBe('test_retry');
    expect(rp(f)).toEqual([set([]), set(['b', 'a'])]);
  });

  it('S87k string form', () => {
    expect(String(graph('test'))).toBe('"graph_flow.Flow: test(len=0)"');
    expect(String(graph('test').add(prt('task1'), prt('task2'), prt('task3')))).toBe(
      '"graph_flow.Flow: test(len=3)"',
    );
  });

  it('S87l links inferred from key-indexed and positional provides', () => {
    const t1 = prt('task1', { a: 'a', b: 'b' });
    const t2 = prt('task2', ['c'], ['a', 'b']);
    const t3 = prt('task3', [], ['c']);
    const f = graph('test').add(t1, t2, t3);
    expect(f.length).toBe(3);
    expect(f.links()).toEqual([
      [t1, t2, reasons('a', 'b')],
      [t2, t3, reasons('c')],
    ]);
  });

  it('S87 iterNodes and links of a graph holding a nested flow', () => {
    const t1 = prt('task1', ['a'], ['c']);
    const t2 = prt('task2', ['b'], ['a']);
    const nested = graph('nested').add(prt('task3', ['c']));
    const f = graph('test').add(t1, t2, nested);
    for (const [n, data] of f.iterNodes()) {
      expect([t1, t2, nested]).toContain(n);
      expect(data).toEqual({});
    }
    const i1 = prt('task1');
    const i2 = prt('task2');
    const inner = graph('nested').add(prt('task3'));
    expect(graph('test').add(i1, i2, inner).links()).toEqual([]);
  });
});

// ----------------------------------------------------------------- S88

describe('S88 targeted graph flow', () => {
  function fourTasks(task4Provides: string[]) {
    const f = new TargetedGraphFlow('test');
    const t1 = prt('task1', ['a'], []);
    const t2 = prt('task2', ['b'], ['a']);
    const t3 = prt('task3', [], ['b']);
    const t4 = prt('task4', task4Provides, ['b']);
    f.add(t1, t2, t3, t4);
    return { f, t1, t2, t3, t4 };
  }

  it('S88a setTarget restricts the flow to the target and its ancestors', () => {
    const { f, t1, t2, t3 } = fourTasks(['c']);
    f.setTarget(t3);
    expect(f.length).toBe(3);
    expect(new Set(f)).toEqual(new Set([t1, t2, t3]));
    expect(f.provides).not.toContain('c');
  });

  it('S88b resetTarget restores the whole flow', () => {
    const { f, t1, t2, t3, t4 } = fourTasks(['c']);
    f.setTarget(t3);
    f.resetTarget();
    expect(f.length).toBe(4);
    expect(new Set(f)).toEqual(new Set([t1, t2, t3, t4]));
    expect(f.provides).toContain('c');
  });

  it('S88c a target not in the flow → ValueError', () => {
    const f = new TargetedGraphFlow('test');
    f.add(prt('task1', ['a'], []));
    const t2 = prt('task2', ['b'], ['a']);
    expect(() => f.setTarget(t2)).toThrow(ValueError);
    expect(() => f.setTarget(t2)).toThrow(/^Node .* not found/);
  });

  it('S88d a single-node target', () => {
    const f = new TargetedGraphFlow('test');
    const t1 = prt('task1', ['a'], []);
    f.add(t1);
    f.setTarget(t1);
    expect(f.length).toBe(1);
    expect([...f]).toEqual([t1]);
  });

  it('S88e adding a provider of the target re-computes the visible part', () => {
    const f = new TargetedGraphFlow('test');
    const t1 = prt('task1', [], ['a']);
    f.add(t1);
    f.setTarget(t1);
    expect(f.length).toBe(1);
    f.add(prt('task2', ['a'], []));
    expect(f.length).toBe(2);
  });

  it('S88f adding an unrelated task leaves the visible part alone', () => {
    const f = new TargetedGraphFlow('test');
    const t1 = prt('task1', [], []);
    f.add(t1);
    f.setTarget(t1);
    expect(f.length).toBe(1);
    f.add(prt('task2', [], []));
    expect(f.length).toBe(1);
  });

  it('S88g a manual link into the target re-computes the visible part', () => {
    const f = new TargetedGraphFlow('test');
    const t1 = prt('task1', [], []);
    const t2 = prt('task2', [], []);
    f.add(t1, t2);
    f.setTarget(t1);
    expect(f.length).toBe(1);
    f.link(t2, t1);
    expect(f.length).toBe(2);
    expect(f.links()).toEqual([[t2, t1, MANUAL]]);
  });
});

// ----------------------------------------------------------------- S89

describe('S89 linear and unordered flow structure', () => {
  it.each([
    ['linear', linear, 'linear_flow'],
    ['unordered', unordered, 'unordered_flow'],
  ] as const)('S89a %s: empty, add nothing, one task, string form', (_kind, make, label) => {
    const f = make('test');
    expect(f.length).toBe(0);
    expect([...f]).toEqual([]);
    expect(f.links()).toEqual([]);
    expect(rp(f)).toEqual([set([]), set([])]);
    expect(f.add()).toBe(f);
    expect(f.length).toBe(0);
    expect(String(f)).toBe(`"${label}.Flow: test(len=0)"`);

    const t = prt('task1', ['c', 'd'], ['a', 'b']);
    const one = make('test');
    expect(one.add(t)).toBe(one);
    expect([...one]).toEqual([t]);
    expect(one.links()).toEqual([]);
    expect(rp(one)).toEqual([set(['a', 'b']), set(['c', 'd'])]);

    expect(String(make('test').add(prt('task1'), prt('task2'), prt('task3')))).toBe(
      `"${label}.Flow: test(len=3)"`,
    );
  });

  it('S89b linear: insertion order and invariant links', () => {
    const [t1, t2, t3] = [prt('task1'), prt('task2'), prt('task3')];
    const f = linear('test').add(t1, t2, t3);
    expect(f.length).toBe(3);
    expect([...f]).toEqual([t1, t2, t3]);
    expect(f.links()).toEqual([
      [t1, t2, INV],
      [t2, t3, INV],
    ]);
    for (const [node, data] of f.iterNodes()) {
      expect([t1, t2, t3]).toContain(node);
      expect(data).toEqual({});
    }
  });

  it('S89c linear: a provider and its consumer (one or two add calls)', () => {
    const t1 = prt('task1', ['a']);
    const t2 = prt('task2', undefined, ['a']);
    const f = linear('test').add(t1, t2);
    expect([...f]).toEqual([t1, t2]);
    expect(f.links()).toEqual([[t1, t2, INV]]);
    expect(rp(f)).toEqual([set([]), set(['a'])]);
    const g = linear('test').add(t1).add(t2);
    expect(linksOf(g)).toEqual([['task1', 'task2', INV]]);
  });

  it('S89d unordered: no links, either add order leaves the requirement open', () => {
    const t1 = prt('task1');
    const t2 = prt('task2');
    const f = unordered('test').add(t1, t2);
    expect(f.length).toBe(2);
    expect(new Set(f)).toEqual(new Set([t1, t2]));
    expect(f.links()).toEqual([]);

    const p = prt('task1', ['a']);
    const c = prt('task2', undefined, ['a']);
    const forward = unordered('test').add(p);
    forward.add(c);
    expect(forward.length).toBe(2);
    expect(rp(forward)).toEqual([set(['a']), set(['a'])]);
    const backward = unordered('test').add(c).add(p);
    expect(backward.length).toBe(2);
    expect(rp(backward)).toEqual([set(['a']), set(['a'])]);
  });

  it('S89e unordered: same-provides siblings are allowed', () => {
    const t1 = prt('task1', ['a', 'b']);
    const t2 = prt('task2', ['a', 'c']);
    const f = unordered('test').add(t2, t1);
    expect(f.length).toBe(2);
    expect(f.links()).toEqual([]);
    for (const [node, data] of f.iterNodes()) {
      expect([t1, t2]).toContain(node);
      expect(data).toEqual({});
    }
  });
});

// ----------------------------------------------------------------- S90

describe('S90 compiled execution graphs', () => {
  it('S90a a root task is a graph of one node', () => {
    const c = compile(new TaskNoRequiresNoReturns('a'));
    expect(c.nodes.map((n) => n.name)).toEqual(['a']);
    expect(c.edges()).toEqual([]);
  });

  it('S90a an empty linear flow compiles', () => {
    expect(() => compile(linear('test'))).not.toThrow();
  });

  it('S90b nested linear flows', () => {
    const [a, b, cc, d] = many(4);
    const flo = linear('test').add(a!, b!, cc!);
    flo.add(linear('sub-test').add(d!));
    const c = compile(flo);
    expect(c.nodes.length).toBe(8);
    expect(topoNames(c)).toEqual(['test', 'a', 'b', 'c', 'sub-test', 'd', 'sub-test[$]', 'test[$]']);
    expect(pairsOf(c)).toContainEqual(['c', 'sub-test']);
    expect(edgesOf(c)).toContainEqual(['sub-test', 'd', INV]);
    expect(sinks(c)).toEqual(['test[$]']);
    expect(sources(c)).toEqual(['test']);
  });

  it('S90c unordered flow', () => {
    const c = compile(unordered('test').add(...many(4)));
    expect(c.nodes.length).toBe(6);
    expect(pairsOf(c)).toEqual(
      sorted([
        ['test', 'a'],
        ['test', 'b'],
        ['test', 'c'],
        ['test', 'd'],
        ['a', 'test[$]'],
        ['b', 'test[$]'],
        ['c', 'test[$]'],
        ['d', 'test[$]'],
      ]),
    );
    expect(sources(c)).toEqual(['test']);
  });

  it('S90d unordered inside linear', () => {
    const [a, b, cc, d] = many(4);
    const c = compile(linear('test').add(a!, b!, unordered('test2').add(cc!, d!)));
    expect(c.nodes.length).toBe(8);
    const pairs = pairsOf(c);
    expect(edgesOf(c)).toContainEqual(['a', 'b', INV]);
    expect(pairs).not.toContainEqual(['b', 'a']);
    expect(pairs).not.toContainEqual(['c', 'd']);
    expect(pairs).not.toContainEqual(['d', 'c']);
    expect(pairs).toContainEqual(['b', 'test2']);
    expect(pairs).toContainEqual(['test2', 'c']);
    expect(pairs).toContainEqual(['test2', 'd']);
  });

  it('S90e linear inside unordered', () => {
    const [a, b, cc, d] = many(4);
    const c = compile(unordered('test').add(a!, b!, linear('test2').add(cc!, d!)));
    expect(c.nodes.length).toBe(8);
    expect(pairsOf(c)).toEqual(
      sorted([
        ['test', 'a'],
        ['test', 'b'],
        ['test', 'test2'],
        ['test2', 'c'],
        ['c', 'd'],
        ['d', 'test2[$]'],
        ['test2[$]', 'test[$]'],
        ['a', 'test[$]'],
        ['b', 'test[$]'],
      ]),
    );
  });

  it('S90f unordered between linear steps', () => {
    const [a, b, cc, d] = many(4);
    const c = compile(linear('lt').add(a!, unordered('ut').add(b!, cc!), d!));
    expect(c.nodes.length).toBe(8);
    expect(pairsOf(c)).toEqual(
      sorted([
        ['lt', 'a'],
        ['a', 'ut'],
        ['ut', 'b'],
        ['ut', 'c'],
        ['b', 'ut[$]'],
        ['c', 'ut[$]'],
        ['ut[$]', 'd'],
        ['d', 'lt[$]'],
      ]),
    );
  });

  it('S90g graph flow without and with links', () => {
    const plain = compile(graph('test').add(...many(4)));
    expect(plain.nodes.length).toBe(6);
    expect(plain.edges().length).toBe(8);

    const [a, b, cc, d] = many(4);
    const flo = graph('test').add(a!, b!, cc!, d!);
    flo.link(a!, b!);
    flo.link(b!, cc!);
    flo.link(cc!, d!);
    const c = compile(flo);
    expect(c.nodes.length).toBe(6);
    expect(edgesOf(c)).toEqual(
      sorted([
        ['test', 'a', INV],
        ['a', 'b', MANUAL],
        ['b', 'c', MANUAL],
        ['c', 'd', MANUAL],
        ['d', 'test[$]', INV],
      ]),
    );
    expect(sources(c)).toEqual(['test']);
    expect(sinks(c)).toEqual(['test[$]']);
  });

  it('S90g graph flows nested in a graph flow', () => {
    const [a, b, cc, d, e, f, g] = many(7);
    const withLinear = compile(graph('test').add(a!, b!, cc!, d!, linear('test2').add(e!, f!, g!)));
    expect(withLinear.nodes.length).toBe(11);
    expect(pairsOf(withLinear)).toEqual(
      sorted([
        ['test', 'a'],
        ['test', 'b'],
        ['test', 'c'],
        ['test', 'd'],
        ['a', 'test[$]'],
        ['b', 'test[$]'],
        ['c', 'test[$]'],
        ['d', 'test[$]'],
        ['test', 'test2'],
        ['test2', 'e'],
        ['e', 'f'],
        ['f', 'g'],
        ['g', 'test2[$]'],
        ['test2[$]', 'test[$]'],
      ]),
    );

    const [a2, b2, c2, d2, e2, f2, g2] = many(7);
    const withGraph = compile(graph('test').add(a2!, b2!, c2!, d2!, graph('test2').add(e2!, f2!, g2!)));
    expect(withGraph.nodes.length).toBe(11);
    expect(pairsOf(withGraph)).toEqual(
      sorted([
        ['test', 'a'],
        ['test', 'b'],
        ['test', 'c'],
        ['test', 'd'],
        ['test', 'test2'],
        ['test2', 'e'],
        ['test2', 'f'],
        ['test2', 'g'],
        ['e', 'test2[$]'],
        ['f', 'test2[$]'],
        ['g', 'test2[$]'],
        ['test2[$]', 'test[$]'],
        ['a', 'test[$]'],
        ['b', 'test[$]'],
        ['c', 'test[$]'],
        ['d', 'test[$]'],
      ]),
    );
  });

  it('S90h graph dependency by requires/provides', () => {
    const c = compile(graph('test').add(prt('a', ['x'], []), prt('b', [], ['x'])));
    expect(c.nodes.length).toBe(4);
    expect(edgesOf(c)).toEqual(
      sorted([
        ['test', 'a', INV],
        ['a', 'b', reasons('x')],
        ['b', 'test[$]', INV],
      ]),
    );
    expect(sources(c)).toEqual(['test']);
    expect(sinks(c)).toEqual(['test[$]']);
  });

  it('S90i a requirement inside a subflow links to its entry', () => {
    const inner = linear('test2').add(prt('b', [], []), prt('c', [], ['x']));
    const c = compile(graph('test').add(prt('a', ['x'], []), inner));
    expect(c.nodes.length).toBe(7);
    expect(edgesOf(c)).toEqual(
      sorted([
        ['test', 'a', INV],
        ['test2', 'b', INV],
        ['a', 'test2', reasons('x')],
        ['b', 'c', INV],
        ['c', 'test2[$]', INV],
        ['test2[$]', 'test[$]', INV],
      ]),
    );
    expect(sources(c)).toEqual(['test']);
    expect(sinks(c)).toEqual(['test[$]']);
  });

  it('S90i a provision inside a subflow links from its end', () => {
    const inner = linear('test2').add(prt('b', ['x'], []), prt('c', [], []));
    const c = compile(graph('test').add(prt('a', [], ['x']), inner));
    expect(c.nodes.length).toBe(7);
    expect(edgesOf(c)).toEqual(
      sorted([
        ['test', 'test2', INV],
        ['a', 'test[$]', INV],
        ['test2[$]', 'a', reasons('x')],
        ['test2', 'b', INV],
        ['b', 'c', INV],
        ['c', 'test2[$]', INV],
      ]),
    );
    expect(sources(c)).toEqual(['test']);
    expect(sinks(c)).toEqual(['test[$]']);
  });

  it('S90j an empty subflow in a linear flow', () => {
    const c = compile(linear('lf').add(prt('a', [], []), graph('empty'), prt('b', [], [])));
    expect(pairsOf(c)).toEqual(
      sorted([
        ['lf', 'a'],
        ['a', 'empty'],
        ['empty', 'empty[$]'],
        ['empty[$]', 'b'],
        ['b', 'lf[$]'],
      ]),
    );
  });

  it('S90j many empty subflows in a graph flow', () => {
    const flo = graph('root');
    const a = prt('a', [], []);
    flo.add(a);
    const b = linear('b').add(prt('b.0', [], []), linear('b.1'), linear('b.2'), prt('b.3', [], []));
    flo.add(b);
    const cc = linear('c').add(linear('c.0'), linear('c.1'), linear('c.2'));
    flo.add(cc);
    const d = prt('d', [], []);
    flo.add(d);
    flo.link(b, d);
    flo.link(a, d);
    flo.link(cc, d);
    const c = compile(flo);
    const pairs = pairsOf(c);
    for (const edge of [
      ['root', 'a'],
      ['root', 'b'],
      ['root', 'c'],
      ['b.0', 'b.1'],
      ['b.1[$]', 'b.2'],
      ['b.2[$]', 'b.3'],
      ['c.0[$]', 'c.1'],
      ['c.1[$]', 'c.2'],
      ['a', 'd'],
      ['b[$]', 'd'],
      ['c[$]', 'd'],
    ]) {
      expect(pairs).toContainEqual(edge);
    }
    expect(c.nodes.length).toBe(20);
  });

  it('S90j an empty subflow nested two levels down', () => {
    const inner = linear('lf-2').add(prt('c', [], []), graph('empty'), prt('d', [], []));
    const c = compile(linear('lf').add(prt('a', [], []), inner, prt('b', [], [])));
    const pairs = pairsOf(c);
    for (const edge of [
      ['lf', 'a'],
      ['a', 'lf-2'],
      ['lf-2', 'c'],
      ['c', 'empty'],
      ['empty[$]', 'd'],
      ['d', 'lf-2[$]'],
      ['lf-2[$]', 'b'],
      ['b', 'lf[$]'],
    ]) {
      expect(pairs).toContainEqual(edge);
    }
  });

  it('S90j an empty subflow between a provider and its consumer', () => {
    const empty = linear('empty');
    const c = compile(linear('lf').add(prt('a', ['a'], []), empty, prt('b', [], ['a'])));
    const emptyNode = c.nodes.find((n) => n.name === 'empty' && n.kind === 'flow')!;
    expect(emptyNode.succ.length).toBe(1);
    const end = emptyNode.succ[0]!;
    expect(end.kind).toBe('flow_end');
    expect(end.flow).toBe(empty);
    expect(pairsOf(c)).toContainEqual(['lf', 'a']);
    expect(pairsOf(c)).toContainEqual(['a', 'empty']);
    expect(end.succ.map((n) => n.name)).toEqual(['b']);
  });

  it('S90j an empty subflow beside a manual link in a graph flow', () => {
    const a = prt('a', [], []);
    const b = prt('b', [], []);
    const flo = graph('lf').add(a, linear('empty'), b);
    flo.link(a, b);
    const pairs = pairsOf(compile(flo));
    expect(pairs).toContainEqual(['a', 'b']);
    expect(pairs).toContainEqual(['lf', 'a']);
    expect(pairs).toContainEqual(['lf', 'empty']);
  });

  it.each([
    ['linear', linear],
    ['unordered', unordered],
    ['graph', graph],
  ] as const)('S90k a %s flow holding only a retry', (_kind, make) => {
    const c = compile(make('test', new AlwaysRevert({ name: 'c' })));
    expect(c.nodes.length).toBe(3);
    expect(c.edges().length).toBe(2);
    expect(pairsOf(c)).toEqual(
      sorted([
        ['test', 'c'],
        ['c', 'test[$]'],
      ]),
    );
  });

  it('S90k nested retries', () => {
    const c1 = new AlwaysRevert({ name: 'c1' });
    const c2 = new AlwaysRevert({ name: 'c2' });
    const c = compile(linear('test', c1).add(linear('test2', c2)));
    expect(c.nodes.length).toBe(6);
    expect(edgesOf(c)).toEqual(
      sorted([
        ['test', 'c1', INV],
        ['c1', 'test2', INV_RETRY],
        ['test2', 'c2', INV],
        ['c2', 'test2[$]', INV],
        ['test2[$]', 'test[$]', INV],
      ]),
    );
    expect(retryOf(c, 'c2')).toBe('c1');
    expect(c.nodes.find((n) => n.name === 'c2')!.retry?.atom).toBe(c1);
    expect(sources(c)).toEqual(['test']);
    expect(sinks(c)).toEqual(['test[$]']);
  });

  it('S90k a retry in a linear flow with tasks', () => {
    const [a, b] = many(2);
    const c = compile(linear('test', new AlwaysRevert({ name: 'c' })).add(a!, b!));
    expect(c.nodes.length).toBe(5);
    expect(edgesOf(c)).toEqual(
      sorted([
        ['test', 'c', INV],
        ['a', 'b', INV],
        ['c', 'a', INV_RETRY],
        ['b', 'test[$]', INV],
      ]),
    );
    expect(retryOf(c, 'a')).toBe('c');
    expect(retryOf(c, 'b')).toBe('c');
  });

  it('S90k a retry in an unordered flow with tasks', () => {
    const [a, b] = many(2);
    const c = compile(unordered('test', new AlwaysRevert({ name: 'c' })).add(a!, b!));
    expect(c.nodes.length).toBe(5);
    expect(edgesOf(c)).toEqual(
      sorted([
        ['test', 'c', INV],
        ['c', 'a', INV_RETRY],
        ['c', 'b', INV_RETRY],
        ['b', 'test[$]', INV],
        ['a', 'test[$]', INV],
      ]),
    );
    expect(retryOf(c, 'a')).toBe('c');
    expect(retryOf(c, 'b')).toBe('c');
  });

  it('S90k a retry in a graph flow with a manual link', () => {
    const [a, b, cc] = many(3);
    const flo = graph('test', new AlwaysRevert({ name: 'r' }))
      .add(a!, b!, cc!)
      .link(b!, cc!);
    const c = compile(flo);
    expect(edgesOf(c)).toEqual(
      sorted([
        ['test', 'r', INV],
        ['r', 'a', INV_RETRY],
        ['r', 'b', INV_RETRY],
        ['b', 'c', MANUAL],
        ['a', 'test[$]', INV],
        ['c', 'test[$]', INV],
      ]),
    );
    expect(sources(c)).toEqual(['test']);
    expect(sinks(c)).toEqual(['test[$]']);
    for (const n of ['a', 'b', 'c']) expect(retryOf(c, n)).toBe('r');
  });

  it('S90k a retry hierarchy', () => {
    const [a, b, cc, d] = many(4);
    const inner = linear('test2', new AlwaysRevert({ name: 'c2' })).add(b!, cc!);
    const c = compile(linear('test', new AlwaysRevert({ name: 'c1' })).add(a!, inner, d!));
    expect(c.nodes.length).toBe(10);
    expect(edgesOf(c)).toEqual(
      sorted([
        ['test', 'c1', INV],
        ['c1', 'a', INV_RETRY],
        ['a', 'test2', INV],
        ['test2', 'c2', INV],
        ['c2', 'b', INV_RETRY],
        ['b', 'c', INV],
        ['c', 'test2[$]', INV],
        ['test2[$]', 'd', INV],
        ['d', 'test[$]', INV],
      ]),
    );
    expect(retryOf(c, 'a')).toBe('c1');
    expect(retryOf(c, 'd')).toBe('c1');
    expect(retryOf(c, 'b')).toBe('c2');
    expect(retryOf(c, 'c')).toBe('c2');
    expect(retryOf(c, 'c2')).toBe('c1');
    expect(retryOf(c, 'c1')).toBeUndefined();
  });

  it('S90k a retry covers the atoms of a subflow without its own retry', () => {
    const [a, b, cc, d] = many(4);
    const inner = linear('test2').add(b!, cc!);
    const c = compile(linear('test', new AlwaysRevert({ name: 'c1' })).add(a!, inner, d!));
    expect(c.nodes.length).toBe(9);
    expect(edgesOf(c)).toEqual(
      sorted([
        ['test', 'c1', INV],
        ['c1', 'a', INV_RETRY],
        ['a', 'test2', INV],
        ['test2', 'b', INV],
        ['b', 'c', INV],
        ['c', 'test2[$]', INV],
        ['test2[$]', 'd', INV],
        ['d', 'test[$]', INV],
      ]),
    );
    for (const n of ['a', 'b', 'c', 'd']) expect(retryOf(c, n)).toBe('c1');
    expect(retryOf(c, 'c1')).toBeUndefined();
  });

  it('S90l a bare retry → TypeError', () => {
    expect(() => compile(new AlwaysRevert({ name: 'r1' }))).toThrow(TypeError);
  });

  it('S90l an unknown object → TypeError "Unknown object"', () => {
    expect(() => compile(42)).toThrow(TypeError);
    expect(() => compile(42)).toThrow(/^Unknown object .* requested to compile/);
  });

  it('S90l a linear flow added to itself → ValueError', () => {
    const flo = linear('test').add(...many(3));
    flo.add(flo);
    expect(() => compile(flo)).toThrow(ValueError);
  });

  it('S90l duplicate atom names → Duplicate at engine.compile()', () => {
    const flat = graph('test').add(new TaskNoRequiresNoReturns('a'), new TaskNoRequiresNoReturns('a'));
    expect(() => {
      load(flat).compile();
    }).toThrow(Duplicate);
    expect(() => {
      load(flat).compile();
    }).toThrow(/^Atoms with duplicate names/);
    const nested = graph('test').add(
      graph('int1').add(new TaskNoRequiresNoReturns('a')),
      graph('int2').add(new TaskNoRequiresNoReturns('a')),
    );
    expect(() => {
      load(nested).compile();
    }).toThrow(Duplicate);
    expect(() => {
      load(nested).compile();
    }).toThrow(/^Atoms with duplicate names/);
  });
});

// ----------------------------------------------------------------- S91

describe('S91 visible scopes', () => {
  const r = (name: string) => new TaskOneReturn(name);

  it('S91a one atom sees nothing; an atom not in the compilation → ValueError', () => {
    const c = compile(linear('root').add(r('root.1')));
    expect(c.atom('root.1')).toBeDefined();
    expect(c.scopesOf('root.1')).toEqual([]);
    expect(() => c.scopesOf('root.2')).toThrow(ValueError);
  });

  it('S91b a prior atom in a linear flow', () => {
    const c = compile(linear('root').add(r('root.1'), r('root.2')));
    expect(c.scopesOf('root.1')).toEqual([]);
    expect(c.scopesOf('root.2')).toEqual([['root.1']]);
  });

  it('S91c a nested linear flow sees its parent level second', () => {
    const flo = linear('root').add(r('root.1'), r('root.2'));
    flo.add(linear('subroot').add(r('subroot.1')));
    expect(compile(flo).scopesOf('subroot.1')).toEqual([[], ['root.2', 'root.1']]);
  });

  it('S91d begin, middle and end of a linear flow around a subflow', () => {
    const flo = linear('root').add(r('root.1'), r('root.2'));
    flo.add(r('root.3'));
    flo.add(linear('subroot').add(r('subroot.1'), r('subroot.2')));
    flo.add(r('root.4'));
    const c = compile(flo);
    expect(c.scopesOf('root.1')).toEqual([]);
    expect(c.scopesOf('root.3')).toEqual([['root.2', 'root.1']]);
    expect(c.scopesOf('root.4')).toEqual([['subroot.2', 'subroot.1', 'root.3', 'root.2', 'root.1']]);
  });

  it('S91e a chain inferred in a graph flow', () => {
    const flo = graph('root').add(
      prt('customer', ['dog'], []),
      prt('washer', ['wash'], ['dog']),
      prt('dryer', ['dry_dog'], ['dog', 'wash']),
      prt('shaver', ['shaved_dog'], ['dry_dog']),
      prt('happy_customer', ['happiness'], ['shaved_dog']),
    );
    const c = compile(flo);
    expect(c.scopesOf('customer')).toEqual([]);
    expect(c.scopesOf('dryer')).toEqual([['washer', 'customer']]);
    expect(c.scopesOf('happy_customer')).toEqual([['shaver', 'dryer', 'washer', 'customer']]);
  });

  it.each([
    ['graph', graph],
    ['unordered', unordered],
  ] as const)('S91f independent atoms in a %s flow see nothing', (_kind, make) => {
    const atoms = Array.from({ length: 10 }, (_, i) => r(`root.${i}`));
    const c = compile(make('root').add(...atoms));
    for (const a of atoms) expect(c.scopesOf(a.name)).toEqual([]);
  });

  it('S91g nested graph flows with manual links', () => {
    const r1 = r('root.1');
    const r2 = r('root.2');
    const flo = graph('root').add(r1, r2);
    flo.link(r1, r2);
    const s1 = r('subroot.1');
    const s2 = r('subroot.2');
    flo.add(graph('subroot').add(s1, s2).link(s1, s2));
    const r3 = r('root.3');
    flo.add(r3);
    flo.link(r2, r3);
    const c = compile(flo);
    expect(c.scopesOf('root.1')).toEqual([]);
    expect(c.scopesOf('root.2')).toEqual([['root.1']]);
    expect(c.scopesOf('root.3')).toEqual([['root.2', 'root.1']]);
    expect(c.scopesOf('subroot.1')).toEqual([]);
    expect(c.scopesOf('subroot.2')).toEqual([['subroot.1']]);
  });

  it('S91h a linear and a graph subflow linked in a graph flow', () => {
    const r1 = r('root.1');
    const r2 = r('root.2');
    const flo = graph('root').add(r1, r2);
    flo.link(r1, r2);
    const s = linear('subroot').add(r('subroot.1'), r('subroot.2'));
    flo.add(s);
    const t1 = r('subroot2.1');
    const t2 = r('subroot2.2');
    const t = graph('subroot2').add(t1, t2).link(t1, t2);
    flo.add(t);
    flo.link(s, t);
    const c = compile(flo);
    expect(c.scopesOf('root.1')).toEqual([]);
    expect(c.scopesOf('root.2')).toEqual([['root.1']]);
    expect(c.scopesOf('subroot.1')).toEqual([]);
    expect(c.scopesOf('subroot.2')).toEqual([['subroot.1']]);
    expect(c.scopesOf('subroot2.1')).toEqual([[], ['subroot.2', 'subroot.1']]);
    expect(c.scopesOf('subroot2.2')).toEqual([['subroot2.1'], ['subroot.2', 'subroot.1']]);
  });

  it('S91i an unordered subflow in a linear flow', () => {
    const flo = linear('root').add(r('root.1'), r('root.2'));
    const atoms = Array.from({ length: 5 }, (_, i) => r(`subroot.${i}`));
    flo.add(unordered('subroot').add(...atoms));
    flo.add(r('root.3'));
    const c = compile(flo);
    expect(c.scopesOf('root.1')).toEqual([]);
    expect(c.scopesOf('root.2')).toEqual([['root.1']]);
    for (const a of atoms) expect(c.scopesOf(a.name)).toEqual([[], ['root.2', 'root.1']]);
    const scope = c.scopesOf('root.3');
    expect(scope.length).toBe(1);
    const level = scope[0]!;
    const firstRoot = level.findIndex((n) => n.startsWith('root.'));
    const firstSub = level.findIndex((n) => n.startsWith('subroot.'));
    expect(firstRoot).toBeGreaterThan(firstSub);
    expect(level.slice(-2)).toEqual(['root.2', 'root.1']);
    expect(set(level)).toEqual(set([...atoms.map((a) => a.name), 'root.1', 'root.2']));
  });

  it('S91j two providers of one name in a linear flow: closest first', () => {
    const c = compile(
      linear('root').add(
        prt('customer', ['dog'], []),
        prt('customer2', ['dog'], []),
        prt('washer', ['wash'], ['dog']),
      ),
    );
    expect(c.scopesOf('washer')[0]).toEqual(['customer2', 'customer']);
  });

  it('S91j two providers of one name in a graph flow (order between them unspecified)', () => {
    const customer = prt('customer', ['dog'], []);
    const customer2 = prt('customer2', ['dog'], []);
    const washer = prt('washer', ['wash'], ['dog']);
    const flo = graph('root').add(customer, washer);
    flo.add(customer2, { resolveRequires: false });
    flo.link(customer2, washer);
    const c = compile(flo);
    expect(set(c.scopesOf('washer')[0]!)).toEqual(set(['customer', 'customer2']));
    expect(c.scopesOf('customer2')).toEqual([]);
    expect(c.scopesOf('customer')).toEqual([]);
  });
});
