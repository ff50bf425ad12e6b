/**
 * Conformance, section D: suspension and resumption (`taskflow-scenarios.md`
 * §D, S75–S80). Each test is named by its scenario id.
 *
 * S77 is referenced by the catalogue (S78, S79: "as S77 run 1") but not listed
 * in it; it is reconstructed here from TaskFlow's
 * `test_suspend.py::test_suspend_linear_flow_on_revert`.
 *
 * TaskFlow runs these tests with a (memory) persistence backend, so every
 * engine here gets one too; a resuming engine shares the first one's backend
 * and flow detail.
 */
import { describe, expect, it } from 'vitest';
import {
  CaptureListener,
  INJECTOR_NAME,
  MissingDependencies,
  linear,
  states,
  type Engine,
  type LoadOptions,
} from '../../engine/index.js';
import { captureTasks, raisedMatches, runExpectingError } from '../support/capture.js';
import { enginesFor, type EngineUnderTest } from '../support/engines.js';
import { FailingTask, ProgressingTask } from '../support/fixtures.js';

/**
 * TaskFlow's `SuspendingListener`: a task-trace capture that calls
 * `engine.suspend()` when task `taskName` is notified in `state`.
 */
function suspendingListener(engine: Engine, taskName: string, state: string): CaptureListener {
  const capture = new CaptureListener(engine.notifier, { captureFlow: false });
  const off = engine.notifier.on('atom', (e) => {
    if (e.kind === 'task' && e.name === taskName && e.state === state) engine.suspend();
  });
  const close = capture.close.bind(capture);
  capture.close = () => {
    close();
    off();
  };
  return capture;
}

