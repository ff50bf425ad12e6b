/**
 * The flow of the crash test and its arguments, shared by the test and the
 * child process it kills. Every task appends a line to a side file when it
 * executes (`x <name>`) and when it reverts (`r <name>`), so effects can be
 * counted across a kill and a resume.
 */
import { appendFileSync, writeSync } from 'node:fs';
import { linear, task, unordered, type Task } from '../../engine/index.js';

export interface ChildArgs {
  mode: 'run' | 'resume';
  db: string;
  side: string;
  variant: 'success' | 'fail';
  uuid?: string;
  /** Pause after this many flow and atom events (1-based). */
  pauseAfterEvent?: number;
  /** Pause inside this task's execute (`x:<name>`) or revert (`r:<name>`), after its effect. */
  pauseInside?: string;
  /** Request suspension after this many flow and atom events (the process then exits normally). */
  suspendAfterEvent?: number;
  /** Busy-wait this long in each task, so a timed kill can land anywhere. */
  spinMs?: number;
}

/** Names of the tasks, in flow order. */
export const TASKS = [
  ...Array.from({ length: 10 }, (_, i) => `a${i}`),
  'g0',
  'g1',
  'g2',
  'g3',
  ...Array.from({ length: 10 }, (_, i) => `b${i}`),
];

/**
 * The flow: a chain a0..a9, an unordered group g0..g3 that all read a9's
 * value, then a chain b0..b9 that starts from the group's sum. In the
 * failing variant the last task raises, so everything is reverted.
 */
export function buildFlow(
  side: string,
  variant: ChildArgs['variant'],
  pauseInside?: string,
  spinMs = 0,
): unknown {
  const spin = (): void => {
    const end = performance.now() + spinMs;
    while (performance.now() < end) {
      // busy on purpose: the test wants the process to be somewhere inside
    }
  };
  const pause = (): void => {
    writeSync(1, 'PAUSED\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  };
  const effect = (kind: 'x' | 'r', name: string): void => {
    appendFileSync(side, `${kind} ${name}\n`);
    if (pauseInside === `${kind}:${name}`) pause();
    spin();
  };
  const step = (name: string, from: string | undefined, last = false): Task =>
    task<{ prev?: number }, number>({
      name,
      provides: `v_${name}`,
      ...(from ? { requires: ['prev'], rebind: { prev: `v_${from}` } } : {}),
      execute: ({ prev }) => {
        effect('x', name);
        if (last && variant === 'fail') throw new Error(`boom in ${name}`);
        return (prev ?? 0) + 1;
      },
      revert: () => {
        effect('r', name);
      },
    });
  const chainA = TASKS.slice(0, 10).map((n, i) => step(n, i === 0 ? undefined : `a${i - 1}`));
  const group = ['g0', 'g1', 'g2', 'g3'].map((n) => step(n, 'a9'));
  const join = task<{ g0: number; g1: number; g2: number; g3: number }, number>({
    name: 'b0',
    provides: 'v_b0',
    requires: ['g0', 'g1', 'g2', 'g3'],
    rebind: { g0: 'v_g0', g1: 'v_g1', g2: 'v_g2', g3: 'v_g3' },
    execute: ({ g0, g1, g2, g3 }) => {
      effect('x', 'b0');
      return g0 + g1 + g2 + g3;
    },
    revert: () => {
      effect('r', 'b0');
    },
  });
  const chainB = TASKS.slice(15).map((n, i) => step(n, i === 0 ? 'b0' : `b${i}`, n === 'b9'));
  return linear('crash').add(...chainA, unordered('group').add(...group), join, ...chainB);
}
