/** The JSON Schema file's text: the schema, formatted by Prettier with the settings that apply to `file`. */
import { format, resolveConfig } from 'prettier';
import { documentJsonSchema } from './json-schema.js';

export async function formattedJsonSchema(file: string): Promise<string> {
  const options = (await resolveConfig(file)) ?? {};
  return format(JSON.stringify(documentJsonSchema(), null, 2), { ...options, filepath: file });
}
