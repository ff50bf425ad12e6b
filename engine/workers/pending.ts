/**
 * The engine side's book of requests out to workers: each by the id of its
 * current attempt, and those not sent yet by kind, oldest first, so that a
 * freed slot goes to the request that has waited longest for that kind.
 */
import type { Values } from '../atoms/atom.js';
import type { Failure, FailureDict } from '../failure.js';
import type { Reporter } from '../executors/executor.js';
import type { Outgoing, Request } from './protocol.js';
import type { RequestLifecycle } from './request.js';

/** One execute or revert to run remotely. */
export interface JobSpec {
  /** The worker endpoint that rebuilds the task, and its arguments. */
  readonly kind: string;
  readonly args: readonly unknown[];
  readonly name: string;
  readonly uuid: string;
  readonly action: 'execute' | 'revert';
  readonly arguments: Values;
  readonly result?: unknown;
  readonly resultFailure?: FailureDict;
  readonly failures?: Readonly<Record<string, FailureDict>>;
  readonly timeoutMs?: number;
}

/** How a job ended. `cancelled`: it never reached a worker. */
export type JobResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly failure: Failure; readonly cancelled?: true };

/** A job on its way: what to send, where it is, and how to settle it. */
export interface Pending {
  readonly spec: JobSpec;
  readonly reporter: Reporter;
  readonly owner: unknown;
  readonly life: RequestLifecycle;
  readonly settle: (r: JobResult) => void;
  /** The id of the current attempt (responses to older attempts are ignored). */
  id: string;
  /** Sends so far, counting the first. */
  sends: number;
  worker: string | undefined;
  /** Workers lost while they had it: tried last. */
  readonly lost: Set<string>;
  /** The connection dropped since it was sent: send it again when its worker is back. */
  resync: boolean;
  /** When it was submitted, and whether the task was told that no worker can take it yet. */
  readonly since: number;
  warned: boolean;
}

/** The request message for the current attempt of `p`. */
export function requestMessage(p: Pending, replyTo: string): Outgoing<Request> {
  const s = p.spec;
  return {
    type: 'request',
    id: p.id,
    replyTo,
    kind: s.kind,
    args: [...s.args],
    name: s.name,
    uuid: s.uuid,
    action: s.action,
    attempt: p.reporter.attempt ?? 1,
    arguments: s.arguments,
    ...(s.action === 'revert'
      ? {
          ...(s.resultFailure ? { resultFailure: s.resultFailure } : { result: s.result }),
          ...(s.failures && Object.keys(s.failures).length > 0 ? { failures: { ...s.failures } } : {}),
        }
      : {}),
    ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}),
  };
}

export class PendingRequests {
  private readonly byId = new Map<string, Pending>();
  private readonly waiting = new Map<string, Set<Pending>>();

  get size(): number {
    return this.byId.size;
  }

  /** Whether any request waits to be sent. */
  get anyWaiting(): boolean {
    return this.waiting.size > 0;
  }

  get(id: string): Pending | undefined {
    return this.byId.get(id);
  }

  /** Every request out, live (do not add or remove while iterating). */
  values(): IterableIterator<Pending> {
    return this.byId.values();
  }

  /** A snapshot, to iterate while requests finish. */
  all(): Pending[] {
    return [...this.byId.values()];
  }

  /** A new request, waiting to be sent. */
  add(p: Pending): void {
    this.byId.set(p.id, p);
    this.wait(p);
  }

  /** It was sent: it no longer waits. */
  sent(p: Pending): void {
    const group = this.waiting.get(p.spec.kind);
    if (group?.delete(p) && group.size === 0) this.waiting.delete(p.spec.kind);
  }

  /** It is to be sent again, as a new attempt with id `id`. */
  again(p: Pending, id: string): void {
    this.byId.delete(p.id);
    p.id = id;
    this.byId.set(id, p);
    this.wait(p);
  }

  /** It finished; false when it was not here (already finished). */
  remove(p: Pending): boolean {
    if (!this.byId.delete(p.id)) return false;
    this.sent(p);
    return true;
  }

  /** The requests waiting to be sent, a group per kind, each oldest first (snapshots). */
  waitingByKind(): Pending[][] {
    return [...this.waiting.values()].map((group) => [...group]);
  }

  /** The kinds requests wait for, with their groups (live). */
  waitingKinds(): IterableIterator<[string, ReadonlySet<Pending>]> {
    return this.waiting.entries();
  }

  private wait(p: Pending): void {
    let group = this.waiting.get(p.spec.kind);
    if (!group) this.waiting.set(p.spec.kind, (group = new Set()));
    group.add(p);
  }
}
