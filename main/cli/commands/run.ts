/** `atomflow run FILE`: validates a flow document, runs it and follows it to its end. */
import { resolve } from 'node:path';
import {
  InvalidDocumentError,
  RunService,
  type EngineKind,
  type EngineRunOptions,
} from '../../../app/runs/index.js';
import type { ExitCode } from '../exit-codes.js';
import { parseInputs } from '../inputs.js';
import type { FlowDocument } from '../../../app/document/index.js';
import { readDocumentJson } from '../read-document.js';
import { follow } from './follow.js';

/** Options of `atomflow run`, as commander parses them. */
export interface RunCommandOptions {
  readonly engine: EngineKind;
  readonly workers?: number;
  readonly amqp?: string;
  readonly exchange?: string;
  readonly topic: readonly string[];
  readonly workerTimeout?: number;
  readonly db?: string;
  readonly input: readonly string[];
  readonly json?: boolean;
}

/** Counts the task nodes of a document's flow tree, by name. */
function taskNames(node: unknown, out: string[] = []): string[] {
  if (typeof node !== 'object' || node === null) return out;
  const n = node as { type?: unknown; name?: unknown; children?: unknown };
  if (n.type === 'task' && typeof n.name === 'string') out.push(n.name);
  if (Array.isArray(n.children)) for (const c of n.children) taskNames(c, out);
  return out;
}

export async function runCommand(file: string, options: RunCommandOptions): Promise<ExitCode> {
  // Everything about the input is checked before the store is opened: a bad run writes nothing.
  const inputs = parseInputs(options.input);
  const document = readDocumentJson(file);
  const engineOptions: EngineRunOptions = {
    ...(options.workers !== undefined ? { maxWorkers: options.workers } : {}),
    ...(options.amqp !== undefined ? { url: options.amqp } : {}),
    ...(options.exchange !== undefined ? { exchange: options.exchange } : {}),
    ...(options.topic.length > 0 ? { topics: options.topic } : {}),
    ...(options.workerTimeout !== undefined ? { timeoutMs: options.workerTimeout } : {}),
  };
  const service = new RunService({ db: options.db });
  try {
    // Problems found by the service's dry run are named with the path as typed.
    const start: typeof service.start = (doc, startOptions, listener) => {
      try {
        return service.start(doc, startOptions, listener);
      } catch (e) {
        if (e instanceof InvalidDocumentError) throw new InvalidDocumentError(e.problems, file);
        throw e;
      }
    };
    return await follow(
      service,
      (listener) =>
        start(document, { engine: options.engine, inputs, engineOptions, file: resolve(file) }, listener),
      { json: options.json === true, db: options.db },
      () => {
        // The service accepted it, so it is a valid document.
        const doc = document as FlowDocument;
        return {
          title: `Running '${doc.name}' from ${file} on the ${options.engine} engine`,
          tasks: taskNames(doc.flow),
        };
      },
    );
  } finally {
    await service.close();
  }
}
