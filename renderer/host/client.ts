/**
 * The typed client of the host contract: one call per method of
 * `app/contract`, answered with that method's result type or failed with a
 * {@link HostError}; run events routed to their listeners. It works the same
 * over every {@link HostTransport}.
 */
import type { ContractError, EventsMessage, Method, Params } from '../../app/contract/messages';
import type { Results, RunEventData } from '../../app/contract/results';
import type { HostTransport } from './transport';

/** A request the host refused, or could not be asked. */
export class HostError extends Error {
  readonly code: ContractError['code'];
  readonly problems: ContractError['problems'];

  constructor(error: ContractError) {
    super(error.message);
    this.name = 'HostError';
    this.code = error.code;
    this.problems = error.problems;
  }
}

/** How long a request may wait for its answer. */
const REQUEST_TIMEOUT_MS = 30_000;

type RunListener = (events: readonly RunEventData[]) => void;

export class HostClient {
  readonly transport: HostTransport;
  #nextId = 1;
  readonly #listeners = new Map<string, Set<RunListener>>();
  /** Runs this client asked the host to stream (`runs.subscribe`). */
  readonly #subscribed = new Set<string>();
  readonly #stopEvents: () => void;

  constructor(transport: HostTransport) {
    this.transport = transport;
    this.#stopEvents = transport.onEvents((message) => {
      this.#dispatch(message);
    });
  }

  /** Calls `method`; resolves with its result, rejects with a {@link HostError}. */
  async call<M extends Method>(method: M, params: Params<M>): Promise<Results[M]> {
    const id = this.#nextId++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new HostError({ code: 'unavailable', message: `${method}: the host did not answer in time` }));
      }, REQUEST_TIMEOUT_MS);
    });
    try {
      const response = await Promise.race([this.transport.request({ id, method, params }), timeout]);
      if (!response.ok) throw new HostError(response.error);
      // The host is ours and answers with the contract's result types (app/contract/results.ts).
      return response.result as Results[M];
    } catch (e) {
      if (e instanceof HostError) throw e;
      throw new HostError({ code: 'unavailable', message: e instanceof Error ? e.message : String(e) });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Listens to a run's events as they arrive on this channel: those of a run
   * this client started or resumed (the host streams them unasked), or
   * subscribed to. Returns the function that stops listening.
   */
  onRunEvents(runId: string, listener: RunListener): () => void {
    let set = this.#listeners.get(runId);
    if (!set) {
      set = new Set();
      this.#listeners.set(runId, set);
    }
    set.add(listener);
    return () => {
      const current = this.#listeners.get(runId);
      current?.delete(listener);
      if (current?.size === 0) this.#listeners.delete(runId);
    };
  }

  /**
   * Streams any run's events to `listener`, recorded ones first; the host is
   * asked to stop when the last listener of the run stops.
   */
  async subscribe(runId: string, listener: RunListener): Promise<() => void> {
    const stop = this.onRunEvents(runId, listener);
    if (!this.#subscribed.has(runId)) {
      this.#subscribed.add(runId);
      try {
        await this.call('runs.subscribe', { runId });
      } catch (e) {
        this.#subscribed.delete(runId);
        stop();
        throw e;
      }
    }
    return () => {
      stop();
      if (this.#listeners.has(runId) || !this.#subscribed.delete(runId)) return;
      this.call('runs.unsubscribe', { runId }).catch(() => undefined);
    };
  }

  #dispatch(message: EventsMessage): void {
    const listeners = this.#listeners.get(message.runId);
    if (!listeners) return;
    // Events are the host's RunEventData (app/contract/results.ts).
    const events = message.events as readonly RunEventData[];
    for (const listener of [...listeners]) listener(events);
  }

  close(): void {
    this.#stopEvents();
    this.#listeners.clear();
    this.#subscribed.clear();
    this.transport.close();
  }
}
