// @vitest-environment happy-dom
/**
 * The history's Keep history control against a host in memory: the settings
 * read when it opens (not before), shown in the form, checked as typed, saved,
 * saved and applied at once (with what was removed, and the history asked to
 * show itself anew), and the host's refusals shown at the field.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Response } from '../../app/contract/messages';
import { KeepHistory } from '../../renderer/components/history/KeepHistory';
import { readForm } from '../../renderer/components/history/retention-form';
import { startConnection } from '../../renderer/state/connection';
import { useHostStore } from '../../renderer/state/host';
import { memoryHost, type Handler } from './memory-host';

const host = memoryHost('conflict');
/** When set, `settings.retention.set` is refused with these field problems (as the real host does). */
let refuse: { path: string; message: string }[] | undefined;

let stored: Record<string, number> = {};

beforeAll(async () => {
  host.handler = answer;
  const transport = {
    ...host.transport,
    request: async (message: Parameters<typeof host.transport.request>[0]): Promise<Response> => {
      if (refuse && message.method === 'settings.retention.set') {
        host.calls.push({
          method: message.method,
          params: (message.params ?? {}) as Record<string, unknown>,
        });
        return {
          id: message.id,
          ok: false,
          error: {
            code: 'bad-request',
            message: "Invalid params of 'settings.retention.set'",
            problems: refuse,
          },
        };
      }
      return host.transport.request(message);
    },
  };
  startConnection(() => transport);
  await waitFor(() => {
    expect(useHostStore.getState().connection.status).toBe('connected');
  });
});

/** The host's answers: the settings kept in `stored`, and a clean-up that removed three runs. */
const answer: Handler = (method, params) => {
  if (method === 'catalog.kinds') return { kinds: [] };
  if (method === 'documents.validate') return { valid: true, problems: [] };
  if (method === 'settings.retention.get') return stored;
  if (method === 'settings.retention.set') {
    stored = params as Record<string, number>;
    return stored;
  }
  if (method === 'runs.prune') {
    return {
      runs: 3,
      bytesFreed: 2 * 1024 * 1024,
      bytesBefore: 5_000_000,
      bytesAfter: 2_902_848,
      durationMs: 40,
    };
  }
  throw new Error(`unexpected ${method}`);
};

beforeEach(() => {
  refuse = undefined;
  stored = { keepLast: 20 };
  host.calls.length = 0;
  host.handler = answer;
});

afterEach(() => {
  cleanup();
});

const calls = (method: string) => host.paramsOf(method);

async function openPanel(): Promise<HTMLElement> {
  fireEvent.click(screen.getByTestId('history-keep'));
  const panel = screen.getByRole('dialog', { name: 'Keep history' });
  await waitFor(() => {
    expect(within(panel).getByTestId('keep-last')).toBeTruthy();
  });
  return panel;
}

const input = (testId: string) => screen.getByTestId<HTMLInputElement>(testId);

