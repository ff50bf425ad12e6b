/**
 * fast-check arbitraries of requests a front end could send the host, most
 * of them wrong: text that is not JSON or is cut short, JSON that is not an
 * object, envelopes of the wrong shape, ids of every type, methods that do
 * not exist (`__proto__`, `constructor`, `toString` among them), params of
 * the wrong type at a field of every method (the values: host-wrong-values.ts),
 * unknown and missing fields, thousands of fields, nesting around
 * MAX_REQUEST_DEPTH, unicode. `requestProbe` mixes them with requests whose
 * answer depends on what the host holds (host-world-probes.ts): refused by the
 * services, or valid with a known result. Each comes as a function of a fresh
 * id (unique in its batch), so asynchronous answers can be matched by id and
 * the rest by order.
 */
import fc from 'fast-check';
import { MAX_REQUEST_DEPTH, methods } from '../../app/contract/index.js';
import {
  badRequest as bad,
  fieldOf,
  jsonProbe as req,
  probe,
  type Probe,
  type ProbeMaker,
} from './host-probes.js';
import { refusedByServices, validRequests, type World } from './host-world-probes.js';
import {
  ASYNC_ID_BASE,
  FIELDS,
  KNOWN,
  METHODS,
  REQUIRED,
  anyString,
  badId,
  baseParams,
  notObject,
  notString,
  pickId,
  validId,
} from './host-wrong-values.js';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------- probes

/**
 * Text that is not JSON at all, or a request cut short. (Not a request behind
 * a byte order mark: UTF-8 bytes with one are read without it, as RFC 8259
 * allows, and the web host only ever hands over bytes.)
 */
const notJsonText: fc.Arbitrary<ProbeMaker> = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 120 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom(
      '',
      ' ',
      '{',
      '{id:1,method:"catalog.kinds"}',
      "{'id':1,'method':'catalog.kinds'}",
      '{"id":1,"method":"catalog.kinds",}',
      '{"id":01,"method":"catalog.kinds"}',
      '{"id":1,"method":"catalog.kinds"} {}',
      '/* hi */{"id":1,"method":"catalog.kinds"}',
      '{"id":NaN,"method":"catalog.kinds"}',
      '{"id":1,"method":"catalog.kinds","params":{"x":undefined}}',
      'null null',
      '\u0000',
    ),
    fc.tuple(fc.constantFrom(...METHODS), fc.nat()).map(([method, cut]) => {
      const text = JSON.stringify({ id: 1, method, params: baseParams(method) });
      return text.slice(0, cut % text.length);
    }),
  )
  .filter((text) => !parses(text))
  .map((text) => () => probe({ what: 'not JSON', text, expected: bad(null, '') }));

/** JSON that is not an object: arrays (a request in an array too), strings, numbers, null. */
const notAnObject: fc.Arbitrary<ProbeMaker> = fc
  .oneof(
    fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
    fc.constantFrom(...METHODS).map((method) => [{ id: 1, method, params: baseParams(method) }]),
    fc.constantFrom(...METHODS).map((method) => JSON.stringify({ id: 1, method })),
  )
  .map(
    (value) => () =>
      probe({
        what: 'not an object',
        text: JSON.stringify(value),
        // A string passed to IPC is read as the JSON text it holds: only other values go as values.
        ...(typeof value !== 'string' ? { value } : {}),
        expected: bad(null, ''),
      }),
  );

/** An envelope whose id is missing or not a whole number from 0 to MAX_SAFE_INTEGER. */
const badEnvelopeId: fc.Arbitrary<ProbeMaker> = fc
  .tuple(fc.option(badId, { nil: undefined }), fc.constantFrom(...METHODS), fc.boolean())
  .map(([id, method, withParams]) => () => {
    const value: Record<string, unknown> = { ...(id !== undefined ? { id } : {}), method };
    if (withParams) value.params = baseParams(method);
    // JSON turns NaN and Infinity into null: still not an id.
    return req(`id ${JSON.stringify(id) ?? 'missing'}`, value, bad(null, 'id'));
  });

/** An envelope with a readable id whose method is missing, of the wrong type, empty or too long. */
const badEnvelopeMethod: fc.Arbitrary<ProbeMaker> = fc
  .tuple(
    validId,
    fc.oneof(
      fc.constant(undefined),
      notString,
      fc.constant(''),
      fc.string({ unit: 'binary', minLength: 65, maxLength: 200 }),
    ),
  )
  .map(([idChoice, method]) => (fresh: number) => {
    const id = pickId(idChoice, fresh);
    const value: Record<string, unknown> = { id, ...(method !== undefined ? { method } : {}), params: {} };
    return req(`method ${JSON.stringify(method) ?? 'missing'}`, value, bad(id, 'method'));
  });

