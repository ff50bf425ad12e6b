/**
 * Validation finds what the engine would refuse: for each such fixture the
 * engine itself refuses the flow too (so the checks are not stricter than
 * the engine by mistake), and validation's last check maps whatever the
 * engine finds to problems on nodes and fields.
 */
import { describe, expect, it } from 'vitest';
import { buildUnchecked } from '../../app/document/build.js';
import { engineProblems } from '../../app/document/engine-check.js';
import { linkGraph } from '../../app/document/graph-links.js';
import { buildModel } from '../../app/document/model.js';
import type { FlowDocument } from '../../app/document/index.js';
import { load } from '../../engine/index.js';
import { fixture } from './document-fixtures.js';

/** Fixtures whose problems the engine finds too, and the error it raises. */
const ENGINE_REFUSES: Record<string, RegExp> = {
  'duplicate-names.json': /Atoms with duplicate names found: \['a', 'b_retry'\]/,
  'missing-provider.json': /'root' requires \['y'\]/,
  'provider-not-before.json': /requires \['late', 'v'\]/,
  'optional-not-before.json': /'root' requires \['v'\]/,
  'ambiguous-provider.json': /multiple providers \['p1', 'p2'\] found for required symbol 'x'/,
  'inferred-cycle.json': /the cycle involves 'a', 'b'/,
  'link-problems.json': /linking 'b' -> 'a' would make a cycle/,
  'bad-rebind.json': /Extra arguments given to atom 'a': 'w'/,
  'retry-inputs.json': /'root' requires \['hosts'\]/,
};

function engineCheck(doc: FlowDocument): void {
  const engine = load(buildUnchecked(doc), { store: doc.inputs ?? {} });
  engine.compile();
  engine.prepare();
  engine.validate();
}

describe('the engine refuses what validation refuses', () => {
  it.each(Object.entries(ENGINE_REFUSES))('%s', (name, error) => {
    expect(() => {
      engineCheck(fixture('invalid', name) as FlowDocument);
    }).toThrow(error);
  });
});

describe("validation's last check: the engine's own compile, prepare and validate", () => {
  it('maps missing inputs the engine finds to the fields that name them', () => {
    const doc = fixture('invalid', 'missing-provider.json') as FlowDocument;
    const model = buildModel(doc.flow, [], linkGraph);
    expect(engineProblems(doc, model)).toEqual([
      { node: 'add', path: 'requires[1]', message: 'no task or input that runs before "add" provides "y"' },
    ]);
  });

  it('maps a retry missing its values to the retry', () => {
    const doc = fixture('invalid', 'retry-inputs.json') as FlowDocument;
    const model = buildModel(doc.flow, [], linkGraph);
    expect(engineProblems(doc, model)).toEqual([
      {
        node: 'root',
        path: 'retry.rebind.values',
        message: 'no task or input that runs before "root_retry" provides "hosts"',
      },
    ]);
  });

  it('turns any other refusal into a problem on the root flow', () => {
    const doc = fixture('invalid', 'duplicate-names.json') as FlowDocument;
    const model = buildModel(doc.flow, [], linkGraph);
    expect(engineProblems(doc, model)).toEqual([
      {
        node: 'root',
        path: '',
        message: "the engine refuses this flow: Atoms with duplicate names found: ['a', 'b_retry']",
      },
    ]);
  });

  it('finds nothing in a valid document', () => {
    const doc = fixture('valid', 'every-field.flow.json') as FlowDocument;
    expect(engineProblems(doc, buildModel(doc.flow, [], linkGraph))).toEqual([]);
  });
});
