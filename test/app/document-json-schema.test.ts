/**
 * The JSON Schema export: `npm run schema` wrote the current schema, it has
 * the definitions an editor needs, and it accepts and refuses the fixtures
 * as validation does for everything a schema can say.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentJsonSchema, JSON_SCHEMA_FILE } from '../../app/document/index.js';
import { formattedJsonSchema } from '../../app/document/json-schema-text.js';
import { SCHEMA_LEVEL, fixture, fixtureNames } from './document-fixtures.js';
import { schemaErrors } from './document-json-schema-check.js';

const root = join(import.meta.dirname, '..', '..');
const file = join(root, JSON_SCHEMA_FILE);
const schema = documentJsonSchema();

describe('the JSON Schema file', () => {
  it('is up to date (run `npm run schema` after changing the document schema)', async () => {
    expect(readFileSync(file, 'utf8')).toBe(await formattedJsonSchema(file));
  });

  it('is draft 2020-12 with a definition for each part of a document', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.$defs as object).sort()).toEqual([
      'FlowNode',
      'GraphFlow',
      'JsonValue',
      'LinearFlow',
      'Link',
      'Node',
      'Retry',
      'TaskNode',
      'UnorderedFlow',
    ]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['format', 'name', 'flow']);
  });

  it('has each kind with its own config schema, defaults shown', () => {
    const task = (schema.$defs as Record<string, { oneOf: Record<string, unknown>[] }>).TaskNode!;
    const byKind = Object.fromEntries(
      task.oneOf.map((o) => {
        const props = o.properties as Record<string, Record<string, unknown>>;
        return [props.kind!.const as string, props.config];
      }),
    );
    expect(Object.keys(byKind)).toEqual(['noop', 'value', 'delay', 'fail', 'script', 'shell', 'http']);
    const script = byKind.script as { properties: Record<string, { default?: unknown }>; required: string[] };
    expect(script.required).toEqual(['code']);
    expect(script.properties.timeoutMs!.default).toBe(5000);
  });
});

describe('the JSON Schema agrees with validation', () => {
  it.each(fixtureNames('valid'))('accepts valid/%s', (name) => {
    expect(schemaErrors(schema, fixture('valid', name))).toEqual([]);
  });

  it.each(SCHEMA_LEVEL)('refuses invalid/%s', (name) => {
    expect(schemaErrors(schema, fixture('invalid', name))).not.toEqual([]);
  });

  it.each(fixtureNames('invalid').filter((n) => !SCHEMA_LEVEL.includes(n)))(
    'accepts invalid/%s, whose problems only validation can see (names, providers, links, code)',
    (name) => {
      expect(schemaErrors(schema, fixture('invalid', name))).toEqual([]);
    },
  );
});
