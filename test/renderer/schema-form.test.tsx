// @vitest-environment happy-dom
/**
 * The config form generated from the catalog's kind schemas (copies of what
 * `catalog.kinds` answers): the control each property type gets, and the
 * values it commits.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Problem } from '../../renderer/designer/canvas-graph';
import { SchemaForm } from '../../renderer/components/inspector/SchemaForm';

const JSON_VALUE = {
  description: 'Any JSON value.',
  anyOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'null' },
    { type: 'array', items: { $ref: '#/$defs/JsonValue' } },
    {
      type: 'object',
      propertyNames: { type: 'string' },
      additionalProperties: { $ref: '#/$defs/JsonValue' },
    },
  ],
};
const SCHEMA = 'https://json-schema.org/draft/2020-12/schema';
const SAFE_KEY = { type: 'string', minLength: 1, pattern: '^(?!(?:__proto__|constructor|prototype)$)' };
const STRING_MAP = { type: 'object', propertyNames: SAFE_KEY, additionalProperties: { type: 'string' } };
const MAX_INT = 2147483647;

const noop = { $schema: SCHEMA, type: 'object', properties: {}, additionalProperties: false };
const value = {
  $schema: SCHEMA,
  type: 'object',
  properties: { value: { $ref: '#/$defs/JsonValue' } },
  required: ['value'],
  additionalProperties: false,
  $defs: { JsonValue: JSON_VALUE },
};
const delay = {
  $schema: SCHEMA,
  type: 'object',
  properties: { ms: { type: 'integer', minimum: 0, maximum: MAX_INT } },
  required: ['ms'],
  additionalProperties: false,
};
const fail = {
  $schema: SCHEMA,
  type: 'object',
  properties: {
    message: { default: 'Failed on purpose', type: 'string' },
    failTimes: { type: 'integer', minimum: 0, maximum: 9007199254740991 },
  },
  additionalProperties: false,
};
const script = {
  $schema: SCHEMA,
  type: 'object',
  properties: {
    code: { type: 'string' },
    revertCode: { type: 'string' },
    timeoutMs: { default: 5000, type: 'integer', minimum: 1, maximum: MAX_INT },
  },
  required: ['code'],
  additionalProperties: false,
};
const shellFields = {
  command: { type: 'string', minLength: 1 },
  args: { default: [], type: 'array', items: { type: 'string' } },
  shell: { default: false, type: 'boolean' },
  cwd: { type: 'string', minLength: 1 },
  env: STRING_MAP,
  timeoutMs: { default: 60000, type: 'integer', minimum: 1, maximum: MAX_INT },
};
const shell = {
  $schema: SCHEMA,
  type: 'object',
  properties: {
    ...shellFields,
    revert: { type: 'object', properties: shellFields, required: ['command'], additionalProperties: false },
  },
  required: ['command'],
  additionalProperties: false,
};
const httpFields = {
  method: {
    default: 'GET',
    type: 'string',
    enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  },
  url: { type: 'string', format: 'uri' },
  headers: STRING_MAP,
  body: { $ref: '#/$defs/JsonValue' },
  timeoutMs: { default: 30000, type: 'integer', minimum: 1, maximum: MAX_INT },
};
const http = {
  $schema: SCHEMA,
  type: 'object',
  properties: {
    ...httpFields,
    revert: { type: 'object', properties: httpFields, required: ['url'], additionalProperties: false },
  },
  required: ['url'],
  additionalProperties: false,
  $defs: { JsonValue: JSON_VALUE },
};

type Change = [field: string, value: unknown, commitKey: string];

/** The form with its value held the way the designer holds a task's config. */
function Harness({
  schema,
  initial,
  problems,
  onChange,
}: {
  schema: Record<string, unknown>;
  initial?: Record<string, unknown>;
  problems?: Problem[];
  onChange: (...c: Change) => void;
}) {
  const [config, setConfig] = useState(initial);
  return (
    <SchemaForm
      schema={schema}
      value={config}
      problems={problems}
      path="config"
      onChange={(field, v, key) => {
        onChange(field, v, key);
        setConfig((c) => {
          const next = { ...c };
          if (v === undefined) Reflect.deleteProperty(next, field);
          else next[field] = v;
          return Object.keys(next).length === 0 ? undefined : next;
        });
      }}
    />
  );
}

