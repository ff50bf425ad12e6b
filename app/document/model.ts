/**
 * The semantic model validation works on: every node of a document that
 * fits the schema, with what its engine atom requires and provides (taken
 * from real engine atoms, so argument mapping follows the engine exactly)
 * and, for graphs, the links the engine would infer.
 */
import { task, type Atom, type Retry } from '../../engine/index.js';
import { atomOptionsOf } from '../catalog/task.js';
import type { Problem } from './problems.js';
import { createRetry } from './retries.js';
import type { FlowNodeDocument, RetryDocument, TaskNodeDocument } from './schema.js';

export interface TaskModel {
  readonly type: 'task';
  readonly name: string;
  readonly node: TaskNodeDocument;
  /** The engine atom (undefined when its options were refused; a problem says why). */
  readonly atom: Atom | undefined;
  readonly parent: FlowModel | undefined;
  /** Position among the parent's children. */
  readonly index: number;
  readonly requires: readonly string[];
  readonly provides: readonly string[];
}

export interface RetryModel {
  readonly type: 'retry';
  /** Its name, or the default `<flow>_retry`. */
  readonly name: string;
  readonly doc: RetryDocument;
  /** The flow the retry belongs to. */
  readonly owner: FlowModel;
  readonly atom: Retry | undefined;
  readonly requires: readonly string[];
  readonly provides: readonly string[];
}

export interface FlowModel {
  readonly type: 'flow';
  readonly name: string;
  readonly node: FlowNodeDocument;
  readonly parent: FlowModel | undefined;
  readonly index: number;
  retry: RetryModel | undefined;
  children: ItemModel[];
  /** Graph flows: links between children by index (inferred and explicit); empty lists otherwise. */
  succ: Set<number>[];
  pred: Set<number>[];
  requires: readonly string[];
  provides: readonly string[];
}

export type ItemModel = TaskModel | FlowModel;
export type AtomModel = TaskModel | RetryModel;

/** Every atom inside an item: a task itself; a flow's retry, then its children's atoms. */
export function atomsOf(item: ItemModel): AtomModel[] {
  if (item.type === 'task') return [item];
  const out: AtomModel[] = item.retry ? [item.retry] : [];
  for (const c of item.children) out.push(...atomsOf(c));
  return out;
}

/** Whether child `from` leads to child `to` through a graph's links (from ≠ to). */
export function reaches(flow: FlowModel, from: number, to: number): boolean {
  const seen = new Set<number>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const n = stack.pop() as number;
    for (const m of flow.succ[n] ?? []) {
      if (m === to) return true;
      if (!seen.has(m)) {
        seen.add(m);
        stack.push(m);
      }
    }
  }
  return false;
}

/** Parameters a task declares for one method: its required and optional names. */
function declared(requires: string | readonly string[] | undefined, optional: unknown): Set<string> {
  const out = new Set<string>(
    requires === undefined ? [] : typeof requires === 'string' ? [requires] : requires,
  );
  if (Array.isArray(optional)) for (const o of optional as string[]) out.add(o);
  else if (optional !== undefined && optional !== null) for (const k of Object.keys(optional)) out.add(k);
  return out;
}

/**
 * `rebind` naming parameters the task does not declare (the engine refuses
 * those with "Extra arguments"), reported on the entry at fault.
 */
function rebindProblems(
  node: string,
  field: string,
  rebind: readonly string[] | Readonly<Record<string, string>> | undefined,
  requires: string | readonly string[] | undefined,
  optional: unknown,
  what = 'task',
): Problem[] {
  if (rebind === undefined) return [];
  const params = declared(requires, optional);
  const required = requires === undefined ? [] : typeof requires === 'string' ? [requires] : requires;
  const out: Problem[] = [];
  if (Array.isArray(rebind)) {
    (rebind as readonly string[]).forEach((symbol, i) => {
      if (i < required.length || params.has(symbol)) return;
      out.push({
        node,
        path: `${field}[${i}]`,
        message:
          what === 'task'
            ? `has no required parameter at this position (${field === 'revertRebind' ? 'revertRequires' : 'requires'} lists ${required.length})`
            : `has no parameter at this position (this ${what} has ${required.length})`,
      });
    });
  } else {
    for (const param of Object.keys(rebind)) {
      if (params.has(param)) continue;
      out.push({
        node,
        path: `${field}.${param}`,
        message: `rebinds ${JSON.stringify(param)}, which is not a parameter of this ${what}${what === 'task' ? ' (list it in requires or optional)' : ''}`,
      });
    }
  }
  return out;
}

