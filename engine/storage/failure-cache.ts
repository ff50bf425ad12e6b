/**
 * Failures as they were raised (spec §8.2): the error objects and stacks that
 * serialisation loses. Reads prefer the cached failure when it matches the
 * stored one; only atoms that failed have an entry.
 */
import type { Failure } from '../failure.js';
import type { AtomDetail } from '../persistence/models.js';

type Key = 'EXECUTE' | 'REVERT';
type Views = { execute: Readonly<Record<string, Failure>>; revert: Readonly<Record<string, Failure>> };

export class FailureCache {
  private readonly byAtom = new Map<string, { EXECUTE?: Failure; REVERT?: Failure }>();
  private views: Views | undefined;

  /** Filled from the stored details (a resumed run has no error objects: the stored failures are all there is). */
  constructor(details: Iterable<AtomDetail>) {
    for (const ad of details) {
      if (!ad.failure && !ad.revertFailure) continue;
      const entry: { EXECUTE?: Failure; REVERT?: Failure } = {};
      if (ad.failure) entry.EXECUTE = ad.failure;
      if (ad.revertFailure) entry.REVERT = ad.revertFailure;
      this.byAtom.set(ad.name, entry);
    }
  }

  record(name: string, key: Key, failure: Failure): void {
    const entry = this.byAtom.get(name) ?? {};
    entry[key] = failure;
    this.byAtom.set(name, entry);
    this.views = undefined;
  }

  forget(name: string): void {
    this.byAtom.delete(name);
    this.views = undefined;
  }

  /** The cached failure when it matches the stored one, else the stored one. */
  prefer(name: string, key: Key, stored: Failure): Failure {
    const cached = this.byAtom.get(name)?.[key];
    return cached && stored.matches(cached) ? cached : stored;
  }

  get any(): boolean {
    for (const c of this.byAtom.values()) if (c.EXECUTE || c.REVERT) return true;
    return false;
  }

  /** Failures by atom name in `order` (atom-detail creation order); rebuilt only after a change. */
  byName(order: () => Iterable<string>): Views {
    if (this.views) return this.views;
    const names = [...this.byAtom.keys()];
    if (names.length > 1) {
      const rank = new Map<string, number>();
      let i = 0;
      for (const n of order()) rank.set(n, i++);
      names.sort((a, b) => (rank.get(a) ?? i) - (rank.get(b) ?? i));
    }
    const execute: Record<string, Failure> = {};
    const revert: Record<string, Failure> = {};
    for (const n of names) {
      const c = this.byAtom.get(n);
      if (c?.EXECUTE) execute[n] = c.EXECUTE;
      if (c?.REVERT) revert[n] = c.REVERT;
    }
    this.views = { execute: Object.freeze(execute), revert: Object.freeze(revert) };
    return this.views;
  }
}
