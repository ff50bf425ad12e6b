/**
 * Bad requests, for every method: params of the wrong type, missing or extra
 * fields, oversized strings, requests larger than MAX_REQUEST_BYTES, text
 * that is not JSON, arrays, null, `__proto__` and `constructor` keys. Each
 * gets an error response with the right code and the field named; the
 * session keeps working; nothing reaches the services, and the SQLite file
 * is not changed by a single byte.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MAX_REQUEST_BYTES,
  MAX_REQUEST_DEPTH,
  methods,
  type ContractError,
  type Method,
  type Response,
} from '../../app/contract/index.js';
import { MAX_PROBLEMS } from '../../app/contract/host.js';
import { addDocument } from '../app/runs-support.js';
import { fileHash, harness, storeCounts, type Client, type Harness } from './support.js';

/** A valid params object of each method, and what is wrong with each of its fields. */
interface Spec {
  readonly valid: Record<string, unknown>;
  /** Fields that must be present. */
  readonly required: readonly string[];
  /** Per field: values of the wrong type or out of range. */
  readonly wrong: Readonly<Record<string, readonly unknown[]>>;
  /** Per field: a value too long. */
  readonly oversized: Readonly<Record<string, unknown>>;
}

const RUN_ID_WRONG = [5, null, true, [], {}, ''];
const NAME_WRONG = [5, null, false, ['a'], { name: 'x' }, ''];

const SPECS: Record<Method, Spec> = {
  'documents.list': { valid: {}, required: [], wrong: {}, oversized: {} },
  'documents.get': {
    valid: { name: 'x' },
    required: ['name'],
    wrong: { name: NAME_WRONG },
    oversized: { name: 'n'.repeat(513) },
  },
  'documents.save': { valid: { document: addDocument }, required: ['document'], wrong: {}, oversized: {} },
  'documents.delete': {
    valid: { name: 'x' },
    required: ['name'],
    wrong: { name: NAME_WRONG },
    oversized: { name: 'n'.repeat(513) },
  },
  'documents.validate': {
    valid: { document: addDocument },
    required: ['document'],
    wrong: {},
    oversized: {},
  },
  'runs.start': {
    valid: { document: addDocument },
    required: ['document'],
    wrong: {
      engine: ['turbo', 5, null, ['serial']],
      engineOptions: [
        5,
        'parallel',
        [],
        null,
        { maxWorkers: 0 },
        { maxWorkers: 1.5 },
        { maxWorkers: '2' },
        { bogus: 1 },
        { topics: [] },
        { topics: [5] },
        { timeoutMs: -1 },
        { url: '' },
      ],
      inputs: [[], 5, 'x', null],
    },
    oversized: { engineOptions: { url: `amqp://${'u'.repeat(2048)}` } },
  },
  'runs.cancel': {
    valid: { runId: 'r' },
    required: ['runId'],
    wrong: { runId: RUN_ID_WRONG },
    oversized: { runId: 'r'.repeat(129) },
  },
  'runs.suspend': {
    valid: { runId: 'r' },
    required: ['runId'],
    wrong: { runId: RUN_ID_WRONG },
    oversized: { runId: 'r'.repeat(129) },
  },
  'runs.resume': {
    valid: { runId: 'r' },
    required: ['runId'],
    wrong: { runId: RUN_ID_WRONG, url: [5, '', null] },
    oversized: { runId: 'r'.repeat(129), url: 'u'.repeat(2049) },
  },
  'runs.list': {
    valid: {},
    required: [],
    wrong: {
      state: [5, 'BOGUS', null],
      flow: [5, '', null],
      engine: [5, ''],
      limit: ['10', 0, 1001, 1.5, null],
      cursor: [5, null],
    },
    oversized: {
      state: 'S'.repeat(33),
      flow: 'f'.repeat(513),
      engine: 'e'.repeat(513),
      cursor: 'c'.repeat(1025),
    },
  },
  'runs.detail': {
    valid: { runId: 'r' },
    required: ['runId'],
    wrong: { runId: RUN_ID_WRONG },
    oversized: { runId: 'r'.repeat(129) },
  },
  'runs.delete': {
    valid: { runId: 'r' },
    required: ['runId'],
    wrong: { runId: RUN_ID_WRONG },
    oversized: { runId: 'r'.repeat(129) },
  },
  'runs.subscribe': {
    valid: { runId: 'r' },
    required: ['runId'],
    wrong: { runId: RUN_ID_WRONG, replay: ['yes', 1, null] },
    oversized: { runId: 'r'.repeat(129) },
  },
  'runs.unsubscribe': {
    valid: { runId: 'r' },
    required: ['runId'],
    wrong: { runId: RUN_ID_WRONG },
    oversized: { runId: 'r'.repeat(129) },
  },
  'runs.prune': { valid: {}, required: [], wrong: {}, oversized: {} },
  'catalog.kinds': { valid: {}, required: [], wrong: {}, oversized: {} },
  'settings.retention.get': { valid: {}, required: [], wrong: {}, oversized: {} },
  'settings.retention.set': {
    valid: { keepLast: 10 },
    required: [],
    wrong: {
      keepLast: [0, -1, 1.5, '10', null, true, [], 1_000_001],
      maxAgeDays: [0, 2.5, '30', null, {}, 36_501],
    },
    oversized: {},
  },
  'workers.list': {
    valid: {},
    required: [],
    wrong: {
      url: [5, '', 'http://127.0.0.1'],
      exchange: [5, '', null],
      topics: ['default', [], [5], [''], null],
      waitMs: [-1, 10_001, 1.5, '5', null],
    },
    oversized: {
      url: `amqp://${'u'.repeat(2048)}`,
      exchange: 'x'.repeat(513),
      topics: Array.from({ length: 65 }, () => 't'),
    },
  },
};

