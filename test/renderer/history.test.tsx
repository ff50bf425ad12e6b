// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunSummaryData } from '../../app/contract/results';
import { HistoryView } from '../../renderer/components/history/HistoryView';
import { formatStarted } from '../../renderer/components/history/time';
import { listParams, NO_FILTER } from '../../renderer/components/history/use-run-page';
import { startConnection } from '../../renderer/state/connection';
import { useHostStore } from '../../renderer/state/host';
import { memoryHost, type Handler } from './memory-host';
import { openRun, rerun, resumeRun } from '../../renderer/state/runs';
import { useUi } from '../../renderer/state/ui';

// Opening, rerunning and resuming load a flow on the canvas: here only that the history asks for them.
vi.mock('../../renderer/state/runs', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../renderer/state/runs')>()),
  openRun: vi.fn(() => Promise.resolve(true)),
  rerun: vi.fn(() => Promise.resolve(undefined)),
  resumeRun: vi.fn(() => Promise.resolve()),
}));

// ------------------------------------------------------------ a host in memory

const host = memoryHost();
const transport = host.transport;

function listCalls(): Record<string, unknown>[] {
  return host.paramsOf('runs.list');
}

const NOW = Date.parse('2030-06-15T12:00:00.000Z');

/** Run `i` of a history, newest first (run 0 is the newest). */
function run(i: number, extra: Partial<RunSummaryData> = {}): RunSummaryData {
  const created = new Date(NOW - (i + 1) * 60_000).toISOString();
  return {
    id: `run-${String(i).padStart(4, '0')}-aaaa-bbbb`,
    flow: i % 2 === 0 ? 'deploy' : 'backup',
    state: 'SUCCESS',
    engine: 'serial',
    createdAt: created,
    updatedAt: created,
    durationMs: 1_250,
    ...extra,
  };
}

/**
 * A `runs.list` over `runs` as the host answers it: filtered, `limit` at a
 * time, the cursor being the index of the next run.
 */
function history(runs: readonly RunSummaryData[]): Handler {
  return (method, params) => {
    if (method === 'catalog.kinds') return { kinds: [] };
    if (method === 'documents.list') return { documents: [{ name: 'nightly', updatedAt: '', bytes: 1 }] };
    if (method === 'runs.delete') return {};
    if (method !== 'runs.list') throw new Error(`unexpected ${method}`);
    const matching = runs.filter(
      (r) =>
        (params.flow === undefined || r.flow === params.flow) &&
        (params.engine === undefined || r.engine === params.engine) &&
        (params.state === undefined ||
          (params.state === 'INTERRUPTED' ? r.interrupted === true : r.state === params.state)),
    );
    const from = typeof params.cursor === 'string' ? Number(params.cursor) : 0;
    const limit = params.limit as number;
    const page = matching.slice(from, from + limit);
    return from + limit < matching.length ? { runs: page, nextCursor: String(from + limit) } : { runs: page };
  };
}

beforeAll(async () => {
  host.handler = history([]);
  startConnection(() => transport);
  await waitFor(() => {
    expect(useHostStore.getState().connection.status).toBe('connected');
  });
});

beforeEach(() => {
  host.calls.length = 0;
  vi.mocked(openRun).mockClear();
  vi.mocked(rerun).mockClear();
  vi.mocked(resumeRun).mockClear();
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  useUi.setState({ question: undefined });
});

function rows(): HTMLElement[] {
  return screen.queryAllByTestId('history-row');
}

async function shown(count: number): Promise<void> {
  await waitFor(() => {
    expect(rows()).toHaveLength(count);
  });
}

// ------------------------------------------------------------ tests

describe('listParams', () => {
  it('asks for 50 runs and only the filters that are set', () => {
    expect(listParams(NO_FILTER, undefined)).toEqual({ limit: 50 });
    expect(listParams({ flow: 'deploy', state: 'INTERRUPTED', engine: 'parallel' }, 'c1')).toEqual({
      limit: 50,
      flow: 'deploy',
      state: 'INTERRUPTED',
      engine: 'parallel',
      cursor: 'c1',
    });
  });
});

describe('formatStarted', () => {
  it('is relative for today and a date otherwise', () => {
    const now = new Date(2030, 5, 15, 18, 0, 0).getTime();
    expect(formatStarted(new Date(2030, 5, 15, 17, 55, 0).toISOString(), now)).toBe('5 min ago');
    expect(formatStarted(new Date(2030, 5, 15, 15, 0, 0).toISOString(), now)).toBe('3 h ago');
    expect(formatStarted(new Date(2030, 5, 15, 17, 59, 50).toISOString(), now)).toBe('just now');
    const older = formatStarted(new Date(2030, 5, 2, 9, 5, 0).toISOString(), now);
    expect(older).not.toMatch(/ago/);
    expect(older).toMatch(/2/);
  });
});

