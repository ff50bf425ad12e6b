/**
 * Everything checked before a run is written: the document (schema and
 * semantics), the inputs given with it, the engine kind and its options, and
 * a dry compile/prepare/validate of the flow in memory, so that a run that
 * could never start is refused with every problem and nothing is stored.
 */
import {
  AtomflowError,
  MissingDependencies,
  NotImplementedError,
  load,
  redactUrl,
  type Engine,
  type LoadOptions,
} from '../../engine/index.js';
import { buildFlow, validateDocument, type FlowDocument } from '../document/index.js';
import { EngineUnavailableError, InvalidDocumentError, type RequestProblem } from './errors.js';
import type { EngineKind, EngineRunOptions, StartOptions } from './types.js';

/** The engine kinds a run may name (whether this version has them is up to `load`). */
export const ENGINE_KINDS: readonly EngineKind[] = ['serial', 'parallel', 'worker-based'];

/** Input names that would reach an object's prototype instead of the store. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The document with `inputs` merged over its own; problems of the inputs themselves are returned. */
export function withInputs(
  document: unknown,
  inputs: Readonly<Record<string, unknown>> | undefined,
): { document: unknown; problems: RequestProblem[] } {
  if (inputs === undefined) return { document, problems: [] };
  const problems: RequestProblem[] = [];
  if (!isRecord(inputs)) {
    return {
      document,
      problems: [{ path: 'inputs', message: 'the inputs must be an object of name → value' }],
    };
  }
  const merged: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(inputs)) {
    if (name === '' || FORBIDDEN_NAMES.has(name)) {
      problems.push({ path: `inputs.${name}`, message: `'${name}' cannot be used as an input name` });
      continue;
    }
    Object.defineProperty(merged, name, { value, enumerable: true, writable: true, configurable: true });
  }
  if (!isRecord(document)) return { document, problems };
  const own = document.inputs;
  // A document whose own inputs are malformed is reported by its validation; keep them as they are.
  if (own !== undefined && !isRecord(own)) return { document, problems };
  return { document: { ...document, inputs: { ...own, ...merged } }, problems };
}

/** What a password becomes in a stored URL. */
const REDACTED = '***';

/**
 * The engine options as the run store keeps them: a password in the broker
 * URL is replaced, so the store never holds it (a resume asks for the URL).
 */
export function storableEngineOptions(options: EngineRunOptions = {}): EngineRunOptions {
  return options.url === undefined ? options : { ...options, url: redactUrl(options.url) };
}

/** The `load` options of an engine kind and its options; throws {@link EngineUnavailableError} for bad ones. */
export function engineLoadOptions(engine: string, options: EngineRunOptions = {}): LoadOptions {
  if (!(ENGINE_KINDS as readonly string[]).includes(engine)) {
    throw new EngineUnavailableError(
      `Unknown engine '${engine}' (expected ${ENGINE_KINDS.map((k) => `'${k}'`).join(', ')})`,
    );
  }
  const out: LoadOptions = { engine: engine as EngineKind };
  if (options.maxWorkers !== undefined) {
    if (!Number.isInteger(options.maxWorkers) || options.maxWorkers < 1) {
      throw new EngineUnavailableError(
        `The number of workers must be a whole number of at least 1, got ${String(options.maxWorkers)}`,
      );
    }
    if (engine !== 'parallel') {
      throw new EngineUnavailableError(
        `A number of workers applies to the parallel engine only, not '${engine}'`,
      );
    }
    out.maxWorkers = options.maxWorkers;
  }
  const workerOptions = (['url', 'exchange', 'topics', 'timeoutMs'] as const).filter(
    (k) => options[k] !== undefined,
  );
  if (engine !== 'worker-based') {
    if (workerOptions.length > 0) {
      throw new EngineUnavailableError(
        `${workerOptions.join(', ')} appl${workerOptions.length === 1 ? 'ies' : 'y'} to the worker-based engine only, not '${engine}'`,
      );
    }
    return out;
  }
  const url = options.url ?? process.env.ATOMFLOW_AMQP_URL;
  if (url === undefined) {
    throw new EngineUnavailableError(
      "The worker-based engine needs the AMQP URL of its broker (e.g. '--amqp amqp://127.0.0.1', or ATOMFLOW_AMQP_URL)",
    );
  }
  if (!/^amqps?:\/\//.test(url)) {
    throw new EngineUnavailableError(
      `The broker URL must start with amqp:// or amqps://, got '${redactUrl(url)}'`,
    );
  }
  if (url.includes(REDACTED)) {
    throw new EngineUnavailableError(
      `The broker URL ${url} had a password, which the run store does not keep; give the URL again ` +
        '(--amqp, or ATOMFLOW_AMQP_URL)',
    );
  }
  out.url = url;
  if (options.exchange !== undefined) {
    if (options.exchange.trim() === '')
      throw new EngineUnavailableError('The exchange name must not be empty');
    out.exchange = options.exchange;
  }
  if (options.topics !== undefined) {
    if (options.topics.length === 0 || options.topics.some((t) => t.trim() === '')) {
      throw new EngineUnavailableError('Worker topics must be non-empty names');
    }
    out.topics = [...options.topics];
  }
  if (options.timeoutMs !== undefined) {
    if (!Number.isInteger(options.timeoutMs) || options.timeoutMs < 1) {
      throw new EngineUnavailableError(
        `The worker timeout must be a whole number of milliseconds ≥ 1, got ${String(options.timeoutMs)}`,
      );
    }
    out.timeoutMs = options.timeoutMs;
  }
  return out;
}

/** Loads an engine, turning "this engine does not exist yet" into an {@link EngineUnavailableError}. */
export function loadEngine(flow: unknown, options: LoadOptions): Engine {
  try {
    return load(flow, options);
  } catch (e) {
    if (e instanceof NotImplementedError) throw new EngineUnavailableError(e.message, { cause: e });
    throw e;
  }
}

/** The problems of an engine error found before the run (missing inputs, structure). */
function problemsOf(error: AtomflowError): RequestProblem[] {
  if (error instanceof MissingDependencies) {
    const problems: RequestProblem[] = [];
    for (let e: unknown = error.cause; e instanceof MissingDependencies; e = e.cause) {
      problems.push({
        node: e.who,
        path: e.method === 'revert' ? 'revert requires' : 'requires',
        message: e.message,
      });
    }
    if (problems.length > 0) return problems.reverse();
    return [{ node: error.who, path: 'requires', message: error.message }];
  }
  return [{ path: 'flow', message: error.message }];
}

/**
 * Checks a run request; returns the document to run (inputs merged) or throws
 * {@link InvalidDocumentError} (every problem) or {@link EngineUnavailableError}.
 * Writes nothing anywhere.
 */
export function checkRunRequest(
  document: unknown,
  options: StartOptions,
): { document: FlowDocument; load: LoadOptions } {
  const merged = withInputs(document, options.inputs);
  const problems = [...merged.problems, ...validateDocument(merged.document)];
  if (problems.length > 0) throw new InvalidDocumentError(problems, options.file);
  const doc = merged.document as FlowDocument;
  const loadOptions = engineLoadOptions(options.engine ?? 'serial', options.engineOptions);
  // A dry run of everything before the first task, in memory (no backend).
  const probe = loadEngine(buildFlow(doc), { ...loadOptions, store: doc.inputs ?? {} });
  try {
    probe.compile();
    probe.prepare();
    probe.validate();
  } catch (e) {
    if (e instanceof AtomflowError) throw new InvalidDocumentError(problemsOf(e), options.file);
    throw e;
  }
  return { document: doc, load: loadOptions };
}
