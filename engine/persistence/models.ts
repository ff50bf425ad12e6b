/**
 * What a run persists (spec §11.1): logbooks hold flow details, flow details hold
 * atom details. Live objects hold {@link Failure}s; their dict forms are JSON.
 */
import { randomUUID } from 'node:crypto';
import { Failure, type FailureDict } from '../failure.js';
import {
  EXECUTE,
  FAILURE,
  PENDING,
  REVERTED,
  REVERT_FAILURE,
  SUCCESS,
  type AtomState,
  type FlowState,
  type Intention,
} from '../states.js';

export type AtomKind = 'task' | 'retry';

/** A retry's history as stored: `[provided value, { atomName: Failure }]` per attempt. */
export type StoredHistory = [unknown, Record<string, Failure>][];

/** JSON form of an {@link AtomDetail}. */
export interface AtomDetailDict {
  uuid: string;
  name: string;
  kind: AtomKind;
  state: AtomState;
  intention: Intention;
  /** Task: the last execute result. Retry: `[value, { atom: FailureDict }][]`. */
  results: unknown;
  failure: FailureDict | null;
  revertResults: unknown;
  revertFailure: FailureDict | null;
  meta: Record<string, unknown>;
  version: string;
}

/** JSON form of a {@link FlowDetail} (without its atom details). */
export interface FlowDetailDict {
  uuid: string;
  name: string;
  state: FlowState | null;
  meta: Record<string, unknown>;
}

/** JSON form of a {@link LogBook} (without its flow details). */
export interface LogBookDict {
  uuid: string;
  name: string;
  meta: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** The persisted record of one atom in one run. */
export class AtomDetail {
  state: AtomState = PENDING;
  intention: Intention = EXECUTE;
  /** Task: the last execute result. Retry: its {@link StoredHistory}. */
  results: unknown;
  failure: Failure | undefined;
  revertResults: unknown;
  revertFailure: Failure | undefined;
  meta: Record<string, unknown> = {};
  version = '1.0';

  constructor(
    readonly name: string,
    readonly kind: AtomKind,
    readonly uuid: string = randomUUID(),
  ) {
    this.results = kind === 'retry' ? [] : undefined;
  }

  /** The retry history (retries only). */
  get history(): StoredHistory {
    return this.results as StoredHistory;
  }

  /** Records an outcome as the spec's table §8.2 says. */
  put(state: AtomState, result: unknown): void {
    const isRetry = this.kind === 'retry';
    if (state === SUCCESS) {
      if (isRetry) this.history.push([result, {}]);
      else this.results = result;
      this.failure = undefined;
      this.revertResults = undefined;
      this.revertFailure = undefined;
    } else if (state === FAILURE) {
      this.failure = result as Failure;
      if (!isRetry) this.results = undefined;
      this.revertResults = undefined;
      this.revertFailure = undefined;
    } else if (state === REVERTED) {
      this.revertResults = result;
      this.revertFailure = undefined;
    } else if (state === REVERT_FAILURE) {
      this.revertFailure = result as Failure;
      if (!isRetry) this.results = undefined;
      this.revertResults = undefined;
    }
    this.state = state;
  }

  /** Back to a fresh detail in `state` (keeps identity and version). */
  reset(state: AtomState): void {
    this.state = state;
    this.intention = EXECUTE;
    this.results = this.kind === 'retry' ? [] : undefined;
    this.failure = undefined;
    this.revertResults = undefined;
    this.revertFailure = undefined;
    delete this.meta.progress;
    delete this.meta.progressDetails;
  }

  toDict(): AtomDetailDict {
    const results =
      this.kind === 'retry'
        ? this.history.map(([v, fails]) => [
            v,
            Object.fromEntries(Object.entries(fails).map(([k, f]) => [k, f.toDict()])),
          ])
        : this.results;
    return {
      uuid: this.uuid,
      name: this.name,
      kind: this.kind,
      state: this.state,
      intention: this.intention,
      results,
      failure: this.failure ? this.failure.toDict() : null,
      revertResults: this.revertResults,
      revertFailure: this.revertFailure ? this.revertFailure.toDict() : null,
      meta: this.meta,
      version: this.version,
    };
  }

  static fromDict(d: AtomDetailDict): AtomDetail {
    const ad = new AtomDetail(d.name, d.kind, d.uuid);
    ad.state = d.state;
    ad.intention = d.intention;
    if (d.kind === 'retry') {
      const raw = Array.isArray(d.results) ? (d.results as [unknown, Record<string, unknown>][]) : [];
      ad.results = raw.map(([v, fails]) => [
        v,
        Object.fromEntries(Object.entries(fails).map(([k, f]) => [k, Failure.fromDict(f)])),
      ]);
    } else {
      ad.results = d.results;
    }
    ad.failure = d.failure ? Failure.fromDict(d.failure) : undefined;
    ad.revertResults = d.revertResults;
    ad.revertFailure = d.revertFailure ? Failure.fromDict(d.revertFailure) : undefined;
    ad.meta = { ...d.meta };
    ad.version = d.version;
    return ad;
  }
}

/** The persisted record of one run of a flow. */
export class FlowDetail {
  /** `undefined` until first set; reads as `PENDING`. */
  state: FlowState | undefined;
  meta: Record<string, unknown> = {};
  /** Atom details by name, in creation order. */
  readonly atoms = new Map<string, AtomDetail>();

  constructor(
    readonly name: string,
    readonly uuid: string = randomUUID(),
  ) {}

  add(ad: AtomDetail): void {
    this.atoms.set(ad.name, ad);
  }

  find(uuid: string): AtomDetail | undefined {
    for (const ad of this.atoms.values()) if (ad.uuid === uuid) return ad;
    return undefined;
  }

  [Symbol.iterator](): Iterator<AtomDetail> {
    return this.atoms.values();
  }

  toDict(): FlowDetailDict {
    return { uuid: this.uuid, name: this.name, state: this.state ?? null, meta: this.meta };
  }

  static fromDict(d: FlowDetailDict, atoms: Iterable<AtomDetailDict> = []): FlowDetail {
    const fd = new FlowDetail(d.name, d.uuid);
    fd.state = d.state ?? undefined;
    fd.meta = { ...d.meta };
    for (const a of atoms) fd.add(AtomDetail.fromDict(a));
    return fd;
  }
}

/** A named collection of flow details (runs). */
export class LogBook {
  meta: Record<string, unknown> = {};
  createdAt = new Date().toISOString();
  updatedAt = this.createdAt;
  readonly flows = new Map<string, FlowDetail>();

  constructor(
    readonly name: string,
    readonly uuid: string = randomUUID(),
  ) {}

  add(fd: FlowDetail): void {
    this.flows.set(fd.uuid, fd);
  }

  find(uuid: string): FlowDetail | undefined {
    return this.flows.get(uuid);
  }

  [Symbol.iterator](): Iterator<FlowDetail> {
    return this.flows.values();
  }

  toDict(): LogBookDict {
    return {
      uuid: this.uuid,
      name: this.name,
      meta: this.meta,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
    };
  }
}
