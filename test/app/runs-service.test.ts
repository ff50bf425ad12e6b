/**
 * The run service against real SQLite files: start, the event stream,
 * suspend and resume (in the same service and in a new one), cancel,
 * history, delete, and requests refused before anything is written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EngineUnavailableError,
  InvalidDocumentError,
  RunNotFoundError,
  RunService,
  RunStateError,
  type RunEvent,
} from '../../app/runs/index.js';
import {
  addDocument,
  collect,
  failingDocument,
  linearDocument,
  tempDb,
  transitions,
} from './runs-support.js';

const open: RunService[] = [];
function service(db: string): RunService {
  const s = new RunService({ db });
  open.push(s);
  return s;
}
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe('RunService.start', () => {
  it('runs a document, streams its events and returns every provided value', async () => {
    const runs = service(tempDb());
    const { runId, events } = await collect(runs, (l) => runs.start(addDocument, {}, l));
    expect(events[0]).toMatchObject({ type: 'flow', runId, state: 'RUNNING' });
    expect(events.filter((e) => e.type === 'flow').map((e) => e.state)).toEqual(['RUNNING', 'SUCCESS']);
    expect(transitions(events)).toEqual([
      'add:RUNNING',
      'add:SUCCESS',
      'pause:RUNNING',
      'pause:SUCCESS',
      'double:RUNNING',
      'double:SUCCESS',
    ]);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'log',
        name: 'add',
        stream: 'stdout',
        text: expect.stringContaining('adding 2 and 3'),
      }),
    );
    expect(events).toContainEqual(expect.objectContaining({ type: 'progress', name: 'pause', progress: 1 }));
    for (const e of events) expect(Number.isNaN(Date.parse(e.ts))).toBe(false);
    const end = events.at(-1);
    expect(end).toMatchObject({ type: 'end', runId, state: 'SUCCESS', failures: [] });
    expect(end?.type === 'end' && end.results).toEqual({ x: 2, y: 3, sum: 5, double: 10 });
  });

  it('lets inputs given with the request override the document’s', async () => {
    const runs = service(tempDb());
    const id = runs.start(addDocument, { inputs: { x: 10 } });
    const end = await runs.wait(id);
    expect(end.results).toMatchObject({ x: 10, y: 3, sum: 13, double: 26 });
    expect(runs.getRun(id).inputs).toEqual({ x: 10, y: 3 });
  });

  it('reports a failed run with its failures and reverts', async () => {
    const runs = service(tempDb());
    const { runId, events } = await collect(runs, (l) => runs.start(failingDocument, {}, l));
    expect(transitions(events)).toEqual([
      'one:RUNNING',
      'one:SUCCESS',
      'two:RUNNING',
      'two:SUCCESS',
      'boom:RUNNING',
      'boom:FAILURE',
      'boom:REVERTING',
      'boom:REVERTED',
      'two:REVERTING',
      'two:REVERTED',
      'one:REVERTING',
      'one:REVERTED',
    ]);
    const failed = events.find((e) => e.type === 'atom' && e.state === 'FAILURE');
    expect(failed).toMatchObject({ failure: { atom: 'boom', phase: 'execute', message: 'disk full' } });
    const end = await runs.wait(runId);
    expect(end.state).toBe('REVERTED');
    expect(end.failures).toEqual([
      {
        atom: 'boom',
        phase: 'execute',
        type: 'IntendedFailure',
        message: 'disk full',
        // Where it was raised: the fail kind's execute.
        stack: expect.stringMatching(/^IntendedFailure: disk full\n\s+at .*fail\.ts/),
      },
    ]);
  });

  it('refuses an invalid document with every problem, and writes nothing (the file is not even created)', () => {
    const db = tempDb();
    const runs = service(db);
    const bad = linearDocument('bad', [
      { type: 'task', name: 'a', kind: 'teleport' },
      { type: 'task', name: 'b', kind: 'delay', config: { ms: 'soon' } },
    ]);
    let error: unknown;
    try {
      runs.start(bad, { file: 'bad.flow.json' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidDocumentError);
    const problems = (error as InvalidDocumentError).problems;
    expect(problems.map((p) => p.node)).toEqual(expect.arrayContaining(['a', 'b']));
    expect((error as Error).message).toContain('bad.flow.json');
    expect(existsSync(db)).toBe(false);
  });

  it('refuses a run whose inputs are missing, naming the task and the field', () => {
    const db = tempDb();
    const runs = service(db);
    const { inputs: _inputs, ...withoutInputs } = addDocument;
    expect(() => runs.start({ ...withoutInputs, inputs: { x: 1 } })).toThrow(InvalidDocumentError);
    try {
      runs.start({ ...withoutInputs, inputs: { x: 1 } });
    } catch (e) {
      expect((e as InvalidDocumentError).problems).toContainEqual(
        expect.objectContaining({ node: 'add', message: expect.stringContaining('y') }),
      );
    }
    expect(() => runs.start(addDocument, { inputs: { ['__proto__']: 1 } })).toThrow(InvalidDocumentError);
    expect(existsSync(db)).toBe(false);
  });

  it('refuses a document too deep to check, or containing itself, and writes nothing (both used to overflow the stack)', () => {
    const db = tempDb();
    const runs = service(db);
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const tooDeep = linearDocument('deep', [], { inputs: { deep } });
    expect(() => runs.start(tooDeep)).toThrow(InvalidDocumentError);
    const looped = linearDocument('loop', []);
    const flow = looped.flow as { children: unknown[] };
    flow.children.push(flow);
    expect(() => runs.start(looped)).toThrow(InvalidDocumentError);
    expect(existsSync(db)).toBe(false);
  });

  it('refuses an engine that cannot be used, and writes nothing', () => {
    const db = tempDb();
    const runs = service(db);
    expect(() => runs.start(addDocument, { engine: 'worker-based' })).toThrow(EngineUnavailableError);
    expect(() => runs.start(addDocument, { engine: 'serial', engineOptions: { maxWorkers: 0 } })).toThrow(
      EngineUnavailableError,
    );
    expect(() => runs.start(addDocument, { engine: 'warp' as 'serial' })).toThrow(/Unknown engine 'warp'/);
    expect(existsSync(db)).toBe(false);
  });
});

describe('RunService events', () => {
  it('replays what happened before a subscription, then goes on live, then ends', async () => {
    const runs = service(tempDb());
    const id = runs.start(addDocument);
    const seen: RunEvent[] = [];
    runs.subscribe(id, (e) => seen.push(e));
    await runs.wait(id);
    // The flow's first transitions happened inside start(), before the subscription.
    expect(seen[0]).toMatchObject({ type: 'flow', state: 'RUNNING' });
    expect(seen.filter((e) => e.type === 'atom')[0]).toMatchObject({ name: 'add', state: 'RUNNING' });
    expect(seen.at(-1)).toMatchObject({ type: 'end', state: 'SUCCESS' });
    expect(transitions(seen)).toContain('double:SUCCESS');
  });

  it('streams a finished run from the store as an async iterable ending with its end', async () => {
    const db = tempDb();
    const first = service(db);
    const id = first.start(addDocument);
    const live: RunEvent[] = [];
    for await (const e of first.events(id)) live.push(e);
    await first.close();
    const again = service(db);
    const stored: RunEvent[] = [];
    for await (const e of again.events(id)) stored.push(e);
    // The store keeps what tasks report, not the engine's own 0 and 1 around each task.
    const kinds = (events: RunEvent[]) => events.filter((e) => e.type !== 'progress').map((e) => e.type);
    expect(kinds(stored)).toEqual(kinds(live));
    expect(transitions(stored)).toEqual(transitions(live));
    expect(stored.at(-1)).toMatchObject({ type: 'end', state: 'SUCCESS', results: { double: 10 } });
  });

  it('keeps delivering to other listeners when one throws', async () => {
    const runs = service(tempDb());
    const errors: unknown[] = [];
    runs.onListenerError = (e) => errors.push(e);
    const id = runs.start(addDocument);
    runs.subscribe(id, () => {
      throw new Error('listener bug');
    });
    const seen: RunEvent[] = [];
    runs.subscribe(id, (e) => seen.push(e));
    await runs.wait(id);
    expect(seen.at(-1)?.type).toBe('end');
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe('RunService suspend and resume', () => {
  it('suspends a run after the running task, and resumes it without running finished tasks again', async () => {
    const db = tempDb();
    const runs = service(db);
    const first: RunEvent[] = [];
    const id = runs.start(addDocument, {}, (e) => {
      first.push(e);
      if (e.type === 'atom' && e.name === 'add' && e.state === 'SUCCESS') runs.suspend(id);
    });
    expect((await runs.wait(id)).state).toBe('SUSPENDED');
    expect(transitions(first)).toEqual(['add:RUNNING', 'add:SUCCESS']);
    expect(runs.getRun(id).state).toBe('SUSPENDED');

    // A new service on the same file, as a new process would have.
    await runs.close();
    const later = service(db);
    const { events } = await collect(later, (l) => later.resume(id, {}, l));
    expect(transitions(events)).toEqual([
      'pause:RUNNING',
      'pause:SUCCESS',
      'double:RUNNING',
      'double:SUCCESS',
    ]);
    const end = await later.wait(id);
    expect(end).toMatchObject({ state: 'SUCCESS', results: { sum: 5, double: 10 } });
    const view = later.getRun(id);
    expect(view.atoms.map((a) => [a.name, a.state, a.executions])).toEqual([
      ['add', 'SUCCESS', 1],
      ['pause', 'SUCCESS', 1],
      ['double', 'SUCCESS', 1],
    ]);
  });

  it('refuses to resume a run that ended, is running, or does not exist', async () => {
    const runs = service(tempDb());
    const id = runs.start(addDocument);
    expect(() => runs.resume(id)).toThrow(RunStateError);
    await runs.wait(id);
    expect(() => runs.resume(id)).toThrow(/already ended SUCCESS/);
    expect(() => runs.resume('no-such-run')).toThrow(RunNotFoundError);
    expect(() => {
      runs.suspend(id);
    }).toThrow(RunStateError);
    expect(() => {
      runs.suspend('no-such-run');
    }).toThrow(RunNotFoundError);
  });
});

describe('RunService.cancel', () => {
  it('cancels a running run: it stops, shows CANCELLED, and is never resumed', async () => {
    const runs = service(tempDb());
    const id = runs.start(addDocument, {}, (e) => {
      if (e.type === 'atom' && e.name === 'add' && e.state === 'SUCCESS') runs.cancel(id);
    });
    const end = await runs.wait(id);
    expect(end.state).toBe('CANCELLED');
    expect(runs.getRun(id).state).toBe('CANCELLED');
    expect(() => runs.resume(id)).toThrow(/cancelled/);
    expect(runs.listRuns({ state: 'CANCELLED' }).runs.map((r) => r.id)).toEqual([id]);
    expect(runs.listRuns({ state: 'SUSPENDED' }).runs).toEqual([]);
  });

  it('cancels a suspended run, and refuses to cancel one that ended', async () => {
    const runs = service(tempDb());
    const id = runs.start(addDocument, {}, (e) => {
      if (e.type === 'atom' && e.name === 'add' && e.state === 'SUCCESS') runs.suspend(id);
    });
    await runs.wait(id);
    runs.cancel(id);
    expect(runs.getRun(id).state).toBe('CANCELLED');
    expect((await runs.wait(id)).state).toBe('CANCELLED');
    const done = runs.start(addDocument);
    await runs.wait(done);
    expect(() => {
      runs.cancel(done);
    }).toThrow(/already ended SUCCESS/);
    expect(() => {
      runs.cancel('no-such-run');
    }).toThrow(RunNotFoundError);
  });
});

describe('RunService history', () => {
  it('lists runs newest first, filtered and paged', async () => {
    const runs = service(tempDb());
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = runs.start(addDocument);
      await runs.wait(id);
      ids.push(id);
    }
    const failed = runs.start(failingDocument);
    await runs.wait(failed);

    const all = runs.listRuns();
    expect(all.runs.map((r) => r.id)).toEqual([failed, ...ids.reverse()]);
    expect(all.runs[0]).toMatchObject({ flow: 'failing', state: 'REVERTED', engine: 'serial' });
    expect(runs.listRuns({ flow: 'add' }).runs).toHaveLength(3);
    expect(runs.listRuns({ state: 'REVERTED' }).runs.map((r) => r.id)).toEqual([failed]);

    const page1 = runs.listRuns({ limit: 2 });
    expect(page1.runs).toHaveLength(2);
    expect(page1.nextCursor).toBeDefined();
    const page2 = runs.listRuns({ limit: 2, cursor: page1.nextCursor });
    expect(page2.runs).toHaveLength(2);
    expect(page2.nextCursor).toBeUndefined();
    expect([...page1.runs, ...page2.runs].map((r) => r.id)).toEqual(all.runs.map((r) => r.id));
  });

  it('shows one run: atoms with states, results, failures and timings from the event log, and logs', async () => {
    const runs = service(tempDb());
    const ok = runs.start(addDocument, { file: '/flows/add.flow.json' });
    await runs.wait(ok);
    const view = runs.getRun(ok);
    expect(view).toMatchObject({
      id: ok,
      flow: 'add',
      state: 'SUCCESS',
      engine: 'serial',
      file: '/flows/add.flow.json',
    });
    expect(view.results).toEqual({ x: 2, y: 3, sum: 5, double: 10 });
    expect(view.atoms.map((a) => [a.name, a.state, a.result])).toEqual([
      ['add', 'SUCCESS', 5],
      ['pause', 'SUCCESS', undefined],
      ['double', 'SUCCESS', 10],
    ]);
    const pause = view.atoms.find((a) => a.name === 'pause');
    // The delay task waits 30 ms: its recorded start and end are at least that far apart.
    expect(pause?.durationMs).toBeGreaterThanOrEqual(25);
    expect(Date.parse(view.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(pause?.startedAt ?? ''));
    expect(Date.parse(view.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(pause?.finishedAt ?? ''));
    expect(view.logs).toEqual([
      expect.objectContaining({
        name: 'add',
        stream: 'stdout',
        text: expect.stringContaining('adding 2 and 3'),
      }),
    ]);
    expect(view.document).toMatchObject({ name: 'add', format: 'atomflow.flow/1' });

    const bad = runs.start(failingDocument);
    await runs.wait(bad);
    const failedView = runs.getRun(bad);
    expect(failedView.state).toBe('REVERTED');
    expect(failedView.failures).toEqual([
      {
        atom: 'boom',
        phase: 'execute',
        type: 'IntendedFailure',
        message: 'disk full',
        // Where it was raised: the fail kind's execute.
        stack: expect.stringMatching(/^IntendedFailure: disk full\n\s+at .*fail\.ts/),
      },
    ]);
    expect(failedView.atoms.map((a) => a.state)).toEqual(['REVERTED', 'REVERTED', 'REVERTED']);
    expect(failedView.logs.map((l) => l.text.trim())).toEqual(['undo two', 'undo one']);
  });

  it('deletes a run with its events; an unknown id is refused', async () => {
    const runs = service(tempDb());
    const id = runs.start(addDocument);
    await runs.wait(id);
    const keep = runs.start(addDocument);
    await runs.wait(keep);
    runs.deleteRun(id);
    expect(() => runs.getRun(id)).toThrow(RunNotFoundError);
    expect(() => runs.events(id)).toThrow(RunNotFoundError);
    expect(() => {
      runs.deleteRun(id);
    }).toThrow(RunNotFoundError);
    expect(runs.listRuns().runs.map((r) => r.id)).toEqual([keep]);
  });

  it('reads a store that does not exist as an empty history, without creating it', async () => {
    const db = tempDb();
    const runs = service(db);
    expect(runs.listRuns()).toEqual({ runs: [] });
    expect(() => runs.getRun('nope')).toThrow(RunNotFoundError);
    await expect(runs.wait('nope')).rejects.toThrow(RunNotFoundError);
    expect(existsSync(db)).toBe(false);
  });

  it('keeps the document with the run in the store', async () => {
    const db = tempDb();
    const runs = service(db);
    const id = runs.start(addDocument);
    await runs.wait(id);
    await runs.close();
    // The document is in the file itself (the flow detail's meta), so any process can rebuild the flow.
    expect(readFileSync(db).includes(Buffer.from('adding ${x} and ${y}'))).toBe(true);
  });
});
