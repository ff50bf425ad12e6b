/**
 * The data edges the canvas draws dashed: a task that provides a symbol to
 * a task that requires it (after `rebind`, and not when `inject` gives the
 * value). The engine works out the same from the same fields; this is only
 * a picture of it, so it tolerates fields that are not well formed.
 */
import { isGroup, symbolsOf, type NodeDoc, type TaskDoc } from './document';
import type { Located } from './tree';

export interface DataEdge {
  readonly from: string;
  readonly to: string;
  readonly symbol: string;
}

/** The symbols a task reads: its parameters (required and optional) through `rebind`, less injected ones. */
export function consumedSymbols(task: TaskDoc): string[] {
  const required = symbolsOf(task.requires);
  const optional = symbolsOf(task.optional);
  const rebind = task.rebind;
  const inject = task.inject !== null && typeof task.inject === 'object' ? task.inject : {};
  const out: string[] = [];
  const add = (param: string, symbol: string): void => {
    if (Object.hasOwn(inject, param) || out.includes(symbol)) return;
    out.push(symbol);
  };
  required.forEach((param, i) => {
    let symbol = param;
    if (Array.isArray(rebind) && typeof rebind[i] === 'string') symbol = rebind[i];
    else if (
      rebind &&
      !Array.isArray(rebind) &&
      typeof rebind === 'object' &&
      typeof rebind[param] === 'string'
    )
      symbol = rebind[param];
    add(param, symbol);
  });
  for (const param of optional) {
    const symbol =
      rebind && !Array.isArray(rebind) && typeof rebind === 'object' && typeof rebind[param] === 'string'
        ? rebind[param]
        : param;
    add(param, symbol);
  }
  return out;
}

/** Every data edge of the document, from each provider of a symbol to each task reading it. */
export function dataEdges(index: ReadonlyMap<string, Located>): DataEdge[] {
  const providers = new Map<string, string[]>();
  const tasks: [string, TaskDoc][] = [];
  for (const loc of index.values()) {
    const node: NodeDoc = loc.node;
    if (isGroup(node)) continue;
    tasks.push([loc.id, node]);
    for (const symbol of symbolsOf(node.provides)) {
      const list = providers.get(symbol);
      if (list) list.push(loc.id);
      else providers.set(symbol, [loc.id]);
    }
  }
  const out: DataEdge[] = [];
  for (const [id, task] of tasks) {
    for (const symbol of consumedSymbols(task)) {
      for (const from of providers.get(symbol) ?? []) if (from !== id) out.push({ from, to: id, symbol });
    }
  }
  return out;
}
