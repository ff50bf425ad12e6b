/**
 * The config a task dropped on the canvas starts with: a value for each
 * required field whose schema has an obvious empty one (a script's code,
 * a value's value, a delay's ms), so that a new task is valid at once where
 * it can be. Fields that need the person's input (a command, a URL) are left
 * out, and the canvas shows them as problems.
 */

type Schema = Record<string, unknown>;

function starterValue(schema: Schema): { value: unknown } | undefined {
  if (typeof schema.$ref === 'string') return { value: null };
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return { value: schema.enum[0] };
  if ('default' in schema) return { value: schema.default };
  switch (schema.type) {
    case 'string':
      return typeof schema.minLength === 'number' && schema.minLength > 0 ? undefined : { value: '' };
    case 'integer':
    case 'number':
      return { value: typeof schema.minimum === 'number' ? schema.minimum : 0 };
    case 'boolean':
      return { value: false };
    default:
      return undefined;
  }
}

/** The starting config of a kind with this config schema, or undefined when it needs none. */
export function starterConfig(configSchema: Schema | undefined): Record<string, unknown> | undefined {
  const properties = configSchema?.properties;
  const required = configSchema?.required;
  if (typeof properties !== 'object' || properties === null || !Array.isArray(required)) return undefined;
  const out: Record<string, unknown> = {};
  for (const field of required) {
    if (typeof field !== 'string') continue;
    const schema = (properties as Record<string, unknown>)[field];
    if (typeof schema !== 'object' || schema === null) continue;
    const start = starterValue(schema as Schema);
    if (start) out[field] = start.value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
