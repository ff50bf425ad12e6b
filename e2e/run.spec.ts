/**
 * Running from the UI on every engine (worker-based with a real worker on
 * RabbitMQ that the spec starts): each bundled example is opened, run from
 * the run bar, and every task's state on the canvas is held to the host's
 * record of the run. The failing deploy shows its revert (canvas, output,
 * timeline) and ends REVERTED.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_TMP, ROOT, servedHost } from './host';
import {
  canvasStates,
  chooseEngine,
  newFromExample,
  openApp,
  runDetail,
  runToEnd,
  showDockTab,
  shownRunId,
  storedStates,
  watchErrors,
  type EngineKind,
} from './run-support';
import { AMQP_URL, startWorker, type StartedWorker } from './worker';

const host = servedHost();
const SCREENS = join(E2E_TMP, 'screens');

/** Each example (by file name) and how its run ends. */
const EXAMPLES: readonly { readonly file: string; readonly ends: string }[] = [
  { file: 'deploy', ends: 'REVERTED' },
  { file: 'canary', ends: 'SUCCESS' },
  { file: 'fan-out-fan-in', ends: 'SUCCESS' },
  { file: 'retry', ends: 'SUCCESS' },
  { file: 'batch', ends: 'SUCCESS' },
  { file: 'every-pattern', ends: 'SUCCESS' },
];

interface NodeJson {
  readonly type: string;
  readonly name: string;
  readonly children?: readonly NodeJson[];
}

/** The names of every task of an example, read from its file. */
function taskNames(file: string): string[] {
  const doc = JSON.parse(readFileSync(join(ROOT, 'examples', `${file}.flow.json`), 'utf8')) as {
    flow: NodeJson;
  };
  const out: string[] = [];
  const visit = (n: NodeJson): void => {
    if (n.type === 'task') out.push(n.name);
    n.children?.forEach(visit);
  };
  visit(doc.flow);
  return out;
}

async function checkDeployRevert(page: Page, engine: EngineKind): Promise<void> {
  const tasks = taskNames('deploy');
  // The output of the failed task: what was raised, and where. (The dock took room from the canvas.)
  await showDockTab(page, 'output');
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await page.getByTestId('node-switch-traffic').click();
  const failure = page.getByTestId('output-failure');
  await expect(failure).toContainText('IntendedFailure');
  await expect(failure).toContainText('health check failed: 3 of 5 instances unhealthy');
  await expect(page.getByTestId('output-stack')).toBeAttached();
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `run-${engine}.png`) });
  // A reverted task's output has its execute and its revert lines.
  await page.getByTestId('node-build').click();
  await expect(page.getByTestId('output-log')).toContainText('building app-1.4.2.tar.gz');
  await expect(page.getByTestId('output-log')).toContainText('deleting app-1.4.2.tar.gz');
  // The timeline draws each task's execute and then its revert.
  await showDockTab(page, 'timeline');
  for (const name of tasks) {
    await expect(
      page.locator(`[data-testid="timeline-bar"][data-atom="${name}"][data-phase="revert"]`),
    ).toHaveAttribute('data-outcome', 'REVERTED');
  }
  await expect(
    page.locator('[data-testid="timeline-bar"][data-atom="switch-traffic"][data-phase="execute"]'),
  ).toHaveAttribute('data-outcome', 'FAILURE');
  await showDockTab(page, 'output');
}

const ENGINES: readonly EngineKind[] = ['serial', 'parallel', 'worker-based'];

for (const engine of ENGINES) {
  test.describe(`the ${engine} engine, from the run bar`, () => {
    let worker: StartedWorker | undefined;
    test.beforeAll(async () => {
      if (engine === 'worker-based') worker = await startWorker();
    });
    test.afterAll(async () => {
      await worker?.stop();
    });

    test('runs every example; each task on the canvas ends as the host recorded it', async ({ page }) => {
      test.setTimeout(180_000);
      const errors = watchErrors(page);
      await openApp(page, host);
      await chooseEngine(page, engine, {
        maxWorkers: 3,
        ...(worker ? { url: AMQP_URL, exchange: worker.exchange } : {}),
      });
      for (const example of EXAMPLES) {
        await newFromExample(page, example.file);
        expect(await runToEnd(page, 60_000), example.file).toBe(example.ends);
        const runId = await shownRunId(page);
        const detail = await runDetail(host, runId);
        expect(detail.engine).toBe(engine);
        expect(detail.state).toBe(example.ends);
        if (engine === 'parallel') expect(detail.engineOptions.maxWorkers).toBe(3);
        if (worker) expect(detail.engineOptions.exchange).toBe(worker.exchange);

        const stored = storedStates(detail);
        const tasks = taskNames(example.file);
        // Every task is drawn (the examples fit the view) with the state the host recorded.
        await expect
          .poll(
            async () => {
              const shown = await canvasStates(page);
              return tasks.map((t) => `${t}=${shown[t] ?? 'missing'}`);
            },
            { message: `${example.file} on ${engine}` },
          )
          .toEqual(tasks.map((t) => `${t}=${stored[t] ?? 'not stored'}`));
        const shown = await canvasStates(page);
        if (example.ends === 'SUCCESS') {
          for (const t of tasks) expect(['SUCCESS', 'IGNORE'], `${example.file}: ${t}`).toContain(shown[t]);
        } else {
          for (const t of tasks) expect(shown[t], `${example.file}: ${t}`).toBe('REVERTED');
        }
        // The run summary agrees with the run bar.
        await showDockTab(page, 'output');
        await expect(page.getByTestId('run-summary')).toContainText(
          example.ends === 'SUCCESS' ? 'Success' : 'Reverted',
        );
        if (example.file === 'retry') {
          // The payment ran three times before it went through.
          await expect(page.getByTestId('node-charge-card')).toContainText('×3');
        }
        if (example.file === 'deploy') await checkDeployRevert(page, engine);
      }
      if (worker) {
        // The workers view lists the worker the runs went to, with the kinds it runs and its heartbeat.
        await page.getByTestId('view-workers').click();
        const row = page.locator(`[data-testid="worker-row"][data-worker-id="${worker.id}"]`);
        await expect(row).toBeVisible();
        for (const kind of ['script', 'shell', 'fail', 'delay', 'value'])
          await expect(row).toContainText(kind);
        await expect(row.getByTestId('worker-seen')).toHaveText(/ago|now/);
        await page.screenshot({ path: join(SCREENS, 'workers.png') });
      }
      expect(errors).toEqual([]);
    });
  });
}
