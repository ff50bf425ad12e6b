/**
 * The renderer's fold of run events (`applyEvents`), on event sequences as
 * the host sends them: a linear run, a failure and its reverts, a retry,
 * output, another run's events, identity of what a batch leaves alone, the
 * end, and a crash followed by a resume.
 */
import { describe, expect, test } from 'vitest';
import type {
  AtomStateData,
  FailureData,
  FlowStateData,
  RunEventData,
  RunStateData,
} from '../../app/contract/results';
import {
  applyEvents,
  keptFromEarlier,
  MAX_LOG_LINES_PER_TASK,
  startingRun,
  type LiveRun,
} from '../../renderer/run/live';

const RUN = 'run-1';
const T0 = Date.parse('2025-03-01T10:00:00.000Z');

/** The ISO time `ms` after T0. */
function at(ms: number): string {
  return new Date(T0 + ms).toISOString();
}

function flow(state: FlowStateData, ms: number, runId = RUN): RunEventData {
  return { runId, ts: at(ms), type: 'flow', state };
}

function atom(
  name: string,
  state: AtomStateData,
  ms: number,
  extra: { atom?: 'task' | 'retry'; failure?: FailureData; runId?: string } = {},
): RunEventData {
  return {
    runId: extra.runId ?? RUN,
    ts: at(ms),
    type: 'atom',
    name,
    atom: extra.atom ?? 'task',
    state,
    ...(extra.failure ? { failure: extra.failure } : {}),
  };
}

function progress(name: string, value: number, ms: number): RunEventData {
  return { runId: RUN, ts: at(ms), type: 'progress', name, progress: value };
}

function log(name: string, text: string, ms: number, stream: 'stdout' | 'stderr' = 'stdout'): RunEventData {
  return { runId: RUN, ts: at(ms), type: 'log', name, stream, text };
}

function end(
  state: RunStateData,
  ms: number,
  results: Record<string, unknown> = {},
  failures: FailureData[] = [],
): RunEventData {
  return { runId: RUN, ts: at(ms), type: 'end', state, results, failures };
}

function fold(...batches: RunEventData[][]): LiveRun {
  return batches.reduce((run, batch) => applyEvents(run, batch), startingRun(RUN));
}

const BOOM: FailureData = {
  atom: 'deploy',
  phase: 'execute',
  type: 'Error',
  message: 'boom',
  stack: 'Error: boom\n    at deploy (task.js:3:9)',
};

describe('a successful linear run', () => {
  const events = [
    flow('RUNNING', 0),
    atom('build', 'RUNNING', 10),
    progress('build', 0.5, 30),
    atom('build', 'SUCCESS', 60),
    atom('test', 'RUNNING', 70),
    progress('test', 1.7, 80),
    atom('test', 'SUCCESS', 120),
    flow('SUCCESS', 125),
    end('SUCCESS', 130, { doubled: 4 }),
  ];

  test('starts as STARTING with nothing known', () => {
    const run = startingRun(RUN);
    expect(run).toMatchObject({ runId: RUN, state: 'STARTING', ended: false, events: 0, sessions: [] });
    expect(run.startedAt).toBeUndefined();
  });

  test('states, counts, progress, executions and timings', () => {
    const run = fold(events);
    expect(run.state).toBe('SUCCESS');
    expect(run.ended).toBe(true);
    expect(run.startedAt).toBe(T0);
    expect(run.endedAt).toBe(T0 + 130);
    expect(run.lastEventAt).toBe(T0 + 130);
    expect(run.events).toBe(events.length);
    expect(run.sessions).toEqual([T0]);
    expect(run.counts).toEqual({ RUNNING: 0, SUCCESS: 2 });
    expect(run.atoms.build).toMatchObject({
      name: 'build',
      atom: 'task',
      state: 'SUCCESS',
      progress: 1,
      executions: 1,
      startedAt: T0 + 10,
      finishedAt: T0 + 60,
      session: 0,
    });
    expect(run.atoms.test?.executions).toBe(1);
    expect(run.results).toEqual({ doubled: 4 });
    expect(run.failures).toEqual([]);
  });

  test('progress is kept between 0 and 1 while it runs', () => {
    const halfway = fold(events.slice(0, 3));
    expect(halfway.atoms.build).toMatchObject({ state: 'RUNNING', progress: 0.5 });
    expect(halfway.counts).toEqual({ RUNNING: 1 });
    const over = fold(events.slice(0, 6));
    expect(over.atoms.test?.progress).toBe(1);
  });

  test('each execute is a segment, closed with its outcome', () => {
    const run = fold(events);
    expect(run.segments.build).toEqual([
      { phase: 'execute', start: T0 + 10, end: T0 + 60, outcome: 'SUCCESS' },
    ]);
    expect(run.segments.test).toEqual([
      { phase: 'execute', start: T0 + 70, end: T0 + 120, outcome: 'SUCCESS' },
    ]);
  });

  test('a segment is open while its atom runs', () => {
    const run = fold(events.slice(0, 5));
    expect(run.segments.test).toEqual([{ phase: 'execute', start: T0 + 70 }]);
    expect(run.ended).toBe(false);
  });

  test('folding in several batches gives the same run as one batch', () => {
    const whole = fold(events);
    const parts = fold(events.slice(0, 2), events.slice(2, 5), events.slice(5));
    expect(parts).toEqual(whole);
  });
});

