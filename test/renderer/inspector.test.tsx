// @vitest-environment happy-dom
/**
 * The inspector against the real designer store: what it shows for each
 * selection, and that its edits land in the document as undoable steps.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { KindDescription } from '../../app/contract/results';
import { Inspector } from '../../renderer/components/inspector/Inspector';
import type { Problem } from '../../renderer/designer/canvas-graph';
import type { FlowDoc, GroupDoc, NodeDoc, TaskDoc } from '../../renderer/designer/document';
import { loadDocument, redraw, select, undo, useDesigner } from '../../renderer/state/designer';
import { useHostStore } from '../../renderer/state/host';

const SCHEMA = 'https://json-schema.org/draft/2020-12/schema';
const MAX_INT = 2147483647;
const STRING_MAP = {
  type: 'object',
  propertyNames: { type: 'string', minLength: 1 },
  additionalProperties: { type: 'string' },
};
const shellFields = {
  command: { type: 'string', minLength: 1 },
  args: { default: [], type: 'array', items: { type: 'string' } },
  shell: { default: false, type: 'boolean' },
  cwd: { type: 'string', minLength: 1 },
  env: STRING_MAP,
  timeoutMs: { default: 60000, type: 'integer', minimum: 1, maximum: MAX_INT },
};

const KINDS: KindDescription[] = [
  {
    kind: 'noop',
    description: 'Does nothing and provides nothing: a placeholder or a join point.',
    configSchema: { $schema: SCHEMA, type: 'object', properties: {}, additionalProperties: false },
    runsCode: false,
  },
  {
    kind: 'script',
    description:
      'Runs a JavaScript function body with the task’s inputs as variables; it returns the result.',
    configSchema: {
      $schema: SCHEMA,
      type: 'object',
      properties: {
        code: { type: 'string' },
        revertCode: { type: 'string' },
        timeoutMs: { default: 5000, type: 'integer', minimum: 1, maximum: MAX_INT },
      },
      required: ['code'],
      additionalProperties: false,
    },
    runsCode: true,
  },
  {
    kind: 'shell',
    description: 'Runs a command (no shell unless `shell: true`); a non-zero exit fails.',
    configSchema: {
      $schema: SCHEMA,
      type: 'object',
      properties: {
        ...shellFields,
        revert: {
          type: 'object',
          properties: shellFields,
          required: ['command'],
          additionalProperties: false,
        },
      },
      required: ['command'],
      additionalProperties: false,
    },
    runsCode: true,
  },
];

const DOC: FlowDoc = {
  format: 'atomflow.flow/1',
  name: 'demo',
  inputs: { n: 2 },
  flow: {
    type: 'linear',
    name: 'main',
    children: [
      {
        type: 'task',
        name: 'build',
        kind: 'script',
        config: { code: 'return n * 2;' },
        requires: ['n'],
        provides: 'doubled',
      },
      {
        type: 'graph',
        name: 'fanout',
        children: [
          { type: 'task', name: 'a', kind: 'noop' },
          { type: 'task', name: 'b', kind: 'shell', config: { command: 'ls' } },
        ],
        links: [{ from: 'a', to: 'b' }],
      },
      { type: 'task', name: 'after', kind: 'noop' },
    ],
  },
  // Placed, so that no automatic layout runs in the background.
  layout: { a: { x: 0, y: 0 }, b: { x: 240, y: 0 } },
};

const LINK = 'link:fanout:a->b';

function doc(): FlowDoc {
  return useDesigner.getState().doc;
}

function node(name: string): NodeDoc {
  const find = (n: NodeDoc): NodeDoc | undefined =>
    n.name === name ? n : n.type === 'task' ? undefined : n.children.map(find).find((x) => x !== undefined);
  const found = find(doc().flow);
  if (!found) throw new Error(`no node ${name}`);
  return found;
}
const task = (name: string) => node(name) as TaskDoc;
const group = (name: string) => node(name) as GroupDoc;

function showProblems(problems: Problem[]): void {
  act(() => {
    redraw({ problems });
  });
}

function panel(): HTMLElement {
  return screen.getByTestId('inspector');
}

function input(label: string): HTMLInputElement {
  return within(panel()).getByLabelText(label);
}

/** Types into a draft field and leaves it. */
function typeAndLeave(el: HTMLElement, text: string): void {
  fireEvent.focus(el);
  fireEvent.change(el, { target: { value: text } });
  fireEvent.blur(el);
}

