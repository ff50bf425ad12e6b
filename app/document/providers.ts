/**
 * Does every atom find what it needs? As the engine's `validate()` (spec
 * §4.4): each symbol a task or retry requires (for execute or revert) must
 * be injected into it, be a flow input, or be provided by an atom that runs
 * before it (spec §4.1: earlier in a linear flow, leading to it in a graph,
 * a retry of an enclosing flow — never an unordered sibling). An optional
 * symbol that only atoms it cannot see provide is reported too (the engine
 * would fail on it when the atom is reached).
 */
import { mappingsOf } from './mapping.js';
import { atomsOf, reaches, type AtomModel, type FlowModel, type ItemModel } from './model.js';
import { names, q, type Problem } from './problems.js';
import { atomField } from './symbol-fields.js';

/** The atoms whose results `atom` can read: those that run before it. */
function visibleTo(atom: AtomModel): Set<AtomModel> {
  const out = new Set<AtomModel>();
  // A retry runs first in its flow: it sees only what its flow can see.
  let current: ItemModel = atom.type === 'retry' ? atom.owner : atom;
  let parent: FlowModel | undefined = current.parent;
  while (parent) {
    if (parent.retry) out.add(parent.retry);
    const here = current.index;
    parent.children.forEach((child, i) => {
      const before =
        parent?.node.type === 'linear'
          ? i < here
          : parent?.node.type === 'graph'
            ? reaches(parent, i, here)
            : false;
      if (before) for (const a of atomsOf(child)) out.add(a);
    });
    current = parent;
    parent = parent.parent;
  }
  return out;
}

/** Every atom of the document by the symbols it provides. */
function providersBySymbol(root: FlowModel): Map<string, AtomModel[]> {
  const out = new Map<string, AtomModel[]>();
  for (const a of atomsOf(root)) {
    for (const s of a.provides) {
      const l = out.get(s);
      if (l) l.push(a);
      else out.set(s, [a]);
    }
  }
  return out;
}

function injected(atom: AtomModel): ReadonlySet<string> {
  return new Set(Object.keys(atom.atom?.inject ?? {}));
}

/** Problems of atoms whose inputs have no source that runs before them. */
export function providerProblems(root: FlowModel, inputs: Readonly<Record<string, unknown>>): Problem[] {
  const problems: Problem[] = [];
  const bySymbol = providersBySymbol(root);
  for (const atom of atomsOf(root)) {
    const own = injected(atom);
    let visible: Set<AtomModel> | undefined;
    const reported = new Set<string>();
    for (const mapping of mappingsOf(atom)) {
      for (const [param, symbol] of Object.entries(mapping.rebind)) {
        if (reported.has(symbol) || own.has(symbol) || Object.hasOwn(inputs, symbol)) continue;
        const providers = (bySymbol.get(symbol) ?? []).filter((p) => p !== atom);
        const optional = mapping.optionalParams.has(param);
        if (optional && providers.length === 0) continue;
        visible ??= visibleTo(atom);
        if (providers.some((p) => visible?.has(p))) continue;
        reported.add(symbol);
        const message =
          providers.length === 0
            ? `no task or input provides ${q(symbol)}`
            : `${q(symbol)} is provided only by ${names(providers.map((p) => p.name))}, which ` +
              `${providers.length === 1 ? 'does' : 'do'} not run before ${q(atom.name)}` +
              (optional ? ' (as an optional input it could never be read)' : '');
        problems.push({ ...atomField(atom, symbol, mapping.method), message });
      }
    }
  }
  return problems;
}
