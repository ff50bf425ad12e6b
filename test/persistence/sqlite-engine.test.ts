/**
 * Engine runs on the SQLite backend: what a run persists (states, results,
 * events in order) is read back through a new backend on the same file, a
 * suspended run is finished by another backend without re-running what
 * finished, and non-durable progress writes land with the next durable write.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  AtomDetail,
  Failure,
  FlowDetail,
  LogBook,
  SqliteBackend,
  Times,
  WrappedFailure,
  linear,
  load,
  states,
  task,
  type EngineEvent,
} from '../../engine/index.js';
import { KNOWN_RUNS_CAPACITY, KnownRuns } from '../../engine/persistence/sqlite/known-runs.js';
import { RuntimeError } from '../support/fixtures.js';
import { tempFolder } from './sqlite-support.js';

const tmp = tempFolder();

/** JSON view of an event, so a live Failure and one read back compare equal. */
function plain(e: EngineEvent): unknown {
  return JSON.parse(JSON.stringify(e)) as unknown;
}

describe('an engine run persisted in SQLite', () => {
  it('is read back by a new backend: states, results, failures, retry history and events in order', async () => {
    const file = tmp.file();
    let attempts = 0;
    const flow = linear('order', new Times(3, { name: 'again' })).add(
      task({ name: 'reserve', provides: 'reservation', execute: () => ({ id: 7, items: ['a', 'ü'] }) }),
      task({
        name: 'charge',
        requires: ['reservation'],
        provides: 'receipt',
        execute: (_args, ctx) => {
          ctx.updateProgress(0.5, { step: 'half' });
          attempts++;
          if (attempts === 1) throw new RuntimeError('card declined');
          return `paid ${attempts}`;
        },
      }),
      task({ name: 'nothing', execute: () => undefined }),
    );
    const backend = new SqliteBackend(file);
    const engine = load(flow, { backend, store: { customer: 'ada' } });
    const seen: EngineEvent[] = [];
    engine.notifier.on('*', (e) => seen.push(e));
    await engine.run();
    expect(engine.storage.getFlowState()).toBe(states.SUCCESS);
    const uuid = engine.flowDetail.uuid;
    backend.close();

    const reader = new SqliteBackend(file);
    const fd = reader.getFlowDetail(uuid);
    expect(fd.state).toBe(states.SUCCESS);
    expect(fd.meta.engine).toBe('serial');
    const live = engine.flowDetail;
    expect([...fd].map((a) => a.name)).toEqual([...live].map((a) => a.name));
    for (const ad of live) {
      expect(JSON.parse(JSON.stringify(fd.atoms.get(ad.name)!.toDict()))).toEqual(
        JSON.parse(JSON.stringify(ad.toDict())),
      );
    }
    expect(fd.atoms.get('reserve')!.results).toEqual({ id: 7, items: ['a', 'ü'] });
    expect(fd.atoms.get('charge')!.results).toBe('paid 2');
    expect(fd.atoms.get('charge')!.meta.progress).toBe(1);
    expect(fd.atoms.get('nothing')!.results).toBeUndefined();
    const history = fd.atoms.get('again')!.history;
    expect(history.map(([v]) => v)).toEqual([1, 2]);
    const firstFailure = history[0]![1].charge;
    expect(firstFailure).toBeInstanceOf(Failure);
    expect(firstFailure!.exceptionStr).toBe('card declined');
    expect(firstFailure!.check(RuntimeError)).toBe('RuntimeError');

    const recorded = reader.getEvents(uuid);
    expect(recorded.map((r) => r.seq)).toEqual(recorded.map((_, i) => i + 1));
    const times = recorded.map((r) => Date.parse(r.at));
    expect(times.every((t, i) => Number.isFinite(t) && (i === 0 || t >= times[i - 1]!))).toBe(true);
    // Flow and atom transitions: exactly what listeners saw, in the same order.
    const transitions = (list: readonly EngineEvent[]): unknown[] =>
      list.filter((e) => e.type !== 'progress').map(plain);
    expect(transitions(recorded.map((r) => r.event))).toEqual(transitions(seen));
    // The failure in the log is a Failure again.
    const failed = recorded.find((r) => r.event.type === 'atom' && r.event.state === states.FAILURE)!;
    expect(failed.event.type === 'atom' && failed.event.result).toBeInstanceOf(Failure);
    // The task's own progress report is in the log, between its RUNNING and its outcome.
    const names = recorded.map((r) =>
      r.event.type === 'flow'
        ? `flow ${r.event.state}`
        : `${r.event.name} ${r.event.type === 'atom' ? r.event.state : r.event.type === 'progress' ? r.event.progress : r.event.text}`,
    );
    const firstRun = names.indexOf('charge RUNNING');
    expect(names.slice(firstRun, firstRun + 3)).toEqual(['charge RUNNING', 'charge 0.5', 'charge FAILURE']);
    const progress = recorded.find((r) => r.event.type === 'progress')!.event;
    expect(progress).toEqual({
      type: 'progress',
      name: 'charge',
      uuid: fd.atoms.get('charge')!.uuid,
      progress: 0.5,
      details: { step: 'half' },
    });
    expect(names[0]).toBe('flow RUNNING');
    expect(names.at(-1)).toBe('flow SUCCESS');
    reader.close();
  });

  it('a run suspended in one process is finished through a new backend; finished tasks do not run again', async () => {
    const file = tmp.file();
    const ran: string[] = [];
    const build = () =>
      linear('suspendable').add(
        task({ name: 'a', provides: 'x', execute: () => (ran.push('a'), 41) }),
        task({
          name: 'b',
          requires: ['x'],
          provides: 'y',
          execute: ({ x }) => (ran.push('b'), Number(x) + 1),
        }),
        task({
          name: 'c',
          requires: ['y'],
          provides: 'z',
          execute: ({ y }) => (ran.push('c'), Number(y) * 2),
        }),
      );
    const first = new SqliteBackend(file);
    const engine = load(build(), { backend: first, store: { unused: true } });
    engine.notifier.on('atom', (e) => {
      if (e.name === 'a' && e.state === states.SUCCESS) engine.suspend();
    });
    await engine.run();
    expect(engine.storage.getFlowState()).toBe(states.SUSPENDED);
    const uuid = engine.flowDetail.uuid;
    const eventsBefore = first.getEvents(uuid).length;
    first.close();

    const second = new SqliteBackend(file);
    const fd = second.getFlowDetail(uuid);
    expect(fd.state).toBe(states.SUSPENDED);
    expect(fd.atoms.get('a')!.state).toBe(states.SUCCESS);
    expect(fd.atoms.get('b')!.state).toBe(states.PENDING);
    const resumed = load(build(), { backend: second, flowDetail: fd });
    await resumed.run();
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(resumed.storage.fetchAll()).toEqual({ unused: true, x: 41, y: 42, z: 84 });
    second.close();

    const third = new SqliteBackend(file);
    expect(third.getFlowDetail(uuid).state).toBe(states.SUCCESS);
    const events = third.getEvents(uuid);
    expect(events.length).toBeGreaterThan(eventsBefore);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const flowStates = events.flatMap((e) => (e.event.type === 'flow' ? [e.event.state] : []));
    expect(flowStates).toEqual([
      states.RUNNING,
      states.SUSPENDING,
      states.SUSPENDED,
      states.RUNNING,
      states.SUCCESS,
    ]);
    const aRuns = events.filter(
      (e) => e.event.type === 'atom' && e.event.name === 'a' && e.event.state === states.RUNNING,
    );
    expect(aRuns).toHaveLength(1);
    third.close();
  });

  it('a failure read back from SQLite is re-raised when the resumed run reverts', async () => {
    const file = tmp.file();
    const build = () =>
      linear('f').add(
        task({ name: 'a', execute: () => 1 }),
        task({
          name: 'b',
          execute: () => {
            throw new RuntimeError('Woot!');
          },
        }),
      );
    const b1 = new SqliteBackend(file);
    const first = load(build(), { backend: b1 });
    first.notifier.on('atom', (e) => {
      if (e.name === 'b' && e.state === states.REVERTED) first.suspend();
    });
    await first.run();
    expect(first.storage.getFlowState()).toBe(states.SUSPENDED);
    const uuid = first.flowDetail.uuid;
    b1.close();
    const b2 = new SqliteBackend(file);
    const second = load(build(), { backend: b2, flowDetail: b2.getFlowDetail(uuid) });
    const err = await second.run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrappedFailure);
    expect(String(err)).toBe('WrappedFailure: [Failure: RuntimeError: Woot!]');
    expect(b2.getFlowDetail(uuid).atoms.get('a')!.state).toBe(states.REVERTED);
    b2.close();
  });
});

