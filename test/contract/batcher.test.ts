/**
 * The event batcher: every event arrives, in order, in few batches; at most
 * about 60 flushes a second over a sustained stream; an `end` event is not
 * held back; a failing sink does not stop it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBatcher, FLUSH_INTERVAL_MS, type EventsMessage } from '../../app/contract/index.js';
import type { RunEvent } from '../../app/runs/index.js';

const ts = '2024-01-01T00:00:00.000Z';
const progress = (runId: string, i: number): RunEvent => ({
  type: 'progress',
  runId,
  ts,
  name: `task-${String(i)}`,
  progress: i,
});
const end = (runId: string): RunEvent => ({
  type: 'end',
  runId,
  ts,
  state: 'SUCCESS',
  results: {},
  failures: [],
});

function collector(): {
  batches: EventsMessage[];
  sink: (m: EventsMessage) => void;
  events: () => unknown[];
} {
  const batches: EventsMessage[] = [];
  return {
    batches,
    sink: (m) => batches.push(m),
    events: () => batches.flatMap((b) => b.events),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

afterEach(() => {
  vi.useRealTimers();
});

describe('EventBatcher', () => {
  it('delivers 10,000 events of a burst complete and in order, in one batch', async () => {
    const c = collector();
    const batcher = new EventBatcher(c.sink);
    const sent = Array.from({ length: 10_000 }, (_, i) => progress('run-1', i));
    for (const e of sent) batcher.push(e);
    expect(c.batches).toHaveLength(0); // never synchronously inside push
    await sleep(FLUSH_INTERVAL_MS * 3);
    expect(c.events()).toEqual(sent);
    expect(c.batches.length).toBeLessThanOrEqual(2);
    expect(c.batches.every((b) => b.type === 'events' && b.runId === 'run-1')).toBe(true);
    expect(batcher.pending).toBe(0);
  });

  it('sends the first event of an idle period within one interval', async () => {
    const c = collector();
    const batcher = new EventBatcher(c.sink);
    const started = performance.now();
    batcher.push(progress('r', 0));
    await vi.waitFor(
      () => {
        expect(c.batches).toHaveLength(1);
      },
      { interval: 1, timeout: 1000 },
    );
    // One interval plus the timer's own lateness on a loaded machine.
    expect(performance.now() - started).toBeLessThan(FLUSH_INTERVAL_MS + 100);
  });

  it('flushes at most about 60 times a second over a sustained stream (fake clock)', () => {
    vi.useFakeTimers();
    const c = collector();
    const batcher = new EventBatcher(c.sink);
    const sent: RunEvent[] = [];
    // One event every millisecond for two seconds.
    for (let i = 0; i < 2000; i += 1) {
      const e = progress('r', i);
      sent.push(e);
      batcher.push(e);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(100);
    expect(c.events()).toEqual(sent);
    // 2 s at one flush per 16 ms is 125; allow the first immediate one.
    expect(c.batches.length).toBeLessThanOrEqual(2 * Math.ceil(1000 / FLUSH_INTERVAL_MS) + 1);
    expect(c.batches.length).toBeGreaterThan(100);
  });

  it('flushes at most about 60 times a second over a sustained stream (real clock)', async () => {
    const sent: RunEvent[] = [];
    const got: unknown[] = [];
    const at: number[] = [];
    const batcher = new EventBatcher((m) => {
      at.push(performance.now());
      got.push(...m.events);
    });
    const started = performance.now();
    let i = 0;
    while (performance.now() - started < 500) {
      for (let k = 0; k < 20; k += 1) {
        const e = progress('r', i++);
        sent.push(e);
        batcher.push(e);
      }
      await sleep(1);
    }
    await sleep(FLUSH_INTERVAL_MS * 3);
    expect(got).toEqual(sent);
    expect(at.length).toBeGreaterThan(10);
    // Consecutive flushes are an interval apart (a timer may fire up to a millisecond early by rounding).
    const gaps = at.slice(1).map((t, k) => t - (at[k] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(FLUSH_INTERVAL_MS - 1);
    const perSecond = (at.length - 1) / (((at.at(-1) ?? 0) - (at[0] ?? 0)) / 1000);
    expect(perSecond).toBeLessThanOrEqual(1000 / (FLUSH_INTERVAL_MS - 1));
  });

  it('does not hold back an end event: it flushes at the end of the current task', async () => {
    const c = collector();
    const batcher = new EventBatcher(c.sink, { intervalMs: 10_000 });
    batcher.push(progress('r', 1));
    await sleep(5);
    expect(c.batches).toHaveLength(1);
    batcher.push(progress('r', 2)); // within the interval: waits…
    batcher.push(end('r')); // …until the end comes
    expect(c.batches).toHaveLength(1);
    await Promise.resolve();
    expect(c.batches).toHaveLength(2);
    expect(c.batches[1]?.events.map((e) => (e as RunEvent).type)).toEqual(['progress', 'end']);
    batcher.close();
  });

  it('sends one message per run in each flush, each in order', async () => {
    const c = collector();
    const batcher = new EventBatcher(c.sink);
    const sent: RunEvent[] = [];
    for (let i = 0; i < 300; i += 1) {
      const e = progress(i % 3 === 0 ? 'a' : i % 3 === 1 ? 'b' : 'c', i);
      sent.push(e);
      batcher.push(e);
    }
    await sleep(FLUSH_INTERVAL_MS * 3);
    expect(c.batches.map((b) => b.runId)).toEqual(['a', 'b', 'c']);
    for (const run of ['a', 'b', 'c']) {
      expect(c.batches.filter((b) => b.runId === run).flatMap((b) => b.events)).toEqual(
        sent.filter((e) => e.runId === run),
      );
    }
  });

  it('flushes on close and ignores what comes after', () => {
    const c = collector();
    const batcher = new EventBatcher(c.sink);
    batcher.push(progress('r', 1));
    batcher.push(progress('r', 2));
    batcher.close();
    expect(c.events()).toHaveLength(2);
    batcher.push(progress('r', 3));
    batcher.close();
    expect(batcher.pending).toBe(0);
    expect(c.events()).toHaveLength(2);
  });

  it('goes on after the sink throws, reporting the error', async () => {
    const errors: unknown[] = [];
    const got: EventsMessage[] = [];
    let fail = true;
    const batcher = new EventBatcher(
      (m) => {
        if (fail) {
          fail = false;
          throw new Error('socket gone');
        }
        got.push(m);
      },
      { onError: (e) => errors.push(e) },
    );
    batcher.push(progress('r', 1));
    await sleep(FLUSH_INTERVAL_MS * 2);
    batcher.push(progress('r', 2));
    await sleep(FLUSH_INTERVAL_MS * 2);
    expect(errors).toHaveLength(1);
    expect(got.flatMap((m) => m.events)).toEqual([progress('r', 2)]);
  });

  it('refuses a bad interval', () => {
    expect(() => new EventBatcher(() => undefined, { intervalMs: -1 })).toThrow(RangeError);
    expect(() => new EventBatcher(() => undefined, { intervalMs: Number.NaN })).toThrow(RangeError);
  });
});
