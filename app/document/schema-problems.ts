/**
 * Turns zod's issues about a document into problems: each tied to the
 * nearest named node on its path, with a message a person understands
 * ("unknown kind", "required", "unknown field") instead of zod's wording.
 */
import type { z } from 'zod';
import { catalog } from '../catalog/registry.js';
import { FORMAT, documentSchema } from './schema.js';
import { formatPath, q, shown, type PathKey, type Problem } from './problems.js';

type Issue = z.core.$ZodIssue;

/** The value at `path` inside `root` (undefined when the path leaves the data). */
function at(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** A type in messages: `number`, `array`, `null`. */
function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Splits a document path into the nearest named node and the rest. Node
 * positions are `flow` and any `children[i]` below a node.
 */
export function locate(root: unknown, path: readonly PathKey[]): { node?: string; rest: PathKey[] } {
  let node: string | undefined;
  let from = 0;
  const consider = (end: number): void => {
    const name = at(root, path.slice(0, end));
    const n = (name as { name?: unknown } | undefined)?.name;
    if (typeof n === 'string' && n !== '') {
      node = n;
      from = end;
    }
  };
  if (path[0] === 'flow') {
    consider(1);
    for (let i = 1; i + 1 < path.length; i += 2) {
      if (path[i] !== 'children' || typeof path[i + 1] !== 'number') break;
      consider(i + 2);
    }
  }
  return node === undefined ? { rest: [...path] } : { node, rest: path.slice(from) };
}

function problemAt(root: unknown, path: readonly PathKey[], message: string): Problem {
  const { node, rest } = locate(root, path);
  const p: Problem = { path: formatPath(rest), message };
  if (node !== undefined) p.node = node;
  return p;
}

function discriminatorMessage(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  value: unknown,
  path: PathKey[],
): string {
  const disc = (issue as { discriminator?: string }).discriminator ?? '';
  const options = ((issue as { options?: unknown[] }).options ?? []).map((o) => String(o));
  if (disc === 'kind') {
    const known = catalog
      .kinds()
      .map((k) => k.kind)
      .join(', ');
    return value === undefined
      ? `required (one of: ${known})`
      : `unknown kind ${q(value)} (known kinds: ${known})`;
  }
  const what = disc === 'type' ? (path.at(-2) === 'retry' ? 'retry type' : 'node type') : disc;
  const list = options.map((o) => q(o)).join(', ');
  return value === undefined
    ? `required (one of ${list})`
    : `unknown ${what} ${q(value)} (expected one of ${list})`;
}

/** zod's "Too small: expected number to be >=1" in plain words. */
function sizeMessage(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const bound = small
    ? (issue as { minimum: number | bigint }).minimum
    : (issue as { maximum: number | bigint }).maximum;
  const inclusive = issue.inclusive ?? true;
  if (!issue.message.startsWith('Too ')) return issue.message;
  switch (issue.origin) {
    case 'number':
    case 'int':
      return `must be ${small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than'} ${String(bound)}`;
    case 'array':
      return `needs ${small ? 'at least' : 'at most'} ${String(bound)} item${bound === 1 ? '' : 's'}`;
    case 'string':
      return `needs ${small ? 'at least' : 'at most'} ${String(bound)} character${bound === 1 ? '' : 's'}`;
    default:
      return issue.message;
  }
}

/**
 * For a union that matched no branch: when a branch got past the value's own
 * type (its issues lie deeper), those issues say what is wrong; otherwise
 * list the types the union accepts.
 */
function unionProblems(
  root: unknown,
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: PathKey[],
): Problem[] {
  const value = at(root, path);
  if (value === undefined) return [problemAt(root, path, 'required')];
  const deeper = issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
  if (deeper) return deeper.flatMap((i) => issueProblems(root, { ...i, path: [...path, ...i.path] }));
  const expected = [
    ...new Set(
      issue.errors.flatMap((branch) =>
        branch
          .filter((i) => i.code === 'invalid_type' && i.path.length === 0)
          .map((i) => (i as { expected: string }).expected),
      ),
    ),
  ].map((e) => (e === 'record' ? 'object' : e));
  if (expected.length === 0) return [problemAt(root, path, issue.message)];
  const list =
    expected.length === 1 ? expected[0] : `${expected.slice(0, -1).join(', ')} or ${expected.at(-1)}`;
  return [problemAt(root, path, `expected ${list ?? ''}, got ${typeOf(value)}`)];
}

function issueProblems(root: unknown, issue: Issue): Problem[] {
  const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
  const value = at(root, path);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return [problemAt(root, path, 'required')];
      if (issue.expected === 'int')
        return [problemAt(root, path, `expected a whole number, got ${shown(value)}`)];
      return [
        problemAt(
          root,
          path,
          `expected ${issue.expected === 'record' ? 'object' : issue.expected}, got ${typeOf(value)}`,
        ),
      ];
    case 'unrecognized_keys':
      // `__proto__` is reported by protoProblems, wherever it is.
      return issue.keys
        .filter((k) => k !== '__proto__')
        .map((k) => problemAt(root, [...path, k], 'unknown field'));
    case 'invalid_union':
      if ((issue as { note?: string }).note === 'No matching discriminator') {
        return [problemAt(root, path, discriminatorMessage(issue, value, path))];
      }
      return unionProblems(root, issue, path);
    case 'invalid_key': {
      const key = path.at(-1);
      const inner = issue.issues[0]?.message ?? issue.message;
      return [
        problemAt(root, path, inner === 'this name is reserved' ? `${q(key)} is a reserved name` : inner),
      ];
    }
    case 'invalid_value':
      if (path.length === 1 && path[0] === 'format') {
        return [
          problemAt(
            root,
            path,
            value === undefined
              ? `required: "${FORMAT}"`
              : `unknown format ${q(value)}: this version reads "${FORMAT}" only`,
          ),
        ];
      }
      return [
        problemAt(
          root,
          path,
          `${value === undefined ? 'required' : `${shown(value)} is not allowed`}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        ),
      ];
    case 'too_small':
    case 'too_big':
      return [problemAt(root, path, sizeMessage(issue))];
    case 'invalid_format':
      // A symbol that is a reserved key, said as for a map's key.
      if (issue.message === 'this name is reserved')
        return [problemAt(root, path, `${q(value)} is a reserved name`)];
      return [problemAt(root, path, issue.message)];
    default:
      return [problemAt(root, path, issue.message)];
  }
}

/**
 * `__proto__` keys anywhere (JSON.parse makes them own properties). zod skips
 * them in maps without a word, and code that copies a map with
 * `obj[key] = …` would replace the copy's prototype, so they are refused.
 */
function protoProblems(root: unknown): Problem[] {
  const out: Problem[] = [];
  const walk = (v: unknown, path: PathKey[]): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        walk(x, [...path, i]);
      });
    } else if (typeof v === 'object' && v !== null) {
      for (const k of Object.keys(v)) {
        if (k === '__proto__') out.push(problemAt(root, [...path, k], '"__proto__" is a reserved name'));
        else walk((v as Record<string, unknown>)[k], [...path, k]);
      }
    }
  };
  walk(root, []);
  return out;
}

/** Every problem the schema finds in a document (an empty list when it fits). */
export function schemaProblems(value: unknown): Problem[] {
  const r = documentSchema.safeParse(value);
  const found = r.success ? [] : r.error.issues.flatMap((i) => issueProblems(value, i));
  return [...found, ...protoProblems(value)];
}
