/**
 * Where a symbol an atom needs is written in the document, so a problem
 * about it points at that entry: `requires[1]`, `rebind.x`,
 * `optional.limit`, `retry.rebind[0]`….
 */
import type { ArgMappingView } from './mapping.js';
import { mappingsOf } from './mapping.js';
import type { AtomModel, ItemModel, RetryModel } from './model.js';
import { atomsOf } from './model.js';
import { formatPath, type PathKey } from './problems.js';
import type { TaskNodeDocument } from './schema.js';

/** Where a problem is: the node and the field. */
export interface Place {
  node: string;
  path: string;
}

type NameList = string | readonly string[] | undefined;

function entryIn(field: string, list: NameList, name: string): string | undefined {
  if (list === undefined) return undefined;
  if (typeof list === 'string') return list === name ? field : undefined;
  const i = list.indexOf(name);
  return i < 0 ? undefined : formatPath([field, i]);
}

function rebindEntry(
  field: string | readonly PathKey[],
  rebind: readonly string[] | Readonly<Record<string, string>> | undefined,
  param: string,
  symbol: string,
): string | undefined {
  if (rebind === undefined) return undefined;
  const keys = typeof field === 'string' ? [field] : field;
  if (Array.isArray(rebind)) {
    const i = (rebind as readonly string[]).indexOf(symbol);
    return i < 0 ? undefined : formatPath([...keys, i]);
  }
  return Object.hasOwn(rebind, param) ? formatPath([...keys, param]) : undefined;
}

function optionalEntry(
  field: string,
  optional: TaskNodeDocument['optional'],
  param: string,
): string | undefined {
  if (optional === undefined) return undefined;
  if (Array.isArray(optional)) return entryIn(field, optional, param);
  return Object.hasOwn(optional, param) ? formatPath([field, param] as PathKey[]) : undefined;
}

/** The field of a task node that maps `param` (of `execute` or `revert`) to `symbol`. */
function taskField(
  node: TaskNodeDocument,
  method: 'execute' | 'revert',
  param: string,
  symbol: string,
): string {
  const revert = method === 'revert';
  const rebindField = revert && node.revertRebind !== undefined ? 'revertRebind' : 'rebind';
  const requiresField = revert && node.revertRequires !== undefined ? 'revertRequires' : 'requires';
  const optionalField = revert && node.revertOptional !== undefined ? 'revertOptional' : 'optional';
  return (
    rebindEntry(rebindField, node[rebindField], param, symbol) ??
    entryIn(requiresField, node[requiresField], param) ??
    optionalEntry(optionalField, node[optionalField], param) ??
    requiresField
  );
}

function retryField(retry: RetryModel, param: string, symbol: string): string {
  const rebind = retry.doc.type === 'parameterized-for-each' ? retry.doc.rebind : undefined;
  return rebindEntry(['retry', 'rebind'], rebind, param, symbol) ?? 'retry';
}

/** The parameter of `mapping` that reads `symbol`. */
function paramFor(mapping: ArgMappingView, symbol: string): string | undefined {
  for (const [param, s] of Object.entries(mapping.rebind)) if (s === symbol) return param;
  return undefined;
}

/** Where an atom's need for `symbol` (by `method`, or by either) is written. */
export function atomField(atom: AtomModel, symbol: string, method?: 'execute' | 'revert'): Place {
  const mappings = mappingsOf(atom).filter((m) => method === undefined || m.method === method);
  for (const m of mappings) {
    const param = paramFor(m, symbol);
    if (param === undefined) continue;
    if (atom.type === 'retry') return { node: atom.owner.name, path: retryField(atom, param, symbol) };
    return { node: atom.name, path: taskField(atom.node, m.method, param, symbol) };
  }
  return atom.type === 'retry'
    ? { node: atom.owner.name, path: 'retry' }
    : { node: atom.name, path: 'requires' };
}

/**
 * Where a graph child's need for `symbol` is written: the child itself when
 * it is a task, else the first atom inside it that needs the symbol.
 */
export function symbolField(item: ItemModel, symbol: string): Place {
  if (item.type === 'task') return atomField(item, symbol);
  const inner = atomsOf(item).find((a: AtomModel) => a.requires.includes(symbol));
  return inner ? atomField(inner, symbol) : { node: item.name, path: 'children' };
}
