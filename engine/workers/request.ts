/**
 * One atom's execute or revert on its way to a worker, on the engine side
 * (spec §12.3): `WAITING` (no worker yet) → `PENDING` (sent) → `RUNNING` (a
 * worker started it) → `SUCCESS` | `FAILURE`. Only a request that no worker
 * has started can expire; a running one is watched through its worker's
 * heartbeats instead (see {@link WorkerClient}).
 */
import { InvalidState } from '../errors.js';

export type RequestState = 'WAITING' | 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILURE';

const ALLOWED: Readonly<Record<RequestState, readonly RequestState[]>> = {
  WAITING: ['PENDING', 'FAILURE'],
  PENDING: ['RUNNING', 'FAILURE', 'WAITING'],
  RUNNING: ['SUCCESS', 'FAILURE', 'WAITING'],
  SUCCESS: [],
  FAILURE: [],
};

/** The state part of a request: checked transitions and expiry. */
export class RequestLifecycle {
  private current: RequestState = 'WAITING';
  /** When the request entered its current state (ms, the caller's clock). */
  private since: number;

  constructor(
    /** How long a request may stay unstarted (`WAITING` or `PENDING`); `undefined`: for ever. */
    readonly timeoutMs: number | undefined,
    now: number,
  ) {
    this.since = now;
  }

  get state(): RequestState {
    return this.current;
  }

  /**
   * Moves to `to`. A move to the current state does nothing and returns
   * `false`; a move the table forbids throws {@link InvalidState}. Going back
   * to `WAITING` (the worker was lost, the request will be sent again) starts
   * the clock again.
   */
  transition(to: RequestState, now: number): boolean {
    if (to === this.current) return false;
    if (!ALLOWED[this.current].includes(to)) {
      throw new InvalidState(`A worker request cannot go from ${this.current} to ${to}`);
    }
    this.current = to;
    if (to === 'WAITING' || to === 'PENDING') {
      // The clock measures time without a worker acknowledging: a resend starts it afresh.
      if (to === 'WAITING') this.since = now;
    } else {
      this.since = now;
    }
    return true;
  }

  /**
   * Starts the clock again for a request that waits with good reason: workers
   * that run its kind are there, all busy with this engine's other requests.
   */
  refresh(now: number): void {
    if (this.current === 'WAITING') this.since = now;
  }

  /** True when no worker has started it within the timeout. */
  expired(now: number): boolean {
    if (this.timeoutMs === undefined) return false;
    if (this.current !== 'WAITING' && this.current !== 'PENDING') return false;
    return now - this.since > this.timeoutMs;
  }

  get done(): boolean {
    return this.current === 'SUCCESS' || this.current === 'FAILURE';
  }
}
