/**
 * How a graph flow's children are ordered, worked out as the engine does
 * (`GraphFlow.add` then `link`, spec §2.4) but reporting every problem
 * instead of stopping at the first: ambiguous providers, cycles made by
 * requires/provides, and explicit links that name no child, link a node to
 * itself, close a cycle, give a depth without a decider or have a decider
 * that does not compile.
 */
import { compileBody } from '../catalog/run-code.js';
import type { FlowModel, ItemModel } from './model.js';
import { reaches } from './model.js';
import { names, q, type Problem } from './problems.js';
import { symbolField } from './symbol-fields.js';

function addEdge(flow: FlowModel, from: number, to: number): void {
  flow.succ[from]?.add(to);
  flow.pred[to]?.add(from);
}

/** One cycle through the links, as child indices with the first repeated at the end. */
function findCycle(flow: FlowModel): number[] | undefined {
  const state = flow.children.map(() => 0); // 0 new, 1 on the path, 2 done
  const path: number[] = [];
  const visit = (n: number): number[] | undefined => {
    state[n] = 1;
    path.push(n);
    for (const m of flow.succ[n] ?? []) {
      if (state[m] === 1) return [...path.slice(path.indexOf(m)), m];
      if (state[m] === 0) {
        const found = visit(m);
        if (found) return found;
      }
    }
    path.pop();
    state[n] = 2;
    return undefined;
  };
  for (let i = 0; i < flow.children.length; i++) {
    if (state[i] === 0) {
      const found = visit(i);
      if (found) return found;
    }
  }
  return undefined;
}

/** Links inferred from requires/provides, in the engine's order (one `add` of every child). */
function inferLinks(flow: FlowModel, problems: Problem[]): void {
  const retryProvides = new Set(flow.retry?.provides ?? []);
  const provided = new Map<string, number[]>();
  const required = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, v: number): void => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  flow.children.forEach((child, i) => {
    for (const s of child.requires) {
      if (retryProvides.has(s)) continue;
      const providers = provided.get(s);
      if (!providers) push(required, s, i);
      else if (providers.length > 1) problems.push(ambiguity(flow, child, s, providers));
      else addEdge(flow, providers[0] as number, i);
    }
    for (const s of child.provides) push(provided, s, i);
    for (const s of child.provides) {
      const needing = required.get(s);
      if (!needing) continue;
      for (const r of [...needing]) {
        if (r === i) continue;
        addEdge(flow, i, r);
        needing.splice(needing.indexOf(r), 1);
      }
    }
  });
}

function ambiguity(flow: FlowModel, child: ItemModel, symbol: string, providers: readonly number[]): Problem {
  const by = providers.map((p) => (flow.children[p] as ItemModel).name);
  return {
    ...symbolField(child, symbol),
    message: `${q(symbol)} has several providers in graph ${q(flow.name)} (${names(by)}); a graph child's input must have one`,
  };
}

function childName(flow: FlowModel, i: number): string {
  return (flow.children[i] as ItemModel).name;
}

/** Checks and applies the explicit links of a graph. */
function explicitLinks(flow: FlowModel, problems: Problem[]): void {
  if (flow.node.type !== 'graph') return;
  const index = new Map(flow.children.map((c, i) => [c.name, i]));
  (flow.node.links ?? []).forEach((link, li) => {
    const at = (field: string): string => `links[${li}]${field}`;
    const report = (field: string, message: string): void => {
      problems.push({ node: flow.name, path: at(field), message });
    };
    const from = index.get(link.from);
    const to = index.get(link.to);
    if (from === undefined) report('.from', `${q(link.from)} is not a child of graph ${q(flow.name)}`);
    if (to === undefined) report('.to', `${q(link.to)} is not a child of graph ${q(flow.name)}`);
    if (link.depth !== undefined && link.decider === undefined) report('.depth', 'a depth needs a decider');
    if (link.decider !== undefined) {
      try {
        compileBody(link.decider.code, `${flow.name}.${at('.decider.code')}`);
      } catch (e) {
        report('.decider.code', `does not compile: ${(e as Error).message}`);
      }
    }
    if (from === undefined || to === undefined) return;
    if (from === to) {
      report('', `links ${q(link.from)} to itself`);
    } else if (reaches(flow, to, from)) {
      report(
        '',
        `linking ${q(link.from)} to ${q(link.to)} makes a cycle: ${q(link.to)} already leads to ${q(link.from)}`,
      );
    } else {
      addEdge(flow, from, to);
    }
  });
}

/** Orders a graph's children: inferred links, a cycle check, then explicit links. */
export function linkGraph(flow: FlowModel, problems: Problem[]): void {
  inferLinks(flow, problems);
  const cycle = findCycle(flow);
  if (cycle) {
    problems.push({
      node: flow.name,
      path: 'children',
      message: `what the children require and provide makes a cycle: ${cycle.map((i) => q(childName(flow, i))).join(' → ')}`,
    });
  }
  explicitLinks(flow, problems);
}
