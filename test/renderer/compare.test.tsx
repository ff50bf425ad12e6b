// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AtomViewData, RunSummaryData, RunViewData } from '../../app/contract/results';
import { compareAtoms, formatDelta, longestDuration } from '../../renderer/components/history/compare';
import { HistoryView } from '../../renderer/components/history/HistoryView';
import { startConnection } from '../../renderer/state/connection';
import { useHostStore } from '../../renderer/state/host';
import { memoryHost } from './memory-host';

// ------------------------------------------------------------ a host in memory

const host = memoryHost('not-found');
const transport = host.transport;

function atom(name: string, state: AtomViewData['state'], durationMs?: number, executions = 1): AtomViewData {
  return {
    name,
    atom: 'task',
    state,
    progress: 1,
    executions,
    ...(durationMs !== undefined ? { durationMs } : {}),
  };
}

function view(summary: RunSummaryData, atoms: AtomViewData[]): RunViewData {
  return { ...summary, inputs: {}, engineOptions: {}, atoms, failures: [], logs: [] };
}

// The older run (A) succeeded; the newer (B) failed at `migrate`, retried `fetch`, and skipped `notify`.
const older: RunSummaryData = {
  id: 'aaaaaaaa-0000-0000-0000-000000000001',
  flow: 'deploy',
  state: 'SUCCESS',
  engine: 'serial',
  createdAt: '2030-06-15T10:00:00.000Z',
  updatedAt: '2030-06-15T10:00:05.000Z',
  durationMs: 5_000,
};
const newer: RunSummaryData = {
  id: 'bbbbbbbb-0000-0000-0000-000000000002',
  flow: 'deploy',
  state: 'FAILURE',
  engine: 'parallel',
  createdAt: '2030-06-15T11:00:00.000Z',
  updatedAt: '2030-06-15T11:00:04.000Z',
  durationMs: 4_000,
};
const other: RunSummaryData = { ...older, id: 'cccccccc-0000-0000-0000-000000000003', flow: 'backup' };

const detailA = view(older, [
  atom('fetch', 'SUCCESS', 1_000),
  atom('build', 'SUCCESS', 2_000),
  atom('migrate', 'SUCCESS', 1_500),
  atom('notify', 'SUCCESS', 200),
]);
const detailB = view(newer, [
  atom('fetch', 'SUCCESS', 1_500, 3),
  atom('build', 'SUCCESS', 1_000),
  atom('migrate', 'FAILURE', 400),
  atom('cleanup', 'REVERTED', 100),
]);

function answer(method: string, params: Record<string, unknown>): unknown {
  if (method === 'catalog.kinds') return { kinds: [] };
  if (method === 'documents.list') return { documents: [] };
  // Newest first, as the host lists them.
  if (method === 'runs.list') return { runs: [newer, other, older] };
  if (method === 'runs.detail') {
    if (params.runId === older.id) return detailA;
    if (params.runId === newer.id) return detailB;
    throw new Error(`no run ${String(params.runId)}`);
  }
  throw new Error(`unexpected ${method}`);
}

beforeAll(async () => {
  host.handler = answer;
  startConnection(() => transport);
  await waitFor(() => {
    expect(useHostStore.getState().connection.status).toBe('connected');
  });
});

beforeEach(() => {
  host.handler = answer;
  host.calls.length = 0;
});

afterEach(() => {
  cleanup();
});

async function openCompare(): Promise<HTMLElement> {
  render(<HistoryView />);
  await waitFor(() => {
    expect(screen.getAllByTestId('history-row')).toHaveLength(3);
  });
  for (const id of [newer.id, older.id]) {
    const row = screen.getAllByTestId('history-row').find((r) => r.dataset.runId === id)!;
    fireEvent.click(within(row).getByTestId('history-select'));
  }
  fireEvent.click(screen.getByTestId('history-compare'));
  return screen.findByTestId('compare');
}

function compareRows(): HTMLElement[] {
  return screen.getAllByTestId('compare-row');
}

function cell(row: HTMLElement, name: string): string {
  return row.querySelector(`.${name}`)?.textContent ?? '';
}

describe('compareAtoms', () => {
  it('takes the first run’s atoms in order, then those only the second has', () => {
    const rows = compareAtoms(detailA, detailB);
    expect(rows.map((r) => r.name)).toEqual(['fetch', 'build', 'migrate', 'notify', 'cleanup']);
    expect(rows.map((r) => r.differs)).toEqual([false, false, true, true, true]);
    expect(rows[0]).toMatchObject({ deltaMs: 500, deltaPct: 50 });
    expect(rows[1]).toMatchObject({ deltaMs: -1_000, deltaPct: -50 });
    expect(rows[3]).toMatchObject({ deltaMs: undefined, deltaPct: undefined, b: undefined });
    expect(longestDuration(rows)).toBe(2_000);
  });

  it('words a change with its sign and percent', () => {
    expect(formatDelta(500, 50)).toBe('+500 ms (+50%)');
    expect(formatDelta(-1_000, -50)).toBe('−1.00 s (−50%)');
    expect(formatDelta(20, 2.5)).toBe('+20 ms (+2.5%)');
    expect(formatDelta(0, 0)).toBe('±0 ms');
    expect(formatDelta(300, undefined)).toBe('+300 ms');
    expect(formatDelta(undefined, undefined)).toBe('—');
  });
});