describe('a failure followed by reverts', () => {
  const events = [
    flow('RUNNING', 0),
    atom('build', 'RUNNING', 10),
    atom('build', 'SUCCESS', 40),
    atom('deploy', 'RUNNING', 50),
    atom('deploy', 'FAILURE', 90, { failure: BOOM }),
    atom('deploy', 'REVERTING', 100),
    atom('deploy', 'REVERTED', 110),
    atom('build', 'REVERTING', 115),
    atom('build', 'REVERTED', 140),
    flow('REVERTED', 150),
    end('REVERTED', 151, {}, [BOOM]),
  ];

  test('revert segments follow the execute segments', () => {
    const run = fold(events);
    expect(run.segments.deploy).toEqual([
      { phase: 'execute', start: T0 + 50, end: T0 + 90, outcome: 'FAILURE' },
      { phase: 'revert', start: T0 + 100, end: T0 + 110, outcome: 'REVERTED' },
    ]);
    expect(run.segments.build).toEqual([
      { phase: 'execute', start: T0 + 10, end: T0 + 40, outcome: 'SUCCESS' },
      { phase: 'revert', start: T0 + 115, end: T0 + 140, outcome: 'REVERTED' },
    ]);
  });

  test('REVERTED counts, and the failure kept with its stack through the revert', () => {
    const run = fold(events);
    expect(run.state).toBe('REVERTED');
    expect(run.counts).toEqual({ RUNNING: 0, SUCCESS: 0, FAILURE: 0, REVERTING: 0, REVERTED: 2 });
    expect(run.atoms.deploy?.state).toBe('REVERTED');
    expect(run.atoms.deploy?.failure).toEqual(BOOM);
    expect(run.atoms.deploy?.failure?.stack).toContain('at deploy');
    expect(run.atoms.deploy?.finishedAt).toBe(T0 + 110);
    expect(run.failures).toEqual([BOOM]);
  });

  test('while reverting, the atom counts as REVERTING and its revert is open', () => {
    const run = fold(events.slice(0, 6));
    expect(run.counts.REVERTING).toBe(1);
    expect(run.atoms.deploy).toMatchObject({ state: 'REVERTING', startedAt: T0 + 100 });
    expect(run.atoms.deploy?.finishedAt).toBeUndefined();
    expect(run.segments.deploy?.at(-1)).toEqual({ phase: 'revert', start: T0 + 100 });
  });

  test('a revert that fails keeps its own failure', () => {
    const revertBoom: FailureData = { ...BOOM, phase: 'revert', message: 'cannot undo' };
    const run = fold([...events.slice(0, 6), atom('deploy', 'REVERT_FAILURE', 120, { failure: revertBoom })]);
    expect(run.atoms.deploy?.failure).toEqual(BOOM);
    expect(run.atoms.deploy?.revertFailure).toEqual(revertBoom);
    expect(run.segments.deploy?.at(-1)).toEqual({
      phase: 'revert',
      start: T0 + 100,
      end: T0 + 120,
      outcome: 'REVERT_FAILURE',
    });
  });
});

