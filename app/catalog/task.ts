/**
 * The engine task of a task node: its kind's execute and revert, bound to its
 * parsed config, with the node kept so the document can be given back.
 */
import {
  Task,
  type RevertInfo,
  type TaskContext,
  type TaskOptions,
  type Values,
} from '../../engine/index.js';
import type { TaskNodeDocument } from '../document/schema.js';
import type { TaskKind } from './kind.js';
import { catalog } from './registry.js';

/** A pool process must not outlive a script's own limit by more than this before it is killed. */
const POOL_GRACE_MS = 1000;

/** The atom options a task node declares (everything but its kind and config). */
export function atomOptionsOf(node: TaskNodeDocument): TaskOptions {
  const o: TaskOptions = { name: node.name };
  if (node.requires !== undefined) o.requires = node.requires;
  if (node.optional !== undefined) o.optional = node.optional;
  if (node.provides !== undefined) o.provides = node.provides;
  if (node.rebind !== undefined) o.rebind = node.rebind;
  if (node.inject !== undefined) o.inject = node.inject;
  if (node.revertRequires !== undefined) o.revertRequires = node.revertRequires;
  if (node.revertOptional !== undefined) o.revertOptional = node.revertOptional;
  if (node.revertRebind !== undefined) o.revertRebind = node.revertRebind;
  if (node.priority !== undefined) o.priority = node.priority;
  return o;
}

/** A task made from a document's task node by {@link createTask}. */
export class CatalogTask extends Task {
  /** The node this task was made from, as given. */
  readonly node: TaskNodeDocument;
  readonly taskKind: TaskKind;
  /** The node's config with its kind's defaults filled in. */
  readonly config: unknown;

  constructor(node: TaskNodeDocument, taskKind: TaskKind, config: unknown, options: TaskOptions) {
    super(options);
    this.node = node;
    this.taskKind = taskKind;
    this.config = config;
  }

  execute(args: Values, ctx: TaskContext): unknown {
    return this.taskKind.execute(this.config, args, ctx);
  }

  override revert(args: Values, info: RevertInfo, ctx: TaskContext): unknown {
    return this.taskKind.revert ? this.taskKind.revert(this.config, args, info, ctx) : undefined;
  }
}

/**
 * The engine Task for a task node of a document. It keeps the node (so
 * `toDocument` can give it back) and parses the config once, so each task
 * object has its own config (which `fail` counts executions against). Throws
 * for an unknown kind or a bad config: validate documents first.
 *
 * Tasks of kinds marked `pool` (script) carry a reference to this function
 * and their node, so the parallel engine can rebuild them in a pool process;
 * every task carries a remote reference (its kind and node), so the
 * worker-based engine can run it on a worker that advertises the kind.
 */
export function createTask(node: TaskNodeDocument): Task {
  const kind = catalog.get(node.kind);
  if (!kind) {
    const known = catalog
      .kinds()
      .map((k) => k.kind)
      .join(', ');
    throw new TypeError(`Task '${node.name}' has an unknown kind '${node.kind}' (known kinds: ${known})`);
  }
  const parsed = kind.configSchema.safeParse(node.config ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? `config.${first.path.join('.')}` : 'config';
    throw new TypeError(`Task '${node.name}' has a bad ${where}: ${first?.message ?? 'invalid'}`);
  }
  const options = atomOptionsOf(node);
  // Every kind can run on a worker: the worker rebuilds the task from its node (see endpoints.ts).
  options.remote = { kind: node.kind, args: [node] };
  if (kind.pool) {
    options.ref = { module: import.meta.url, export: 'createTask', args: [node] };
    const limit = (parsed.data as { timeoutMs?: unknown }).timeoutMs;
    if (typeof limit === 'number') options.timeoutMs = limit + POOL_GRACE_MS;
  }
  return new CatalogTask(node, kind, parsed.data, options);
}
