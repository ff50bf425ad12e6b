/**
 * The designer's store (renderer/state/designer.ts) and commands: every edit
 * is one undo step (typing in one field is one), undo and redo walk the
 * history, dirtiness follows the saved document, the host's verdict is
 * asked for after edits and a stale verdict never lands; copy, paste,
 * duplicate and delete keep names unique.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as commands from '../../renderer/state/commands';
import { emptyDocument, readDocument, type FlowDoc, type TaskDoc } from '../../renderer/designer/document';
import * as ops from '../../renderer/designer/ops';
import {
  edit,
  isDirty,
  loadDocument,
  markSaved,
  redo,
  select,
  setValidator,
  undo,
  useDesigner,
} from '../../renderer/state/designer';

const examples = join(import.meta.dirname, '..', '..', 'examples');
const example = (file: string): FlowDoc => readDocument(readFileSync(join(examples, file), 'utf8'), file);
const names = () => useDesigner.getState().doc.flow.children.map((c) => c.name);

beforeEach(() => {
  setValidator(undefined);
  loadDocument(example('deploy.flow.json'), 'deploy');
});

afterEach(() => {
  vi.useRealTimers();
});

describe('history', () => {
  it('undoes and redoes each edit, back to the very document it started from', () => {
    const start = useDesigner.getState().doc;
    edit((d) => {
      ops.removeNodes(d, ['upload']);
    });
    edit((d) => {
      ops.insertNode(d, 'deploy-steps', { type: 'task', name: 'notify', kind: 'noop' });
    });
    expect(names()).toEqual(['build', 'migrate-database', 'switch-traffic', 'notify']);
    undo();
    expect(names()).toEqual(['build', 'migrate-database', 'switch-traffic']);
    undo();
    expect(useDesigner.getState().doc).toBe(start);
    undo(); // nothing left: no change
    expect(useDesigner.getState().doc).toBe(start);
    redo();
    redo();
    expect(names()).toEqual(['build', 'migrate-database', 'switch-traffic', 'notify']);
    expect(useDesigner.getState().future).toEqual([]);
  });

  it('makes typing in one field one step, and a pause or another field a new one', () => {
    vi.useFakeTimers();
    for (const text of ['r', 're', 'rel']) {
      edit(
        (d) => {
          ops.setField(d, 'deploy-steps', 'name', text === 'r' ? 'r' : text);
        },
        { coalesce: 'root:name' },
      );
      vi.advanceTimersByTime(200);
    }
    expect(useDesigner.getState().past.length).toBe(1);
    vi.advanceTimersByTime(1500);
    edit(
      (d) => {
        ops.setConfigField(d, 'build', 'timeoutMs', 10);
      },
      { coalesce: 'build:timeoutMs' },
    );
    expect(useDesigner.getState().past.length).toBe(2);
    undo();
    undo();
    expect(useDesigner.getState().doc.flow.name).toBe('deploy-steps');
  });

  it('starts a new history when a document is opened', () => {
    edit((d) => {
      ops.removeNodes(d, ['build']);
    });
    loadDocument(emptyDocument('other'), undefined);
    expect(useDesigner.getState().past).toEqual([]);
    expect(useDesigner.getState().doc.name).toBe('other');
  });

  it('reports an edit that cannot be made, and changes nothing', () => {
    const before = useDesigner.getState().doc;
    const done = edit((d) => {
      ops.moveNode(d, 'deploy-steps', 'deploy-steps', 0);
    });
    expect(done).toBe(false);
    expect(useDesigner.getState().doc).toBe(before);
  });
});

describe('dirty', () => {
  it('is dirty after an edit, clean after undoing back or saving', () => {
    expect(isDirty(useDesigner.getState())).toBe(false);
    edit((d) => {
      ops.removeNodes(d, ['build']);
    });
    expect(isDirty(useDesigner.getState())).toBe(true);
    undo();
    expect(isDirty(useDesigner.getState())).toBe(false);
    redo();
    markSaved(useDesigner.getState().doc, 'deploy');
    expect(isDirty(useDesigner.getState())).toBe(false);
  });
});

describe('validation', () => {
  it('asks the host after edits and keeps only the verdict on the current document', async () => {
    vi.useFakeTimers();
    const asked: FlowDoc[] = [];
    const answers: ((p: { node: string; path: string; message: string }[]) => void)[] = [];
    setValidator(
      (doc) =>
        new Promise((resolve) => {
          asked.push(doc);
          answers.push(resolve);
        }),
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(asked.length).toBe(1);
    edit((d) => {
      ops.setConfigField(d, 'build', 'code', '');
    });
    expect(useDesigner.getState().validation).toBe('checking');
    await vi.advanceTimersByTimeAsync(200);
    expect(asked.length).toBe(2);
    // The older verdict arrives last: it must not land.
    answers[1]!([{ node: 'build', path: 'config.code', message: 'new' }]);
    answers[0]!([{ node: 'upload', path: 'name', message: 'old' }]);
    await vi.advanceTimersByTimeAsync(0);
    const s = useDesigner.getState();
    expect(s.validation).toBe('checked');
    expect(s.problems.map((p) => p.message)).toEqual(['new']);
    expect(s.problemsById.get('build')?.[0]?.path).toBe('config.code');
    expect(s.nodes.find((n) => n.id === 'build')?.data.problems.length).toBe(1);
    setValidator(undefined);
    expect(useDesigner.getState().validation).toBe('unavailable');
  });
});

describe('commands', () => {
  it('adds a palette item to the selected group with a fresh name, and selects it', () => {
    select(['deploy-steps']);
    const id = commands.addItem({ kind: 'script' });
    expect(id).toBe('script');
    expect(commands.addItem({ kind: 'script' })).toBe('script-2');
    expect(names().slice(-2)).toEqual(['script', 'script-2']);
    expect(useDesigner.getState().selection).toEqual(['script-2']);
  });

  it('copies, pastes after the selected node, duplicates and deletes', () => {
    select(['build']);
    expect(commands.copySelection()).toBe(1);
    commands.paste();
    expect(names()).toEqual(['build', 'build-2', 'upload', 'migrate-database', 'switch-traffic']);
    const copy = useDesigner.getState().doc.flow.children[1] as TaskDoc;
    expect(copy.config).toEqual((useDesigner.getState().doc.flow.children[0] as TaskDoc).config);
    select(['upload']);
    commands.duplicateSelection();
    expect(names()).toContain('upload-2');
    select(['build-2', 'upload-2']);
    commands.deleteSelection();
    expect(names()).toEqual(['build', 'upload', 'migrate-database', 'switch-traffic']);
    undo();
    expect(names()).toContain('upload-2');
  });

  it('connects only members of one graph group', () => {
    loadDocument(example('every-pattern.flow.json'), undefined);
    expect(commands.canConnect({ source: 'docs', target: 'benchmarks' })).toBe(true);
    expect(commands.canConnect({ source: 'check-disk', target: 'check-network' })).toBe(false);
    expect(commands.canConnect({ source: 'docs', target: 'check-disk' })).toBe(false);
    commands.connect({ source: 'docs', target: 'benchmarks' });
    const build = useDesigner.getState().index.get('build')!.node as {
      links: { from: string; to: string }[];
    };
    expect(build.links).toContainEqual({ from: 'docs', to: 'benchmarks' });
    expect(useDesigner.getState().selectedEdges).toEqual(['link:build:docs->benchmarks']);
    commands.deleteSelection();
    const after = useDesigner.getState().index.get('build')!.node as {
      links: { from: string; to: string }[];
    };
    expect(after.links).not.toContainEqual({ from: 'docs', to: 'benchmarks' });
  });

  it('reorders a linear group when a node is dropped past its neighbour', () => {
    const s = useDesigner.getState();
    const upload = s.absolute.get('upload')!;
    const target = { x: upload.x + upload.width / 2 + 20, y: upload.y };
    commands.dropDragged('build', { x: target.x + 10, y: target.y + 10 }, target);
    expect(names()).toEqual(['upload', 'build', 'migrate-database', 'switch-traffic']);
  });
});
