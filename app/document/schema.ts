/**
 * The flow document, format `atomflow.flow/1` (`../shared/DESIGN.md`), as a
 * zod schema: what a person saves and opens, and what the canvas edits.
 *
 * Every object is strict (an unknown field is a problem naming it); maps a
 * person writes (inputs, inject, rebind, env, headers…) refuse `__proto__`,
 * `constructor` and `prototype` as keys. A task node's `config` is checked
 * against its kind's schema (the document schema is a union over the kinds,
 * keyed by `kind`). The same schema is exported as JSON Schema
 * (`npm run schema`).
 *
 * Types are the schema's *input* types: a document as written, before any
 * default is filled in (defaults belong to the task, not to the document).
 */
import { z } from 'zod';
import { jsonValue, safeKey, userMap } from '../catalog/fields.js';
import type { TaskKind } from '../catalog/kind.js';
import { KINDS } from '../catalog/kinds/index.js';

/**
 * Names and descriptions of the schemas that become `$defs` of the JSON
 * Schema. A registry of this module's own (not zod's global one), so that
 * loading the module twice never clashes.
 */
export const schemaIds = z.registry<{ id?: string; title?: string; description?: string }>();
schemaIds.add(jsonValue, { id: 'JsonValue', description: 'Any JSON value.' });

/** The one format this version reads and writes. */
export const FORMAT = 'atomflow.flow/1';

/**
 * A node name: unique in a document, the node's id on the canvas. It must be
 * Unicode text: a lone surrogate (possible in JSON as `"\ud800"`) cannot be
 * stored as text, so the run history would show another name.
 */
export const nodeName = z
  .string()
  .min(1, 'a name must not be empty')
  .refine((s) => !/\p{Surrogate}/u.test(s), 'a name must be Unicode text (this one has a lone surrogate)');
/**
 * A symbol: a name values are published and looked up under. Not a reserved
 * key (as in the maps): symbols become keys of the objects values are passed
 * in, where `__proto__` would set a prototype and the value be lost.
 */
export const symbolName = z
  .string()
  .min(1, 'a symbol name must not be empty')
  .regex(/^(?!(?:__proto__|constructor|prototype)$)/, 'this name is reserved');

const symbols = z.array(symbolName);
/** One name or a list of names. */
const symbolOrList = z.union([symbolName, symbols]);
/** A list of optional symbols, or a map of them to their defaults. */
const optionalSpec = z.union([symbols, userMap(jsonValue)]);
/** A name (the whole result), a list (by position) or a map symbol → key or index. */
const providesSpec = z.union([symbolName, symbols, userMap(z.union([z.string(), z.number().int().min(0)]))]);
/** A list zipped with the required parameters, or a map parameter → symbol. */
const rebindSpec = z.union([symbols, userMap(symbolName)]);

/** What every task node has besides its kind and config (the engine's atom options). */
const taskFields = {
  type: z.literal('task'),
  name: nodeName,
  /** Required parameters; each reads the symbol of the same name unless rebound. */
  requires: symbolOrList.optional(),
  /** Parameters that may be missing. */
  optional: optionalSpec.optional(),
  provides: providesSpec.optional(),
  rebind: rebindSpec.optional(),
  /** Constant inputs of this task, keyed by symbol; they beat every other source. */
  inject: userMap(jsonValue).optional(),
  revertRequires: symbolOrList.optional(),
  revertOptional: optionalSpec.optional(),
  revertRebind: rebindSpec.optional(),
  /** Among tasks ready at once, higher priority starts first. */
  priority: z.number().int().optional(),
};

/** A kind's config is optional in a node when the kind accepts an empty config. */
function taskNodeOf<K extends string, S extends z.ZodType>(kind: TaskKind & { kind: K; configSchema: S }) {
  // Typed as optional for every kind so zod's types stay simple; `TaskNodeDocument` has the precise type.
  const config = (
    kind.configSchema.safeParse({}).success ? kind.configSchema.optional() : kind.configSchema
  ) as z.ZodOptional<S>;
  return z.strictObject({ ...taskFields, kind: z.literal(kind.kind), config });
}

