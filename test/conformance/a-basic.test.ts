/**
 * Conformance, section A: basic execution, notifications, results
 * (`taskflow-scenarios.md` §A), plus S46 from §B. Each test is named by its
 * scenario id.
 *
 * Scenario ids S11, S19 and S26 do not exist in the catalogue (it jumps from
 * S10 to S12, S18 to S20 and S25 to S27), so there is nothing to test for them.
 */
import { describe, expect, it } from 'vitest';
import {
  AtomDetail,
  Failure,
  FlowDetail,
  LogBook,
  graph,
  linear,
  states,
  task,
  unordered,
  type EngineState,
  type Values,
} from '../../engine/index.js';
import { captureAll, captureTasks, raisedMatches, runExpectingError } from '../support/capture.js';
import { enginesFor } from '../support/engines.js';
import {
  AddOneSameProvidesRequires,
  FailingTask,
  GiveBackRevert,
  MultiProgressingTask,
  NastyFailingTask,
  NastyTask,
  NeverRunningTask,
  OptionalTask,
  ProgressingTask,
  RuntimeError,
  TaskMultiReturn,
  TaskNoRequiresNoReturns,
  TaskOneArgOneReturn,
  TaskOneReturn,
} from '../support/fixtures.js';

/** Python's IOError (an alias of OSError), thrown into the run iterator in S12. */
class IOError extends Error {}

/** TaskFlow's `assertIsSuperAndSubsequence`: `sub` occurs in `sup` in order (not necessarily contiguously). */
function isSubsequence(sup: readonly string[], sub: readonly string[]): boolean {
  let i = 0;
  for (const s of sup) if (i < sub.length && s === sub[i]) i++;
  return i === sub.length;
}

/** Drains `engine.runIter()`, returning every yielded engine state. */
async function drain(it: AsyncGenerator<EngineState, void, unknown>): Promise<EngineState[]> {
  const out: EngineState[] = [];
  for await (const s of it) out.push(s);
  return out;
}

const EMPTY_TRANSITIONS = [
  states.RESUMING,
  states.SCHEDULING,
  states.WAITING,
  states.ANALYZING,
  states.SUCCESS,
];

