/**
 * How the canvas draws a document: the arrangement of groups (row, column,
 * placed graph), elkjs placing graphs nobody placed, data edges inferred from
 * provides → requires, where a drop lands, and React Flow's nodes and edges.
 */
import { produce } from 'immer';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canvasEdges, canvasNodes, problemsByNode } from '../../renderer/designer/canvas-graph';
import { consumedSymbols, dataEdges } from '../../renderer/designer/data-edges';
import { readDocument, type FlowDoc, type TaskDoc } from '../../renderer/designer/document';
import { absoluteBoxes, dropIn, groupAt } from '../../renderer/designer/drop';
import { arrange, autoPositions, GROUP_HEADER, GROUP_PADDING } from '../../renderer/designer/layout';
import * as ops from '../../renderer/designer/ops';
import { indexDocument } from '../../renderer/designer/tree';

const examples = join(import.meta.dirname, '..', '..', 'examples');
const example = (file: string): FlowDoc => {
  const doc = readDocument(readFileSync(join(examples, file), 'utf8'), file);
  delete doc.layout;
  return doc;
};

function drawn(doc: FlowDoc) {
  const index = indexDocument(doc);
  const { boxes, offsets, automatic } = arrange(doc, index, new Map());
  return { index, boxes, offsets, automatic, abs: absoluteBoxes(index, boxes) };
}

describe('arrangement', () => {
  it('lays a linear group out in a row, in order, inside its frame', () => {
    const { boxes } = drawn(example('deploy.flow.json'));
    const names = ['build', 'upload', 'migrate-database', 'switch-traffic'];
    const row = names.map((n) => boxes.get(n)!);
    for (let i = 1; i < row.length; i++) {
      expect(row[i]!.x).toBeGreaterThan(row[i - 1]!.x + row[i - 1]!.width);
      expect(row[i]!.y).toBe(row[0]!.y);
    }
    const root = boxes.get('deploy-steps')!;
    expect(row[0]!.x).toBe(GROUP_PADDING);
    expect(row[0]!.y).toBeGreaterThanOrEqual(GROUP_HEADER);
    expect(root.width).toBe(row.at(-1)!.x + row.at(-1)!.width + GROUP_PADDING);
  });

  it('stacks an unordered group’s members in a column and grows nested groups to fit', () => {
    const { boxes, abs } = drawn(example('every-pattern.flow.json'));
    const lane = ['check-disk', 'check-network', 'cool-down'].map((n) => boxes.get(n)!);
    expect(new Set(lane.map((b) => b.x)).size).toBe(1);
    expect(lane[1]!.y).toBeGreaterThan(lane[0]!.y + lane[0]!.height);
    // Every node lies inside its group's frame.
    const index = indexDocument(example('every-pattern.flow.json'));
    for (const loc of index.values()) {
      if (loc.parentId === undefined) continue;
      const b = abs.get(loc.id)!;
      const p = abs.get(loc.parentId)!;
      expect(b.x).toBeGreaterThanOrEqual(p.x);
      expect(b.y).toBeGreaterThanOrEqual(p.y);
      expect(b.x + b.width).toBeLessThanOrEqual(p.x + p.width);
      expect(b.y + b.height).toBeLessThanOrEqual(p.y + p.height);
    }
  });

  it('keeps where a person put graph members (relative to each other), puts unplaced ones to their right', () => {
    const doc = produce(example('every-pattern.flow.json'), (d) => {
      ops.setPosition(d, 'compile', { x: -100, y: 50 });
      ops.setPosition(d, 'package', { x: 200, y: 10 });
    });
    const { boxes, automatic, offsets } = drawn(doc);
    expect(automatic).not.toContain('build');
    const compile = boxes.get('compile')!;
    const pkg = boxes.get('package')!;
    expect(pkg.x - compile.x).toBe(300);
    expect(pkg.y - compile.y).toBe(-40);
    expect(compile.x).toBe(GROUP_PADDING);
    // docs and benchmarks, not placed, go right of the rightmost placed member, at y 0.
    expect(boxes.get('docs')!.x).toBeGreaterThan(pkg.x + pkg.width);
    expect(offsets.get('build')).toEqual({ dx: GROUP_PADDING + 100, dy: GROUP_HEADER });
    expect(drawn(example('every-pattern.flow.json')).automatic).toContain('build');
  });

  it('places an unplaced graph with elkjs in layers that follow links and data', async () => {
    const doc = example('every-pattern.flow.json');
    const { index, boxes } = drawn(doc);
    const auto = await autoPositions(index, boxes, dataEdges(index), ['build']);
    const placed = auto.get('build')!;
    expect([...placed.keys()].sort()).toEqual(['benchmarks', 'compile', 'docs', 'package']);
    // compile → package (data) and compile → docs (link): both to the right of compile.
    expect(placed.get('package')!.x).toBeGreaterThan(placed.get('compile')!.x);
    expect(placed.get('docs')!.x).toBeGreaterThan(placed.get('compile')!.x);
    const again = arrange(doc, index, auto);
    expect(again.boxes.get('package')!.x).toBeGreaterThan(again.boxes.get('compile')!.x);
  });
});

