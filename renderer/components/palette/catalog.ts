/**
 * What the palette offers, arranged: the three group types, then the host's
 * task kinds in categories, narrowed by a search.
 */
import type { KindDescription } from '../../host';
import type { GroupType } from '../../designer/document';

export interface GroupEntry {
  readonly type: GroupType;
  readonly label: string;
  readonly description: string;
}

export const GROUP_ENTRIES: readonly GroupEntry[] = [
  { type: 'linear', label: 'linear', description: 'Runs its members in order' },
  { type: 'unordered', label: 'unordered', description: 'Runs its members in any order, at once' },
  { type: 'graph', label: 'graph', description: 'Runs members as links and data allow' },
];

export interface Category {
  readonly title: string;
  readonly kinds: readonly KindDescription[];
}

/** The categories with the kinds each lists first, in this order; kinds not named go to Other. */
const CATEGORIES: readonly { readonly title: string; readonly kinds: readonly string[] }[] = [
  { title: 'Basics', kinds: ['noop', 'value', 'delay', 'fail'] },
  { title: 'Code', kinds: ['script', 'shell'] },
  { title: 'Network', kinds: ['http'] },
];

/** The kinds by category, in the palette's order; empty categories are left out. */
export function categorize(kinds: readonly KindDescription[]): Category[] {
  const out: Category[] = [];
  const placed = new Set<string>();
  for (const c of CATEGORIES) {
    const list = c.kinds.flatMap((name) => kinds.filter((k) => k.kind === name));
    for (const k of list) placed.add(k.kind);
    if (list.length > 0) out.push({ title: c.title, kinds: list });
  }
  const other = kinds.filter((k) => !placed.has(k.kind)).sort((a, b) => a.kind.localeCompare(b.kind));
  if (other.length > 0) out.push({ title: 'Other', kinds: other });
  return out;
}

/** Whether an item named `name` and described by `description` matches the search `query`. */
export function matches(query: string, name: string, description: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  const words = q.split(/\s+/);
  const text = `${name} ${description}`.toLowerCase();
  return words.every((w) => text.includes(w));
}