const [noop, value, delay, fail, script, shell, http] = KINDS;

/** A task node: one of the catalog's kinds, with the config that kind takes. */
export const taskNodeSchema = z
  .discriminatedUnion('kind', [
    taskNodeOf(noop),
    taskNodeOf(value),
    taskNodeOf(delay),
    taskNodeOf(fail),
    taskNodeOf(script),
    taskNodeOf(shell),
    taskNodeOf(http),
  ])
  .register(schemaIds, { id: 'TaskNode', description: 'A task: a kind of the catalog with its config.' });

const retryName = { name: nodeName.optional(), provides: providesSpec.optional() };
const revertAll = {
  /** Once exhausted, revert the whole flow instead of this subflow. */
  revertAll: z.boolean().optional(),
};

/**
 * A flow's retry controller. Its name defaults to `<flow>_retry` and shares
 * the namespace of node names. Only `parameterized-for-each` takes an input
 * (`values`, which `rebind` may point at another symbol).
 */
export const retrySchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('times'),
      ...retryName,
      /** How many times the subflow runs at most, the first included. */
      attempts: z.number().int().min(1),
      ...revertAll,
    }),
    z.strictObject({
      type: z.literal('for-each'),
      ...retryName,
      /** The values tried in turn (the retry provides the current one). */
      values: z.array(jsonValue).min(1, 'needs at least one value'),
      ...revertAll,
    }),
    z.strictObject({
      type: z.literal('parameterized-for-each'),
      ...retryName,
      rebind: rebindSpec.optional(),
      ...revertAll,
    }),
    z.strictObject({ type: z.literal('always-revert'), ...retryName }),
    z.strictObject({ type: z.literal('always-revert-all'), ...retryName }),
  ])
  .register(schemaIds, { id: 'Retry', description: "A flow's retry controller." });

/** How much a decider's "no" skips. */
export const DEPTHS = ['all', 'flow', 'neighbors', 'atom'] as const;

/** An explicit link of a graph flow between two of its children. */
export const linkSchema = z
  .strictObject({
    from: nodeName,
    to: nodeName,
    /** A JavaScript function body given `history` (`{ [sourceTask]: result }`); a falsy return skips `to`. */
    decider: z.strictObject({ code: z.string() }).optional(),
    /** What a "no" skips (default `all`); needs a decider. */
    depth: z.enum(DEPTHS).optional(),
  })
  .register(schemaIds, { id: 'Link', description: 'An explicit link between two children of a graph flow.' });

type TaskFieldsDocument = z.input<z.ZodObject<typeof taskFields>>;
type KindOf = (typeof KINDS)[number];
/** An empty config, to ask whether a kind's config schema accepts one. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the empty object is the point here
type EmptyConfig = {};
/** A node of one kind: `config` may be left out when the kind accepts an empty config. */
type TaskNodeOf<K extends KindOf> = K extends KindOf
  ? TaskFieldsDocument & { kind: K['kind'] } & (EmptyConfig extends z.input<K['configSchema']>
        ? { config?: z.input<K['configSchema']> | undefined }
        : { config: z.input<K['configSchema']> })
  : never;
/** A task node, typed by its kind (the schema's input type, with `config` optional where the kind allows). */
export type TaskNodeDocument = TaskNodeOf<KindOf>;
export type RetryDocument = z.input<typeof retrySchema>;
export type LinkDocument = z.input<typeof linkSchema>;