/** A bad request as text (or a value), and what must come back. */
interface Case {
  readonly what: string;
  readonly raw: unknown;
  readonly code: ContractError['code'];
  /** The id the error response carries. */
  readonly id: number | null;
  /** A problem whose path is this (or starts with it, for a trailing `*`). */
  readonly path?: string;
}

let nextId = 1000;

function request(method: string, params: unknown): { id: number; text: string } {
  const id = nextId++;
  return { id, text: JSON.stringify({ id, method, params }) };
}

/** Every bad request of one method. */
function casesOf(method: Method): Case[] {
  const spec = SPECS[method];
  const cases: Case[] = [];
  const add = (what: string, params: unknown, code: ContractError['code'], path?: string): void => {
    const r = request(method, params);
    cases.push({ what, raw: r.text, code, id: r.id, ...(path !== undefined ? { path } : {}) });
  };
  for (const params of [42, 'text', [], [spec.valid], null, true]) {
    add(`params ${JSON.stringify(params)}`, params, 'bad-request', 'params');
  }
  for (const field of spec.required) {
    const { [field]: _gone, ...rest } = spec.valid;
    add(`missing ${field}`, rest, 'bad-request', `params.${field}`);
  }
  for (const [field, values] of Object.entries(spec.wrong)) {
    for (const value of values) {
      add(
        `${field} = ${JSON.stringify(value)}`,
        { ...spec.valid, [field]: value },
        'bad-request',
        `params.${field}*`,
      );
    }
  }
  for (const [field, value] of Object.entries(spec.oversized)) {
    add(`${field} oversized`, { ...spec.valid, [field]: value }, 'bad-request', `params.${field}*`);
  }
  add('an extra field', { ...spec.valid, extra: 1 }, 'bad-request', 'params.extra');
  add('an extra field in the middle', { extra: [1, 2], ...spec.valid }, 'bad-request', 'params.extra');

  // Prototype keys, written as JSON text (an object literal would set the prototype instead).
  const validText = JSON.stringify(spec.valid).slice(1, -1);
  const sep = validText === '' ? '' : ',';
  for (const key of ['__proto__', 'constructor']) {
    const id = nextId++;
    cases.push({
      what: `a ${key} key in params`,
      raw: `{"id":${String(id)},"method":"${method}","params":{"${key}":{"polluted":true}${sep}${validText}}}`,
      code: 'bad-request',
      id,
      path: `params.${key}`,
    });
    const id2 = nextId++;
    cases.push({
      what: `a ${key} key in the request`,
      raw: `{"${key}":{"polluted":true},"id":${String(id2)},"method":"${method}","params":${JSON.stringify(spec.valid)}}`,
      code: 'bad-request',
      id: id2,
      path: key,
    });
  }

  // Too large, as text and as a parsed value: refused before anything else is looked at.
  const pad = 'x'.repeat(MAX_REQUEST_BYTES);
  cases.push({
    what: 'a request over MAX_REQUEST_BYTES (text)',
    raw: JSON.stringify({ id: nextId++, method, params: { ...spec.valid, pad } }),
    code: 'too-large',
    id: null,
  });
  cases.push({
    what: 'a request over MAX_REQUEST_BYTES (parsed value)',
    raw: { id: nextId++, method, params: { ...spec.valid, pad } },
    code: 'too-large',
    id: null,
  });
  cases.push({
    what: 'a request over MAX_REQUEST_BYTES in multi-byte characters (text)',
    raw: JSON.stringify({
      id: nextId++,
      method,
      params: { ...spec.valid, pad: 'é'.repeat(MAX_REQUEST_BYTES / 2 + 1) },
    }),
    code: 'too-large',
    id: null,
  });
  cases.push({
    what: 'a request over MAX_REQUEST_BYTES (bytes)',
    raw: Buffer.from(JSON.stringify({ id: nextId++, method, params: { ...spec.valid, pad } })),
    code: 'too-large',
    id: null,
  });

  // Not JSON, or not a request.
  const text = JSON.stringify({ id: nextId++, method, params: spec.valid });
  cases.push({ what: 'truncated JSON', raw: text.slice(0, -2), code: 'bad-request', id: null, path: '' });
  cases.push({
    what: 'JSON with a trailing comma',
    raw: `${text.slice(0, -1)},}`,
    code: 'bad-request',
    id: null,
  });
  cases.push({ what: 'not JSON at all', raw: `${method} please`, code: 'bad-request', id: null });
  cases.push({ what: 'an empty string', raw: '', code: 'bad-request', id: null });
  cases.push({
    what: 'invalid UTF-8 bytes',
    raw: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    code: 'bad-request',
    id: null,
  });
  cases.push({
    what: 'the request in an array (text)',
    raw: `[${text}]`,
    code: 'bad-request',
    id: null,
    path: '',
  });
  cases.push({
    what: 'the request in an array (value)',
    raw: [{ id: 1, method, params: spec.valid }],
    code: 'bad-request',
    id: null,
  });
  cases.push({ what: 'null (text)', raw: 'null', code: 'bad-request', id: null, path: '' });
  cases.push({ what: 'null (value)', raw: null, code: 'bad-request', id: null });
  cases.push({ what: 'undefined', raw: undefined, code: 'bad-request', id: null });
  cases.push({ what: 'a number', raw: '42', code: 'bad-request', id: null });
  cases.push({ what: 'a function', raw: () => 1, code: 'bad-request', id: null });
  cases.push({ what: 'a BigInt', raw: { id: 1n, method }, code: 'bad-request', id: null });
  const circular: Record<string, unknown> = { id: 1, method };
  circular.params = circular;
  cases.push({ what: 'a circular value', raw: circular, code: 'bad-request', id: null });
  const deep = `${'['.repeat(MAX_REQUEST_DEPTH + 10)}${']'.repeat(MAX_REQUEST_DEPTH + 10)}`;
  const deepId = nextId++;
  cases.push({
    what: 'params nested too deeply',
    raw: `{"id":${String(deepId)},"method":"${method}","params":{"document":${deep}}}`,
    code: 'bad-request',
    id: deepId,
    path: '',
  });

  // The envelope.
  cases.push({
    what: 'no id',
    raw: JSON.stringify({ method, params: spec.valid }),
    code: 'bad-request',
    id: null,
    path: 'id',
  });
  for (const id of [-1, 1.5, '1', null, 2 ** 53]) {
    cases.push({
      what: `id ${JSON.stringify(id)}`,
      raw: JSON.stringify({ id, method, params: spec.valid }),
      code: 'bad-request',
      id: null,
      path: 'id',
    });
  }
  const envId = nextId++;
  cases.push({
    what: 'an extra field in the request',
    raw: JSON.stringify({ id: envId, method, params: spec.valid, extra: true }),
    code: 'bad-request',
    id: envId,
    path: 'extra',
  });
  const caseId = nextId++;
  cases.push({
    what: 'the method in other letters',
    raw: JSON.stringify({ id: caseId, method: method.toUpperCase(), params: spec.valid }),
    code: 'unknown-method',
    id: caseId,
  });
  const spaceId = nextId++;
  cases.push({
    what: 'the method with a space',
    raw: JSON.stringify({ id: spaceId, method: ` ${method}`, params: spec.valid }),
    code: 'unknown-method',
    id: spaceId,
  });
  return cases;
}

