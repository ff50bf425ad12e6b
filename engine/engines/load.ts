/**
 * `load()` and `run()`: the two entry points (spec §5.1).
 */
import type { Values } from '../atoms/atom.js';
import { NotFound, NotImplementedError } from '../errors.js';
import type { PersistenceBackend } from '../persistence/backend.js';
import { FlowDetail, LogBook } from '../persistence/models.js';
import { Engine, type EngineOptions } from './engine.js';

/** The engines Atomflow has or will have. */
export type EngineKind = 'serial' | 'parallel' | 'worker-based';

/** Options of {@link load} and {@link run}. */
export interface LoadOptions extends EngineOptions {
  /** Which engine runs the flow (default `serial`). */
  engine?: EngineKind | 'default';
  /** Flow-level input values, saved with the run (they survive a resume). */
  store?: Readonly<Values>;
  /** Where the run is persisted; without one, it lives in memory only. */
  backend?: PersistenceBackend;
  /** An existing run to continue (resume) instead of a new one. */
  flowDetail?: FlowDetail;
  /** The logbook a new run is added to (a new one is made when a backend is given). */
  book?: LogBook;
  /** Options of other engine kinds are kept and ignored by the serial engine. */
  [option: string]: unknown;
}

function flowNameOf(flow: unknown): string {
  if (typeof flow === 'object' && flow !== null && typeof (flow as { name?: unknown }).name === 'string') {
    return (flow as { name: string }).name;
  }
  return String(flow);
}

/**
 * Prepares an engine for a flow (or a single task) without running it.
 *
 * @example
 * const engine = load(flow, { store: { x: 2, y: 3 } });
 * await engine.run();
 * engine.storage.fetch('sum');
 */
export function load(flow: unknown, options: LoadOptions = {}): Engine {
  const { engine: kind = 'serial', store, backend, flowDetail, book, ...rest } = options;
  if (kind === 'parallel' || kind === 'worker-based') {
    throw new NotImplementedError(
      `The '${kind}' engine is not available yet; use engine: 'serial' (the only engine this version has)`,
    );
  }
  if (kind !== 'serial' && kind !== 'default') {
    throw new NotFound(`Unknown engine '${String(kind)}' (expected 'serial', 'parallel' or 'worker-based')`);
  }
  let fd = flowDetail;
  if (!fd) {
    fd = new FlowDetail(flowNameOf(flow));
    // Which engine ran it, for history queries.
    fd.meta.engine = 'serial';
    if (backend) {
      const lb = book ?? new LogBook(fd.name);
      lb.add(fd);
      backend.saveLogbook(lb);
    } else if (book) {
      book.add(fd);
    }
  }
  const engine = new Engine(flow, fd, backend, rest);
  if (store && Object.keys(store).length > 0) engine.storage.inject(store);
  return engine;
}

/** Loads and runs a flow; resolves to every value the run produced (`storage.fetchAll()`). */
export async function run(flow: unknown, options: LoadOptions = {}): Promise<Values> {
  const engine = load(flow, options);
  await engine.run();
  return engine.storage.fetchAll();
}
