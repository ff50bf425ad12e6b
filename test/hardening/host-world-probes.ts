/**
 * Requests whose answer depends on what the host holds: names and runs that
 * are not there (`not-found`), a run that ended (`conflict`), documents that
 * are not valid (`invalid-document`), valid requests whose results are known,
 * and IPC values that have no JSON text of their own.
 */
import fc from 'fast-check';
import {
  badRequest as bad,
  jsonProbe as req,
  probe,
  SMALL_DOC,
  type Expected,
  type Probe,
  type ProbeMaker,
} from './host-probes.js';
import { ASYNC_ID_BASE, pickId, validId } from './host-wrong-values.js';

/** What the host holds while a batch runs, for requests whose answer depends on it. */
export interface World {
  /** A run that ended SUCCESS. */
  readonly endedRun: string;
  /** The names of the saved documents. */
  readonly documents: readonly string[];
}

/** Documents that are not valid: junk, or a valid one with one thing wrong. */
const invalidDocument: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc
    .constantFrom<(d: Record<string, unknown>) => unknown>(
      (d) => ({ ...d, format: 'atomflow.flow/2' }),
      (d) => ({ ...d, name: '' }),
      (d) => ({
        ...d,
        flow: { type: 'linear', name: 'r', children: [{ type: 'task', name: 'x', kind: 'teleport' }] },
      }),
      (d) => ({
        ...d,
        flow: {
          type: 'linear',
          name: 'r',
          children: [{ type: 'task', name: 'x', kind: 'noop', requires: ['nobody'] }],
        },
      }),
      (d) => ({
        ...d,
        flow: { type: 'linear', name: 'r', children: [{ type: 'task', name: 'r', kind: 'noop' }] },
      }),
      (d) => ({
        ...d,
        flow: {
          type: 'graph',
          name: 'g',
          children: [
            { type: 'task', name: 'a', kind: 'noop' },
            { type: 'task', name: 'b', kind: 'noop' },
          ],
          links: [
            { from: 'a', to: 'b' },
            { from: 'b', to: 'a' },
          ],
        },
      }),
      (d) => ({
        ...d,
        flow: {
          type: 'linear',
          name: 'r',
          children: [{ type: 'task', name: 'x', kind: 'value', config: {} }],
        },
      }),
      (d) => ({ ...d, flow: { type: 'linear', name: 'r', children: 'none' } }),
      (d) => ({
        ...d,
        flow: {
          type: 'linear',
          name: 'r',
          children: [{ type: 'task', name: 'x', kind: 'delay', config: { ms: -1 } }],
        },
      }),
      (d) => ({
        ...d,
        flow: { type: 'linear', name: 'r', children: Array.from({ length: 3000 }, (_, i) => i) },
      }),
    )
    .map((mutate) => mutate(SMALL_DOC)),
);

// ------------------------------------------------------------- answers that depend on the world

const unknownName = (world: World): fc.Arbitrary<string> =>
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 512 })
    // zod counts UTF-16 units: an astral character is two.
    .filter((n) => n.length <= 512 && !world.documents.includes(n));
const unknownRunId = (world: World): fc.Arbitrary<string> =>
  fc
    .oneof(fc.uuid(), fc.string({ unit: 'binary', minLength: 1, maxLength: 128 }))
    .filter((r) => r !== world.endedRun && r.length <= 128);

const has = (pred: (r: Record<string, unknown>) => boolean, what: string) => (result: unknown) =>
  typeof result === 'object' && result !== null && pred(result as Record<string, unknown>)
    ? undefined
    : `result ${what}: ${JSON.stringify(result).slice(0, 200)}`;