/** Methods names that are not methods, some of them keys every object has. */
const NOT_METHODS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'documents',
  'runs.',
  'x'.repeat(64),
];

function expectProblem(error: ContractError, path: string): void {
  const paths = (error.problems ?? []).map((p) => p.path);
  if (path.endsWith('*')) {
    expect(
      paths.some((p) => p.startsWith(path.slice(0, -1))),
      `problems ${JSON.stringify(paths)}`,
    ).toBe(true);
  } else {
    expect(paths, `problems ${JSON.stringify(paths)}`).toContain(path);
  }
}

let h: Harness;
let c: Client;
let hash: string;
let counts: { runs: number; documents: number };
const spies: ReturnType<typeof vi.spyOn>[] = [];

beforeAll(async () => {
  h = harness();
  c = h.client();
  // Something in the file to keep: a finished run and a saved document.
  const { runId } = (await c.ok('runs.start', { document: addDocument })) as { runId: string };
  await c.ended(runId);
  await c.ok('documents.save', { document: addDocument });
  await new Promise((r) => setTimeout(r, 50));
  hash = fileHash(h.db);
  counts = storeCounts(h.db);
  expect(counts).toEqual({ runs: 1, documents: 1 });
  for (const name of [
    'start',
    'resume',
    'cancel',
    'suspend',
    'listRuns',
    'getRun',
    'deleteRun',
    'subscribe',
  ] as const) {
    spies.push(vi.spyOn(h.runs, name));
  }
  for (const name of ['list', 'get', 'save', 'delete'] as const) spies.push(vi.spyOn(h.documents, name));
});

