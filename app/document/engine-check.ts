/**
 * The last check: build the flow and let the engine itself compile, prepare
 * and validate it on a throwaway engine (no persistence), so nothing the
 * engine would refuse can pass validation. Only run once every other check
 * passed; anything it finds then means the checks above missed a case, and
 * is still reported as a problem rather than thrown.
 */
import { MissingDependencies, load } from '../../engine/index.js';
import { buildUnchecked } from './build.js';
import { atomsOf, type AtomModel, type FlowModel } from './model.js';
import { q, type Problem } from './problems.js';
import type { FlowDocument } from './schema.js';
import { atomField } from './symbol-fields.js';

/** The atom-level errors of a `MissingDependencies` chain (each names an atom and a method). */
function missingChain(e: MissingDependencies): MissingDependencies[] {
  const out: MissingDependencies[] = [];
  let cur: unknown = e;
  while (cur instanceof MissingDependencies) {
    if (cur.method !== undefined) out.push(cur);
    cur = cur.cause;
  }
  return out.reverse();
}

/** Problems the engine finds in a document that passed every other check (normally none). */
export function engineProblems(doc: FlowDocument, model: FlowModel): Problem[] {
  const root = doc.flow.name;
  try {
    const engine = load(buildUnchecked(doc), { store: doc.inputs ?? {} });
    engine.compile();
    engine.prepare();
    engine.validate();
    return [];
  } catch (e) {
    if (e instanceof MissingDependencies) {
      const atoms = new Map<string, AtomModel>(atomsOf(model).map((a) => [a.name, a]));
      const out: Problem[] = [];
      for (const m of missingChain(e)) {
        const atom = atoms.get(m.who);
        for (const symbol of m.missingRequirements) {
          const method = m.method === 'revert' ? 'revert' : 'execute';
          const place = atom ? atomField(atom, symbol, method) : { node: root, path: '' };
          out.push({
            ...place,
            message: `no task or input that runs before ${q(m.who)} provides ${q(symbol)}`,
          });
        }
      }
      if (out.length > 0) return out;
    }
    return [{ node: root, path: '', message: `the engine refuses this flow: ${(e as Error).message}` }];
  }
}