/** Lets more than a second pass, so that the next edit of a field is an undo step of its own. */
function later(): void {
  vi.setSystemTime(Date.now() + 2000);
}

function renderWith(selection: string[], edges: string[] = []) {
  select(selection, edges);
  return render(<Inspector />);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  loadDocument(structuredClone(DOC), undefined);
  useHostStore.setState({ kinds: KINDS });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('the flow panel (nothing selected)', () => {
  test('shows the name, the inputs and a summary; the name commits as it is typed, as one undo step', () => {
    renderWith([]);
    expect(panel().getAttribute('aria-label')).toBe('Inspector');
    expect(panel().dataset.panel).toBe('flow');
    expect(screen.getByTestId('flow-summary').textContent).toBe('4 tasks, 1 group');
    const name = input('Flow name');
    expect(name.value).toBe('demo');
    fireEvent.change(name, { target: { value: 'demo-2' } });
    fireEvent.change(name, { target: { value: 'demo-22' } });
    expect(doc().name).toBe('demo-22');
    expect(name.value).toBe('demo-22');
    act(() => {
      undo();
    });
    expect(doc().name).toBe('demo');
    expect(input('Flow name').value).toBe('demo');
  });

  test('inputs: values are JSON, parsed when focus leaves; bad JSON stays out; rows add and go', () => {
    renderWith([]);
    const inputs = input('Inputs');
    expect(within(inputs).getByLabelText<HTMLInputElement>('Name 1').value).toBe('n');
    const value = within(inputs).getByLabelText<HTMLInputElement>('Value 1');
    expect(value.value).toBe('2');

    typeAndLeave(value, '{"x": [1, 2]}');
    expect(doc().inputs).toEqual({ n: { x: [1, 2] } });

    typeAndLeave(value, 'not json');
    expect(doc().inputs).toEqual({ n: { x: [1, 2] } });
    expect(within(inputs).getByText(/^not JSON/)).toBeTruthy();
    typeAndLeave(value, '"text"');
    expect(doc().inputs).toEqual({ n: 'text' });

    fireEvent.click(within(inputs).getByRole('button', { name: 'Add' }));
    fireEvent.change(within(inputs).getByLabelText('Name 2'), { target: { value: 'limit' } });
    typeAndLeave(within(inputs).getByLabelText('Value 2'), '10');
    expect(doc().inputs).toEqual({ n: 'text', limit: 10 });

    later();
    fireEvent.click(within(inputs).getByRole('button', { name: 'Remove row 1 (n)' }));
    later();
    fireEvent.click(within(inputs).getByRole('button', { name: 'Remove row 1 (limit)' }));
    expect(doc().inputs).toBeUndefined();

    act(() => {
      undo();
    });
    expect(doc().inputs).toEqual({ limit: 10 });
    expect(within(input('Inputs')).getByLabelText<HTMLInputElement>('Name 1').value).toBe('limit');
  });

  test('document problems show at the top and on their field', () => {
    renderWith([]);
    showProblems([
      { path: 'name', message: 'a name must not be empty' },
      { path: 'inputs.n', message: 'bad input' },
    ]);
    const list = within(panel()).getByRole('group', { name: 'Problems of the flow' });
    expect(list.textContent).toContain('a name must not be empty');
    expect(list.textContent).toContain('inputs.n');
    expect(input('Flow name').className).toContain('insp-invalid');
    expect(within(input('Inputs')).getByLabelText('Name 1').className).toContain('insp-invalid');
  });
});

describe('a task', () => {
  test('shows its kind, its description, its name and its config form', () => {
    renderWith(['build']);
    expect(panel().dataset.panel).toBe('task');
    expect(panel().textContent).toContain('script');
    expect(panel().textContent).toContain('Runs a JavaScript function body');
    expect(panel().textContent).toContain('runs code');
    expect(input('Name').value).toBe('build');
    expect(input('code').value).toBe('return n * 2;');
    expect(input('code').tagName).toBe('TEXTAREA');
    expect(input('timeoutMs').type).toBe('number');
    expect(input('Requires').value).toBe('n');
    expect(input('Provides').value).toBe('doubled');
  });

  test('typing code edits the config as one undo step', () => {
    renderWith(['build']);
    const code = input('code');
    fireEvent.change(code, { target: { value: 'return n * 3;' } });
    fireEvent.change(code, { target: { value: 'return n * 30;' } });
    expect(task('build').config).toEqual({ code: 'return n * 30;' });
    act(() => {
      undo();
    });
    expect(task('build').config).toEqual({ code: 'return n * 2;' });
    expect(input('code').value).toBe('return n * 2;');
  });

  test('config numbers commit on blur', () => {
    renderWith(['build']);
    typeAndLeave(input('timeoutMs'), '900');
    expect(task('build').config).toEqual({ code: 'return n * 2;', timeoutMs: 900 });
    typeAndLeave(input('timeoutMs'), '');
    expect(task('build').config).toEqual({ code: 'return n * 2;' });
  });

  test('a rename by Enter changes the canvas id and keeps the node selected', () => {
    renderWith(['build']);
    const name = input('Name');
    fireEvent.focus(name);
    fireEvent.change(name, { target: { value: 'compile' } });
    fireEvent.keyDown(name, { key: 'Enter' });
    expect(task('compile').kind).toBe('script');
    expect(useDesigner.getState().selection).toEqual(['compile']);
    expect(panel().dataset.panel).toBe('task');
    expect(input('Name').value).toBe('compile');
    act(() => {
      undo();
    });
    expect(task('build').name).toBe('build');
  });

  test('an empty or taken name is refused inline', () => {
    renderWith(['build']);
    typeAndLeave(input('Name'), '  ');
    expect(within(panel()).getByText('a name must not be empty')).toBeTruthy();
    typeAndLeave(input('Name'), 'fanout');
    expect(within(panel()).getByText(/"fanout" is already the name/)).toBeTruthy();
    expect(task('build').name).toBe('build');
    expect(useDesigner.getState().past).toHaveLength(0);
  });

  test('requires, optional and provides edit as comma lists', () => {
    renderWith(['build']);
    typeAndLeave(input('Requires'), 'n, m');
    expect(task('build').requires).toEqual(['n', 'm']);
    typeAndLeave(input('Requires'), ' ');
    expect('requires' in task('build')).toBe(false);

    typeAndLeave(input('Optional'), 'limit');
    expect(task('build').optional).toEqual(['limit']);

    typeAndLeave(input('Provides'), 'x, y');
    expect(task('build').provides).toEqual(['x', 'y']);
    later();
    typeAndLeave(input('Provides'), 'z');
    expect(task('build').provides).toBe('z');

    act(() => {
      undo();
    });
    expect(task('build').provides).toEqual(['x', 'y']);
  });

  test('a provides map edits as JSON', () => {
    loadDocument(
      {
        ...structuredClone(DOC),
        flow: {
          type: 'linear',
          name: 'main',
          children: [{ type: 'task', name: 't', kind: 'noop', provides: { total: 'sum' } }],
        },
      },
      undefined,
    );
    renderWith(['t']);
    const provides = input('Provides');
    expect(provides.tagName).toBe('TEXTAREA');
    expect(JSON.parse(provides.value)).toEqual({ total: 'sum' });
    typeAndLeave(provides, '{"total": "sum", "count": 0}');
    expect(task('t').provides).toEqual({ total: 'sum', count: 0 });
    typeAndLeave(provides, '{"total": ');
    expect(task('t').provides).toEqual({ total: 'sum', count: 0 });
  });

  test('rebind and inject edit as rows', () => {
    renderWith(['build']);
    const rebind = input('Rebind');
    fireEvent.click(within(rebind).getByRole('button', { name: 'Add' }));
    fireEvent.change(within(rebind).getByLabelText('Name 1'), { target: { value: 'n' } });
    typeAndLeave(within(rebind).getByLabelText('Value 1'), 'count');
    expect(task('build').rebind).toEqual({ n: 'count' });

    const inject = input('Inject');
    fireEvent.click(within(inject).getByRole('button', { name: 'Add' }));
    fireEvent.change(within(inject).getByLabelText('Name 1'), { target: { value: 'n' } });
    typeAndLeave(within(inject).getByLabelText('Value 1'), '[5]');
    expect(task('build').inject).toEqual({ n: [5] });
    typeAndLeave(within(inject).getByLabelText('Value 1'), '[5');
    expect(task('build').inject).toEqual({ n: [5] });
  });

  test('revert & more: revertRequires, revertRebind and priority', () => {
    renderWith(['build']);
    const more = within(panel()).getByText('Revert & more').closest('details')!;
    expect(more.open).toBe(false);
    typeAndLeave(within(more).getByLabelText('Revert requires'), 'doubled');
    expect(task('build').revertRequires).toEqual(['doubled']);
    typeAndLeave(within(more).getByLabelText('Priority'), '3');
    expect(task('build').priority).toBe(3);
    typeAndLeave(within(more).getByLabelText('Priority'), '1.5');
    expect(task('build').priority).toBe(3);
    const revertRebind = within(more).getByLabelText('Revert rebind');
    fireEvent.click(within(revertRebind).getByRole('button', { name: 'Add' }));
    fireEvent.change(within(revertRebind).getByLabelText('Name 1'), { target: { value: 'doubled' } });
    typeAndLeave(within(revertRebind).getByLabelText('Value 1'), 'result');
    expect(task('build').revertRebind).toEqual({ doubled: 'result' });
  });

  test('problems show at the top and next to their fields', () => {
    renderWith(['build']);
    showProblems([
      { node: 'build', path: 'config.code', message: 'does not compile: Unexpected token' },
      { node: 'build', path: 'requires[1]', message: 'a symbol name must not be empty' },
      { node: 'after', path: 'name', message: 'not this one' },
    ]);
    const list = within(panel()).getByRole('group', { name: 'Problems' });
    expect(list.textContent).toContain('config.code');
    expect(list.textContent).toContain('does not compile: Unexpected token');
    expect(list.textContent).toContain('requires[1]');
    expect(list.textContent).not.toContain('not this one');

    const code = input('code');
    expect(code.className).toContain('insp-invalid');
    expect(code.closest('.insp-field')!.textContent).toContain('does not compile: Unexpected token');
    const requires = input('Requires');
    expect(requires.className).toContain('insp-invalid');
    expect(requires.closest('.insp-field')!.textContent).toContain('[1]: a symbol name must not be empty');
    expect(input('Provides').className).not.toContain('insp-invalid');

    // Choosing a problem takes focus to its field.
    fireEvent.click(within(list).getByText('requires[1]'));
    expect(document.activeElement).toBe(requires);
  });

  test('a draft open when another node gets selected is committed to its own node', () => {
    renderWith(['build']);
    fireEvent.change(input('Requires'), { target: { value: 'n, extra' } });
    act(() => {
      select(['after']);
    });
    expect(task('build').requires).toEqual(['n', 'extra']);
    expect(input('Name').value).toBe('after');
    expect(input('Requires').value).toBe('');
  });

  test('without the host’s kinds the config edits as JSON', () => {
    useHostStore.setState({ kinds: undefined });
    renderWith(['build']);
    const config = input('config');
    expect(JSON.parse(config.value)).toEqual({ code: 'return n * 2;' });
    typeAndLeave(config, '{"code": "return 1;"}');
    expect(task('build').config).toEqual({ code: 'return 1;' });
    typeAndLeave(config, '[1]');
    expect(within(panel()).getByText('a config is a JSON object')).toBeTruthy();
  });

  test('Delete task removes it', () => {
    renderWith(['after']);
    fireEvent.click(within(panel()).getByRole('button', { name: 'Delete task' }));
    expect(group('main').children.map((c) => c.name)).toEqual(['build', 'fanout']);
    expect(panel().dataset.panel).toBe('flow');
  });
});

describe('a group', () => {
  test('its type is a radio group; leaving graph drops its links, undo brings them back', () => {
    renderWith(['fanout']);
    expect(panel().dataset.panel).toBe('group');
    const type = input('Type');
    expect(type.getAttribute('role')).toBe('radiogroup');
    expect(within(type).getByLabelText<HTMLInputElement>('graph').checked).toBe(true);
    fireEvent.click(within(type).getByLabelText('linear'));
    expect(group('fanout').type).toBe('linear');
    expect(group('fanout').links).toBeUndefined();
    expect(within(input('Type')).getByLabelText<HTMLInputElement>('linear').checked).toBe(true);
    expect(panel().textContent).toContain('Members run one after another, in order.');
    act(() => {
      undo();
    });
    expect(group('fanout').type).toBe('graph');
    expect(group('fanout').links).toEqual([{ from: 'a', to: 'b' }]);
  });

  test('retry: a type with sensible defaults, its options, and a change of type keeping what applies', () => {
    renderWith(['fanout']);
    const retry = input('Retry');
    expect(retry.value).toBe('');
    fireEvent.change(retry, { target: { value: 'times' } });
    expect(group('fanout').retry).toEqual({ type: 'times', attempts: 3 });

    const attempts = input('Attempts');
    expect(attempts.value).toBe('3');
    expect(attempts.min).toBe('1');
    typeAndLeave(attempts, '5');
    expect(group('fanout').retry).toEqual({ type: 'times', attempts: 5 });
    typeAndLeave(attempts, '0');
    expect(group('fanout').retry).toEqual({ type: 'times', attempts: 5 });
    expect(within(panel()).getByText('must be at least 1')).toBeTruthy();

    typeAndLeave(input('Retry name'), 'again');
    fireEvent.click(input('Revert all'));
    typeAndLeave(input('Provides'), 'attempt');
    expect(group('fanout').retry).toEqual({
      type: 'times',
      attempts: 5,
      name: 'again',
      revertAll: true,
      provides: 'attempt',
    });

    fireEvent.change(input('Retry'), { target: { value: 'for-each' } });
    expect(group('fanout').retry).toEqual({
      type: 'for-each',
      name: 'again',
      values: [],
      revertAll: true,
      provides: 'attempt',
    });
    const values = input('Values');
    typeAndLeave(values, '["eu", "us"]');
    expect(group('fanout').retry?.values).toEqual(['eu', 'us']);
    typeAndLeave(values, '{"a": 1}');
    expect(group('fanout').retry?.values).toEqual(['eu', 'us']);
    expect(within(panel()).getByText('values are a JSON array: [1, 2, 3]')).toBeTruthy();

    fireEvent.change(input('Retry'), { target: { value: 'always-revert' } });
    expect(group('fanout').retry).toEqual({ type: 'always-revert', name: 'again', provides: 'attempt' });
    expect(within(panel()).queryByLabelText('Revert all')).toBeNull();

    fireEvent.change(input('Retry'), { target: { value: 'parameterized-for-each' } });
    const rebind = input('Rebind');
    fireEvent.click(within(rebind).getByRole('button', { name: 'Add' }));
    fireEvent.change(within(rebind).getByLabelText('Name 1'), { target: { value: 'values' } });
    typeAndLeave(within(rebind).getByLabelText('Value 1'), 'regions');
    expect(group('fanout').retry?.rebind).toEqual({ values: 'regions' });

    fireEvent.change(input('Retry'), { target: { value: '' } });
    expect(group('fanout').retry).toBeUndefined();
    act(() => {
      undo();
    });
    expect(group('fanout').retry?.type).toBe('parameterized-for-each');
  });

  test('retry problems mark their fields, also when named after the retry', () => {
    const d = structuredClone(DOC);
    (d.flow.children[1] as GroupDoc).retry = { type: 'times', attempts: 0 };
    loadDocument(d, undefined);
    renderWith(['fanout']);
    showProblems([
      { node: 'fanout', path: 'retry.attempts', message: 'must be at least 1' },
      { node: 'fanout_retry', path: '', message: 'the retry is odd' },
    ]);
    expect(input('Attempts').className).toContain('insp-invalid');
    expect(input('Attempts').closest('.insp-field')!.textContent).toContain('must be at least 1');
    expect(input('Retry').closest('.insp-field')!.textContent).toContain('the retry is odd');
  });

  test('a problem of one of its links takes you to the link', () => {
    const d = structuredClone(DOC);
    (d.flow.children[1] as GroupDoc).links = [{ from: 'a', to: 'b', depth: 'atom' }];
    loadDocument(d, undefined);
    renderWith(['fanout']);
    showProblems([{ node: 'fanout', path: 'links[0].depth', message: 'a depth needs a decider' }]);
    fireEvent.click(within(panel()).getByText('links[0].depth'));
    expect(useDesigner.getState().selectedEdges).toEqual([LINK]);
    expect(panel().dataset.panel).toBe('link');
    expect(input('Depth').value).toBe('atom');
    expect(input('Depth').closest('.insp-field')!.textContent).toContain('a depth needs a decider');
  });

  test('the root flow edits like a group but cannot be deleted', () => {
    renderWith(['main']);
    expect(panel().textContent).toContain('Root flow');
    expect(within(panel()).queryByRole('button', { name: /^Delete/ })).toBeNull();
    fireEvent.click(within(input('Type')).getByLabelText('unordered'));
    expect(doc().flow.type).toBe('unordered');
    typeAndLeave(input('Name'), 'root');
    expect(doc().flow.name).toBe('root');
    expect(useDesigner.getState().selection).toEqual(['root']);
  });

  test('renaming a group renames what its links and layout call it', () => {
    renderWith(['a']);
    typeAndLeave(input('Name'), 'alpha');
    expect(group('fanout').links).toEqual([{ from: 'alpha', to: 'b' }]);
    expect(doc().layout?.alpha).toEqual({ x: 0, y: 0 });
    expect(useDesigner.getState().selection).toEqual(['alpha']);
  });
});

describe('a link', () => {
  test('decider: enabling gives a default body, code edits, depth only with a decider', () => {
    renderWith([], [LINK]);
    expect(panel().dataset.panel).toBe('link');
    expect(panel().textContent).toContain('a → b');
    const decider = input('Decider');
    expect(decider.checked).toBe(false);
    expect(within(panel()).queryByLabelText('Depth')).toBeNull();

    fireEvent.click(decider);
    expect(group('fanout').links).toEqual([{ from: 'a', to: 'b', decider: { code: 'return true;' } }]);
    const code = input('Code');
    expect(code.value).toBe('return true;');
    fireEvent.change(code, { target: { value: 'return history.a.ok;' } });
    expect(group('fanout').links?.[0]?.decider).toEqual({ code: 'return history.a.ok;' });

    const depth = input('Depth');
    expect(depth.value).toBe('all');
    fireEvent.change(depth, { target: { value: 'atom' } });
    expect(group('fanout').links?.[0]?.depth).toBe('atom');

    later();
    fireEvent.click(input('Decider'));
    expect(group('fanout').links).toEqual([{ from: 'a', to: 'b' }]);
    // Enabling again brings back the code it had.
    later();
    fireEvent.click(input('Decider'));
    expect(group('fanout').links?.[0]?.decider).toEqual({ code: 'return history.a.ok;' });

    act(() => {
      undo();
    });
    expect(group('fanout').links).toEqual([{ from: 'a', to: 'b' }]);
  });

  test('its problems mark the code', () => {
    const d = structuredClone(DOC);
    (d.flow.children[1] as GroupDoc).links = [{ from: 'a', to: 'b', decider: { code: 'return (' } }];
    loadDocument(d, undefined);
    renderWith([], [LINK]);
    showProblems([{ node: 'fanout', path: 'links[0].decider.code', message: 'does not compile' }]);
    expect(input('Code').className).toContain('insp-invalid');
    expect(input('Code').closest('.insp-field')!.textContent).toContain('does not compile');
  });

  test('Delete link removes it', () => {
    renderWith([], [LINK]);
    fireEvent.click(within(panel()).getByRole('button', { name: 'Delete link' }));
    expect(group('fanout').links).toBeUndefined();
    expect(panel().dataset.panel).toBe('flow');
  });
});

describe('several selected', () => {
  test('shows how many and deletes them', () => {
    renderWith(['build', 'fanout']);
    expect(panel().dataset.panel).toBe('multi');
    expect(panel().textContent).toContain('2 selected');
    expect(panel().textContent).toContain('1 task, 1 group');
    fireEvent.click(within(panel()).getByRole('button', { name: 'Delete' }));
    expect(group('main').children.map((c) => c.name)).toEqual(['after']);
    act(() => {
      undo();
    });
    expect(group('main').children.map((c) => c.name)).toEqual(['build', 'fanout', 'after']);
  });
});
