/**
 * The workers an engine knows (spec §12.3, items 6–7): what each can run, how
 * busy it is with this engine's requests, and when it was last heard from. A
 * worker that misses {@link MISSED_HEARTBEATS} heartbeats is forgotten.
 */
import type { WorkerInfo } from './protocol.js';

/** Heartbeats a worker may miss before it counts as lost. */
export const MISSED_HEARTBEATS = 3;

/** A worker as the engine sees it. */
export interface KnownWorker {
  readonly info: WorkerInfo;
  /** When it was last heard from (ms, the finder's clock). */
  readonly lastSeen: number;
  /** Requests of this engine it has and has not finished. */
  readonly load: number;
  /** It is shutting down: it finishes what it has and takes nothing new. */
  readonly draining: boolean;
}

interface Entry {
  info: WorkerInfo;
  kinds: ReadonlySet<string>;
  lastSeen: number;
  load: number;
  /** It is shutting down: it finishes what it has and takes nothing new. */
  draining: boolean;
  /** Not heard from since our connection came back: its queue may not exist yet. */
  unconfirmed: boolean;
  /** Until then it is not expired, whatever its heartbeats: it is reconnecting too. */
  graceUntil: number;
}

export class WorkerFinder {
  private readonly workers = new Map<string, Entry>();
  private rotation = 0;

  constructor(
    /** Forget a worker not heard from for this long; default: {@link MISSED_HEARTBEATS} of its heartbeats. */
    private readonly expiryMs?: number,
  ) {}

  /**
   * A worker announced itself (or beat); `draining` when it said it is
   * shutting down. Returns true when it was not known before.
   */
  seen(info: WorkerInfo, now: number, draining = false): boolean {
    const entry = this.workers.get(info.id);
    if (entry) {
      entry.draining = draining;
      entry.unconfirmed = false;
      entry.graceUntil = 0;
      if (
        entry.info.kinds.length !== info.kinds.length ||
        entry.info.kinds.some((k, i) => k !== info.kinds[i])
      ) {
        entry.kinds = new Set(info.kinds);
      }
      entry.info = info;
      entry.lastSeen = now;
      return false;
    }
    this.workers.set(info.id, {
      info,
      kinds: new Set(info.kinds),
      lastSeen: now,
      load: 0,
      draining,
      unconfirmed: false,
      graceUntil: 0,
    });
    return true;
  }

  /** Forgets a worker (it said goodbye, or it was found gone). */
  remove(id: string): boolean {
    return this.workers.delete(id);
  }

  has(id: string): boolean {
    return this.workers.has(id);
  }

  /** Whether worker `id` can run `kind`. */
  performs(id: string, kind: string): boolean {
    return this.workers.get(id)?.kinds.has(kind) ?? false;
  }

  /** Whether some known worker runs `kind`. */
  knows(kind: string): boolean {
    for (const e of this.workers.values()) if (!e.draining && e.kinds.has(kind)) return true;
    return false;
  }

  /**
   * The worker to send a `kind` request to: among those that run it (and are
   * not in `avoid`), the one with the most free slots for this engine, ties
   * taken in turn so that equal workers share the work. With `maxLoad`, a
   * worker already holding `maxLoad` × its concurrency requests is passed over.
   */
  pick(kind: string, avoid?: ReadonlySet<string>, maxLoad = Infinity): string | undefined {
    let best: Entry | undefined;
    let bestFree = -Infinity;
    const all = [...this.workers.values()];
    const n = all.length;
    for (let i = 0; i < n; i++) {
      const e = all[(i + this.rotation) % n] as Entry;
      if (e.draining || e.unconfirmed || !e.kinds.has(kind) || avoid?.has(e.info.id)) continue;
      if (e.load >= e.info.concurrency * maxLoad) continue;
      const free = e.info.concurrency - e.load;
      if (free > bestFree) {
        best = e;
        bestFree = free;
      }
    }
    this.rotation = (this.rotation + 1) % Math.max(1, n);
    return best?.info.id;
  }

  /** Counts a request given to (`+1`) or finished by (`-1`) a worker. */
  adjustLoad(id: string, delta: number): void {
    const e = this.workers.get(id);
    if (e) e.load = Math.max(0, e.load + delta);
  }

  /**
   * Our connection came back: every worker gets `graceMs` to reconnect and
   * announce itself again (its own reconnect backs off too), and is sent
   * nothing until it has (until then its queue may not exist, and a request
   * to it would be lost).
   */
  reconfirm(now: number, graceMs: number): void {
    for (const e of this.workers.values()) {
      e.unconfirmed = true;
      e.graceUntil = now + graceMs;
    }
  }

  /** Forgets the workers not heard from in time; returns their ids. */
  clean(now: number): string[] {
    return this.expire(now).map((w) => w.id);
  }

  /** As {@link clean}, returning what was known of each worker forgotten. */
  expire(now: number): WorkerInfo[] {
    const gone: WorkerInfo[] = [];
    for (const e of this.workers.values()) {
      const expiry = this.expiryMs ?? e.info.heartbeatMs * MISSED_HEARTBEATS;
      if (e.graceUntil > now) continue;
      if (expiry > 0 && now - Math.max(e.lastSeen, e.graceUntil) > expiry) gone.push(e.info);
    }
    for (const w of gone) this.workers.delete(w.id);
    return gone;
  }

  /** What is known of worker `id`. */
  get(id: string): KnownWorker | undefined {
    const e = this.workers.get(id);
    return e ? { info: e.info, lastSeen: e.lastSeen, load: e.load, draining: e.draining } : undefined;
  }

  /** A snapshot, for a workers panel. */
  list(): KnownWorker[] {
    return [...this.workers.values()].map((e) => ({
      info: e.info,
      lastSeen: e.lastSeen,
      load: e.load,
      draining: e.draining,
    }));
  }

  get size(): number {
    return this.workers.size;
  }
}