function setup(schema: Record<string, unknown>, initial?: Record<string, unknown>, problems?: Problem[]) {
  const onChange = vi.fn<(...c: Change) => void>();
  const view = render(<Harness schema={schema} initial={initial} problems={problems} onChange={onChange} />);
  return { ...view, onChange };
}

function field(label: string, root: HTMLElement = document.body): HTMLInputElement {
  return within(root).getByLabelText(label);
}

/** Types a draft and leaves the field (where drafts commit). */
function typeAndLeave(el: HTMLElement, text: string): void {
  fireEvent.focus(el);
  fireEvent.change(el, { target: { value: text } });
  fireEvent.blur(el);
}

afterEach(() => {
  cleanup();
});

describe('SchemaForm controls', () => {
  test('script: code areas in monospace, timeoutMs a number input with its bounds and default', () => {
    setup(script, { code: 'return 1;' });
    const code = field('code');
    expect(code.tagName).toBe('TEXTAREA');
    expect(code.className).toContain('insp-mono');
    expect(Number(code.getAttribute('rows'))).toBeGreaterThanOrEqual(6);
    expect(code.value).toBe('return 1;');
    expect(code.getAttribute('aria-required')).toBe('true');
    expect(screen.getByText('code').className).toContain('insp-label-required');
    expect(field('revertCode').tagName).toBe('TEXTAREA');
    const timeout = field('timeoutMs');
    expect(timeout.tagName).toBe('INPUT');
    expect(timeout.type).toBe('number');
    expect(timeout.min).toBe('1');
    expect(timeout.max).toBe(String(MAX_INT));
    expect(timeout.placeholder).toBe('5000');
    expect(screen.getByText('timeoutMs').className).not.toContain('insp-label-required');
  });

  test('noop: says it takes no configuration', () => {
    setup(noop);
    expect(screen.getByText('This kind takes no configuration.')).toBeTruthy();
  });

  test('fail: a short string is an input with its default as placeholder', () => {
    const { onChange } = setup(fail);
    const message = field('message');
    expect(message.tagName).toBe('INPUT');
    expect(message.placeholder).toBe('Failed on purpose');
    fireEvent.change(message, { target: { value: 'boom' } });
    expect(onChange).toHaveBeenLastCalledWith('message', 'boom', 'config.message');
    // Optional strings go away when emptied.
    fireEvent.change(message, { target: { value: '' } });
    expect(onChange).toHaveBeenLastCalledWith('message', undefined, 'config.message');
    expect(field('failTimes').type).toBe('number');
  });

  test('a long string value opens in a textarea', () => {
    setup(fail, { message: 'x'.repeat(100) });
    expect(field('message').tagName).toBe('TEXTAREA');
  });

  test('http: enum as a select, uri as a url input, body as JSON, nested revert as a fieldset', () => {
    setup(http, { url: 'https://example.com' });
    const method = field('method');
    expect(method.tagName).toBe('SELECT');
    const options = [...(method as unknown as HTMLSelectElement).options].map((o) => o.value);
    expect(options).toEqual(['', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    expect((method as unknown as HTMLSelectElement).options[0]?.textContent).toBe('GET (default)');
    const url = field('url');
    expect(url.inputMode).toBe('url');
    expect(url.value).toBe('https://example.com');
    expect(field('body').tagName).toBe('TEXTAREA');
    expect(screen.getByRole('group', { name: 'headers' })).toBeTruthy();
    const revert = screen.getByRole('group', { name: 'revert' });
    expect(revert.tagName).toBe('FIELDSET');
    expect(within(revert).queryByLabelText('url')).toBeNull();
  });

  test('shell: string list as a one-per-line textarea, boolean as a checkbox, env as rows', () => {
    setup(shell, { command: 'ls', args: ['-l', 'a b'], env: { A: '1' } });
    const args = field('args');
    expect(args.tagName).toBe('TEXTAREA');
    expect(args.value).toBe('-l\na b');
    const sh = field('shell');
    expect(sh.type).toBe('checkbox');
    expect(sh.checked).toBe(false);
    const env = screen.getByRole('group', { name: 'env' });
    expect(within(env).getByLabelText<HTMLInputElement>('Name 1').value).toBe('A');
    expect(within(env).getByLabelText<HTMLInputElement>('Value 1').value).toBe('1');
  });

  test('value: any JSON, required', () => {
    setup(value, { value: { a: [1, 2] } });
    const v = field('value');
    expect(v.tagName).toBe('TEXTAREA');
    expect(JSON.parse(v.value)).toEqual({ a: [1, 2] });
    expect(v.getAttribute('aria-required')).toBe('true');
  });

  test('a value of the wrong type gets a JSON field to repair it', () => {
    setup(script, { code: 'x', timeoutMs: 'soon' });
    const timeout = field('timeoutMs');
    expect(timeout.tagName).toBe('TEXTAREA');
    expect(timeout.value).toBe('"soon"');
  });
});

describe('SchemaForm values', () => {
  test('strings commit on every keystroke; a required one stays as an empty string', () => {
    const { onChange } = setup(script, { code: 'a' });
    const code = field('code');
    fireEvent.change(code, { target: { value: 'ab' } });
    expect(onChange).toHaveBeenLastCalledWith('code', 'ab', 'config.code');
    expect(code.value).toBe('ab');
    fireEvent.change(code, { target: { value: '' } });
    expect(onChange).toHaveBeenLastCalledWith('code', '', 'config.code');
  });

  test('Tab in a code area inserts two spaces at the caret', () => {
    const { onChange } = setup(script, { code: 'ab' });
    const code = field('code');
    code.focus();
    code.setSelectionRange(1, 1);
    fireEvent.keyDown(code, { key: 'Tab' });
    expect(onChange).toHaveBeenLastCalledWith('code', 'a  b', 'config.code');
    expect(code.value).toBe('a  b');
    expect(code.selectionStart).toBe(3);
    // Escape, then Tab, leaves the field instead.
    onChange.mockClear();
    fireEvent.keyDown(code, { key: 'Escape' });
    fireEvent.keyDown(code, { key: 'Tab' });
    expect(onChange).not.toHaveBeenCalled();
  });

  test('numbers commit on blur or Enter: parsed, empty removes, non-integers and out-of-range refused', () => {
    const { onChange } = setup(script, { code: '' });
    const timeout = field('timeoutMs');
    fireEvent.change(timeout, { target: { value: '250' } });
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.blur(timeout);
    expect(onChange).toHaveBeenLastCalledWith('timeoutMs', 250, 'config.timeoutMs');
    expect(timeout.value).toBe('250');

    fireEvent.change(timeout, { target: { value: '1000' } });
    fireEvent.keyDown(timeout, { key: 'Enter' });
    expect(onChange).toHaveBeenLastCalledWith('timeoutMs', 1000, 'config.timeoutMs');

    onChange.mockClear();
    typeAndLeave(timeout, '1.5');
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByText('must be a whole number')).toBeTruthy();
    expect(timeout.className).toContain('insp-invalid');
    typeAndLeave(timeout, '0');
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByText('must be at least 1')).toBeTruthy();

    // Escape goes back to the committed value.
    fireEvent.keyDown(timeout, { key: 'Escape' });
    expect(timeout.value).toBe('1000');

    typeAndLeave(timeout, '');
    expect(onChange).toHaveBeenLastCalledWith('timeoutMs', undefined, 'config.timeoutMs');
  });

  test('an enum select commits its value; the default entry removes it', () => {
    const { onChange } = setup(http, { url: 'u' });
    const method = field('method');
    fireEvent.change(method, { target: { value: 'POST' } });
    expect(onChange).toHaveBeenLastCalledWith('method', 'POST', 'config.method');
    fireEvent.change(method, { target: { value: '' } });
    expect(onChange).toHaveBeenLastCalledWith('method', undefined, 'config.method');
  });

  test('a boolean commits true, and unchecking a default-false field removes it', () => {
    const { onChange } = setup(shell, { command: 'ls' });
    fireEvent.click(field('shell'));
    expect(onChange).toHaveBeenLastCalledWith('shell', true, 'config.shell');
    fireEvent.click(field('shell'));
    expect(onChange).toHaveBeenLastCalledWith('shell', undefined, 'config.shell');
  });

  test('a string list commits one item per line, blanks dropped; empty removes it', () => {
    const { onChange } = setup(shell, { command: 'ls' });
    const args = field('args');
    typeAndLeave(args, '-la\n\nmy dir\n');
    expect(onChange).toHaveBeenLastCalledWith('args', ['-la', 'my dir'], 'config.args');
    typeAndLeave(args, '');
    expect(onChange).toHaveBeenLastCalledWith('args', undefined, 'config.args');
  });

  test('a string map: add a row, commit when focus leaves, remove the last row removes the field', () => {
    const { onChange } = setup(http, { url: 'u' });
    const headers = screen.getByRole('group', { name: 'headers' });
    fireEvent.click(within(headers).getByRole('button', { name: 'Add' }));
    const name = within(headers).getByLabelText('Name 1');
    const val = within(headers).getByLabelText('Value 1');
    fireEvent.change(name, { target: { value: 'Accept' } });
    fireEvent.change(val, { target: { value: 'application/json' } });
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.blur(val);
    expect(onChange).toHaveBeenLastCalledWith('headers', { Accept: 'application/json' }, 'config.headers');

    // A second row with the same name is refused.
    fireEvent.click(within(headers).getByRole('button', { name: 'Add' }));
    fireEvent.change(within(headers).getByLabelText('Name 2'), { target: { value: 'Accept' } });
    fireEvent.change(within(headers).getByLabelText('Value 2'), { target: { value: 'text/plain' } });
    onChange.mockClear();
    fireEvent.blur(within(headers).getByLabelText('Value 2'));
    expect(onChange).not.toHaveBeenCalled();
    expect(within(headers).getByText('"Accept" is there already')).toBeTruthy();
    fireEvent.click(within(headers).getByRole('button', { name: /^Remove row 2/ }));
    expect(onChange).not.toHaveBeenCalled();

    fireEvent.click(within(headers).getByRole('button', { name: 'Remove row 1 (Accept)' }));
    expect(onChange).toHaveBeenLastCalledWith('headers', undefined, 'config.headers');
  });

  test('a nested object: enabled creates it, its fields commit into it, disabling removes it', () => {
    const { onChange } = setup(shell, { command: 'make' });
    const revert = screen.getByRole('group', { name: 'revert' });
    const enabled = within(revert).getByLabelText<HTMLInputElement>('enabled');
    expect(enabled.checked).toBe(false);
    fireEvent.click(enabled);
    expect(onChange).toHaveBeenLastCalledWith('revert', {}, 'config.revert');
    const command = within(revert).getByLabelText('command');
    fireEvent.change(command, { target: { value: 'make clean' } });
    expect(onChange).toHaveBeenLastCalledWith('revert', { command: 'make clean' }, 'config.revert.command');
    fireEvent.click(within(revert).getByLabelText('shell'));
    expect(onChange).toHaveBeenLastCalledWith(
      'revert',
      { command: 'make clean', shell: true },
      'config.revert.shell',
    );
    fireEvent.click(within(revert).getByLabelText('enabled'));
    expect(onChange).toHaveBeenLastCalledWith('revert', undefined, 'config.revert');
    expect(within(revert).queryByLabelText('command')).toBeNull();
  });

  test('a JSON field commits parsed JSON on blur, refuses what does not parse, empty removes it', () => {
    const { onChange } = setup(http, { url: 'u' });
    const body = field('body');
    typeAndLeave(body, '{"name": "x", "n": [1, 2]}');
    expect(onChange).toHaveBeenLastCalledWith('body', { name: 'x', n: [1, 2] }, 'config.body');
    expect(JSON.parse(body.value)).toEqual({ name: 'x', n: [1, 2] });

    onChange.mockClear();
    typeAndLeave(body, '{name: x}');
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByText(/^not JSON/)).toBeTruthy();
    expect(body.value).toBe('{name: x}');
    expect(body.getAttribute('aria-invalid')).toBe('true');

    typeAndLeave(body, '"text"');
    expect(onChange).toHaveBeenLastCalledWith('body', 'text', 'config.body');
    typeAndLeave(body, '  ');
    expect(onChange).toHaveBeenLastCalledWith('body', undefined, 'config.body');
  });

  test('Ctrl+Enter commits a JSON area', () => {
    const { onChange } = setup(value);
    const v = field('value');
    fireEvent.change(v, { target: { value: '42' } });
    fireEvent.keyDown(v, { key: 'Enter', ctrlKey: true });
    expect(onChange).toHaveBeenLastCalledWith('value', 42, 'config.value');
  });

  test('a draft still open when the form goes away is committed', () => {
    const { onChange, unmount } = setup(delay);
    fireEvent.change(field('ms'), { target: { value: '30' } });
    expect(onChange).not.toHaveBeenCalled();
    act(() => {
      unmount();
    });
    expect(onChange).toHaveBeenCalledWith('ms', 30, 'config.ms');
  });

  test('map rows still open when the form goes away are committed', () => {
    const { onChange, unmount } = setup(shell, { command: 'ls' });
    const env = screen.getAllByRole('group', { name: 'env' })[0]!;
    fireEvent.click(within(env).getByRole('button', { name: 'Add' }));
    fireEvent.change(within(env).getByLabelText('Name 1'), { target: { value: 'HOME' } });
    fireEvent.change(within(env).getByLabelText('Value 1'), { target: { value: '/root' } });
    expect(onChange).not.toHaveBeenCalled();
    act(() => {
      unmount();
    });
    expect(onChange).toHaveBeenCalledWith('env', { HOME: '/root' }, 'config.env');
  });
});

