/**
 * Conformance, section B: graph flows and deciders (`taskflow-scenarios.md` §B,
 * S29–S45; S46 lives in another file). Each test is named by its scenario id.
 */
import { describe, expect, it } from 'vitest';
import { MissingDependencies, graph, linear, states, type Decider } from '../../engine/index.js';
import { captureTasks, raisedMatches, runExpectingError } from '../support/capture.js';
import { enginesFor } from '../support/engines.js';
import {
  AddOneSameProvidesRequires,
  FailingTask,
  NastyTask,
  NoopTask,
  ProgressingTask,
  TaskMultiArgOneReturn,
  TaskMultiReturn,
  TaskOneReturn,
} from '../support/fixtures.js';

const no: Decider = () => false;
const yes: Decider = () => true;

/** The task trace, sorted (for the scenarios that compare traces as sets). */
const asSet = (values: readonly string[]): string[] => [...new Set(values)].sort();

describe.each(enginesFor('SPW'))('$name engine', (eng) => {
  describe('S29 decider depth decides how much is skipped', () => {
    it.each([
      ['all', 1],
      ['atom', 4],
      ['flow', 2],
      ['neighbors', 3],
    ] as const)('S29 depth %s runs %i task(s)', async (depth, ranHowMany) => {
      const g1 = new ProgressingTask('g-1');
      const g2 = new ProgressingTask('g-2');
      const g3 = new ProgressingTask('g-3');
      const g4 = new ProgressingTask('g-4');
      const sub = graph('g_1').add(new ProgressingTask('g_1-1'));
      const flow = graph('g').add(g1, g2, sub, g3, g4);
      flow.link(g1, g2, { decider: no, depth });
      flow.link(g2, sub);
      flow.link(g2, g3);
      flow.link(g3, g4);
      flow.link(g1, sub, { decider: yes, depth });
      const engine = eng.load(flow);
      const cap = captureTasks(engine);
      await engine.run();
      expect(cap.values.filter((v) => v.endsWith('RUNNING'))).toHaveLength(ranHowMany);
    });
  });

  it('S30 skipping one atom lets its successor run in the same pass', async () => {
    const a = new AddOneSameProvidesRequires('a', { inject: { value: 0 } });
    const b = new AddOneSameProvidesRequires('b');
    const c = new AddOneSameProvidesRequires('c');
    const flow = graph('g').add(a, b, c, { resolveRequires: false });
    flow.link(a, b, { decider: no, depth: 'atom' });
    flow.link(b, c);
    const engine = eng.load(flow);
    await engine.run();
    expect(engine.storage.get('c')).toBe(2);
    expect(engine.storage.getAtomState('b')).toBe(states.IGNORE);
  });

  it('S31 a skipped atom that would have failed', async () => {
    const a = new NoopTask('a');
    const b = new FailingTask('b');
    const c = new NoopTask('c');
    const flow = graph('g').add(a, b, c);
    flow.link(a, b, { decider: no, depth: 'atom' });
    flow.link(b, c);
    await expect(eng.load(flow).run()).resolves.toBeUndefined();
  });

  it('S32 revert skips ignored atoms', async () => {
    const a = new NoopTask('a');
    const b = new NoopTask('b');
    const c = new FailingTask('c');
    const flow = graph('g').add(a, b, c);
    flow.link(a, b, { decider: no, depth: 'atom' });
    flow.link(b, c);
    const engine = eng.load(flow);
    const cap = captureTasks(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError')).toBe(true);
    expect(cap.values).toEqual([
      'a.t RUNNING',
      'a.t SUCCESS(None)',
      'b.t IGNORE',
      'c.t RUNNING',
      'c.t FAILURE(Failure: RuntimeError: Woot!)',
      'c.t REVERTING',
      'c.t REVERTED(None)',
      'a.t REVERTING',
      'a.t REVERTED(None)',
    ]);
  });

  describe('S33 order inferred from requires/provides', () => {
    it('S33a one task', async () => {
      const engine = eng.load(graph('g-1').add(new ProgressingTask('task1')));
      const cap = captureTasks(engine);
      await engine.run();
      expect(cap.values).toEqual(['task1.t RUNNING', 'task1.t SUCCESS(5)']);
    });

    it('S33b two independent tasks', async () => {
      const flow = graph('g-2').add(new ProgressingTask('task1'), new ProgressingTask('task2'));
      const engine = eng.load(flow);
      const cap = captureTasks(engine);
      await engine.run();
      expect(asSet(cap.values)).toEqual(
        asSet(['task2.t SUCCESS(5)', 'task2.t RUNNING', 'task1.t RUNNING', 'task1.t SUCCESS(5)']),
      );
      expect(flow.length).toBe(2);
    });

    it('S33c consumer added before its provider', async () => {
      const flow = graph('g-1-1').add(
        new ProgressingTask('task2', { requires: ['a'] }),
        new ProgressingTask('task1', { provides: 'a' }),
      );
      const engine = eng.load(flow);
      const cap = captureTasks(engine);
      await engine.run();
      expect(cap.values).toEqual([
        'task1.t RUNNING',
        'task1.t SUCCESS(5)',
        'task2.t RUNNING',
        'task2.t SUCCESS(5)',
      ]);
    });

    it('S33d four tasks added one add() at a time', async () => {
      const flow = graph('g-4')
        .add(new ProgressingTask('task4', { provides: 'd', requires: ['c'] }))
        .add(new ProgressingTask('task2', { provides: 'b', requires: ['a'] }))
        .add(new ProgressingTask('task3', { provides: 'c', requires: ['b'] }))
        .add(new ProgressingTask('task1', { provides: 'a' }));
      const engine = eng.load(flow);
      const cap = captureTasks(engine);
      await engine.run();
      expect(cap.values).toEqual([
        'task1.t RUNNING',
        'task1.t SUCCESS(5)',
        'task2.t RUNNING',
        'task2.t SUCCESS(5)',
        'task3.t RUNNING',
        'task3.t SUCCESS(5)',
        'task4.t RUNNING',
        'task4.t SUCCESS(5)',
      ]);
    });
  });

  it('S35 graph revert failure', async () => {
    const flow = graph('g-3-nasty').add(
      new NastyTask('task2', { provides: 'b', requires: ['a'] }),
      new FailingTask('task3', { requires: ['b'] }),
      new ProgressingTask('task1', { provides: 'a' }),
    );
    const engine = eng.load(flow);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Gotcha')).toBe(true);
    expect(engine.storage.getFlowState()).toBe(states.FAILURE);
  });

  it('S36 positional rebind and tuple provides in a graph', async () => {
    const flow = graph('g-3-multi').add(
      new TaskMultiArgOneReturn('task1', { rebind: ['a', 'b', 'y'], provides: 'z' }),
      new TaskMultiReturn('task2', { provides: ['a', 'b', 'c'] }),
      new TaskMultiArgOneReturn('task3', { rebind: ['c', 'b', 'x'], provides: 'y' }),
    );
    const engine = eng.load(flow);
    engine.storage.inject({ x: 30 });
    await engine.run();
    expect(engine.storage.fetchAll()).toEqual({ a: 1, b: 3, c: 5, x: 30, y: 38, z: 42 });
  });

  it('S37 missing dependencies are chained', () => {
    const flow = graph('missing-many').add(
      new TaskOneReturn('task1', { requires: ['a', 'b', 'c'] }),
      new TaskMultiArgOneReturn('task2', { rebind: ['e', 'f', 'g'] }),
    );
    const engine = eng.load(flow);
    const cap = captureTasks(engine);
    engine.compile();
    engine.prepare();
    expect(() => {
      engine.validate();
    }).toThrow(MissingDependencies);
    let caught: unknown;
    try {
      engine.validate();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(MissingDependencies);
    const cause = (caught as MissingDependencies).cause;
    expect(cause).not.toBeUndefined();
    expect(cause).not.toBeNull();
    // The cause is an atom-level MissingDependencies.
    expect(cause).toBeInstanceOf(MissingDependencies);
    expect(cap.values).toEqual([]);
    expect(engine.storage.getAtomState('task1')).toBe(states.PENDING);
    expect(engine.storage.getAtomState('task2')).toBe(states.PENDING);
  });

  it('S38 reset and re-run of a completed flow', async () => {
    const flow = linear('root').add(
      new ProgressingTask('task1'),
      new ProgressingTask('task2'),
      new ProgressingTask('task3'),
    );
    const expected = [
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      'task2.t RUNNING',
      'task2.t SUCCESS(5)',
      'task3.t RUNNING',
      'task3.t SUCCESS(5)',
    ];
    const engine = eng.load(flow);
    const run1 = captureTasks(engine);
    await engine.run();
    run1.close();
    expect(run1.values).toEqual(expected);

    const run2 = captureTasks(engine);
    await engine.run();
    run2.close();
    expect(run2.values).toEqual([]);

    engine.reset();
    const run3 = captureTasks(engine);
    await engine.run();
    run3.close();
    expect(run3.values).toEqual(expected);
  });

  it('S39 reset and re-run of a failed flow', async () => {
    const flow = linear('root').add(
      new ProgressingTask('task1'),
      new ProgressingTask('task2'),
      new FailingTask('task3'),
    );
    const expected = [
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      'task2.t RUNNING',
      'task2.t SUCCESS(5)',
      'task3.t RUNNING',
      'task3.t FAILURE(Failure: RuntimeError: Woot!)',
      'task3.t REVERTING',
      'task3.t REVERTED(None)',
      'task2.t REVERTING',
      'task2.t REVERTED(None)',
      'task1.t REVERTING',
      'task1.t REVERTED(None)',
    ];
    const engine = eng.load(flow);
    const run1 = captureTasks(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError')).toBe(true);
    run1.close();
    expect(run1.values).toEqual(expected);

    engine.reset();
    const run2 = captureTasks(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError')).toBe(true);
    run2.close();
    expect(run2.values).toEqual(expected);
  });

  it('S40 suspend via runIter, continue, reset', async () => {
    const flow = linear('root').add(
      new ProgressingTask('task1'),
      new ProgressingTask('task2'),
      new ProgressingTask('task3'),
    );
    const engine = eng.load(flow);
    const run1 = captureTasks(engine);
    const yielded: string[] = [];
    let i = 0;
    for await (const st of engine.runIter()) {
      // The 7th yielded state is where the original test suspends (its value is not checked).
      if (i === 6) engine.suspend();
      else yielded.push(st);
      i++;
    }
    run1.close();
    expect(yielded).toEqual([
      states.RESUMING,
      states.SCHEDULING,
      states.WAITING,
      states.ANALYZING,
      states.SCHEDULING,
      states.WAITING,
      states.SUSPENDED,
    ]);
    expect(i).toBe(8);
    expect(run1.values).toEqual([
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      'task2.t RUNNING',
      'task2.t SUCCESS(5)',
    ]);

    const run2 = captureTasks(engine);
    await engine.run();
    run2.close();
    expect(run2.values).toEqual(['task3.t RUNNING', 'task3.t SUCCESS(5)']);

    engine.reset();
    const run3 = captureTasks(engine);
    await engine.run();
    run3.close();
    expect(run3.values).toEqual([
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      'task2.t RUNNING',
      'task2.t SUCCESS(5)',
      'task3.t RUNNING',
      'task3.t SUCCESS(5)',
    ]);
  });

  describe('S41 decider on a link into a nested subflow', () => {
    const expected = [
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      'task2.t RUNNING',
      'task2.t SUCCESS(5)',
      'task3.t IGNORE',
      'task4.t IGNORE',
    ];

    it('S41a link into a doubly nested linear flow', async () => {
      const histories: Readonly<Record<string, unknown>>[] = [];
      const shouldGo: Decider = (history) => {
        histories.push(history);
        return false;
      };
      const task1 = new ProgressingTask('task1');
      const task2 = new ProgressingTask('task2');
      const subflow = linear('more-work').add(
        linear('more-more-work').add(new ProgressingTask('task3'), new ProgressingTask('task4')),
      );
      const flow = graph('main-work').add(task1, task2);
      flow.link(task1, task2);
      flow.add(subflow);
      flow.link(task2, subflow, { decider: shouldGo });
      const engine = eng.load(flow);
      const cap = captureTasks(engine);
      await engine.run();
      expect(cap.values).toEqual(expected);
      expect(histories).toHaveLength(1);
      expect(histories[0]).toHaveProperty('task2');
    });

    it('S41b two deciding links into a nested linear flow', async () => {
      const histories: Readonly<Record<string, unknown>>[] = [];
      const shouldGo: Decider = (history) => {
        histories.push(history);
        return false;
      };
      const task1 = new ProgressingTask('task1');
      const task2 = new ProgressingTask('task2');
      const subflow = linear('more-work').add(new ProgressingTask('task3'), new ProgressingTask('task4'));
      const flow = graph('main-work').add(task1, task2);
      flow.link(task1, task2);
      flow.add(subflow);
      flow.link(task2, subflow, { decider: shouldGo });
      flow.link(task1, subflow, { decider: shouldGo });
      const engine = eng.load(flow);
      const cap = captureTasks(engine);
      await engine.run();
      expect(cap.values).toEqual(expected);
      expect(histories).toHaveLength(2);
      for (const h of histories) {
        expect(h).toHaveProperty('task1');
        expect(h).toHaveProperty('task2');
      }
    });
  });

  it('S42 conditional branches', async () => {
    const task1 = new ProgressingTask('task1');
    const task2 = new ProgressingTask('task2');
    const task22 = new ProgressingTask('task2_2');
    const task3 = new ProgressingTask('task3');
    const flow = graph('root').add(task1, task2, task22, task3);
    flow.link(task1, task2, { decider: no });
    flow.link(task2, task22);
    flow.link(task1, task3, { decider: yes });
    const engine = eng.load(flow);
    const cap = captureTasks(engine);
    await engine.run();
    expect(asSet(cap.values)).toEqual(
      asSet([
        'task1.t RUNNING',
        'task1.t SUCCESS(5)',
        'task2.t IGNORE',
        'task2_2.t IGNORE',
        'task3.t RUNNING',
        'task3.t SUCCESS(5)',
      ]),
    );
  });

  it('S43 ignored atoms are reset by reset()', async () => {
    let allowExecute = false;
    const task1 = new ProgressingTask('task1');
    const task2 = new ProgressingTask('task2');
    const task3 = new ProgressingTask('task3');
    const flow = graph('root').add(task1, task2, task3);
    flow.link(task1, task2);
    flow.link(task2, task3, { decider: () => allowExecute });
    const engine = eng.load(flow);

    const run1 = captureTasks(engine);
    await engine.run();
    run1.close();
    expect(asSet(run1.values)).toEqual(
      asSet([
        'task1.t RUNNING',
        'task1.t SUCCESS(5)',
        'task2.t RUNNING',
        'task2.t SUCCESS(5)',
        'task3.t IGNORE',
      ]),
    );
    expect(engine.storage.getAtomState('task3')).toBe(states.IGNORE);
    expect(engine.storage.getAtomIntention('task3')).toBe(states.IGNORE);

    engine.reset();
    allowExecute = true;
    const run2 = captureTasks(engine);
    await engine.run();
    run2.close();
    expect(asSet(run2.values)).toEqual(
      asSet([
        'task1.t RUNNING',
        'task1.t SUCCESS(5)',
        'task2.t RUNNING',
        'task2.t SUCCESS(5)',
        'task3.t RUNNING',
        'task3.t SUCCESS(5)',
      ]),
    );
  });

  describe('S45 deciders receive the results of their source atoms', () => {
    const evenOdd =
      (allowed: number): Decider =>
      (history) =>
        Object.values(history).reduce((sum: number, v) => sum + (v as number), 0) === allowed;

    const build = () => {
      const task1 = new TaskMultiArgOneReturn('task1');
      const task2 = new ProgressingTask('task2');
      const task22 = new ProgressingTask('task2_2');
      const task3 = new ProgressingTask('task3');
      const task33 = new ProgressingTask('task3_3');
      const flow = graph('root').add(task1, task2, task22, task3, task33);
      flow.link(task1, task2, { decider: evenOdd(2) });
      flow.link(task2, task22);
      flow.link(task1, task3, { decider: evenOdd(1) });
      flow.link(task3, task33);
      return flow;
    };

    it('S45a sum 2 takes the task2 branch', async () => {
      const engine = eng.load(build());
      engine.storage.inject({ x: 0, y: 1, z: 1 });
      const cap = captureTasks(engine);
      await engine.run();
      expect(asSet(cap.values)).toEqual(
        asSet([
          'task1.t RUNNING',
          'task1.t SUCCESS(2)',
          'task3.t IGNORE',
          'task3_3.t IGNORE',
          'task2.t RUNNING',
          'task2.t SUCCESS(5)',
          'task2_2.t RUNNING',
          'task2_2.t SUCCESS(5)',
        ]),
      );
    });

    it('S45b sum 1 takes the task3 branch', async () => {
      const engine = eng.load(build());
      engine.storage.inject({ x: 0, y: 0, z: 1 });
      const cap = captureTasks(engine);
      await engine.run();
      expect(asSet(cap.values)).toEqual(
        asSet([
          'task1.t RUNNING',
          'task1.t SUCCESS(1)',
          'task2.t IGNORE',
          'task2_2.t IGNORE',
          'task3.t RUNNING',
          'task3.t SUCCESS(5)',
          'task3_3.t RUNNING',
          'task3_3.t SUCCESS(5)',
        ]),
      );
    });
  });
});
