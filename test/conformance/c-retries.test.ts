/**
 * Conformance, section C: retries (`taskflow-scenarios.md` §C, S47–S73).
 * Each test is named by its scenario id.
 *
 * S66 and S71 are referenced by the catalogue (S68, S72) but not listed in it;
 * they are reconstructed here from the TaskFlow tests the catalogue names
 * (`test_retries.py::test_nested_for_each_revert` / `..._revert_all` and
 * `test_nested_provides_graph_reverts_correctly`), as noted at each test.
 *
 * TaskFlow runs these tests with a (memory) persistence backend, so every
 * engine here gets a fresh backend of its kind too (`eng.backend()`).
 */
import { describe, expect, it } from 'vitest';
import {
  AlwaysRevert,
  Decision,
  Failure,
  ForEach,
  NotFound,
  ParameterizedForEach,
  Retry,
  Task,
  Times,
  ValueError,
  graph,
  linear,
  states,
  unordered,
  type AtomEvent,
  type History,
  type LoadOptions,
  type RetryRevertInfo,
  type TaskContext,
  type Values,
} from '../../engine/index.js';
import { captureAll, captureTasks, raisedMatches, runExpectingError } from '../support/capture.js';
import { enginesFor, type EngineUnderTest } from '../support/engines.js';
import {
  ConditionalTask,
  FailingTask,
  FailingTaskWithOneArg,
  NastyTask,
  NoopTask,
  OneReturnRetry,
  ProgressingTask,
  RuntimeError,
  TaskNoRequiresNoReturns,
} from '../support/fixtures.js';

// ------------------------------------------------------------------ helpers

function make(eng: EngineUnderTest, flow: unknown, options: LoadOptions = {}) {
  return eng.load(flow, { backend: eng.backend(), ...options });
}

/** Compares two traces as multisets. */
function sorted(xs: readonly string[]): string[] {
  return [...xs].sort();
}

/** The events of one atom, in order (for "multiset" scenarios: the per-atom subsequence must still hold). */
function of(values: readonly string[], name: string): string[] {
  return values.filter((v) => v.startsWith(`${name}.`));
}

/** Whether `sub` occurs in `sup` in order (not necessarily contiguously). */
function isSubsequence(sup: readonly string[], sub: readonly string[]): boolean {
  let i = 0;
  for (const v of sup) if (i < sub.length && v === sub[i]) i++;
  return i === sub.length;
}

/** One failed attempt of a ForEach-style retry `r` over a task `t` that fails with `Woot with <v>`. */
function forEachAttempt(r: string, t: string, v: number): string[] {
  return [
    `${r}.r RUNNING`,
    `${r}.r SUCCESS(${v})`,
    `${t}.t RUNNING`,
    `${t}.t FAILURE(Failure: RuntimeError: Woot with ${v})`,
    `${t}.t REVERTING`,
    `${t}.t REVERTED(None)`,
  ];
}

/** The trace of a ForEach-style retry `r` trying every value of `values` on `t`, all failing. */
function forEachTrace(r: string, t: string, values: readonly number[]): string[] {
  const out: string[] = [];
  values.forEach((v, i) => {
    if (i > 0) out.push(`${r}.r RETRYING`, `${t}.t PENDING`);
    out.push(...forEachAttempt(r, t, v));
  });
  out.push(`${r}.r REVERTING`, `${r}.r REVERTED(None)`);
  return out;
}

/** A synchronous sleep (like Python's `time.sleep` in the engine thread). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// ------------------------------------------------------- local fixtures

/** S70: a retry whose execute fails; its revert keeps the history it was given. */
class FailingRetry extends Retry {
  history: History | undefined;
  execute(): unknown {
    throw new ValueError('OMG I FAILED');
  }
  override revert(history: History, _args: Values, _info: RetryRevertInfo): unknown {
    this.history = history;
    return undefined;
  }
  onFailure(): Decision {
    return Decision.REVERT;
  }
}

/** S70b: same, and its revert fails too. */
class NastyFailingRetry extends FailingRetry {
  override revert(): unknown {
    throw new ValueError('WOOT!');
  }
}

/** S59 (TaskFlow `RetryFiveTimes`): retries (after a short sleep) while history < 5, then REVERT_ALL. */
class RetryFiveTimes extends Times {
  constructor(private readonly sleepMs: number) {
    super();
  }
  override onFailure(history: History): Decision {
    if (history.length < 5) {
      sleepSync(this.sleepMs);
      return Decision.RETRY;
    }
    return Decision.REVERT_ALL;
  }
}

/**
 * S59 (TaskFlow `AlwaysRetry`): always RETRY. A runaway guard (far beyond what
 * the scenario needs) turns an endless loop — the engine letting this RETRY
 * undo a sibling's REVERT_ALL — into a finished run and a failed assertion
 * instead of a hung test (the serial engine never yields to the event loop).
 */