describe('HistoryView', () => {
  it('shows the newest page with each run’s state, flow, engine, duration and short id', async () => {
    host.handler = history([
      run(0, { state: 'RUNNING', durationMs: undefined, engine: 'parallel' }),
      run(1, { state: 'FAILURE', durationMs: 61_000 }),
      run(2, { state: 'RUNNING', interrupted: true, durationMs: undefined }),
      run(3, { state: 'SUSPENDED', engine: 'worker-based', durationMs: 800 }),
      run(4, { state: 'CANCELLED', engine: undefined }),
    ]);
    render(<HistoryView />);
    await shown(5);
    expect(listCalls()[0]).toEqual({ limit: 50 });

    const [running, failed, interrupted, suspended, cancelled] = rows() as [
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
    ];
    expect(running.dataset.runId).toBe('run-0000-aaaa-bbbb');
    expect(running.dataset.state).toBe('RUNNING');
    expect(running.textContent).toContain('running…');
    expect(running.textContent).toContain('parallel');
    expect(running.textContent).toContain('deploy');
    const id = within(running).getByTitle('run-0000-aaaa-bbbb');
    expect(id.textContent).toBe('run-0000');

    expect(failed.dataset.state).toBe('FAILURE');
    expect(failed.textContent).toContain('Failed');
    expect(failed.textContent).toContain('1 min 01 s');

    // Left running by a host that is gone: shown as interrupted, not running, and resumable.
    expect(interrupted.dataset.state).toBe('INTERRUPTED');
    expect(interrupted.textContent).toContain('Interrupted');
    expect(interrupted.textContent).not.toContain('running…');
    expect(within(interrupted).queryByTestId('history-resume')).not.toBeNull();

    expect(suspended.dataset.state).toBe('SUSPENDED');
    expect(within(suspended).queryByTestId('history-resume')).not.toBeNull();
    expect(suspended.textContent).toContain('800 ms');

    expect(within(running).queryByTestId('history-resume')).toBeNull();
    expect(within(failed).queryByTestId('history-resume')).toBeNull();
    expect(within(cancelled).queryByTestId('history-resume')).toBeNull();
    expect(cancelled.textContent).toContain('—');

    expect(screen.getByTestId('history-count').textContent).toBe('Showing 1–5');
    expect(screen.getByTestId<HTMLButtonElement>('history-next').disabled).toBe(true);
    expect(screen.getByTestId<HTMLButtonElement>('history-prev').disabled).toBe(true);
  });

  it('sends the state and engine filters at once and the flow name once typing pauses', async () => {
    host.handler = history([run(0), run(1), run(2, { engine: 'parallel' }), run(3, { state: 'FAILURE' })]);
    render(<HistoryView />);
    await shown(4);

    fireEvent.change(screen.getByTestId('history-filter-state'), { target: { value: 'FAILURE' } });
    await shown(1);
    expect(listCalls().at(-1)).toEqual({ limit: 50, state: 'FAILURE' });

    fireEvent.change(screen.getByTestId('history-filter-state'), { target: { value: '' } });
    fireEvent.change(screen.getByTestId('history-filter-engine'), { target: { value: 'parallel' } });
    await shown(1);
    expect(listCalls().at(-1)).toEqual({ limit: 50, engine: 'parallel' });

    fireEvent.change(screen.getByTestId('history-filter-engine'), { target: { value: '' } });
    await shown(4);
    const before = listCalls().length;
    const flow = screen.getByTestId('history-filter-flow');
    fireEvent.change(flow, { target: { value: 'b' } });
    fireEvent.change(flow, { target: { value: 'back' } });
    fireEvent.change(flow, { target: { value: 'backup' } });
    await shown(2);
    // Only the name as it stood when typing paused was asked for.
    expect(listCalls().slice(before)).toEqual([{ limit: 50, flow: 'backup' }]);
    for (const row of rows()) expect(row.textContent).toContain('backup');

    // The suggestions: saved flows and flows seen in the history.
    const list = document.getElementById(flow.getAttribute('list') ?? '')!;
    const names = [...list.querySelectorAll('option')].map((o) => o.value);
    expect(names).toEqual(expect.arrayContaining(['nightly', 'backup']));

    // Clearing the box shows every flow again without waiting.
    fireEvent.change(flow, { target: { value: '' } });
    await shown(4);
    expect(listCalls().at(-1)).toEqual({ limit: 50 });
  });

  it('pages forward with the host’s cursor and back with the cursors it used', async () => {
    const all = Array.from({ length: 120 }, (_, i) => run(i));
    host.handler = history(all);
    render(<HistoryView />);
    await shown(50);
    const count = () => screen.getByTestId('history-count').textContent;
    expect(count()).toBe('Showing 1–50');
    expect(rows()[0]!.dataset.runId).toBe(all[0]!.id);

    fireEvent.click(screen.getByTestId('history-next'));
    await waitFor(() => {
      expect(count()).toBe('Showing 51–100');
    });
    expect(listCalls().at(-1)).toEqual({ limit: 50, cursor: '50' });
    expect(rows()[0]!.dataset.runId).toBe(all[50]!.id);

    fireEvent.click(screen.getByTestId('history-next'));
    await waitFor(() => {
      expect(count()).toBe('Showing 101–120');
    });
    expect(listCalls().at(-1)).toEqual({ limit: 50, cursor: '100' });
    expect(rows()).toHaveLength(20);
    expect(screen.getByTestId<HTMLButtonElement>('history-next').disabled).toBe(true);

    fireEvent.click(screen.getByTestId('history-prev'));
    await waitFor(() => {
      expect(count()).toBe('Showing 51–100');
    });
    expect(listCalls().at(-1)).toEqual({ limit: 50, cursor: '50' });

    fireEvent.click(screen.getByTestId('history-prev'));
    await waitFor(() => {
      expect(count()).toBe('Showing 1–50');
    });
    expect(listCalls().at(-1)).toEqual({ limit: 50 });
    expect(screen.getByTestId<HTMLButtonElement>('history-prev').disabled).toBe(true);

    // A new filter starts again from the newest page.
    fireEvent.click(screen.getByTestId('history-next'));
    await waitFor(() => {
      expect(count()).toBe('Showing 51–100');
    });
    fireEvent.change(screen.getByTestId('history-filter-engine'), { target: { value: 'serial' } });
    await waitFor(() => {
      expect(listCalls().at(-1)).toEqual({ limit: 50, engine: 'serial' });
    });
    await waitFor(() => {
      expect(count()).toBe('Showing 1–50');
    });
    expect(screen.getByTestId<HTMLButtonElement>('history-prev').disabled).toBe(true);
  });

  it('reads the page again every 3 s while a run on it is going, keeping its place', async () => {
    vi.useFakeTimers();
    const all = Array.from({ length: 60 }, (_, i) => run(i, i === 55 ? { state: 'RUNNING' } : {}));
    host.handler = history(all);
    render(<HistoryView />);
    const settle = () =>
      act(async () => {
        await vi.advanceTimersByTimeAsync(10);
      });
    await settle();
    expect(rows()).toHaveLength(50);
    // Nothing is going on the first page: it is not read again.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(7_000);
    });
    expect(listCalls()).toHaveLength(1);

    fireEvent.click(screen.getByTestId('history-next'));
    await settle();
    expect(rows()).toHaveLength(10);
    expect(listCalls()).toHaveLength(2);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3_100);
    });
    expect(listCalls()).toHaveLength(3);
    expect(listCalls().at(-1)).toEqual({ limit: 50, cursor: '50' });
    expect(screen.getByTestId('history-count').textContent).toBe('Showing 51–60');

    // The run ended: the page settles.
    all[55] = run(55, { state: 'SUCCESS' });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3_100);
    });
    expect(listCalls()).toHaveLength(4);
    expect(rows().find((r) => r.dataset.runId === all[55]!.id)!.dataset.state).toBe('SUCCESS');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10_000);
    });
    expect(listCalls()).toHaveLength(4);
  });

  it('says runs appear after Run when there are none, and that none match a filter', async () => {
    host.handler = history([]);
    render(<HistoryView />);
    const empty = await screen.findByTestId('history-empty');
    expect(empty.textContent).toMatch(/Runs appear here after you press Run in the Design view/);

    fireEvent.change(screen.getByTestId('history-filter-state'), { target: { value: 'FAILURE' } });
    await waitFor(() => {
      expect(screen.getByTestId('history-empty').textContent).toMatch(/No runs match these filters/);
    });
  });

  it('shows why the history could not be listed, and lists it on Retry', async () => {
    host.handler = (method: string) => {
      if (method === 'runs.list') throw new Error('the history database is locked');
      return history([])(method, {});
    };
    render(<HistoryView />);
    const alert = await screen.findByTestId('history-error');
    expect(alert.textContent).toContain('the history database is locked');
    expect(screen.queryByTestId('history-empty')).toBeNull();

    host.handler = history([run(0)]);
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await shown(1);
    expect(screen.queryByTestId('history-error')).toBeNull();
  });

  it('opens a run on double-click, Enter and Open; reruns and resumes from the row', async () => {
    host.handler = history([run(0), run(1, { state: 'SUSPENDED' })]);
    render(<HistoryView />);
    await shown(2);
    const [first, second] = rows() as [HTMLElement, HTMLElement];

    fireEvent.doubleClick(first);
    expect(openRun).toHaveBeenLastCalledWith(first.dataset.runId);
    fireEvent.keyDown(second, { key: 'Enter' });
    expect(openRun).toHaveBeenLastCalledWith(second.dataset.runId);
    fireEvent.click(within(first).getByTestId('history-open'));
    expect(openRun).toHaveBeenCalledTimes(3);

    fireEvent.click(within(first).getByTestId('history-rerun'));
    expect(rerun).toHaveBeenCalledWith(first.dataset.runId);
    fireEvent.click(within(second).getByTestId('history-resume'));
    expect(resumeRun).toHaveBeenCalledWith(second.dataset.runId);

    // A double-click on a row's button is the button's.
    fireEvent.doubleClick(within(first).getByTestId('history-rerun'));
    expect(openRun).toHaveBeenCalledTimes(3);
  });

  it('deletes a run after asking, and lists the page again', async () => {
    const all = [run(0), run(1), run(2)];
    host.handler = history(all);
    const base = host.handler;
    host.handler = (method, params) => {
      if (method === 'runs.delete') {
        all.splice(
          all.findIndex((r) => r.id === params.runId),
          1,
        );
        return {};
      }
      return base(method, params);
    };
    render(<HistoryView />);
    await shown(3);
    const victim = rows()[1]!.dataset.runId;

    fireEvent.click(within(rows()[1]!).getByTestId('history-delete'));
    await waitFor(() => {
      expect(useUi.getState().question?.title).toBe('Delete this run?');
    });
    act(() => {
      useUi.getState().question?.resolve(true);
    });
    await shown(2);
    expect(host.calls.filter((c) => c.method === 'runs.delete').map((c) => c.params)).toEqual([
      { runId: victim },
    ]);
    expect(rows().map((r) => r.dataset.runId)).not.toContain(victim);
  });

  it('deletes the selected runs, and nothing when the person says no', async () => {
    const all = [run(0), run(1), run(2)];
    host.handler = history(all);
    render(<HistoryView />);
    await shown(3);
    const remove = screen.getByTestId<HTMLButtonElement>('history-delete-selected');
    expect(remove.disabled).toBe(true);
    fireEvent.click(within(rows()[0]!).getByTestId('history-select'));
    fireEvent.click(within(rows()[2]!).getByTestId('history-select'));
    expect(remove.disabled).toBe(false);
    expect(rows()[0]!.className).toContain('is-selected');

    fireEvent.click(remove);
    await waitFor(() => {
      expect(useUi.getState().question?.title).toBe('Delete 2 runs?');
    });
    act(() => {
      useUi.getState().question?.resolve(false);
    });
    await waitFor(() => {
      expect(useUi.getState().question).toBeUndefined();
    });
    expect(host.calls.filter((c) => c.method === 'runs.delete')).toHaveLength(0);

    fireEvent.click(remove);
    await waitFor(() => {
      expect(useUi.getState().question).toBeDefined();
    });
    act(() => {
      useUi.getState().question?.resolve(true);
    });
    await waitFor(() => {
      expect(host.calls.filter((c) => c.method === 'runs.delete').map((c) => c.params)).toEqual([
        { runId: all[0]!.id },
        { runId: all[2]!.id },
      ]);
    });
    await waitFor(() => {
      expect(remove.disabled).toBe(true);
    });
  });

  it('enables Compare for exactly two selected runs of one flow, and says why otherwise', async () => {
    host.handler = history([run(0), run(1), run(2), run(4)]);
    render(<HistoryView />);
    await shown(4);
    const compare = screen.getByTestId<HTMLButtonElement>('history-compare');
    const select = (i: number) => {
      fireEvent.click(within(rows()[i]!).getByTestId('history-select'));
    };
    expect(compare.disabled).toBe(true);
    expect(compare.title).toMatch(/Select two runs/);

    select(0); // deploy
    expect(compare.disabled).toBe(true);
    select(1); // backup
    expect(compare.disabled).toBe(true);
    expect(compare.title).toMatch(/same flow/);
    select(1);
    select(2); // deploy
    expect(compare.disabled).toBe(false);
    select(3); // a third deploy
    expect(compare.disabled).toBe(true);
    expect(compare.title).toMatch(/3 selected/);

    // The header box selects the whole page, and clears it.
    fireEvent.click(screen.getByTestId('history-select-all'));
    expect(screen.getByTestId('history-selection').textContent).toContain('4 selected');
    fireEvent.click(screen.getByTestId('history-select-all'));
    expect(screen.queryByTestId('history-selection')).toBeNull();
  });
});
