/**
 * `ctx.attempt`: the task's execute count in its run, the same on every
 * engine and wherever the task runs (host, pool process, remote worker).
 */
import { describe, expect, it } from 'vitest';
import { Times, linear } from '../../engine/index.js';
import { enginesFor } from '../support/engines.js';
import { Attempts } from '../support/worker-kinds.js';

describe.each(enginesFor('SPW'))('$name engine', (eng) => {
  it('counts the executions of a task across the retries of its run', async () => {
    const flow = linear('f', new Times(3, { name: 'r' })).add(new Attempts('t', 2));
    const engine = eng.load(flow);
    await engine.run();
    const got = engine.storage.fetch('t') as { attempt: number; pid: number };
    expect(got.attempt).toBe(3);
    // On these variants the task ran in another process, which was told the count.
    if (/pool|worker/.test(eng.name)) expect(got.pid).not.toBe(process.pid);
  });

  it('starts again at 1 in a new run', async () => {
    const flow = linear('f').add(new Attempts('t', 0));
    const first = eng.load(flow);
    await first.run();
    const second = eng.load(flow);
    await second.run();
    expect(second.storage.fetch('t')).toMatchObject({ attempt: 1 });
  });
});
