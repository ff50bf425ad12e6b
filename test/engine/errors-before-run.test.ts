/**
 * Structural errors are found before any atom runs, and each names the atoms
 * and symbols involved.
 */
import { describe, expect, it } from 'vitest';
import {
  AmbiguousDependency,
  DependencyFailure,
  Duplicate,
  InvalidState,
  MissingDependencies,
  ValueError,
  graph,
  linear,
  load,
  task,
  unordered,
  type Task,
} from '../../engine/index.js';
import { NO_RESULT } from '../../engine/runtime/actions.js';

function recorder(): { ran: string[]; make: (name: string, opts?: object) => Task } {
  const ran: string[] = [];
  return {
    ran,
    make: (name, opts = {}) =>
      task({
        name,
        ...opts,
        execute: () => {
          ran.push(name);
          return name;
        },
      }),
  };
}

describe('errors found before anything runs', () => {
  it('a cycle names the atoms on it, and the graph is left as it was', () => {
    const { make } = recorder();
    const a = make('a', { provides: 'x', requires: ['z'] });
    const b = make('b', { provides: 'y', requires: ['x'] });
    const c = make('c', { provides: 'z', requires: ['y'] });
    const g = graph('g');
    expect(() => g.add(a, b, c)).toThrow(DependencyFailure);
    expect(() => g.add(a, b, c)).toThrow(/'a'.*'b'.*'c'/);
    expect(g.length).toBe(0);
    g.add(a, b);
    expect(() => g.link(b, a)).toThrow(/'b' -> 'a' would make a cycle/);
    expect(g.links()).toHaveLength(1);
  });

  it('an ambiguous provider names the consumer, the providers and the symbol', () => {
    const { make } = recorder();
    const g = graph('g').add(make('p1', { provides: 'x' }), make('p2', { provides: 'x' }));
    const err = (() => {
      try {
        g.add(make('c', { requires: ['x'] }));
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(AmbiguousDependency);
    expect(err?.message).toBe(
      "Resolution error detected when adding 'c', multiple providers ['p1', 'p2'] found for required symbol 'x'",
    );
  });

  it('duplicate names are found at compile, before any atom runs', async () => {
    const { ran, make } = recorder();
    const flow = linear('f').add(make('a'), unordered('u').add(make('a'), make('b')));
    const engine = load(flow);
    expect(() => {
      engine.compile();
    }).toThrow(Duplicate);
    await expect(load(flow).run()).rejects.toThrow("Atoms with duplicate names found: ['a']");
    expect(ran).toEqual([]);
  });

  it('missing inputs name every atom, method and symbol, before any atom runs', async () => {
    const { ran, make } = recorder();
    const flow = linear('f').add(
      make('a', { requires: ['x'] }),
      make('b', { requires: ['y', 'z'], provides: 'w' }),
    );
    const engine = load(flow, { store: { z: 1 } });
    const err = await engine.run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingDependencies);
    const m = err as MissingDependencies;
    expect(m.message).toBe("'f' requires ['x', 'y'] but no other entity produces said requirements");
    expect(m.missingRequirements).toEqual(['x', 'y']);
    const chain: string[] = [];
    for (let c: unknown = m.cause; c instanceof MissingDependencies; c = c.cause) chain.push(c.message);
    expect(chain).toEqual([
      "'execute' method on 'b' requires ['y'] but no other entity produces said requirements",
      "'execute' method on 'a' requires ['x'] but no other entity produces said requirements",
    ]);
    expect(ran).toEqual([]);
  });

  it('a link from or to a node outside the flow names the node', () => {
    const { make } = recorder();
    const a = make('a');
    const g = graph('g').add(a);
    expect(() => g.link(a, make('stranger'))).toThrow(new ValueError("Node 'stranger' not found to link to"));
  });

  it('an illegal atom transition during execution is a bug and throws InvalidState', () => {
    const { make } = recorder();
    const engine = load(linear('f').add(make('a')));
    engine.compile();
    engine.prepare();
    const node = engine.compilation.atom('a');
    expect(node).toBeDefined();
    // Reach into the runtime the way the scheduler does: PENDING -> SUCCESS skips RUNNING.
    const actions = (
      engine as unknown as { runtime: { actions: { changeTaskState: (...a: unknown[]) => void } } }
    ).runtime.actions;
    expect(() => {
      actions.changeTaskState(node, 'SUCCESS', 1, 5);
    }).toThrow(new InvalidState("Atom 'a' transition from 'PENDING' to 'SUCCESS' is not allowed"));
    expect(() => {
      actions.changeTaskState(node, 'RUNNING', 0, NO_RESULT);
    }).not.toThrow();
    expect(engine.storage.getAtomState('a')).toBe('RUNNING');
  });

  it('an illegal flow transition throws InvalidState', () => {
    const engine = load(linear('f'));
    engine.compile();
    engine.prepare();
    engine.storage.setFlowState('FAILURE');
    expect(() => {
      engine.reset();
    }).toThrow(new InvalidState("Flow transition from 'FAILURE' to 'PENDING' is not allowed"));
  });
});
