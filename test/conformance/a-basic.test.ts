/**
 * Conformance, section A: basic execution, notifications, results
 * (`taskflow-scenarios.md` §A). Each test is named by its scenario id.
 */
import { describe, expect, it } from 'vitest';
import { states } from '../../engine/index.js';
import { captureAll, captureTasks, raisedMatches, runExpectingError } from '../support/capture.js';
import { enginesFor } from '../support/engines.js';
import { FailingTask, ProgressingTask } from '../support/fixtures.js';

describe.each(enginesFor('SPW'))('$name engine', (eng) => {
  it('S01 single task as the whole flow', async () => {
    const engine = eng.load(new ProgressingTask('task1'));
    const cap = captureAll(engine);
    await engine.run();
    expect(cap.values).toEqual(['task1.f RUNNING', 'task1.t RUNNING', 'task1.t SUCCESS(5)', 'task1.f SUCCESS']);
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
    expect(() => engine.compile()).toThrow(TypeError);
    expect(() => engine.compile()).toThrow(bad);
    await expect(eng.load(bad).run()).rejects.toThrow(TypeError);
  });
});
