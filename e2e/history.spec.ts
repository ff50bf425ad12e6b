/**
 * The history view against a real host: runs are started through the host
 * contract (as another window or the CLI would), then found with the
 * filters, paged, opened onto their flow (final states, output, a zoomable
 * timeline), compared, rerun and deleted from the UI.
 */
import { expect, test, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callHost } from './contract';
import { E2E_TMP, ROOT, servedHost } from './host';
import {
  canvasStates,
  listRuns,
  openApp,
  runDetail,
  showDockTab,
  storedStates,
  watchErrors,
} from './run-support';

const host = servedHost();
const SCREENS = join(E2E_TMP, 'screens');
const tag = randomUUID().slice(0, 8);

function example(file: string, name: string): Record<string, unknown> {
  const doc = JSON.parse(readFileSync(join(ROOT, 'examples', `${file}.flow.json`), 'utf8')) as Record<
    string,
    unknown
  >;
  return { ...doc, name };
}

/** Starts a run through the contract and waits for it to stop; resolves with its id. */
async function seedRun(document: unknown, engine: 'serial' | 'parallel' = 'serial'): Promise<string> {
  const r = await callHost(host, 'runs.start', { document, engine });
  if (!r.ok) throw new Error(r.error.message);
  const { runId } = r.result as { runId: string };
  await expect
    .poll(async () => (await runDetail(host, runId)).state, { timeout: 20_000 })
    .toMatch(/^(SUCCESS|REVERTED|FAILURE)$/);
  return runId;
}

const rows = (page: Page) => page.getByTestId('history-row');

async function filterFlow(page: Page, flow: string): Promise<void> {
  await page.getByTestId('history-filter-flow').fill(flow);
  await expect(rows(page).first()).toContainText(flow);
}

test('history: filters, pages, opens a run with its timeline, compares, reruns and deletes', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  const deploy = `deploy-${tag}`;
  const shop = `shop-${tag}`;
  const many = `many-${tag}`;
  const failed = [
    await seedRun(example('deploy', deploy)),
    await seedRun(example('deploy', deploy), 'parallel'),
  ];
  const ok = [await seedRun(example('retry', shop)), await seedRun(example('retry', shop), 'parallel')];
  // More runs than a page holds.
  const tiny = {
    format: 'atomflow.flow/1',
    name: many,
    flow: { type: 'linear', name: 'one', children: [{ type: 'task', name: 'only', kind: 'noop' }] },
  };
  for (let i = 0; i < 53; i++) await seedRun(tiny);

  await openApp(page, host);
  await page.getByTestId('view-history').click();
  await expect(page.getByTestId('history')).toBeVisible();

  // Filter by flow, then by state, then by engine.
  await filterFlow(page, deploy);
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).first()).toHaveAttribute('data-state', 'REVERTED');
  await filterFlow(page, shop);
  await expect(rows(page)).toHaveCount(2);
  await page.getByTestId('history-filter-state').selectOption('REVERTED');
  await expect(rows(page)).toHaveCount(0);
  await page.getByTestId('history-filter-state').selectOption('SUCCESS');
  await expect(rows(page)).toHaveCount(2);
  await page.getByTestId('history-filter-engine').selectOption('parallel');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toHaveAttribute('data-run-id', ok[1] ?? '');
  await page.getByTestId('history-filter-engine').selectOption({ index: 0 });
  await page.getByTestId('history-filter-state').selectOption({ index: 0 });

  // Pages of 50, newest first, through cursors.
  await filterFlow(page, many);
  await expect(rows(page)).toHaveCount(50);
  await page.getByTestId('history-next').click();
  await expect(rows(page)).toHaveCount(3);
  await expect(page.getByTestId('history-next')).toBeDisabled();
  await page.getByTestId('history-prev').click();
  await expect(rows(page)).toHaveCount(50);
  const newest = (await listRuns(host, { flow: many, limit: 1 }))[0]?.id ?? '';
  await expect(rows(page).first()).toHaveAttribute('data-run-id', newest);

  // Compare the two deploy runs.
  await filterFlow(page, deploy);
  await expect(rows(page)).toHaveCount(2);
  await rows(page).nth(0).getByTestId('history-select').check();
  await rows(page).nth(1).getByTestId('history-select').check();
  await page.getByTestId('history-compare').click();
  const compare = page.getByTestId('compare');
  await expect(compare).toBeVisible();
  for (const name of ['build', 'upload', 'migrate-database', 'switch-traffic']) {
    await expect(compare.locator(`[data-testid="compare-row"][data-atom="${name}"]`)).toContainText(
      'Reverted',
    );
  }
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, 'compare.png') });
  await page.getByTestId('compare-back').click();

  // Open the older deploy run: the flow with its final states, and its timeline.
  await filterFlow(page, deploy);
  await page.screenshot({ path: join(SCREENS, 'history.png') });
  const row = (id: string | undefined) =>
    page.locator(`[data-testid="history-row"][data-run-id="${id ?? ''}"]`);
  await row(failed[0]).getByTestId('history-open').click();
  await expect(page.getByTestId('doc-title')).toContainText(deploy);
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'REVERTED');
  const stored = storedStates(await runDetail(host, failed[0] ?? ''));
  await expect
    .poll(() => canvasStates(page))
    .toEqual({
      ...Object.fromEntries(
        ['build', 'upload', 'migrate-database', 'switch-traffic'].map((n) => [n, stored[n]]),
      ),
      // The group sums its members up.
      'deploy-steps': 'REVERTED',
    });
  await showDockTab(page, 'timeline');
  const timeline = page.getByTestId('timeline');
  await expect(timeline.locator('[data-testid="timeline-bar"][data-phase="revert"]')).toHaveCount(4);
  const zoom = Number(await timeline.getAttribute('data-zoom'));
  await page.getByTestId('timeline-zoom-in').click();
  await expect.poll(async () => Number(await timeline.getAttribute('data-zoom'))).toBeGreaterThan(zoom);
  await page.getByTestId('timeline-zoom-fit').click();
  await expect.poll(async () => Number(await timeline.getAttribute('data-zoom'))).toBe(zoom);
  await page.screenshot({ path: join(SCREENS, 'timeline.png') });

  // Rerun it: same flow, engine and inputs, a new run.
  await page.getByTestId('view-history').click();
  await filterFlow(page, deploy);
  await row(failed[0]).getByTestId('history-rerun').click();
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'REVERTED', { timeout: 20_000 });
  const reruns = await listRuns(host, { flow: deploy });
  expect(reruns).toHaveLength(3);
  const rerun = await runDetail(host, reruns[0]?.id ?? '');
  expect(rerun.engine).toBe('serial');
  expect(rerun.inputs).toEqual((await runDetail(host, failed[0] ?? '')).inputs);

  // Delete it again.
  await page.getByTestId('view-history').click();
  await filterFlow(page, deploy);
  await expect(rows(page)).toHaveCount(3);
  await rows(page).first().getByTestId('history-delete').click();
  await page
    .getByRole('alertdialog')
    .getByRole('button', { name: /Delete run/ })
    .click();
  await expect(rows(page)).toHaveCount(2);
  expect(await listRuns(host, { flow: deploy })).toHaveLength(2);
  expect(errors).toEqual([]);
});
