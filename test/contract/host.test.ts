/**
 * The contract host on a real run service and document store (one SQLite
 * file): every method's happy path, a run's events streamed to the session
 * in batches ending with `end`, subscriptions, the errors of the services
 * mapped to codes, and sessions and the host closing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventsMessage, Response } from '../../app/contract/index.js';
import { catalog } from '../../app/catalog/index.js';
import { RunService, type RunEvent, type RunList, type RunView } from '../../app/runs/index.js';
import { DocumentStore } from '../../app/documents/index.js';
import { ContractHost } from '../../app/contract/index.js';
import { tempDir } from '../cli/cli.js';
import { addDocument, failingDocument, linearDocument, transitions } from '../app/runs-support.js';
import { harness, storeCounts, type Harness, type Message } from './support.js';

const open: Harness[] = [];
function setup(...args: Parameters<typeof harness>): Harness {
  const h = harness(...args);
  open.push(h);
  return h;
}
afterEach(async () => {
  vi.restoreAllMocks();
  for (const h of open.splice(0)) await h.close();
});

/** A run that takes a while: a wait, then a task that does nothing. */
const slowDocument = linearDocument('slow', [
  { type: 'task', name: 'wait', kind: 'delay', config: { ms: 200 } },
  { type: 'task', name: 'after', kind: 'noop' },
]);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const isEvents = (m: Message): m is EventsMessage => 'type' in m;

/**
 * What a replay must match of the live events: replayed events carry the time they were recorded,
 * and progress is recorded coarser than it is reported live; the transitions, output and end are the same.
 */
const gist = (events: RunEvent[]): unknown[] =>
  events.flatMap((e) => (e.type === 'progress' ? [] : [{ ...e, ts: undefined }]));

describe('documents.*', () => {
  it('lists, saves, gets, validates and deletes documents', async () => {
    const h = setup();
    const c = h.client();
    expect(await c.ok('documents.list')).toEqual({ documents: [] });
    expect(await c.ok('documents.list', {})).toEqual({ documents: [] });
    const saved = (await c.ok('documents.save', { document: addDocument })) as {
      name: string;
      updatedAt: string;
    };
    expect(saved).toEqual({ name: 'add', updatedAt: expect.any(String) });
    expect(await c.ok('documents.list')).toEqual({
      documents: [
        { name: 'add', updatedAt: saved.updatedAt, bytes: Buffer.byteLength(JSON.stringify(addDocument)) },
      ],
    });
    expect(await c.ok('documents.get', { name: 'add' })).toEqual({
      name: 'add',
      updatedAt: saved.updatedAt,
      bytes: expect.any(Number),
      document: addDocument,
    });
    expect(await c.ok('documents.validate', { document: addDocument })).toEqual({
      valid: true,
      problems: [],
    });
    expect(await c.ok('documents.delete', { name: 'add' })).toEqual({});
    expect(await c.ok('documents.list')).toEqual({ documents: [] });
    expect(storeCounts(h.db).documents).toBe(0);
  });

  it('reports the problems of an invalid document, and refuses to save it', async () => {
    const h = setup();
    const c = h.client();
    const bad = linearDocument('bad', [
      { type: 'task', name: 'wait', kind: 'delay', config: { ms: 'soon' } },
    ]);
    const validated = (await c.ok('documents.validate', { document: bad })) as {
      valid: boolean;
      problems: unknown[];
    };
    expect(validated.valid).toBe(false);
    expect(validated.problems).toContainEqual(expect.objectContaining({ node: 'wait', path: 'config.ms' }));
    const error = await c.error('documents.save', { document: bad });
    expect(error.code).toBe('invalid-document');
    expect(error.problems).toContainEqual(expect.objectContaining({ node: 'wait', path: 'config.ms' }));
    expect(storeCounts(h.db)).toEqual({ runs: 0, documents: 0 });
  });

  it('answers not-found, naming the document, for one that is not saved', async () => {
    const c = setup().client();
    expect(await c.error('documents.get', { name: 'ghost' })).toEqual({
      code: 'not-found',
      message: "No saved document named 'ghost'",
    });
    expect((await c.error('documents.delete', { name: 'ghost' })).code).toBe('not-found');
  });
});

