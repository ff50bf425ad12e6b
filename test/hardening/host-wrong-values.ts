/**
 * Values a field of a request must refuse, per method and field: not the
 * type, empty, too long, out of range, a state or cursor that is not one,
 * arrays too long or with one wrong element, options that do not exist;
 * and the ids an envelope may carry or must refuse. Each wrong value comes
 * with the field a problem must name.
 */
import fc from 'fast-check';
import { methods, type Method } from '../../app/contract/index.js';
import { SMALL_DOC } from './host-probes.js';

/** Ids of asynchronously answered probes start here, apart from every id a synchronous probe uses. */
export const ASYNC_ID_BASE = 2 ** 51;

/** Every method of the contract, for probes refused before the params are looked at. */
export const METHODS = Object.keys(methods) as Method[];

/**
 * The methods whose params these probes know (strict objects with the fields
 * below). A method added to the contract later gets the probes that do not
 * depend on its params until it is listed here.
 */
export const KNOWN: readonly Method[] = [
  'documents.list',
  'documents.get',
  'documents.save',
  'documents.delete',
  'documents.validate',
  'runs.start',
  'runs.cancel',
  'runs.suspend',
  'runs.resume',
  'runs.list',
  'runs.detail',
  'runs.delete',
  'runs.subscribe',
  'runs.unsubscribe',
  'catalog.kinds',
  'workers.list',
];

const RUN_STATES = new Set([
  'PENDING',
  'RUNNING',
  'SUCCESS',
  'FAILURE',
  'REVERTED',
  'SUSPENDING',
  'SUSPENDED',
  'RESUMING',
  'CANCELLED',
  'INTERRUPTED',
]);

// ------------------------------------------------------------- values of the wrong kind

export const anyString = fc.string({ unit: 'binary', maxLength: 24 });
const junkScalar = fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null));
const junkContainer = fc.oneof(
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(anyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);
export const notString = fc.oneof(junkScalar, junkContainer);
export const notObject = fc.oneof(
  junkScalar,
  anyString,
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
);
const notArray = fc.oneof(junkScalar, anyString, fc.dictionary(anyString, fc.nat(), { maxKeys: 3 }));
const notBoolean = fc.oneof(fc.integer(), anyString, fc.constant(null), junkContainer);

/** A string zod must refuse for a `min(1).max(max)` field: not a string, empty, or too long. */
function badString(max: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: notString, weight: 4 },
    { arbitrary: fc.constant(''), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', minLength: max + 1, maxLength: max + 40 }), weight: 2 },
    // Far too long: refused by its length, however long.
    { arbitrary: fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
  );
}

/** A number zod must refuse for an `int().min(min).max(max)` field. */
function badInt(min: number, max: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.integer({ min: min - 1000, max: min - 1 }),
    fc.integer({ min: max + 1, max: max + 1000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min, max }).filter((d) => !Number.isInteger(d)),
    fc.constantFrom(1e21, -1e21, Number.MAX_VALUE, 2 ** 53, String(min), 'NaN'),
    notBoolean.filter((v) => typeof v !== 'number'),
    fc.boolean(),
  );
}

/** An array of names (`min(1).max(64)`) zod must refuse, and the field below it that is wrong. */
const badTopics: fc.Arbitrary<{ value: unknown; at?: number }> = fc.oneof(
  notArray.map((value) => ({ value })),
  fc.constant({ value: [] }),
  fc.integer({ min: 65, max: 20_000 }).map((n) => ({ value: Array.from({ length: n }, () => 't') })),
  fc.tuple(fc.array(fc.constant('t'), { maxLength: 8 }), badString(512), fc.nat()).map(([good, wrong, i]) => {
    const at = i % (good.length + 1);
    const value: unknown[] = [...good];
    value.splice(at, 0, wrong);
    return { value, at };
  }),
);

/** A params field set to a wrong value, and the field a problem must name. */
export interface BadField {
  readonly value: unknown;
  /** The path under `params.<field>` that is wrong, if deeper than the field. */
  readonly below?: (string | number)[];
  /** Refused by the host after zod (not a zod check): still `bad-request`, still the field. */
  readonly async?: boolean;
}

const plain = (a: fc.Arbitrary<unknown>): fc.Arbitrary<BadField> => a.map((value) => ({ value }));
const badName = plain(badString(512));
const badRunId = plain(badString(128));
const badUrl = plain(badString(2048));
const badTopicsField: fc.Arbitrary<BadField> = badTopics.map((t) => ({
  value: t.value,
  ...(t.at !== undefined ? { below: [t.at] } : {}),
}));

/** engineOptions with one wrong option (or not an object, or an option that does not exist). */
const badEngineOptions: fc.Arbitrary<BadField> = fc.oneof(
  plain(notObject),
  fc
    .tuple(
      fc.constantFrom('maxWorkers', 'url', 'exchange', 'topics', 'timeoutMs', 'bogus', 'constructor'),
      fc.nat(),
    )
    .chain(([option]) => {
      const wrong: fc.Arbitrary<{ value: unknown; below: (string | number)[] }> =
        option === 'maxWorkers'
          ? badInt(1, 1024).map((v) => ({ value: v, below: [] }))
          : option === 'timeoutMs'
            ? badInt(1, 86_400_000).map((v) => ({ value: v, below: [] }))
            : option === 'url'
              ? badString(2048).map((v) => ({ value: v, below: [] }))
              : option === 'exchange'
                ? badString(512).map((v) => ({ value: v, below: [] }))
                : option === 'topics'
                  ? badTopics.map((t) => ({ value: t.value, below: t.at !== undefined ? [t.at] : [] }))
                  : fc.jsonValue({ maxDepth: 1 }).map((v) => ({ value: v, below: [] }));
      return wrong.map(({ value, below }) => ({
        value: { [option]: value },
        below: [option, ...below],
      }));
    }),
);

