// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorkerData } from '../../app/contract/results';
import { formatAgo } from '../../renderer/components/history/time';
import { maskUrl } from '../../renderer/components/workers/BrokerSettings';
import { workersParams } from '../../renderer/components/workers/use-workers';
import { WorkersView } from '../../renderer/components/workers/WorkersView';
import { startConnection } from '../../renderer/state/connection';
import { useHostStore } from '../../renderer/state/host';
import { memoryHost, type Handler } from './memory-host';
import { DEFAULT_SETTINGS, useRuns } from '../../renderer/state/runs';

// ------------------------------------------------------------ a host in memory

const host = memoryHost();
const transport = host.transport;

function listCalls(): Record<string, unknown>[] {
  return host.paramsOf('workers.list');
}

function worker(id: string, extra: Partial<WorkerData> = {}): WorkerData {
  const now = Date.now();
  return {
    id,
    topic: 'default',
    kinds: ['shell', 'http'],
    concurrency: 4,
    heartbeatMs: 1_000,
    host: 'build-01',
    pid: 4242,
    startedAt: now - 3_600_000,
    lastSeen: now - 2_000,
    load: 0,
    draining: false,
    ...extra,
  };
}

function serving(workers: () => readonly WorkerData[]): Handler {
  return (method) => {
    if (method === 'catalog.kinds') return { kinds: [] };
    if (method === 'workers.list') return { workers: workers() };
    throw new Error(`unexpected ${method}`);
  };
}

beforeAll(async () => {
  host.handler = serving(() => []);
  startConnection(() => transport);
  await waitFor(() => {
    expect(useHostStore.getState().connection.status).toBe('connected');
  });
});

beforeEach(() => {
  host.calls.length = 0;
  useRuns.setState({
    settings: { ...DEFAULT_SETTINGS, url: 'amqp://ops:s3cret@mq.internal:5672', exchange: 'jobs' },
  });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function rows(): HTMLElement[] {
  return screen.queryAllByTestId('worker-row');
}

describe('helpers', () => {
  it('hides a broker URL’s password', () => {
    expect(maskUrl('amqp://ops:s3cret@mq.internal:5672')).toBe('amqp://ops:***@mq.internal:5672');
    expect(maskUrl('amqps://mq.internal')).toBe('amqps://mq.internal');
  });

  it('lists with the run bar’s broker and exchange, waiting 1.5 s for answers', () => {
    expect(workersParams(' amqp://h ', 'jobs')).toEqual({ url: 'amqp://h', exchange: 'jobs', waitMs: 1_500 });
    expect(workersParams('', '')).toEqual({ waitMs: 1_500 });
  });

  it('words an age', () => {
    expect(formatAgo(400)).toBe('just now');
    expect(formatAgo(2_000)).toBe('2 s ago');
    expect(formatAgo(125_000)).toBe('2 min ago');
  });
});

describe('WorkersView', () => {
  it('lists the workers of the run bar’s broker with their topic, host, kinds and heartbeat', async () => {
    host.handler = serving(() => [
      worker('w-2', { topic: 'gpu', kinds: ['script'], draining: true, host: 'gpu-7', pid: 17 }),
      worker('w-1'),
    ]);
    render(<WorkersView />);
    await waitFor(() => {
      expect(rows()).toHaveLength(2);
    });
    expect(listCalls()[0]).toEqual({
      url: 'amqp://ops:s3cret@mq.internal:5672',
      exchange: 'jobs',
      waitMs: 1_500,
    });

    // Which broker is listed, without its password.
    const broker = screen.getByTestId('workers-broker');
    expect(broker.textContent).toContain('amqp://ops:***@mq.internal:5672');
    expect(broker.textContent).toContain('jobs');
    expect(broker.textContent).not.toContain('s3cret');

    // By topic, then id.
    const [first, second] = rows() as [HTMLElement, HTMLElement];
    expect(first.dataset.workerId).toBe('w-1');
    expect(first.textContent).toContain('build-01:4242');
    expect(
      within(first)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['shell', 'http']);
    expect(within(first).getByTestId('worker-seen').textContent).toBe('2 s ago');
    expect(first.textContent).toContain('Ready');

    expect(second.dataset.workerId).toBe('w-2');
    expect(second.dataset.draining).toBe('true');
    expect(second.textContent).toContain('Draining');
    expect(second.textContent).toContain('gpu-7:17');
    expect(screen.getByTestId('workers-count').textContent).toMatch(/^2 workers/);
  });

  it('says which broker could not be reached, with the host’s reason', async () => {
    host.handler = (method) => {
      if (method === 'workers.list') throw new Error('connect ECONNREFUSED 10.0.0.5:5672');
      return { kinds: [] };
    };
    render(<WorkersView />);
    const error = await screen.findByTestId('workers-error');
    expect(error.textContent).toContain('connect ECONNREFUSED 10.0.0.5:5672');
    expect(error.textContent).toContain('amqp://ops:***@mq.internal:5672');
    expect(error.textContent).not.toContain('s3cret');
    expect(rows()).toHaveLength(0);

    // Reachable again: Refresh lists them and the error goes.
    host.handler = serving(() => [worker('w-1')]);
    fireEvent.click(screen.getByTestId('workers-refresh'));
    await waitFor(() => {
      expect(rows()).toHaveLength(1);
    });
    expect(screen.queryByTestId('workers-error')).toBeNull();
  });

  it('says how to start a worker when none answers', async () => {
    host.handler = serving(() => []);
    render(<WorkersView />);
    const empty = await screen.findByTestId('workers-empty');
    expect(empty.textContent).toContain('atomflow worker');
    expect(empty.textContent).toContain('--exchange jobs');
  });

  it('lists again every 5 s while shown, and the heartbeat ages in between', async () => {
    vi.useFakeTimers();
    // Each listing hears a fresh heartbeat.
    host.handler = serving(() => [worker('w-1', { lastSeen: Date.now() })]);
    render(<WorkersView />);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10);
    });
    expect(rows()).toHaveLength(1);
    expect(listCalls()).toHaveLength(1);
    const age = () => screen.getByTestId('worker-seen').textContent;
    expect(age()).toBe('just now');

    await act(async () => {
      await vi.advanceTimersByTimeAsync(3_000);
    });
    expect(age()).toBe('3 s ago');
    expect(listCalls()).toHaveLength(1);

    await act(async () => {
      await vi.advanceTimersByTimeAsync(2_100);
    });
    expect(listCalls()).toHaveLength(2);
    expect(age()).toBe('just now');

    cleanup();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(20_000);
    });
    // Not shown: not asked.
    expect(listCalls()).toHaveLength(2);
  });

  it('changes the broker for the run bar too, and lists that one', async () => {
    host.handler = serving(() => [worker('w-1')]);
    render(<WorkersView />);
    await waitFor(() => {
      expect(rows()).toHaveLength(1);
    });
    fireEvent.click(screen.getByTestId('workers-edit'));
    fireEvent.change(screen.getByTestId('workers-url'), { target: { value: 'amqp://other:5672' } });
    fireEvent.change(screen.getByTestId('workers-exchange'), { target: { value: 'batch' } });
    fireEvent.click(screen.getByTestId('workers-apply'));
    expect(useRuns.getState().settings).toMatchObject({ url: 'amqp://other:5672', exchange: 'batch' });
    await waitFor(() => {
      expect(listCalls().at(-1)).toEqual({ url: 'amqp://other:5672', exchange: 'batch', waitMs: 1_500 });
    });
    expect(screen.getByTestId('workers-broker').textContent).toContain('amqp://other:5672');
  });
});