describe('non-durable writes', () => {
  /** A second, raw connection: what another process would read from the file now. */
  function peek(file: string, flowUuid: string): { progress: unknown[]; events: string[] } {
    const raw = new Database(file, { readonly: true });
    try {
      const progress = raw
        .prepare<[string], string>('SELECT meta FROM atomdetails WHERE parent_uuid = ? ORDER BY seq')
        .pluck()
        .all(flowUuid)
        .map((m) => (JSON.parse(m) as { progress?: unknown }).progress);
      const events = raw
        .prepare<[string], string>('SELECT type FROM events WHERE flow_uuid = ? ORDER BY seq')
        .pluck()
        .all(flowUuid);
      return { progress, events };
    } finally {
      raw.close();
    }
  }

  function setup(file: string): { backend: SqliteBackend; fd: FlowDetail; a: AtomDetail; b: AtomDetail } {
    const backend = new SqliteBackend(file);
    const book = new LogBook('b');
    const fd = new FlowDetail('f');
    const a = new AtomDetail('a', 'task');
    const b = new AtomDetail('b', 'task');
    fd.add(a);
    fd.add(b);
    book.add(fd);
    backend.saveLogbook(book);
    return { backend, fd, a, b };
  }

  const progressEvent = (ad: AtomDetail, progress: number): EngineEvent => ({
    type: 'progress',
    name: ad.name,
    uuid: ad.uuid,
    progress,
  });

  it('are buffered, then land in the same transaction as the next durable write of the run, in order', () => {
    const file = tmp.file();
    const { backend, fd, a, b } = setup(file);
    a.meta.progress = 0.25;
    backend.updateAtomDetail(fd.uuid, a, { durable: false, event: progressEvent(a, 0.25) });
    a.meta.progress = 0.5;
    backend.updateAtomDetail(fd.uuid, a, { durable: false, event: progressEvent(a, 0.5) });
    // Not on disk yet.
    expect(peek(file, fd.uuid)).toEqual({ progress: [undefined, undefined], events: [] });
    b.state = states.RUNNING;
    backend.updateAtomDetail(fd.uuid, b, {
      event: {
        type: 'atom',
        kind: 'task',
        name: 'b',
        uuid: b.uuid,
        state: states.RUNNING,
        oldState: states.PENDING,
        hasResult: false,
      },
    });
    expect(peek(file, fd.uuid)).toEqual({
      progress: [0.5, undefined],
      events: ['progress', 'progress', 'atom'],
    });
    backend.close();
    const r = new SqliteBackend(file);
    expect(
      r.getEvents(fd.uuid).map((e) => (e.event.type === 'progress' ? e.event.progress : e.event.type)),
    ).toEqual([0.25, 0.5, 'atom']);
    r.close();
  });

  it('a flow-detail write of the run also carries them; writes of another run do not', () => {
    const file = tmp.file();
    const { backend, fd, a } = setup(file);
    const other = new FlowDetail('other');
    const book = new LogBook('other');
    book.add(other);
    backend.saveLogbook(book);
    a.meta.progress = 0.3;
    backend.updateAtomDetail(fd.uuid, a, { durable: false, event: progressEvent(a, 0.3) });
    backend.updateFlowDetail(other);
    expect(peek(file, fd.uuid).progress).toEqual([undefined, undefined]);
    fd.state = states.RUNNING;
    backend.updateFlowDetail(fd);
    expect(peek(file, fd.uuid)).toEqual({ progress: [0.3, undefined], events: ['progress'] });
    backend.close();
  });

  it('land at close(), at a read of this backend, and when too many are buffered', () => {
    const file = tmp.file();
    const { backend, fd, a } = setup(file);
    a.meta.progress = 0.1;
    backend.updateAtomDetail(fd.uuid, a, { durable: false, event: progressEvent(a, 0.1) });
    expect(backend.getFlowDetail(fd.uuid).atoms.get('a')!.meta.progress).toBe(0.1);
    expect(peek(file, fd.uuid).progress).toEqual([0.1, undefined]);

    for (let i = 1; i <= 1000; i++) {
      a.meta.progress = i / 1000;
      backend.updateAtomDetail(fd.uuid, a, { durable: false, event: progressEvent(a, i / 1000) });
    }
    // The 1000th buffered event wrote the buffer out.
    expect(peek(file, fd.uuid).events).toHaveLength(1001);
    a.meta.progress = 0.42;
    backend.updateAtomDetail(fd.uuid, a, { durable: false });
    expect(peek(file, fd.uuid).progress).toEqual([1, undefined]);
    backend.close();
    expect(peek(file, fd.uuid).progress).toEqual([0.42, undefined]);
  });

  it('a long-lived backend keeps the ids of recent runs only; a forgotten run is looked up in the file again', () => {
    const file = tmp.file();
    // `normal`: a thousand runs are saved here, and whether each reaches the disk at once does not matter.
    const backend = new SqliteBackend(file, { synchronous: 'normal' });
    const first = new FlowDetail('first');
    const a = new AtomDetail('a', 'task');
    first.add(a);
    const books = [
      first,
      ...Array.from({ length: KNOWN_RUNS_CAPACITY + 50 }, (_, i) => new FlowDetail(`run ${String(i)}`)),
    ];
    for (const fd of books) {
      const book = new LogBook(fd.name);
      book.add(fd);
      backend.saveLogbook(book);
    }
    // The soak test's leak: every run ever written stayed in this set. Read through a cast because
    // a few hundred bytes a run are too little to see in the heap of one test.
    const known = (backend as unknown as { knownRuns: KnownRuns }).knownRuns;
    expect(known.size).toBe(KNOWN_RUNS_CAPACITY);
    expect(known.has(first.uuid)).toBe(false);
    // Forgotten is not lost: a buffered write of the first run is checked against the file and lands.
    a.meta.progress = 0.5;
    backend.updateAtomDetail(first.uuid, a, { durable: false, event: progressEvent(a, 0.5) });
    expect(known.has(first.uuid)).toBe(true);
    expect(known.size).toBe(KNOWN_RUNS_CAPACITY);
    backend.flush();
    expect(peek(file, first.uuid)).toEqual({ progress: [0.5], events: ['progress'] });
    backend.close();
  });

  it('the known runs forget the oldest added first, and a run added again counts as the newest', () => {
    const known = new KnownRuns(2);
    known.add('a');
    known.add('b');
    known.add('a');
    known.add('c');
    expect([known.has('a'), known.has('b'), known.has('c'), known.size]).toEqual([true, false, true, 2]);
    expect(() => new KnownRuns(0)).toThrow(RangeError);
  });

  it('an engine run reports progress without waiting for disk, and all of it is there at the end', async () => {
    const file = tmp.file();
    const backend = new SqliteBackend(file);
    let seenMidRun: unknown[] = [];
    const engine = load(
      linear('p').add(
        task({
          name: 'slow',
          execute: (_args, ctx) => {
            ctx.updateProgress(0.3);
            ctx.updateProgress(0.6);
            seenMidRun = peek(file, engine.flowDetail.uuid).progress;
            return 'done';
          },
        }),
      ),
      { backend },
    );
    await engine.run();
    // While the task ran, its RUNNING write (progress 0) was on disk, its reports not yet.
    expect(seenMidRun).toEqual([0]);
    const events = backend.getEvents(engine.flowDetail.uuid).map((e) => e.event);
    expect(
      events.filter((e) => e.type === 'progress').map((e) => e.type === 'progress' && e.progress),
    ).toEqual([0.3, 0.6]);
    expect(backend.getFlowDetail(engine.flowDetail.uuid).atoms.get('slow')!.meta.progress).toBe(1);
    backend.close();
  });
});
