/**
 * Problem paths as the host writes them (`requires[1]`, `config.env["A B"]`,
 * `retry.attempts`, `links[0].decider.code`) and the fields they belong to.
 */
import type { Problem } from '../../designer/canvas-graph';

export const NO_PROBLEMS: readonly Problem[] = [];

/** Whether `path` is `field` or lies inside it (`requires` holds `requires[1]`, not `requiresX`). */
export function isUnder(path: string, field: string): boolean {
  if (field === '') return true;
  if (!path.startsWith(field)) return false;
  const next = path.charAt(field.length);
  return next === '' || next === '.' || next === '[';
}

/** The problems of `field`, with paths relative to it (`requires[1]` → `[1]`, `config.code` → `code`). */
export function problemsUnder(problems: readonly Problem[], field: string): Problem[] {
  const out: Problem[] = [];
  for (const p of problems) {
    if (!isUnder(p.path, field)) continue;
    let rest = field === '' ? p.path : p.path.slice(field.length);
    if (rest.startsWith('.')) rest = rest.slice(1);
    out.push({ ...p, path: rest });
  }
  return out;
}

/** The problems that lie under none of `fields`. */
export function problemsOutside(problems: readonly Problem[], fields: readonly string[]): Problem[] {
  return problems.filter((p) => !fields.some((f) => isUnder(p.path, f)));
}

/**
 * The key a relative path starts with: `.a.b` or `a.b` → `a`, `["odd key"][0]` → `odd key`,
 * `[3]` → `3`; undefined for an empty path.
 */
export function firstKey(path: string): string | undefined {
  const p = path.startsWith('.') ? path.slice(1) : path;
  if (p === '') return undefined;
  if (p.startsWith('["')) {
    const end = p.indexOf('"]', 2);
    if (end >= 0) {
      try {
        return JSON.parse(p.slice(1, end + 1)) as string;
      } catch {
        return p.slice(2, end);
      }
    }
  }
  if (p.startsWith('[')) {
    const end = p.indexOf(']');
    return end < 0 ? p.slice(1) : p.slice(1, end);
  }
  const stop = p.search(/[.[]/);
  return stop < 0 ? p : p.slice(0, stop);
}

/** The messages of problems, each prefixed with its path when it has one (`[1]: …`). */
export function messagesOf(problems: readonly Problem[]): string[] {
  return problems.map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`));
}

/** The problems of a map field that name none of its keys (the rows show those that do). */
export function notOfRows(problems: readonly Problem[], map: unknown): readonly Problem[] {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return problems;
  const keys = new Set(Object.keys(map));
  return problems.filter((p) => {
    const key = firstKey(p.path);
    return key === undefined || !keys.has(key);
  });
}
