/** Reading the document fixtures of `fixtures/valid` and `fixtures/invalid`. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const here = join(import.meta.dirname, 'fixtures');

/** The names of the fixture files in `valid` or `invalid`. */
export function fixtureNames(dir: 'valid' | 'invalid'): string[] {
  return readdirSync(join(here, dir))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** A fixture's text. */
export function fixtureText(dir: 'valid' | 'invalid', name: string): string {
  return readFileSync(join(here, dir, name), 'utf8');
}

/** A fixture, parsed. */
export function fixture(dir: 'valid' | 'invalid', name: string): unknown {
  return JSON.parse(fixtureText(dir, name)) as unknown;
}

/** Invalid fixtures whose every problem is a matter of the schema (JSON Schema refuses them too). */
export const SCHEMA_LEVEL = [
  'bad-configs.json',
  'bad-link-depth.json',
  'bad-retries.json',
  'empty-names.json',
  'many-problems.json',
  'missing-fields.json',
  'reserved-keys.json',
  'unknown-fields.json',
  'unknown-format.json',
  'unknown-kind.json',
  'unknown-node-type.json',
  'wrong-types.json',
];
