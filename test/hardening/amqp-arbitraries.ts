/**
 * fast-check arbitraries for hostile AMQP messages. A {@link Recipe} is pure
 * data: which kind of hostility, which queue, and the random choices it
 * needs. It is turned into bytes only at publish time (`amqp-hostile.ts`),
 * because replays, truncations and mutations start from the real messages
 * recorded so far in the run, and forged answers use the ids in flight then.
 */
import fc from 'fast-check';
import type { Properties } from './amqp-noise.js';

/** Where a recipe that is not a replay is aimed; each resolves to one consumer or both workers. */
export const TARGETS = [
  'engine key',
  'engine queue',
  'announce key',
  'worker key',
  'worker queue',
  'topic key',
] as const;
export type Target = (typeof TARGETS)[number];

/** The type of a recorded real message a recipe starts from. */
export type SourceType = 'request' | 'response' | 'announce' | 'notify';

interface Aimed {
  readonly target: Target;
  /** Which of the two workers, for the worker targets. */
  readonly worker: 0 | 1;
}

interface FromRecorded {
  readonly source: SourceType;
  /** Chooses the recorded message (modulo how many there are). */
  readonly pick: number;
  /** Take it among the last few recorded (this run's), rather than among all. */
  readonly recent: boolean;
}

/** A JSON value of each type, for replacing a field with one of another type. */
export interface WrongValues {
  readonly boolean: boolean;
  readonly number: number;
  readonly string: string;
  readonly array: unknown[];
  readonly object: Record<string, unknown>;
  /** A tagged value of the store's codec (decodes to NaN, a Map, a Date…), or a broken tag. */
  readonly tagged: Record<string, unknown>;
}

export type Recipe =
  | (Aimed & { readonly kind: 'garbage'; readonly bytes: Uint8Array })
  | (Aimed & { readonly kind: 'text'; readonly text: string })
  | (Aimed & FromRecorded & { readonly kind: 'truncated'; readonly fraction: number })
  | (Aimed &
      FromRecorded & {
        readonly kind: 'wrongType';
        readonly path: number;
        readonly values: WrongValues;
        readonly choice: number;
      })
  | (Aimed & FromRecorded & { readonly kind: 'missingKey'; readonly path: number })
  | (Aimed & FromRecorded & { readonly kind: 'wrongVersion'; readonly version: unknown })
  | (Aimed & FromRecorded & { readonly kind: 'unknownType'; readonly type: string })
  | (Aimed & FromRecorded & { readonly kind: 'encoding'; readonly how: Encoding })
  | (Aimed & FromRecorded & { readonly kind: 'huge'; readonly how: Huge; readonly size: number })
  | (FromRecorded & {
      readonly kind: 'forged';
      readonly how: Forgery;
      readonly worker: 0 | 1;
      readonly text: string;
      readonly state: number;
    })
  | (Aimed & FromRecorded & { readonly kind: 'typeConfusion' })
  | (FromRecorded & { readonly kind: 'replay'; readonly route: Route });

