/**
 * Conformance, section E: argument passing and atom construction
 * (`taskflow-scenarios.md` §E, S81–S85). Each test is named by its scenario id.
 *
 * TaskFlow finds an atom's parameters by introspecting the signature of
 * `execute`/`revert`; Atomflow has no introspection: an atom declares them
 * (`requires`, `optional`, `revertRequires`, `revertOptional`, `extraArgs` for
 * `**kwargs`). In TaskFlow an explicit `requires=` *adds* to the signature's
 * parameters; the shared fixtures take `requires` as the whole declared list,
 * so where a scenario passes extra `requires` to a fixture, the translation
 * below spells out the union (signature parameters + extra ones).
 */
import { describe, expect, it } from 'vitest';
import {
  ExecutionFailure,
  MissingDependencies,
  Task,
  ValueError,
  type AtomOptions,
  type Values,
} from '../../engine/index.js';
import { captureTasks, raisedMatches, runExpectingError } from '../support/capture.js';
import { enginesFor } from '../support/engines.js';
import {
  LongArgNameTask,
  TaskMultiArg,
  TaskMultiArgOneReturn,
  TaskMultiDict,
  TaskMultiReturn,
  TaskOneArg,
  TaskOneReturn,
  TaskRevertExtraArgs,
} from '../support/fixtures.js';

// ----------------------------------------------------------------- helpers

const set = (xs: Iterable<string>): Set<string> => new Set(xs);

function toList(v: string | readonly string[] | undefined): string[] {
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : [...v];
}

/** TaskFlow's "signature parameters, then the explicit `requires`" (deduplicated, in order). */
function amend(declared: readonly string[], extra: string | readonly string[] | undefined): string[] {
  return [...new Set([...declared, ...toList(extra)])];
}

/** `execute(self, context, spam, eggs)` */
class MyTask extends Task {
  constructor(options: AtomOptions = {}) {
    super({ ...options, requires: amend(['context', 'spam', 'eggs'], options.requires) });
  }
  execute(): unknown {
    return undefined;
  }
}

/** `execute(self, spam, **kwargs)` */
class KwargsTask extends Task {
  constructor(options: AtomOptions = {}) {
    super({ ...options, requires: amend(['spam'], options.requires), extraArgs: true });
  }
  execute(): unknown {
    return undefined;
  }
}

/** `execute(self, spam, eggs=())` */
class DefaultArgTask extends Task {
  constructor(options: AtomOptions = {}) {
    super({ optional: { eggs: [] }, ...options, requires: amend(['spam'], options.requires) });
  }
  execute(): unknown {
    return undefined;
  }
}

/** `default_provides = 'def'`, `execute(self)` */
class DefaultProvidesTask extends Task {
  constructor(options: AtomOptions = {}) {
    super({ provides: 'def', ...options });
  }
  execute(): unknown {
    return undefined;
  }
}

/** `execute(self, execute_arg)`, `revert(self, revert_arg, result, flow_failures)` */
class SeparateRevertTask extends Task {
  constructor(options: AtomOptions = {}) {
    super({
      ...options,
      requires: amend(['execute_arg'], options.requires),
      revertRequires: amend(['revert_arg'], options.revertRequires),
    });
  }
  execute(): unknown {
    return undefined;
  }
}

/** `execute(self, execute_arg=None)`, `revert(self, result, flow_failures, revert_arg=None)` */
class SeparateRevertOptionalTask extends Task {
  constructor(options: AtomOptions = {}) {
    super({ optional: { execute_arg: null }, revertOptional: { revert_arg: null }, ...options });
  }
  execute(): unknown {
    return undefined;
  }
}

/** `execute(self, execute_arg1, execute_arg2)`, `revert(self, execute_arg1, *args, **kwargs)` */
class RevertKwargsTask extends Task {
  constructor(options: AtomOptions = {}) {
    super({ ...options, requires: ['execute_arg1', 'execute_arg2'], revertRequires: ['execute_arg1'] });
  }
  execute(): unknown {
    return undefined;
  }
}

/** Python's `object()`: an instance of a class that is neither a name, a list nor a map. */
class Arbitrary {}

