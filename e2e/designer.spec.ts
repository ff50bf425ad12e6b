/**
 * The designer, driven as a person drives it (mouse and keyboard only):
 * build the canary example from an empty canvas, undo it all and redo it,
 * save, reload, reopen, export and compare with examples/canary.flow.json;
 * open a document with problems and see them on the right nodes.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, servedHost } from './host';

const host = servedHost();
const EXAMPLE = join(ROOT, 'examples', 'canary.flow.json');

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function openDesigner(page: Page): Promise<void> {
  await page.goto(host.url);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-status', 'connected');
}

const inspector = (page: Page) => page.getByTestId('inspector');
const node = (page: Page, name: string) => page.getByTestId(`node-${name}`);

/** Clicks into a field and types, as a person would (select-all first, so it replaces). */
async function typeInto(page: Page, field: Locator, text: string, then?: 'Enter' | 'Tab'): Promise<void> {
  await field.click();
  await page.keyboard.press('ControlOrMeta+A');
  if (text === '') await page.keyboard.press('Backspace');
  else await page.keyboard.type(text);
  if (then) await page.keyboard.press(then);
}

/**
 * Drags a palette item onto the canvas with the mouse, dropping it (x, y)
 * from the top-left corner of group `group` (a drop outside every group
 * lands in the root flow).
 */
async function dragFromPalette(page: Page, kind: string, group: string, x: number, y: number): Promise<void> {
  const box = await node(page, group).boundingBox();
  if (!box) throw new Error(`group ${group} is not on the canvas`);
  await page.getByTestId(`palette-item-${kind}`).hover();
  await page.mouse.down();
  await page.mouse.move(box.x + x, box.y + y, { steps: 8 });
  await page.mouse.up();
}

/** Selects a task on the canvas by clicking it. */
async function selectNode(page: Page, name: string): Promise<void> {
  await node(page, name).click();
  await expect(inspector(page).getByRole('textbox', { name: /^Name\b/ })).toHaveValue(name);
}

interface TaskEntry {
  readonly requires?: string;
  readonly provides: string;
  readonly code: string;
  readonly revertCode?: string;
}

/** Fills a script task's fields in the inspector. */
async function fillScript(page: Page, name: string, entry: TaskEntry): Promise<void> {
  const panel = inspector(page);
  // Tab in a code box indents (two spaces), so the next click leaves it.
  await typeInto(page, panel.getByLabel('code', { exact: true }), entry.code);
  if (entry.revertCode !== undefined) {
    await typeInto(page, panel.getByLabel('revertCode', { exact: true }), entry.revertCode);
  }
  if (entry.requires !== undefined)
    await typeInto(page, panel.getByLabel('Requires', { exact: true }), entry.requires, 'Enter');
  await typeInto(page, panel.getByLabel('Provides', { exact: true }), entry.provides, 'Enter');
  await expect(node(page, name)).toContainText(`→ ${entry.provides}`);
}

async function rename(page: Page, from: string, to: string): Promise<void> {
  await selectNode(page, from);
  await typeInto(page, inspector(page).getByRole('textbox', { name: /^Name\b/ }), to, 'Enter');
  await expect(node(page, to)).toBeVisible();
}

/** The document a download holds. */
async function downloaded(
  page: Page,
  click: () => Promise<void>,
): Promise<{ name: string; doc: Record<string, unknown> }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return {
    name: download.suggestedFilename(),
    doc: JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>,
  };
}