function taskModel(
  node: TaskNodeDocument,
  parent: FlowModel | undefined,
  index: number,
  problems: Problem[],
): TaskModel {
  const found = [
    ...rebindProblems(node.name, 'rebind', node.rebind, node.requires, node.optional),
    ...(node.revertRebind === undefined
      ? []
      : rebindProblems(
          node.name,
          'revertRebind',
          node.revertRebind,
          node.revertRequires ?? node.requires,
          node.revertOptional ?? node.optional,
        )),
  ];
  let atom: Atom | undefined;
  if (found.length > 0) {
    problems.push(...found);
  } else {
    try {
      atom = task({ ...atomOptionsOf(node), execute: () => undefined });
    } catch (e) {
      const path = node.revertRebind !== undefined ? 'revertRebind' : 'rebind';
      problems.push({ node: node.name, path, message: (e as Error).message });
    }
  }
  return {
    type: 'task',
    name: node.name,
    node,
    atom,
    parent,
    index,
    requires: atom?.requires ?? [],
    provides: atom?.provides ?? [],
  };
}

function retryModel(owner: FlowModel, doc: RetryDocument, problems: Problem[]): RetryModel {
  const name = doc.name ?? `${owner.name}_retry`;
  let atom: Retry | undefined;
  const found =
    doc.type === 'parameterized-for-each'
      ? rebindProblems(owner.name, 'retry.rebind', doc.rebind, ['values'], undefined, 'retry')
      : [];
  if (found.length > 0) {
    problems.push(...found);
  } else {
    try {
      atom = createRetry(doc);
    } catch (e) {
      problems.push({ node: owner.name, path: 'retry', message: (e as Error).message });
    }
  }
  return {
    type: 'retry',
    name,
    doc,
    owner,
    atom,
    requires: atom?.requires ?? [],
    provides: atom?.provides ?? [],
  };
}

/** What a graph needs in order to place its children: see `graph-links.ts`. */
export type GraphLinker = (flow: FlowModel, problems: Problem[]) => void;

function flowModel(
  node: FlowNodeDocument,
  parent: FlowModel | undefined,
  index: number,
  problems: Problem[],
  linkGraph: GraphLinker,
): FlowModel {
  const flow: FlowModel = {
    type: 'flow',
    name: node.name,
    node,
    parent,
    index,
    retry: undefined,
    children: [],
    succ: [],
    pred: [],
    requires: [],
    provides: [],
  };
  if (node.retry) flow.retry = retryModel(flow, node.retry, problems);
  flow.children = node.children.map((c, i) =>
    c.type === 'task' ? taskModel(c, flow, i, problems) : flowModel(c, flow, i, problems, linkGraph),
  );
  flow.succ = flow.children.map(() => new Set<number>());
  flow.pred = flow.children.map(() => new Set<number>());
  if (node.type === 'graph') linkGraph(flow, problems);
  flow.provides = providesOf(flow);
  flow.requires = requiresOf(flow);
  return flow;
}

/** The retry's provides and every child's (spec §2.1). */
function providesOf(flow: FlowModel): string[] {
  const out = new Set<string>(flow.retry?.provides ?? []);
  for (const c of flow.children) for (const p of c.provides) out.add(p);
  return [...out];
}

/** What a flow needs from outside, per pattern (spec §2.2–§2.4). */
function requiresOf(flow: FlowModel): string[] {
  const out = new Set<string>(flow.retry?.requires ?? []);
  const retryProvides = new Set(flow.retry?.provides ?? []);
  switch (flow.node.type) {
    case 'linear': {
      const provided = new Set(retryProvides);
      for (const c of flow.children) {
        for (const r of c.requires) if (!provided.has(r)) out.add(r);
        for (const p of c.provides) provided.add(p);
      }
      break;
    }
    case 'unordered':
      for (const c of flow.children) for (const r of c.requires) if (!retryProvides.has(r)) out.add(r);
      break;
    case 'graph':
      flow.children.forEach((c, i) => {
        const have = new Set<string>();
        for (let j = 0; j < flow.children.length; j++) {
          if (j !== i && reaches(flow, j, i))
            for (const p of (flow.children[j] as ItemModel).provides) have.add(p);
        }
        for (const r of c.requires) if (!retryProvides.has(r) && !have.has(r)) out.add(r);
      });
      break;
  }
  return [...out];
}

/** The model of a document's root flow; problems found on the way are added to `problems`. */
export function buildModel(root: FlowNodeDocument, problems: Problem[], linkGraph: GraphLinker): FlowModel {
  return flowModel(root, undefined, 0, problems, linkGraph);
}
