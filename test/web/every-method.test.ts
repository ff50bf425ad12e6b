/**
 * Every contract method over the real WebSocket of the browser host, with
 * malformed and oversized params: each gets an error naming what is wrong,
 * the socket and the host stay up, a valid request works afterwards, and the
 * store is not changed by a byte. (test/contract/bad-requests.test.ts tries
 * many more shapes per method on the session itself.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES, methods, type Method, type Response } from '../../app/contract/index.js';
import { addDocument } from '../app/runs-support.js';
import { fileHash } from '../contract/support.js';
import { Client, startHarness, type Harness } from './support.js';

let h: Harness;
let before: string;

beforeAll(async () => {
  h = await startHarness();
  // Something in the store, so that "nothing written" is checked against a real file.
  const c = await Client.open(h);
  await c.call('documents.save', { document: addDocument });
  c.close();
  before = fileHash(h.db);
});
afterAll(async () => {
  await h.close();
});

/** Malformed params for any method: wrong types, unknown fields, oversized values. */
function badParams(method: Method): unknown[] {
  return [
    5,
    'params',
    [],
    [{}],
    null,
    true,
    { bogus: 1 },
    { __proto__: { polluted: true }, bogus: 2 },
    { constructor: { prototype: { polluted: true } } },
    { runId: 'r'.repeat(10_000), name: 'n'.repeat(10_000), document: 5, bogus: 'x'.repeat(10_000) },
    // A method that takes nothing still refuses fields; one that takes fields refuses wrong types for all.
    Object.fromEntries(Object.keys(methods[method].shape).map((k) => [k, { nested: [1, 2, 3] }])),
  ];
}

function expectRefused(r: Response, method: string): void {
  // Asking to validate a broken document is a fine request: its answer lists the problems.
  if (method === 'documents.validate' && r.ok) {
    expect((r.result as { valid: boolean }).valid, method).toBe(false);
    return;
  }
  expect(r.ok, `${method}: ${JSON.stringify(r)}`).toBe(false);
  if (r.ok) return;
  expect(['bad-request', 'invalid-document'], method).toContain(r.error.code);
  expect(r.error.message.length, method).toBeGreaterThan(0);
}

describe('every contract method over the WebSocket', () => {
  for (const method of Object.keys(methods) as Method[]) {
    it(`${method}: malformed and oversized params are refused, nothing is written`, async () => {
      const c = await Client.open(h);
      try {
        for (const params of badParams(method)) {
          // Params that are a valid empty object are valid for a method that takes none: skip those.
          if (
            Object.keys(methods[method].shape).length === 0 &&
            typeof params === 'object' &&
            params !== null
          ) {
            if (!Array.isArray(params) && Object.keys(params).length === 0) continue;
          }
          expectRefused(await c.request(method, params), method);
        }
        // Too large for the contract (but under the socket's frame limit): refused unread, so without its id.
        const anonymous = c.anonymous.length;
        c.send(JSON.stringify({ id: 999, method, params: { blob: 'x'.repeat(MAX_REQUEST_BYTES) } }));
        await c.until(() => c.anonymous.length > anonymous);
        const huge = c.anonymous.at(-1);
        expect(huge?.ok).toBe(false);
        if (huge && !huge.ok) expect(huge.error.code).toBe('too-large');
        expect(Object.prototype).not.toHaveProperty('polluted');
        // Still up, on the same socket: a valid request works.
        const ok = await c.request('catalog.kinds', {});
        expect(ok.ok).toBe(true);
      } finally {
        c.close();
      }
      expect(fileHash(h.db)).toBe(before);
    });
  }
});