describe('data edges', () => {
  it('joins providers to the tasks that require their symbol', () => {
    const index = indexDocument(example('deploy.flow.json'));
    const edges = dataEdges(index).map((e) => `${e.from}-${e.symbol}->${e.to}`);
    expect(edges.sort()).toEqual([
      'build-artifact->upload',
      'migrate-database-schemaVersion->switch-traffic',
      'upload-location->switch-traffic',
    ]);
  });

  it('follows rebind and leaves out injected parameters', () => {
    const t: TaskDoc = {
      type: 'task',
      name: 't',
      kind: 'script',
      requires: ['a', 'b', 'c'],
      optional: ['d'],
      rebind: { a: 'alpha', d: 'delta' },
      inject: { b: 1 },
    };
    expect(consumedSymbols(t)).toEqual(['alpha', 'c', 'delta']);
    expect(consumedSymbols({ ...t, rebind: ['x', 'y'] })).toEqual(['x', 'c', 'd']);
  });
});

describe('drops', () => {
  it('finds the deepest group under the pointer, skipping what is being moved', () => {
    const { index, abs } = drawn(example('every-pattern.flow.json'));
    const disk = abs.get('check-disk')!;
    const inside = { x: disk.x + 5, y: disk.y + 5 };
    expect(groupAt(index, abs, inside)).toBe('preflight');
    expect(groupAt(index, abs, inside, ['preflight'])).toBe('release');
    expect(groupAt(index, abs, { x: -5000, y: -5000 })).toBe('release');
  });

  it('puts a node dropped into a linear group at the place its centre falls', () => {
    const { index, abs, offsets } = drawn(example('deploy.flow.json'));
    const upload = abs.get('upload')!;
    const size = { width: upload.width, height: upload.height };
    // Dropped just right of upload's centre: after build and upload.
    const at = dropIn(index, abs, offsets, 'deploy-steps', { x: upload.x + 10, y: upload.y }, size);
    expect(at).toEqual({ groupId: 'deploy-steps', index: 2 });
    // The build card dragged past upload: index among the others (build left out).
    const build = dropIn(
      index,
      abs,
      offsets,
      'deploy-steps',
      { x: upload.x + 10, y: upload.y },
      size,
      'build',
    );
    expect(build.index).toBe(1);
  });

  it('gives a node dropped into a graph group its position there, before the group’s offset', () => {
    const doc = produce(example('every-pattern.flow.json'), (d) => {
      ops.setPosition(d, 'compile', { x: 0, y: 0 });
    });
    const { index, abs, offsets } = drawn(doc);
    const g = abs.get('build')!;
    const off = offsets.get('build')!;
    const drop = dropIn(
      index,
      abs,
      offsets,
      'build',
      { x: g.x + 300, y: g.y + 120 },
      { width: 10, height: 10 },
    );
    expect(drop.position).toEqual({ x: 300 - off.dx, y: 120 - off.dy });
  });
});

describe('React Flow graph', () => {
  it('draws parents before members, order arrows in linear groups, links, and dashed data edges', () => {
    const doc = example('every-pattern.flow.json');
    const { index, boxes } = drawn(doc);
    const nodes = canvasNodes(index, boxes, new Map(), new Set(['docs']), undefined);
    const seen = new Set<string>();
    for (const n of nodes) {
      if (n.parentId !== undefined) expect(seen.has(n.parentId)).toBe(true);
      seen.add(n.id);
    }
    expect(nodes.find((n) => n.id === 'docs')?.selected).toBe(true);
    expect(nodes.find((n) => n.id === 'release')?.draggable).toBe(false);
    const edges = canvasEdges(index, dataEdges(index), new Set());
    expect(edges.filter((e) => e.type === 'order').map((e) => e.id)).toContain('order:settings->preflight');
    expect(edges.filter((e) => e.type === 'link').length).toBe(
      indexDocument(doc).get('build')!.node.type === 'graph'
        ? (doc.flow.children[2] as { links?: unknown[] }).links?.length
        : 0,
    );
    const data = edges.filter((e) => e.type === 'data');
    expect(data.length).toBeGreaterThan(0);
    expect(data.every((e) => e.selectable === false)).toBe(true);
  });

  it('puts each problem on its node, a retry’s on its group, the rest on the flow', () => {
    const index = indexDocument(example('retry.flow.json'));
    const retryOwner = [...index.values()].find((l) => l.node.type !== 'task' && l.node.retry);
    expect(retryOwner).toBeDefined();
    const retryName =
      (retryOwner!.node as { retry: { name?: string } }).retry.name ?? `${retryOwner!.node.name}_retry`;
    const { byId, unplaced } = problemsByNode(index, [
      { node: retryName, path: 'retry.attempts', message: 'too small' },
      { path: 'inputs.x', message: 'bad' },
      { node: 'nobody', path: 'name', message: 'gone' },
    ]);
    expect(byId.get(retryOwner!.id)?.[0]?.message).toBe('too small');
    expect(unplaced.map((p) => p.message)).toEqual(['bad', 'gone']);
  });
});
