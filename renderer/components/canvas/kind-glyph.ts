/** A short glyph and a colour family per task kind, so kinds tell apart at a glance on the canvas. */
const GLYPHS: Record<string, { glyph: string; tone: string }> = {
  noop: { glyph: '∅', tone: 'slate' },
  value: { glyph: '=', tone: 'teal' },
  delay: { glyph: '◷', tone: 'amber' },
  fail: { glyph: '!', tone: 'red' },
  script: { glyph: 'JS', tone: 'violet' },
  shell: { glyph: '$', tone: 'green' },
  http: { glyph: '⇄', tone: 'blue' },
};

export function kindGlyph(kind: string): { glyph: string; tone: string } {
  return GLYPHS[kind] ?? { glyph: kind.slice(0, 2).toUpperCase() || '?', tone: 'slate' };
}

/** What a group type means, in one line, and its glyph. */
export const GROUP_LOOK: Record<string, { glyph: string; label: string; hint: string }> = {
  linear: { glyph: '→', label: 'Linear', hint: 'Runs its members in order, left to right' },
  unordered: { glyph: '⇉', label: 'Unordered', hint: 'Runs its members in any order, at once' },
  graph: { glyph: '⋔', label: 'Graph', hint: 'Runs members as their links and data allow' },
};
