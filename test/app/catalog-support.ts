/**
 * Runs task nodes through a real engine, as a document would: the nodes go
 * into a linear flow of a document, which must validate, is built with
 * `buildFlow` and run with `load(...).run()`, every event captured.
 */
import {
  buildFlow,
  validateDocument,
  type FlowDocument,
  type NodeDocument,
  type RetryDocument,
} from '../../app/document/index.js';
import { load, type Engine, type EngineEvent, type LoadOptions, type Values } from '../../engine/index.js';

export interface Outcome {
  /** Every value the run provided (when it succeeded). */
  values?: Values;
  /** What the run raised (when it did not succeed). */
  error?: Error;
  events: EngineEvent[];
  engine: Engine;
}

/** A document whose root linear flow holds `children`. */
export function documentOf(children: NodeDocument[], inputs?: Values, retry?: RetryDocument): FlowDocument {
  return {
    format: 'atomflow.flow/1',
    name: 'test',
    ...(inputs === undefined ? {} : { inputs: inputs as FlowDocument['inputs'] }),
    flow: { type: 'linear', name: 'root', ...(retry === undefined ? {} : { retry }), children },
  };
}

/** Validates, builds and runs a document; the run's values or error, and its events. */
export async function runDocument(doc: FlowDocument, options: LoadOptions = {}): Promise<Outcome> {
  const problems = validateDocument(doc);
  if (problems.length > 0) throw new Error(`invalid test document: ${JSON.stringify(problems)}`);
  const engine = load(buildFlow(doc), { store: doc.inputs ?? {}, ...options });
  const events: EngineEvent[] = [];
  engine.notifier.on('*', (e) => {
    events.push(e);
  });
  try {
    await engine.run();
    return { values: engine.storage.fetchAll(), events, engine };
  } catch (e) {
    return { error: e as Error, events, engine };
  }
}

/** Runs task nodes in a linear flow. */
export function runNodes(children: NodeDocument[], inputs?: Values, options?: LoadOptions): Promise<Outcome> {
  return runDocument(documentOf(children, inputs), options);
}

/** The log lines of a task, as `stream: text`. */
export function logsOf(events: readonly EngineEvent[], name: string): string[] {
  return events.flatMap((e) => (e.type === 'log' && e.name === name ? [`${e.stream}: ${e.text}`] : []));
}

/** The states a task went through. */
export function statesOf(events: readonly EngineEvent[], name: string): string[] {
  return events.flatMap((e) => (e.type === 'atom' && e.name === name ? [e.state] : []));
}

/** The result an atom event carried when the task reached `state`. */
export function resultAt(events: readonly EngineEvent[], name: string, state: string): unknown {
  const e = events.find((x) => x.type === 'atom' && x.name === name && x.state === state);
  return e?.type === 'atom' ? e.result : undefined;
}