/** How a real message is re-encoded: every one of these is unreadable as our JSON. */
export const ENCODINGS = ['utf16le', 'bom', 'gzip', 'base64'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** Big bodies: over the 16 MiB limit, a long string, too many arguments, deep nesting. */
export const HUGE = ['over limit', 'long text', 'long args', 'deep nesting'] as const;
export type Huge = (typeof HUGE)[number];

/**
 * Valid messages that must change nothing: responses with unknown ids or from
 * the wrong worker, real requests with their reply-to redirected, requests for
 * kinds nobody runs or with a task node no endpoint accepts, fake workers
 * that run nothing the flow needs, notifies answered elsewhere.
 */
export const FORGERIES = [
  'fresh response id',
  'in-flight id, wrong worker',
  'redirected reply-to',
  'unknown kind request',
  'bad node request',
  'fake worker announce',
  'notify to elsewhere',
] as const;
export type Forgery = (typeof FORGERIES)[number];

/** A replay goes where the original went, straight to that queue, or (requests) to every worker of the topic. */
export const ROUTES = ['same key', 'same queue', 'topic'] as const;
export type Route = (typeof ROUTES)[number];

const aimed = {
  // The engine's side and the workers' get as much; each more often by its key than straight to its queue.
  target: fc.constantFrom<Target>(
    'engine key',
    'engine key',
    'engine queue',
    'announce key',
    'worker key',
    'worker key',
    'worker queue',
    'topic key',
  ),
  worker: fc.constantFrom<0 | 1>(0, 1),
};

const fromRecorded = {
  source: fc.constantFrom<SourceType>('request', 'request', 'response', 'response', 'announce', 'notify'),
  pick: fc.nat(),
  recent: fc.boolean(),
};

const wrongValues: fc.Arbitrary<WrongValues> = fc.record({
  boolean: fc.boolean(),
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  string: fc.string({ maxLength: 40 }),
  array: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 4 }),
  object: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  tagged: fc.constantFrom<Record<string, unknown>>(
    { $af: 'NaN' },
    { $af: 'Infinity' },
    { $af: 'Map', v: [[1, 2]] },
    { $af: 'Set', v: [1] },
    { $af: 'Date', v: '2026-01-01T00:00:00.000Z' },
    { $af: 'Error', v: null },
    { $af: 'Failure', v: { nope: 1 } },
    { $af: 'NoSuchTag' },
  ),
});

/** Other values for the protocol version: every JSON type but the number 1 (or no `v` at all). */
const wrongVersion = fc.oneof(
  fc.constant(undefined),
  fc.integer().filter((n) => n !== 1),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => n !== 1),
  fc.constantFrom('1', '1.0', 'v1', null, true, [1], { major: 1 }),
);

const unknownType = fc
  .oneof(
    fc.constantFrom('REQUEST', 'RESPONSE', 'NOTIFY', 'Announce', 'gossip', '', 'request ', 'heartbeat'),
    fc.string({ maxLength: 20 }),
  )
  .filter((t) => !['notify', 'announce', 'request', 'response'].includes(t));

function huge(how: fc.Arbitrary<Huge>): fc.Arbitrary<Recipe> {
  return fc.record({
    kind: fc.constant('huge' as const),
    ...aimed,
    ...fromRecorded,
    how,
    size: fc.integer({ min: 64 * 1024, max: 1024 * 1024 }),
  });
}

const recipe: fc.Arbitrary<Recipe> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('garbage' as const),
      ...aimed,
      bytes: fc.uint8Array({ maxLength: 2048 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('text' as const),
      ...aimed,
      text: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 256 }),
        fc.json({ maxDepth: 3 }),
        fc.constantFrom(
          '',
          'null',
          'true',
          '[]',
          '{}',
          '{"v":1}',
          '{"v":1,"type":"request"}',
          '{"v":1,"type":"response","id":"x"}',
        ),
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('truncated' as const),
      ...aimed,
      ...fromRecorded,
      fraction: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('wrongType' as const),
      ...aimed,
      ...fromRecorded,
      path: fc.nat(),
      values: wrongValues,
      choice: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('missingKey' as const),
      ...aimed,
      ...fromRecorded,
      path: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('wrongVersion' as const),
      ...aimed,
      ...fromRecorded,
      version: wrongVersion,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('unknownType' as const),
      ...aimed,
      ...fromRecorded,
      type: unknownType,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('encoding' as const),
      ...aimed,
      ...fromRecorded,
      how: fc.constantFrom(...ENCODINGS),
    }),
  },
  // Rare: each is up to a megabyte (or, over the limit, 16 MiB) that the broker and three consumers carry.
  { weight: 1, arbitrary: huge(fc.constantFrom(...HUGE)) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('forged' as const),
      ...fromRecorded,
      how: fc.constantFrom(...FORGERIES),
      worker: fc.constantFrom<0 | 1>(0, 1),
      text: fc.string({ minLength: 1, maxLength: 40 }),
      state: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('typeConfusion' as const), ...aimed, ...fromRecorded }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('replay' as const),
      ...fromRecorded,
      route: fc.constantFrom(...ROUTES),
    }),
  },
);

