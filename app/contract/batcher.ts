/**
 * Run events → `events` messages, batched: a busy run emits thousands of
 * events a second (progress, log lines), and a front end that gets one
 * message per event spends its time parsing and re-rendering. The batcher
 * gathers what arrives and hands it over at most about 60 times a second —
 * as often as a screen can show it — without ever dropping or reordering an
 * event, so the final state of every atom always arrives.
 */
import type { RunEvent } from '../runs/index.js';
import type { EventsMessage } from './messages.js';

/** The least time between two flushes: about 60 a second, one per frame of a 60 Hz screen. */
export const FLUSH_INTERVAL_MS = 16;

/** Options of {@link EventBatcher}. */
export interface EventBatcherOptions {
  /** The least time between two flushes, in ms (default {@link FLUSH_INTERVAL_MS}). */
  readonly intervalMs?: number;
  /** Called when the sink throws (default: a warning on the console); the batcher goes on. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Delivers run events to a sink as {@link EventsMessage} batches.
 *
 * Timing: a flush happens at most once per `intervalMs`. The first event after
 * an idle period (no flush in the last `intervalMs`) is flushed on the next
 * turn of the event loop (a 0 ms timer, never synchronously inside
 * {@link push}, so a reply the caller sends right after pushing still goes
 * first); events arriving within `intervalMs` of a flush wait for the next
 * one. An `end` event flushes at the end of the current task (a microtask):
 * it is the last event of its run, so waiting gains nothing, and a stream
 * being closed still gets it.
 *
 * A flush sends one message per run that has events waiting (runs in the
 * order their first waiting event arrived), each with every waiting event of
 * that run in arrival order. Nothing is dropped or merged; memory is the
 * events waiting, at most an interval's worth.
 */
export class EventBatcher {
  private readonly intervalMs: number;
  private readonly onError: (error: unknown) => void;
  /** Waiting events by run; a Map keeps the order runs first got one. */
  private readonly waiting = new Map<string, RunEvent[]>();
  private count = 0;
  private timer: NodeJS.Timeout | undefined;
  private endFlushQueued = false;
  /** When the last flush happened (monotonic ms); -Infinity: never, so the first event need not wait. */
  private lastFlush = Number.NEGATIVE_INFINITY;
  private closed = false;

  /** `sink` gets every batch; it is called from timers, so it should not throw (errors go to `onError`). */
  constructor(
    private readonly sink: (message: EventsMessage) => void,
    options: EventBatcherOptions = {},
  ) {
    const interval = options.intervalMs ?? FLUSH_INTERVAL_MS;
    if (!Number.isFinite(interval) || interval < 0) {
      throw new RangeError(`intervalMs must be a number of at least 0, got ${String(interval)}`);
    }
    this.intervalMs = interval;
    this.onError =
      options.onError ??
      ((error) => {
        console.warn('atomflow: an events sink failed:', error);
      });
  }

  /** How many events wait for the next flush. */
  get pending(): number {
    return this.count;
  }

  /** Queues one event of its run (`event.runId`). After {@link close}, events are ignored. */
  push(event: RunEvent): void {
    if (this.closed) return;
    const queue = this.waiting.get(event.runId);
    if (queue) queue.push(event);
    else this.waiting.set(event.runId, [event]);
    this.count += 1;
    if (event.type === 'end') {
      if (!this.endFlushQueued) {
        this.endFlushQueued = true;
        queueMicrotask(() => {
          this.endFlushQueued = false;
          this.flush();
        });
      }
      return;
    }
    if (this.timer === undefined) this.schedule();
  }

  /** Sets the timer of the next flush: when an interval has passed since the last one. */
  private schedule(): void {
    const left = this.lastFlush + this.intervalMs - performance.now();
    // Clamped: never longer than one interval, whatever the clock did.
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        // Node may fire a timer a millisecond or two early (its loop time is cached): then wait the rest.
        if (this.lastFlush + this.intervalMs - performance.now() > 0) this.schedule();
        else this.flush();
      },
      Math.min(this.intervalMs, Math.max(0, Math.ceil(left))),
    );
  }

  /** Sends every waiting event now (nothing when none wait). */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.count === 0) return;
    this.lastFlush = performance.now();
    const batches = [...this.waiting];
    this.waiting.clear();
    this.count = 0;
    for (const [runId, events] of batches) {
      try {
        this.sink({ type: 'events', runId, events });
      } catch (e) {
        this.onError(e);
      }
    }
  }

  /** Flushes what waits and stops: later events are ignored. Closing twice does nothing. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }
}