describe('CompareView', () => {
  it('compares the two selected runs, the older as A, atom by atom', async () => {
    const compare = await openCompare();
    await waitFor(() => {
      expect(compareRows()).toHaveLength(5);
    });
    expect(
      host.calls
        .filter((c) => c.method === 'runs.detail')
        .map((c) => c.params.runId)
        .sort(),
    ).toEqual([older.id, newer.id]);

    // Each run's header: state, engine, duration.
    const a = within(compare).getByTestId('compare-run-a');
    const b = within(compare).getByTestId('compare-run-b');
    expect(a.textContent).toContain('Success');
    expect(a.textContent).toContain('serial');
    expect(a.textContent).toContain('5.00 s');
    expect(b.textContent).toContain('Failed');
    expect(b.textContent).toContain('parallel');
    expect(b.textContent).toContain('4.00 s');
    expect(screen.getByTestId('compare-summary').textContent).toContain('−1.00 s (−20%)');

    const [fetch, build, migrate, notify, cleanupRow] = compareRows() as [
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
    ];
    expect(compareRows().map((r) => r.dataset.atom)).toEqual([
      'fetch',
      'build',
      'migrate',
      'notify',
      'cleanup',
    ]);

    expect(cell(fetch, 'cmp-dur-a')).toBe('1.00 s');
    expect(cell(fetch, 'cmp-dur-b')).toBe('1.50 s');
    expect(cell(fetch, 'cmp-delta')).toBe('+500 ms (+50%)');
    // Executed more than once in B: said so.
    expect(cell(fetch, 'cmp-state-b')).toContain('×3');
    expect(cell(fetch, 'cmp-state-a')).not.toContain('×');
    expect(cell(build, 'cmp-delta')).toBe('−1.00 s (−50%)');

    // Both durations on one scale (the longest atom, build in A, fills the bar).
    const bars = fetch.querySelectorAll<HTMLElement>('.cmp-bar');
    expect(bars[0]!.style.width).toBe('50%');
    expect(bars[1]!.style.width).toBe('75%');
    expect(build.querySelector<HTMLElement>('.cmp-bar-a')!.style.width).toBe('100%');

    // States that differ stand out; so do atoms of one run only.
    expect(fetch.dataset.differs).toBe('false');
    expect(fetch.className).not.toContain('is-different');
    expect(migrate.dataset.differs).toBe('true');
    expect(migrate.className).toContain('is-different');
    expect(cell(migrate, 'cmp-state-a')).toContain('Success');
    expect(cell(migrate, 'cmp-state-b')).toContain('Failed');
    expect(notify.dataset.differs).toBe('true');
    expect(cell(notify, 'cmp-state-b')).toContain('not in this run');
    expect(cell(notify, 'cmp-dur-b')).toBe('—');
    expect(cell(notify, 'cmp-delta')).toBe('—');
    expect(cleanupRow.dataset.differs).toBe('true');
    expect(cell(cleanupRow, 'cmp-state-a')).toContain('not in this run');
  });

  it('orders by the biggest change on request', async () => {
    await openCompare();
    await waitFor(() => {
      expect(compareRows()).toHaveLength(5);
    });
    fireEvent.change(screen.getByTestId('compare-order'), { target: { value: 'change' } });
    expect(
      compareRows()
        .map((r) => r.dataset.atom)
        .slice(0, 3),
    ).toEqual(['migrate', 'build', 'fetch']);
  });

  it('goes back to the runs with the selection kept', async () => {
    await openCompare();
    fireEvent.click(screen.getByTestId('compare-back'));
    await waitFor(() => {
      expect(screen.getAllByTestId('history-row')).toHaveLength(3);
    });
    expect(screen.queryByTestId('compare')).toBeNull();
    expect(screen.getByTestId<HTMLButtonElement>('history-compare').disabled).toBe(false);
  });

  it('says why the runs could not be read', async () => {
    host.handler = (method, params) => {
      if (method === 'runs.detail' && params.runId === newer.id) throw new Error('run bbbbbbbb was deleted');
      return answer(method, params);
    };
    const compare = await openCompare();
    const alert = await within(compare).findByRole('alert');
    expect(alert.textContent).toContain('run bbbbbbbb was deleted');
    expect(screen.queryAllByTestId('compare-row')).toHaveLength(0);
  });
});
