// @vitest-environment happy-dom
/**
 * A run drawn on the canvas nodes, against the real designer and runs
 * stores: each task's state, progress, time, executions and "kept" marker;
 * each group's summary of the tasks inside it and its retry controller; a
 * revert seen travelling back; and that a batch redraws only the groups it
 * changed, while the task cards are painted outside React (run-painter.ts),
 * writing to the cards of the changed atoms only.
 */
import { ReactFlowProvider, type NodeProps } from '@xyflow/react';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { Profiler } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEventData } from '../../app/contract/results';
import { GroupNode } from '../../renderer/components/canvas/GroupNode';
import { registeredCount } from '../../renderer/components/canvas/run-painter';
import { groupState } from '../../renderer/components/canvas/group-summary';
import { TaskNode } from '../../renderer/components/canvas/TaskNode';
import type { GroupFlowNode, TaskFlowNode } from '../../renderer/designer/canvas-graph';
import type { FlowDoc } from '../../renderer/designer/document';
import { applyEvents, startingRun } from '../../renderer/run/live';
import { loadDocument, useDesigner } from '../../renderer/state/designer';
import { clearRun, useRuns } from '../../renderer/state/runs';
import { runEvents, T0 } from './run-events';

const RUN = 'run-1';
const { at, flow, atom, progress, end } = runEvents(RUN);

/** main: fetch → deploy [push → verify] (retried) → notify. */
const DOC: FlowDoc = {
  format: 'atomflow.flow/1',
  name: 'release',
  flow: {
    type: 'linear',
    name: 'main',
    children: [
      { type: 'task', name: 'fetch', kind: 'http', provides: 'page' },
      {
        type: 'linear',
        name: 'deploy',
        retry: { type: 'times', attempts: 3 },
        children: [
          { type: 'task', name: 'push', kind: 'shell' },
          { type: 'task', name: 'verify', kind: 'script' },
        ],
      },
      { type: 'task', name: 'notify', kind: 'noop' },
    ],
  },
};

/** How many times each node's subtree committed. */
let commits = new Map<string, number>();

function nodeProps<N extends TaskFlowNode | GroupFlowNode>(n: N): NodeProps<N> {
  return {
    id: n.id,
    data: n.data,
    type: n.type,
    selected: false,
    dragging: false,
    zIndex: 0,
    isConnectable: true,
    positionAbsoluteX: 0,
    positionAbsoluteY: 0,
    draggable: true,
    selectable: true,
    deletable: true,
  };
}

/**
 * Every node of the document, as React Flow would draw them, each counted by
 * a Profiler; `selected` ones drawn selected, tasks changed by `change`.
 */
function nodesTree(
  selected: ReadonlySet<string> = new Set(),
  change: (n: TaskFlowNode) => TaskFlowNode = (n) => n,
) {
  const nodes = useDesigner.getState().nodes;
  return (
    <ReactFlowProvider>
      {nodes.map((n) => (
        <Profiler
          key={n.id}
          id={n.id}
          onRender={(id) => {
            commits.set(id, (commits.get(id) ?? 0) + 1);
          }}
        >
          {n.type === 'task' ? (
            <TaskNode {...nodeProps(change(n))} selected={selected.has(n.id)} />
          ) : (
            <GroupNode {...nodeProps(n)} />
          )}
        </Profiler>
      ))}
    </ReactFlowProvider>
  );
}

function renderNodes() {
  return render(nodesTree());
}

function show(events: RunEventData[]): void {
  act(() => {
    useRuns.setState({ live: applyEvents(startingRun(RUN), events) });
  });
}

function more(events: RunEventData[]): void {
  act(() => {
    const live = useRuns.getState().live;
    if (!live) throw new Error('no run shown');
    useRuns.setState({ live: applyEvents(live, events) });
  });
}

const node = (name: string) => screen.getByTestId(`node-${name}`);
const runState = (name: string) => node(name).getAttribute('data-run-state');

