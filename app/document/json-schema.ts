/**
 * The document schema as JSON Schema (draft 2020-12), for editors: the same
 * zod schema, in its input form (fields with defaults are optional and show
 * them). What JSON Schema cannot say (unique names, providers, cycles) is
 * left to `validateDocument`.
 */
import { z } from 'zod';
import { documentSchema, schemaIds } from './schema.js';

/** Where `npm run schema` writes it, relative to the repository root. */
export const JSON_SCHEMA_FILE = 'schema/atomflow.flow-1.schema.json';

/** The JSON Schema of `atomflow.flow/1` documents. */
export function documentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(documentSchema, {
    target: 'draft-2020-12',
    io: 'input',
    metadata: schemaIds,
    cycles: 'ref',
    reused: 'inline',
  });
}