// ----------------------------------------------------------------- S81, S84, S85 (run engines)

describe.each(enginesFor('SPW'))('$name engine', (eng) => {
  const loadIt = (flow: unknown) => eng.load(flow, { backend: eng.backend() });

  describe('S81 the four provides shapes', () => {
    it('S81a provides a name: the whole result', async () => {
      const engine = loadIt(new TaskOneReturn('task1', { provides: 'first_data' }));
      await engine.run();
      expect(engine.storage.fetchAll()).toEqual({ first_data: 1 });
    });

    it('S81b provides a name for a tuple result: the whole tuple', async () => {
      const engine = loadIt(new TaskMultiReturn('task1', { provides: 'all_data' }));
      await engine.run();
      expect(engine.storage.fetchAll()).toEqual({ all_data: [1, 3, 5] });
    });

    it('S81c provides a list: the result by position', async () => {
      const engine = loadIt(new TaskMultiReturn('task1', { provides: ['badger', 'mushroom', 'snake'] }));
      await engine.run();
      expect(engine.storage.fetchAll()).toEqual({ badger: 1, mushroom: 3, snake: 5 });
    });

    it('S81d provides a set (our map symbol→key): the result by key', async () => {
      const engine = loadIt(new TaskMultiDict('task1', ['badger', 'mushroom', 'snake']));
      await engine.run();
      expect(engine.storage.fetchAll()).toEqual({ badger: 0, mushroom: 1, snake: 2 });
    });
  });

  describe('S84 passing, rebinding and injecting arguments at run time', () => {
    it('S84a arguments from flow-level injected values', async () => {
      const engine = loadIt(new TaskMultiArgOneReturn('task', { provides: 'result' }));
      engine.storage.inject({ x: 1, y: 4, z: 9, a: 17 });
      await engine.run();
      expect(engine.storage.fetchAll()).toEqual({ x: 1, y: 4, z: 9, a: 17, result: 14 });
    });

    it('S84b partial map rebind', async () => {
      const engine = loadIt(new TaskMultiArgOneReturn('task', { provides: 'result', rebind: { x: 'a' } }));
      engine.storage.inject({ x: 1, y: 4, z: 9, a: 17 });
      await engine.run();
      expect(engine.storage.fetchAll()).toEqual({ x: 1, y: 4, z: 9, a: 17, result: 30 });
    });

    it('S84c atom inject alone', async () => {
      const engine = loadIt(
        new TaskMultiArgOneReturn('task', { provides: 'result', inject: { x: 1, y: 4, z: 9 } }),
      );
      await engine.run();
      expect(engine.storage.fetchAll()).toEqual({ result: 14 });
    });

    it('S84d list rebind satisfied by atom inject', async () => {
      const engine = loadIt(
        new TaskMultiArgOneReturn('task', {
          provides: 'result',
          rebind: ['a', 'b', 'c'],
          inject: { a: 1, b: 4, c: 9 },
        }),
      );
      await engine.run();
      expect(engine.storage.fetchAll()).toEqual({ result: 14 });
    });

    it('S84e extra requires satisfied by atom inject', async () => {
      // TaskFlow: requires=['a','b','c'] added to execute(x, y, z).
      const engine = loadIt(
        new TaskMultiArgOneReturn('task', {
          provides: 'result',
          requires: ['x', 'y', 'z', 'a', 'b', 'c'],
          inject: { x: 1, y: 4, z: 9, a: 0, b: 0, c: 0 },
        }),
      );
      await engine.run();
      expect(engine.storage.fetchAll()).toEqual({ result: 14 });
    });

    it('S84f full list rebind', async () => {
      const engine = loadIt(
        new TaskMultiArgOneReturn('task', { provides: 'result', rebind: ['a', 'b', 'c'] }),
      );
      engine.storage.inject({ a: 1, b: 2, c: 3, x: 4, y: 5, z: 6 });
      await engine.run();
      expect(engine.storage.fetchAll()).toEqual({ a: 1, b: 2, c: 3, x: 4, y: 5, z: 6, result: 6 });
    });

    it('S84g long argument name', async () => {
      const engine = loadIt(new LongArgNameTask('task', { requires: 'long_arg_name', provides: 'result' }));
      engine.storage.inject({ long_arg_name: 1 });
      await engine.run();
      expect(engine.storage.fetchAll()).toEqual({ long_arg_name: 1, result: 1 });
    });
  });

  describe('S85 missing arguments are rejected before running', () => {
    /** Runs, expects MissingDependencies naming `missing`, and checks no task ran. */
    async function expectMissing(flow: Task, store: Values, missing: readonly string[]): Promise<void> {
      const engine = loadIt(flow);
      engine.storage.inject(store);
      const tasks = captureTasks(engine);
      const err = await runExpectingError(engine);
      expect(err).toBeInstanceOf(MissingDependencies);
      // Not in the catalogue (it only says MissingDependencies): the names our engine reports.
      expect([...(err as MissingDependencies).missingRequirements].sort()).toEqual([...missing].sort());
      expect(tasks.values).toEqual([]);
    }

    it('S85a required argument absent', async () => {
      await expectMissing(new TaskMultiArg('task'), { a: 1, b: 4, x: 17 }, ['y', 'z']);
    });

    it('S85b map rebind to an absent symbol', async () => {
      await expectMissing(new TaskMultiArg('task', { rebind: { z: 'b' } }), { a: 1, y: 4, c: 9, x: 17 }, [
        'b',
      ]);
    });

    it('S85c list rebind to an absent symbol', async () => {
      await expectMissing(
        new TaskMultiArg('task', { rebind: ['a', 'z', 'b'] }),
        { a: 1, b: 4, c: 9, x: 17 },
        ['z'],
      );
    });

    it('S85d revert rebind to an absent symbol', async () => {
      // z is missing for execute too (the store has no z); revert also needs b.
      await expectMissing(
        new TaskMultiArg('task', { revertRebind: { z: 'b' } }),
        { a: 1, y: 4, c: 9, x: 17 },
        ['b', 'z'],
      );
    });

    it('S85e revert requires an absent symbol', async () => {
      await expectMissing(new TaskMultiArg('task', { revertRequires: ['a'] }), { y: 4, z: 9, x: 17 }, ['a']);
    });

    it('S85f revert-only argument: missing, then supplied', async () => {
      const engine = loadIt(new TaskRevertExtraArgs('task'));
      engine.storage.inject({ y: 4, z: 9, x: 17 });
      const first = await runExpectingError(engine);
      expect(first).toBeInstanceOf(MissingDependencies);
      expect((first as MissingDependencies).missingRequirements).toEqual(['revert_arg']);
      engine.storage.inject({ revert_arg: null });
      const second = await runExpectingError(engine);
      expect(raisedMatches(second, 'ExecutionFailure')).toBe(true);
      if (!(second instanceof Error && second.name === 'WrappedFailure'))
        expect(second).toBeInstanceOf(ExecutionFailure);
      expect(engine.storage.getAtomState('task')).toBe('REVERTED');
    });
  });
});

