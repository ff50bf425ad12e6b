/**
 * The front end of the soak test: one WebSocket to the web host, as a
 * program holding the token talks to it (`Authorization: Bearer`, the page's
 * origin), that starts runs with `runs.start` and waits for each one's `end`
 * event. It keeps nothing of a run once it ended, so the test process stays
 * small however many runs go through it.
 */
import { WebSocket } from 'ws';
import type { EventsMessage, Response } from '../../app/contract/index.js';
import type { RunEndEvent } from '../../app/runs/index.js';
import type { ServeReady } from './soak-measure.js';

/** The params of `runs.start`. */
export interface StartParams {
  readonly document: unknown;
  readonly engine: 'serial' | 'parallel' | 'worker-based';
  readonly engineOptions?: Record<string, unknown>;
  readonly inputs?: Record<string, unknown>;
}

/** A contract client that runs one run at a time. */
export class SoakClient {
  private nextId = 1;
  private readonly replies = new Map<number, (r: Response) => void>();
  private readonly ends = new Map<string, (e: RunEndEvent) => void>();
  /** End events that arrived before the test asked for them (the reply and the events race no one, but be safe). */
  private readonly early = new Map<string, RunEndEvent>();
  /** Events seen per run until its end, to check each run streamed something before it ended. */
  private readonly counts = new Map<string, number>();
  private closedWith: Error | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(Buffer.from(data as Buffer).toString('utf8')) as Response | EventsMessage;
      if ('type' in m) {
        for (const e of m.events as { type: string }[]) {
          this.counts.set(m.runId, (this.counts.get(m.runId) ?? 0) + 1);
          if (e.type !== 'end') continue;
          const end = e as RunEndEvent;
          const waiter = this.ends.get(m.runId);
          this.ends.delete(m.runId);
          if (waiter) waiter(end);
          else this.early.set(m.runId, end);
        }
        return;
      }
      if (m.id === null) return;
      const waiter = this.replies.get(m.id);
      this.replies.delete(m.id);
      waiter?.(m);
    });
    ws.on('close', (code) => {
      this.closedWith = new Error(`the web host closed the WebSocket (${String(code)})`);
    });
    ws.on('error', () => undefined);
  }

  /** Opens the contract's WebSocket of a host. */
  static open(ready: ServeReady): Promise<SoakClient> {
    const ws = new WebSocket(ready.webSocket, {
      headers: { Authorization: `Bearer ${ready.token}` },
      origin: ready.origin,
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        resolve(new SoakClient(ws));
      });
      ws.once('error', reject);
    });
  }

  /** Sends a request and waits for its response. */
  request(method: string, params: unknown): Promise<Response> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    const answered = new Promise<Response>((resolve) => this.replies.set(id, resolve));
    this.ws.send(JSON.stringify({ id, method, params }));
    return answered;
  }

  /**
   * Starts a run and resolves with its `end` event and how many events the
   * host streamed for it; rejects when the start is refused or after `timeoutMs`.
   */
  async run(
    params: StartParams,
    timeoutMs: number,
  ): Promise<{ runId: string; end: RunEndEvent; events: number }> {
    const reply = await this.request('runs.start', params);
    if (!reply.ok) throw new Error(`runs.start failed: ${reply.error.code}: ${reply.error.message}`);
    const { runId } = reply.result as { runId: string };
    const end = await new Promise<RunEndEvent>((resolve, reject) => {
      const already = this.early.get(runId);
      if (already) {
        this.early.delete(runId);
        resolve(already);
        return;
      }
      const timer = setTimeout(() => {
        this.ends.delete(runId);
        reject(new Error(`run ${runId} did not end within ${String(timeoutMs)} ms`));
      }, timeoutMs);
      this.ends.set(runId, (e) => {
        clearTimeout(timer);
        resolve(e);
      });
    });
    const events = this.counts.get(runId) ?? 0;
    this.counts.delete(runId);
    return { runId, end, events };
  }

  close(): void {
    this.ws.close();
  }
}