test('builds the canary example from an empty canvas by mouse and keyboard, undoes, redoes, saves, reopens and exports it', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await openDesigner(page);
  await expect(page.getByText('Start your flow')).toBeVisible();

  // The root group: a graph named canary-steps.
  await node(page, 'steps').locator('.group-header').click();
  await inspector(page).getByRole('radio', { name: /graph/i }).click();
  await expect(node(page, 'steps')).toHaveAttribute('data-group-type', 'graph');
  await typeInto(page, inspector(page).getByRole('textbox', { name: /^Name\b/ }), 'canary-steps', 'Enter');

  // The flow's own fields: nothing selected (a click on the empty canvas).
  await page.locator('.react-flow__pane').click({ position: { x: 12, y: 12 } });
  await typeInto(page, inspector(page).getByLabel('Flow name'), 'canary', 'Tab');
  const inputs = inspector(page).getByRole('group', { name: 'Inputs' });
  await inputs.getByRole('button', { name: /add/i }).click();
  await page.keyboard.type('version');
  await inputs.getByLabel('Value 1').click();
  await page.keyboard.type('"2.0.0"');
  await inputs.getByRole('button', { name: /add/i }).click();
  await page.keyboard.type('environment');
  await inputs.getByLabel('Value 2').click();
  await page.keyboard.type('"production"');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('doc-title')).toContainText('canary');

  // Five tasks dragged from the palette into the graph (each dropped in the middle of the group as it is
  // then, which crowds them: auto-layout arranges them afterwards).
  for (const kind of ['script', 'script', 'script', 'script', 'value']) {
    const box = await node(page, 'canary-steps').boundingBox();
    if (!box) throw new Error('no group');
    await dragFromPalette(page, kind, 'canary-steps', box.width / 2, box.height / 2 + 20);
  }
  await expect(page.locator('.react-flow__node-task')).toHaveCount(5);
  await page.keyboard.press('Shift+L');
  await page.keyboard.press('Shift+!');

  await rename(page, 'script', 'build');
  await fillScript(page, 'build', {
    requires: 'version',
    provides: 'artifact',
    code: 'return `app-${version}.tar.gz`;',
  });
  await rename(page, 'script-2', 'upload');
  await fillScript(page, 'upload', {
    requires: 'artifact, environment',
    provides: 'location',
    code: 'return `releases/${environment}/${artifact}`;',
    revertCode: 'console.log(`removing ${result}`);',
  });
  await rename(page, 'script-3', 'migrate-database');
  await fillScript(page, 'migrate-database', {
    requires: 'environment',
    provides: 'schemaVersion',
    code: 'return 42;',
  });
  await rename(page, 'script-4', 'switch-traffic');
  await fillScript(page, 'switch-traffic', {
    requires: 'location, schemaVersion',
    provides: 'live',
    code: 'return `${location} on schema ${schemaVersion}`;',
  });
  await rename(page, 'value', 'announce');
  await typeInto(page, inspector(page).getByLabel('value', { exact: true }), '"released"', 'Tab');
  await typeInto(page, inspector(page).getByLabel('Provides', { exact: true }), 'announcement', 'Enter');

  // Data edges appear by themselves, dashed and labelled with their symbol.
  await expect(
    page.locator('.react-flow__edge-data .react-flow__edge-text', { hasText: 'artifact' }),
  ).toBeVisible();
  await expect(page.locator('.react-flow__edge-path.edge-data')).toHaveCount(3);

  // Connect switch-traffic to announce by dragging between their handles, then give the link a decider.
  const from = await node(page, 'switch-traffic').locator('.react-flow__handle.source').boundingBox();
  const to = await node(page, 'announce').locator('.react-flow__handle.target').boundingBox();
  if (!from || !to) throw new Error('handles not found');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
  await expect(page.locator('.react-flow__edge-path.edge-link')).toHaveCount(1);
  await inspector(page).getByLabel('Decider').check();
  await typeInto(
    page,
    inspector(page).getByLabel('Code', { exact: true }),
    "return String(history['switch-traffic']).includes('production');",
  );
  await expect(
    page.locator('.react-flow__edge-link .react-flow__edge-text', { hasText: 'decider' }),
  ).toBeVisible();

  // Valid: no problems, and Run is enabled.
  await expect(page.getByTestId('problems')).toContainText('No problems');
  await expect(page.getByTestId('run')).toBeEnabled();
  await page.locator('.react-flow__pane').click({ position: { x: 12, y: 12 } });
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  const built = testInfo.outputPath('designer-built.png');
  await page.screenshot({ path: built });
  await testInfo.attach('built', { path: built, contentType: 'image/png' });
  const builtDoc = (await downloaded(page, () => page.getByTestId('export').click())).doc;

  // Undo every step back to the empty flow, then redo them all.
  const undo = page.getByRole('button', { name: 'Undo' });
  let steps = 0;
  while (await undo.isEnabled()) {
    await page.keyboard.press('ControlOrMeta+Z');
    steps += 1;
    expect(steps).toBeLessThan(200);
  }
  await expect(page.locator('.react-flow__node-task')).toHaveCount(0);
  await expect(page.getByText('Start your flow')).toBeVisible();
  const redo = page.getByRole('button', { name: 'Redo' });
  for (let i = 0; i < steps; i++) await page.keyboard.press('ControlOrMeta+Shift+Z');
  await expect(redo).toBeDisabled();
  await expect(page.locator('.react-flow__node-task')).toHaveCount(5);
  expect((await downloaded(page, () => page.getByTestId('export').click())).doc).toEqual(builtDoc);

  // Save, reload (the page starts blank), reopen from the app's database.
  await expect(page.getByTestId('doc-title')).toHaveAttribute('data-dirty', 'true');
  await page.keyboard.press('ControlOrMeta+S');
  await expect(page.getByTestId('doc-title')).toHaveAttribute('data-dirty', 'false');
  await page.reload();
  await expect(page.getByTestId('connection')).toHaveAttribute('data-status', 'connected');
  await expect(page.locator('.react-flow__node-task')).toHaveCount(0);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByTestId('open-row-canary').dblclick();
  await expect(page.locator('.react-flow__node-task')).toHaveCount(5);
  await expect(page.getByTestId('doc-title')).toContainText('canary');

  // Export and compare with the example's file: the same document (auto-layout left no stored positions).
  const exported = await downloaded(page, () => page.getByTestId('export').click());
  expect(exported.name).toBe('canary.flow.json');
  const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
  expect(exported.doc).toEqual(example);
  expect(exported.doc).toEqual(builtDoc);
  expect(errors).toEqual([]);
});