/** A runs.list state of the right type that is no state: refused by the host, naming the field. */
const unknownState = fc
  .string({ unit: 'binary', minLength: 0, maxLength: 32 })
  .filter((s) => !RUN_STATES.has(s))
  .map((value) => ({ value }));

/** Cursors the history never issued: characters a cursor has not, or base64url of something else. */
const forgedCursor: fc.Arbitrary<BadField> = fc.oneof(
  fc.constant({ value: '' }),
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 60 })
    .filter((s) => !/^[A-Za-z0-9_-]+$/.test(s))
    .map((value) => ({ value })),
  fc
    .jsonValue({ maxDepth: 2 })
    .filter(
      (v) =>
        !(
          Array.isArray(v) &&
          v.length === 2 &&
          typeof v[0] === 'string' &&
          /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v[0])
        ),
    )
    .map((v) => ({ value: Buffer.from(JSON.stringify(v), 'utf8').toString('base64url') }))
    .filter((c) => c.value.length > 0 && c.value.length <= 1024),
  plain(badString(1024).filter((v) => v !== '')),
);

/** A broker URL of the right length that is not amqp(s):// (workers.list refuses it, after a turn). */
const notAmqpUrl: fc.Arbitrary<BadField> = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 80 })
  .filter((s) => !/^amqps?:\/\//i.test(s))
  .map((value) => ({ value, async: true }));

/** Per method and field: wrong values. */
export const FIELDS: { readonly [M in Method]?: Readonly<Record<string, fc.Arbitrary<BadField>>> } = {
  'documents.list': {},
  'documents.get': { name: badName },
  'documents.save': {},
  'documents.delete': { name: badName },
  'documents.validate': {},
  'runs.start': {
    engine: plain(
      fc.oneof(
        notString,
        anyString.filter((s) => !['serial', 'parallel', 'worker-based'].includes(s)),
      ),
    ),
    engineOptions: badEngineOptions,
    inputs: plain(notObject),
  },
  'runs.cancel': { runId: badRunId },
  'runs.suspend': { runId: badRunId },
  'runs.resume': { runId: badRunId, url: badUrl },
  'runs.list': {
    state: fc.oneof(plain(badString(32).filter((v) => v !== '')), unknownState),
    flow: badName,
    engine: badName,
    limit: plain(badInt(1, 1000)),
    cursor: forgedCursor,
  },
  'runs.detail': { runId: badRunId },
  'runs.delete': { runId: badRunId },
  'runs.subscribe': { runId: badRunId, replay: plain(notBoolean) },
  'runs.unsubscribe': { runId: badRunId },
  'catalog.kinds': {},
  'workers.list': {
    url: fc.oneof(badUrl, notAmqpUrl),
    exchange: badName,
    topics: badTopicsField,
    waitMs: plain(badInt(0, 10_000)),
  },
};

/** Fields each method needs. */
export const REQUIRED: { readonly [M in Method]?: readonly string[] } = {
  'documents.get': ['name'],
  'documents.save': ['document'],
  'documents.delete': ['name'],
  'documents.validate': ['document'],
  'runs.start': ['document'],
  'runs.cancel': ['runId'],
  'runs.suspend': ['runId'],
  'runs.resume': ['runId'],
  'runs.detail': ['runId'],
  'runs.delete': ['runId'],
  'runs.subscribe': ['runId'],
  'runs.unsubscribe': ['runId'],
};

/** Params that pass zod for each method (a name, a run id, a document that nobody has). */
export function baseParams(method: Method): Record<string, unknown> {
  if ((REQUIRED[method] ?? []).includes('document')) return { document: SMALL_DOC };
  if ((REQUIRED[method] ?? []).includes('name')) return { name: 'fuzz: no such document' };
  if ((REQUIRED[method] ?? []).includes('runId')) return { runId: 'fuzz: no such run' };
  return {};
}

// ------------------------------------------------------------- ids

/** A valid id for a synchronous probe: the fresh one, or an edge of the range. */
export const validId = fc.oneof(
  { arbitrary: fc.constant<'fresh'>('fresh'), weight: 6 },
  { arbitrary: fc.constantFrom(0, Number.MAX_SAFE_INTEGER, 1), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: ASYNC_ID_BASE - 1 }), weight: 1 },
);
export const pickId = (choice: number | 'fresh', fresh: number): number =>
  choice === 'fresh' ? fresh : choice;

/** Ids the envelope refuses (so the answer carries null). */
export const badId: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ max: -1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
  fc.constantFrom(2 ** 53, 2 ** 64, 1e300, -0.5, '1', '', 'id', true, false, null, [1], { id: 1 }),
  anyString,
  junkContainer,
);