describe.each(enginesFor('SPW'))('$name engine', (eng) => {
  it('S01 single task as the whole flow', async () => {
    const engine = eng.load(new ProgressingTask('task1'));
    const cap = captureAll(engine);
    await engine.run();
    expect(cap.values).toEqual([
      'task1.f RUNNING',
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      'task1.f SUCCESS',
    ]);
    const engine2 = eng.load(new ProgressingTask('task1'));
    const tasks = captureTasks(engine2);
    await engine2.run();
    expect(tasks.values).toEqual(['task1.t RUNNING', 'task1.t SUCCESS(5)']);
  });

  it('S02 single failing task, then re-run of a reverted flow', async () => {
    const engine = eng.load(new FailingTask('fail'));
    const cap = captureAll(engine);
    const once = [
      'fail.f RUNNING',
      'fail.t RUNNING',
      'fail.t FAILURE(Failure: RuntimeError: Woot!)',
      'fail.t REVERTING',
      'fail.t REVERTED(None)',
      'fail.f REVERTED',
    ];
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(cap.values).toEqual(once);
    expect(engine.storage.getFlowState()).toBe(states.REVERTED);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(cap.values).toEqual([...once, 'fail.t PENDING', 'fail.f PENDING', ...once]);
    expect(engine.storage.getFlowState()).toBe(states.REVERTED);
  });

  it('S03 invalid root object', async () => {
    const bad = 'i am string, not task/flow, sorry';
    const engine = eng.load(bad);
    expect(() => {
      engine.compile();
    }).toThrow(TypeError);
    expect(() => {
      engine.compile();
    }).toThrow(bad);
    await expect(eng.load(bad).run()).rejects.toThrow(TypeError);
  });

  it('S04 failing task whose revert also fails', async () => {
    const engine = eng.load(new NastyFailingTask('nasty'));
    const err = await runExpectingError(engine);
    // Only the revert error is raised.
    expect(raisedMatches(err, 'RuntimeError', 'Gotcha')).toBe(true);
    expect(raisedMatches(err, 'RuntimeError', 'Woot')).toBe(false);
    expect(engine.storage.getAtomState('nasty')).toBe(states.REVERT_FAILURE);
    expect(engine.storage.getFlowState()).toBe(states.FAILURE);
  });

  it('S05 progress events seen by task listeners', async () => {
    const flow = linear('flow').add(new MultiProgressingTask('work-1'), new MultiProgressingTask('work-2'));
    const engine = eng.load(flow, { store: { progress_chunks: [0.2, 0.5, 0.8] } });
    const captured: Record<string, Values[]> = { 'work-1': [], 'work-2': [] };
    engine.notifier.on('progress', (e) => {
      const seen = captured[e.name];
      if (seen)
        seen.push(e.details ? { progress: e.progress, details: e.details } : { progress: e.progress });
    });
    await engine.run();
    const expected = [
      { progress: 0.0 },
      { progress: 0.2 },
      { progress: 0.5 },
      { progress: 0.8 },
      { progress: 1.0 },
    ];
    expect(captured['work-1']).toEqual(expected);
    expect(captured['work-2']).toEqual(expected);
  });

  describe('S06 optional argument with injection precedence', () => {
    const cases: [string, Values | undefined, Values, Values][] = [
      ['S06a no inject, store {a: 3}', undefined, { a: 3 }, { a: 3, result: 15 }],
      ['S06b no inject, store {a: 3, b: 7}', undefined, { a: 3, b: 7 }, { a: 3, b: 7, result: 21 }],
      ['S06c inject {a: 10}, store {a: 3}', { a: 10 }, { a: 3 }, { a: 3, result: 50 }],
      ['S06d inject {a: 10}, store {a: 3, b: 7}', { a: 10 }, { a: 3, b: 7 }, { a: 3, b: 7, result: 70 }],
      ['S06e inject {b: 1000}, store {a: 3}', { b: 1000 }, { a: 3 }, { a: 3, result: 3000 }],
      [
        'S06f inject {b: 1000}, store {a: 3, b: 7}',
        { b: 1000 },
        { a: 3, b: 7 },
        { a: 3, b: 7, result: 3000 },
      ],
    ];
    it.each(cases)('%s', async (_title, inject, store, expected) => {
      const opt = inject
        ? new OptionalTask('opt', { provides: 'result', inject })
        : new OptionalTask('opt', { provides: 'result' });
      const engine = eng.load(linear('flow').add(opt), { store });
      await engine.run();
      expect(engine.storage.fetchAll()).toEqual(expected);
    });
  });

  it('S07a fetching a single result', async () => {
    const engine = eng.load(linear('flow').add(new TaskOneReturn('one', { provides: 'x' })));
    await engine.run();
    expect(engine.storage.fetch('x')).toBe(1);
    expect(engine.storage.fetchAll()).toEqual({ x: 1 });
  });

  it('S07b fetching two results (stored value and atom result)', async () => {
    const engine = eng.load(linear('flow').add(new TaskOneReturn('one', { provides: 'x' })), {
      store: { x: 0 },
    });
    await engine.run();
    expect(engine.storage.fetch('x')).toBe(0);
    expect(engine.storage.fetchAll()).toEqual({ x: [0, 1] });
  });

  it('S07c a task can update a value', async () => {
    const flow = linear('flow').add(new TaskOneArgOneReturn('upd', { requires: 'x', provides: 'x' }));
    const engine = eng.load(flow, { store: { x: 0 } });
    await engine.run();
    expect(engine.storage.fetchAll()).toEqual({ x: [0, 1] });
  });

  it('S08 what each atom sees in a chain that re-provides the same name', async () => {
    const a = new AddOneSameProvidesRequires('a', { rebind: { value: 'source' } });
    const b = new AddOneSameProvidesRequires('b');
    const c = new AddOneSameProvidesRequires('c');
    const engine = eng.load(linear('flow').add(a, b, c), { store: { source: 0 } });
    await engine.run();
    expect(engine.storage.fetchMappedArgs(a.executeMapping, 'a')).toEqual({ value: 0 });
    expect(engine.storage.fetchMappedArgs(b.executeMapping, 'b')).toEqual({ value: 1 });
    expect(engine.storage.fetchMappedArgs(c.executeMapping, 'c')).toEqual({ value: 2 });
  });

  it('S09 a stored value shadows atom outputs', async () => {
    const a = new AddOneSameProvidesRequires('a');
    const b = new AddOneSameProvidesRequires('b');
    const c = new AddOneSameProvidesRequires('c');
    const engine = eng.load(linear('flow').add(a, b, c), { store: { value: 0 } });
    await engine.run();
    expect(engine.storage.fetchMappedArgs(a.executeMapping, 'a')).toEqual({ value: 0 });
    expect(engine.storage.fetchMappedArgs(b.executeMapping, 'b')).toEqual({ value: 0 });
    expect(engine.storage.fetchMappedArgs(c.executeMapping, 'c')).toEqual({ value: 0 });
    expect(engine.storage.get('a')).toBe(1);
    expect(engine.storage.get('b')).toBe(1);
    expect(engine.storage.get('c')).toBe(1);
  });

  it('S10 empty flows', async () => {
    const flows = [
      linear('flow-1'),
      unordered('p-1'),
      graph('g-1'),
      graph('g-1').add(linear('l-1'), graph('g-2')),
    ];
    for (const flow of flows) {
      expect(await drain(eng.load(flow).runIter()), String(flow)).toEqual(EMPTY_TRANSITIONS);
    }
  });

  it('S12 exception thrown into the run iterator', async () => {
    const flow = linear('flow-1').add(
      new ProgressingTask('task1'),
      new ProgressingTask('task2'),
      new ProgressingTask('task3'),
    );
    const engine = eng.load(flow);
    const runAndThrow = async (): Promise<void> => {
      const seen = new Map<EngineState, number>();
      const count = (s: EngineState): void => {
        seen.set(s, (seen.get(s) ?? 0) + 1);
      };
      const it = engine.runIter();
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        count(r.value);
        if (seen.get(states.SCHEDULING) === 2) {
          const t = await it.throw(new IOError('I Broke'));
          if (t.done) break;
          count(t.value);
        }
      }
    };
    let err: unknown;
    try {
      await runAndThrow();
    } catch (e) {
      err = e;
    }
    expect(err, 'the iteration must raise').toBeDefined();
    expect(raisedMatches(err, 'IOError', 'I Broke')).toBe(true);
    expect(engine.storage.getFlowState()).toBe(states.FAILURE);
  });

  it('S13a linear sequence of one task', async () => {
    const engine = eng.load(linear('flow-1').add(new ProgressingTask('task1')));
    const cap = captureTasks(engine);
    await engine.run();
    expect(cap.values).toEqual(['task1.t RUNNING', 'task1.t SUCCESS(5)']);
  });

  const twoTasks = ['task1.t RUNNING', 'task1.t SUCCESS(5)', 'task2.t RUNNING', 'task2.t SUCCESS(5)'];

  it('S13b linear sequence of two tasks, by run() and by draining runIter()', async () => {
    const flow = linear('flow-2').add(new ProgressingTask('task1'), new ProgressingTask('task2'));
    const engine = eng.load(flow);
    const cap = captureTasks(engine);
    await engine.run();
    expect(cap.values).toEqual(twoTasks);
    expect(flow.length).toBe(2);

    const flow2 = linear('flow-2').add(new ProgressingTask('task1'), new ProgressingTask('task2'));
    const engine2 = eng.load(flow2);
    const cap2 = captureTasks(engine2);
    const gathered = await drain(engine2.runIter());
    expect(gathered.length).toBeGreaterThan(0);
    expect(cap2.values).toEqual(twoTasks);
    expect(flow2.length).toBe(2);
  });

  it('S13c nested linear blocks', async () => {
    const flow = linear('nested-1').add(
      new ProgressingTask('task1'),
      linear('inner-1').add(new ProgressingTask('task2')),
    );
    const engine = eng.load(flow);
    const cap = captureTasks(engine);
    await engine.run();
    expect(cap.values).toEqual(twoTasks);
  });

  it('S14 suspend via the iterator, then resume', async () => {
    const flow = linear('flow-2').add(new ProgressingTask('task1'), new ProgressingTask('task2'));
    const backend = eng.backend();
    const book = new LogBook('lb');
    const fd = new FlowDetail('flow-2');
    book.add(fd);
    backend.saveLogbook(book);
    const engine = eng.load(flow, { backend, flowDetail: fd });

    const cap = captureTasks(engine);
    const it = engine.runIter();
    const gathered: EngineState[] = [];
    let suspend: boolean | undefined;
    for (;;) {
      const r = await it.next(suspend);
      if (r.done) break;
      gathered.push(r.value);
      // Stop it before task2 starts.
      if (r.value === states.WAITING) suspend = true;
    }
    cap.close();
    expect(gathered.length).toBeGreaterThan(0);
    expect(cap.values).toEqual(['task1.t RUNNING', 'task1.t SUCCESS(5)']);
    expect(engine.storage.getFlowState()).toBe(states.SUSPENDED);

    const cap2 = captureTasks(engine);
    const gathered2 = await drain(engine.runIter());
    expect(gathered2.length).toBeGreaterThan(0);
    expect(cap2.values).toEqual(['task2.t RUNNING', 'task2.t SUCCESS(5)']);
    expect(engine.storage.getFlowState()).toBe(states.SUCCESS);
  });

  it('S15 revert removes published data', async () => {
    const flow = linear('revert-removes').add(
      new TaskOneReturn('one-return', { provides: 'one' }),
      new TaskMultiReturn('multi-return', { provides: ['a', 'b', 'c'] }),
      new FailingTask('fail'),
    );
    const engine = eng.load(flow);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(engine.storage.fetchAll()).toEqual({});
  });

  it('S16 revert results are stored', async () => {
    const flow = linear('revert-provided').add(new GiveBackRevert('giver'), new FailingTask('fail'));
    const engine = eng.load(flow, { store: { value: 0 } });
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(engine.storage.getRevertResult('giver')).toBe(2);
  });

  it('S17 a revert that fails', async () => {
    const engine = eng.load(linear('revert').add(new NastyTask('nasty'), new FailingTask('fail')));
    const err = await runExpectingError(engine);
    expect(raisedMatches(err, 'RuntimeError', 'Gotcha')).toBe(true);
    expect(raisedMatches(err, 'RuntimeError', 'Woot')).toBe(false);
    const fail = engine.storage.getRevertResult('nasty');
    expect(fail).toBeInstanceOf(Failure);
    expect((fail as Failure).check(RuntimeError)).toBeTruthy();
    expect(Object.keys(engine.storage.getExecuteFailures())).toContain('fail');
    expect(Object.keys(engine.storage.getRevertFailures())).toContain('nasty');
    expect(engine.storage.getFlowState()).toBe(states.FAILURE);
  });

  it('S18 atoms that never ran are not reverted', async () => {
    const engine = eng.load(
      linear('revert-not-run').add(new FailingTask('fail'), new NeverRunningTask('never')),
    );
    const cap = captureTasks(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(cap.values).toEqual([
      'fail.t RUNNING',
      'fail.t FAILURE(Failure: RuntimeError: Woot!)',
      'fail.t REVERTING',
      'fail.t REVERTED(None)',
    ]);
  });

  it('S20 priority orders a batch', async () => {
    const flow = unordered('p-1');
    for (let i = 0; i < 10; i++) {
      const t = new ProgressingTask(`task${i}`);
      t.priority = i;
      flow.add(t);
    }
    const engine = eng.load(flow);
    const cap = captureTasks(engine);
    await engine.run();
    const expected = Array.from({ length: 10 }, (_, k) => `task${9 - k}.t RUNNING`);
    // The order of the SUCCESS entries is not checked.
    expect(cap.values.slice(0, 10)).toEqual(expected);
  });

  it('S21a unordered flow of one task', async () => {
    const engine = eng.load(unordered('p-1').add(new ProgressingTask('task1', { provides: 'a' })));
    const cap = captureTasks(engine);
    await engine.run();
    expect(cap.values).toEqual(['task1.t RUNNING', 'task1.t SUCCESS(5)']);
    expect(engine.storage.fetchAll()).toEqual({ a: 5 });
  });

  it('S21b unordered flow of two tasks', async () => {
    const engine = eng.load(unordered('p-2').add(new ProgressingTask('task1'), new ProgressingTask('task2')));
    const cap = captureTasks(engine);
    await engine.run();
    expect(new Set(cap.values)).toEqual(
      new Set(['task1.t RUNNING', 'task1.t SUCCESS(5)', 'task2.t RUNNING', 'task2.t SUCCESS(5)']),
    );
  });

  it('S22a unordered revert', async () => {
    const flow = unordered('p-r-3').add(
      new TaskNoRequiresNoReturns('task1'),
      new FailingTask('fail'),
      new TaskNoRequiresNoReturns('task2'),
    );
    const engine = eng.load(flow);
    const cap = captureTasks(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(cap.values).toContain('fail.t FAILURE(Failure: RuntimeError: Woot!)');
  });

  it('S22b unordered revert whose revert fails is re-raised', async () => {
    const flow = linear('p-root').add(
      unordered('p-inner').add(new TaskNoRequiresNoReturns('task1'), new NastyTask('nasty')),
      new FailingTask('fail'),
    );
    const engine = eng.load(flow);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Gotcha')).toBe(true);
  });

  it('S23 resume from a pre-populated flow detail', async () => {
    const flow = linear('lf-2-r').add(
      new ProgressingTask('task1', { provides: 'x1' }),
      new ProgressingTask('task2', { provides: 'x2' }),
    );
    const backend = eng.backend();
    const book = new LogBook('lb');
    const flowDetail = new FlowDetail('lf-2-r');
    const td = new AtomDetail('task1', 'task', '42');
    td.state = states.SUCCESS;
    td.results = 17;
    flowDetail.add(td);
    book.add(flowDetail);
    backend.saveLogbook(book);

    const engine = eng.load(flow, { backend, flowDetail });
    const cap = captureTasks(engine);
    await engine.run();
    expect(cap.values).toEqual(['task2.t RUNNING', 'task2.t SUCCESS(5)']);
    expect(engine.storage.fetchAll()).toEqual({ x1: 17, x2: 5 });
  });

  it('S24 many unordered sub-flows in a line', async () => {
    const flow = linear('root');
    for (let i = 0; i < 10; i++) {
      const sf = unordered(`subflow ${i}`);
      for (let j = 0; j < 10; j++) sf.add(new ProgressingTask(`task ${i}:${j}`));
      flow.add(sf);
    }
    const engine = eng.load(flow);
    const cap = captureTasks(engine);
    const started = performance.now();
    await engine.run();
    expect(cap.values).toContain('task 9:9.t SUCCESS(5)');
    // "should finish quickly": a generous bound that only exponential re-visiting would exceed.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('S25 unordered inside linear, failure reverted', async () => {
    const flow = linear('p-root').add(
      new ProgressingTask('task1'),
      new ProgressingTask('task2'),
      unordered('p-inner').add(new ProgressingTask('task3'), new FailingTask('fail')),
    );
    const engine = eng.load(flow);
    const cap = captureTasks(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    const trace = cap.values;
    expect(
      isSubsequence(trace, [
        'task1.t RUNNING',
        'task2.t RUNNING',
        'fail.t FAILURE(Failure: RuntimeError: Woot!)',
        'task2.t REVERTED(None)',
        'task1.t REVERTED(None)',
      ]),
      trace.join('\n'),
    ).toBe(true);
    const task3Ran = trace.includes('task3.t RUNNING');
    // On the serial engine task3 always runs.
    if (eng.id === 'S') expect(task3Ran).toBe(true);
    if (task3Ran) {
      expect(
        isSubsequence(trace, [
          'task1.t RUNNING',
          'task2.t RUNNING',
          'task3.t RUNNING',
          'task3.t REVERTED(None)',
          'task2.t REVERTED(None)',
          'task1.t REVERTED(None)',
        ]),
        trace.join('\n'),
      ).toBe(true);
    }
  });

  it('S27 linear inside unordered, failure reverted', async () => {
    const flow = unordered('p-root').add(
      new ProgressingTask('task1'),
      linear('p-inner').add(new ProgressingTask('task2'), new FailingTask('fail')),
    );
    const engine = eng.load(flow);
    const cap = captureTasks(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    const trace = cap.values;
    expect(trace).toContain('fail.t FAILURE(Failure: RuntimeError: Woot!)');
    expect(
      isSubsequence(trace, ['task2.t RUNNING', 'task2.t SUCCESS(5)', 'task2.t REVERTED(None)']),
      trace.join('\n'),
    ).toBe(true);
    // TaskFlow's test guards this with `'task1' in values`, which never holds (it compares whole
    // entries); we check the intent: if task1 ran, it was reverted.
    if (trace.includes('task1.t RUNNING')) {
      expect(
        isSubsequence(trace, ['task1.t RUNNING', 'task1.t SUCCESS(5)', 'task1.t REVERTED(None)']),
        trace.join('\n'),
      ).toBe(true);
    }
  });

  it('S28 linear inside unordered, revert fails', async () => {
    const flow = unordered('p-root').add(
      new ProgressingTask('task1'),
      linear('p-inner').add(new ProgressingTask('task2'), new NastyFailingTask('nasty')),
    );
    const engine = eng.load(flow);
    const cap = captureTasks(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Gotcha')).toBe(true);
    expect(cap.values).not.toContain('task2.t REVERTED(None)');
  });
});

describe.each(enginesFor('SPW'))('$name engine', (eng) => {
  it('S46 revert receives the execute result and the flow failures', async () => {
    let seen: { result: unknown; keys: string[]; fail1: unknown } | undefined;
    const checking = task({
      name: 'checking',
      execute: () => 'RESULT',
      revert: (_args, { result, flowFailures }) => {
        seen = { result, keys: Object.keys(flowFailures), fail1: flowFailures.fail1 };
      },
    });
    const engine = eng.load(linear('test').add(checking, new FailingTask('fail1')));
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    // The assertions TaskFlow makes inside revert, made here on what revert received.
    expect(seen, 'revert was called').toBeDefined();
    expect(seen?.result).toBe('RESULT');
    expect(seen?.keys).toEqual(['fail1']);
    expect(seen?.fail1).toBeInstanceOf(Failure);
    expect(String(seen?.fail1)).toBe('Failure: RuntimeError: Woot!');
  });
});
