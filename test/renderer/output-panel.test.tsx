// @vitest-environment happy-dom
/**
 * The run dock's Output tab against the real designer and runs stores: the
 * run's summary (and its failures, which select their node), the selected
 * task's state, output lines, result and failure with its stack, and with
 * nothing selected every task's output merged by time.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailureData, RunEventData } from '../../app/contract/results';
import { MAX_SHOWN_LINES } from '../../renderer/components/run/LogLines';
import { OutputPanel } from '../../renderer/components/run/OutputPanel';
import type { FlowDoc } from '../../renderer/designer/document';
import { applyEvents, startingRun } from '../../renderer/run/live';
import { loadDocument, select, useDesigner } from '../../renderer/state/designer';
import { useRuns, type RunInfo } from '../../renderer/state/runs';
import { runEvents, T0 } from './run-events';

const RUN = '7d1e0c52-aaaa-4bbb-8ccc-000000000001';
const { at, flow, atom, log } = runEvents(RUN);

const BOOM: FailureData = {
  atom: 'test',
  phase: 'execute',
  type: 'AssertionError',
  message: 'expected 3 to equal 4',
  stack: 'AssertionError: expected 3 to equal 4\n    at check (test.js:12:5)',
};
const UNDO_FAILED: FailureData = {
  atom: 'build',
  phase: 'revert',
  type: 'Error',
  message: 'could not remove dist/',
};

/** build → checks [test, lint] */
const DOC: FlowDoc = {
  format: 'atomflow.flow/1',
  name: 'ci',
  flow: {
    type: 'linear',
    name: 'main',
    children: [
      { type: 'task', name: 'build', kind: 'shell', provides: ['artifact', 'size'] },
      {
        type: 'unordered',
        name: 'checks',
        children: [
          { type: 'task', name: 'test', kind: 'script', provides: 'report' },
          { type: 'task', name: 'lint', kind: 'noop' },
        ],
      },
    ],
  },
};

const INFO: RunInfo = {
  runId: RUN,
  flow: 'ci',
  engine: 'serial',
  source: 'started',
  interrupted: false,
  inputs: {},
  engineOptions: {},
};

/** A run of DOC: build succeeds with output on both streams, test fails, lint runs. */
const GOING: RunEventData[] = [
  flow('RUNNING', 0),
  atom('build', 'RUNNING', 100),
  log('build', 'compiling 12 files', 200),
  log('build', 'warning: unused variable', 300, 'stderr'),
  atom('build', 'SUCCESS', 1_100),
  atom('test', 'RUNNING', 1_200),
  atom('lint', 'RUNNING', 1_250),
  log('lint', 'linting', 1_260),
  log('test', 'running 4 specs', 1_300),
  atom('test', 'FAILURE', 1_500, { failure: BOOM }),
];

function show(events: RunEventData[]): void {
  act(() => {
    useRuns.setState({ live: applyEvents(startingRun(RUN), events), info: INFO });
  });
}

function more(events: RunEventData[]): void {
  act(() => {
    const live = useRuns.getState().live;
    if (!live) throw new Error('no run shown');
    useRuns.setState({ live: applyEvents(live, events) });
  });
}

function pick(id: string): void {
  act(() => {
    select([id]);
  });
}

const lines = () => screen.queryAllByTestId('log-line');

beforeEach(() => {
  loadDocument(DOC, undefined);
  useRuns.setState({ live: undefined, info: undefined, busy: undefined });
});

afterEach(() => {
  cleanup();
});

