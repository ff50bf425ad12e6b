/**
 * Link deciders written in a document: a JavaScript function body given
 * `history` (`{ [sourceTask]: result }`) whose truthiness says whether the
 * link's target runs. It runs like a script (`../catalog/run-code.ts`), with
 * a short time limit: the engine calls deciders synchronously, between tasks.
 */
import type { Decider } from '../../engine/index.js';
import { compileBody, runBody } from '../catalog/run-code.js';

/** A decider's time limit. */
export const DECIDER_TIMEOUT_MS = 1000;

const codes = new WeakMap<Decider, string>();

/** The decider of a link, compiled now (a syntax error throws here). */
export function createDecider(code: string, label: string): Decider {
  const body = compileBody(code, label);
  const decider: Decider = (history) => {
    let copy: unknown;
    try {
      copy = structuredClone(history);
    } catch {
      copy = { ...history };
    }
    return runBody(body, { history: copy }, DECIDER_TIMEOUT_MS);
  };
  codes.set(decider, code);
  return decider;
}

/** The code a decider was made from by {@link createDecider}, if it was. */
export function deciderCodeOf(decider: Decider): string | undefined {
  return codes.get(decider);
}
