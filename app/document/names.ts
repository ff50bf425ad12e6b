/**
 * Names are unique in a document: tasks, flows and retries share one
 * namespace (they are the canvas's node ids, and the engine requires unique
 * atom names). Works on the raw value, so duplicates are reported even
 * while other parts of the document do not fit the schema.
 */
import { q, type Problem } from './problems.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Named {
  name: string;
  /** The node the problem is reported on, and the field. */
  node: string;
  path: string;
  what: string;
}

function collect(node: unknown, out: Named[]): void {
  if (!isObject(node) || typeof node.name !== 'string' || node.name === '') return;
  const name = node.name;
  out.push({ name, node: name, path: 'name', what: node.type === 'task' ? 'task' : 'flow' });
  if (isObject(node.retry)) {
    const explicit = typeof node.retry.name === 'string';
    out.push({
      name: explicit ? (node.retry.name as string) : `${name}_retry`,
      node: name,
      path: explicit ? 'retry.name' : 'retry',
      what: 'retry',
    });
  }
  if (Array.isArray(node.children)) for (const c of node.children) collect(c, out);
}

/** A problem for every node (or retry) whose name an earlier one already has. */
export function duplicateNameProblems(doc: unknown): Problem[] {
  if (!isObject(doc)) return [];
  const all: Named[] = [];
  collect(doc.flow, all);
  const first = new Map<string, Named>();
  const problems: Problem[] = [];
  for (const n of all) {
    const earlier = first.get(n.name);
    if (!earlier) {
      first.set(n.name, n);
      continue;
    }
    const implicit = n.path === 'retry';
    problems.push({
      node: n.node,
      path: n.path,
      message: implicit
        ? `the retry's default name ${q(n.name)} is already the name of a ${earlier.what}; give the retry a name`
        : `the name ${q(n.name)} is already used by a ${earlier.what}${earlier.node === n.name ? '' : ` (in ${q(earlier.node)})`}`,
    });
  }
  return problems;
}
