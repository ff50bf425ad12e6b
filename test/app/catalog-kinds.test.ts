/**
 * The catalog, and the simple kinds (noop, value, delay, fail) run through a
 * real engine.
 */
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../../app/document/index.js';
import { catalog, createTask, IntendedFailure, type TaskKind } from '../../app/catalog/index.js';
import { load, run, type ProgressEvent } from '../../engine/index.js';
import { documentOf, resultAt, runDocument, runNodes, statesOf } from './catalog-support.js';

describe('the catalog', () => {
  it('has the seven kinds in palette order, each with a one-line description and a config schema', () => {
    const kinds = catalog.kinds();
    expect(kinds.map((k: TaskKind) => k.kind)).toEqual([
      'noop',
      'value',
      'delay',
      'fail',
      'script',
      'shell',
      'http',
    ]);
    for (const k of kinds) {
      expect(k.description).toMatch(/^[^\n]{10,120}$/);
      expect(typeof k.execute).toBe('function');
      expect(k.configSchema.safeParse(null).success).toBe(false);
    }
    expect(catalog.get('shell')?.kind).toBe('shell');
    expect(catalog.get('teleport')).toBeUndefined();
  });

  it('config schemas fill in defaults and refuse unknown fields', () => {
    expect(catalog.get('script')!.configSchema.parse({ code: 'return 1' })).toEqual({
      code: 'return 1',
      timeoutMs: 5000,
    });
    expect(catalog.get('shell')!.configSchema.parse({ command: 'ls' })).toEqual({
      command: 'ls',
      args: [],
      shell: false,
      timeoutMs: 60_000,
    });
    expect(catalog.get('http')!.configSchema.parse({ url: 'http://127.0.0.1/' })).toEqual({
      url: 'http://127.0.0.1/',
      method: 'GET',
      timeoutMs: 30_000,
    });
    expect(catalog.get('delay')!.configSchema.safeParse({ ms: 1, extra: 1 }).success).toBe(false);
  });

  it('createTask refuses an unknown kind or a bad config, naming the task', () => {
    expect(() => createTask({ type: 'task', name: 't', kind: 'teleport' } as never)).toThrow(
      "Task 't' has an unknown kind 'teleport' (known kinds: noop, value, delay, fail, script, shell, http)",
    );
    expect(() => createTask({ type: 'task', name: 't', kind: 'delay', config: { ms: -1 } })).toThrow(
      "Task 't' has a bad config.ms",
    );
  });

  it('script tasks can be rebuilt in a pool process; the others run in the host', () => {
    const node = {
      type: 'task',
      name: 's',
      kind: 'script',
      config: { code: 'return 1', timeoutMs: 200 },
    } as const;
    const s = createTask(node);
    expect(s.ref).toEqual({
      module: expect.stringMatching(/app\/catalog\/task\.ts$/),
      export: 'createTask',
      args: [node],
    });
    expect(s.timeoutMs).toBe(1200);
    expect(
      createTask({ type: 'task', name: 'sh', kind: 'shell', config: { command: 'true' } }).ref,
    ).toBeUndefined();
  });
});

describe('noop and value', () => {
  it('noop does nothing; value provides its configured value (a copy)', async () => {
    const config = { value: { list: [1, 2], nested: { ok: true } } };
    const r = await runNodes([
      { type: 'task', name: 'nothing', kind: 'noop', provides: 'none' },
      { type: 'task', name: 'v', kind: 'value', config, provides: 'data' },
      { type: 'task', name: 'parts', kind: 'value', config: { value: [7, 'x'] }, provides: ['seven', 'ex'] },
    ]);
    expect(r.values).toEqual({ none: undefined, data: config.value, seven: 7, ex: 'x' });
    expect(r.values!.data).not.toBe(config.value);
  });
});

describe('delay', () => {
  it('waits and reports progress from 0 to 1', async () => {
    const r = await runNodes([{ type: 'task', name: 'wait', kind: 'delay', config: { ms: 30 } }]);
    expect(r.error).toBeUndefined();
    const progress = r.events
      .filter((e): e is ProgressEvent => e.type === 'progress' && e.name === 'wait')
      .map((e) => e.progress);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    // The engine reports 0 and 1 itself; the task adds its own 0 at the start and 1 at the end (and more between).
    expect(progress.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(statesOf(r.events, 'wait')).toEqual(['RUNNING', 'SUCCESS']);
  });
});

describe('fail', () => {
  it('without failTimes it always fails with its message, and what ran before is reverted', async () => {
    const r = await runNodes([
      { type: 'task', name: 'first', kind: 'value', config: { value: 1 } },
      { type: 'task', name: 'boom', kind: 'fail', config: { message: 'deploy refused' } },
    ]);
    expect(r.error).toBeInstanceOf(IntendedFailure);
    expect(r.error!.message).toBe('deploy refused');
    expect(statesOf(r.events, 'first')).toEqual(['RUNNING', 'SUCCESS', 'REVERTING', 'REVERTED']);
    expect(statesOf(r.events, 'boom')).toEqual(['RUNNING', 'FAILURE', 'REVERTING', 'REVERTED']);
  });

  it('fails its first failTimes executions, then succeeds with the execution number (a retry shows it)', async () => {
    const doc = documentOf(
      [{ type: 'task', name: 'flaky', kind: 'fail', config: { failTimes: 2 }, provides: 'attempt' }],
      undefined,
      { type: 'times', attempts: 3 },
    );
    const r = await runDocument(doc);
    expect(r.values).toEqual({ attempt: 3 });
    expect(statesOf(r.events, 'flaky').filter((s) => s === 'FAILURE')).toHaveLength(2);
    expect(resultAt(r.events, 'flaky', 'SUCCESS')).toBe(3);
  });

  it('counts executions in its run: retries count, a new run starts again at 1', async () => {
    const node = {
      type: 'task',
      name: 'flaky',
      kind: 'fail',
      config: { failTimes: 1 },
      provides: 'n',
    } as const;
    const flow = buildFlow(documentOf([node]));
    await expect(run(flow)).rejects.toThrow('Failed on purpose');
    // Another run of the same built flow is a new run: its first execution fails again.
    await expect(run(flow)).rejects.toThrow('Failed on purpose');
    // Within one run a retry is the second execution, which succeeds.
    const retried = buildFlow(documentOf([node], undefined, { type: 'times', attempts: 2 }));
    expect(await run(retried)).toMatchObject({ n: 2 });
    await expect(load(buildFlow(documentOf([node]))).run()).rejects.toThrow('Failed on purpose');
  });
});
