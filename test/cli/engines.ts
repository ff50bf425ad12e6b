/**
 * The engine kinds that the examples and the CLI's end-to-end tests run on:
 * every kind this version's `load` accepts. A kind whose `load` throws
 * NotImplementedError (not built yet) is left out of the list here, rather
 * than skipped test by test; when it lands it joins every loop by itself.
 * Extend `CANDIDATES` with the CLI arguments a new kind needs (the
 * worker-based engine will need a broker: `--amqp`).
 */
import { NotImplementedError, load, task } from '../../engine/index.js';

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
    args: ['--engine', 'worker-based', '--amqp', 'amqp://127.0.0.1:5672'],
    options: { url: 'amqp://127.0.0.1:5672' },
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
