/**
 * The catalog as worker endpoints: what `atomflow worker` runs. A request
 * names a kind and carries the task node the engine built the task from; the
 * node comes from the network, so it is validated against the document
 * schema for that kind before a task is made of it.
 */
import type { WorkerEndpoint } from '../../engine/index.js';
import { taskNodeSchema, type TaskNodeDocument } from '../document/schema.js';
import { catalog } from './registry.js';
import { createTask } from './task.js';

/** Kinds that run arbitrary code or commands: a worker runs them only when told to. */
export const CODE_KINDS: ReadonlySet<string> = new Set(['script', 'shell']);

/** Which kinds a worker offers. */
export interface CatalogEndpointOptions {
  /** Only these kinds (default: every kind, less the code kinds unless allowed). */
  readonly kinds?: readonly string[];
  /** Also offer `script` and `shell`, which run whatever code a request carries. */
  readonly allowCode?: boolean;
}

/** A problem with the kinds asked for, named for the command line. */
export class UnknownKindError extends Error {}

function endpoint(kind: string): WorkerEndpoint {
  return {
    kind,
    build(args, name) {
      const parsed = taskNodeSchema.safeParse(args[0]);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        const where = first && first.path.length > 0 ? first.path.join('.') : 'node';
        throw new TypeError(
          `Task '${name}': the request's task node is invalid at ${where}: ${first?.message ?? ''}`,
        );
      }
      const node = parsed.data as TaskNodeDocument;
      if (node.kind !== kind) {
        throw new TypeError(`Task '${name}': a '${kind}' request carries a '${node.kind}' node`);
      }
      return createTask(node);
    },
  };
}

/**
 * The endpoints of the catalog's kinds for a worker.
 * @throws {UnknownKindError} for a kind the catalog lacks, or a code kind without `allowCode`.
 */
export function catalogEndpoints(options: CatalogEndpointOptions = {}): WorkerEndpoint[] {
  const all = catalog.kinds().map((k) => k.kind);
  const wanted = options.kinds ?? all.filter((k) => options.allowCode === true || !CODE_KINDS.has(k));
  for (const k of wanted) {
    if (!all.includes(k))
      throw new UnknownKindError(`Unknown task kind '${k}' (known kinds: ${all.join(', ')})`);
    if (CODE_KINDS.has(k) && options.allowCode !== true) {
      throw new UnknownKindError(
        `Kind '${k}' runs arbitrary code; a worker offers it only with --allow-code`,
      );
    }
  }
  return [...new Set(wanted)].map(endpoint);
}
