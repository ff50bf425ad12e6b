/**
 * The engine kinds that the examples and the CLI's end-to-end tests run on:
 * every kind this version's `load` accepts. A kind whose `load` throws
 * NotImplementedError (not built yet) is left out of the list here, rather
 * than skipped test by test; when it lands it joins every loop by itself.
 * Extend `CANDIDATES` with the CLI arguments a new kind needs. The
 * worker-based engine uses the shared broker and the two workers that
 * `test/support/global-workers.ts` started for this test run (they offer the
 * catalog's kinds, code kinds included).
 */
import { inject } from 'vitest';
import { NotImplementedError, load, task } from '../../engine/index.js';
import { AMQP_URL } from '../support/workers.js';

const exchange = inject('conformanceExchange');

export interface EngineCandidate {
  readonly kind: 'serial' | 'parallel' | 'worker-based';
  /** CLI arguments that select and configure it. */
  readonly args: readonly string[];
  /** The matching `load` options. */
  readonly options: Readonly<Record<string, unknown>>;
}

const CANDIDATES: readonly EngineCandidate[] = [
  { kind: 'serial', args: ['--engine', 'serial'], options: {} },
  { kind: 'parallel', args: ['--engine', 'parallel', '--workers', '2'], options: { maxWorkers: 2 } },
  {
    kind: 'worker-based',
    args: ['--engine', 'worker-based', '--amqp', AMQP_URL, '--exchange', exchange, '--topic', 'conformance'],
    options: { url: AMQP_URL, exchange, topics: ['conformance'] },
  },
];

function available(c: EngineCandidate): boolean {
  try {
    load(task({ name: 'probe', execute: () => undefined }), { ...c.options, engine: c.kind });
    return true;
  } catch (e) {
    if (e instanceof NotImplementedError) return false;
    throw e;
  }
}

/** The engines to run on, serial first. */
export const AVAILABLE_ENGINES: readonly EngineCandidate[] = CANDIDATES.filter(available);