// ----------------------------------------------------------------- S82 (construction)

describe('S82 invalid constructor arguments', () => {
  // Python's object() is neither a str, a sequence nor a set. JS primitives and
  // functions are the obvious non-shapes; an instance of an unrelated class is
  // the closest analogue of object() (a plain object is our map form).
  const arbitrary: readonly (readonly [string, unknown])[] = [
    ['a number', 42],
    ['a boolean', true],
    ['a symbol', Symbol('x')],
    ['a function', () => 1],
    ['an instance of an arbitrary class', new Arbitrary()],
  ];

  it.each(arbitrary)('S82a provides=%s → TypeError "Atom provides"', (_what, bad) => {
    expect(() => new TaskOneReturn('task1', { provides: bad as never })).toThrow(TypeError);
    expect(() => new TaskOneReturn('task1', { provides: bad as never })).toThrow(/^Atom provides/);
    expect(() => new MyTask({ provides: bad as never })).toThrow(/^Atom provides/);
  });

  it.each(arbitrary)('S82b rebind=%s → TypeError "Invalid rebind value"', (_what, bad) => {
    expect(() => new TaskOneArg('task1', { rebind: bad as never })).toThrow(TypeError);
    expect(() => new TaskOneArg('task1', { rebind: bad as never })).toThrow(/^Invalid rebind value/);
    expect(() => new MyTask({ rebind: bad as never })).toThrow(/^Invalid rebind value/);
  });

  it('S82c map rebind of an unknown parameter → ValueError "Extra arguments"', () => {
    expect(() => new MyTask({ rebind: { foo: 'bar' } })).toThrow(ValueError);
    expect(() => new MyTask({ rebind: { foo: 'bar' } })).toThrow(/^Extra arguments/);
  });

  it('S82d list rebind longer than the parameters → ValueError "Extra arguments"', () => {
    expect(() => new MyTask({ rebind: ['a', 'b', 'c', 'd'] })).toThrow(ValueError);
    expect(() => new MyTask({ rebind: ['a', 'b', 'c', 'd'] })).toThrow(/^Extra arguments/);
  });

  // S82 `auto_extract=False, requires=('spam','eggs')` → ValueError 'Missing arguments':
  // no equivalent. Atomflow has no signature introspection and no `auto_extract`;
  // the declared `requires` *are* the parameters, so a parameter cannot be left
  // unmapped.
});

