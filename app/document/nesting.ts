/**
 * How deeply a document may nest. The schema and the semantic checks recurse
 * through a document (as do serialisation and the engine), so a document of a
 * few thousand nested groups or brackets would overflow the stack; an object
 * that contains itself (not possible in JSON, possible for a caller passing
 * objects) would never end. This check runs first, without recursion, and
 * refuses such a document with one problem at the place it goes too deep.
 */
import { formatPath, type PathKey, type Problem } from './problems.js';
import { locate } from './schema-problems.js';

/**
 * The deepest a document may nest, counting every object and array (the
 * document itself is level 1; a group nested in a group adds two: the node
 * and its `children`). The same bound as a host request's
 * (`MAX_REQUEST_DEPTH`); real documents nest a few dozen levels.
 */
export const MAX_DOCUMENT_DEPTH = 512;

interface Entry {
  readonly value: object;
  readonly depth: number;
  readonly parent: Entry | undefined;
  readonly key: PathKey | undefined;
}

/** The path from the document to an entry. */
function pathOf(e: Entry): PathKey[] {
  const keys: PathKey[] = [];
  for (let at: Entry | undefined = e; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse();
}

/** The first entry on `e`'s path whose value is also one of its ancestors', if any: where a cycle closes. */
function cycleStart(e: Entry): Entry | undefined {
  const chain: Entry[] = [];
  for (let at: Entry | undefined = e; at; at = at.parent) chain.push(at);
  chain.reverse();
  const seen = new Set<object>();
  for (const at of chain) {
    if (seen.has(at.value)) return at;
    seen.add(at.value);
  }
  return undefined;
}

/**
 * A problem when `value` nests deeper than {@link MAX_DOCUMENT_DEPTH} or
 * contains itself; an empty list otherwise. Named after the nearest node on
 * the path, like every other problem.
 */
export function nestingProblems(value: unknown): Problem[] {
  if (typeof value !== 'object' || value === null) return [];
  // The depth each object was walked at: an object reached again (shared) is walked again only deeper.
  const walked = new Map<object, number>();
  const stack: Entry[] = [{ value, depth: 1, parent: undefined, key: undefined }];
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    if ((walked.get(e.value) ?? 0) >= e.depth) continue;
    walked.set(e.value, e.depth);
    if (e.depth > MAX_DOCUMENT_DEPTH) {
      const cycle = cycleStart(e);
      const at = cycle ?? e;
      const path = pathOf(at);
      // Named after the node that holds the offending value, with the field it sits in.
      const { node, rest } = locate(value, path.slice(0, -1));
      rest.push(path.at(-1) as PathKey);
      const problem: Problem = {
        path: formatPath(rest),
        message: cycle
          ? 'contains itself (an object that refers back to one it is inside): not JSON data'
          : `nested deeper than ${String(MAX_DOCUMENT_DEPTH)} levels of objects and arrays`,
      };
      if (node !== undefined) problem.node = node;
      return [problem];
    }
    // Own enumerable keys: for an array, the elements it has (a sparse array's holes are none).
    const array = Array.isArray(e.value);
    for (const k of Object.keys(e.value)) {
      if (array && !/^\d+$/.test(k)) continue;
      const child = (e.value as Record<string, unknown>)[k];
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, depth: e.depth + 1, parent: e, key: array ? Number(k) : k });
    }
  }
  return [];
}
