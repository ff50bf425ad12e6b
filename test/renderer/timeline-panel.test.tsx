// @vitest-environment happy-dom
/**
 * The timeline panel against the real stores: bars for each execute and
 * revert with their data attributes, the zoom controls, a click on a name
 * selecting its node, the tooltip, resume lines, open bars growing while the
 * run goes on, and only a window of rows rendered for a run of 5,000 atoms.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { AtomStateData, FailureData, RunEventData } from '../../app/contract/results';
import { TimelinePanel } from '../../renderer/components/timeline/TimelinePanel';
import type { FlowDoc } from '../../renderer/designer/document';
import { applyEvents, startingRun, type LiveRun } from '../../renderer/run/live';
import { loadDocument, useDesigner } from '../../renderer/state/designer';
import { useRuns } from '../../renderer/state/runs';

const RUN = 'run-1';
const T0 = Date.parse('2025-03-01T10:00:00.000Z');

const DOC: FlowDoc = {
  format: 'atomflow.flow/1',
  name: 'demo',
  flow: {
    type: 'linear',
    name: 'main',
    children: [
      { type: 'task', name: 'build', kind: 'noop' },
      {
        type: 'unordered',
        name: 'ship',
        retry: { type: 'times', attempts: 2 },
        children: [
          { type: 'task', name: 'deploy', kind: 'noop' },
          { type: 'task', name: 'notify', kind: 'noop' },
        ],
      },
      { type: 'task', name: 'after', kind: 'noop' },
    ],
  },
};

const BOOM: FailureData = { atom: 'deploy', phase: 'execute', type: 'Error', message: 'boom' };

function flowEvent(state: 'RUNNING' | 'SUCCESS' | 'REVERTED', ms: number): RunEventData {
  return { runId: RUN, ts: new Date(T0 + ms).toISOString(), type: 'flow', state };
}

function atomEvent(name: string, state: AtomStateData, ms: number, failure?: FailureData): RunEventData {
  return {
    runId: RUN,
    ts: new Date(T0 + ms).toISOString(),
    type: 'atom',
    name,
    atom: name.endsWith('_retry') ? 'retry' : 'task',
    state,
    ...(failure ? { failure } : {}),
  };
}

/** build succeeds; deploy fails and is reverted; notify is still running. */
const EVENTS: RunEventData[] = [
  flowEvent('RUNNING', 0),
  atomEvent('build', 'RUNNING', 0),
  atomEvent('build', 'SUCCESS', 1_000),
  atomEvent('ship_retry', 'RUNNING', 1_000),
  atomEvent('ship_retry', 'SUCCESS', 1_010),
  atomEvent('deploy', 'RUNNING', 1_100),
  atomEvent('notify', 'RUNNING', 1_100),
  atomEvent('deploy', 'FAILURE', 3_000, BOOM),
  atomEvent('deploy', 'REVERTING', 3_100),
  atomEvent('deploy', 'REVERTED', 3_600),
];

function show(live: LiveRun | undefined): void {
  act(() => {
    useRuns.setState({ live });
  });
}

function runOf(events: readonly RunEventData[]): LiveRun {
  return applyEvents(startingRun(RUN), events);
}

/** The same run, ended (the stream's `end` event). */
function ended(events: readonly RunEventData[], ms: number): LiveRun {
  return applyEvents(runOf(events), [
    {
      runId: RUN,
      ts: new Date(T0 + ms).toISOString(),
      type: 'end',
      state: 'SUCCESS',
      results: {},
      failures: [],
    },
  ]);
}

function panel(): HTMLElement {
  return screen.getByTestId('timeline');
}

function bars(atom?: string): HTMLElement[] {
  const all = screen.queryAllByTestId('timeline-bar');
  return atom === undefined ? all : all.filter((b) => b.dataset.atom === atom);
}

function names(): HTMLElement[] {
  return screen.queryAllByTestId('timeline-name');
}