describe('a retry', () => {
  const retry = { atom: 'retry' as const };
  const events = [
    flow('RUNNING', 0),
    atom('main_retry', 'RUNNING', 1, retry),
    atom('main_retry', 'SUCCESS', 2, retry),
    atom('flaky', 'RUNNING', 10),
    progress('flaky', 0.4, 15),
    atom('flaky', 'FAILURE', 20, { failure: { ...BOOM, atom: 'flaky' } }),
    atom('flaky', 'REVERTING', 21),
    atom('flaky', 'REVERTED', 22),
    atom('main_retry', 'RETRYING', 23, retry),
    atom('flaky', 'PENDING', 24),
    atom('main_retry', 'RUNNING', 25, retry),
    atom('main_retry', 'SUCCESS', 26, retry),
    atom('flaky', 'RUNNING', 30),
    atom('flaky', 'SUCCESS', 50),
    flow('SUCCESS', 51),
  ];

  test('the retry controller is RETRYING while its members are reset to PENDING', () => {
    const run = fold(events.slice(0, 10));
    expect(run.atoms.main_retry).toMatchObject({ atom: 'retry', state: 'RETRYING' });
    expect(run.counts.RETRYING).toBe(1);
    const flaky = run.atoms.flaky;
    expect(flaky).toMatchObject({ state: 'PENDING', progress: 0, executions: 1 });
    // What the failed attempt left is history now.
    expect(flaky?.failure).toBeUndefined();
    expect(flaky?.finishedAt).toBeUndefined();
    expect(run.counts.PENDING).toBe(1);
  });

  test('the second attempt: executions 2, and every attempt a segment', () => {
    const run = fold(events);
    expect(run.atoms.flaky).toMatchObject({ state: 'SUCCESS', executions: 2, startedAt: T0 + 30 });
    expect(run.atoms.main_retry).toMatchObject({ state: 'SUCCESS', executions: 2 });
    expect(run.segments.flaky).toEqual([
      { phase: 'execute', start: T0 + 10, end: T0 + 20, outcome: 'FAILURE' },
      { phase: 'revert', start: T0 + 21, end: T0 + 22, outcome: 'REVERTED' },
      { phase: 'execute', start: T0 + 30, end: T0 + 50, outcome: 'SUCCESS' },
    ]);
    expect(run.counts).toMatchObject({ SUCCESS: 2, PENDING: 0, RETRYING: 0, FAILURE: 0 });
  });
});

describe('output', () => {
  test('lines are kept per task, in order, with their stream', () => {
    const run = fold(
      [flow('RUNNING', 0), atom('a', 'RUNNING', 1), log('a', 'one', 2), log('b', 'other', 3)],
      [log('a', 'two', 4, 'stderr')],
    );
    expect(run.logs.a).toEqual([
      { name: 'a', stream: 'stdout', text: 'one', ts: at(2) },
      { name: 'a', stream: 'stderr', text: 'two', ts: at(4) },
    ]);
    expect(run.logs.b?.map((l) => l.text)).toEqual(['other']);
    expect(run.logLines).toBe(3);
  });

  test(`at most ${String(MAX_LOG_LINES_PER_TASK)} lines a task are kept, the latest`, () => {
    const many = Array.from({ length: MAX_LOG_LINES_PER_TASK + 5 }, (_, i) =>
      log('a', `line ${String(i)}`, i),
    );
    const run = fold([flow('RUNNING', 0)], many.slice(0, 10), many.slice(10));
    const lines = run.logs.a ?? [];
    expect(lines).toHaveLength(MAX_LOG_LINES_PER_TASK);
    expect(lines[0]?.text).toBe('line 5');
    expect(lines.at(-1)?.text).toBe(`line ${String(MAX_LOG_LINES_PER_TASK + 4)}`);
    // The count says how many were printed, dropped ones included.
    expect(run.logLines).toBe(MAX_LOG_LINES_PER_TASK + 5);
  });

  test('a batch does not change the lines a run had before it', () => {
    const before = fold([flow('RUNNING', 0), log('a', 'one', 1)]);
    const kept = before.logs.a;
    const after = applyEvents(before, [log('a', 'two', 2)]);
    expect(kept?.map((l) => l.text)).toEqual(['one']);
    expect(after.logs.a?.map((l) => l.text)).toEqual(['one', 'two']);
  });
});

