/**
 * Non-durable writes (progress reports) waiting for the next durable write of
 * their run. Rows are encoded when buffered: the live objects change later,
 * and a value that cannot be stored is reported at the call that gave it.
 */
import type { AtomRow, EventRow } from './rows.js';

/** What is buffered for one run: the latest row of each atom, and events in order. */
export interface PendingRun {
  readonly atoms: Map<string, AtomRow>;
  readonly events: EventRow[];
}

/**
 * Past this many buffered events in one run, the buffer is written out, so a
 * task that reports progress for hours does not hold an unbounded log in memory.
 */
export const MAX_PENDING_EVENTS = 1000;

export class PendingWrites {
  private readonly byRun = new Map<string, PendingRun>();

  /** Buffers a write; returns `true` when the run's buffer is full and should be written now. */
  add(flowUuid: string, atom: AtomRow | undefined, event: EventRow | undefined): boolean {
    let run = this.byRun.get(flowUuid);
    if (!run) {
      run = { atoms: new Map(), events: [] };
      this.byRun.set(flowUuid, run);
    }
    if (atom) run.atoms.set(atom.uuid, atom);
    if (event) run.events.push(event);
    return run.events.length >= MAX_PENDING_EVENTS;
  }

  get(flowUuid: string): PendingRun | undefined {
    return this.byRun.get(flowUuid);
  }

  /** The runs with buffered writes. */
  runs(): string[] {
    return [...this.byRun.keys()];
  }

  delete(flowUuid: string): void {
    this.byRun.delete(flowUuid);
  }

  clear(): void {
    this.byRun.clear();
  }
}
