/**
 * What the run service keeps in a run's flow detail `meta`, besides the
 * engine's own `engine` key: the document it was started from (so a resume,
 * even in a new process after a crash, rebuilds the same flow), its inputs
 * and options, the process running it, a cancellation mark, and the values
 * provided when it last stopped.
 */
import type { EngineRunOptions } from './types.js';

/** Marks a flow detail written by the run service (and the shape of its meta). */
export const RUN_META_FORMAT = 'atomflow.run/1';

/** The process that runs (or last ran) a run, to tell a crashed run from a live one. */
export interface RunHost {
  readonly pid: number;
  readonly hostname: string;
}

/** The run service's part of a flow detail's meta. */
export interface RunMeta {
  readonly format: typeof RUN_META_FORMAT;
  readonly engine: string;
  readonly document: unknown;
  readonly file?: string;
  readonly inputs: Record<string, unknown>;
  readonly engineOptions: EngineRunOptions;
  readonly host?: RunHost;
  /** ISO-8601 time the run was cancelled. */
  readonly cancelledAt?: string;
  /** Every provided name with its value when the run last stopped (JSON data). */
  readonly results?: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The run service's meta of a flow detail, or `undefined` when the run was not started by the service. */
export function readRunMeta(meta: Readonly<Record<string, unknown>>): RunMeta | undefined {
  if (meta.format !== RUN_META_FORMAT) return undefined;
  const host = meta.host;
  return {
    format: RUN_META_FORMAT,
    engine: typeof meta.engine === 'string' ? meta.engine : 'serial',
    document: meta.document,
    ...(typeof meta.file === 'string' ? { file: meta.file } : {}),
    inputs: isRecord(meta.inputs) ? meta.inputs : {},
    engineOptions: isRecord(meta.engineOptions) ? meta.engineOptions : {},
    ...(isRecord(host) && typeof host.pid === 'number' && typeof host.hostname === 'string'
      ? { host: { pid: host.pid, hostname: host.hostname } }
      : {}),
    ...(typeof meta.cancelledAt === 'string' ? { cancelledAt: meta.cancelledAt } : {}),
    ...(isRecord(meta.results) ? { results: meta.results } : {}),
  };
}