describe('events of another run', () => {
  test('are ignored, and a batch of only those returns the same run', () => {
    const run = fold([flow('RUNNING', 0), atom('a', 'RUNNING', 1)]);
    const same = applyEvents(run, [flow('FAILURE', 5, 'run-2'), atom('a', 'FAILURE', 6, { runId: 'run-2' })]);
    expect(same).toBe(run);
    const mixed = applyEvents(run, [atom('a', 'FAILURE', 6, { runId: 'run-2' }), atom('a', 'SUCCESS', 7)]);
    expect(mixed.atoms.a?.state).toBe('SUCCESS');
    expect(mixed.events).toBe(run.events + 1);
  });

  test('an empty batch returns the same run', () => {
    const run = fold([flow('RUNNING', 0)]);
    expect(applyEvents(run, [])).toBe(run);
  });
});

describe('identity', () => {
  test('atoms, segments and logs a batch does not touch stay the same objects', () => {
    const run = fold([
      flow('RUNNING', 0),
      atom('a', 'RUNNING', 1),
      atom('a', 'SUCCESS', 2),
      atom('b', 'RUNNING', 3),
      log('a', 'done', 2),
    ]);
    const next = applyEvents(run, [progress('b', 0.5, 4)]);
    expect(next).not.toBe(run);
    expect(next.atoms).not.toBe(run.atoms);
    expect(next.atoms.a).toBe(run.atoms.a);
    expect(next.atoms.b).not.toBe(run.atoms.b);
    // Nothing started or ended: the segments and logs records are the same.
    expect(next.segments).toBe(run.segments);
    expect(next.logs).toBe(run.logs);
    expect(next.counts).toBe(run.counts);

    const later = applyEvents(next, [atom('b', 'SUCCESS', 5)]);
    expect(later.segments).not.toBe(next.segments);
    expect(later.segments.a).toBe(next.segments.a);
    expect(later.atoms.a).toBe(next.atoms.a);
  });

  test('the run folded from does not change', () => {
    const run = fold([flow('RUNNING', 0), atom('a', 'RUNNING', 1)]);
    const snapshot = structuredClone(run);
    applyEvents(run, [atom('a', 'SUCCESS', 2), log('a', 'x', 2), end('SUCCESS', 3)]);
    expect(run).toEqual(snapshot);
  });
});

describe('the end event', () => {
  test('ends the stream with the state, results and failures it gives', () => {
    const run = fold([flow('RUNNING', 0), atom('a', 'RUNNING', 1)], [flow('SUSPENDING', 2)]);
    expect(run.ended).toBe(false);
    const stopped = applyEvents(run, [
      atom('a', 'SUCCESS', 3),
      flow('SUSPENDED', 4),
      end('SUSPENDED', 5, { x: 1 }),
    ]);
    expect(stopped).toMatchObject({ state: 'SUSPENDED', ended: true, endedAt: T0 + 5, results: { x: 1 } });
  });

  test('a cancelled run says CANCELLED', () => {
    const run = fold([flow('RUNNING', 0), flow('SUSPENDED', 1), end('CANCELLED', 2)]);
    expect(run).toMatchObject({ state: 'CANCELLED', ended: true });
  });
});

