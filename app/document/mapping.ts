/** The argument mappings of a modelled atom (from its engine atom), labelled by method. */
import type { AtomModel } from './model.js';

/** One method's mapping: parameter → symbol, and which parameters are optional. */
export interface ArgMappingView {
  readonly method: 'execute' | 'revert';
  readonly rebind: Readonly<Record<string, string>>;
  readonly optionalParams: ReadonlySet<string>;
}

/** `execute`'s mapping, then `revert`'s when it differs. */
export function mappingsOf(atom: AtomModel): ArgMappingView[] {
  const a = atom.atom;
  if (!a) return [];
  const out: ArgMappingView[] = [{ method: 'execute', ...a.executeMapping }];
  if (a.revertMapping !== a.executeMapping) out.push({ method: 'revert', ...a.revertMapping });
  return out;
}
