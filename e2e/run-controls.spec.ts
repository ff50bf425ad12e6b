/**
 * The run bar's controls on a run that takes a while: Suspend stops it after
 * the running task and Resume finishes it (no task runs twice); Cancel stops
 * another for good (Resume stays disabled, the history says CANCELLED).
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { servedHost } from './host';
import { canvasStates, chooseEngine, listRuns, openApp, shellSteps, watchErrors } from './run-support';

const host = servedHost();
const TASKS = ['s1', 's2', 's3', 's4'];

test('suspend and resume from the run bar; cancel stops a run for good', async ({ page }) => {
  test.setTimeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'atomflow-controls-'));
  try {
    const side = join(dir, 'side.log');
    const flow = `controls-${String(Date.now())}`;
    const file = join(dir, 'slow.flow.json');
    writeFileSync(file, JSON.stringify(shellSteps(flow, side, TASKS, 0.8)));
    const errors = watchErrors(page);
    await openApp(page, host);
    await page.getByTestId('import-file').setInputFiles(file);
    await expect(page.getByTestId('problems-state')).toHaveText('No problems');
    await chooseEngine(page, 'serial');
    const state = page.getByTestId('run-state');

    // Suspend while s2 runs: it finishes, and what comes after does not start.
    await page.getByTestId('run').click();
    await expect(page.getByTestId('node-s2')).toHaveAttribute('data-run-state', 'RUNNING', {
      timeout: 10_000,
    });
    await expect(page.getByTestId('resume-run')).toBeDisabled();
    await page.getByTestId('suspend-run').click();
    await expect(state).toHaveAttribute('data-state', 'SUSPENDED', { timeout: 10_000 });
    // What had finished stays finished; the rest waits (the task running at the click ran to its end).
    const suspended = await canvasStates(page);
    const shown = TASKS.map((t) => suspended[t]);
    const finished = shown.filter((st) => st === 'SUCCESS').length;
    expect(finished).toBeGreaterThanOrEqual(2);
    expect(finished).toBeLessThan(TASKS.length);
    expect(shown).toEqual([
      ...TASKS.slice(0, finished).map(() => 'SUCCESS'),
      ...TASKS.slice(finished).map(() => 'PENDING'),
    ]);
    // Resume: the rest runs, on the same canvas.
    await expect(page.getByTestId('resume-run')).toBeEnabled();
    await page.getByTestId('resume-run').click();
    await expect(state).toHaveAttribute('data-state', 'SUCCESS', { timeout: 10_000 });
    expect(Object.values(await canvasStates(page)).filter((s) => s !== 'SUCCESS')).toEqual([]);
    expect(readFileSync(side, 'utf8').trim().split('\n')).toEqual(TASKS);

    // Cancel another run: it stops after the running task and cannot be resumed.
    await page.getByTestId('run').click();
    await expect(page.getByTestId('node-s1')).toHaveAttribute('data-run-state', 'RUNNING', {
      timeout: 10_000,
    });
    await page.getByTestId('cancel-run').click();
    await expect(state).toHaveAttribute('data-state', 'CANCELLED', { timeout: 10_000 });
    await expect(page.getByTestId('resume-run')).toBeDisabled();
    const runs = await listRuns(host, { flow });
    expect(runs.map((r) => r.state)).toEqual(['CANCELLED', 'SUCCESS']);
    expect(errors).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
