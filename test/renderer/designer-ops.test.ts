/**
 * The designer's document edits (renderer/designer/ops.ts) on real example
 * documents: each edit keeps the document consistent (links and layout follow
 * renames, moves and deletions) and leaves untouched nodes as they were.
 */
import { produce } from 'immer';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDocument, type FlowDoc, type GroupDoc, type TaskDoc } from '../../renderer/designer/document';
import * as ops from '../../renderer/designer/ops';
import { indexDocument, namesIn, uniqueName } from '../../renderer/designer/tree';

const examples = join(import.meta.dirname, '..', '..', 'examples');
/** An example without its canvas positions (every-pattern's are for a different arrangement). */
const example = (file: string): FlowDoc => {
  const doc = readDocument(readFileSync(join(examples, file), 'utf8'), file);
  delete doc.layout;
  return doc;
};

function group(doc: FlowDoc, name: string): GroupDoc {
  const node = indexDocument(doc).get(name)?.node;
  if (!node || node.type === 'task') throw new Error(`no group ${name}`);
  return node;
}

const task = (name: string, kind = 'noop'): TaskDoc => ({ type: 'task', name, kind });

describe('readDocument', () => {
  it('refuses what is not a flow document, naming the file', () => {
    expect(() => readDocument('{', 'a.json')).toThrow(/a\.json: not JSON/);
    expect(() => readDocument('[]', 'b.json')).toThrow(/b\.json: a flow document is a JSON object/);
    expect(() => readDocument('{"format":"atomflow.flow/2","flow":{}}', 'c.json')).toThrow(
      /c\.json: format "atomflow\.flow\/2" is not one this version reads \(atomflow\.flow\/1\)/,
    );
    expect(() => readDocument('{"format":"atomflow.flow/1","name":"x"}', 'd.json')).toThrow(
      /d\.json: field "flow"/,
    );
  });

  it('keeps an invalid but drawable document as written, so its problems can be shown', () => {
    const doc = readDocument(
      JSON.stringify({
        format: 'atomflow.flow/1',
        name: 'bad',
        flow: {
          type: 'linear',
          name: 'root',
          children: [{ type: 'task', name: 'a', kind: 'nope', extra: 1 }],
        },
      }),
      'bad.json',
    );
    expect(doc.flow.children[0]).toEqual({ type: 'task', name: 'a', kind: 'nope', extra: 1 });
  });

  it('draws a group with no children list as an empty group', () => {
    const doc = readDocument(
      '{"format":"atomflow.flow/1","name":"x","flow":{"type":"graph","name":"g"}}',
      'x',
    );
    expect(doc.flow.children).toEqual([]);
  });
});

describe('names', () => {
  it('gives each name once: base, base-2, base-3', () => {
    const taken = new Set(['script', 'script-2']);
    expect(uniqueName('script', taken)).toBe('script-3');
    expect(uniqueName('shell', taken)).toBe('shell');
    expect(uniqueName('shell', taken)).toBe('shell-2');
  });

  it('counts retry names, which share the namespace', () => {
    const doc = example('retry.flow.json');
    const names = namesIn(doc);
    for (const loc of indexDocument(doc).values()) expect(names.has(loc.node.name)).toBe(true);
    expect([...names].some((n) => n.endsWith('_retry') || n.includes('retry'))).toBe(true);
  });

  it('gives a duplicated name a distinct canvas id', () => {
    const doc = example('deploy.flow.json');
    const twice = produce(doc, (d) => {
      d.flow.children.push(task('build'));
    });
    expect([...indexDocument(twice).keys()]).toContain('build~2');
  });
});

