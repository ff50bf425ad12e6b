/**
 * The history view over 100,000 runs (measured and reported, not judged):
 * a host of the spec's own on a copy of the benchmarks' seeded history
 * (`bench/history-seed.ts`: real runs made by the engine, cached in the OS
 * temporary folder), and the time from a click to the page of runs drawn:
 * opening the view, the next pages through cursors, each filter. Every page
 * is also checked: 50 rows, newest first, matching the filter.
 */
import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureHistory } from '../bench/history-seed';
import { E2E_TMP } from './host';
import { openApp, watchErrors } from './run-support';
import { startHost, type StartedHost } from './serve';

// Playwright's trace recorder watches every DOM mutation of the page (thousands of cards here): off, so
// that what is measured is the renderer's own work.
test.use({ trace: 'off' });

const RUNS = Number(process.env.ATOMFLOW_E2E_HISTORY_RUNS ?? 100_000);

const rows = (page: Page) => page.getByTestId('history-row');

/** Ms from `act` to the table showing a first row other than `before` (the page drawn). */
async function timed(page: Page, act: () => Promise<unknown>): Promise<number> {
  const before = (await rows(page).count()) > 0 ? await rows(page).first().getAttribute('data-run-id') : null;
  const t0 = Date.now();
  await act();
  await expect
    .poll(
      async () => {
        const id = await rows(page)
          .first()
          .getAttribute('data-run-id', { timeout: 100 })
          .catch(() => null);
        return id !== null && id !== before;
      },
      { timeout: 30_000, intervals: [10] },
    )
    .toBe(true);
  return Date.now() - t0;
}

/** The rows' run ids and states and the flows they show. */
function shownRows(page: Page): Promise<{ id: string; state: string; text: string }[]> {
  return rows(page).evaluateAll((els) =>
    els.map((e) => ({
      id: e.getAttribute('data-run-id') ?? '',
      state: e.getAttribute('data-state') ?? '',
      text: e.textContent ?? '',
    })),
  );
}

test(`the history view over ${String(RUNS)} runs stays quick (measured)`, async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const seeded = await ensureHistory(RUNS, (line) => {
    console.log(line);
  });
  const dir = mkdtempSync(join(tmpdir(), 'atomflow-history-'));
  const db = join(dir, 'runs.db');
  // A copy: the host adds its own tables to the file, and the benchmarks' cache must stay as seeded.
  copyFileSync(seeded, db);
  let host: StartedHost | undefined;
  try {
    host = await startHost(db);
    const errors = watchErrors(page);
    await openApp(page, host.host);
    const measured: Record<string, number> = {};

    measured.openView = await timed(page, () => page.getByTestId('view-history').click());
    await expect(rows(page)).toHaveCount(50);
    measured.nextPage = await timed(page, () => page.getByTestId('history-next').click());
    await expect(rows(page)).toHaveCount(50);
    measured.thirdPage = await timed(page, () => page.getByTestId('history-next').click());
    measured.previousPage = await timed(page, () => page.getByTestId('history-prev').click());

    measured.flowFilter = await timed(page, () => page.getByTestId('history-filter-flow').fill('flow-3'));
    await expect(rows(page)).toHaveCount(50);
    for (const r of await shownRows(page)) expect(r.text).toContain('flow-3');

    measured.flowAndState = await timed(page, () =>
      page.getByTestId('history-filter-state').selectOption('REVERTED'),
    );
    for (const r of await shownRows(page)) {
      expect(r.state).toBe('REVERTED');
      expect(r.text).toContain('flow-3');
    }
    measured.flowAndStateNext = await timed(page, () => page.getByTestId('history-next').click());
    for (const r of await shownRows(page)) expect(r.state).toBe('REVERTED');

    measured.stateOnly = await timed(page, () => page.getByTestId('history-filter-flow').fill(''));
    await expect(rows(page)).toHaveCount(50);
    const reverted = await shownRows(page);
    for (const r of reverted) expect(r.state).toBe('REVERTED');
    // Across flows now: more than flow-3 shows.
    expect(new Set(reverted.map((r) => /flow-\d/.exec(r.text)?.[0])).size).toBeGreaterThan(1);

    const result = { runs: RUNS, pageSize: 50, clickToRowsMs: measured };
    const line = `history-perf: ${JSON.stringify(result)}`;
    console.log(line);
    testInfo.annotations.push({ type: 'history-perf', description: line });
    mkdirSync(E2E_TMP, { recursive: true });
    writeFileSync(join(E2E_TMP, 'history-perf.json'), `${JSON.stringify(result, null, 2)}\n`);
    expect(errors).toEqual([]);
  } finally {
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