/** Requests the services refuse: names and runs that are not there, runs that ended, invalid documents. */
export function refusedByServices(world: World): fc.Arbitrary<ProbeMaker> {
  return fc.oneof(
    fc
      .tuple(validId, fc.constantFrom('documents.get', 'documents.delete'), unknownName(world))
      .map(([c, method, name]) => (fresh: number) => {
        const id = pickId(c, fresh);
        return req(
          `${method} of an unknown document`,
          { id, method, params: { name } },
          { id, code: 'not-found' },
        );
      }),
    fc
      .tuple(
        validId,
        fc.constantFrom(
          'runs.detail',
          'runs.cancel',
          'runs.suspend',
          'runs.resume',
          'runs.delete',
          'runs.subscribe',
        ),
        unknownRunId(world),
      )
      .map(([c, method, runId]) => (fresh: number) => {
        const id = pickId(c, fresh);
        return req(
          `${method} of an unknown run`,
          { id, method, params: { runId } },
          { id, code: 'not-found' },
        );
      }),
    fc
      .tuple(validId, fc.constantFrom('runs.cancel', 'runs.suspend', 'runs.resume'))
      .map(([c, method]) => (fresh: number) => {
        const id = pickId(c, fresh);
        return req(
          `${method} of a run that ended`,
          { id, method, params: { runId: world.endedRun } },
          { id, code: 'conflict' },
        );
      }),
    fc
      .tuple(validId, fc.constantFrom('runs.start', 'documents.save'), invalidDocument)
      .map(([c, method, document]) => (fresh: number) => {
        const id = pickId(c, fresh);
        return req(
          `${method} of an invalid document`,
          { id, method, params: { document } },
          { id, code: 'invalid-document' },
        );
      }),
    // An input named __proto__, written as JSON text writes it (an own key, not a prototype).
    validId.map((c) => (fresh: number) => {
      const id = pickId(c, fresh);
      const value = {
        id,
        method: 'runs.start',
        params: { document: SMALL_DOC, inputs: { ['__proto__']: { polluted: true } } },
      };
      return req('runs.start with an input named __proto__', value, { id, code: 'invalid-document' });
    }),
  );
}

/** Valid requests with answers known in advance, mixed in among the bad ones. */
export function validRequests(world: World): fc.Arbitrary<ProbeMaker> {
  return fc.oneof(
    fc.tuple(validId, fc.boolean()).map(([c, noParams]) => (fresh: number) => {
      const id = pickId(c, fresh);
      return req(
        'catalog.kinds',
        noParams ? { id, method: 'catalog.kinds' } : { id, method: 'catalog.kinds', params: {} },
        {
          id,
          code: 'ok',
          check: has(
            (r) =>
              Array.isArray(r.kinds) &&
              ['script', 'delay', 'value'].every((k) =>
                (r.kinds as { kind: string }[]).some((d) => d.kind === k),
              ),
            'lists the catalog',
          ),
        },
      );
    }),
    validId.map((c) => (fresh: number) => {
      const id = pickId(c, fresh);
      return req(
        'documents.list',
        { id, method: 'documents.list' },
        {
          id,
          code: 'ok',
          check: has(
            (r) =>
              Array.isArray(r.documents) &&
              JSON.stringify((r.documents as { name: string }[]).map((d) => d.name).sort()) ===
                JSON.stringify([...world.documents].sort()),
            `lists ${JSON.stringify(world.documents)}`,
          ),
        },
      );
    }),
    fc.tuple(validId, fc.constantFrom(...world.documents)).map(([c, name]) => (fresh: number) => {
      const id = pickId(c, fresh);
      return req(
        'documents.get',
        { id, method: 'documents.get', params: { name } },
        { id, code: 'ok', check: has((r) => r.name === name, `is ${name}`) },
      );
    }),
    fc.tuple(validId, fc.boolean(), invalidDocument).map(([c, valid, junk]) => (fresh: number) => {
      const id = pickId(c, fresh);
      const params = { document: valid ? SMALL_DOC : junk };
      return req(
        `documents.validate of ${valid ? 'a valid' : 'an invalid'} document`,
        { id, method: 'documents.validate', params },
        {
          id,
          code: 'ok',
          check: has(
            (r) => r.valid === valid && Array.isArray(r.problems) && (r.problems.length === 0) === valid,
            valid ? 'valid' : 'invalid',
          ),
        },
      );
    }),
    fc.tuple(validId, fc.integer({ min: 1, max: 1000 })).map(([c, limit]) => (fresh: number) => {
      const id = pickId(c, fresh);
      return req(
        'runs.list',
        { id, method: 'runs.list', params: { limit } },
        {
          id,
          code: 'ok',
          check: has(
            (r) => Array.isArray(r.runs) && r.runs.length <= limit && r.runs.length > 0,
            'lists runs',
          ),
        },
      );
    }),
    validId.map((c) => (fresh: number) => {
      const id = pickId(c, fresh);
      return req(
        'runs.detail of the ended run',
        { id, method: 'runs.detail', params: { runId: world.endedRun } },
        {
          id,
          code: 'ok',
          check: has((r) => r.state === 'SUCCESS' && r.id === world.endedRun, 'is the ended run'),
        },
      );
    }),
    fc
      .tuple(validId, fc.oneof(fc.constant(world.endedRun), unknownRunId(world)), fc.boolean())
      .map(([c, runId, twice]) => (fresh: number) => {
        const id = pickId(c, fresh);
        return req(
          `runs.unsubscribe${twice ? ' (again)' : ''}`,
          { id, method: 'runs.unsubscribe', params: { runId } },
          { id, code: 'ok', check: has((r) => Object.keys(r).length === 0, 'is {}') },
        );
      }),
    fc.tuple(validId, fc.constantFrom(' ', '\n', '\t', '\r\n  ')).map(([c, ws]) => (fresh: number) => {
      const id = pickId(c, fresh);
      const text = `${ws}${JSON.stringify({ id, method: 'catalog.kinds' })}${ws}`;
      return probe({ what: 'a request in whitespace', text, expected: { id, code: 'ok' } });
    }),
    // Answered after a turn of the event loop (the broker is tried): matched by id.
    fc.constant((fresh: number) => {
      const id = ASYNC_ID_BASE + fresh;
      return req(
        'workers.list of a broker that is not there',
        { id, method: 'workers.list', params: { url: 'amqp://127.0.0.1:1', waitMs: 0 } },
        { id, code: 'unavailable' },
        { async: true },
      );
    }),
  );
}