// ----------------------------------------------------------------- S83 (construction)

describe('S83 mapping tables (construction only)', () => {
  it('S83a MyTask() maps every parameter to itself', () => {
    const t = new MyTask();
    expect(t.rebind).toEqual({ spam: 'spam', eggs: 'eggs', context: 'context' });
    expect(set(t.requires)).toEqual(set(['spam', 'eggs', 'context']));
    expect(t.optional).toEqual([]);
  });

  it('S83b MyTask(requires=(spam, eggs)) is the same (requires amends the parameters)', () => {
    const t = new MyTask({ requires: ['spam', 'eggs'] });
    expect(t.rebind).toEqual({ spam: 'spam', eggs: 'eggs', context: 'context' });
    expect(set(t.requires)).toEqual(set(['spam', 'eggs', 'context']));
  });

  // S83 `MyTask(auto_extract=False, requires=('spam','eggs','context'))`: no
  // equivalent (no auto_extract); it is what every Atomflow atom already is, a
  // task whose parameters are exactly its declared `requires` — S83a.

  it('S83c DefaultArgTask(): a parameter with a default is optional', () => {
    const t = new DefaultArgTask();
    expect(t.rebind).toEqual({ spam: 'spam', eggs: 'eggs' });
    expect(set(t.requires)).toEqual(set(['spam']));
    expect(set(t.optional)).toEqual(set(['eggs']));
  });

  it('S83d DefaultArgTask(requires=(spam, eggs)) makes the optional parameter required', () => {
    const t = new DefaultArgTask({ requires: ['spam', 'eggs'] });
    expect(set(t.requires)).toEqual(set(['spam', 'eggs']));
    expect(set(t.optional)).toEqual(set([]));
  });

  it('S83e map rebind of every parameter', () => {
    const t = new MyTask({ rebind: { spam: 'a', eggs: 'b', context: 'c' } });
    expect(t.rebind).toEqual({ spam: 'a', eggs: 'b', context: 'c' });
    expect(set(t.requires)).toEqual(set(['a', 'b', 'c']));
  });

  it('S83f map rebind of some parameters', () => {
    const t = new MyTask({ rebind: { spam: 'a', eggs: 'b' } });
    expect(t.rebind).toEqual({ spam: 'a', eggs: 'b', context: 'context' });
    expect(set(t.requires)).toEqual(set(['a', 'b', 'context']));
  });

  it('S83g map rebind of an unknown parameter reaches **kwargs', () => {
    const t = new KwargsTask({ rebind: { foo: 'bar' } });
    expect(t.rebind).toEqual({ foo: 'bar', spam: 'spam' });
  });

  it('S83h list rebind of every parameter (in declaration order)', () => {
    const t = new MyTask({ rebind: ['a', 'b', 'c'] });
    expect(t.rebind).toEqual({ context: 'a', spam: 'b', eggs: 'c' });
    expect(set(t.requires)).toEqual(set(['a', 'b', 'c']));
  });

  it('S83i list rebind of the first parameters', () => {
    const t = new MyTask({ rebind: ['a', 'b'] });
    expect(t.rebind).toEqual({ context: 'a', spam: 'b', eggs: 'eggs' });
    expect(set(t.requires)).toEqual(set(['a', 'b', 'eggs']));
  });

  it('S83j list rebind longer than the parameters reaches **kwargs as identity entries', () => {
    const t = new KwargsTask({ rebind: ['a', 'b', 'c'] });
    expect(t.rebind).toEqual({ spam: 'a', b: 'b', c: 'c' });
    expect(set(t.requires)).toEqual(set(['a', 'b', 'c']));
  });

  it('S83k provides shapes → saveAs', () => {
    expect(new MyTask().saveAs).toEqual(new Map());
    expect(new MyTask({ provides: 'food' }).saveAs).toEqual(new Map([['food', null]]));
    expect(new MyTask({ provides: ['food', 'water'] }).saveAs).toEqual(
      new Map([
        ['food', 0],
        ['water', 1],
      ]),
    );
    expect(new MyTask({ provides: ['food'] }).saveAs).toEqual(new Map([['food', 0]]));
  });

  it('S83l class default provides, and overriding it', () => {
    const d = new DefaultProvidesTask();
    expect(set(d.provides)).toEqual(set(['def']));
    expect(d.saveAs).toEqual(new Map([['def', null]]));
    const o = new DefaultProvidesTask({ provides: ['spam', 'eggs'] });
    expect(set(o.provides)).toEqual(set(['spam', 'eggs']));
    expect(o.saveAs).toEqual(
      new Map([
        ['spam', 0],
        ['eggs', 1],
      ]),
    );
  });

  it('S83m separate revert parameters: rebind and revertRebind', () => {
    const t = new SeparateRevertTask({ rebind: ['a'], revertRebind: ['b'] });
    expect(t.rebind).toEqual({ execute_arg: 'a' });
    expect(t.revertRebind).toEqual({ revert_arg: 'b' });
    expect(set(t.requires)).toEqual(set(['a', 'b']));
  });

  it('S83n separate revert parameters: requires and revertRequires', () => {
    const t = new SeparateRevertTask({ requires: 'execute_arg', revertRequires: 'revert_arg' });
    expect(t.rebind).toEqual({ execute_arg: 'execute_arg' });
    expect(t.revertRebind).toEqual({ revert_arg: 'revert_arg' });
    expect(set(t.requires)).toEqual(set(['execute_arg', 'revert_arg']));
  });

  it('S83o separate optional parameters of execute and revert', () => {
    const t = new SeparateRevertOptionalTask();
    // TaskFlow's `optional` / `revert_optional` are the two mappings' optional symbols.
    expect(set(t.executeMapping.optional)).toEqual(set(['execute_arg']));
    expect(set(t.revertMapping.optional)).toEqual(set(['revert_arg']));
    // Ours (deliberate): `atom.optional` is the union of both, minus what is required.
    expect(set(t.optional)).toEqual(set(['execute_arg', 'revert_arg']));
  });

  it('S83p revert with fewer parameters than execute', () => {
    const t = new RevertKwargsTask();
    expect(t.rebind).toEqual({ execute_arg1: 'execute_arg1', execute_arg2: 'execute_arg2' });
    expect(t.revertRebind).toEqual({ execute_arg1: 'execute_arg1' });
    expect(set(t.requires)).toEqual(set(['execute_arg1', 'execute_arg2']));
  });

  it('S83q names and string form', () => {
    expect(new MyTask({ name: 'my name' }).name).toBe('my name');
    // TaskFlow: '<module>.MyTask'. Ours (deliberate): the class name alone.
    expect(new MyTask().name).toBe('MyTask');
    expect(String(new MyTask({ name: 'my' }))).toBe('"my==1.0"');
  });
});
