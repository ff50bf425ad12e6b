/**
 * What a refusal must look like: every problem names a node of the document
 * (or none, for the document's own fields) and a field of that node, in the
 * notation validation uses (`requires[1]`, `config.ms`, `["odd key"]`).
 * A message alone, or a node that is not in the document, does not do.
 */
import type { RequestProblem } from '../../app/runs/index.js';

/** Fields a node may have (as the schema spells them), and what the run service's engine check reports. */
const NODE_FIELDS = new Set([
  'type',
  'name',
  'kind',
  'config',
  'requires',
  'optional',
  'provides',
  'rebind',
  'inject',
  'revertRequires',
  'revertOptional',
  'revertRebind',
  'priority',
  'retry',
  'children',
  'links',
  'revert requires',
]);

/** Fields of the document itself. */
const DOCUMENT_FIELDS = new Set(['format', 'name', 'inputs', 'flow', 'layout']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Every object that stands for a node or retry, by name: nodes along
 * `flow`/`children`, retries under them (explicitly named or `<flow>_retry`).
 * Walks without recursion and stops at `limit` nodes, so a deep or cyclic
 * value cannot stop the check itself.
 */
export function namedObjects(root: unknown, limit = 100_000): Map<string, Record<string, unknown>[]> {
  const out = new Map<string, Record<string, unknown>[]>();
  const add = (name: string, obj: Record<string, unknown>): void => {
    const list = out.get(name);
    if (list) list.push(obj);
    else out.set(name, [obj]);
  };
  const seen = new Set<unknown>();
  const stack: unknown[] = isObject(root) ? [root.flow] : [];
  while (stack.length > 0 && seen.size < limit) {
    const node = stack.pop();
    if (!isObject(node) || seen.has(node)) continue;
    seen.add(node);
    if (typeof node.name === 'string') add(node.name, node);
    if (isObject(node.retry)) {
      const r = node.retry;
      if (typeof r.name === 'string') add(r.name, node);
      if (typeof node.name === 'string') add(`${node.name}_retry`, node);
    }
    if (Array.isArray(node.children)) for (const c of node.children as unknown[]) stack.push(c);
  }
  return out;
}

/** The first segment of a problem path: `config.ms` → `config`, `["a b"].x` → `a b`, `[2]` → 2. */
export function firstSegment(path: string): string | number | undefined {
  if (path.startsWith('revert requires')) return 'revert requires';
  const ident = /^[A-Za-z_$][\w$]*/.exec(path);
  if (ident) return ident[0];
  const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(path);
  if (quoted) return JSON.parse(quoted[1] as string) as string;
  const index = /^\[(\d+)\]/.exec(path);
  if (index) return Number(index[1]);
  return undefined;
}

/**
 * Why `problems` do not describe a refusal of `root` properly, or
 * `undefined` when they do. `root` is the value the problems are about
 * (the parsed JSON for text).
 */
export function problemsFault(problems: readonly RequestProblem[], root: unknown): string | undefined {
  if (problems.length === 0) return 'refused with no problem listed';
  const named = namedObjects(root);
  for (const p of problems) {
    const where = JSON.stringify(p).slice(0, 300);
    if (typeof p.path !== 'string') return `a problem without a path: ${where}`;
    if (typeof p.message !== 'string' || p.message.trim() === '')
      return `a problem without a message: ${where}`;
    if (p.node !== undefined) {
      if (typeof p.node !== 'string') return `a problem whose node is not a name: ${where}`;
      const objects = named.get(p.node);
      if (!objects) return `a problem naming a node the document does not have: ${where}`;
      if (p.path === '') return `a problem naming a node but no field: ${where}`;
      const seg = firstSegment(p.path);
      const ok =
        typeof seg === 'string' && (NODE_FIELDS.has(seg) || objects.some((o) => Object.hasOwn(o, seg)));
      if (!ok) return `a problem naming a field its node does not have: ${where}`;
    } else if (p.path === '') {
      // Only the document as a whole may be at fault with no field: not JSON, or not an object.
      if (isObject(root) && !p.message.startsWith('not valid JSON'))
        return `a problem with neither node nor field: ${where}`;
    } else {
      const seg = firstSegment(p.path);
      const ok =
        typeof seg === 'string' && (DOCUMENT_FIELDS.has(seg) || (isObject(root) && Object.hasOwn(root, seg)));
      if (!ok) return `a document-level problem naming no field of the document: ${where}`;
    }
  }
  return undefined;
}