class AlwaysRetry extends Times {
  calls = 0;
  runaway = false;
  override onFailure(): Decision {
    this.calls++;
    if (this.calls > 5000) {
      this.runaway = true;
      return Decision.REVERT_ALL;
    }
    return Decision.RETRY;
  }
}

/** S59 (TaskFlow `SuccessAfter3Sec`, scaled down): fails with 'Woot!' until `delayMs` after `start_time`. */
class SuccessAfter extends Task {
  constructor(
    name: string,
    private readonly delayMs: number,
    startTime: number,
  ) {
    super({ name, requires: ['start_time'], inject: { start_time: startTime }, extraArgs: true });
  }
  execute(args: Values): unknown {
    if (Date.now() - (args.start_time as number) >= this.delayMs) return undefined;
    throw new RuntimeError('Woot!');
  }
}

/**
 * S73 (TaskFlow `WaitForOneFromTask`): execute blocks until one of `waitFor` is
 * notified in one of `waitStates` (a one-shot latch, like the `threading.Event`
 * it mirrors), then behaves as ProgressingTask.
 */
class WaitForOneFromTask extends ProgressingTask {
  private fired = false;
  private wake: (() => void) | undefined;
  constructor(
    name: string,
    private readonly waitFor: readonly string[],
    private readonly waitStates: readonly string[],
  ) {
    super(name);
  }
  override async execute(args: Values, ctx: TaskContext): Promise<unknown> {
    if (!this.fired) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new RuntimeError(`timeout while waiting for ${this.waitFor.join(', ')}`));
        }, 10_000);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (this.fired) this.wake();
      });
    }
    return super.execute(args, ctx);
  }
  readonly callback = (e: AtomEvent): void => {
    if (!this.waitFor.includes(e.name) || !this.waitStates.includes(e.state)) return;
    this.fired = true;
    this.wake?.();
  };
}

// ------------------------------------------------------------------ tests

