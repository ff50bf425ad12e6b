/**
 * Hardening (issue #10): flow documents, generated and mutated, through the
 * real entry points — validation, the reader of text, and the run service on
 * a real SQLite file (serial engine).
 *
 * Properties:
 * - a generated valid document is accepted and runs to exactly the outcome
 *   worked out for it (every symbol's value, or the task it fails with);
 * - a mutated one is either run properly (to the known outcome where the
 *   mutation keeps it, to an end state otherwise) or refused with problems
 *   that each name a node of the document and a field of it, where the
 *   mutation says, with nothing written to the run store;
 * - always: within a time bound, no unhandled error, no built-in prototype
 *   touched (see `document-oracle.ts`).
 *
 * Sizes (`scale.ts`): `npm test` runs a CI size; ATOMFLOW_HARDENING=full
 * runs 10,000 documents. A failure reports the first counterexample with
 * its seed and path, without shrinking (a shrink reruns whole runs: minutes);
 * ATOMFLOW_FUZZ_SHRINK=1 shrinks it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunService } from '../../app/runs/index.js';
import { buildDocument } from './document-builder.js';
import { MUTATIONS, mutatedCase, type BaseDocument, type MutationKind } from './document-mutations.js';
import { nodeNamePool, symbolPool } from './document-names.js';
import { DocumentOracle } from './document-oracle.js';
import { documentPlan } from './document-plan.js';
import { FULL, SEED, report, scale } from './scale.js';

const VALID = scale(200, 3000);
const MUTATED = scale(1300, 7000);
/** Per document, everything included (a synchronous step cannot be interrupted, so it is measured). */
const BOUND_MS = 5000;
/** And this much more per MiB of the document and atom (see `DocumentOracle`). */
const BOUND_MS_PER_MIB = 1000;
/** Huge strings: 1 MiB in CI, up to 5 MiB at full size. */
const MUTATION_OPTIONS = { hugeMiB: FULL ? [1, 2, 5] : [1] };
/** ATOMFLOW_FUZZ_MUTATIONS=a,b: only those mutations (to chase one kind of failure). */
const KINDS: readonly MutationKind[] =
  process.env.ATOMFLOW_FUZZ_MUTATIONS === undefined
    ? MUTATIONS
    : MUTATIONS.filter((k) => (process.env.ATOMFLOW_FUZZ_MUTATIONS ?? '').split(',').includes(k));

const oracle = new DocumentOracle({ rotateEvery: 250, boundMs: BOUND_MS, boundMsPerMiB: BOUND_MS_PER_MIB });
const params = (numRuns: number): fc.Parameters<unknown> => ({
  seed: SEED,
  numRuns,
  endOnFailure: process.env.ATOMFLOW_FUZZ_SHRINK !== '1',
});
const figures: Record<string, number | string> = {};

beforeAll(async () => {
  await oracle.open();
});
afterAll(async () => {
  await oracle.close();
  report('documents', {
    ...figures,
    ...oracle.counts,
    slowestMs: Math.round(oracle.slowestMs),
    slowest: oracle.slowestLabel,
  });
});

/**
 * Which mutation, weighted by cost: a huge string makes a run write megabytes
 * at every step (a few seconds each), groups near the depth limit run a few
 * hundred flows; every other mutation costs about as much as a valid run.
 */
function mutationKind(): fc.Arbitrary<MutationKind> {
  const weight = (k: MutationKind): number => (k === 'huge-string' ? 1 : k === 'deep-groups' ? 5 : 10);
  return fc.oneof(...KINDS.map((k) => ({ weight: weight(k), arbitrary: fc.constant(k) })));
}

/** A valid document with what it was built from: a plan and name pools. */
function baseDocument(): fc.Arbitrary<BaseDocument> {
  return fc
    .record({ plan: documentPlan({ withHttp: true }), names: nodeNamePool(30), symbols: symbolPool(40) })
    .map(({ plan, names, symbols }) => {
      const pools = { names, symbols };
      return {
        plan,
        pools,
        built: buildDocument(plan, pools, { httpBase: oracle.httpBase }),
        httpBase: oracle.httpBase,
      };
    });
}