/**
 * Whether the canvas's style sheets show an element: what is shown or hidden
 * is up to the CSS (by the card's data attributes), not to what is mounted.
 * (Not for the meta line's spans, hidden while `:empty`: happy-dom takes a
 * span holding only text for empty.)
 */
function shown(el: Element | null): boolean {
  for (let e = el; e !== null; e = e.parentElement) {
    if (getComputedStyle(e).display === 'none') return false;
  }
  return el !== null;
}

const STYLES = ['canvas.css', 'run.css'].map((file) =>
  readFileSync(join(import.meta.dirname, '..', '..', 'renderer', 'styles', file), 'utf8'),
);

beforeAll(() => {
  for (const css of STYLES) {
    const style = document.createElement('style');
    style.textContent = css;
    document.head.append(style);
  }
});

beforeEach(() => {
  // Warnings of React Flow's handles drawn outside a flow (no node id) are not what is tested.
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  loadDocument(DOC, undefined);
  useRuns.setState({ live: undefined, info: undefined, busy: undefined });
  commits = new Map();
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('tasks', () => {
  it('show no run state while no run is shown, and their kind glyph', () => {
    renderNodes();
    for (const name of ['fetch', 'push', 'verify', 'notify', 'main', 'deploy']) {
      expect(node(name).hasAttribute('data-run-state')).toBe(false);
    }
    for (const name of ['fetch', 'push', 'verify', 'notify']) {
      expect(node(name).hasAttribute('data-run-tone')).toBe(false);
      expect(node(name).hasAttribute('data-kept')).toBe(false);
      expect(within(node(name)).getByTestId('task-elapsed').textContent).toBe('');
      expect(within(node(name)).getByTestId('task-executions').textContent).toBe('');
    }
    expect(node('fetch').textContent).toContain('⇄');
    expect(node('fetch').textContent).toContain('→ page');
    expect(shown(node('fetch').querySelector('.kind-glyph'))).toBe(true);
    expect(shown(node('fetch').querySelector('.run-glyph'))).toBe(false);
  });

  it('are PENDING until the run reaches them', () => {
    renderNodes();
    show([flow('RUNNING', 0)]);
    for (const name of ['fetch', 'push', 'verify', 'notify']) {
      expect(runState(name)).toBe('PENDING');
      expect(node(name).getAttribute('data-run-tone')).toBe('pending');
    }
    // The state glyph in place of the kind's; the run's marks in place of what it provides.
    expect(shown(node('fetch').querySelector('.kind-glyph'))).toBe(false);
    expect(shown(node('fetch').querySelector('.run-glyph'))).toBe(true);
    expect(shown(node('fetch').querySelector('.task-provides'))).toBe(false);
    expect(within(node('fetch')).getByRole('img', { name: 'Pending' }).textContent).toBe('○');
  });

  it('show a progress ring and a ticking time while running, the duration once done', () => {
    vi.useFakeTimers();
    vi.setSystemTime(T0 + 2_100);
    renderNodes();
    show([flow('RUNNING', 0), atom('fetch', 'RUNNING', 100)]);
    const fetch = node('fetch');
    const ring = (): Element | null => fetch.querySelector('.progress-ring');
    expect(runState('fetch')).toBe('RUNNING');
    expect(fetch.getAttribute('data-run-tone')).toBe('running');
    expect(within(fetch).getByRole('img', { name: 'Running' })).toBeTruthy();
    // No progress reported yet: a turning arc.
    expect(shown(ring())).toBe(true);
    expect(ring()?.classList.contains('is-indeterminate')).toBe(true);
    expect(within(fetch).getByTestId('task-elapsed').textContent).toBe('2 s');

    more([progress('fetch', 0.5, 1_000)]);
    expect(ring()?.getAttribute('data-progress')).toBe('0.50');
    expect(ring()?.classList.contains('is-indeterminate')).toBe(false);
    const [drawn, whole] = (fetch.querySelector('.progress-value')?.getAttribute('stroke-dasharray') ?? '')
      .split(' ')
      .map(Number);
    expect((drawn ?? 0) / (whole ?? 1)).toBeCloseTo(0.5);
    act(() => {
      vi.advanceTimersByTime(2_000);
    });
    expect(within(fetch).getByTestId('task-elapsed').textContent).toBe('4 s');

    more([atom('fetch', 'SUCCESS', 1_600)]);
    expect(runState('fetch')).toBe('SUCCESS');
    expect(fetch.getAttribute('data-run-tone')).toBe('success');
    expect(shown(ring())).toBe(false);
    expect(within(fetch).getByRole('img', { name: 'Success' }).textContent).toBe('✔');
    expect(within(fetch).getByTestId('task-elapsed').textContent).toBe('1.50 s');
    // Nothing ticks any more: the clock is stopped.
    expect(vi.getTimerCount()).toBe(0);
    act(() => {
      vi.advanceTimersByTime(5_000);
    });
    expect(within(fetch).getByTestId('task-elapsed').textContent).toBe('1.50 s');
  });

  it('stop their clock where a run stopped while they were going', () => {
    vi.useFakeTimers();
    vi.setSystemTime(T0 + 9_000);
    renderNodes();
    show([flow('RUNNING', 0), atom('fetch', 'RUNNING', 1_000)]);
    expect(within(node('fetch')).getByTestId('task-elapsed').textContent).toBe('8 s');
    expect(vi.getTimerCount()).toBe(1);
    more([flow('SUSPENDED', 3_500), end('SUSPENDED', 3_500)]);
    expect(within(node('fetch')).getByTestId('task-elapsed').textContent).toBe('2.50 s');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('show a revert time as a revert', () => {
    renderNodes();
    show([flow('RUNNING', 0), atom('push', 'RUNNING', 10), atom('push', 'FAILURE', 20)]);
    const time = within(node('push')).getByTestId('task-elapsed');
    expect(time.classList.contains('is-revert')).toBe(false);
    more([atom('push', 'REVERTING', 30), atom('push', 'REVERTED', 270)]);
    expect(time.textContent).toBe('240 ms');
    expect(time.classList.contains('is-revert')).toBe(true);
  });

  it('show how many times they ran', () => {
    renderNodes();
    show([flow('RUNNING', 0), atom('push', 'RUNNING', 10), atom('push', 'SUCCESS', 20)]);
    const executions = within(node('push')).getByTestId('task-executions');
    expect(executions.textContent).toBe('');
    more([atom('push', 'REVERTING', 30), atom('push', 'REVERTED', 40), atom('push', 'PENDING', 50)]);
    more([atom('push', 'RUNNING', 60)]);
    expect(executions.textContent).toBe('×2');
    expect(executions.getAttribute('title')).toBe('Ran 2 times');
  });

  it('mark what was finished before a resume and kept', () => {
    renderNodes();
    show([
      flow('RUNNING', 0),
      atom('fetch', 'RUNNING', 10),
      atom('fetch', 'SUCCESS', 20),
      flow('SUSPENDED', 30),
      end('SUSPENDED', 30),
    ]);
    expect(node('fetch').hasAttribute('data-kept')).toBe(false);
    expect(within(node('fetch')).queryByTitle('Finished before the resume; not run again')).toBeNull();
    more([flow('RUNNING', 1_000), atom('push', 'RUNNING', 1_010)]);
    expect(node('fetch').getAttribute('data-kept')).toBe('true');
    expect(within(node('fetch')).getByTitle('Finished before the resume; not run again').textContent).toBe(
      'kept',
    );
    expect(node('push').hasAttribute('data-kept')).toBe(false);
  });

  it('lose their run state when the run is cleared', () => {
    renderNodes();
    show([flow('RUNNING', 0), atom('fetch', 'RUNNING', 10)]);
    expect(runState('fetch')).toBe('RUNNING');
    act(clearRun);
    expect(node('fetch').hasAttribute('data-run-state')).toBe(false);
    expect(node('fetch').hasAttribute('data-run-tone')).toBe(false);
    expect(within(node('fetch')).getByTestId('task-elapsed').textContent).toBe('');
    expect(node('fetch').querySelector('.run-glyph')?.hasAttribute('aria-label')).toBe(false);
    expect(node('main').hasAttribute('data-run-summary')).toBe(false);
  });

  it('are painted at once when they mount while a run is shown (scrolled into view)', () => {
    show([flow('RUNNING', 0), atom('fetch', 'RUNNING', 10), atom('fetch', 'SUCCESS', 20)]);
    renderNodes();
    expect(runState('fetch')).toBe('SUCCESS');
    expect(within(node('fetch')).getByTestId('task-elapsed').textContent).toBe('10 ms');
    expect(runState('push')).toBe('PENDING');
  });

  it('keep their paint when React draws them again (selection, problems)', () => {
    const view = renderNodes();
    show([flow('RUNNING', 0), atom('fetch', 'RUNNING', 10), atom('fetch', 'SUCCESS', 20)]);
    view.rerender(nodesTree(new Set(['fetch'])));
    expect(node('fetch').classList.contains('is-selected')).toBe(true);
    expect(runState('fetch')).toBe('SUCCESS');
    expect(within(node('fetch')).getByRole('img', { name: 'Success' }).textContent).toBe('✔');
    expect(within(node('fetch')).getByTestId('task-elapsed').textContent).toBe('10 ms');
  });
});

describe('the painter', () => {
  it('registers each mounted card once and lets it go when it unmounts', () => {
    const view = renderNodes();
    expect(registeredCount()).toBe(4);
    view.unmount();
    expect(registeredCount()).toBe(0);
  });

  it('follows a rename: the card is painted under its new name', () => {
    const view = renderNodes();
    show([flow('RUNNING', 0), atom('pushed', 'RUNNING', 10)]);
    expect(runState('push')).toBe('PENDING');
    const renamed = (n: TaskFlowNode): TaskFlowNode =>
      n.id === 'push' ? { ...n, data: { ...n.data, task: { ...n.data.task, name: 'pushed' } } } : n;
    view.rerender(nodesTree(new Set(), renamed));
    expect(runState('push')).toBe('RUNNING');
    expect(registeredCount()).toBe(4);
  });

  it('writes to the cards of the atoms a batch changed, and to no other', () => {
    renderNodes();
    show([flow('RUNNING', 0), atom('fetch', 'RUNNING', 10), atom('fetch', 'SUCCESS', 20)]);
    const changes = new Map<string, number>();
    const observers = ['fetch', 'push', 'verify', 'notify'].map((name) => {
      const observer = new MutationObserver((records) => {
        changes.set(name, (changes.get(name) ?? 0) + records.length);
      });
      observer.observe(node(name), { attributes: true, childList: true, characterData: true, subtree: true });
      return { name, observer };
    });
    const take = (): string[] => {
      for (const { name, observer } of observers) {
        const n = observer.takeRecords().length;
        if (n > 0) changes.set(name, (changes.get(name) ?? 0) + n);
      }
      const touched = [...changes.keys()].sort();
      changes.clear();
      return touched;
    };

    // Not even read: the painter does not visit the cards of unchanged atoms.
    const others = ['fetch', 'verify', 'notify'].map(node);
    const visits = others.flatMap((card) => [
      vi.spyOn(card, 'getAttribute'),
      vi.spyOn(card, 'removeAttribute'),
    ]);
    more([atom('push', 'RUNNING', 30)]);
    expect(take()).toEqual(['push']);
    for (const visit of visits) expect(visit).not.toHaveBeenCalled();
    // Output lines change no atom: no card is written.
    more([{ runId: RUN, ts: at(40), type: 'log', name: 'push', stream: 'stdout', text: 'pushing' }]);
    expect(take()).toEqual([]);
    more([progress('push', 0.4, 41)]);
    expect(take()).toEqual(['push']);
    for (const { observer } of observers) observer.disconnect();
  });
});

describe('groups', () => {
  it('summarise the tasks inside them, at any depth', () => {
    renderNodes();
    show([flow('RUNNING', 0), atom('fetch', 'RUNNING', 10), atom('fetch', 'SUCCESS', 20)]);
    expect(node('main').getAttribute('data-run-summary')).toBe('1/4');
    // One done, the rest not started, the run going: in progress, not back to pending.
    expect(node('main').getAttribute('data-run-state')).toBe('RUNNING');
    expect(node('deploy').getAttribute('data-run-summary')).toBe('0/2');
    expect(node('deploy').getAttribute('data-run-state')).toBe('PENDING');

    more([
      atom('deploy_retry', 'RUNNING', 25, { kind: 'retry' }),
      atom('deploy_retry', 'SUCCESS', 26, { kind: 'retry' }),
    ]);
    more([atom('push', 'RUNNING', 30), atom('push', 'SUCCESS', 40), atom('verify', 'RUNNING', 50)]);
    expect(node('deploy').getAttribute('data-run-state')).toBe('RUNNING');
    expect(node('deploy').getAttribute('data-run-summary')).toBe('1/2');
    const bar = within(node('deploy')).getByTestId('group-run');
    expect(bar.querySelector('[data-state="SUCCESS"]')?.getAttribute('data-count')).toBe('1');
    expect(bar.querySelector('[data-state="RUNNING"]')?.getAttribute('data-count')).toBe('1');
    expect(bar.textContent).toBe('1/2');

    more([
      atom('verify', 'SUCCESS', 60),
      atom('notify', 'RUNNING', 70),
      atom('notify', 'SUCCESS', 80),
      end('SUCCESS', 90),
    ]);
    expect(node('deploy').getAttribute('data-run-state')).toBe('SUCCESS');
    expect(node('main').getAttribute('data-run-state')).toBe('SUCCESS');
    expect(node('main').getAttribute('data-run-summary')).toBe('4/4');
  });

  it('show a revert travelling back, the retry, and the next attempt', () => {
    renderNodes();
    show([
      flow('RUNNING', 0),
      atom('fetch', 'RUNNING', 1),
      atom('fetch', 'SUCCESS', 2),
      atom('deploy_retry', 'RUNNING', 3, { kind: 'retry' }),
      atom('deploy_retry', 'SUCCESS', 4, { kind: 'retry' }),
      atom('push', 'RUNNING', 5),
      atom('push', 'SUCCESS', 6),
      atom('verify', 'RUNNING', 7),
      atom('verify', 'FAILURE', 8),
    ]);
    expect(runState('verify')).toBe('FAILURE');
    expect(node('verify').getAttribute('data-run-tone')).toBe('failure');
    expect(node('deploy').getAttribute('data-run-state')).toBe('FAILURE');
    const retry = within(node('deploy')).getByTestId('group-retry');
    expect(retry.getAttribute('data-retry-state')).toBe('SUCCESS');
    expect(retry.textContent).toContain('attempt 1');

    more([atom('verify', 'REVERTING', 9)]);
    expect(runState('verify')).toBe('REVERTING');
    expect(node('verify').getAttribute('data-run-tone')).toBe('reverting');
    expect(node('deploy').getAttribute('data-run-state')).toBe('REVERTING');

    more([atom('verify', 'REVERTED', 10)]);
    expect(runState('verify')).toBe('REVERTED');
    expect(node('verify').getAttribute('data-run-tone')).toBe('reverted');
    expect(within(node('verify')).getByRole('img', { name: 'Reverted' }).textContent).toBe('↺');
    // push is still to be reverted: the revert is on its way back through the group.
    expect(node('deploy').getAttribute('data-run-state')).toBe('REVERTING');

    more([atom('push', 'REVERTING', 11), atom('push', 'REVERTED', 12)]);
    expect(node('deploy').getAttribute('data-run-state')).toBe('REVERTED');

    more([atom('deploy_retry', 'RETRYING', 13, { kind: 'retry' })]);
    expect(node('deploy').getAttribute('data-run-state')).toBe('RETRYING');
    expect(node('deploy').classList.contains('run-retrying')).toBe(true);
    expect(within(node('deploy')).getByTestId('group-retry').getAttribute('data-retry-state')).toBe(
      'RETRYING',
    );

    more([
      atom('push', 'PENDING', 14),
      atom('verify', 'PENDING', 14),
      atom('deploy_retry', 'PENDING', 14, { kind: 'retry' }),
      atom('deploy_retry', 'RUNNING', 15, { kind: 'retry' }),
      atom('deploy_retry', 'SUCCESS', 16, { kind: 'retry' }),
      atom('push', 'RUNNING', 17),
    ]);
    expect(within(node('deploy')).getByTestId('group-retry').textContent).toContain('attempt 2');
    expect(node('deploy').getAttribute('data-run-state')).toBe('RUNNING');
    expect(node('deploy').getAttribute('data-run-summary')).toBe('0/2');
  });

  it('follow the rules of one state for many tasks', () => {
    expect(groupState({ SUCCESS: 2, RUNNING: 1 }, 3, undefined, true)).toBe('RUNNING');
    expect(groupState({ FAILURE: 1, RUNNING: 1 }, 2, undefined, true)).toBe('RUNNING');
    expect(groupState({ FAILURE: 1, REVERTING: 1 }, 2, undefined, true)).toBe('REVERTING');
    expect(groupState({ REVERTED: 2 }, 2, 'RETRYING', true)).toBe('RETRYING');
    expect(groupState({ SUCCESS: 1, REVERT_FAILURE: 1 }, 2, undefined, false)).toBe('FAILURE');
    expect(groupState({ REVERTED: 1, SUCCESS: 1 }, 2, undefined, false)).toBe('REVERTED');
    expect(groupState({ IGNORE: 2 }, 2, undefined, false)).toBe('IGNORE');
    expect(groupState({ IGNORE: 1, SUCCESS: 1 }, 2, undefined, false)).toBe('SUCCESS');
    expect(groupState({ SUCCESS: 1, PENDING: 1 }, 2, undefined, false)).toBe('PENDING');
    expect(groupState({}, 0, undefined, true)).toBe('PENDING');
  });
});

describe('redraws', () => {
  it('a batch redraws no task in React, and only the groups whose summary it changed', () => {
    renderNodes();
    show([
      flow('RUNNING', 0),
      atom('fetch', 'RUNNING', 10),
      atom('fetch', 'SUCCESS', 20),
      atom('push', 'RUNNING', 30),
    ]);
    commits = new Map();
    // A log line and a progress of push: push is repainted outside React, no group summary changes.
    more([
      { runId: RUN, ts: at(40), type: 'log', name: 'push', stream: 'stdout', text: 'pushing' },
      progress('push', 0.4, 41),
    ]);
    expect([...commits.keys()]).toEqual([]);
    expect(node('push').querySelector('.progress-ring')?.getAttribute('data-progress')).toBe('0.40');

    commits = new Map();
    more([atom('push', 'SUCCESS', 50)]);
    // deploy's summary changed (1/2 done), and main's (2/4); push is painted, not rendered.
    expect(new Set(commits.keys())).toEqual(new Set(['deploy', 'main']));
    expect(runState('push')).toBe('SUCCESS');

    commits = new Map();
    // Selecting a node rebuilds the designer's index; the groups' task lists stay the same.
    act(() => {
      useDesigner.setState({ index: new Map(useDesigner.getState().index) });
    });
    expect([...commits.keys()]).toEqual([]);
  });
});