describe('SchemaForm problems', () => {
  test('each problem marks its field and shows under it; a map row and a nested field too', () => {
    setup(shell, { command: '', env: { A: '1', B: '2' }, revert: {} }, [
      { node: 't', path: 'command', message: 'needs at least 1 character' },
      { node: 't', path: 'env.B', message: 'bad variable' },
      { node: 't', path: 'revert.command', message: 'required' },
      { node: 't', path: '', message: 'config is odd' },
    ]);
    const command = screen.getAllByLabelText('command')[0] as HTMLInputElement;
    expect(command.className).toContain('insp-invalid');
    expect(command.closest('.insp-field')?.textContent).toContain('needs at least 1 character');
    expect(command.closest('[data-field]')?.getAttribute('data-field')).toBe('config.command');

    const env = screen.getAllByRole('group', { name: 'env' })[0]!;
    expect(within(env).getByLabelText('Name 1').className).not.toContain('insp-invalid');
    expect(within(env).getByLabelText('Name 2').className).toContain('insp-invalid');
    expect(within(env).getByText('bad variable')).toBeTruthy();

    const revert = screen.getByRole('group', { name: 'revert' });
    const nested = within(revert).getByLabelText('command');
    expect(nested.className).toContain('insp-invalid');
    expect(within(revert).getByText('required')).toBeTruthy();

    expect(screen.getByText('config is odd')).toBeTruthy();
    expect(screen.getAllByLabelText('cwd')[0]!.className).not.toContain('insp-invalid');
  });

  test('a field the schema does not have shows as JSON with Remove', () => {
    const { onChange } = setup(script, { code: 'x', legacy: 1 }, [
      { node: 't', path: 'legacy', message: 'unknown field' },
    ]);
    const legacy = field('legacy');
    expect(legacy.value).toBe('1');
    expect(legacy.className).toContain('insp-invalid');
    expect(screen.getByText('Not a field of this kind.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    expect(onChange).toHaveBeenLastCalledWith('legacy', undefined, 'config.legacy');
    expect(screen.queryByLabelText('legacy')).toBeNull();
  });
});
