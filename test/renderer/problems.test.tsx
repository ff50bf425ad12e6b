// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NOTICE_MS, NoticeToast } from '../../renderer/components/NoticeToast';
import { ProblemsPanel } from '../../renderer/components/ProblemsPanel';
import type { Problem } from '../../renderer/designer/canvas-graph';
import { emptyDocument, type FlowDoc } from '../../renderer/designer/document';
import { loadDocument, notify, redraw, useDesigner } from '../../renderer/state/designer';

function doc(): FlowDoc {
  const d = emptyDocument('orders');
  d.flow.children = [
    { type: 'task', name: 'fetch', kind: 'http', config: {} },
    {
      type: 'graph',
      name: 'work',
      retry: { type: 'times', attempts: 0 },
      children: [
        { type: 'task', name: 'parse', kind: 'script' },
        // A name used twice: the second is `fetch~2` on the canvas.
        { type: 'task', name: 'fetch', kind: 'noop' },
      ],
    },
  ];
  return d;
}

const PROBLEMS: Problem[] = [
  { path: 'name', message: 'must not be empty' },
  { node: 'fetch', path: 'flow.children[0].config.url', message: 'url is required' },
  { node: 'parse', path: 'flow.children[1].children[0].config.code', message: 'code is required' },
  { node: 'work_retry', path: 'flow.children[1].retry.attempts', message: 'attempts must be at least 1' },
  { node: 'ghost', path: 'flow.links[0].from', message: 'names no member' },
];

function setProblems(
  problems: readonly Problem[],
  validation: 'checking' | 'checked' | 'unavailable' = 'checked',
) {
  act(() => {
    redraw({ problems, validation, validationError: undefined });
  });
}

beforeEach(() => {
  loadDocument(doc(), undefined);
  act(() => {
    useDesigner.setState({ validation: 'checked', validationError: undefined, notice: undefined });
  });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('ProblemsPanel', () => {
  it('lists every problem with its node (or the flow), path and message, and counts them', () => {
    render(<ProblemsPanel />);
    setProblems(PROBLEMS);
    const panel = screen.getByRole('region', { name: 'Problems' });
    expect(panel.dataset.testid).toBe('problems');
    const count = within(panel).getByTestId('problems-count');
    expect(count.textContent).toBe('5');
    expect(count.className).toContain('has-problems');

    const rows = within(panel).getAllByTestId('problem-row');
    expect(rows).toHaveLength(5);
    expect(rows[0]!.textContent).toBe('flownamemust not be empty');
    expect(within(rows[1]!).getByText('flow.children[0].config.url').tagName).toBe('CODE');
    expect(rows[1]!.textContent).toContain('fetch');
    expect(rows[1]!.textContent).toContain('url is required');
    expect(rows[3]!.textContent).toContain('work_retry');
  });

  it('selects the node of the row clicked; document problems and unknown nodes are not links', () => {
    render(<ProblemsPanel />);
    setProblems(PROBLEMS);
    const rows = screen.getAllByTestId('problem-row');
    expect(within(rows[0]!).queryByRole('button')).toBeNull();
    expect(within(rows[4]!).queryByRole('button')).toBeNull();

    fireEvent.click(within(rows[2]!).getByRole('button'));
    expect(useDesigner.getState().selection).toEqual(['parse']);
    fireEvent.click(within(rows[1]!).getByRole('button'));
    expect(useDesigner.getState().selection).toEqual(['fetch']);
    // A retry's problem belongs to its group.
    fireEvent.click(within(rows[3]!).getByRole('button'));
    expect(useDesigner.getState().selection).toEqual(['work']);
    expect(within(screen.getAllByTestId('problem-row')[3]!).getByRole('button').className).toContain(
      'is-selected',
    );
  });

  it('shows how validation stands', () => {
    render(<ProblemsPanel />);
    const state = () => screen.getByTestId('problems-state').textContent;
    setProblems([]);
    expect(state()).toBe('No problems');
    expect(screen.getByTestId('problems-count').textContent).toBe('0');
    expect(screen.getByTestId('problems-count').className).not.toContain('has-problems');

    setProblems([], 'checking');
    expect(state()).toBe('Checking…');

    act(() => {
      useDesigner.setState({ validation: 'unavailable', validationError: 'host went away' });
    });
    expect(state()).toBe('Validation unavailable: host went away');
  });

  it('collapses and opens again', () => {
    render(<ProblemsPanel />);
    setProblems(PROBLEMS);
    const toggle = screen.getByRole('button', { expanded: true });
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryAllByTestId('problem-row')).toHaveLength(0);
    // The count stays in sight.
    expect(screen.getByTestId('problems-count').textContent).toBe('5');
    fireEvent.click(toggle);
    expect(screen.getAllByTestId('problem-row')).toHaveLength(5);
  });
});

describe('NoticeToast', () => {
  it('shows the notice and lets it go after 4 s (errors after 8 s)', () => {
    vi.useFakeTimers();
    render(<NoticeToast />);
    expect(screen.queryByTestId('notice')).toBeNull();
    act(() => {
      notify('info', 'Saved “orders”');
    });
    expect(screen.getByRole('status').textContent).toContain('Saved “orders”');
    act(() => {
      vi.advanceTimersByTime(NOTICE_MS.info - 10);
    });
    expect(screen.queryByTestId('notice')).not.toBeNull();
    act(() => {
      vi.advanceTimersByTime(20);
    });
    expect(screen.queryByTestId('notice')).toBeNull();

    act(() => {
      notify('error', 'Not saved: no host');
    });
    expect(screen.getByTestId('notice').className).toContain('toast-error');
    act(() => {
      vi.advanceTimersByTime(NOTICE_MS.info + 100);
    });
    expect(screen.getByTestId('notice').textContent).toContain('Not saved: no host');
    // A newer notice gets its own time.
    act(() => {
      notify('error', 'Second');
    });
    act(() => {
      vi.advanceTimersByTime(NOTICE_MS.error - 100);
    });
    expect(screen.getByTestId('notice').textContent).toContain('Second');
    act(() => {
      vi.advanceTimersByTime(200);
    });
    expect(useDesigner.getState().notice).toBeUndefined();
  });

  it('closes with its button', () => {
    render(<NoticeToast />);
    act(() => {
      notify('info', 'Hello');
    });
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(useDesigner.getState().notice).toBeUndefined();
    expect(screen.queryByTestId('notice')).toBeNull();
  });
});
