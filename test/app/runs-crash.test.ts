/**
 * A run left RUNNING by a crash: the CLI runs a document in a child process,
 * which is killed (SIGKILL, with its whole process group) while a task is
 * running; the run service then resumes the run from the store. Finished
 * tasks are not run again, and a run whose process is alive is not resumed.
 * A run whose host died just after its last transition, before the service
 * recorded what it provided, still shows its results.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunService, RunStateError } from '../../app/runs/index.js';
import { SqliteBackend } from '../../engine/index.js';
import {
  cleanEnv,
  finished,
  gatedDocument,
  spawnCli,
  tempDir,
  waitForLine,
  writeDocument,
} from '../cli/cli.js';
import { addDocument, collect, linearDocument, tempDb, transitions } from './runs-support.js';

const open: RunService[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe('RunService.resume after a crash', () => {
  it('resumes a run whose process was killed, without running finished tasks again', async () => {
    const dir = tempDir();
    const db = join(dir, 'runs.db');
    const go = join(dir, 'go');
    const file = writeDocument(dir, 'gated.flow.json', gatedDocument(go));
    const child = spawnCli(['run', file, '--db', db, '--json'], { env: cleanEnv(dir), detached: true });
    const done = finished(child);
    await waitForLine(child, (l) => l.includes('"name":"gate"') && l.includes('"state":"RUNNING"'));

    const runs = new RunService({ db });
    open.push(runs);
    const [running] = runs.listRuns({ state: 'RUNNING' }).runs;
    expect(running).toMatchObject({ flow: 'gated', state: 'RUNNING' });
    const id = running?.id ?? '';
    // Its process is alive: resuming now would run the flow twice.
    expect(() => runs.resume(id)).toThrow(RunStateError);
    expect(() => runs.resume(id)).toThrow(/still alive/);
    // Nor is it cancelled or deleted from under that process.
    expect(() => {
      runs.cancel(id);
    }).toThrow(/cancel it there/);
    expect(() => {
      runs.deleteRun(id);
    }).toThrow(/stop it before deleting it/);

    // While its process lives, it is running, not interrupted.
    expect(running?.interrupted).toBeUndefined();
    expect(runs.listRuns({ state: 'INTERRUPTED' }).runs).toEqual([]);

    process.kill(-(child.pid ?? 0), 'SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(runs.getRun(id).state).toBe('RUNNING');
    // Its process is gone: the history says interrupted, and the filter finds it (and only it).
    expect(runs.getRun(id).interrupted).toBe(true);
    expect(runs.listRuns({ state: 'INTERRUPTED' }).runs.map((r) => r.id)).toEqual([id]);
    expect(runs.listRuns({ state: 'RUNNING' }).runs).toEqual([]);
    expect(runs.listRuns().runs.find((r) => r.id === id)).toMatchObject({
      state: 'RUNNING',
      interrupted: true,
    });

    writeFileSync(go, '');
    const { events } = await collect(runs, (l) => runs.resume(id, {}, l));
    // `first` had finished before the crash; `gate` was running (and still is in the store), so it runs
    // again without a new RUNNING transition.
    expect(transitions(events)).toEqual(['gate:SUCCESS', 'last:RUNNING', 'last:SUCCESS']);
    const end = await runs.wait(id);
    expect(end).toMatchObject({ state: 'SUCCESS', results: { a: 1, b: 2 } });
    const view = runs.getRun(id);
    expect(view.atoms.map((a) => [a.name, a.executions])).toEqual([
      ['first', 1],
      ['gate', 1],
      ['last', 1],
    ]);
  });

  it('cancels a run whose process was killed: it shows CANCELLED and is not resumed', async () => {
    const dir = tempDir();
    const db = join(dir, 'runs.db');
    const file = writeDocument(dir, 'gated.flow.json', gatedDocument(join(dir, 'go')));
    const child = spawnCli(['run', file, '--db', db, '--json'], { env: cleanEnv(dir), detached: true });
    const done = finished(child);
    await waitForLine(child, (l) => l.includes('"name":"gate"') && l.includes('"state":"RUNNING"'));
    process.kill(-(child.pid ?? 0), 'SIGKILL');
    await done;

    const runs = new RunService({ db });
    open.push(runs);
    const id = runs.listRuns({ state: 'INTERRUPTED' }).runs[0]?.id ?? '';
    runs.cancel(id);
    expect(runs.getRun(id).state).toBe('CANCELLED');
    expect(runs.listRuns({ state: 'CANCELLED' }).runs.map((r) => r.id)).toEqual([id]);
    expect(() => runs.resume(id)).toThrow(/cancelled/);
    const events = [];
    for await (const e of runs.events(id)) events.push(e);
    // The store's log tells what happened: the flow was stopped, by the cancellation.
    expect(events.filter((e) => e.type === 'flow').map((e) => e.state)).toEqual(['RUNNING', 'SUSPENDED']);
    expect(events.at(-1)).toMatchObject({ type: 'end', state: 'CANCELLED' });
  });
});

// Found by test/hardening/crash-engines.test.ts: the service writes a run's results in a transaction of its
// own, after the engine has committed the run's last state; a host killed in between left a run that had
// ended SUCCESS (or REVERTED) with no results in `getRun`, `wait` and `atomflow show`, and a resume
// rightly refuses an ended run. Here the store is put in that state directly (a precise kill there is the
// hardening test's job): the results must come back from the run's atoms, and nothing may be written.
describe('a run whose host died before its results were recorded', () => {
  // A reverted run provides what its failed task was to provide: the failure.
  const revertedDocument = linearDocument('failing-provides', [
    { type: 'task', name: 'one', kind: 'value', provides: 'a', config: { value: 1 } },
    { type: 'task', name: 'boom', kind: 'fail', provides: 'b', config: { message: 'disk full' } },
  ]);
  it.each([
    ['SUCCESS', addDocument],
    ['REVERTED', revertedDocument],
  ] as const)('ended %s: its results are read back from its atoms', async (state, document) => {
    const db = tempDb();
    const first = new RunService({ db });
    const id = first.start(document);
    const end = await first.wait(id);
    await first.close();
    expect(end.state).toBe(state);
    expect(Object.keys(end.results).length).toBeGreaterThan(0);

    const store = new SqliteBackend(db);
    const fd = store.getFlowDetail(id);
    const { results: _dropped, ...meta } = fd.meta;
    fd.meta = meta;
    store.updateFlowDetail(fd);
    const before = JSON.stringify([...store.getFlowDetail(id)].map((a) => [a.name, a.state, a.intention]));
    store.close();

    const runs = new RunService({ db });
    open.push(runs);
    expect(runs.getRun(id)).toMatchObject({ state, results: end.results });
    expect(await runs.wait(id)).toMatchObject({ state, results: end.results, failures: end.failures });
    expect(() => runs.resume(id)).toThrow(/already ended/);
    await runs.close();
    // Reading them changed nothing: the run is as it was left (a REVERTED one was not reset).
    const after = new SqliteBackend(db);
    expect(after.getFlowDetail(id).state).toBe(state);
    expect(after.getFlowDetail(id).meta.results).toBeUndefined();
    expect(JSON.stringify([...after.getFlowDetail(id)].map((a) => [a.name, a.state, a.intention]))).toBe(
      before,
    );
    after.close();
  });
});