describe('runs.start and the event stream', () => {
  it('streams a run’s events to the session in batches, the reply first and the end last', async () => {
    const h = setup();
    const c = h.client();
    const { runId } = (await c.ok('runs.start', { document: addDocument, inputs: { x: 4 } })) as {
      runId: string;
    };
    expect(typeof runId).toBe('string');
    const events = await c.ended(runId);
    // The reply with the run id comes before any event of the run.
    const replyAt = c.messages.findIndex(
      (m) => !isEvents(m) && m.ok && (m.result as { runId?: string }).runId === runId,
    );
    const firstEvents = c.messages.findIndex((m) => isEvents(m) && m.runId === runId);
    expect(replyAt).toBeGreaterThanOrEqual(0);
    expect(firstEvents).toBeGreaterThan(replyAt);
    expect(events[0]).toMatchObject({ type: 'flow', state: 'RUNNING', runId });
    expect(transitions(events)).toEqual([
      'add:RUNNING',
      'add:SUCCESS',
      'pause:RUNNING',
      'pause:SUCCESS',
      'double:RUNNING',
      'double:SUCCESS',
    ]);
    const end = events.at(-1);
    expect(end).toMatchObject({ type: 'end', runId, state: 'SUCCESS', failures: [] });
    expect(end?.type === 'end' && end.results).toEqual({ x: 4, y: 3, sum: 7, double: 14 });
    expect(events.filter((e) => e.type === 'end')).toHaveLength(1);
    const batches = c.messages.filter(isEvents);
    expect(batches.every((b) => b.runId === runId && b.events.length > 0)).toBe(true);
    expect(batches.length).toBeLessThan(events.length);
    // Nothing arrives after the end.
    await sleep(50);
    expect(c.events(runId)).toHaveLength(events.length);
  });

  it('streams a failed run with its failures and reverts', async () => {
    const c = setup().client();
    const { runId } = (await c.ok('runs.start', { document: failingDocument })) as { runId: string };
    const events = await c.ended(runId);
    expect(transitions(events)).toContain('one:REVERTED');
    expect(events.at(-1)).toMatchObject({
      type: 'end',
      state: 'REVERTED',
      failures: [expect.objectContaining({ atom: 'boom', message: expect.stringContaining('disk full') })],
    });
  });

  it('runs on the parallel engine with its options', async () => {
    const c = setup().client();
    const { runId } = (await c.ok('runs.start', {
      document: addDocument,
      engine: 'parallel',
      engineOptions: { maxWorkers: 2 },
    })) as { runId: string };
    expect((await c.ended(runId)).at(-1)).toMatchObject({ type: 'end', state: 'SUCCESS' });
  });
});

describe('runs.subscribe and runs.unsubscribe', () => {
  it('gives a second session the same events, recorded ones replayed first', async () => {
    const h = setup();
    const starter = h.client();
    const watcher = h.client();
    const { runId } = (await starter.ok('runs.start', { document: slowDocument })) as { runId: string };
    await sleep(30);
    expect(await watcher.ok('runs.subscribe', { runId })).toEqual({});
    // Subscribing again changes nothing: no second replay, no event twice.
    expect(await watcher.ok('runs.subscribe', { runId })).toEqual({});
    expect(await watcher.ok('runs.subscribe', { runId, replay: true })).toEqual({});
    const seen = await watcher.ended(runId);
    const all = await starter.ended(runId);
    expect(gist(seen)).toEqual(gist(all));
    expect(seen.filter((e) => e.type === 'end')).toHaveLength(1);
  });

  it('delivers a finished run whole, after the reply; replay: false gives only the end', async () => {
    const h = setup();
    const c = h.client();
    const { runId } = (await c.ok('runs.start', { document: addDocument })) as { runId: string };
    const all = await c.ended(runId);
    const later = h.client();
    const reply = await later.request('runs.subscribe', { runId });
    expect(reply.ok).toBe(true);
    const replayed = await later.ended(runId);
    // The reply first, then the events.
    expect(later.messages[0]).toEqual(reply);
    expect(later.messages.slice(1).every(isEvents)).toBe(true);
    expect(gist(replayed)).toEqual(gist(all));
    expect(replayed.at(-1)).toMatchObject({ type: 'end', state: 'SUCCESS' });

    const endOnly = h.client();
    await endOnly.ok('runs.subscribe', { runId, replay: false });
    expect((await endOnly.ended(runId)).map((e) => e.type)).toEqual(['end']);
    // The stream ended, so a new subscribe follows the run again (it replays).
    await endOnly.ok('runs.subscribe', { runId, replay: false });
    await vi.waitFor(() => {
      expect(endOnly.events(runId).map((e) => e.type)).toEqual(['end', 'end']);
    });
  });

  it('stops a session’s events on unsubscribe', async () => {
    const h = setup();
    const starter = h.client();
    const watcher = h.client();
    const { runId } = (await starter.ok('runs.start', { document: slowDocument })) as { runId: string };
    await watcher.ok('runs.subscribe', { runId });
    await sleep(40);
    expect(await watcher.ok('runs.unsubscribe', { runId })).toEqual({});
    expect(await watcher.ok('runs.unsubscribe', { runId })).toEqual({}); // twice: nothing to do
    await sleep(20);
    const got = watcher.events(runId).length;
    await starter.ended(runId);
    await sleep(40);
    expect(watcher.events(runId)).toHaveLength(got);
    expect(watcher.events(runId).some((e) => e.type === 'end')).toBe(false);
    // The starter may unsubscribe from its own run too.
    const other = (await starter.ok('runs.start', { document: slowDocument })) as { runId: string };
    await starter.ok('runs.unsubscribe', { runId: other.runId });
    await h.runs.wait(other.runId);
    await sleep(40);
    expect(starter.events(other.runId).some((e) => e.type === 'end')).toBe(false);
  });

  it('answers not-found for a run that does not exist', async () => {
    const c = setup().client();
    expect((await c.error('runs.subscribe', { runId: 'no-such-run' })).code).toBe('not-found');
    expect((await c.error('runs.subscribe', { runId: 'no-such-run', replay: false })).code).toBe('not-found');
  });
});