describe('summary', () => {
  it('gives the state, flow, engine, id, start and the tasks counted by state', () => {
    render(<OutputPanel />);
    show(GOING);
    const summary = screen.getByTestId('run-summary');
    expect(within(summary).getByTestId('summary-state').getAttribute('data-state')).toBe('RUNNING');
    expect(within(summary).getByTestId('summary-flow').textContent).toBe('ci');
    expect(within(summary).getByTestId('summary-engine').textContent).toBe('serial');
    expect(within(summary).getByTestId('summary-run-id').textContent).toBe(RUN);
    expect(within(summary).getByTestId('summary-started').textContent).toBe(new Date(T0).toLocaleString());
    expect(within(summary).getByTestId('summary-done').textContent).toBe('1/3 done');
    expect(within(summary).getByTestId('summary-count-SUCCESS').getAttribute('data-count')).toBe('1');
    expect(within(summary).getByTestId('summary-count-FAILURE').getAttribute('data-count')).toBe('1');
    expect(within(summary).getByTestId('summary-count-RUNNING').getAttribute('data-count')).toBe('1');
    expect(within(summary).queryByTestId('summary-count-PENDING')).toBeNull();
  });

  it('lists the failures as they come, then the end’s; a click selects the node', () => {
    render(<OutputPanel />);
    show(GOING);
    let rows = screen.getAllByTestId('failure-row');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.textContent).toContain('test');
    expect(rows[0]?.textContent).toContain('AssertionError: expected 3 to equal 4');

    more([
      atom('lint', 'SUCCESS', 1_600),
      atom('build', 'REVERTING', 1_700),
      atom('build', 'REVERT_FAILURE', 1_800, { failure: UNDO_FAILED }),
      {
        runId: RUN,
        ts: at(1_900),
        type: 'end',
        state: 'FAILURE',
        results: {},
        failures: [BOOM, UNDO_FAILED],
      },
    ]);
    expect(screen.getByTestId('summary-state').getAttribute('data-state')).toBe('FAILURE');
    expect(screen.getByTestId('summary-duration').textContent).toBe('1.90 s');
    rows = screen.getAllByTestId('failure-row');
    expect(rows.map((r) => r.getAttribute('data-atom'))).toEqual(['test', 'build']);
    expect(rows[1]?.textContent).toContain('(revert)');

    fireEvent.click(rows[1]!);
    expect(useDesigner.getState().selection).toEqual(['build']);
    expect(screen.getByTestId('output-node').getAttribute('data-name')).toBe('build');
  });
});

describe('with nothing selected', () => {
  it('asks for a task and shows every task’s output merged by time', () => {
    render(<OutputPanel />);
    show(GOING);
    expect(screen.getByTestId('output-hint').textContent).toBe('Select a task to see its output');
    expect(lines().map((l) => l.querySelector('.log-text')?.textContent)).toEqual([
      'compiling 12 files',
      'warning: unused variable',
      'linting',
      'running 4 specs',
    ]);
    expect(lines().map((l) => l.querySelector('.log-name')?.textContent)).toEqual([
      'build',
      'build',
      'lint',
      'test',
    ]);
    // A task's name selects it.
    fireEvent.click(within(lines()[2]!).getByText('lint'));
    expect(useDesigner.getState().selection).toEqual(['lint']);
  });

  it('keeps at most the last 500 lines in the page', () => {
    render(<OutputPanel />);
    const many: RunEventData[] = [flow('RUNNING', 0)];
    for (let i = 0; i < 400; i++) {
      many.push(log('build', `b${String(i)}`, 10 + 2 * i));
      many.push(log('test', `t${String(i)}`, 11 + 2 * i));
    }
    show(many);
    expect(lines()).toHaveLength(MAX_SHOWN_LINES);
    expect(lines().at(-1)?.textContent).toContain('t399');
    expect(lines()[0]?.textContent).toContain('b150');
    expect(screen.getByTestId('output-log').textContent).toContain('300 earlier lines not shown');
  });
});

