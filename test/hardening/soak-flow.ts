/**
 * The flow the soak test runs over and over: a handful of tasks of kinds that
 * every engine runs (the catalog's; the test workers offer them all), with an
 * unordered group in the middle. It touches what a long-lived host does on
 * each run: a `script` (a `node:vm` context; a pool process under the
 * parallel engine), a `shell` command (a child process of whoever runs it),
 * a `delay` (timers and progress events), a `value` and a `noop`.
 */

/** The document, as a person would save it. */
export const SOAK_DOCUMENT = {
  format: 'atomflow.flow/1',
  name: 'soak',
  inputs: { x: 0, y: 4 },
  flow: {
    type: 'linear',
    name: 'soak-root',
    children: [
      { type: 'task', name: 'base', kind: 'value', config: { value: 10 }, provides: 'base' },
      {
        type: 'unordered',
        name: 'fan',
        children: [
          {
            type: 'task',
            name: 'double',
            kind: 'script',
            requires: ['x'],
            provides: 'doubled',
            config: { code: 'return x * 2;' },
          },
          {
            type: 'task',
            name: 'square',
            kind: 'script',
            requires: ['y'],
            provides: 'squared',
            config: { code: 'return y * y;' },
          },
          {
            type: 'task',
            name: 'echo',
            kind: 'shell',
            config: { command: 'echo', args: ['soak'] },
            provides: { echoed: 'stdout' },
          },
          { type: 'task', name: 'wait', kind: 'delay', config: { ms: 1 } },
        ],
      },
      {
        type: 'task',
        name: 'total',
        kind: 'script',
        requires: ['base', 'doubled', 'squared'],
        provides: 'total',
        config: { code: 'return base + doubled + squared;' },
      },
      { type: 'task', name: 'done', kind: 'noop' },
    ],
  },
} as const;

/** The inputs of run number `i` (each run its own `x`, so a result cannot come from another run). */
export function soakInputs(i: number): { x: number } {
  return { x: i };
}

/** Every name run `i` must provide, with its value (inputs included). */
export function soakResults(i: number): Record<string, unknown> {
  return { x: i, y: 4, base: 10, doubled: 2 * i, squared: 16, echoed: 'soak\n', total: 10 + 2 * i + 16 };
}
