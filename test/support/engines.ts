/**
 * The engines the conformance suite runs against, each with the persistence
 * it is tested on. Every scenario file loops over this list, so a new engine
 * or backend joins the suite by adding one entry here (the parallel and
 * worker-based engines will).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { inject } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MemoryBackend,
  SqliteBackend,
  load,
  type Engine,
  type LoadOptions,
  type PersistenceBackend,
} from '../../engine/index.js';
import { AMQP_URL } from './workers.js';

export interface EngineUnderTest {
  /** Short id used to select engines: S (serial), P (parallel), W (worker-based). */
  readonly id: 'S' | 'P' | 'W';
  readonly name: string;
  /** A fresh, empty backend of the kind this variant persists to. */
  backend(): PersistenceBackend;
  /** Builds an engine of this kind for a flow (persisting to this variant's backend unless one is given). */
  load(flow: unknown, options?: LoadOptions): Engine;
}

const folders: string[] = [];
process.on('exit', () => {
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

/** A new SQLite file in a temporary folder, removed when the test process exits. */
export function tempSqlite(): SqliteBackend {
  const dir = mkdtempSync(join(tmpdir(), 'atomflow-conformance-'));
  folders.push(dir);
  return new SqliteBackend(join(dir, 'runs.db'));
}

export const ENGINES: readonly EngineUnderTest[] = [
  {
    id: 'S',
    name: 'serial',
    backend: () => new MemoryBackend(),
    load: (flow, options = {}) => load(flow, { ...options, engine: 'serial' }),
  },
  {
    id: 'S',
    name: 'serial on SQLite',
    backend: tempSqlite,
    load: (flow, options = {}) => load(flow, { backend: tempSqlite(), ...options, engine: 'serial' }),
  },
  {
    // Fixture tasks carry a reference, so here they run in pool processes; test-local tasks run in the host.
    id: 'P',
    name: 'parallel with a process pool',
    backend: () => new MemoryBackend(),
    load: (flow, options = {}) =>
      load(flow, { maxWorkers: 2, ...options, engine: 'parallel', executor: 'processes' }),
  },
  {
    id: 'P',
    name: 'parallel in-process (async) on SQLite',
    backend: tempSqlite,
    load: (flow, options = {}) =>
      load(flow, { backend: tempSqlite(), maxWorkers: 2, ...options, engine: 'parallel', executor: 'async' }),
  },
  {
    // Fixture tasks carry a remote reference, so here they run on the two worker processes that
    // global-workers.ts started on the real broker; test-local tasks run in the host.
    id: 'W',
    name: 'worker-based over RabbitMQ',
    backend: () => new MemoryBackend(),
    load: (flow, options = {}) =>
      load(flow, {
        url: AMQP_URL,
        exchange: inject('conformanceExchange'),
        topics: ['conformance'],
        timeoutMs: 15_000,
        ...options,
        engine: 'worker-based',
      }),
  },
];

/** The engines that run a scenario listing `ids` (e.g. 'SPW'). */
export function enginesFor(ids: string): readonly EngineUnderTest[] {
  return ENGINES.filter((e) => ids.includes(e.id));
}