describe('edits', () => {
  it('inserts at a place, and only the changed path gets new objects', () => {
    const doc = example('every-pattern.flow.json');
    const next = produce(doc, (d) => {
      ops.insertNode(d, 'preflight', task('check-time'), 1);
    });
    expect(group(next, 'preflight').children.map((c) => c.name)).toEqual([
      'check-disk',
      'check-time',
      'check-network',
      'cool-down',
    ]);
    expect(group(next, 'build')).toBe(group(doc, 'build'));
    expect(next.flow.children[0]).toBe(doc.flow.children[0]);
  });

  it('stores a position only for members of graph groups', () => {
    const doc = example('every-pattern.flow.json');
    const next = produce(doc, (d) => {
      ops.insertNode(d, 'build', task('lint'), undefined, { x: 10.4, y: 20.6 });
      ops.insertNode(d, 'preflight', task('ping'), undefined, { x: 1, y: 2 });
    });
    expect(next.layout).toEqual({ lint: { x: 10, y: 21 } });
  });

  it('removes a group with everything in it, links to it, and their layout', () => {
    const doc = produce(example('every-pattern.flow.json'), (d) => {
      ops.setPosition(d, 'compile', { x: 0, y: 0 });
      ops.setPosition(d, 'docs', { x: 5, y: 5 });
    });
    const next = produce(doc, (d) => {
      ops.removeNodes(d, ['docs', 'preflight']);
    });
    const names = [...indexDocument(next).keys()];
    expect(names).not.toContain('docs');
    expect(names).not.toContain('check-disk');
    expect(group(next, 'build').links?.some((l) => l.from === 'docs' || l.to === 'docs') ?? false).toBe(
      false,
    );
    expect(next.layout).toEqual({ compile: { x: 0, y: 0 } });
  });

  it('never removes the root flow', () => {
    const doc = example('deploy.flow.json');
    const next = produce(doc, (d) => {
      ops.removeNodes(d, ['deploy-steps']);
    });
    expect(next).toBe(doc);
  });

  it('reorders within a linear group and moves between groups, dropping links of the old graph', () => {
    const doc = example('every-pattern.flow.json');
    const reordered = produce(doc, (d) => {
      ops.moveNode(d, 'check-network', 'preflight', 0);
    });
    expect(group(reordered, 'preflight').children.map((c) => c.name)).toEqual([
      'check-network',
      'check-disk',
      'cool-down',
    ]);
    const moved = produce(doc, (d) => {
      ops.moveNode(d, 'docs', 'preflight', 3);
    });
    expect(group(moved, 'preflight').children.map((c) => c.name)).toContain('docs');
    expect(group(moved, 'build').children.map((c) => c.name)).not.toContain('docs');
    expect(group(moved, 'build').links?.some((l) => l.from === 'docs' || l.to === 'docs') ?? false).toBe(
      false,
    );
  });

  it('refuses to move a group into itself', () => {
    const doc = example('every-pattern.flow.json');
    expect(() =>
      produce(doc, (d) => {
        ops.moveNode(d, 'build', 'build', 0);
      }),
    ).toThrow(/cannot move into itself/);
  });

  it('renames a node and the links and layout entries that name it', () => {
    const doc = produce(example('every-pattern.flow.json'), (d) => {
      ops.setPosition(d, 'compile', { x: 3, y: 4 });
    });
    const next = produce(doc, (d) => {
      ops.renameNode(d, 'compile', 'build-binary');
    });
    expect(group(next, 'build').links?.filter((l) => l.from === 'build-binary').length).toBe(
      group(doc, 'build').links?.filter((l) => l.from === 'compile').length,
    );
    expect(next.layout).toEqual({ 'build-binary': { x: 3, y: 4 } });
  });

  it('drops links and positions when a graph stops being one', () => {
    const doc = produce(example('every-pattern.flow.json'), (d) => {
      ops.setPosition(d, 'compile', { x: 3, y: 4 });
    });
    const next = produce(doc, (d) => {
      ops.setGroupType(d, 'build', 'linear');
    });
    expect(group(next, 'build').links).toBeUndefined();
    expect(next.layout).toBeUndefined();
  });

  it('adds a link once, only between different members of a graph', () => {
    const doc = example('every-pattern.flow.json');
    const before = group(doc, 'build').links?.length ?? 0;
    let added: boolean[] = [];
    const next = produce(doc, (d) => {
      added = [
        ops.addLink(d, 'build', 'docs', 'benchmarks'),
        ops.addLink(d, 'build', 'docs', 'benchmarks'),
        ops.addLink(d, 'build', 'docs', 'docs'),
        ops.addLink(d, 'preflight', 'check-disk', 'check-network'),
      ];
    });
    expect(added).toEqual([true, false, false, false]);
    expect(group(next, 'build').links?.length).toBe(before + 1);
  });

  it('sets and removes config fields and a link decider', () => {
    const doc = example('every-pattern.flow.json');
    const next = produce(doc, (d) => {
      ops.setConfigField(d, 'compile', 'timeoutMs', 100);
      ops.updateLink(d, 'build', 'compile', 'docs', { decider: undefined, depth: 'atom' });
    });
    const compile = indexDocument(next).get('compile')?.node as TaskDoc;
    expect(compile.config?.timeoutMs).toBe(100);
    const link = group(next, 'build').links?.find((l) => l.from === 'compile' && l.to === 'docs');
    expect(link).toEqual({ from: 'compile', to: 'docs', depth: 'atom' });
  });

  it('copies with fresh names inside groups, keeping their links', () => {
    const doc = example('every-pattern.flow.json');
    const [copy] = ops.renamedCopies(doc, [group(doc, 'build')]) as [GroupDoc];
    expect(copy.name).toBe('build-2');
    const names = copy.children.map((c) => c.name);
    expect(names).toEqual(['compile-2', 'package-2', 'docs-2', 'benchmarks-2']);
    for (const l of copy.links ?? []) {
      expect(names).toContain(l.from);
      expect(names).toContain(l.to);
    }
    const next = produce(doc, (d) => {
      ops.insertNode(d, 'release', copy);
    });
    const all = [...indexDocument(next).keys()];
    expect(new Set(all).size).toBe(all.length);
  });
});
