/**
 * A tiny JSON Schema checker for the keywords the document schema uses
 * (type, const, enum, properties, required, additionalProperties,
 * propertyNames, items, anyOf, oneOf, $ref into $defs, min/max, lengths,
 * pattern). Enough to show the exported schema accepts and refuses what
 * validation does, without adding a JSON Schema library for one test.
 * Annotations (title, description, default, format) are ignored.
 */
type Schema = Record<string, unknown>;

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'null':
      return v === null;
    default:
      return typeof v === type;
  }
}

const HANDLED = new Set([
  '$schema',
  'title',
  'description',
  'default',
  'format',
  '$defs',
  '$ref',
  'type',
  'const',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'anyOf',
  'oneOf',
  'minimum',
  'maximum',
  'minLength',
  'minItems',
  'pattern',
]);

/** The places where `value` breaks `schema` (empty: it conforms). */
export function schemaErrors(schema: Schema, value: unknown, root: Schema = schema, at = '$'): string[] {
  for (const k of Object.keys(schema))
    if (!HANDLED.has(k)) throw new Error(`keyword ${k} not supported (${at})`);
  const errors: string[] = [];
  const fail = (why: string): void => {
    errors.push(`${at}: ${why}`);
  };
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/$defs/', '');
    const target = (root.$defs as Record<string, Schema>)[name];
    if (!target) throw new Error(`unknown $ref ${schema.$ref}`);
    errors.push(...schemaErrors(target, value, root, at));
  }
  if (typeof schema.type === 'string' && !typeMatches(schema.type, value)) {
    fail(`not ${schema.type}`);
    return errors;
  }
  if ('const' in schema && value !== schema.const) fail(`not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) fail('not in enum');
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail('below minimum');
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail('above maximum');
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) fail('too short');
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail('pattern');
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail('too few items');
    if (typeof schema.items === 'object' && schema.items !== null) {
      value.forEach((item, i) =>
        errors.push(...schemaErrors(schema.items as Schema, item, root, `${at}[${i}]`)),
      );
    }
  }
  if (typeMatches('object', value)) {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!Object.hasOwn(obj, r)) fail(`missing ${r}`);
    for (const k of Object.keys(obj)) {
      const where = `${at}.${k}`;
      if (schema.propertyNames)
        errors.push(...schemaErrors(schema.propertyNames as Schema, k, root, `${where}(key)`));
      if (Object.hasOwn(props, k)) errors.push(...schemaErrors(props[k] as Schema, obj[k], root, where));
      else if (schema.additionalProperties === false) fail(`unknown ${k}`);
      else if (typeof schema.additionalProperties === 'object') {
        errors.push(...schemaErrors(schema.additionalProperties as Schema, obj[k], root, where));
      }
    }
  }
  if (Array.isArray(schema.anyOf)) {
    const ok = (schema.anyOf as Schema[]).some((s) => schemaErrors(s, value, root, at).length === 0);
    if (!ok) fail('matches no anyOf branch');
  }
  if (Array.isArray(schema.oneOf)) {
    const n = (schema.oneOf as Schema[]).filter((s) => schemaErrors(s, value, root, at).length === 0).length;
    if (n !== 1) fail(`matches ${n} oneOf branches`);
  }
  return errors;
}
