/**
 * What the engine does beyond the TaskFlow scenarios: async task code, the run
 * lock, engine choice, closing an iteration early, resuming from a copy of the
 * persisted run (as another process would), and misbehaving listeners.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import {
  ExecutionFailure,
  MemoryBackend,
  NotFound,
  WrappedFailure,
  linear,
  load,
  run,
  states,
  task,
  unordered,
  CaptureListener,
} from '../../engine/index.js';

class RuntimeError extends Error {}

describe('async task code on the serial engine', () => {
  it('awaits each task; a batch runs one task at a time; results flow on', async () => {
    let active = 0;
    let maxActive = 0;
    const slow = (name: string, provides?: string) =>
      task({
        name,
        provides,
        execute: async () => {
          active++;
          maxActive = Math.max(maxActive, active);
          await sleep(5);
          active--;
          return name;
        },
      });
    const flow = linear('f').add(
      unordered('u').add(slow('a', 'x'), slow('b'), slow('c')),
      task({ name: 'd', requires: ['x'], provides: 'y', execute: async ({ x }) => `${String(x)}!` }),
    );
    expect(await run(flow)).toEqual({ x: 'a', y: 'a!' });
    expect(maxActive).toBe(1);
  });

  it('a rejected promise is a failure: earlier tasks are reverted, the error is raised', async () => {
    const reverted: string[] = [];
    const flow = linear('f').add(
      task({ name: 'a', execute: async () => 1, revert: async () => void reverted.push('a') }),
      task({
        name: 'b',
        execute: async () => {
          await sleep(1);
          throw new RuntimeError('async boom');
        },
      }),
    );
    const engine = load(flow);
    await expect(engine.run()).rejects.toThrow(new RuntimeError('async boom'));
    expect(reverted).toEqual(['a']);
    expect(engine.storage.getFlowState()).toBe(states.REVERTED);
  });
});

describe('engine lifecycle', () => {
  it('refuses a second run while one is in progress', async () => {
    const engine = load(linear('f').add(task({ name: 'a', execute: () => sleep(20) })));
    const first = engine.run();
    await expect(engine.run()).rejects.toThrow(ExecutionFailure);
    await first;
    expect(engine.storage.getFlowState()).toBe(states.SUCCESS);
  });

  it('says clearly which engines exist', () => {
    const flow = linear('f');
    expect(() => load(flow, { engine: 'parallel' })).not.toThrow();
    // Loading connects to nothing: the broker is reached when the run starts.
    expect(() => load(flow, { engine: 'worker-based', url: 'amqp://127.0.0.1:1' })).not.toThrow();
    expect(() => load(flow, { engine: 'parallel', executor: 'threads' as 'async' })).toThrow(NotFound);
    expect(() => load(flow, { engine: 'quantum' as 'serial' })).toThrow(NotFound);
    expect(() => load(flow, { engine: 'default' })).not.toThrow();
  });

  it('closing the iteration early suspends the run; a later run finishes it', async () => {
    const ran: string[] = [];
    const mk = (name: string) => task({ name, execute: () => void ran.push(name) });
    const engine = load(linear('f').add(mk('a'), mk('b'), mk('c')));
    for await (const state of engine.runIter()) {
      if (state === states.ANALYZING) break;
    }
    expect(engine.storage.getFlowState()).toBe(states.SUSPENDED);
    expect(ran).toEqual(['a']);
    await engine.run();
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('records statistics of the last run', async () => {
    const engine = load(
      linear('f').add(task({ name: 'a', execute: () => 1 }), task({ name: 'b', execute: () => 2 })),
    );
    await engine.run();
    expect(engine.statistics.completed).toBe(2);
    expect(engine.statistics.discardedFailures).toBe(0);
    expect(engine.statistics.activeForMs).toBeGreaterThanOrEqual(0);
  });
});

describe('resuming from the persisted copy, as a new process would', () => {
  it('suspended in one engine, finished by another built from the backend', async () => {
    const backend = new MemoryBackend();
    const ran: string[] = [];
    const build = () =>
      linear('f').add(
        task({ name: 'a', provides: 'x', execute: () => (ran.push('a'), 41) }),
        task({
          name: 'b',
          requires: ['x'],
          provides: 'y',
          execute: ({ x }) => (ran.push('b'), Number(x) + 1),
        }),
      );
    const first = load(build(), { backend, store: { unused: true } });
    first.notifier.on('atom', (e) => {
      if (e.name === 'a' && e.state === states.SUCCESS) first.suspend();
    });
    await first.run();
    expect(first.storage.getFlowState()).toBe(states.SUSPENDED);

    const copy = backend.getFlowDetail(first.flowDetail.uuid);
    expect(copy).not.toBe(first.flowDetail);
    expect(copy.state).toBe(states.SUSPENDED);
    const second = load(build(), { backend, flowDetail: copy });
    await second.run();
    expect(ran).toEqual(['a', 'b']);
    expect(second.storage.fetchAll()).toEqual({ unused: true, x: 41, y: 42 });
    expect(backend.getFlowDetail(copy.uuid).state).toBe(states.SUCCESS);
  });

  it('a failure read back from the store is raised as a WrappedFailure holding it', async () => {
    const backend = new MemoryBackend();
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
    const first = load(build(), { backend });
    first.notifier.on('atom', (e) => {
      if (e.name === 'b' && e.state === states.REVERTED) first.suspend();
    });
    await first.run();
    expect(first.storage.getFlowState()).toBe(states.SUSPENDED);
    const second = load(build(), { backend, flowDetail: backend.getFlowDetail(first.flowDetail.uuid) });
    const err = await second.run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrappedFailure);
    expect(String(err)).toBe('WrappedFailure: [Failure: RuntimeError: Woot!]');
    expect(second.storage.getAtomState('a')).toBe(states.REVERTED);
  });
});

describe('listeners', () => {
  it('a throwing listener is reported and does not stop the run', async () => {
    const engine = load(linear('f').add(task({ name: 'a', execute: () => 1 })));
    const reported: unknown[] = [];
    engine.notifier.onListenerError = (e) => reported.push(e);
    engine.notifier.on('atom', () => {
      throw new Error('listener bug');
    });
    const cap = new CaptureListener(engine.notifier);
    await engine.run();
    expect(cap.values).toEqual(['f.f RUNNING', 'a.t RUNNING', 'a.t SUCCESS(1)', 'f.f SUCCESS']);
    expect(reported).toHaveLength(2);
  });

  it('progress events carry what the task reported; unsubscribing stops them', async () => {
    const engine = load(
      linear('f').add(
        task({
          name: 'a',
          execute: (_args, ctx) => {
            ctx.updateProgress(0.5, { step: 'half' });
            ctx.updateProgress(7);
          },
        }),
      ),
    );
    const seen: string[] = [];
    const off = engine.notifier.on('progress', (e) =>
      seen.push(`${e.name} ${e.progress} ${JSON.stringify(e.details)}`),
    );
    await engine.run();
    expect(seen).toEqual(['a 0 undefined', 'a 0.5 {"step":"half"}', 'a 1 undefined', 'a 1 undefined']);
    expect(engine.storage.getTaskProgress('a')).toBe(1);
    off();
    const spy = vi.fn();
    engine.notifier.on('flow', spy);
    expect(engine.notifier.size).toBe(1);
  });
});

describe('task output', () => {
  it('ctx.log reaches listeners and the run log, in order with the transitions', async () => {
    const backend = new MemoryBackend();
    const engine = load(
      linear('f').add(
        task({
          name: 'a',
          execute: (_args, ctx) => {
            ctx.log('hello');
            ctx.log('oops', 'stderr');
          },
        }),
      ),
      { backend },
    );
    const seen: string[] = [];
    engine.notifier.on('log', (e) => seen.push(`${e.name} ${e.stream} ${e.text}`));
    await engine.run();
    expect(seen).toEqual(['a stdout hello', 'a stderr oops']);
    const log = backend.getEvents(engine.flowDetail.uuid).map((r) => {
      const e = r.event;
      return e.type === 'log' ? `log ${e.text}` : e.type === 'atom' ? `${e.name} ${e.state}` : e.type;
    });
    expect(log).toEqual(['flow', 'a RUNNING', 'log hello', 'log oops', 'a SUCCESS', 'flow']);
  });
});