describe('a crash, then a resume', () => {
  // `first` finished before the crash; `gate` was running when the host went away.
  const before = [
    flow('RUNNING', 0),
    atom('first', 'RUNNING', 10),
    atom('first', 'SUCCESS', 20),
    atom('gate', 'RUNNING', 30),
  ];

  test('the resume is a new part of the run; what was running then is cut short as INTERRUPTED', () => {
    const run = fold(before, [
      flow('RUNNING', 5_000),
      atom('last', 'RUNNING', 5_010),
      atom('last', 'SUCCESS', 5_020),
    ]);
    expect(run.sessions).toEqual([T0, T0 + 5_000]);
    expect(run.startedAt).toBe(T0);
    expect(run.segments.gate).toEqual([
      { phase: 'execute', start: T0 + 30, end: T0 + 30, outcome: 'INTERRUPTED' },
    ]);
    expect(run.segments.first).toEqual([
      { phase: 'execute', start: T0 + 10, end: T0 + 20, outcome: 'SUCCESS' },
    ]);
    const first = run.atoms.first;
    const last = run.atoms.last;
    expect(first?.session).toBe(0);
    expect(last?.session).toBe(1);
    expect(first && keptFromEarlier(run, first)).toBe(true);
    expect(last && keptFromEarlier(run, last)).toBe(false);
  });

  test('before the resume, nothing was kept from earlier', () => {
    const run = fold(before);
    const first = run.atoms.first;
    expect(first && keptFromEarlier(run, first)).toBe(false);
  });

  test('opened from the history (stream ended), then resumed: cut short where the run stopped, not at the resume', () => {
    // The host replays the recorded events and ends the stream at the run's last update; the
    // resume then says RESUMING and SUSPENDED (the engine getting ready) before RUNNING.
    const run = fold(
      [...before, end('RUNNING', 35)],
      [flow('RESUMING', 60_000), flow('SUSPENDED', 60_001), flow('RUNNING', 60_002)],
    );
    expect(run.ended).toBe(false);
    expect(run.endedAt).toBeUndefined();
    expect(run.sessions).toEqual([T0, T0 + 60_002]);
    expect(run.segments.gate).toEqual([
      { phase: 'execute', start: T0 + 30, end: T0 + 35, outcome: 'INTERRUPTED' },
    ]);
  });

  test('a task left running goes on after the resume without a new RUNNING: that part starts at the resume', () => {
    const run = fold(before, [flow('RUNNING', 5_000), atom('gate', 'SUCCESS', 5_200)]);
    expect(run.segments.gate).toEqual([
      { phase: 'execute', start: T0 + 30, end: T0 + 30, outcome: 'INTERRUPTED' },
      { phase: 'execute', start: T0 + 5_000, end: T0 + 5_200, outcome: 'SUCCESS' },
    ]);
    // The host counts it as one execution: it did not start it again.
    expect(run.atoms.gate).toMatchObject({ state: 'SUCCESS', executions: 1, session: 1 });
    const gate = run.atoms.gate;
    expect(gate && keptFromEarlier(run, gate)).toBe(false);
    expect(run.counts).toMatchObject({ SUCCESS: 2, RUNNING: 0 });
  });

  test('a revert cut short goes on after the resume without a new REVERTING: that part starts at the resume', () => {
    const run = fold(
      [
        flow('RUNNING', 0),
        atom('first', 'RUNNING', 10),
        atom('first', 'FAILURE', 20, { failure: { ...BOOM, atom: 'first' } }),
        atom('first', 'REVERTING', 30),
        end('RUNNING', 40),
      ],
      [
        flow('RESUMING', 9_000),
        flow('SUSPENDED', 9_001),
        flow('RUNNING', 9_002),
        atom('first', 'REVERTED', 9_100),
      ],
    );
    expect(run.segments.first).toEqual([
      { phase: 'execute', start: T0 + 10, end: T0 + 20, outcome: 'FAILURE' },
      { phase: 'revert', start: T0 + 30, end: T0 + 40, outcome: 'INTERRUPTED' },
      { phase: 'revert', start: T0 + 9_002, end: T0 + 9_100, outcome: 'REVERTED' },
    ]);
    expect(run.atoms.first).toMatchObject({ state: 'REVERTED', session: 1 });
    expect(run.atoms.first?.failure?.message).toBe('boom');
  });

  test('a suspended run resumed: sessions grow and the end is forgotten', () => {
    const run = fold(
      [
        flow('RUNNING', 0),
        atom('a', 'RUNNING', 1),
        atom('a', 'SUCCESS', 2),
        flow('SUSPENDED', 3),
        end('SUSPENDED', 4),
      ],
      [flow('RUNNING', 100)],
    );
    expect(run).toMatchObject({ state: 'RUNNING', ended: false, sessions: [T0, T0 + 100] });
    expect(run.segments.a).toEqual([{ phase: 'execute', start: T0 + 1, end: T0 + 2, outcome: 'SUCCESS' }]);
  });
});
