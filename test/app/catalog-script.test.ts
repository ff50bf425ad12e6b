/** `script` tasks run through a real engine: inputs, results, output, time limits, revert, pool processes. */
import { describe, expect, it } from 'vitest';
import { CodeTimeout } from '../../app/catalog/index.js';
import { Failure } from '../../engine/index.js';
import { logsOf, resultAt, runNodes, statesOf } from './catalog-support.js';

describe('script', () => {
  it('gets its inputs as variables and in args, by parameter name, and returns its result as plain data', async () => {
    const r = await runNodes(
      [
        {
          type: 'task',
          name: 'calc',
          kind: 'script',
          config: { code: 'return { sum: a + b, keys: Object.keys(args).sort(), when: new Date(0) }' },
          requires: ['a', 'b'],
          rebind: { b: 'y' },
          provides: 'out',
        },
      ],
      { a: 2, y: 40 },
    );
    expect(r.values!.out).toStrictEqual({ sum: 42, keys: ['a', 'b'], when: new Date(0) });
    // Copied out of the script's realm: an ordinary object of this one.
    expect(Object.getPrototypeOf(r.values!.out)).toBe(Object.prototype);
  });

  it('cannot change another task’s stored result through its inputs', async () => {
    const r = await runNodes([
      { type: 'task', name: 'list', kind: 'value', config: { value: [1] }, provides: 'list' },
      {
        type: 'task',
        name: 'mutate',
        kind: 'script',
        config: { code: 'list.push(2); return list.length' },
        requires: ['list'],
        provides: 'n',
      },
    ]);
    expect(r.values).toEqual({ list: [1], n: 2 });
  });

  it('has no host globals; console and progress() report as log and progress events', async () => {
    const r = await runNodes([
      {
        type: 'task',
        name: 'talk',
        kind: 'script',
        config: {
          code: [
            'console.log("hello", 1, { a: 1 });',
            'console.error("careful");',
            'progress(0.5);',
            'return [typeof process, typeof require, typeof setTimeout, typeof fetch].join(",");',
          ].join('\n'),
        },
        provides: 'globals',
      },
    ]);
    expect(r.values!.globals).toBe('undefined,undefined,undefined,undefined');
    expect(logsOf(r.events, 'talk')).toEqual(['stdout: hello 1 { a: 1 }', 'stderr: careful']);
    expect(r.events.some((e) => e.type === 'progress' && e.name === 'talk' && e.progress === 0.5)).toBe(true);
  });

  it('may be async: it awaits, and the result is what it resolves to', async () => {
    const r = await runNodes([
      {
        type: 'task',
        name: 'later',
        kind: 'script',
        config: { code: 'const parts = await Promise.all([1, 2].map(async (n) => n * 10)); return parts' },
        provides: 'parts',
      },
    ]);
    expect(r.values).toEqual({ parts: [10, 20] });
  });

  it('a thrown error fails the task with its own type and message', async () => {
    const r = await runNodes([{ type: 'task', name: 'bad', kind: 'script', config: { code: 'null.x' } }]);
    expect(r.error).toBeInstanceOf(TypeError);
    expect(r.error!.message).toMatch(/Cannot read properties of null/);
    const f = resultAt(r.events, 'bad', 'FAILURE') as Failure;
    expect(f).toBeInstanceOf(Failure);
    expect(f.excTypeNames[0]).toBe('TypeError');
  });

  it('the time limit stops a runaway loop, before or after an await', async () => {
    for (const code of ['while (true) {}', 'await null; for (;;) {}', 'for (;;) await null;']) {
      const r = await runNodes([
        { type: 'task', name: 'spin', kind: 'script', config: { code, timeoutMs: 50 } },
      ]);
      expect(r.error).toBeInstanceOf(CodeTimeout);
      expect(r.error!.message).toBe('spin.config.code ran longer than its time limit of 50 ms');
    }
  });

  it('awaiting something that never settles fails at once with a reason', async () => {
    const r = await runNodes([
      { type: 'task', name: 'stuck', kind: 'script', config: { code: 'await new Promise(() => {})' } },
    ]);
    expect(r.error!.message).toMatch(/^stuck\.config\.code is waiting on a promise that never settles/);
  });

  it('a result that cannot be stored is a failure', async () => {
    const r = await runNodes([
      { type: 'task', name: 'fn', kind: 'script', config: { code: 'return () => 1' } },
    ]);
    expect(r.error!.message).toMatch(/^fn\.config\.code returned a value that cannot be stored/);
  });

  it('revertCode runs on revert, with the inputs, the result and the failures', async () => {
    const r = await runNodes(
      [
        {
          type: 'task',
          name: 'book',
          kind: 'script',
          config: {
            code: 'return `room for ${guest}`',
            revertCode:
              'console.log(`cancel ${result} because ${flowFailures.pay.message}`); return "cancelled"',
          },
          requires: ['guest'],
          provides: 'booking',
        },
        {
          type: 'task',
          name: 'pay',
          kind: 'script',
          config: {
            code: 'throw new Error("card declined")',
            revertCode: 'return failure.type + ": " + failure.message',
          },
        },
      ],
      { guest: 'ada' },
    );
    expect(r.error!.message).toBe('card declined');
    expect(logsOf(r.events, 'book')).toEqual(['stdout: cancel room for ada because card declined']);
    expect(resultAt(r.events, 'book', 'REVERTED')).toBe('cancelled');
    expect(resultAt(r.events, 'pay', 'REVERTED')).toBe('Error: card declined');
    expect(statesOf(r.events, 'book')).toEqual(['RUNNING', 'SUCCESS', 'REVERTING', 'REVERTED']);
  });
});

describe('script under the parallel engine', () => {
  it('runs in pool processes, rebuilt from the document node, with the same results and output', async () => {
    const r = await runNodes(
      [
        {
          type: 'unordered',
          name: 'both',
          children: [
            {
              type: 'task',
              name: 'double',
              kind: 'script',
              config: { code: 'console.log("x is", x); return x * 2' },
              requires: ['x'],
              provides: 'twice',
            },
            {
              type: 'task',
              name: 'square',
              kind: 'script',
              config: { code: 'return x * x' },
              requires: ['x'],
              provides: 'squared',
            },
          ],
        },
        {
          type: 'task',
          name: 'sum',
          kind: 'script',
          config: { code: 'return twice + squared' },
          requires: ['twice', 'squared'],
          provides: 'total',
        },
      ],
      { x: 5 },
      { engine: 'parallel', executor: 'processes', maxWorkers: 2 },
    );
    expect(r.error).toBeUndefined();
    expect(r.values).toEqual({ x: 5, twice: 10, squared: 25, total: 35 });
    expect(logsOf(r.events, 'double')).toEqual(['stdout: x is 5']);
  });
});
