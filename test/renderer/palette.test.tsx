// @vitest-environment happy-dom
import { act, cleanup, createEvent, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KindDescription } from '../../renderer/host';
import { Palette } from '../../renderer/components/palette/Palette';
import { emptyDocument, type TaskDoc } from '../../renderer/designer/document';
import { PALETTE_MIME } from '../../renderer/state/commands';
import { loadDocument, useDesigner } from '../../renderer/state/designer';
import { useHostStore } from '../../renderer/state/host';

function kind(name: string, description: string, runsCode = false): KindDescription {
  return { kind: name, description, configSchema: {}, runsCode };
}

const KINDS: KindDescription[] = [
  kind('http', 'Sends an HTTP request; the result is the JSON or text body.'),
  kind('script', 'Runs a JavaScript function body with the task’s inputs as variables.', true),
  kind('noop', 'Does nothing and provides nothing: a placeholder or a join point.'),
  kind('shell', 'Runs a command; a non-zero exit fails.', true),
  kind('value', 'Provides its configured value.'),
  kind('sleepy', 'A kind from a plugin, waiting for a signal.'),
  kind('delay', 'Waits `ms` milliseconds.'),
  kind('fail', 'Fails with `message`.'),
];

function section(title: string): HTMLElement {
  return screen.getByRole('region', { name: new RegExp(`^${title}`) });
}

function kindsIn(title: string): string[] {
  return within(section(title))
    .getAllByTestId(/^palette-item-/)
    .map((el) => el.dataset.testid!.replace('palette-item-', ''));
}

beforeEach(() => {
  useHostStore.setState({ kinds: KINDS, kindsError: undefined });
  loadDocument(emptyDocument(), undefined);
});

afterEach(() => {
  cleanup();
  useHostStore.setState({ kinds: undefined, kindsError: undefined });
});

describe('Palette', () => {
  it('lists groups, then kinds by category in the palette’s order', () => {
    render(<Palette />);
    expect(screen.getByTestId('palette')).toHaveProperty('tagName', 'ASIDE');
    const groups = within(section('Groups')).getAllByTestId(/^palette-group-/);
    expect(groups.map((g) => g.dataset.testid)).toEqual([
      'palette-group-linear',
      'palette-group-unordered',
      'palette-group-graph',
    ]);
    expect(screen.getByTestId('palette-group-graph').textContent).toContain(
      'Runs members as links and data allow',
    );
    expect(kindsIn('Basics')).toEqual(['noop', 'value', 'delay', 'fail']);
    expect(kindsIn('Code')).toEqual(['script', 'shell']);
    expect(kindsIn('Network')).toEqual(['http']);
    expect(kindsIn('Other')).toEqual(['sleepy']);
    const regions = screen.getAllByRole('region').map((r) => r.querySelector('h3')?.firstChild?.textContent);
    expect(regions).toEqual(['Groups', 'Basics', 'Code', 'Network', 'Other']);
  });

  it('shows each kind’s name, description (full text in the title) and a code badge for kinds that run code', () => {
    render(<Palette />);
    const script = screen.getByTestId('palette-item-script');
    expect(script.getAttribute('role')).toBe('button');
    expect(script.tabIndex).toBe(0);
    expect(script.getAttribute('draggable')).toBe('true');
    expect(within(script).getByText('script').className).toContain('pal-name');
    expect(within(script).getByText('code')).toBeTruthy();
    expect(script.title).toContain('Runs a JavaScript function body with the task’s inputs as variables.');
    expect(screen.getByRole('button', { name: 'script' })).toBe(script);
    expect(within(screen.getByTestId('palette-item-http')).queryByText('code')).toBeNull();
  });

  it('filters by name and by description; Escape clears the search', () => {
    render(<Palette />);
    const search = screen.getByRole('searchbox', { name: 'Search task kinds' });
    expect(search.getAttribute('placeholder')).toBe('Search…');

    fireEvent.change(search, { target: { value: 'sh' } });
    expect(screen.queryAllByTestId(/^palette-item-/).map((e) => e.dataset.testid)).toEqual([
      'palette-item-shell',
    ]);

    // "placeholder" is only in noop's description.
    fireEvent.change(search, { target: { value: 'PLACEHOLDER' } });
    expect(screen.queryAllByTestId(/^palette-item-/).map((e) => e.dataset.testid)).toEqual([
      'palette-item-noop',
    ]);
    expect(screen.queryByRole('region', { name: /^Groups/ })).toBeNull();

    fireEvent.change(search, { target: { value: 'zzz' } });
    expect(screen.queryAllByTestId(/^palette-item-/)).toHaveLength(0);
    expect(screen.getByText('No kind matches “zzz”')).toBeTruthy();

    fireEvent.keyDown(search, { key: 'Escape' });
    expect((search as HTMLInputElement).value).toBe('');
    expect(screen.queryAllByTestId(/^palette-item-/)).toHaveLength(KINDS.length);

    fireEvent.change(search, { target: { value: 'http' } });
    fireEvent.click(screen.getByRole('button', { name: 'Clear search' }));
    expect((search as HTMLInputElement).value).toBe('');
    expect(document.activeElement).toBe(search);
  });

  it('adds a task of the kind to the document on double-click, and with Enter', () => {
    render(<Palette />);
    fireEvent.doubleClick(screen.getByTestId('palette-item-delay'));
    let children = useDesigner.getState().doc.flow.children;
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({ type: 'task', kind: 'delay', name: 'delay' });
    expect(useDesigner.getState().selection).toEqual(['delay']);

    // The new task is selected: the next one goes into the same group, after it.
    fireEvent.keyDown(screen.getByTestId('palette-item-delay'), { key: 'Enter' });
    children = useDesigner.getState().doc.flow.children;
    expect(children.map((c) => (c as TaskDoc).name)).toEqual(['delay', 'delay-2']);
  });

  it('adds an empty group with Space', () => {
    render(<Palette />);
    fireEvent.keyDown(screen.getByTestId('palette-group-graph'), { key: ' ' });
    const children = useDesigner.getState().doc.flow.children;
    expect(children).toEqual([{ type: 'graph', name: 'graph', children: [] }]);
  });

  it('puts the item on the drag payload', () => {
    render(<Palette />);
    const drag = (el: HTMLElement) => {
      const dataTransfer = { setData: vi.fn(), effectAllowed: 'all' };
      const event = createEvent.dragStart(el);
      Object.defineProperty(event, 'dataTransfer', { value: dataTransfer });
      fireEvent(el, event);
      return dataTransfer;
    };
    const task = drag(screen.getByTestId('palette-item-http'));
    expect(task.setData).toHaveBeenCalledWith(PALETTE_MIME, JSON.stringify({ kind: 'http' }));
    expect(task.effectAllowed).toBe('copy');

    const group = drag(screen.getByTestId('palette-group-unordered'));
    expect(group.setData).toHaveBeenCalledWith(PALETTE_MIME, JSON.stringify({ group: 'unordered' }));
    // Dragging does not add anything by itself.
    expect(useDesigner.getState().doc.flow.children).toHaveLength(0);
  });

  it('shows a skeleton while the kinds load, and why they could not be read', () => {
    useHostStore.setState({ kinds: undefined, kindsError: undefined });
    render(<Palette />);
    expect(screen.getByText('Loading kinds…')).toBeTruthy();
    expect(screen.getByTestId('palette-group-linear')).toBeTruthy();

    act(() => {
      useHostStore.setState({ kindsError: 'catalog.kinds timed out' });
    });
    expect(screen.queryByText('Loading kinds…')).toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('catalog.kinds timed out');
  });
});