describe.each(enginesFor('SPW'))('$name engine', (eng: EngineUnderTest) => {
  const backend = () => eng.backend();
  const make = (flow: unknown, options: LoadOptions = {}) =>
    eng.load(flow, { backend: backend(), ...options });

  /** linear('linear': a, b, FailingTask c) — the flow of S77–S79. */
  const failingLine = () =>
    linear('linear').add(new ProgressingTask('a'), new ProgressingTask('b'), new FailingTask('c'));

  /** Run 1 of S77: suspended when `b` is REVERTED. */
  const run1Trace = [
    'a.t RUNNING',
    'a.t SUCCESS(5)',
    'b.t RUNNING',
    'b.t SUCCESS(5)',
    'c.t RUNNING',
    'c.t FAILURE(Failure: RuntimeError: Woot!)',
    'c.t REVERTING',
    'c.t REVERTED(None)',
    'b.t REVERTING',
    'b.t REVERTED(None)',
  ];

  it('S75 suspend request that comes too late', async () => {
    const engine = make(new ProgressingTask('a'));
    const cap = suspendingListener(engine, 'b', states.SUCCESS);
    await engine.run();
    cap.close();
    expect(engine.storage.getFlowState()).toBe(states.SUCCESS);
    expect(cap.values).toEqual(['a.t RUNNING', 'a.t SUCCESS(5)']);
    const cap2 = suspendingListener(engine, 'b', states.SUCCESS);
    await engine.run();
    cap2.close();
    expect(engine.storage.getFlowState()).toBe(states.SUCCESS);
    expect(cap2.values).toEqual([]);
  });

  it('S76 suspend after a task succeeds, then resume', async () => {
    const flow = linear('linear').add(
      new ProgressingTask('a'),
      new ProgressingTask('b'),
      new ProgressingTask('c'),
    );
    const engine = make(flow);
    const cap = suspendingListener(engine, 'b', states.SUCCESS);
    await engine.run(); // does not raise
    cap.close();
    expect(engine.storage.getFlowState()).toBe(states.SUSPENDED);
    expect(cap.values).toEqual(['a.t RUNNING', 'a.t SUCCESS(5)', 'b.t RUNNING', 'b.t SUCCESS(5)']);
    const cap2 = captureTasks(engine);
    await engine.run();
    cap2.close();
    expect(engine.storage.getFlowState()).toBe(states.SUCCESS);
    expect(cap2.values).toEqual(['c.t RUNNING', 'c.t SUCCESS(5)']);
  });

  // S77 is not listed in the catalogue (S78 and S79 start "as S77 run 1"); reconstructed from TaskFlow's
  // test_suspend.py `test_suspend_linear_flow_on_revert`: linear('linear': ProgressingTask a, ProgressingTask b,
  // FailingTask c), SuspendingListener on (b, REVERTED). Run 1: task trace a RUNNING, a SUCCESS(5), b RUNNING,
  // b SUCCESS(5), c RUNNING, c FAILURE(Woot!), c REVERTING, c REVERTED(None), b REVERTING, b REVERTED(None); flow
  // SUSPENDED; run() does not raise. Run 2 on the same engine: raises 'Woot'; trace a REVERTING, a REVERTED(None);
  // flow REVERTED.
  it('S77 suspend during revert, then resume the revert (reconstructed)', async () => {
    const engine = make(failingLine());
    const cap = suspendingListener(engine, 'b', states.REVERTED);
    await engine.run(); // suspended: does not raise
    cap.close();
    expect(engine.storage.getFlowState()).toBe(states.SUSPENDED);
    expect(cap.values).toEqual(run1Trace);
    const cap2 = captureTasks(engine);
    expect(raisedMatches(await runExpectingError(engine), 'RuntimeError', 'Woot')).toBe(true);
    cap2.close();
    expect(engine.storage.getFlowState()).toBe(states.REVERTED);
    expect(cap2.values).toEqual(['a.t REVERTING', 'a.t REVERTED(None)']);
  });

  it('S78 resume with a new engine on the same flow detail', async () => {
    const flow = failingLine();
    const be = backend();
    const engine = eng.load(flow, { backend: be });
    const cap = suspendingListener(engine, 'b', states.REVERTED);
    await engine.run();
    cap.close();
    expect(cap.values).toEqual(run1Trace);
    const engine2 = eng.load(flow, { backend: be, flowDetail: engine.storage.flowDetail });
    const cap2 = captureTasks(engine2);
    expect(raisedMatches(await runExpectingError(engine2), 'RuntimeError', 'Woot')).toBe(true);
    cap2.close();
    expect(engine2.storage.getFlowState()).toBe(states.REVERTED);
    expect(cap2.values).toEqual(['a.t REVERTING', 'a.t REVERTED(None)']);
  });

  it('S79 resume after an atom was removed from the flow', async () => {
    const be = backend();
    const engine = eng.load(failingLine(), { backend: be });
    const cap = suspendingListener(engine, 'b', states.REVERTED);
    await engine.run();
    cap.close();
    expect(cap.values).toEqual(run1Trace);
    // Task 'c' is gone from the updated flow; its stored failure is still re-raised.
    const flow2 = linear('linear').add(new ProgressingTask('a'), new ProgressingTask('b'));
    const engine2 = eng.load(flow2, { backend: be, flowDetail: engine.storage.flowDetail });
    const cap2 = captureTasks(engine2);
    expect(raisedMatches(await runExpectingError(engine2), 'RuntimeError', 'Woot')).toBe(true);
    cap2.close();
    expect(engine2.storage.getFlowState()).toBe(states.REVERTED);
    expect(cap2.values).toEqual(['a.t REVERTING', 'a.t REVERTED(None)']);
  });

  it('S80 validation is repeated on resume', async () => {
    const flow = linear('linear').add(
      new ProgressingTask('b', { requires: ['foo'] }),
      new ProgressingTask('c'),
    );
    const engine = make(flow, { store: { foo: 'bar' } });
    const cap = suspendingListener(engine, 'b', states.SUCCESS);
    await engine.run();
    cap.close();
    expect(engine.storage.getFlowState()).toBe(states.SUSPENDED);
    // Un-inject everything: the injector's detail now holds no values.
    engine.storage.save(INJECTOR_NAME, {}, states.SUCCESS);
    await expect(engine.run()).rejects.toThrow(MissingDependencies);
  });
});