describe('flow documents under fuzzing', () => {
  it(
    `${String(VALID)} generated valid documents run to their expected outcome`,
    { timeout: FULL ? 3_600_000 : 300_000 },
    async () => {
      const started = Date.now();
      const features = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(baseDocument(), fc.boolean(), fc.boolean(), async (base, asText, indent) => {
          for (const f of base.built.features) features.set(f, (features.get(f) ?? 0) + 1);
          const verdict = await oracle.check({
            label: 'valid',
            input: asText
              ? { mode: 'text', text: JSON.stringify(base.built.document, null, indent ? 2 : undefined) }
              : { mode: 'object', value: base.built.document },
            expect: { kind: 'outcome', built: base.built, mayRefuse: false },
          });
          expect(verdict).toBe('ran');
        }),
        params(VALID),
      );
      figures.valid = VALID;
      figures.validRan = oracle.counts.ran;
      figures.validMs = Date.now() - started;
      // Every shape the generator can make was made (so a generator bug cannot silently narrow the
      // fuzzing); a run much smaller than CI's (ATOMFLOW_HARDENING=0.1) may miss the rarer ones.
      if (VALID < 100) return;
      for (const f of [
        'linear',
        'unordered',
        'graph',
        'retry:times',
        'retry:for-each',
        'retry:parameterized-for-each',
        'retry:always-revert',
        'retry:always-revert-all',
        'retry:absorbs',
        'decider:true',
        'decider:false',
        'kind:script',
        'kind:value',
        'kind:fail',
        'kind:noop',
        'kind:delay',
        'kind:shell',
        'kind:http',
        'rebind:map',
        'rebind:list',
        'inject',
        'optional',
        'provides:list',
        'provides:map',
        'outcome:reverted',
      ])
        expect(features.get(f) ?? 0, f).toBeGreaterThan(0);
    },
  );

  it(
    `${String(MUTATED)} mutated documents are run properly or refused with node and field`,
    { timeout: FULL ? 3_600_000 : 300_000 },
    async () => {
      const started = Date.now();
      const byKind = new Map<string, Record<string, number>>();
      await fc.assert(
        fc.asyncProperty(
          baseDocument(),
          mutationKind(),
          fc.integer({ min: 0, max: 0x7fffffff }),
          fc.boolean(),
          async (base, kind, seed, asText) => {
            const verdict = await oracle.check(mutatedCase(base, kind, seed, asText, MUTATION_OPTIONS));
            const tally = byKind.get(kind) ?? {};
            tally[verdict] = (tally[verdict] ?? 0) + 1;
            byKind.set(kind, tally);
          },
        ),
        params(MUTATED),
      );
      figures.mutated = MUTATED;
      figures.mutatedRan = oracle.counts.ran - Number(figures.validRan ?? 0);
      figures.mutatedRefused = oracle.counts.refused + oracle.counts.notJson;
      figures.mutatedMs = Date.now() - started;
      // Every mutation was made (the rarest, huge-string, about once in 200: so not in much smaller runs).
      if (MUTATED >= 1000) for (const kind of KINDS) expect(byKind.has(kind), kind).toBe(true);
      console.log(`[hardening] documents by mutation: ${JSON.stringify(Object.fromEntries(byKind))}`);
    },
  );

  /*
   * Found by this fuzzer: the engine's argument lookup (engine/storage/resolver.ts) asked `symbol in
   * injectedArgs` and `param in defaults`, and `in` sees inherited members, so a parameter named like an
   * `Object.prototype` member (`toString`, `valueOf`…) got that member (a function) instead of its value;
   * and the script kind's `args` inherited them too. Both are fixed (`Object.hasOwn`, a prototype-less
   * `args`); the generators still keep such names out of symbols (`isPrototypeMember`).
   */
  it(
    'an optional parameter named like a prototype member reads its default, or nothing',
    { timeout: 20_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'atomflow-fuzz-docs-'));
      const runs = new RunService({ db: join(dir, 'runs.db') });
      try {
        const id = runs.start({
          format: 'atomflow.flow/1',
          name: 'defaults',
          flow: {
            type: 'linear',
            name: 'f',
            children: [
              {
                type: 'task',
                name: 'with-default',
                kind: 'script',
                requires: 'x',
                inject: { x: 1 },
                optional: { valueOf: 'the default' },
                config: {
                  code: 'return typeof args.valueOf === "string" ? args.valueOf : typeof args.valueOf;',
                },
                provides: 'first',
              },
              {
                type: 'task',
                name: 'without',
                kind: 'script',
                optional: ['toString'],
                config: { code: 'return typeof args.toString;' },
                provides: 'second',
              },
            ],
          },
        });
        const end = await runs.wait(id);
        expect(end.results).toEqual({ first: 'the default', second: 'undefined' });
      } finally {
        await runs.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  /*
   * Found by this fuzzer (engine/runtime/machine.ts, fixed): outcomes of one batch are analysed in turn,
   * so a success queued its successor to execute, then a failure of the same batch turned that
   * successor's intention to REVERT, and scheduling it tried PENDING → REVERTING (InvalidState): the
   * run ended FAILURE with nothing reverted. The spec (§6.3, §6.10) wants REVERTED.
   */
  it(
    'a graph where one branch fails while another has a successor left ends REVERTED',
    { timeout: 20_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'atomflow-fuzz-docs-'));
      const runs = new RunService({ db: join(dir, 'runs.db') });
      try {
        const id = runs.start({
          format: 'atomflow.flow/1',
          name: 'branches',
          flow: {
            type: 'graph',
            name: 'g',
            children: [
              { type: 'task', name: 'a', kind: 'value', config: { value: 1 }, provides: 'p' },
              { type: 'task', name: 'boom', kind: 'fail' },
              { type: 'task', name: 'after-a', kind: 'noop', requires: 'p' },
            ],
          },
        });
        const end = await runs.wait(id);
        expect(end.state).toBe('REVERTED');
        expect(runs.getRun(id).atoms.find((a) => a.name === 'a')?.state).toBe('REVERTED');
      } finally {
        await runs.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
