/**
 * Problems: what validation reports, each tied to the node it concerns (so
 * the canvas can paint it there) and to the field, in the notation a person
 * would write (`requires[1]`, `config.ms`, `links[0].to`).
 */

/** One problem: the node it concerns (its name, when there is one), the field path, a sentence. */
export interface Problem {
  /** The name of the node the problem is about; absent for the document's own fields. */
  node?: string;
  /** The field, relative to the node (or to the document when there is no node), e.g. `requires[1]`. */
  path: string;
  message: string;
}

/** A path segment as a person writes it: `.name`, `["odd key"]`, `[3]`. */
export type PathKey = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Joins path segments: `['requires', 1]` → `requires[1]`, `['env', 'A B']` → `env["A B"]`. */
export function formatPath(keys: readonly PathKey[]): string {
  let out = '';
  for (const k of keys) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (IDENTIFIER.test(k)) out += out === '' ? k : `.${k}`;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out;
}

/** Human form of a problem: `<file>: <node>.<path>: <message>` (parts that are missing are left out). */
export function formatProblem(p: Problem, file?: string): string {
  const where =
    p.node === undefined
      ? p.path
      : p.path === ''
        ? p.node
        : p.path.startsWith('[')
          ? `${p.node}${p.path}`
          : `${p.node}.${p.path}`;
  return [file, where, p.message].filter((s) => s !== undefined && s !== '').join(': ');
}

/**
 * Quotes a name in a message: `"add"`. Never throws: a value given where a
 * name belongs may be anything (an object without a prototype cannot be
 * turned into a string).
 */
export function q(name: unknown): string {
  try {
    return JSON.stringify(String(name));
  } catch {
    return JSON.stringify(Object.prototype.toString.call(name));
  }
}

/** A value in a message, as JSON where it can be (a BigInt, a cycle… are shown by {@link q}). */
export function shown(value: unknown): string {
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // Not JSON data: said as a string instead.
  }
  return q(value);
}

/** A list of quoted names: `"a", "b" and "c"`. */
export function names(list: readonly unknown[]): string {
  const quoted = list.map(q);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1) ?? ''}`;
}