/**
 * IPC values that have no JSON text of their own (a Map, a BigInt, a Date…),
 * as a compromised page could pass them to `invoke`; each with the answer the
 * host owes once it made JSON of it.
 */
export const ipcOnlyValues: fc.Arbitrary<ProbeMaker> = fc.constantFrom<ProbeMaker>(
  () => valueOnly('a Map', new Map([['id', 1]]), bad(null, 'id')),
  () => valueOnly('a Set', new Set([1, 2]), bad(null, 'id')),
  () => valueOnly('a Date', new Date(0), bad(null, '')),
  () => valueOnly('undefined', undefined, bad(null)),
  () => valueOnly('a BigInt id', { id: 1n, method: 'catalog.kinds' }, bad(null)),
  () => valueOnly('a NaN id', { id: Number.NaN, method: 'catalog.kinds' }, bad(null, 'id')),
  () =>
    valueOnly('an Infinity id', { id: Number.POSITIVE_INFINITY, method: 'catalog.kinds' }, bad(null, 'id')),
  () => valueOnly('an Error', new Error('boom'), bad(null, 'id')),
  () => valueOnly('a boxed string', Object('{"id":1,"method":"catalog.kinds"}') as unknown, bad(null, '')),
  () => valueOnly('an Int16Array', new Int16Array([1, 2]), bad(null, 'id')),
  (id) =>
    valueOnly(
      'a RegExp name',
      { id, method: 'documents.get', params: { name: /x/ } },
      bad(id, 'params.name'),
    ),
  (id) =>
    valueOnly(
      'a Date run id',
      { id, method: 'runs.detail', params: { runId: new Date(0) } },
      { id, code: 'not-found' },
    ),
  (id) =>
    valueOnly(
      'an undefined param',
      { id, method: 'catalog.kinds', params: { extra: undefined } },
      { id, code: 'ok' },
    ),
  (id) =>
    valueOnly(
      'a Map as params',
      { id, method: 'catalog.kinds', params: new Map([['x', 1]]) },
      { id, code: 'ok' },
    ),
  (id) =>
    valueOnly('a toJSON field', { id, method: 'catalog.kinds', params: {}, toJSON: 'no' }, bad(id, 'toJSON')),
  (id) =>
    valueOnly(
      'a Symbol-free null-prototype object',
      Object.assign(Object.create(null) as object, { id, method: 'catalog.kinds' }),
      { id, code: 'ok' },
    ),
  (id) =>
    valueOnly(
      'an ArrayBuffer of a request',
      new Uint8Array(Buffer.from(JSON.stringify({ id, method: 'runs.detail', params: { runId: 5 } }))).buffer,
      bad(id, 'params.runId'),
    ),
  () => valueOnly('bytes that are not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), bad(null, '')),
);

function valueOnly(what: string, value: unknown, expected: Expected): Probe {
  return probe({ what, text: '', value, expected, only: 'value' });
}