describe('KeepHistory', () => {
  it('reads the settings when opened, not before, and shows them', async () => {
    render(<KeepHistory onPruned={() => undefined} />);
    expect(calls('settings.retention.get')).toHaveLength(0);
    const panel = await openPanel();
    expect(calls('settings.retention.get')).toHaveLength(1);
    expect(input('keep-last-on').checked).toBe(true);
    expect(input('keep-last').value).toBe('20');
    expect(input('keep-last').disabled).toBe(false);
    expect(input('max-age-days-on').checked).toBe(false);
    expect(input('max-age-days').disabled).toBe(true);
    expect(within(panel).getByTestId('keep-current').textContent).toBe('Now: Last 20 runs of each flow');
    expect(panel.textContent).toContain('running, suspended and interrupted runs are always kept');
    // Escape closes it; opening again reads again (the CLI may have changed them meanwhile).
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    stored = { maxAgeDays: 7 };
    await openPanel();
    expect(calls('settings.retention.get')).toHaveLength(2);
    expect(input('keep-last-on').checked).toBe(false);
    expect(input('max-age-days').value).toBe('7');
  });

  it('checks what is typed: a field that cannot be saved says why and Save waits', async () => {
    render(<KeepHistory onPruned={() => undefined} />);
    await openPanel();
    fireEvent.change(input('keep-last'), { target: { value: '2.5' } });
    expect(screen.getByTestId('keep-last-problem').textContent).toBe('Enter a whole number of runs');
    expect(screen.getByTestId<HTMLButtonElement>('keep-save').disabled).toBe(true);
    expect(screen.getByTestId<HTMLButtonElement>('keep-apply').disabled).toBe(true);
    // A limit that is off is not checked.
    fireEvent.click(input('keep-last-on'));
    expect(screen.queryByTestId('keep-last-problem')).toBeNull();
    expect(screen.getByTestId<HTMLButtonElement>('keep-save').disabled).toBe(false);
    fireEvent.click(input('max-age-days-on'));
    fireEvent.change(input('max-age-days'), { target: { value: '0' } });
    expect(screen.getByTestId('max-age-days-problem').textContent).toBe('At least 1 day');
  });

  it('Save stores the settings the form means, and cleans nothing up', async () => {
    const onPruned = vi.fn();
    render(<KeepHistory onPruned={onPruned} />);
    await openPanel();
    fireEvent.change(input('keep-last'), { target: { value: ' 5 ' } });
    fireEvent.click(input('max-age-days-on'));
    fireEvent.change(input('max-age-days'), { target: { value: '14' } });
    fireEvent.click(screen.getByTestId('keep-save'));
    await waitFor(() => {
      expect(screen.getByTestId('keep-current').textContent).toBe('Now: Last 5 runs of each flow · 14 days');
    });
    expect(calls('settings.retention.set')).toEqual([{ keepLast: 5, maxAgeDays: 14 }]);
    expect(calls('runs.prune')).toHaveLength(0);
    expect(onPruned).not.toHaveBeenCalled();
  });

  it('Save and clean up now applies them, says what was removed, and refreshes the history', async () => {
    const onPruned = vi.fn();
    render(<KeepHistory onPruned={onPruned} />);
    await openPanel();
    fireEvent.click(input('keep-last-on')); // off: every run of each flow…
    fireEvent.click(input('max-age-days-on')); // …but only 30 days (the value offered)
    fireEvent.click(screen.getByTestId('keep-apply'));
    await waitFor(() => {
      expect(screen.getByTestId('keep-result').textContent).toBe('Removed 3 runs and freed 2.0 MiB');
    });
    expect(calls('settings.retention.set')).toEqual([{ maxAgeDays: 30 }]);
    expect(
      host.calls.map((c) => c.method).filter((m) => m.startsWith('settings') || m.startsWith('runs')),
    ).toEqual(['settings.retention.get', 'settings.retention.set', 'runs.prune']);
    expect(onPruned).toHaveBeenCalledTimes(1);
  });

  it('shows the host’s refusal at the field it names, and nothing is cleaned up', async () => {
    render(<KeepHistory onPruned={() => undefined} />);
    await openPanel();
    refuse = [{ path: 'params.keepLast', message: 'must be at most 1000000' }];
    fireEvent.change(input('keep-last'), { target: { value: '5000000' } });
    // The form knows the limit too; the host is the last word, so let one through to it.
    expect(screen.getByTestId('keep-last-problem').textContent).toBe('At most 1,000,000 runs');
    fireEvent.change(input('keep-last'), { target: { value: '999' } });
    fireEvent.click(screen.getByTestId('keep-apply'));
    await waitFor(() => {
      expect(screen.getByTestId('keep-last-problem').textContent).toBe('must be at most 1000000');
    });
    expect(screen.getByRole('alert').textContent).toContain("Invalid params of 'settings.retention.set'");
    expect(calls('runs.prune')).toHaveLength(0);
  });
});

describe('readForm', () => {
  it('gives only the limits that are on, as numbers', () => {
    expect(readForm({ keepLastOn: true, keepLast: '007', maxAgeOn: false, maxAgeDays: 'x' })).toEqual({
      ok: true,
      settings: { keepLast: 7 },
    });
    expect(readForm({ keepLastOn: false, keepLast: '', maxAgeOn: false, maxAgeDays: '' })).toEqual({
      ok: true,
      settings: {},
    });
    expect(readForm({ keepLastOn: true, keepLast: '-3', maxAgeOn: true, maxAgeDays: '36501' })).toEqual({
      ok: false,
      problems: { keepLast: 'Enter a whole number of runs', maxAgeDays: 'At most 36,500 days' },
    });
  });
});
