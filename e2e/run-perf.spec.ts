/**
 * A 5,000-task run streamed to the UI (measured and reported, not judged):
 * how far the canvas falls behind the host while the run goes, how long
 * after the run's end the canvas shows the final states, and the renderer's
 * long main-thread tasks meanwhile (PerformanceObserver 'longtask'). Results
 * go to the test's annotations, one console line, and .tmp/e2e/run-perf.json.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_TMP, servedHost } from './host';
import { openApp, runDetail, watchErrors } from './run-support';

// Playwright's trace recorder watches every DOM mutation of the page (thousands of cards here): off, so
// that what is measured is the renderer's own work.
test.use({ trace: 'off' });

const host = servedHost();
const GROUPS = 50;
const PER_GROUP = 100;
const TASKS = GROUPS * PER_GROUP;

/** A linear flow of 50 unordered groups of 100 no-op tasks. */
function fiveThousand(name: string): unknown {
  return {
    format: 'atomflow.flow/1',
    name,
    flow: {
      type: 'linear',
      name: 'batches',
      children: Array.from({ length: GROUPS }, (_, g) => ({
        type: 'unordered',
        name: `batch-${String(g)}`,
        children: Array.from({ length: PER_GROUP }, (_, t) => ({
          type: 'task',
          name: `t${String(g)}-${String(t)}`,
          kind: 'noop',
        })),
      })),
    },
  };
}

interface PageMeasures {
  /** Long tasks: start (epoch ms) and duration. */
  readonly long: { start: number; duration: number }[];
  /** Samples of the run bar's count of finished tasks: epoch ms and count. */
  readonly samples: { at: number; done: number }[];
  /** When the run bar and every drawn node first showed the final state (epoch ms). */
  finalShownAt: number | null;
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

test('a 5,000-task run streams to the canvas (measured)', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  const name = `five-thousand-${String(Date.now())}`;
  await openApp(page, host);
  await page.getByTestId('import-file').setInputFiles({
    name: `${name}.flow.json`,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(fiveThousand(name))),
  });
  await expect(page.getByTestId('doc-title')).toContainText(name);
  await expect(page.getByTestId('problems-state')).toHaveText('No problems', { timeout: 60_000 });
  await page.getByTestId('engine-select').selectOption('serial');

  // Watch from the page itself: long tasks, the count the run bar shows each frame, and the first
  // frame in which the run bar and every node drawn show the end.
  // Playwright's own locators walk the whole DOM on every poll (5,000 cards): nothing polls from the
  // test while the run goes, so that the long tasks measured are the renderer's.
  await page.evaluate(() => {
    const w = window as unknown as { __perf: PageMeasures; __perfDone: Promise<void> };
    const perf: PageMeasures = { long: [], samples: [], finalShownAt: null };
    w.__perf = perf;
    let finish = (): void => undefined;
    w.__perfDone = new Promise<void>((resolve) => {
      finish = resolve;
    });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        perf.long.push({ start: performance.timeOrigin + e.startTime, duration: e.duration });
    }).observe({ type: 'longtask' });
    const frame = (): void => {
      const now = performance.timeOrigin + performance.now();
      const bar = document.querySelector<HTMLElement>('[data-testid="run-state"]');
      const done = Number(bar?.dataset.done ?? 'NaN');
      if (Number.isFinite(done)) perf.samples.push({ at: now, done });
      if (bar?.dataset.state === 'SUCCESS') {
        const nodes = document.querySelectorAll<HTMLElement>('.react-flow__node [data-run-state]');
        let all = nodes.length > 0;
        for (const n of nodes) if (n.dataset.runState !== 'SUCCESS') all = false;
        if (all) {
          perf.finalShownAt = now;
          finish();
          return;
        }
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });

  const clickedAt = Date.now();
  await page.getByTestId('run').click();
  await page.evaluate(() => (window as unknown as { __perfDone: Promise<void> }).__perfDone, undefined);
  await page.waitForTimeout(1_000); // long tasks of the last frames are reported a little later
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'SUCCESS');
  const measures = await page.evaluate(() => (window as unknown as { __perf: PageMeasures }).__perf);
  const runId = (await page.getByTestId('run-state').getAttribute('data-run-id')) ?? '';
  const detail = await runDetail(host, runId);
  expect(detail.state).toBe('SUCCESS');
  expect(detail.atoms.filter((a) => a.state === 'SUCCESS')).toHaveLength(TASKS);
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-done', String(TASKS));

  // How far behind the host the run bar was: for each sample showing n tasks done, the time since
  // the host had finished n tasks.
  const hostDone = detail.atoms
    .map((a) => Date.parse(a.finishedAt ?? ''))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const lags = measures.samples
    .filter((s) => s.done < TASKS)
    .map((s) => {
      // The host had finished more than the bar showed once its (done+1)-th task finished.
      const next = hostDone[s.done];
      return next === undefined ? 0 : Math.max(0, s.at - next);
    });
  const endedAt = Date.parse(detail.finishedAt ?? '');
  const startedAt = Date.parse(detail.startedAt ?? '');
  const finalLagMs = (measures.finalShownAt ?? Number.NaN) - endedAt;
  const during = measures.long.filter(
    (l) => l.start >= clickedAt && l.start <= (measures.finalShownAt ?? 0) + 1000,
  );
  const result = {
    tasks: TASKS,
    runMs: endedAt - startedAt,
    atomsStored: detail.atoms.length,
    finalStatesShownAfterEndMs: Math.round(finalLagMs),
    behindHostP50Ms: Math.round(percentile(lags, 50)),
    behindHostP95Ms: Math.round(percentile(lags, 95)),
    behindHostMaxMs: Math.round(Math.max(0, ...lags)),
    longTasksDuringRun: during.length,
    longestTaskDuringRunMs: Math.round(Math.max(0, ...during.map((l) => l.duration))),
    longTasksOver200Ms: during.filter((l) => l.duration > 200).length,
    // Where the longer ones fell, in ms from the run's start (by the host's clock): [offset, duration].
    longTasksOver100Ms: during
      .filter((l) => l.duration > 100)
      .map((l) => [Math.round(l.start - startedAt), Math.round(l.duration)]),
    samples: measures.samples.length,
    targets: { finalStatesWithinMs: 1000, longestTaskMs: 200 },
  };
  const line = `run-perf: ${JSON.stringify(result)}`;
  console.log(line);
  testInfo.annotations.push({ type: 'run-perf', description: line });
  mkdirSync(E2E_TMP, { recursive: true });
  writeFileSync(join(E2E_TMP, 'run-perf.json'), `${JSON.stringify(result, null, 2)}\n`);
  const shot = testInfo.outputPath('run-perf.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('5,000 tasks done', { path: shot, contentType: 'image/png' });
  expect(errors).toEqual([]);
});
