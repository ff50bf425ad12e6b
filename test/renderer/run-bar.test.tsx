// @vitest-environment happy-dom
/**
 * The run bar against the real designer, host and runs stores: why Run is
 * disabled, the engine and its options, the workers count and when it is
 * asked for, the inputs, the commands on the run shown and its status. The
 * host calls (start, cancel, workers…) are stubbed; their effect on the store
 * is driven by real run events.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEventData } from '../../app/contract/results';
import { RunBar } from '../../renderer/components/run/RunBar';
import type { Problem } from '../../renderer/designer/canvas-graph';
import { emptyDocument, type FlowDoc } from '../../renderer/designer/document';
import { applyEvents, startingRun } from '../../renderer/run/live';
import { loadDocument, redraw } from '../../renderer/state/designer';
import { useHostStore } from '../../renderer/state/host';
import {
  cancelRun,
  DEFAULT_SETTINGS,
  refreshWorkers,
  resumeRun,
  startRun,
  suspendRun,
  useRuns,
  type RunInfo,
} from '../../renderer/state/runs';
import { runEvents, T0 } from './run-events';

vi.mock('../../renderer/state/runs', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../renderer/state/runs')>()),
  startRun: vi.fn(() => Promise.resolve(undefined)),
  cancelRun: vi.fn(() => Promise.resolve()),
  suspendRun: vi.fn(() => Promise.resolve()),
  resumeRun: vi.fn(() => Promise.resolve()),
  refreshWorkers: vi.fn(() => Promise.resolve()),
}));

const RUN = 'f3a9c2e1-77aa-4bbb-8ccc-0123456789ab';
const { flow, atom, end } = runEvents(RUN);

const DOC: FlowDoc = {
  format: 'atomflow.flow/1',
  name: 'deploy',
  inputs: { target: 'staging', replicas: 2 },
  flow: {
    type: 'linear',
    name: 'main',
    children: [
      { type: 'task', name: 'build', kind: 'noop' },
      { type: 'task', name: 'test', kind: 'noop' },
      { type: 'task', name: 'ship', kind: 'noop' },
    ],
  },
};

const INFO: RunInfo = {
  runId: RUN,
  flow: 'deploy',
  engine: 'parallel',
  source: 'started',
  interrupted: false,
  inputs: {},
  engineOptions: { maxWorkers: 4 },
};

function connect(): void {
  useHostStore.setState({
    connection: { status: 'connected', host: { kind: 'electron', label: 'Electron' } },
  });
}

/** The document on the canvas, judged by the host as having `problems`. */
function load(doc: FlowDoc, problems: Problem[] = []): void {
  loadDocument(doc, undefined);
  redraw({ problems, validation: 'checked' });
}

/** Shows the run folded from `events`. */
function show(events: RunEventData[], info: Partial<RunInfo> = {}): void {
  act(() => {
    useRuns.setState({
      live: applyEvents(startingRun(RUN), events),
      info: { ...INFO, ...info },
    });
  });
}