/** A key beside id, method and params: refused, naming it (`__proto__` too, written as a key). */
const extraEnvelopeKey: fc.Arbitrary<ProbeMaker> = fc
  .tuple(
    validId,
    fc.constantFrom(...METHODS),
    fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toJSON', 'jsonrpc', 'ID', 'Method', 'param'),
      anyString,
    ),
    fc.jsonValue({ maxDepth: 2 }),
  )
  .filter(([, , key]) => !['id', 'method', 'params'].includes(key))
  .map(([idChoice, method, key, v]) => (fresh: number) => {
    const id = pickId(idChoice, fresh);
    // A computed key is an own property even for `__proto__`, as JSON.parse makes it.
    const value = { id, method, params: baseParams(method), [key]: v };
    return req(`extra key ${JSON.stringify(key)}`, value, bad(id, fieldOf('', key)));
  });

/** Method names that are not methods: keys every object has, near misses, unicode. */
const unknownMethod: fc.Arbitrary<ProbeMaker> = fc
  .tuple(
    validId,
    fc.oneof(
      fc.constantFrom(
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'valueOf',
        'isPrototypeOf',
        '__defineGetter__',
        'documents',
        'runs.',
        '.runs.list',
        'runs.list ',
        'RUNS.LIST',
        'runs\u002elist\u0000',
        'runs.lіst', // a Cyrillic і
        'catalog.kinds\n',
      ),
      fc
        .constantFrom(...METHODS)
        .chain((m) => fc.nat({ max: m.length - 1 }).map((i) => `${m.slice(0, i)}${m.slice(i + 1)}`)),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
    ),
    fc.jsonValue({ maxDepth: 2 }),
  )
  // `.length` counts UTF-16 units, as zod's max(64) does.
  .filter(([, method]) => !Object.hasOwn(methods, method) && method.length <= 64 && method.length > 0)
  .map(([idChoice, method, params]) => (fresh: number) => {
    const id = pickId(idChoice, fresh);
    return req(
      `unknown method ${JSON.stringify(method)}`,
      { id, method, params },
      { id, code: 'unknown-method' },
    );
  });

/** Params that are not an object at all. */
const paramsNotObject: fc.Arbitrary<ProbeMaker> = fc
  .tuple(validId, fc.constantFrom(...KNOWN), notObject)
  .map(([idChoice, method, params]) => (fresh: number) => {
    const id = pickId(idChoice, fresh);
    return req(`${method} params ${JSON.stringify(params)}`, { id, method, params }, bad(id, 'params'));
  });

/** One field of a method's params set to a wrong value (nested for engineOptions and topics). */
const badField: fc.Arbitrary<ProbeMaker> = fc
  .constantFrom(...KNOWN.filter((m) => Object.keys(FIELDS[m] ?? {}).length > 0))
  .chain((method) =>
    fc
      .constantFrom(...Object.keys(FIELDS[method] ?? {}))
      .chain((field) => fc.tuple(fc.constant(method), fc.constant(field), FIELDS[method]![field]!, validId)),
  )
  .map(([method, field, wrong, idChoice]) => (fresh: number) => {
    const id = wrong.async === true ? ASYNC_ID_BASE + fresh : pickId(idChoice, fresh);
    const params = { ...baseParams(method), [field]: wrong.value };
    let at = fieldOf('params', field);
    for (const k of wrong.below ?? []) at = fieldOf(at, k);
    return req(
      `${method} ${field} = ${JSON.stringify(wrong.value)?.slice(0, 60) ?? '?'}`,
      { id, method, params },
      bad(id, at),
      {
        ...(wrong.async === true ? { async: true } : {}),
      },
    );
  });

/** A field the method does not have (one, or thousands of them). */
const unknownField: fc.Arbitrary<ProbeMaker> = fc
  .tuple(
    validId,
    fc.constantFrom(...KNOWN),
    fc.oneof(
      { arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'runld', 'Name', ''), weight: 2 },
      { arbitrary: anyString, weight: 2 },
      { arbitrary: fc.stringMatching(/^[a-z][A-Za-z0-9_]{0,15}$/), weight: 2 },
    ),
    fc.jsonValue({ maxDepth: 2 }),
    fc.oneof(
      { arbitrary: fc.constant(1), weight: 8 },
      { arbitrary: fc.integer({ min: 2, max: 5000 }), weight: 1 },
    ),
  )
  .filter(([, method, key]) => !Object.hasOwn((methods[method] as { shape: object }).shape, key))
  .map(([idChoice, method, key, v, count]) => (fresh: number) => {
    const id = pickId(idChoice, fresh);
    const params: Record<string, unknown> = { ...baseParams(method), [key]: v };
    // Suffixed so that none is an array index (those come first in an object's key order).
    for (let i = 1; i < count; i++) params[`${key}_${String(i)}`] = i;
    return req(
      `${method} with ${String(count)} unknown field(s) ${JSON.stringify(key)}`,
      { id, method, params },
      bad(id, fieldOf('params', key)),
    );
  });

