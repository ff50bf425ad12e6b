/**
 * What a task kind is: the unit of the catalog a person drops on the canvas.
 * A kind is stateless; a task of that kind is its config (validated by
 * `configSchema`, which also drives the inspector form) plus the arguments
 * the engine maps for it.
 */
import type { z } from 'zod';
import type { RevertInfo, TaskContext } from '../../engine/index.js';

/** A built-in kind of task: a config schema, execute, an optional revert and a one-line description. */
export interface TaskKind<C = unknown> {
  /** The `kind` of a task node, e.g. `"shell"`. */
  readonly kind: string;
  /** One line for the palette and `--help`. */
  readonly description: string;
  /** Validates a task node's `config` (defaults filled in) and drives the inspector form. */
  readonly configSchema: z.ZodType<C>;
  /**
   * CPU-bound kinds set this: under the parallel engine their tasks run in a
   * pool process (rebuilt there from the document node); the others run in
   * the host process, where waiting on I/O costs nothing.
   */
  readonly pool?: boolean;
  /** Does the work; `args` are the task's inputs keyed by parameter name; the value returned is the result. */
  execute(config: C, args: Record<string, unknown>, ctx: TaskContext): unknown;
  /** Undoes the work when this task or a later one failed. */
  revert?(config: C, args: Record<string, unknown>, info: RevertInfo, ctx: TaskContext): unknown;
}

/**
 * Declares a kind, keeping its literal `kind` and config type (the document
 * schema is a union over the kinds, keyed by `kind`).
 */
export function defineKind<K extends string, S extends z.ZodType>(
  kind: TaskKind<z.output<S>> & { readonly kind: K; readonly configSchema: S },
): TaskKind<z.output<S>> & { readonly kind: K; readonly configSchema: S } {
  return Object.freeze(kind);
}