afterAll(async () => {
  vi.restoreAllMocks();
  await h.close();
});

describe.each(Object.keys(methods) as Method[])('%s', (method) => {
  it('refuses every bad request with the right code and field, and keeps working', async () => {
    const cases = casesOf(method);
    expect(cases.length).toBeGreaterThan(35);
    for (const k of cases) {
      const r: Response = await c.raw(k.raw);
      expect(r.ok, k.what).toBe(false);
      if (r.ok) continue;
      expect(r.error.code, `${k.what}: ${r.error.message}`).toBe(k.code);
      expect(r.id, k.what).toBe(k.id);
      expect(r.error.message.length, k.what).toBeGreaterThan(0);
      expect(r.error.message.length, k.what).toBeLessThan(2000);
      if (k.path !== undefined) expectProblem(r.error, k.path);
      // The session still answers.
      expect((await c.request('catalog.kinds')).ok, `after ${k.what}`).toBe(true);
    }
    // Nothing reached the services, nothing was written, nothing was polluted.
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(storeCounts(h.db)).toEqual(counts);
    expect(fileHash(h.db)).toBe(hash);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the method name', () => {
  it('answers unknown-method for names that are not methods, even ones every object has', async () => {
    for (const method of NOT_METHODS) {
      const r = await c.raw(JSON.stringify({ id: 7, method, params: {} }));
      expect(r, method).toMatchObject({ id: 7, ok: false, error: { code: 'unknown-method' } });
    }
    const empty = await c.raw(JSON.stringify({ id: 8, method: '' }));
    expect(empty).toMatchObject({ id: 8, ok: false, error: { code: 'bad-request' } });
    const long = await c.raw(JSON.stringify({ id: 9, method: 'm'.repeat(65) }));
    expect(long).toMatchObject({
      id: 9,
      ok: false,
      error: { code: 'bad-request', problems: [{ path: 'method' }] },
    });
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(fileHash(h.db)).toBe(hash);
  });

  it('names each problem: a missing field says so, an unknown one too', async () => {
    const r = await c.raw(JSON.stringify({ id: 3, method: 'runs.cancel', params: { runld: 'typo' } }));
    expect(r).toMatchObject({ id: 3, ok: false, error: { code: 'bad-request' } });
    if (r.ok) return;
    expect(r.error.problems).toEqual([
      { path: 'params.runId', message: 'missing (this field is required)' },
      { path: 'params.runld', message: 'unknown field' },
    ]);
    expect(r.error.message).toBe(
      "Invalid params of 'runs.cancel': params.runId: missing (this field is required) (and 1 more)",
    );
  });

  it('refuses a cursor the history did not give, naming it (the store is only read)', async () => {
    const r = await c.raw(JSON.stringify({ id: 4, method: 'runs.list', params: { cursor: 'not-a-cursor' } }));
    expect(r).toMatchObject({
      id: 4,
      ok: false,
      error: { code: 'bad-request', problems: [{ path: 'params.cursor' }] },
    });
    expect(fileHash(h.db)).toBe(hash);
  });

  it('after all of it, valid requests of the services still work', async () => {
    vi.restoreAllMocks();
    expect(((await c.ok('runs.list')) as { runs: unknown[] }).runs).toHaveLength(1);
    expect(((await c.ok('documents.list')) as { documents: unknown[] }).documents).toHaveLength(1);
  });
});

describe('the size of an answer', () => {
  // Found by test/hardening/fuzz-host.test.ts: every problem was listed, so a 4 MiB document of wrong
  // nodes was answered with some 250 MB (the web host then cut the client off, unanswered).
  it('lists at most MAX_PROBLEMS problems, and counts the rest, however many fields are wrong', async () => {
    const fields = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${String(i)}`, i]));
    const r = await c.raw(JSON.stringify({ id: 5, method: 'documents.list', params: fields }));
    expect(r).toMatchObject({ id: 5, ok: false, error: { code: 'bad-request' } });
    if (r.ok) return;
    expect(r.error.problems).toHaveLength(MAX_PROBLEMS);
    expect(r.error.problems?.[0]).toEqual({ path: 'params.k0', message: 'unknown field' });
    expect(r.error.message).toContain('(and 19999 more)');
    expect(JSON.stringify(r).length).toBeLessThan(64 * 1024);
  });

  it('lists at most MAX_PROBLEMS problems of an invalid document, and says how many there are', async () => {
    const document = {
      format: 'atomflow.flow/1',
      name: 'many',
      flow: { type: 'linear', name: 'many-flow', children: Array.from({ length: 20_000 }, (_, i) => i) },
    };
    for (const method of ['runs.start', 'documents.save']) {
      const r = await c.raw(JSON.stringify({ id: 6, method, params: { document } }));
      expect(r, method).toMatchObject({ id: 6, ok: false, error: { code: 'invalid-document' } });
      if (r.ok) return;
      expect(r.error.problems, method).toHaveLength(MAX_PROBLEMS);
      expect(r.error.problems?.[0], method).toMatchObject({ node: 'many-flow', path: 'children[0]' });
      expect(r.error.message, method).toContain('20000 problems in all');
      expect(JSON.stringify(r).length, method).toBeLessThan(64 * 1024);
    }
    expect(storeCounts(h.db)).toEqual(counts);
  });
});