describe('runs history and control', () => {
  it('lists, details and deletes runs', async () => {
    const h = setup();
    const c = h.client();
    const { runId } = (await c.ok('runs.start', { document: addDocument })) as { runId: string };
    await c.ended(runId);
    const failed = (await c.ok('runs.start', { document: failingDocument })) as { runId: string };
    await c.ended(failed.runId);
    const list = (await c.ok('runs.list', {})) as RunList;
    expect(list.runs.map((r) => r.id)).toEqual([failed.runId, runId]);
    expect(list.runs[1]).toMatchObject({ id: runId, flow: 'add', state: 'SUCCESS', engine: 'serial' });
    const filtered = (await c.ok('runs.list', {
      state: 'SUCCESS',
      flow: 'add',
      engine: 'serial',
      limit: 10,
    })) as RunList;
    expect(filtered.runs.map((r) => r.id)).toEqual([runId]);
    const page = (await c.ok('runs.list', { limit: 1 })) as RunList;
    expect(page.runs).toHaveLength(1);
    const next = (await c.ok('runs.list', { limit: 1, cursor: page.nextCursor })) as RunList;
    expect(next.runs.map((r) => r.id)).toEqual([runId]);
    const detail = (await c.ok('runs.detail', { runId })) as RunView;
    expect(detail).toMatchObject({ id: runId, state: 'SUCCESS', results: { sum: 5, double: 10 } });
    expect(detail.atoms.map((a) => a.name)).toEqual(['add', 'pause', 'double']);
    expect(detail.logs).toContainEqual(
      expect.objectContaining({ name: 'add', text: expect.stringContaining('adding') }),
    );
    expect(await c.ok('runs.delete', { runId })).toEqual({});
    expect((await c.error('runs.detail', { runId })).code).toBe('not-found');
    expect(storeCounts(h.db).runs).toBe(1);
  });

  it('suspends, resumes and cancels runs', async () => {
    const h = setup();
    const c = h.client();
    const { runId } = (await c.ok('runs.start', { document: slowDocument })) as { runId: string };
    await sleep(30);
    expect(await c.ok('runs.suspend', { runId })).toEqual({});
    const suspended = await c.ended(runId);
    expect(suspended.at(-1)).toMatchObject({ type: 'end', state: 'SUSPENDED' });
    // Resuming follows the run again from this session.
    expect(await c.ok('runs.resume', { runId })).toEqual({ runId });
    await vi.waitFor(
      () => {
        expect(c.events(runId).filter((e) => e.type === 'end')).toHaveLength(2);
      },
      {
        timeout: 5000,
      },
    );
    expect(c.events(runId).at(-1)).toMatchObject({ type: 'end', state: 'SUCCESS' });
    expect(transitions(c.events(runId).slice(suspended.length))).toEqual(['after:RUNNING', 'after:SUCCESS']);

    const other = (await c.ok('runs.start', { document: slowDocument })) as { runId: string };
    await sleep(30);
    expect(await c.ok('runs.cancel', { runId: other.runId })).toEqual({});
    expect((await c.ended(other.runId)).at(-1)).toMatchObject({ type: 'end', state: 'CANCELLED' });
    const cancelled = (await c.ok('runs.list', { state: 'CANCELLED' })) as RunList;
    expect(cancelled.runs.map((r) => r.id)).toEqual([other.runId]);
    expect((await c.error('runs.resume', { runId: other.runId })).code).toBe('conflict');
  });

  it('maps the run service’s errors to codes', async () => {
    const h = setup();
    const c = h.client();
    const { runId } = (await c.ok('runs.start', { document: addDocument })) as { runId: string };
    await c.ended(runId);
    expect(await c.error('runs.detail', { runId: 'nope' })).toMatchObject({
      code: 'not-found',
      message: expect.stringContaining("'nope'"),
    });
    expect((await c.error('runs.resume', { runId })).code).toBe('conflict');
    expect((await c.error('runs.suspend', { runId })).code).toBe('conflict');
    expect((await c.error('runs.cancel', { runId })).code).toBe('conflict');
    expect((await c.error('runs.delete', { runId: 'nope' })).code).toBe('not-found');
    const engine = await c.error('runs.start', {
      document: addDocument,
      engine: 'serial',
      engineOptions: { maxWorkers: 2 },
    });
    expect(engine).toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('parallel engine only'),
    });
    const invalid = await c.error('runs.start', {
      document: linearDocument('bad', [
        { type: 'task', name: 'sum', kind: 'script', requires: ['x'], config: { code: 'return x' } },
      ]),
    });
    expect(invalid.code).toBe('invalid-document');
    expect(invalid.problems).toContainEqual(
      expect.objectContaining({ node: 'sum', path: expect.stringContaining('requires') }),
    );
    expect(storeCounts(h.db).runs).toBe(1);
  });

  it('refuses an input named __proto__ with a problem naming it, writing nothing', async () => {
    const h = setup();
    const c = h.client();
    const before = storeCounts(h.db);
    const r = await c.raw(
      `{"id": 7, "method": "runs.start", "params": {"document": ${JSON.stringify(addDocument)}, "inputs": {"__proto__": {"x": 1}}}}`,
    );
    expect(r).toMatchObject({ id: 7, ok: false, error: { code: 'invalid-document' } });
    expect(!r.ok && r.error.problems).toContainEqual(expect.objectContaining({ path: 'inputs.__proto__' }));
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(storeCounts(h.db)).toEqual(before);
  });

  it('hides an unexpected error behind a generic message, logging its details', async () => {
    const h = setup();
    const c = h.client();
    vi.spyOn(h.runs, 'listRuns').mockImplementation(() => {
      throw new Error('secret details of the SQLite file');
    });
    const error = await c.error('runs.list');
    expect(error.code).toBe('internal');
    expect(error.message).not.toContain('secret');
    expect(error.message).toContain('runs.list');
    expect(h.logged).toHaveLength(1);
    expect(String(h.logged[0]?.error)).toContain('secret details');
    vi.restoreAllMocks();
    expect(await c.ok('runs.list')).toEqual({ runs: [] });
  });

  it('answers unavailable, naming the file, when the store cannot be opened; conflict once closed', async () => {
    const folder = tempDir('atomflow-contract-');
    const runs = new RunService({ db: folder }); // a folder, not a file
    const documents = new DocumentStore({ db: folder });
    const host = new ContractHost({ runs, documents, log: () => undefined });
    const replies: Message[] = [];
    const session = host.connect((m) => replies.push(m));
    await session.handle(JSON.stringify({ id: 1, method: 'runs.list' }));
    await session.handle(JSON.stringify({ id: 2, method: 'documents.list' }));
    for (const r of replies) {
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'unavailable', message: expect.stringContaining(folder) },
      });
    }
    await host.close();
    await runs.close();

    const h = setup();
    const c = h.client();
    await c.ok('documents.save', { document: addDocument }); // the file exists: the run service must open it
    await h.runs.close();
    expect((await c.error('runs.list')).code).toBe('conflict'); // the service is closed: a state, not a fault
    h.documents.close();
    expect(await c.error('documents.list')).toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('closed'),
    });
  });
});

