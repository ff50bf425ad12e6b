/**
 * `yieldEveryMs`: a run of synchronous tasks gives the event loop a turn now
 * and then, so a host in the same process can stream its events and answer
 * requests while it runs; without the option it holds the loop to the end.
 */
import { describe, expect, it } from 'vitest';
import { linear, load, task } from '../../engine/index.js';

/** A flow of `n` tasks that each keep the thread busy for about `ms`. */
function busyFlow(n: number, ms: number) {
  return linear('busy').add(
    ...Array.from({ length: n }, (_, i) =>
      task({
        name: `t${String(i)}`,
        execute: () => {
          const until = performance.now() + ms;
          while (performance.now() < until) {
            // Busy: synchronous work, as a CPU-bound task does.
          }
        },
      }),
    ),
  );
}

/** How many times a 0-ms interval fired while `run` ran, and how many tasks had finished each time. */
async function turnsDuring(run: () => Promise<void>, finished: () => number): Promise<number[]> {
  const seen: number[] = [];
  const timer = setInterval(() => seen.push(finished()), 0);
  try {
    await run();
  } finally {
    clearInterval(timer);
  }
  return seen;
}

describe('yieldEveryMs', () => {
  it('gives the event loop turns during a run of synchronous tasks', async () => {
    const engine = load(busyFlow(40, 2), { yieldEveryMs: 10 });
    let done = 0;
    engine.notifier.on('atom', (e) => {
      if (e.state === 'SUCCESS') done += 1;
    });
    const seen = await turnsDuring(
      () => engine.run(),
      () => done,
    );
    // About 80 ms of work with a turn every 10 ms: timers ran while tasks were still to come.
    expect(seen.filter((n) => n > 0 && n < 40).length).toBeGreaterThanOrEqual(3);
    expect(done).toBe(40);
  });

  it('without it, the loop is held until the run ends', async () => {
    const engine = load(busyFlow(40, 2));
    let done = 0;
    engine.notifier.on('atom', (e) => {
      if (e.state === 'SUCCESS') done += 1;
    });
    const seen = await turnsDuring(
      () => engine.run(),
      () => done,
    );
    expect(seen.filter((n) => n > 0 && n < 40)).toEqual([]);
    expect(done).toBe(40);
  });
});
