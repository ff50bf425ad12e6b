/**
 * A run's events as an async iterable, over a push subscription: events are
 * queued until the consumer asks for them, and the iteration ends after the
 * `end` event.
 */
import type { RunEvent } from './types.js';

/** Subscribes a listener; returns a function that unsubscribes. */
export type Subscribe = (listener: (event: RunEvent) => void) => () => void;

/** The events that `subscribe` delivers, up to and including the `end` event. */
export function eventStream(subscribe: Subscribe): AsyncIterableIterator<RunEvent> {
  const queue: RunEvent[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let closed = false;
  const unsubscribe = subscribe((event) => {
    if (closed) return;
    queue.push(event);
    if (event.type === 'end') ended = true;
    wake?.();
  });
  const close = (): void => {
    closed = true;
    unsubscribe();
  };
  if (ended) close();
  const iterator: AsyncIterableIterator<RunEvent> = {
    async next(): Promise<IteratorResult<RunEvent>> {
      while (queue.length === 0) {
        if (ended || closed) return { done: true, value: undefined };
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      const value = queue.shift() as RunEvent;
      if (value.type === 'end') close();
      return { done: false, value };
    },
    return(): Promise<IteratorResult<RunEvent>> {
      close();
      queue.length = 0;
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
