/**
 * An in-process backend (spec §11.2 `memory`). It keeps copies, never the live
 * objects, so it behaves like a real store: what you read back is what was saved.
 */
import { NotFound } from '../errors.js';
import type { EngineEvent } from '../notify/events.js';
import type { EventsQuery, PersistenceBackend, RecordedEvent, WriteOptions } from './backend.js';
import {
  AtomDetail,
  FlowDetail,
  LogBook,
  type AtomDetailDict,
  type FlowDetailDict,
  type LogBookDict,
} from './models.js';

interface StoredFlow {
  book: string | undefined;
  dict: FlowDetailDict;
  atoms: Map<string, AtomDetailDict>;
  events: RecordedEvent[];
}

function copy<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    // Values that cannot be cloned (functions, class instances with private state) are kept by reference.
    return value;
  }
}

export class MemoryBackend implements PersistenceBackend {
  readonly recordsEvents = true;
  private readonly books = new Map<string, LogBookDict>();
  private readonly flows = new Map<string, StoredFlow>();

  saveLogbook(book: LogBook): void {
    book.updatedAt = new Date().toISOString();
    this.books.set(book.uuid, copy(book.toDict()));
    for (const fd of book) {
      const stored = this.flows.get(fd.uuid);
      if (stored) stored.book = book.uuid;
      else
        this.flows.set(fd.uuid, { book: book.uuid, dict: copy(fd.toDict()), atoms: new Map(), events: [] });
      this.updateFlowDetail(fd, [...fd]);
    }
  }

  getLogbook(uuid: string): LogBook {
    const d = this.books.get(uuid);
    if (!d) throw new NotFound(`No logbook found with uuid '${uuid}'`);
    const book = new LogBook(d.name, d.uuid);
    book.meta = copy(d.meta);
    book.createdAt = d.createdAt;
    book.updatedAt = d.updatedAt;
    for (const [fuuid, f] of this.flows) if (f.book === uuid) book.add(this.getFlowDetail(fuuid));
    return book;
  }

  getLogbooks(): LogBook[] {
    return [...this.books.keys()].map((u) => this.getLogbook(u));
  }

  destroyLogbook(uuid: string): void {
    if (!this.books.delete(uuid)) throw new NotFound(`No logbook found with uuid '${uuid}'`);
    for (const [fuuid, f] of this.flows) if (f.book === uuid) this.flows.delete(fuuid);
  }

  updateFlowDetail(fd: FlowDetail, atoms: readonly AtomDetail[] = [], options?: WriteOptions): void {
    const stored = this.flows.get(fd.uuid);
    if (!stored) throw new NotFound(`No flow detail found with uuid '${fd.uuid}'`);
    stored.dict = copy(fd.toDict());
    for (const ad of atoms) stored.atoms.set(ad.uuid, copy(ad.toDict()));
    if (options?.event) this.record(stored, options.event);
  }

  recordEvent(flowUuid: string, event: EngineEvent): void {
    const f = this.flows.get(flowUuid);
    if (!f) throw new NotFound(`No flow detail found with uuid '${flowUuid}'`);
    this.record(f, event);
  }

  private record(f: StoredFlow, event: EngineEvent): void {
    f.events.push({ seq: f.events.length + 1, at: new Date().toISOString(), event: copy(event) });
  }

  /** The events of a run, in the order they happened. */
  getEvents(flowUuid: string, query: EventsQuery = {}): RecordedEvent[] {
    const f = this.flows.get(flowUuid);
    if (!f) throw new NotFound(`No flow detail found with uuid '${flowUuid}'`);
    const after = query.after ?? 0;
    const picked = f.events.filter((e) => e.seq > after);
    return (query.limit === undefined ? picked : picked.slice(0, query.limit)).map(copy);
  }

  getFlowDetail(uuid: string): FlowDetail {
    const f = this.flows.get(uuid);
    if (!f) throw new NotFound(`No flow detail found with uuid '${uuid}'`);
    return FlowDetail.fromDict(copy(f.dict), [...f.atoms.values()].map(copy));
  }

  updateAtomDetail(flowUuid: string, ad: AtomDetail, options?: WriteOptions): void {
    const f = this.flows.get(flowUuid);
    if (!f) throw new NotFound(`No flow detail found with uuid '${flowUuid}'`);
    f.atoms.set(ad.uuid, copy(ad.toDict()));
    if (options?.event) this.record(f, options.event);
  }

  clearAll(): void {
    this.books.clear();
    this.flows.clear();
  }

  close(): void {
    // Nothing to release.
  }
}