beforeEach(() => {
  loadDocument(structuredClone(DOC), undefined);
  useRuns.setState({ live: undefined, info: undefined });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('empty', () => {
  test('without a run, it says so', () => {
    render(<TimelinePanel />);
    expect(panel().dataset.zoom).toBe('1');
    expect(screen.getByTestId('timeline-empty').textContent).toMatch(/No run on the canvas/);
    expect(bars()).toEqual([]);
  });

  test('a run with nothing started yet waits', () => {
    render(<TimelinePanel />);
    show(runOf([flowEvent('RUNNING', 0)]));
    expect(screen.getByTestId('timeline-empty').textContent).toMatch(/Waiting for the first task/);
  });
});

describe('bars', () => {
  test('one per execute and revert, with atom, phase and outcome (RUNNING while open)', () => {
    render(<TimelinePanel />);
    show(runOf(EVENTS));
    const attrs = (b: HTMLElement) => [b.dataset.atom, b.dataset.phase, b.dataset.outcome];
    expect(bars().map(attrs)).toEqual([
      ['build', 'execute', 'SUCCESS'],
      ['ship_retry', 'execute', 'SUCCESS'],
      ['deploy', 'execute', 'FAILURE'],
      ['deploy', 'revert', 'REVERTED'],
      ['notify', 'execute', 'RUNNING'],
    ]);
    expect(bars('notify')[0]?.className).toContain('is-open');
    expect(bars('deploy')[1]?.className).toContain('is-revert');
    expect(screen.queryByTestId('timeline-empty')).toBeNull();
  });

  test('bars sit at their times: later starts further right, longer ones wider', () => {
    render(<TimelinePanel />);
    show(ended(EVENTS.slice(0, 3), 1_000));
    show(ended(EVENTS, 4_000));
    const [build] = bars('build');
    const [deploy, revert] = bars('deploy');
    const left = (b: HTMLElement | undefined) => parseFloat(b?.style.left ?? 'NaN');
    const width = (b: HTMLElement | undefined) => parseFloat(b?.style.width ?? 'NaN');
    expect(left(build)).toBe(0);
    expect(left(deploy)).toBeGreaterThan(left(build));
    expect(left(revert)).toBeGreaterThan(left(deploy) + width(deploy) - 1);
    // deploy ran 1.9 s, build 1 s.
    expect(width(deploy) / width(build)).toBeCloseTo(1.9, 1);
  });

  test('names are in document order, indented by group, the retry above its members', () => {
    render(<TimelinePanel />);
    show(runOf(EVENTS));
    expect(names().map((n) => n.dataset.atom)).toEqual(['build', 'ship_retry', 'deploy', 'notify', 'after']);
    const pad = (name: string) => names().find((n) => n.dataset.atom === name)?.style.paddingLeft;
    expect(pad('build')).toBe(pad('ship_retry'));
    expect(parseFloat(pad('deploy') ?? '0')).toBeGreaterThan(parseFloat(pad('build') ?? '0'));
  });

  test('hovering a bar shows what it is', () => {
    render(<TimelinePanel />);
    show(ended(EVENTS, 4_000));
    const [, revert] = bars('deploy');
    fireEvent.mouseMove(revert as HTMLElement, { clientX: 50, clientY: 50 });
    const tip = screen.getByTestId('timeline-tooltip');
    expect(tip.textContent).toContain('deploy');
    expect(tip.textContent).toContain('Revert');
    expect(tip.textContent).toContain('+3.10 s');
    expect(tip.textContent).toContain('500 ms');
    expect(tip.textContent).toContain('Reverted');
    fireEvent.mouseLeave(revert?.parentElement as HTMLElement);
    expect(screen.queryByTestId('timeline-tooltip')).toBeNull();
  });

  test('a resume is a dashed line labelled “resumed”', () => {
    render(<TimelinePanel />);
    show(runOf([...EVENTS.slice(0, 3), flowEvent('RUNNING', 5_000), atomEvent('after', 'RUNNING', 5_100)]));
    expect(screen.getAllByTestId('timeline-resume')).toHaveLength(1);
    expect(within(screen.getByTestId('timeline-axis')).getByText('resumed')).toBeTruthy();
  });

  test('the axis has labelled ticks from 0 s', () => {
    render(<TimelinePanel />);
    show(ended(EVENTS, 4_000));
    const labels = [...screen.getByTestId('timeline-axis').querySelectorAll('.tl-tick-label')].map(
      (l) => l.textContent,
    );
    expect(labels[0]).toBe('0 s');
    expect(labels).toContain('1 s');
  });
});

describe('live', () => {
  test('open bars grow on a timer while the run goes on, and the timer stops when it ends', () => {
    vi.useFakeTimers({ now: T0 + 1_200 });
    render(<TimelinePanel />);
    show(runOf(EVENTS.slice(0, 7)));
    const fraction = () => {
      const bar = bars('notify')[0];
      const build = bars('build')[0];
      // The bar's end relative to build's width (1 s): how long notify has run, in seconds.
      return (
        (parseFloat(bar?.style.left ?? '0') + parseFloat(bar?.style.width ?? '0')) /
        parseFloat(build?.style.width ?? '1')
      );
    };
    const before = fraction();
    act(() => {
      vi.advanceTimersByTime(2_000);
    });
    expect(fraction()).toBeGreaterThan(before + 1.5);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    show(ended(EVENTS, 3_600));
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('zoom', () => {
  test('buttons zoom in and out, and fit goes back to the whole run', () => {
    render(<TimelinePanel />);
    show(ended(EVENTS, 4_000));
    expect(panel().dataset.zoom).toBe('1');
    fireEvent.click(screen.getByTestId('timeline-zoom-in'));
    expect(panel().dataset.zoom).toBe('1.5');
    fireEvent.click(screen.getByTestId('timeline-zoom-in'));
    expect(panel().dataset.zoom).toBe('2.25');
    fireEvent.click(screen.getByTestId('timeline-zoom-out'));
    expect(panel().dataset.zoom).toBe('1.5');
    fireEvent.click(screen.getByTestId('timeline-zoom-fit'));
    expect(panel().dataset.zoom).toBe('1');
    // Not narrower than the whole run.
    fireEvent.click(screen.getByTestId('timeline-zoom-out'));
    expect(panel().dataset.zoom).toBe('1');
  });

  test('zooming in draws the bars wider', () => {
    render(<TimelinePanel />);
    show(ended(EVENTS, 4_000));
    const width = () => parseFloat(bars('build')[0]?.style.width ?? '0');
    const before = width();
    fireEvent.click(screen.getByTestId('timeline-zoom-in'));
    expect(width()).toBeCloseTo(before * 1.5, 3);
  });

  test('Ctrl+wheel zooms; a plain wheel does not', () => {
    render(<TimelinePanel />);
    show(ended(EVENTS, 4_000));
    const scroller = panel().querySelector('.tl-scroll') as HTMLElement;
    const wheel = (deltaY: number, ctrlKey: boolean) => {
      const e = new WheelEvent('wheel', { deltaY, clientX: 400, bubbles: true, cancelable: true });
      // happy-dom's WheelEvent drops the modifier keys of its init.
      Object.defineProperty(e, 'ctrlKey', { value: ctrlKey });
      act(() => {
        scroller.dispatchEvent(e);
      });
      return e;
    };
    expect(wheel(100, false).defaultPrevented).toBe(false);
    expect(panel().dataset.zoom).toBe('1');
    // Kept from the page: Ctrl+wheel would zoom the whole window.
    expect(wheel(-100, true).defaultPrevented).toBe(true);
    expect(Number(panel().dataset.zoom)).toBeGreaterThan(1);
    const zoomed = Number(panel().dataset.zoom);
    wheel(100, true);
    expect(Number(panel().dataset.zoom)).toBeLessThan(zoomed);
  });

  test('another run starts at zoom 1', () => {
    render(<TimelinePanel />);
    show(ended(EVENTS, 4_000));
    fireEvent.click(screen.getByTestId('timeline-zoom-in'));
    expect(panel().dataset.zoom).toBe('1.5');
    show(
      applyEvents(
        startingRun('run-2'),
        EVENTS.map((e) => ({ ...e, runId: 'run-2' })),
      ),
    );
    expect(panel().dataset.zoom).toBe('1');
  });
});

describe('selection', () => {
  test('a click on a name selects its node; the selected row is highlighted', () => {
    render(<TimelinePanel />);
    show(runOf(EVENTS));
    const deploy = names().find((n) => n.dataset.atom === 'deploy') as HTMLElement;
    fireEvent.click(deploy);
    expect(useDesigner.getState().selection).toEqual(['deploy']);
    const after = names().find((n) => n.dataset.atom === 'deploy');
    expect(after?.getAttribute('aria-pressed')).toBe('true');
    expect(after?.className).toContain('is-selected');
    expect(panel().querySelectorAll('.tl-row-selected')).toHaveLength(1);
  });

  test('a retry controller selects its group; a click on a bar selects its atom', () => {
    render(<TimelinePanel />);
    show(runOf(EVENTS));
    fireEvent.click(names().find((n) => n.dataset.atom === 'ship_retry') as HTMLElement);
    expect(useDesigner.getState().selection).toEqual(['ship']);
    fireEvent.click(bars('build')[0] as HTMLElement);
    expect(useDesigner.getState().selection).toEqual(['build']);
  });
});

describe('5,000 atoms', () => {
  const COUNT = 5_000;
  const big: FlowDoc = {
    format: 'atomflow.flow/1',
    name: 'big',
    flow: {
      type: 'linear',
      name: 'main',
      children: Array.from({ length: COUNT }, (_, i) => ({
        type: 'task',
        name: `t${String(i)}`,
        kind: 'noop',
      })),
    },
  };
  const events: RunEventData[] = [flowEvent('RUNNING', 0)];
  for (let i = 0; i < COUNT; i++) {
    events.push(
      atomEvent(`t${String(i)}`, 'RUNNING', i * 10),
      atomEvent(`t${String(i)}`, 'SUCCESS', i * 10 + 8),
    );
  }

  test('only the rows in view (and a margin) are rendered, and scrolling moves the window', () => {
    loadDocument(big, undefined);
    render(<TimelinePanel />);
    show(ended(events, COUNT * 10));
    const rendered = names();
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(60);
    expect(rendered[0]?.dataset.atom).toBe('t0');
    expect(bars().length).toBe(rendered.length);
    // The scroller is as tall as all the rows.
    const canvas = panel().querySelector('.tl-canvas') as HTMLElement;
    expect(parseFloat(canvas.style.height)).toBeGreaterThan(COUNT * 22);

    const scroller = panel().querySelector('.tl-scroll') as HTMLElement;
    Object.defineProperty(scroller, 'scrollTop', { configurable: true, value: 22 * 2_500 });
    fireEvent.scroll(scroller);
    const moved = names().map((n) => n.dataset.atom);
    expect(moved).toContain('t2500');
    expect(moved).not.toContain('t0');
    expect(moved.length).toBeLessThan(60);
  });
});
