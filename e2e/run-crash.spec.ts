/**
 * The crash-and-resume story, end to end on every engine: a flow runs from
 * the UI on a host of the spec's own; the host is killed (SIGKILL to its
 * whole process group) while a task runs; a new host on the same database
 * shows the run INTERRUPTED in the history; Resume finishes it, and neither
 * the side file the tasks append to nor the canvas shows a task that had
 * finished before the crash running again.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canvasStates, chooseEngine, openApp, shellSteps, watchErrors, type EngineKind } from './run-support';
import { startHost, type StartedHost } from './serve';
import { AMQP_URL, startWorker, type StartedWorker } from './worker';

const TASKS = ['t1', 't2', 't3', 't4', 't5'];

const ENGINES: readonly EngineKind[] = ['serial', 'parallel', 'worker-based'];

for (const engine of ENGINES) {
  test(`${engine}: a host killed mid-run shows the run interrupted; Resume finishes it without re-running finished tasks`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'atomflow-crash-'));
    const db = join(dir, 'runs.db');
    const side = join(dir, 'side.log');
    const flowFile = join(dir, 'crashy.flow.json');
    const flow = `crashy-${engine}`;
    writeFileSync(flowFile, JSON.stringify(shellSteps(flow, side, TASKS, 0.6), null, 2));
    let worker: StartedWorker | undefined;
    let first: StartedHost | undefined;
    let second: StartedHost | undefined;
    try {
      if (engine === 'worker-based') worker = await startWorker();
      first = await startHost(db, { crashable: true });
      const errors = watchErrors(page);
      await openApp(page, first.host);
      await page.getByTestId('import-file').setInputFiles(flowFile);
      await expect(page.getByTestId('doc-title')).toContainText(flow);
      await expect(page.getByTestId('problems-state')).toHaveText('No problems');
      await chooseEngine(page, engine, worker ? { url: AMQP_URL, exchange: worker.exchange } : {});
      await page.getByTestId('run').click();

      // Kill the host while t3 runs: t1 and t2 have finished.
      await expect(page.getByTestId('node-t3')).toHaveAttribute('data-run-state', 'RUNNING', {
        timeout: 20_000,
      });
      const before = await canvasStates(page);
      expect(before).toMatchObject({ t1: 'SUCCESS', t2: 'SUCCESS', t3: 'RUNNING' });
      await first.kill();
      await expect(page.getByTestId('connection')).toHaveAttribute('data-status', 'disconnected');
      expect(errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);

      // A new host on the same run store.
      second = await startHost(db, { crashable: true });
      await openApp(page, second.host);
      await page.getByTestId('view-history').click();
      const row = page.locator('[data-testid="history-row"]').filter({ hasText: flow });
      await expect(row).toHaveAttribute('data-state', 'INTERRUPTED');
      await row.getByTestId('history-resume').click();

      // The run finishes on the canvas; what had finished is marked as kept, not run again.
      await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'SUCCESS', {
        timeout: 30_000,
      });
      const after = await canvasStates(page);
      for (const t of TASKS) expect(after[t], t).toBe('SUCCESS');
      for (const t of ['t1', 't2'])
        await expect(page.getByTestId(`node-${t}`)).toHaveAttribute('data-kept', 'true');
      for (const t of ['t4', 't5'])
        await expect(page.getByTestId(`node-${t}`)).not.toHaveAttribute('data-kept', 'true');

      // The side file: finished tasks once; the one cut short ran again from its start.
      const lines = readFileSync(side, 'utf8').trim().split('\n');
      const count = (t: string) => lines.filter((l) => l === t).length;
      expect({ t1: count('t1'), t2: count('t2'), t4: count('t4'), t5: count('t5') }).toEqual({
        t1: 1,
        t2: 1,
        t4: 1,
        t5: 1,
      });
      expect(count('t3')).toBeGreaterThanOrEqual(1);
      expect(count('t3')).toBeLessThanOrEqual(2);

      // The history has it finished.
      await page.getByTestId('view-history').click();
      await expect(row).toHaveAttribute('data-state', 'SUCCESS');
    } finally {
      await second?.stop();
      await first?.stop();
      await worker?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
