/**
 * The flow document (`atomflow.flow/1`) as the designer edits it. The types
 * are loose on purpose: a person may open a document the host would refuse
 * (the canvas shows its problems on the nodes), so nothing here may assume a
 * field is well formed. The host's validation is the judge of what is valid.
 */

/** The one format this version reads and writes. */
export const FORMAT = 'atomflow.flow/1';

export type GroupType = 'linear' | 'unordered' | 'graph';
export const GROUP_TYPES: readonly GroupType[] = ['linear', 'unordered', 'graph'];

export type SymbolList = string | string[];
export type ProvidesSpec = string | string[] | Record<string, string | number>;
export type RebindSpec = string[] | Record<string, string>;

export interface TaskDoc {
  type: 'task';
  name: string;
  kind: string;
  config?: Record<string, unknown>;
  requires?: SymbolList;
  optional?: string[] | Record<string, unknown>;
  provides?: ProvidesSpec;
  rebind?: RebindSpec;
  inject?: Record<string, unknown>;
  revertRequires?: SymbolList;
  revertOptional?: string[] | Record<string, unknown>;
  revertRebind?: RebindSpec;
  priority?: number;
}

export const RETRY_TYPES = [
  'times',
  'for-each',
  'parameterized-for-each',
  'always-revert',
  'always-revert-all',
] as const;
export type RetryType = (typeof RETRY_TYPES)[number];

export interface RetryDoc {
  type: RetryType;
  name?: string;
  provides?: ProvidesSpec;
  attempts?: number;
  values?: unknown[];
  rebind?: RebindSpec;
  revertAll?: boolean;
}

export const DEPTHS = ['all', 'flow', 'neighbors', 'atom'] as const;
export type Depth = (typeof DEPTHS)[number];

export interface LinkDoc {
  from: string;
  to: string;
  decider?: { code: string };
  depth?: Depth;
}

export interface GroupDoc {
  type: GroupType;
  name: string;
  retry?: RetryDoc;
  children: NodeDoc[];
  links?: LinkDoc[];
}

export type NodeDoc = TaskDoc | GroupDoc;

export interface LayoutEntry {
  x: number;
  y: number;
  width?: number;
  height?: number;
  collapsed?: boolean;
}

export interface FlowDoc {
  format: string;
  name: string;
  inputs?: Record<string, unknown>;
  flow: GroupDoc;
  /** Positions of members of graph groups, relative to their group (other groups arrange their members). */
  layout?: Record<string, LayoutEntry>;
}

export function isGroup(node: NodeDoc): node is GroupDoc {
  return node.type !== 'task';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The error a file that is not a flow document at all gets (the host judges the rest). */
export class NotAFlowDocument extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAFlowDocument';
  }
}

/**
 * Reads a document a person opens or imports, keeping everything it holds
 * so that the host can report its problems. Refuses only what the canvas
 * cannot draw at all: not JSON, not an object, an unknown format, no root
 * flow. `source` names the file in the error.
 */
export function readDocument(text: string, source: string): FlowDoc {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new NotAFlowDocument(`${source}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return asDocument(value, source);
}

/** As {@link readDocument}, for a value already parsed. */
export function asDocument(value: unknown, source: string): FlowDoc {
  if (!isRecord(value)) throw new NotAFlowDocument(`${source}: a flow document is a JSON object`);
  if (value.format !== FORMAT) {
    throw new NotAFlowDocument(
      `${source}: format ${JSON.stringify(value.format ?? null)} is not one this version reads (${FORMAT})`,
    );
  }
  if (!isRecord(value.flow)) throw new NotAFlowDocument(`${source}: field "flow" (the root flow) is missing`);
  const doc = structuredClone(value) as unknown as FlowDoc;
  if (typeof doc.name !== 'string') doc.name = '';
  normalizeGroup(doc.flow);
  return doc;
}

/** Gives every group a children list and every node a string name and type, so the canvas can draw it. */
function normalizeGroup(group: GroupDoc): void {
  if (!(['linear', 'unordered', 'graph'] as unknown[]).includes(group.type)) group.type = 'linear';
  if (typeof group.name !== 'string') group.name = '';
  if (!Array.isArray(group.children)) group.children = [];
  group.children = group.children.filter((c: unknown) => isRecord(c));
  for (const child of group.children) {
    if (typeof child.name !== 'string') child.name = String(child.name ?? '');
    if (child.type === 'task') {
      if (typeof child.kind !== 'string') child.kind = '';
    } else {
      normalizeGroup(child);
    }
  }
  if (group.links !== undefined && !Array.isArray(group.links)) delete group.links;
  if (group.links)
    group.links = group.links.filter(
      (l) => isRecord(l) && typeof l.from === 'string' && typeof l.to === 'string',
    );
}

/** A new, empty document. */
export function emptyDocument(name = 'untitled'): FlowDoc {
  return { format: FORMAT, name, flow: { type: 'linear', name: 'steps', children: [] } };
}

/** The document as saved and exported: the same fields in a stable order, without empty extras. */
export function toSavedDocument(doc: FlowDoc): FlowDoc {
  const out: FlowDoc = { format: doc.format, name: doc.name } as FlowDoc;
  if (doc.inputs !== undefined) out.inputs = doc.inputs;
  out.flow = doc.flow;
  if (doc.layout !== undefined && Object.keys(doc.layout).length > 0) out.layout = doc.layout;
  return out;
}

/** Symbols as a list, whatever form a field takes. */
export function symbolsOf(spec: unknown): string[] {
  if (typeof spec === 'string') return [spec];
  if (Array.isArray(spec)) return spec.filter((s): s is string => typeof s === 'string');
  if (isRecord(spec)) return Object.keys(spec);
  return [];
}