/** Children run one after another, in order. */
export interface LinearNodeDocument {
  type: 'linear';
  name: string;
  retry?: RetryDocument | undefined;
  children: NodeDocument[];
}
/** Children have no order between them. */
export interface UnorderedNodeDocument {
  type: 'unordered';
  name: string;
  retry?: RetryDocument | undefined;
  children: NodeDocument[];
}
/** Children ordered by what they require and provide, and by explicit links. */
export interface GraphNodeDocument {
  type: 'graph';
  name: string;
  retry?: RetryDocument | undefined;
  children: NodeDocument[];
  links?: LinkDocument[] | undefined;
}
export type FlowNodeDocument = LinearNodeDocument | UnorderedNodeDocument | GraphNodeDocument;
export type NodeDocument = TaskNodeDocument | FlowNodeDocument;

// `children` is a getter (zod's way to recurse); spreading would call it too early.
const linearSchema = z.strictObject({
  type: z.literal('linear'),
  name: nodeName,
  retry: retrySchema.optional(),
  get children(): z.ZodArray<z.ZodType<NodeDocument>> {
    return z.array(nodeSchema);
  },
});
const unorderedSchema = z.strictObject({
  type: z.literal('unordered'),
  name: nodeName,
  retry: retrySchema.optional(),
  get children(): z.ZodArray<z.ZodType<NodeDocument>> {
    return z.array(nodeSchema);
  },
});
const graphSchema = z.strictObject({
  type: z.literal('graph'),
  name: nodeName,
  retry: retrySchema.optional(),
  get children(): z.ZodArray<z.ZodType<NodeDocument>> {
    return z.array(nodeSchema);
  },
  links: z.array(linkSchema).optional(),
});
linearSchema.register(schemaIds, {
  id: 'LinearFlow',
  description: 'Children run one after another, in order.',
});
unorderedSchema.register(schemaIds, {
  id: 'UnorderedFlow',
  description: 'Children have no order between them.',
});
graphSchema.register(schemaIds, {
  id: 'GraphFlow',
  description: 'Children ordered by what they require and provide, and by explicit links.',
});

/*
 * The recursive node types are written by hand above (zod cannot infer a
 * recursive union); the casts give the schemas those types.
 */

/** A flow node: linear, unordered or graph. */
export const flowNodeSchema = z
  .discriminatedUnion('type', [linearSchema, unorderedSchema, graphSchema])
  .register(schemaIds, {
    id: 'FlowNode',
    description: 'A flow: linear, unordered or graph, with children.',
  }) as unknown as z.ZodType<FlowNodeDocument>;

/** Any node: a task or a flow. */
export const nodeSchema = z
  .discriminatedUnion('type', [taskNodeSchema, linearSchema, unorderedSchema, graphSchema])
  .register(schemaIds, {
    id: 'Node',
    description: 'A task or a flow.',
  }) as unknown as z.ZodType<NodeDocument>;

/** Where the canvas draws a node. */
const layoutEntry = z.strictObject({
  x: z.number(),
  y: z.number(),
  width: z.number().min(0).optional(),
  height: z.number().min(0).optional(),
  collapsed: z.boolean().optional(),
});

/** A whole document. */
export const documentSchema = z
  .strictObject({
    format: z.literal(FORMAT),
    name: nodeName,
    /** Flow-level input values (the engine's store), keyed by symbol. */
    inputs: userMap(jsonValue).optional(),
    /** The root flow. */
    flow: flowNodeSchema,
    /** Canvas positions, keyed by node name. Entries of names no node has are ignored. */
    layout: userMap(layoutEntry).optional(),
  })
  .register(schemaIds, {
    title: 'Atomflow flow document (atomflow.flow/1)',
    description: 'A flow of tasks for Atomflow: tasks, linear / unordered / graph flows, retries and links.',
  });

/** A whole document, as written (what `readDocument` gives and `toDocument` makes). */
export interface FlowDocument {
  format: typeof FORMAT;
  name: string;
  inputs?: Record<string, z.core.util.JSONType> | undefined;
  flow: FlowNodeDocument;
  layout?: Record<string, z.input<typeof layoutEntry>> | undefined;
}

export { safeKey };
