/**
 * The README's library example is real: this runs it and compares what it prints.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function blockAfter(markdown: string, marker: string, lang: string, from = 0): string {
  const start = markdown.indexOf(marker, from);
  if (start < 0) throw new Error(`marker '${marker}' not found in README.md`);
  const open = markdown.indexOf('```' + lang + '\n', start);
  const close = markdown.indexOf('\n```', open + 4 + lang.length);
  return markdown.slice(open + 4 + lang.length, close + 1);
}

describe('README', () => {
  it('the library example runs and prints what the README says', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const code = blockAfter(readme, '<!-- readme-example', 'ts');
    // The output block is the first one announced after the example (not any earlier "prints" in the text).
    const expected = blockAfter(readme, 'prints', 'text', readme.indexOf('<!-- readme-example'));
    const dir = join(root, '.tmp');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'readme-example.ts');
    writeFileSync(file, code.replaceAll("from './engine/", "from '../engine/"));
    const out = execFileSync(join(root, 'node_modules', '.bin', 'tsx'), [file], { encoding: 'utf8' });
    expect(out).toBe(expected);
  });

  it('starts with the two set-up commands', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const firstBlock = blockAfter(readme, '# Atomflow', 'sh');
    expect(firstBlock).toMatch(/^npm ci && npm start\b/m);
    expect(firstBlock).toMatch(/^npm test\b/m);
  });
});
