/**
 * `npm run schema`: writes the JSON Schema of flow documents to
 * `schema/atomflow.flow-1.schema.json`, formatted as the repository's
 * Prettier settings want (so the format check stays green).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formattedJsonSchema } from './json-schema-text.js';
import { JSON_SCHEMA_FILE } from './json-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = join(root, JSON_SCHEMA_FILE);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, await formattedJsonSchema(target));
console.log(`wrote ${JSON_SCHEMA_FILE}`);