const headerValue = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  // amqplib sends a whole number as a 64-bit integer: larger ones it cannot encode at all.
  fc.double({ min: -1e12, max: 1e12, noNaN: true }),
  fc.string({ maxLength: 30 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.string({ maxLength: 8 })), { maxLength: 4 }),
  fc.dictionary(
    // amqplib reads a nested table with a `type` key as a typed value: a prefix keeps it a table.
    fc.string({ minLength: 1, maxLength: 8 }).map((k) => `k-${k}`),
    fc.oneof(fc.integer({ min: 0, max: 99 }), fc.string({ maxLength: 8 })),
    { maxKeys: 3 },
  ),
  fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)),
);

/**
 * AMQP properties that lie: a content type or encoding the body does not
 * have, a `type` of another message, AMQP-level correlation id and reply-to
 * that mean nothing here, and headers of every type under names a reader
 * might trust. (Never `userId`, `expiration` or the `CC`/`BCC` headers: the
 * broker acts on those, and the fuzz must know where each message goes.)
 */
export const lyingProperties: fc.Arbitrary<Properties> = fc.record(
  {
    contentType: fc.constantFrom(
      'text/plain',
      'application/octet-stream',
      'application/json; charset=utf-16',
      'application/xml',
      '',
    ),
    contentEncoding: fc.constantFrom('gzip', 'deflate', 'base64', 'identity', 'utf-16'),
    type: fc.constantFrom('request', 'response', 'notify', 'announce', 'REQUEST', 'nonsense'),
    correlationId: fc.string({ maxLength: 40 }),
    replyTo: fc.string({ maxLength: 40 }),
    messageId: fc.string({ maxLength: 40 }),
    priority: fc.integer({ min: 0, max: 9 }),
    timestamp: fc.integer({ min: 0, max: 2 ** 31 }),
    headers: fc.dictionary(
      fc.constantFrom(
        'type',
        'v',
        'version',
        'correlation_id',
        'reply_to',
        'content-type',
        'x-atomflow',
        'id',
        'worker',
      ),
      headerValue,
      { maxKeys: 4 },
    ),
  },
  { requiredKeys: [] },
);

/** One hostile message: a recipe, and (half the time) lying properties. */
export interface Hostility {
  readonly recipe: Recipe;
  readonly props: Properties | null;
}

export const hostility: fc.Arbitrary<Hostility> = fc.record({
  recipe,
  props: fc.option(lyingProperties, { freq: 2 }),
});

/**
 * `count` hostile messages for one run: one huge body of each form (at a
 * random place), the rest drawn from {@link hostility}, where huge ones are
 * too rare to be sure of.
 */
export function hostilities(count: number): fc.Arbitrary<Hostility[]> {
  const sure = HUGE.map((how) => fc.record({ recipe: huge(fc.constant(how)), props: fc.constant(null) }));
  return fc
    .tuple(
      fc.array(hostility, { minLength: count - sure.length, maxLength: count - sure.length }),
      fc.tuple(...sure),
      fc.array(fc.nat(), { minLength: sure.length, maxLength: sure.length }),
    )
    .map(([drawn, extra, places]) => {
      const all = [...drawn];
      extra.forEach((h, i) => all.splice((places[i] ?? 0) % (all.length + 1), 0, h));
      // A failing run is replayed from its seed and path; printing a thousand recipes would bury that.
      return Object.assign(all, { [fc.toStringMethod]: () => `[${String(all.length)} hostile messages]` });
    });
}
