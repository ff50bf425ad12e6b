/**
 * Names for the document fuzzer: the pools a generated document takes its
 * node names and symbols from, and the odd names mutations rename them to.
 *
 * The pools are mostly plain words (so most documents look like a person's),
 * with the names validation must cope with mixed in: right-to-left text,
 * emoji, NUL, whitespace, quotes and path punctuation, names of
 * `Object.prototype` members. Reserved keys (`__proto__`, `constructor`,
 * `prototype`) are valid *node* names but not symbols, so they are in the
 * node-name pool only.
 */
import fc from 'fast-check';

/** Keys that reach an object's prototype machinery; the document refuses them as map keys and symbols. */
export const RESERVED = ['__proto__', 'constructor', 'prototype'] as const;

/** Names any document may use: odd, but well-formed Unicode and not reserved. */
export const ODD_NAMES: readonly string[] = [
  ' ',
  ' padded ',
  'tab\there',
  'line\nbreak',
  'a\u0000b',
  'שלום',
  'مرحبا بالعالم',
  '\u202Eright-to-left override',
  '👩‍💻',
  '🚀 launch',
  'e\u0301',
  'zero\u200Bwidth',
  'a.b',
  'a[0]',
  '"quoted"',
  "it's",
  'back\\slash',
  '$ref',
  '-',
  '0',
  '1e3',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'undefined',
  'null',
];

/** Strings that are not well-formed Unicode (lone surrogates): SQLite cannot store them as text. */
export const ILL_FORMED: readonly string[] = ['\uD800', 'a\uDC00b', 'end\uD83D'];

/** A plain word for a pool entry. */
const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,9}$/);

/**
 * Node names: unique, mostly plain words, some odd ones, now and then a
 * reserved key. `count` names are drawn; the document builder takes them in
 * order and makes up more if it runs out.
 */
export function nodeNamePool(count: number): fc.Arbitrary<string[]> {
  const name = fc.oneof(
    { weight: 8, arbitrary: word },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_NAMES) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }) },
    { weight: 1, arbitrary: fc.constantFrom(...RESERVED) },
  );
  return fc.uniqueArray(name, { minLength: count, maxLength: count });
}

/**
 * Names of `Object.prototype` members. As symbols the engine resolves them
 * wrongly (its argument lookup uses `in`, which sees inherited members: see
 * the known-bug test in `fuzz-documents.test.ts`), so symbols avoid them.
 */
export function isPrototypeMember(name: string): boolean {
  return name in Object.prototype;
}

/** Symbols: like node names, but never reserved keys, prototype members nor empty. */
export function symbolPool(count: number): fc.Arbitrary<string[]> {
  const symbol = fc.oneof(
    { weight: 8, arbitrary: word },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_NAMES) },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
        .filter((s) => !(RESERVED as readonly string[]).includes(s)),
    },
  );
  return fc.uniqueArray(
    symbol.filter((s) => !isPrototypeMember(s)),
    { minLength: count, maxLength: count },
  );
}