describe('catalog.kinds', () => {
  it('describes every kind with its config schema as JSON Schema and whether it runs code', async () => {
    const c = setup().client();
    const { kinds } = (await c.ok('catalog.kinds')) as {
      kinds: {
        kind: string;
        description: string;
        configSchema: Record<string, unknown>;
        runsCode: boolean;
      }[];
    };
    expect(kinds.map((k) => k.kind)).toEqual(catalog.kinds().map((k) => k.kind));
    for (const k of kinds) {
      expect(k.description.length).toBeGreaterThan(0);
      expect(k.configSchema).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
      });
      expect(k.runsCode).toBe(k.kind === 'script' || k.kind === 'shell');
    }
    const delay = kinds.find((k) => k.kind === 'delay');
    expect(delay?.configSchema).toMatchObject({ required: ['ms'], properties: { ms: { type: 'integer' } } });
  });
});

describe('sessions', () => {
  it('answers requests given as parsed values (IPC) and as bytes (a ws Buffer)', async () => {
    const c = setup().client();
    expect(await c.raw({ id: 1, method: 'documents.list', params: {} })).toEqual({
      id: 1,
      ok: true,
      result: { documents: [] },
    });
    expect(await c.raw(Buffer.from(JSON.stringify({ id: 2, method: 'documents.list' })))).toMatchObject({
      id: 2,
      ok: true,
    });
    expect(
      await c.raw(new TextEncoder().encode(JSON.stringify({ id: 3, method: 'catalog.kinds' }))),
    ).toMatchObject({
      id: 3,
      ok: true,
    });
  });

  it('sends plain JSON data only', async () => {
    const h = setup();
    const sent: (Response | EventsMessage)[] = [];
    const session = h.host.connect((m) => sent.push(m));
    await session.handle(
      JSON.stringify({ id: 1, method: 'runs.start', params: { document: failingDocument } }),
    );
    const start = sent[0] as Response & { ok: true; result: { runId: string } };
    await h.runs.wait(start.result.runId);
    await sleep(40);
    await session.handle(
      JSON.stringify({ id: 2, method: 'runs.detail', params: { runId: start.result.runId } }),
    );
    await session.handle(JSON.stringify({ id: 3, method: 'catalog.kinds' }));
    for (const m of sent) expect(JSON.parse(JSON.stringify(m))).toStrictEqual(m);
    expect(
      sent
        .filter((m) => 'type' in m)
        .flatMap((m) => m.events)
        .at(-1),
    ).toMatchObject({
      type: 'end',
    });
  });

  it('stops sending when a session closes; the run goes on for the others', async () => {
    const h = setup();
    const a = h.client();
    const b = h.client();
    const { runId } = (await a.ok('runs.start', { document: slowDocument })) as { runId: string };
    await b.ok('runs.subscribe', { runId });
    await sleep(30);
    a.session.close();
    a.session.close();
    const count = a.messages.length;
    await a.session.handle(JSON.stringify({ id: 99, method: 'documents.list' }));
    expect((await b.ended(runId)).at(-1)).toMatchObject({ type: 'end', state: 'SUCCESS' });
    await sleep(30);
    expect(a.messages).toHaveLength(count);
  });

  it('survives a send that throws, logging it', async () => {
    const h = setup();
    const session = h.host.connect(() => {
      throw new Error('socket closed');
    });
    await expect(
      session.handle(JSON.stringify({ id: 1, method: 'documents.list' })),
    ).resolves.toBeUndefined();
    await expect(session.handle('not json')).resolves.toBeUndefined();
    expect(h.logged.map((l) => l.message)).toEqual([
      'sending a message to a front end failed',
      'sending a message to a front end failed',
    ]);
  });

  it('on host close: sessions end, later sessions get nothing, the services stay open', async () => {
    const h = setup();
    const c = h.client();
    const { runId } = (await c.ok('runs.start', { document: slowDocument })) as { runId: string };
    await h.host.close();
    const count = c.messages.length;
    await c.session.handle(JSON.stringify({ id: 5, method: 'documents.list' }));
    const late: Message[] = [];
    const session = h.host.connect((m) => late.push(m));
    await session.handle(JSON.stringify({ id: 6, method: 'documents.list' }));
    expect(late).toEqual([]);
    expect((await h.runs.wait(runId)).state).toBe('SUCCESS');
    expect(c.messages).toHaveLength(count);
    expect(h.documents.list()).toEqual([]);
  });
});
