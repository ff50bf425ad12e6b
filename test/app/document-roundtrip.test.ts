/**
 * Document → engine patterns → document keeps every field; the built
 * patterns are the engine's own (with catalog tasks), and run.
 */
import { describe, expect, it } from 'vitest';
import {
  buildFlow,
  InvalidDocument,
  readDocument,
  toDocument,
  type FlowDocument,
} from '../../app/document/index.js';
import { CatalogTask } from '../../app/catalog/index.js';
import {
  GraphFlow,
  LinearFlow,
  Times,
  UnorderedFlow,
  graph,
  linear,
  run,
  task,
  type Flow,
} from '../../engine/index.js';
import { fixture, fixtureNames, fixtureText } from './document-fixtures.js';

function read(name: string): FlowDocument {
  const r = readDocument(fixtureText('valid', name), name);
  if (!r.document) throw new Error(`${name} is not valid`);
  return r.document;
}

describe('round trip', () => {
  it.each(fixtureNames('valid'))('%s: document → buildFlow → toDocument deep-equals the input', (name) => {
    const doc = read(name);
    const again = toDocument(buildFlow(doc), doc);
    expect(again).toStrictEqual(fixture('valid', name));
    // The result is a copy: changing it leaves the built flow's nodes alone.
    expect(toDocument(buildFlow(doc), doc)).not.toBe(doc);
  });

  it('keeps the children of a graph in document order, not the topological order the engine iterates in', () => {
    const doc: FlowDocument = {
      format: 'atomflow.flow/1',
      name: 'order',
      flow: {
        type: 'graph',
        name: 'g',
        children: [
          { type: 'task', name: 'consumer', kind: 'noop', requires: ['v'] },
          { type: 'task', name: 'producer', kind: 'value', config: { value: 1 }, provides: 'v' },
        ],
      },
    };
    const flow = buildFlow(doc);
    expect(flow.children().map((c) => c.name)).toEqual(['producer', 'consumer']);
    expect(toDocument(flow, doc)).toStrictEqual(doc);
  });

  it('also converts patterns written in code, when their tasks are catalog tasks', () => {
    const doc = read('design-example.flow.json');
    const built = buildFlow(doc);
    const add = built.children()[0]!;
    const inner = (built.children()[1] as GraphFlow).children();
    const g = graph('fanout').add(...inner);
    g.link(inner[0]!, inner[1]!);
    const flow = linear('root', new Times(3, { name: 'again' })).add(add, g);
    expect(toDocument(flow, doc)).toStrictEqual(fixture('valid', 'design-example.flow.json'));
  });

  it('refuses tasks that were not made from a document', () => {
    const flow = linear('root').add(task({ name: 'code', execute: () => 1 }));
    expect(() => toDocument(flow, { name: 'x' })).toThrow(
      "The task 'code' was not made from a document (only catalog tasks can be saved)",
    );
  });
});

describe('buildFlow', () => {
  it('gives the engine patterns with catalog tasks that keep their nodes', () => {
    const doc = read('every-field.flow.json');
    const flow = buildFlow(doc);
    expect(flow).toBeInstanceOf(LinearFlow);
    const kinds = (f: Flow): string[] =>
      f
        .children()
        .map((c) =>
          c instanceof CatalogTask ? c.node.kind : `${(c as Flow).kind}(${kinds(c as Flow).join(',')})`,
        );
    expect(kinds(flow)).toEqual([
      'noop',
      'value',
      'value',
      'script',
      'script',
      'script',
      'unordered(delay,fail)',
      'linear(script)',
      'graph(value,script,shell,http)',
      'graph()',
      'unordered()',
    ]);
    expect(flow.children()[6]).toBeInstanceOf(UnorderedFlow);
    expect(flow.retry?.name).toBe('root-again');
    expect((flow.children()[8] as Flow).retry?.name).toBe('fan_retry');
  });

  it('runs: the design example computes with its inputs', async () => {
    const doc = read('design-example.flow.json');
    expect(await run(buildFlow(doc), { store: doc.inputs ?? {} })).toEqual({
      x: 2,
      y: 3,
      sum: 5,
      one: 1,
      total: 6,
    });
  });

  it('refuses an invalid document, listing every problem', () => {
    const doc = fixture('invalid', 'link-problems.json') as FlowDocument;
    let err: unknown;
    try {
      buildFlow(doc);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidDocument);
    expect((err as InvalidDocument).problems).toHaveLength(6);
    expect((err as Error).message).toContain('root.links[1]: links "a" to itself');
  });
});
