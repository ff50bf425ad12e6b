/**
 * Requests of exact sizes around MAX_REQUEST_BYTES (one byte under, at, one
 * over, in one-, two- and four-byte characters), and up to the WebSocket's
 * frame limit: over the limit they are refused unread (`too-large`, no id),
 * at or under it they are read, and the name that is far too long is the
 * field refused, with the request's id.
 */
import fc from 'fast-check';
import { MAX_REQUEST_BYTES } from '../../app/contract/index.js';
import { MAX_MESSAGE_BYTES } from '../../main/web/index.js';
import { probe, type Probe } from './host-probes.js';

const UNITS = ['a', 'é', '€', '😀'] as const;

/** A request of exactly `bytes` UTF-8 bytes whose `params.<field>` is the padding. */
export function sizedRequest(
  id: number,
  bytes: number,
  unit: string,
  method: 'documents.get' | 'runs.detail',
): Probe {
  const field = method === 'documents.get' ? 'name' : 'runId';
  const head = `{"id":${String(id)},"method":"${method}","params":{"${field}":"`;
  const tail = '"}}';
  let room = bytes - Buffer.byteLength(head) - Buffer.byteLength(tail);
  const size = Buffer.byteLength(unit);
  const wide = unit.repeat(Math.floor(room / size));
  room -= Buffer.byteLength(wide);
  const text = `${head}${wide}${'a'.repeat(room)}${tail}`;
  const actual = Buffer.byteLength(text);
  if (actual !== bytes) throw new Error(`built ${String(actual)} bytes, not ${String(bytes)}`);
  const over = actual > MAX_REQUEST_BYTES;
  return probe({
    what: `${method} of ${String(actual)} bytes in ${JSON.stringify(unit)}`,
    text,
    value: JSON.parse(text) as unknown,
    expected: over ? { id: null, code: 'too-large' } : { id, code: 'bad-request', field: `params.${field}` },
  });
}

/** Sizes: a few bytes either side of the limit, or anywhere from 1 MiB to the WebSocket frame limit. */
export const sizedProbe: fc.Arbitrary<(id: number) => Probe> = fc
  .tuple(
    fc.oneof(
      { arbitrary: fc.integer({ min: MAX_REQUEST_BYTES - 3, max: MAX_REQUEST_BYTES + 3 }), weight: 3 },
      { arbitrary: fc.integer({ min: 1024 * 1024, max: MAX_MESSAGE_BYTES - 1 }), weight: 2 },
    ),
    fc.constantFrom(...UNITS),
    fc.constantFrom('documents.get' as const, 'runs.detail' as const),
  )
  .map(
    ([bytes, unit, method]) =>
      (id: number) =>
        sizedRequest(id, bytes, unit, method),
  );