test('a document with problems opens with each problem on its node, and Run says why it is disabled', async ({
  page,
}, testInfo) => {
  const errors = watchErrors(page);
  await openDesigner(page);
  await page.getByTestId('import-file').setInputFiles(join(ROOT, 'e2e', 'fixtures', 'broken.flow.json'));
  await expect(page.locator('.react-flow__node-task')).toHaveCount(5);
  for (const name of ['fetch', 'compute', 'pause']) await expect(node(page, name)).toHaveClass(/has-problem/);
  for (const name of ['prepare', 'lint']) await expect(node(page, name)).not.toHaveClass(/has-problem/);
  const problems = page.getByTestId('problems');
  await expect(problems).toContainText('expected string, got number');
  await expect(problems).toContainText('config.code');
  await expect(problems).toContainText('must be at least 0');
  await expect(page.getByTestId('run')).toBeDisabled();
  await expect(page.getByTestId('run-reason')).toHaveText('Fix 3 problems first');

  // The inspector shows a node's problem next to its field; fixing it clears the outline.
  await node(page, 'pause').click();
  await expect(inspector(page)).toContainText('must be at least 0');
  await typeInto(page, inspector(page).getByLabel('ms', { exact: true }), '250', 'Tab');
  await expect(node(page, 'pause')).not.toHaveClass(/has-problem/);
  await expect(page.getByTestId('run-reason')).toHaveText('Fix 2 problems first');
  const shot = testInfo.outputPath('designer-problems.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('problems', { path: shot, contentType: 'image/png' });

  // Unsaved edits are not lost unasked: New asks first, and Cancel keeps them.
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByTestId('new-blank').click();
  const dialog = page.getByRole('alertdialog', { name: 'Discard unsaved changes?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('.react-flow__node-task')).toHaveCount(5);
  expect(errors).toEqual([]);
});