describe('the selected task', () => {
  it('shows its state, its output by stream, streaming, and its result once the run ended', () => {
    render(<OutputPanel />);
    show(GOING);
    pick('build');
    const out = screen.getByTestId('output-node');
    expect(within(out).getByTestId('output-state').getAttribute('data-state')).toBe('SUCCESS');
    expect(within(out).getByTestId('output-time').textContent).toBe('1.00 s');
    expect(
      lines().map((l) => [l.getAttribute('data-stream'), l.querySelector('.log-text')?.textContent]),
    ).toEqual([
      ['stdout', 'compiling 12 files'],
      ['stderr', 'warning: unused variable'],
    ]);
    expect(lines()[1]?.classList.contains('log-stderr')).toBe(true);
    // Only build's lines; no task names in front.
    expect(screen.getByTestId('output-log').querySelector('.log-name')).toBeNull();
    expect(within(out).getByTestId('output-result').textContent).toContain('shown when the run ends');

    more([log('build', 'late line', 1_550)]);
    expect(lines().at(-1)?.textContent).toContain('late line');

    more([
      atom('lint', 'SUCCESS', 1_600),
      {
        runId: RUN,
        ts: at(1_700),
        type: 'end',
        state: 'FAILURE',
        results: { artifact: { path: 'dist/app.tgz' }, size: 2048, other: 1 },
        failures: [BOOM],
      },
    ]);
    const result = within(out).getByTestId('output-result').querySelector('pre')?.textContent ?? '';
    expect(JSON.parse(result)).toEqual({ artifact: { path: 'dist/app.tgz' }, size: 2048 });
    expect(result).toContain('\n  "size": 2048');
  });

  it('shows its failure with the stack folded away, and a failed revert', () => {
    render(<OutputPanel />);
    show(GOING);
    pick('test');
    const failure = screen.getByTestId('output-failure');
    expect(screen.getByTestId('output-state').getAttribute('data-state')).toBe('FAILURE');
    expect(failure.textContent).toContain('AssertionError');
    expect(failure.textContent).toContain('expected 3 to equal 4');
    const stack = within(failure).getByTestId<HTMLDetailsElement>('output-stack');
    expect(stack.tagName).toBe('DETAILS');
    expect(stack.open).toBe(false);
    expect(stack.querySelector('pre')?.textContent).toBe(BOOM.stack);
    expect(screen.queryByTestId('output-revert-failure')).toBeNull();

    pick('build');
    more([
      atom('build', 'REVERTING', 1_700),
      atom('build', 'REVERT_FAILURE', 1_800, { failure: UNDO_FAILED }),
    ]);
    const revert = screen.getByTestId('output-revert-failure');
    expect(revert.textContent).toContain('could not remove dist/');
    expect(revert.textContent).toContain('while reverting');
    // No stack was given: none is offered.
    expect(within(revert).queryByTestId('output-stack')).toBeNull();
  });

  it('says a task the run has not reached is pending, with no output', () => {
    render(<OutputPanel />);
    show([flow('RUNNING', 0)]);
    pick('lint');
    expect(screen.getByTestId('output-state').getAttribute('data-state')).toBe('PENDING');
    expect(screen.getByTestId('output-node').textContent).toContain('not reached yet');
    expect(lines()).toHaveLength(0);
    expect(screen.getByTestId('output-log').textContent).toContain('No output from this task.');
  });

  it('keeps the newest line in view unless the person scrolled up', () => {
    render(<OutputPanel />);
    show(GOING);
    pick('build');
    const box = screen.getByTestId('output-log');
    let height = 1_000;
    Object.defineProperty(box, 'scrollHeight', { configurable: true, get: () => height });
    Object.defineProperty(box, 'clientHeight', { configurable: true, get: () => 100 });
    height = 1_200;
    more([log('build', 'one', 1_600)]);
    expect(box.scrollTop).toBe(1_200);

    // Scrolled up to read: left there.
    box.scrollTop = 300;
    fireEvent.scroll(box);
    height = 1_400;
    more([log('build', 'two', 1_700)]);
    expect(box.scrollTop).toBe(300);

    // Back at the bottom: follows again.
    box.scrollTop = 1_300;
    fireEvent.scroll(box);
    height = 1_600;
    more([log('build', 'three', 1_800)]);
    expect(box.scrollTop).toBe(1_600);
  });
});
