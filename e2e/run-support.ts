/**
 * Driving runs from the UI as a person does: pick a flow, pick an engine in
 * the run bar, click Run, and read the states the canvas shows; plus the
 * host's own record of a run, to hold the canvas to.
 */
import { expect, type Page } from '@playwright/test';
import type { AtomViewData, RunSummaryData, RunViewData } from '../app/contract/results';
import { callHost } from './contract';
import type { ServedHost } from './host';

export type EngineKind = 'serial' | 'parallel' | 'worker-based';

/** Run states in which a run has stopped for good (or until a resume). */
export const FINAL = /^(SUCCESS|REVERTED|FAILURE|SUSPENDED|CANCELLED|INTERRUPTED)$/;

/** Console errors and uncaught exceptions of the page, to assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

export async function openApp(page: Page, host: ServedHost): Promise<void> {
  await page.goto(host.url);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-status', 'connected');
}

/** New → an example (by its file's name: `deploy`, `retry`…). */
export async function newFromExample(page: Page, example: string): Promise<void> {
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByTestId(`new-example-${example}`).click();
  await expect(page.getByTestId('problems-state')).toHaveText(/no problems/i);
}

/** Sets the run bar's engine (and, for worker-based, the broker and exchange, waiting for a worker). */
export async function chooseEngine(
  page: Page,
  engine: EngineKind,
  options: { readonly maxWorkers?: number; readonly url?: string; readonly exchange?: string } = {},
): Promise<void> {
  await page.getByTestId('engine-select').selectOption(engine);
  if (engine === 'parallel' && options.maxWorkers !== undefined) {
    await page.getByTestId('max-workers').fill(String(options.maxWorkers));
  }
  if (engine === 'worker-based') {
    if (options.url !== undefined) await page.getByTestId('broker-url').fill(options.url);
    if (options.exchange !== undefined) await page.getByTestId('broker-exchange').fill(options.exchange);
    // The run bar counts the workers it finds on that exchange.
    await expect(page.getByTestId('worker-count')).toHaveAttribute('data-count', /^[1-9]\d*$/, {
      timeout: 20_000,
    });
  }
}

/** Clicks Run and waits until the run bar shows the run stopped; resolves with that state. */
export async function runToEnd(page: Page, timeout = 30_000): Promise<string> {
  await expect(page.getByTestId('run')).toBeEnabled();
  await page.getByTestId('run').click();
  const state = page.getByTestId('run-state');
  await expect(state).toHaveAttribute('data-state', FINAL, { timeout });
  return (await state.getAttribute('data-state')) ?? '';
}

/** The run id the run bar shows. */
export async function shownRunId(page: Page): Promise<string> {
  const id = await page.getByTestId('run-state').getAttribute('data-run-id');
  if (!id) throw new Error('the run bar names no run');
  return id;
}

/** Every node on the canvas that shows a run state: its name and that state. */
export function canvasStates(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid^="node-"][data-run-state]')) {
      const name = (el.dataset.testid ?? '').slice('node-'.length);
      out[name] = el.dataset.runState ?? '';
    }
    return out;
  });
}

async function call<T>(
  host: ServedHost,
  method: Parameters<typeof callHost>[1],
  params: unknown,
): Promise<T> {
  const r = await callHost(host, method, params as never);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.result as T;
}

/** The host's record of a run (`runs.detail`). */
export function runDetail(host: ServedHost, runId: string): Promise<RunViewData> {
  return call<RunViewData>(host, 'runs.detail', { runId });
}

/** The host's history, filtered (`runs.list`). */
export async function listRuns(
  host: ServedHost,
  params: { flow?: string; state?: string; engine?: string; limit?: number },
): Promise<readonly RunSummaryData[]> {
  return (await call<{ runs: RunSummaryData[] }>(host, 'runs.list', params)).runs;
}

/** Each atom's state as the host stored it, tasks and retry controllers alike. */
export function storedStates(detail: RunViewData): Record<string, string> {
  return Object.fromEntries(detail.atoms.map((a: AtomViewData) => [a.name, a.state]));
}

/** Opens a tab of the run dock under the canvas (a click on the open tab would fold it). */
export async function showDockTab(page: Page, tab: 'output' | 'timeline'): Promise<void> {
  const button = page.getByTestId(`dock-${tab}`);
  if ((await button.getAttribute('aria-selected')) !== 'true') await button.click();
  await expect(button).toHaveAttribute('aria-selected', 'true');
}

/**
 * A linear flow of shell tasks named `tasks`: each appends its name to the
 * file `side` as it starts, then takes `seconds`. The side file tells how
 * many times each task really ran.
 */
export function shellSteps(name: string, side: string, tasks: readonly string[], seconds: number): unknown {
  return {
    format: 'atomflow.flow/1',
    name,
    flow: {
      type: 'linear',
      name: 'steps',
      children: tasks.map((t) => ({
        type: 'task',
        name: t,
        kind: 'shell',
        config: { command: `echo ${t} >> "$1"; sleep ${String(seconds)}`, args: [side], shell: true },
      })),
    },
  };
}
