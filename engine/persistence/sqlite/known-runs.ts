/**
 * The runs a backend knows exist, so that a buffered (non-durable) write of a
 * run need not ask the file each time. It is only a shortcut: a run that is
 * not in it is looked up in the file. So it keeps the most recently added
 * runs only, at most {@link KNOWN_RUNS_CAPACITY}: a host that lives for
 * thousands of runs must not hold the id of every run it ever wrote.
 */

/** How many run ids a backend keeps (far more than the runs a host writes at once). */
export const KNOWN_RUNS_CAPACITY = 1024;

/** A set of run ids that forgets the oldest one added when it is full. */
export class KnownRuns {
  private readonly ids = new Set<string>();

  constructor(readonly capacity = KNOWN_RUNS_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a whole number ≥ 1, got ${String(capacity)}`);
    }
  }

  /** How many run ids are kept. */
  get size(): number {
    return this.ids.size;
  }

  has(uuid: string): boolean {
    return this.ids.has(uuid);
  }

  /** Keeps `uuid` (as the newest); forgets the oldest one when full. */
  add(uuid: string): void {
    // Deleted first, so a run written again counts as the newest and is the last to be forgotten.
    this.ids.delete(uuid);
    this.ids.add(uuid);
    if (this.ids.size > this.capacity) {
      // A Set iterates in insertion order: the first is the oldest.
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }

  delete(uuid: string): void {
    this.ids.delete(uuid);
  }

  clear(): void {
    this.ids.clear();
  }
}