/** A required field left out (params absent altogether too: absent params are `{}`). */
const missingField: fc.Arbitrary<ProbeMaker> = fc
  .tuple(validId, fc.constantFrom(...KNOWN.filter((m) => (REQUIRED[m] ?? []).length > 0)), fc.boolean())
  .map(([idChoice, method, noParams]) => (fresh: number) => {
    const id = pickId(idChoice, fresh);
    const field = REQUIRED[method]![0]!;
    const { [field]: _gone, ...rest } = baseParams(method);
    const value = noParams ? { id, method } : { id, method, params: rest };
    return req(`${method} without ${field}`, value, bad(id, fieldOf('params', field)));
  });

/** Arrays nested around MAX_REQUEST_DEPTH in a field (too deep: refused as a whole, with the id). */
const deepNesting: fc.Arbitrary<ProbeMaker> = fc
  .tuple(
    validId,
    fc.oneof(
      fc.integer({ min: MAX_REQUEST_DEPTH - 6, max: MAX_REQUEST_DEPTH + 6 }),
      fc.constantFrom(1000, 5000),
    ),
    fc.boolean(),
  )
  .map(([idChoice, levels, objects]) => (fresh: number) => {
    const id = pickId(idChoice, fresh);
    const open = objects ? '{"a":'.repeat(levels - 1) + '{' : '['.repeat(levels);
    const close = objects ? '}'.repeat(levels) : ']'.repeat(levels);
    const text = `{"id":${String(id)},"method":"documents.get","params":{"name":${open}${close}}}`;
    // The request is level 1 and its params level 2: the innermost of `levels` containers is at 2 + levels.
    const tooDeep = 2 + levels > MAX_REQUEST_DEPTH;
    return probe({
      what: `${String(levels)} nested ${objects ? 'objects' : 'arrays'} in params.name`,
      text,
      // IPC carries a value; a very deep one is left to the text form.
      ...(levels <= 1000 ? { value: JSON.parse(text) as unknown } : {}),
      expected: bad(id, tooDeep ? '' : 'params.name'),
    });
  });

/** A whole request nested far too deep, so not even its id is read. */
const deepRequest: fc.Arbitrary<ProbeMaker> = fc.integer({ min: MAX_REQUEST_DEPTH + 1, max: 5000 }).map(
  (levels) => () =>
    probe({
      what: `a request of ${String(levels)} nested arrays`,
      text: '['.repeat(levels) + ']'.repeat(levels),
      expected: bad(null, ''),
    }),
);

/**
 * One probe for any transport: mostly malformed requests, some refused by
 * the services, some valid ones whose answers are known.
 */
export function requestProbe(world: World): fc.Arbitrary<ProbeMaker> {
  return fc.oneof(
    { arbitrary: notJsonText, weight: 3 },
    { arbitrary: notAnObject, weight: 2 },
    { arbitrary: badEnvelopeId, weight: 3 },
    { arbitrary: badEnvelopeMethod, weight: 2 },
    { arbitrary: extraEnvelopeKey, weight: 2 },
    { arbitrary: unknownMethod, weight: 3 },
    { arbitrary: paramsNotObject, weight: 2 },
    { arbitrary: badField, weight: 8 },
    { arbitrary: unknownField, weight: 3 },
    { arbitrary: missingField, weight: 2 },
    { arbitrary: deepNesting, weight: 1 },
    { arbitrary: deepRequest, weight: 1 },
    { arbitrary: refusedByServices(world), weight: 4 },
    { arbitrary: validRequests(world), weight: 4 },
  );
}

/** A batch of probes, each made with its index + 1 as its fresh id. */
export function probeBatch(
  maker: fc.Arbitrary<ProbeMaker>,
  minLength: number,
  maxLength: number,
): fc.Arbitrary<Probe[]> {
  return fc.array(maker, { minLength, maxLength }).map((makers) => makers.map((make, i) => make(i + 1)));
}