describe.each(enginesFor('SPW'))('$name engine', (eng) => {
  it.each([
    ['linear', () => linear('flow-1', new OneReturnRetry({ provides: 'x' }))],
    ['unordered', () => unordered('flow-1', new OneReturnRetry({ provides: 'x' }))],
    ['graph', () => graph('flow-1', new OneReturnRetry({ provides: 'x' }))],
  ])('S47 retry-only flows (%s)', async (_kind, build) => {
    const engine = make(eng, build());
    await engine.run();
    expect(engine.storage.fetchAll()).toEqual({ x: 1 });
  });

  it('S48 retry succeeds on second attempt', async () => {
    const flow = linear('flow-1', new Times(4, { name: 'r1', provides: 'x' })).add(
      new ProgressingTask('task1'),
      new ConditionalTask('task2'),
    );
    const engine = make(eng, flow, { store: { y: 2 } });
    const cap = captureAll(engine);
    await engine.run();
    expect(engine.storage.fetchAll()).toEqual({ y: 2, x: 2 });
    expect(cap.values).toEqual([
      'flow-1.f RUNNING',
      'r1.r RUNNING',
      'r1.r SUCCESS(1)',
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      'task2.t RUNNING',
      'task2.t FAILURE(Failure: RuntimeError: Woot!)',
      'task2.t REVERTING',
      'task2.t REVERTED(None)',
      'task1.t REVERTING',
      'task1.t REVERTED(None)',
      'r1.r RETRYING',
      'task1.t PENDING',
      'task2.t PENDING',
      'r1.r RUNNING',
      'r1.r SUCCESS(2)',
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      'task2.t RUNNING',
      'task2.t SUCCESS(None)',
      'flow-1.f SUCCESS',
    ]);
  });

  it('S49 retry exhausted', async () => {
    const flow = linear('flow-1', new Times(2, { name: 'r1', provides: 'x' })).add(
      new ProgressingTask('task1'),
      new ConditionalTask('task2'),
    );
    const engine = make(eng, flow, { store: { y: 4 } });
    const cap = captureAll(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(engine.storage.fetchAll()).toEqual({ y: 4 });
    expect(cap.values).toEqual([
      'flow-1.f RUNNING',
      'r1.r RUNNING',
      'r1.r SUCCESS(1)',
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      'task2.t RUNNING',
      'task2.t FAILURE(Failure: RuntimeError: Woot!)',
      'task2.t REVERTING',
      'task2.t REVERTED(None)',
      'task1.t REVERTING',
      'task1.t REVERTED(None)',
      'r1.r RETRYING',
      'task1.t PENDING',
      'task2.t PENDING',
      'r1.r RUNNING',
      'r1.r SUCCESS(2)',
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      'task2.t RUNNING',
      'task2.t FAILURE(Failure: RuntimeError: Woot!)',
      'task2.t REVERTING',
      'task2.t REVERTED(None)',
      'task1.t REVERTING',
      'task1.t REVERTED(None)',
      'r1.r REVERTING',
      'r1.r REVERTED(None)',
      'flow-1.f REVERTED',
    ]);
  });

  it('S50 revert failure inside a retried flow', async () => {
    const flow = linear('flow-1', new Times(2, { name: 'r1', provides: 'x' })).add(
      new NastyTask('task1'),
      new ConditionalTask('task2'),
    );
    const engine = make(eng, flow, { store: { y: 4 } });
    const cap = captureAll(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Gotcha')).toBe(true);
    expect(engine.storage.fetchAll()).toEqual({ y: 4, x: 1 });
    expect(cap.values).toEqual([
      'flow-1.f RUNNING',
      'r1.r RUNNING',
      'r1.r SUCCESS(1)',
      'task1.t RUNNING',
      'task1.t SUCCESS(None)',
      'task2.t RUNNING',
      'task2.t FAILURE(Failure: RuntimeError: Woot!)',
      'task2.t REVERTING',
      'task2.t REVERTED(None)',
      'task1.t REVERTING',
      'task1.t REVERT_FAILURE(Failure: RuntimeError: Gotcha!)',
      'flow-1.f FAILURE',
    ]);
  });

  it('S51 nested retry handles its own failure', async () => {
    const flow = linear('flow-1', new AlwaysRevert({ name: 'r1' })).add(
      new TaskNoRequiresNoReturns('task1'),
      linear('flow-2', new Times(3, { name: 'r2', provides: 'x' })).add(
        new TaskNoRequiresNoReturns('task2'),
        new ConditionalTask('task3'),
      ),
      new TaskNoRequiresNoReturns('task4'),
    );
    const engine = make(eng, flow, { store: { y: 2 } });
    const cap = captureAll(engine);
    await engine.run();
    expect(engine.storage.fetchAll()).toEqual({ y: 2, x: 2 });
    expect(cap.values).toEqual([
      'flow-1.f RUNNING',
      'r1.r RUNNING',
      'r1.r SUCCESS(None)',
      'task1.t RUNNING',
      'task1.t SUCCESS(None)',
      'r2.r RUNNING',
      'r2.r SUCCESS(1)',
      'task2.t RUNNING',
      'task2.t SUCCESS(None)',
      'task3.t RUNNING',
      'task3.t FAILURE(Failure: RuntimeError: Woot!)',
      'task3.t REVERTING',
      'task3.t REVERTED(None)',
      'task2.t REVERTING',
      'task2.t REVERTED(None)',
      'r2.r RETRYING',
      'task2.t PENDING',
      'task3.t PENDING',
      'r2.r RUNNING',
      'r2.r SUCCESS(2)',
      'task2.t RUNNING',
      'task2.t SUCCESS(None)',
      'task3.t RUNNING',
      'task3.t SUCCESS(None)',
      'task4.t RUNNING',
      'task4.t SUCCESS(None)',
      'flow-1.f SUCCESS',
    ]);
  });

  describe('S52 local REVERT vs deferReverts', () => {
    const build = () =>
      linear('flow-1').add(
        new TaskNoRequiresNoReturns('task1'),
        linear('flow-2', new Times(1, { name: 'r1', provides: 'x' })).add(
          new TaskNoRequiresNoReturns('task2'),
          new ConditionalTask('task3'),
        ),
        new TaskNoRequiresNoReturns('task4'),
      );
    const common = [
      'flow-1.f RUNNING',
      'task1.t RUNNING',
      'task1.t SUCCESS(None)',
      'r1.r RUNNING',
      'r1.r SUCCESS(1)',
      'task2.t RUNNING',
      'task2.t SUCCESS(None)',
      'task3.t RUNNING',
      'task3.t FAILURE(Failure: RuntimeError: Woot!)',
      'task3.t REVERTING',
      'task3.t REVERTED(None)',
      'task2.t REVERTING',
      'task2.t REVERTED(None)',
      'r1.r REVERTING',
      'r1.r REVERTED(None)',
    ];

    it('S52a default: task1 is not reverted', async () => {
      const engine = make(eng, build(), { store: { y: 2 } });
      const cap = captureAll(engine);
      await engine.run().catch(() => undefined);
      expect(cap.values).toEqual([...common, 'flow-1.f REVERTED']);
    });

    it('S52b deferReverts: task1 is reverted too', async () => {
      const engine = make(eng, build(), { store: { y: 2 }, deferReverts: true });
      const cap = captureAll(engine);
      await engine.run().catch(() => undefined);
      expect(cap.values).toEqual([
        ...common,
        'task1.t REVERTING',
        'task1.t REVERTED(None)',
        'flow-1.f REVERTED',
      ]);
    });
  });

  it('S54 retried unordered flow', async () => {
    const flow = unordered('flow-1', new Times(3, { name: 'r', provides: 'x' })).add(
      new ProgressingTask('task1'),
      new ConditionalTask('task2'),
    );
    const engine = make(eng, flow, { store: { y: 2 } });
    const cap = captureAll(engine);
    await engine.run();
    expect(engine.storage.fetchAll()).toEqual({ y: 2, x: 2 });
    expect(sorted(cap.values)).toEqual(
      sorted([
        'flow-1.f RUNNING',
        'r.r RUNNING',
        'r.r SUCCESS(1)',
        'task1.t RUNNING',
        'task2.t RUNNING',
        'task1.t SUCCESS(5)',
        'task2.t FAILURE(Failure: RuntimeError: Woot!)',
        'task2.t REVERTING',
        'task1.t REVERTING',
        'task2.t REVERTED(None)',
        'task1.t REVERTED(None)',
        'r.r RETRYING',
        'task1.t PENDING',
        'task2.t PENDING',
        'r.r RUNNING',
        'r.r SUCCESS(2)',
        'task1.t RUNNING',
        'task2.t RUNNING',
        'task1.t SUCCESS(5)',
        'task2.t SUCCESS(None)',
        'flow-1.f SUCCESS',
      ]),
    );
    // Per-atom subsequences and the dependency order (retry before and after its subflow) still hold.
    expect(of(cap.values, 'task1')).toEqual([
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      'task1.t REVERTING',
      'task1.t REVERTED(None)',
      'task1.t PENDING',
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
    ]);
    expect(of(cap.values, 'task2')).toEqual([
      'task2.t RUNNING',
      'task2.t FAILURE(Failure: RuntimeError: Woot!)',
      'task2.t REVERTING',
      'task2.t REVERTED(None)',
      'task2.t PENDING',
      'task2.t RUNNING',
      'task2.t SUCCESS(None)',
    ]);
    expect(of(cap.values, 'r')).toEqual([
      'r.r RUNNING',
      'r.r SUCCESS(1)',
      'r.r RETRYING',
      'r.r RUNNING',
      'r.r SUCCESS(2)',
    ]);
    const at = (v: string) => cap.values.indexOf(v);
    expect(at('r.r SUCCESS(1)')).toBeLessThan(at('task1.t RUNNING'));
    expect(at('r.r SUCCESS(1)')).toBeLessThan(at('task2.t RUNNING'));
    expect(at('task1.t REVERTED(None)')).toBeLessThan(at('r.r RETRYING'));
    expect(at('task2.t REVERTED(None)')).toBeLessThan(at('r.r RETRYING'));
  });

  describe('S56 nested retry without parent: REVERT vs REVERT_ALL', () => {
    const build = (revertAll: boolean) =>
      linear('flow-1').add(
        new ProgressingTask('task1'),
        linear('flow-2', new Times(0, { name: 'r1', provides: 'x2', revertAll })).add(
          new ConditionalTask('task2', { inject: { x: 1 } }),
        ),
      );
    const head = [
      'flow-1.f RUNNING',
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      'r1.r RUNNING',
      'r1.r SUCCESS(1)',
      'task2.t RUNNING',
      'task2.t FAILURE(Failure: RuntimeError: Woot!)',
      'task2.t REVERTING',
      'task2.t REVERTED(None)',
      'r1.r REVERTING',
      'r1.r REVERTED(None)',
    ];

    it('S56a REVERT: only the nested flow is reverted', async () => {
      const engine = make(eng, build(false), { store: { y: 2 } });
      const cap = captureAll(engine);
      await engine.run().catch(() => undefined);
      expect(engine.storage.fetchAll()).toEqual({ y: 2 });
      expect(cap.values).toEqual([...head, 'flow-1.f REVERTED']);
    });

    it('S56b REVERT_ALL: task1 is reverted too', async () => {
      const engine = make(eng, build(true), { store: { y: 2 } });
      const cap = captureAll(engine);
      await engine.run().catch(() => undefined);
      expect(engine.storage.fetchAll()).toEqual({ y: 2 });
      expect(cap.values).toEqual([
        ...head,
        'task1.t REVERTING',
        'task1.t REVERTED(None)',
        'flow-1.f REVERTED',
      ]);
    });
  });

  it('S58 re-running a reverted flow with a retry', async () => {
    const flow = linear('test', new OneReturnRetry({ provides: 'x' })).add(new FailingTask('fail'));
    const engine = make(eng, flow);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
  });

  it('S60a a retry as the root is not runnable (TypeError)', async () => {
    const engine = make(eng, new OneReturnRetry({ provides: 'x' }));
    await expect(engine.run()).rejects.toThrow(TypeError);
  });

  it('S60b a retry added as a child is refused with a TypeError (found earlier: at add, not at run)', () => {
    // Deliberate difference: TaskFlow accepts the retry as a child and raises TypeError when the
    // flow is compiled (at run()). We refuse it when it is added, saying where a retry belongs.
    // (The static type of `add` already rejects it; the cast stands for an untyped caller.)
    const retry = new OneReturnRetry({ provides: 'x' }) as unknown as Task;
    expect(() => linear('test').add(retry)).toThrow(TypeError);
    expect(() => linear('test').add(retry)).toThrow(/give it to the flow instead/);
    expect(() => unordered('test').add(retry)).toThrow(TypeError);
    expect(() => graph('test').add(retry)).toThrow(TypeError);
  });

  it('S61 resume while a retry was RETRYING', async () => {
    const flow = linear('flow-1', new Times(3, { name: 'r1' })).add(
      new ProgressingTask('t1'),
      new ProgressingTask('t2'),
      new ProgressingTask('t3'),
    );
    const engine = make(eng, flow);
    engine.compile();
    engine.prepare();
    const cap = captureAll(engine);
    engine.storage.setAtomState('r1', states.RETRYING);
    engine.storage.setAtomState('t1', states.PENDING);
    engine.storage.setAtomState('t2', states.REVERTED);
    engine.storage.setAtomState('t3', states.REVERTED);
    await engine.run();
    expect(cap.values).toEqual([
      'flow-1.f RUNNING',
      't2.t PENDING',
      't3.t PENDING',
      'r1.r RUNNING',
      'r1.r SUCCESS(1)',
      't1.t RUNNING',
      't1.t SUCCESS(5)',
      't2.t RUNNING',
      't2.t SUCCESS(5)',
      't3.t RUNNING',
      't3.t SUCCESS(5)',
      'flow-1.f SUCCESS',
    ]);
  });

  it('S62 resume with a retry whose intention is RETRY', async () => {
    const flow = linear('flow-1', new Times(3, { name: 'r1' })).add(
      new ProgressingTask('t1'),
      new ProgressingTask('t2'),
    );
    const engine = make(eng, flow);
    engine.compile();
    engine.prepare();
    const cap = captureAll(engine);
    engine.storage.setAtomIntention('r1', states.RETRY);
    engine.storage.setAtomState('r1', states.SUCCESS);
    engine.storage.setAtomState('t1', states.REVERTED);
    engine.storage.setAtomState('t2', states.REVERTED);
    await engine.run();
    expect(cap.values).toEqual([
      'flow-1.f RUNNING',
      'r1.r RETRYING',
      't1.t PENDING',
      't2.t PENDING',
      'r1.r RUNNING',
      'r1.r SUCCESS(1)',
      't1.t RUNNING',
      't1.t SUCCESS(5)',
      't2.t RUNNING',
      't2.t SUCCESS(5)',
      'flow-1.f SUCCESS',
    ]);
  });

  it('S64 Times(3) runs the subflow three times', async () => {
    const flow = linear('flow-1', new Times(3, { name: 'r1' })).add(
      new ProgressingTask('t1'),
      new FailingTask('t2'),
    );
    const engine = make(eng, flow);
    const cap = captureAll(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    const expected = ['flow-1.f RUNNING'];
    for (const k of [1, 2, 3]) {
      expected.push(
        'r1.r RUNNING',
        `r1.r SUCCESS(${k})`,
        't1.t RUNNING',
        't1.t SUCCESS(5)',
        't2.t RUNNING',
        't2.t FAILURE(Failure: RuntimeError: Woot!)',
        't2.t REVERTING',
        't2.t REVERTED(None)',
        't1.t REVERTING',
        't1.t REVERTED(None)',
      );
      if (k < 3) expected.push('r1.r RETRYING', 't1.t PENDING', 't2.t PENDING');
    }
    expected.push('r1.r REVERTING', 'r1.r REVERTED(None)', 'flow-1.f REVERTED');
    expect(cap.values).toEqual(expected);
  });

  it('S65a ForEach over a list with duplicates', async () => {
    const flow = linear('flow-1', new ForEach([3, 2, 3, 5], { name: 'r1', provides: 'x' })).add(
      new FailingTaskWithOneArg('t1'),
    );
    const engine = make(eng, flow);
    const cap = captureAll(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(cap.values).toEqual([
      'flow-1.f RUNNING',
      ...forEachTrace('r1', 't1', [3, 2, 3, 5]),
      'flow-1.f REVERTED',
    ]);
  });

  it('S65b ForEach over a set', async () => {
    // TaskFlow compares this trace as a multiset (a Python set has no fixed order); a JS Set iterates in
    // insertion order, so the exact order 3, 2, 5 is expected here.
    const flow = linear('flow-1', new ForEach(new Set([3, 2, 5]), { name: 'r1', provides: 'x' })).add(
      new FailingTaskWithOneArg('t1'),
    );
    const engine = make(eng, flow);
    const cap = captureAll(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(cap.values).toEqual([
      'flow-1.f RUNNING',
      ...forEachTrace('r1', 't1', [3, 2, 5]),
      'flow-1.f REVERTED',
    ]);
  });

  // S66 is not listed in the catalogue (S68b refers to it); reconstructed from TaskFlow's
  // test_retries.py `test_nested_for_each_revert` and `test_nested_for_each_revert_all`:
  // linear('flow-1': ProgressingTask task1, linear('flow-2', ForEach([3, 2, 3, 5], 'r1', provides='x'
  // [, revert_all=True]): FailingTaskWithOneArg task2)) → raises 'Woot'; full trace: task1 runs, then
  // the ForEach trace over 3, 2, 3, 5, then (revert_all only) task1 reverted; flow REVERTED.
  describe('S66 nested ForEach: REVERT vs REVERT_ALL (reconstructed)', () => {
    const build = (revertAll: boolean) =>
      linear('flow-1').add(
        new ProgressingTask('task1'),
        linear('flow-2', new ForEach([3, 2, 3, 5], { name: 'r1', provides: 'x', revertAll })).add(
          new FailingTaskWithOneArg('task2'),
        ),
      );
    const head = [
      'flow-1.f RUNNING',
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      ...forEachTrace('r1', 'task2', [3, 2, 3, 5]),
    ];

    it('S66a revert: task1 stays SUCCESS', async () => {
      const engine = make(eng, build(false));
      const cap = captureAll(engine);
      expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
      expect(cap.values).toEqual([...head, 'flow-1.f REVERTED']);
    });

    it('S66b revert_all: task1 is reverted too', async () => {
      const engine = make(eng, build(true));
      const cap = captureAll(engine);
      expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
      expect(cap.values).toEqual([
        ...head,
        'task1.t REVERTING',
        'task1.t REVERTED(None)',
        'flow-1.f REVERTED',
      ]);
    });
  });

  it('S67a empty collection: ForEach', async () => {
    const flow = linear('flow-1', new ForEach([], { name: 'r1', provides: 'x' })).add(
      new ConditionalTask('t1'),
    );
    const engine = make(eng, flow, { store: { y: 1 } });
    const err = await runExpectingError(engine);
    expect(err).toBeInstanceOf(NotFound);
    expect(raisedMatches(err, 'NotFound', 'No elements left')).toBe(true);
  });

  it('S67b empty collection: ParameterizedForEach', async () => {
    const flow = linear('flow-1', new ParameterizedForEach({ name: 'r1', provides: 'x' })).add(
      new ConditionalTask('t1'),
    );
    const engine = make(eng, flow, { store: { values: [], y: 1 } });
    const err = await runExpectingError(engine);
    expect(err).toBeInstanceOf(NotFound);
    expect(raisedMatches(err, 'NotFound', 'No elements left')).toBe(true);
  });

  // TaskFlow's `test_parameterized_for_each_with_set` injects a list too, so S68a covers both sources.
  it('S68a ParameterizedForEach over injected values', async () => {
    const flow = linear('flow-1', new ParameterizedForEach({ name: 'r1', provides: 'x' })).add(
      new FailingTaskWithOneArg('t1'),
    );
    const engine = make(eng, flow, { store: { values: [3, 2, 5], y: 1 } });
    const cap = captureAll(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(cap.values).toEqual([
      'flow-1.f RUNNING',
      ...forEachTrace('r1', 't1', [3, 2, 5]),
      'flow-1.f REVERTED',
    ]);
  });

  describe('S68b nested ParameterizedForEach: REVERT vs REVERT_ALL', () => {
    const build = (revertAll: boolean) =>
      linear('flow-1').add(
        new ProgressingTask('task-1'),
        linear('flow-2', new ParameterizedForEach({ name: 'r1', provides: 'x', revertAll })).add(
          new FailingTaskWithOneArg('task-2'),
        ),
      );
    const head = [
      'flow-1.f RUNNING',
      'task-1.t RUNNING',
      'task-1.t SUCCESS(5)',
      ...forEachTrace('r1', 'task-2', [3, 2, 5]),
    ];

    it('S68b1 revert: task-1 stays SUCCESS', async () => {
      const engine = make(eng, build(false), { store: { values: [3, 2, 5], y: 1 } });
      const cap = captureAll(engine);
      expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
      expect(cap.values).toEqual([...head, 'flow-1.f REVERTED']);
    });

    it('S68b2 revert_all: task-1 is reverted too', async () => {
      const engine = make(eng, build(true), { store: { values: [3, 2, 5], y: 1 } });
      const cap = captureAll(engine);
      expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
      expect(cap.values).toEqual([
        ...head,
        'task-1.t REVERTING',
        'task-1.t REVERTED(None)',
        'flow-1.f REVERTED',
      ]);
    });
  });

  describe('S69 crash-point resumption of a retried unordered flow', () => {
    const CRASH_POINTS = [
      'task fails',
      'retry queried',
      'retry updated',
      'task updated',
      'revert scheduled',
    ] as const;
    type CrashPoint = (typeof CRASH_POINTS)[number];

    function crashedEngine(when: CrashPoint) {
      const flow = unordered('flow-1', new Times(3, { provides: 'x' })).add(new ProgressingTask('task1'));
      const engine = make(eng, flow);
      engine.compile();
      engine.prepare();
      const s = engine.storage;
      s.setFlowState(states.RUNNING);
      s.setAtomIntention('flow-1_retry', states.EXECUTE);
      s.setAtomIntention('task1', states.EXECUTE);
      s.save('flow-1_retry', 1);
      const fail = Failure.fromError(new RuntimeError('foo'));
      s.save('task1', fail, states.FAILURE);
      const steps: [CrashPoint, () => void][] = [
        [
          'retry queried',
          () => {
            s.saveRetryFailure('flow-1_retry', 'task1', fail);
          },
        ],
        [
          'retry updated',
          () => {
            s.setAtomIntention('flow-1_retry', states.RETRY);
          },
        ],
        [
          'task updated',
          () => {
            s.setAtomIntention('task1', states.REVERT);
          },
        ],
        [
          'revert scheduled',
          () => {
            s.setAtomState('task1', states.REVERTING);
          },
        ],
      ];
      if (when !== 'task fails') {
        for (const [point, step] of steps) {
          step();
          if (point === when) break;
        }
      }
      return engine;
    }

    const tail = [
      'task1.t REVERTED(None)',
      'flow-1_retry.r RETRYING',
      'task1.t PENDING',
      'flow-1_retry.r RUNNING',
      'flow-1_retry.r SUCCESS(2)',
      'task1.t RUNNING',
      'task1.t SUCCESS(5)',
      'flow-1.f SUCCESS',
    ];

    it.each(CRASH_POINTS.map((p, i) => [String.fromCharCode(97 + i), p] as const))(
      'S69%s crash after %s',
      async (_id, when) => {
        const engine = crashedEngine(when);
        const cap = captureAll(engine);
        await engine.run();
        expect(cap.values).toEqual(when === 'revert scheduled' ? tail : ['task1.t REVERTING', ...tail]);
      },
    );
  });

  it('S70a a retry whose own execute fails', async () => {
    const r = new FailingRetry();
    const engine = make(eng, linear('testflow', r));
    const err = await runExpectingError(engine);
    expect(raisedMatches(err, 'ValueError', 'OMG')).toBe(true);
    expect(engine.storage.getRetryHistories()).toHaveLength(1);
    expect(r.history).toBeDefined();
    const h = r.history!;
    expect(h.length).toBe(0);
    expect([...h.outcomesIter()]).toEqual([]);
    expect(h.failure).toBeDefined();
    expect(h.failure).not.toBeNull();
    expect(h.causedBy(ValueError, undefined, true)).toBe(true);
  });

  it('S70b a retry whose execute and revert fail', async () => {
    const engine = make(eng, linear('testflow', new NastyFailingRetry()));
    expect(raisedMatches(await runExpectingError(engine), 'ValueError', 'WOOT')).toBe(true);
  });

  // S71 is not listed in the catalogue (S72 refers to it); reconstructed from TaskFlow's
  // test_retries.py `test_nested_provides_graph_reverts_correctly`:
  // graph('test': ProgressingTask a requires ['x'], linear('test2', Times(2)): ProgressingTask b provides 'x',
  // FailingTask c); after compile()/prepare() save `test2_retry` 1, `b` 11, `a` 10; run.
  // Expected: raises 'Woot'; task trace: first 8 entries (multiset) `c.t RUNNING`, `c.t FAILURE(...Woot!)`,
  // `a.t REVERTING`, `c.t REVERTING`, `a.t REVERTED(None)`, `c.t REVERTED(None)`, `b.t REVERTING`,
  // `b.t REVERTED(None)`; the rest contains, in order, `b.t RUNNING`, `c.t FAILURE(...Woot!)`,
  // `b.t REVERTED(None)` (whether `a` runs again is left open); flow REVERTED.
  it('S71 nested provides in a graph, reverted correctly (reconstructed)', async () => {
    const flow = graph('test').add(
      new ProgressingTask('a', { requires: ['x'] }),
      linear('test2', new Times(2)).add(new ProgressingTask('b', { provides: 'x' }), new FailingTask('c')),
    );
    const engine = make(eng, flow);
    engine.compile();
    engine.prepare();
    engine.storage.save('test2_retry', 1);
    engine.storage.save('b', 11);
    engine.storage.save('a', 10);
    const cap = captureTasks(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    expect(sorted(cap.values.slice(0, 8))).toEqual(
      sorted([
        'c.t RUNNING',
        'c.t FAILURE(Failure: RuntimeError: Woot!)',
        'a.t REVERTING',
        'c.t REVERTING',
        'a.t REVERTED(None)',
        'c.t REVERTED(None)',
        'b.t REVERTING',
        'b.t REVERTED(None)',
      ]),
    );
    expect(
      isSubsequence(cap.values.slice(8), [
        'b.t RUNNING',
        'c.t FAILURE(Failure: RuntimeError: Woot!)',
        'b.t REVERTED(None)',
      ]),
    ).toBe(true);
    expect(engine.storage.getFlowState()).toBe(states.REVERTED);
  });

  it('S72 nested provides in a graph, retried to success', async () => {
    const flow = graph('test').add(
      new ProgressingTask('a', { requires: ['x'] }),
      linear('test2', new Times(2)).add(
        new ProgressingTask('b', { provides: 'x' }),
        new ProgressingTask('c'),
      ),
    );
    const engine = make(eng, flow);
    engine.compile();
    engine.prepare();
    engine.storage.save('test2_retry', 1);
    engine.storage.save('b', 11);
    engine.storage.save('c', Failure.fromError(new RuntimeError('Woot!')), states.FAILURE);
    const cap = captureTasks(engine);
    await engine.run();
    expect(sorted(cap.values.slice(0, 4))).toEqual(
      sorted(['c.t REVERTING', 'c.t REVERTED(None)', 'b.t REVERTING', 'b.t REVERTED(None)']),
    );
    expect(sorted(cap.values.slice(4))).toEqual(
      sorted([
        'test2_retry.r RETRYING',
        'b.t PENDING',
        'c.t PENDING',
        'test2_retry.r RUNNING',
        'test2_retry.r SUCCESS(2)',
        'b.t RUNNING',
        'b.t SUCCESS(5)',
        'a.t RUNNING',
        'c.t RUNNING',
        'a.t SUCCESS(5)',
        'c.t SUCCESS(5)',
      ]),
    );
    expect(engine.storage.getFlowState()).toBe(states.SUCCESS);
  });
});

// S59 — TaskFlow runs it on the parallel engine (threads) and, through the shared RetryTest class, on the
// serial engine too. On the serial engine it is deterministic in outcome: the wall clock only decides how
// many retry rounds each branch makes before `subflow1.fail1` succeeds; whatever the interleaving, the
// REVERT_ALL of `subflow1.subsubflow2` must win over the always-RETRY of `subflow2.subsubflow1` (RevertAndRetry
// leaves a retry whose intention is already REVERT alone) and the run must end reverted, task1 included.
// The times are scaled down (SuccessAfter 30 ms instead of 3 s, RetryFiveTimes sleeps 15 ms instead of 1 s),
// keeping their ratio: fail1 still succeeds within RetryFiveTimes' five attempts.
describe.each(enginesFor('SPW'))('$name engine', (eng) => {
  it('S59 REVERT_ALL from one branch is not undone by a sibling branch RETRY', async () => {
    const now = Date.now();
    const always = new AlwaysRetry();
    const flow = linear('test').add(
      new NoopTask('task1'),
      unordered('unordered_flow').add(
        linear('subflow1').add(
          linear('subflow1.subsubflow1', new RetryFiveTimes(15)).add(
            new SuccessAfter('subflow1.fail1', 30, now),
          ),
          linear('subflow1.subsubflow2', new RetryFiveTimes(15)).add(new FailingTask('subflow1.fail2')),
        ),
        linear('subflow2').add(linear('subflow2.subsubflow1', always).add(new FailingTask('subflow2.fail1'))),
      ),
    );
    const engine = make(eng, flow);
    const cap = captureAll(engine);
    const err = await runExpectingError(engine);
    expect(always.runaway).toBe(false);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('WrappedFailure');
    expect((err as Error).message).toMatch(/RuntimeError: Woot!/);
    expect(cap.values).toContain('task1.t REVERTED(None)');
  });
});

// S73 — concurrent engines only (parallel, worker-based): the waiting task can only finish while its sibling
// runs concurrently, which the serial engine (tasks run one by one at submission) can never do.
describe.each(enginesFor('PW'))('$name engine', (eng) => {
  it('S73 a running sibling finishes, then is reverted', async () => {
    const waiting = new WaitForOneFromTask('task1', ['task2'], [states.SUCCESS, states.FAILURE]);
    const flow = unordered('flow-1', new Times(3, { name: 'r', provides: 'x' })).add(
      waiting,
      new ConditionalTask('task2'),
    );
    const engine = make(eng, flow, { store: { y: 2 } });
    engine.notifier.on('atom', waiting.callback);
    const cap = captureTasks(engine);
    await engine.run();
    expect(engine.storage.fetchAll()).toEqual({ y: 2, x: 2 });
    expect(sorted(cap.values)).toEqual(
      sorted([
        'r.r RUNNING',
        'r.r SUCCESS(1)',
        'task1.t RUNNING',
        'task2.t RUNNING',
        'task2.t FAILURE(Failure: RuntimeError: Woot!)',
        'task2.t REVERTING',
        'task2.t REVERTED(None)',
        'task1.t SUCCESS(5)',
        'task1.t REVERTING',
        'task1.t REVERTED(None)',
        'r.r RETRYING',
        'task1.t PENDING',
        'task2.t PENDING',
        'r.r RUNNING',
        'r.r SUCCESS(2)',
        'task1.t RUNNING',
        'task2.t RUNNING',
        'task2.t SUCCESS(None)',
        'task1.t SUCCESS(5)',
      ]),
    );
  });
});