beforeEach(() => {
  vi.clearAllMocks();
  connect();
  load(DOC);
  useRuns.setState({
    settings: DEFAULT_SETTINGS,
    inputs: {},
    live: undefined,
    info: undefined,
    busy: undefined,
    view: 'design',
    workers: {},
  });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const run = () => screen.getByTestId<HTMLButtonElement>('run');
const reason = () => screen.queryByTestId('run-reason')?.textContent;

describe('Run and why it is disabled', () => {
  it('is enabled for a valid flow on a connected host, with no reason shown', () => {
    render(<RunBar />);
    expect(run().disabled).toBe(false);
    expect(screen.queryByTestId('run-reason')).toBeNull();
    fireEvent.click(run());
    expect(startRun).toHaveBeenCalledTimes(1);
  });

  it('says the flow has no tasks yet', () => {
    load(emptyDocument());
    render(<RunBar />);
    expect(run().disabled).toBe(true);
    expect(reason()).toBe('The flow has no tasks yet');
  });

  it('counts the problems to fix, and follows them as they are fixed', () => {
    const p = (node: string): Problem => ({ node, path: 'kind', message: 'unknown kind' });
    load(DOC, [p('build'), p('test'), p('ship')]);
    render(<RunBar />);
    expect(run().disabled).toBe(true);
    expect(reason()).toBe('Fix 3 problems first');
    act(() => {
      redraw({ problems: [p('ship')] });
    });
    expect(reason()).toBe('Fix 1 problem first');
    act(() => {
      redraw({ problems: [] });
    });
    expect(reason()).toBeUndefined();
    expect(run().disabled).toBe(false);
  });

  it('says when the host is not connected, and follows the connection', () => {
    useHostStore.setState({ connection: { status: 'disconnected', reason: 'closed' } });
    render(<RunBar />);
    expect(run().disabled).toBe(true);
    expect(reason()).toBe('Not connected to the host');
    act(connect);
    expect(run().disabled).toBe(false);
  });

  it('is disabled while a command is under way', () => {
    render(<RunBar />);
    act(() => {
      useRuns.setState({ busy: 'starting' });
    });
    expect(run().disabled).toBe(true);
    expect(run().textContent).toContain('Starting…');
    expect(screen.queryByTestId('run-reason')).toBeNull();
  });
});

describe('engine', () => {
  it('offers serial, parallel and worker-based, and keeps the choice', () => {
    render(<RunBar />);
    const select = screen.getByTestId<HTMLSelectElement>('engine-select');
    expect([...select.options].map((o) => o.value)).toEqual(['serial', 'parallel', 'worker-based']);
    expect(select.value).toBe('serial');
    expect(screen.queryByTestId('max-workers')).toBeNull();
    expect(screen.queryByTestId('broker-url')).toBeNull();
    fireEvent.change(select, { target: { value: 'parallel' } });
    expect(useRuns.getState().settings.engine).toBe('parallel');
    expect(JSON.parse(localStorage.getItem('atomflow.run-settings') ?? '{}')).toMatchObject({
      engine: 'parallel',
    });
  });

  it('takes parallel tasks at once from 1 to 1024, keeping what is typed until it is valid', () => {
    useRuns.setState({ settings: { ...DEFAULT_SETTINGS, engine: 'parallel' } });
    render(<RunBar />);
    const input = screen.getByTestId<HTMLInputElement>('max-workers');
    expect(input.value).toBe('4');
    fireEvent.change(input, { target: { value: '16' } });
    expect(useRuns.getState().settings.maxWorkers).toBe(16);
    fireEvent.change(input, { target: { value: '2000' } });
    expect(input.value).toBe('2000');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(useRuns.getState().settings.maxWorkers).toBe(16);
    fireEvent.change(input, { target: { value: '0' } });
    expect(useRuns.getState().settings.maxWorkers).toBe(16);
    fireEvent.blur(input);
    expect(input.value).toBe('16');
  });

  it('shows the broker, the exchange and how many workers listen', () => {
    useRuns.setState({ settings: { ...DEFAULT_SETTINGS, engine: 'worker-based' } });
    render(<RunBar />);
    const url = screen.getByTestId<HTMLInputElement>('broker-url');
    const exchange = screen.getByTestId<HTMLInputElement>('broker-exchange');
    expect(url.value).toBe(DEFAULT_SETTINGS.url);
    expect(exchange.value).toBe('atomflow');
    const count = screen.getByTestId('worker-count');
    expect(count.hasAttribute('data-count')).toBe(false);

    act(() => {
      useRuns.setState({ workers: { count: 2, at: Date.now() } });
    });
    expect(count.getAttribute('data-count')).toBe('2');
    expect(count.textContent).toBe('● 2 workers');

    act(() => {
      useRuns.setState({ workers: { count: 0, at: Date.now() } });
    });
    expect(count.getAttribute('data-count')).toBe('0');
    expect(count.textContent).toBe('no workers');

    act(() => {
      useRuns.setState({ workers: { error: 'connect ECONNREFUSED 127.0.0.1:5672', at: Date.now() } });
    });
    expect(count.hasAttribute('data-count')).toBe(false);
    expect(count.getAttribute('title')).toBe('connect ECONNREFUSED 127.0.0.1:5672');

    fireEvent.change(exchange, { target: { value: 'builds' } });
    expect(useRuns.getState().settings.exchange).toBe('builds');
  });

  it('asks for the workers at once, every 5 s, and 600 ms after the last edit; not on other views', () => {
    vi.useFakeTimers();
    useRuns.setState({ settings: { ...DEFAULT_SETTINGS, engine: 'worker-based' } });
    render(<RunBar />);
    expect(refreshWorkers).toHaveBeenCalledTimes(1);
    act(() => {
      vi.advanceTimersByTime(5_000);
    });
    expect(refreshWorkers).toHaveBeenCalledTimes(2);

    const url = screen.getByTestId('broker-url');
    fireEvent.change(url, { target: { value: 'amqp://a' } });
    act(() => {
      vi.advanceTimersByTime(400);
    });
    fireEvent.change(url, { target: { value: 'amqp://ab' } });
    act(() => {
      vi.advanceTimersByTime(400);
    });
    // Still typing: nothing asked yet.
    expect(refreshWorkers).toHaveBeenCalledTimes(2);
    act(() => {
      vi.advanceTimersByTime(200);
    });
    expect(refreshWorkers).toHaveBeenCalledTimes(3);
    expect(useRuns.getState().settings.url).toBe('amqp://ab');

    act(() => {
      useRuns.setState({ view: 'history' });
    });
    act(() => {
      vi.advanceTimersByTime(20_000);
    });
    expect(refreshWorkers).toHaveBeenCalledTimes(3);
  });

  it('does not ask for workers with another engine', () => {
    vi.useFakeTimers();
    render(<RunBar />);
    act(() => {
      vi.advanceTimersByTime(12_000);
    });
    expect(refreshWorkers).not.toHaveBeenCalled();
  });
});

describe('inputs', () => {
  it('counts the declared inputs and takes a value for each, the document’s as placeholder', () => {
    render(<RunBar />);
    const button = screen.getByTestId('run-inputs');
    expect(button.textContent).toContain('2');
    fireEvent.click(button);
    const target = screen.getByTestId<HTMLInputElement>('input-target');
    const replicas = screen.getByTestId<HTMLInputElement>('input-replicas');
    expect(target.placeholder).toBe('"staging"');
    expect(replicas.placeholder).toBe('2');
    fireEvent.change(replicas, { target: { value: '5' } });
    fireEvent.change(target, { target: { value: 'production' } });
    expect(useRuns.getState().inputs).toEqual({ replicas: '5', target: 'production' });
    expect(replicas.value).toBe('5');
    // Text that starts like JSON but is not is marked.
    fireEvent.change(replicas, { target: { value: '{oops' } });
    expect(replicas.getAttribute('aria-invalid')).toBe('true');
    // Escape closes it; the values stay.
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(screen.queryByTestId('input-target')).toBeNull();
    fireEvent.click(button);
    expect(screen.getByTestId<HTMLInputElement>('input-target').value).toBe('production');
  });

  it('says where inputs are edited when the flow declares none', () => {
    load({ ...DOC, inputs: undefined });
    render(<RunBar />);
    expect(screen.getByTestId('run-inputs').textContent).toContain('0');
    fireEvent.click(screen.getByTestId('run-inputs'));
    const none = screen.getByTestId('inputs-none');
    expect(none.textContent).toContain('declares no inputs');
    expect(none.textContent).toContain('flow panel');
  });
});

describe('the run shown', () => {
  const buttons = () => ({
    cancel: screen.getByTestId<HTMLButtonElement>('cancel-run'),
    suspend: screen.getByTestId<HTMLButtonElement>('suspend-run'),
    resume: screen.getByTestId<HTMLButtonElement>('resume-run'),
  });

  it('has no status and no Clear while no run is shown; the commands are there, disabled', () => {
    render(<RunBar />);
    expect(screen.queryByTestId('run-state')).toBeNull();
    expect(screen.queryByTestId('clear-run')).toBeNull();
    const b = buttons();
    expect([b.cancel.disabled, b.suspend.disabled, b.resume.disabled]).toEqual([true, true, true]);
  });

  it('can cancel or suspend a going run, which says its state, id, engine and counts', () => {
    render(<RunBar />);
    show([
      flow('RUNNING', 0),
      atom('build', 'RUNNING', 10),
      atom('build', 'SUCCESS', 900),
      atom('test', 'RUNNING', 950),
    ]);
    const b = buttons();
    expect([b.cancel.disabled, b.suspend.disabled, b.resume.disabled]).toEqual([false, false, true]);
    const state = screen.getByTestId('run-state');
    expect(state.getAttribute('data-state')).toBe('RUNNING');
    expect(state.textContent).toContain('Running');
    expect(state.textContent).toContain('f3a9c2e1');
    expect(state.textContent).not.toContain('77aa');
    expect(state.textContent).toContain('parallel');
    expect(screen.getByTestId('run-counts').textContent).toBe('1/3 done · 1 running');
    // Clear keeps its place while the run goes on, unseen and disabled.
    const clear = screen.getByTestId<HTMLButtonElement>('clear-run');
    expect(clear.disabled).toBe(true);
    expect(clear.style.visibility).toBe('hidden');
    fireEvent.click(b.suspend);
    expect(suspendRun).toHaveBeenCalledTimes(1);
    fireEvent.click(b.cancel);
    expect(cancelRun).toHaveBeenCalledTimes(1);
  });

  it('can resume or clear a suspended run; Clear takes it off', () => {
    render(<RunBar />);
    show([
      flow('RUNNING', 0),
      atom('build', 'RUNNING', 10),
      atom('build', 'SUCCESS', 900),
      flow('SUSPENDED', 1000),
      end('SUSPENDED', 1000),
    ]);
    const b = buttons();
    expect([b.cancel.disabled, b.suspend.disabled, b.resume.disabled]).toEqual([false, true, false]);
    expect(screen.getByTestId('run-state').getAttribute('data-state')).toBe('SUSPENDED');
    expect(screen.getByTestId('run-elapsed').textContent).toBe('1.00 s');
    fireEvent.click(b.resume);
    expect(resumeRun).toHaveBeenCalledTimes(1);
    const clear = screen.getByTestId<HTMLButtonElement>('clear-run');
    expect(clear.disabled).toBe(false);
    expect(clear.style.visibility).toBe('');
    fireEvent.click(clear);
    expect(useRuns.getState().live).toBeUndefined();
    expect(screen.queryByTestId('run-state')).toBeNull();
  });

  it('says a run left by a host that is gone is interrupted', () => {
    render(<RunBar />);
    show([flow('RUNNING', 0), atom('build', 'RUNNING', 10)], { interrupted: true });
    const state = screen.getByTestId('run-state');
    expect(state.getAttribute('data-state')).toBe('INTERRUPTED');
    expect(state.textContent).toContain('Interrupted');
    expect(screen.getByTestId<HTMLButtonElement>('resume-run').disabled).toBe(true);
  });

  it('counts failures, and ticks the time while the run goes, then stops at its end', () => {
    vi.useFakeTimers();
    vi.setSystemTime(T0 + 2_000);
    render(<RunBar />);
    show([
      flow('RUNNING', 0),
      atom('build', 'RUNNING', 10),
      atom('build', 'FAILURE', 500, {
        failure: { atom: 'build', phase: 'execute', type: 'Error', message: 'no' },
      }),
    ]);
    const elapsed = screen.getByTestId('run-elapsed');
    expect(elapsed.textContent).toBe('2 s');
    act(() => {
      vi.advanceTimersByTime(3_000);
    });
    expect(elapsed.textContent).toBe('5 s');
    expect(screen.getByTestId('run-counts').textContent).toBe('0/3 done · 1 failed');
    act(() => {
      const live = useRuns.getState().live;
      if (live) useRuns.setState({ live: applyEvents(live, [end('FAILURE', 5_400)]) });
    });
    expect(screen.getByTestId('run-state').getAttribute('data-state')).toBe('FAILURE');
    expect(screen.getByTestId('run-elapsed').textContent).toBe('5.40 s');
    act(() => {
      vi.advanceTimersByTime(3_000);
    });
    expect(screen.getByTestId('run-elapsed').textContent).toBe('5.40 s');
    // Ended: it can be taken off the canvas.
    const clear = within(screen.getByTestId('run-bar')).getByTestId<HTMLButtonElement>('clear-run');
    expect(clear.disabled).toBe(false);
    expect(clear.style.visibility).toBe('');
  });
});
