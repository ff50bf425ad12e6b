/**
 * `load()` and `run()`: the two entry points (spec §5.1).
 */
import type { Values } from '../atoms/atom.js';
import { NotFound } from '../errors.js';
import type { PersistenceBackend } from '../persistence/backend.js';
import { FlowDetail, LogBook } from '../persistence/models.js';
import { ParallelExecutor } from '../executors/parallel.js';
import type { ProcessPool } from '../executors/pool/pool.js';
import type { WorkerClient } from '../workers/client.js';
import { WorkerExecutor, type WorkerExecutorOptions } from '../workers/executor.js';
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
  /** Parallel engine: most atoms running at once (default 8). */
  maxWorkers?: number;
  /**
   * Parallel engine: `'processes'` (default) runs tasks that have a `ref` in a
   * pool of processes and the others in the host; `'async'` runs every task in
   * the host, concurrently when asynchronous.
   */
  executor?: 'processes' | 'async';
  /** Parallel engine: the process pool to use (default: one shared by the host process). */
  pool?: ProcessPool;
  /** Worker-based engine: the broker URL, `amqp://` or `amqps://` (default `$ATOMFLOW_AMQP_URL` or `amqp://127.0.0.1`). */
  url?: string;
  /** Worker-based engine: the exchange workers listen on (default `atomflow`). */
  exchange?: string;
  /** Worker-based engine: the worker topics to use (default `['default']`). */
  topics?: readonly string[];
  /** Worker-based engine: how long a request may wait for a worker to start it (default 60 s). */
  timeoutMs?: number;
  /** Worker-based engine: how many times a request whose worker was lost is sent to another (default 2). */
  redeliveries?: number;
  /** Worker-based engine: the other client options ({@link WorkerExecutorOptions}), or a shared connected `client`. */
  workers?: Omit<WorkerExecutorOptions, 'url' | 'exchange' | 'topics' | 'timeoutMs' | 'redeliveries'> & {
    client?: WorkerClient;
  };
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
  const {
    engine: kind = 'serial',
    store,
    backend,
    flowDetail,
    book,
    maxWorkers,
    executor,
    pool,
    url,
    exchange,
    topics,
    timeoutMs,
    redeliveries,
    workers,
    ...rest
  } = options;
  if (kind !== 'serial' && kind !== 'default' && kind !== 'parallel' && kind !== 'worker-based') {
    throw new NotFound(`Unknown engine '${String(kind)}' (expected 'serial', 'parallel' or 'worker-based')`);
  }
  if (executor !== undefined && executor !== 'processes' && executor !== 'async') {
    throw new NotFound(`Unknown executor '${String(executor)}' (expected 'processes' or 'async')`);
  }
  const engineKind = kind === 'default' ? 'serial' : kind;
  let fd = flowDetail;
  if (!fd) {
    fd = new FlowDetail(flowNameOf(flow));
    // Which engine ran it, for history queries.
    fd.meta.engine = engineKind;
    if (backend) {
      const lb = book ?? new LogBook(fd.name);
      lb.add(fd);
      backend.saveLogbook(lb);
    } else if (book) {
      book.add(fd);
    }
  }
  const engine =
    engineKind === 'worker-based'
      ? new Engine(
          flow,
          fd,
          backend,
          rest,
          new WorkerExecutor({
            ...workers,
            ...(url !== undefined ? { url } : {}),
            ...(exchange !== undefined ? { exchange } : {}),
            ...(topics !== undefined ? { topics } : {}),
            ...(timeoutMs !== undefined ? { timeoutMs } : {}),
            ...(redeliveries !== undefined ? { redeliveries } : {}),
          }),
        )
      : engineKind === 'parallel'
        ? new Engine(
            flow,
            fd,
            backend,
            rest,
            new ParallelExecutor({
              ...(maxWorkers !== undefined ? { maxWorkers } : {}),
              ...(executor !== undefined ? { mode: executor } : {}),
              ...(pool !== undefined ? { pool } : {}),
            }),
          )
        : new Engine(flow, fd, backend, rest);
  if (store && Object.keys(store).length > 0) engine.storage.inject(store);
  return engine;
}

/** Loads and runs a flow; resolves to every value the run produced (`storage.fetchAll()`). */
export async function run(flow: unknown, options: LoadOptions = {}): Promise<Values> {
  const engine = load(flow, options);
  await engine.run();
  return engine.storage.fetchAll();
}
