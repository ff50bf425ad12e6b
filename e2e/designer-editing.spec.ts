/**
 * Editing on the canvas with mouse and keyboard: reorder a linear group by
 * dragging, move a node into another group, drop a kind into a nested group,
 * box-select and delete, copy/paste/duplicate, the shortcuts help; and
 * screenshots of the main screens, to be looked at.
 */
import { expect, test, type Page } from '@playwright/test';
import { servedHost } from './host';

const host = servedHost();

const node = (page: Page, name: string) => page.getByTestId(`node-${name}`);
const orderEdge = (page: Page, from: string, to: string) => page.getByTestId(`rf__edge-order:${from}->${to}`);

async function openExample(page: Page, example: string): Promise<void> {
  await page.goto(host.url);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-status', 'connected');
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByTestId(`new-example-${example}`).click();
  await expect(page.getByTestId('problems')).toContainText('No problems');
}

/** Drags a node by its middle to (x, y) on the page. */
async function dragNode(page: Page, name: string, to: { x: number; y: number }): Promise<void> {
  const box = await node(page, name).boundingBox();
  if (!box) throw new Error(`${name} is not on the canvas`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 15 });
  await page.mouse.up();
}

/** A node's middle and size once it stops moving (zoom to fit animates the view). */
async function centre(
  page: Page,
  name: string,
): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = '';
  await expect
    .poll(async () => {
      const now = JSON.stringify(await node(page, name).boundingBox());
      const still = now === last;
      last = now;
      return still;
    })
    .toBe(true);
  const box = JSON.parse(last) as { x: number; y: number; width: number; height: number } | null;
  if (!box) throw new Error(`${name} is not on the canvas`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2, width: box.width, height: box.height };
}

test('a linear group is reordered by dragging, and a node moves into another group', async ({ page }) => {
  await openExample(page, 'deploy');
  await expect(orderEdge(page, 'build', 'upload')).toBeAttached();

  // build dragged just past upload's middle: upload now runs first.
  const upload = await centre(page, 'upload');
  await dragNode(page, 'build', { x: upload.x + upload.width * 0.3, y: upload.y });
  await expect(orderEdge(page, 'upload', 'build')).toBeAttached();
  await expect(orderEdge(page, 'build', 'migrate-database')).toBeAttached();
  await page.keyboard.press('ControlOrMeta+Z');
  await expect(orderEdge(page, 'build', 'upload')).toBeAttached();

  // A graph group dropped from the palette into the flow, then a task dragged into it.
  const root = await node(page, 'deploy-steps').boundingBox();
  if (!root) throw new Error('no root');
  await page.getByTestId('palette-group-graph').hover();
  await page.mouse.down();
  await page.mouse.move(root.x + root.width - 20, root.y + root.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(node(page, 'graph')).toHaveAttribute('data-group-type', 'graph');
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  const graph = await centre(page, 'graph');
  await dragNode(page, 'migrate-database', { x: graph.x, y: graph.y + 10 });
  // Now a member of the graph: its handles show, and the linear order skips it.
  await expect(page.getByTestId('rf__node-migrate-database')).toHaveClass(/in-graph/);
  await expect(orderEdge(page, 'upload', 'switch-traffic')).toBeAttached();
});

test('box selection, delete, copy, paste, duplicate and undo from the keyboard', async ({ page }) => {
  await openExample(page, 'deploy');
  const a = await centre(page, 'upload');
  const b = await centre(page, 'migrate-database');
  // Shift+drag from above-left of upload to below-right of migrate-database selects both.
  await page.keyboard.down('Shift');
  await page.mouse.move(a.x - a.width / 2 - 8, a.y - a.height / 2 - 8);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2 + 8, b.y + b.height / 2 + 8, { steps: 10 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect(page.locator('.react-flow__node-task.selected')).toHaveCount(2);
  await expect(page.getByTestId('inspector')).toContainText('2 selected');

  await page.keyboard.press('Delete');
  await expect(page.locator('.react-flow__node-task')).toHaveCount(2);
  await expect(orderEdge(page, 'build', 'switch-traffic')).toBeAttached();
  await page.keyboard.press('ControlOrMeta+Z');
  await expect(page.locator('.react-flow__node-task')).toHaveCount(4);

  await node(page, 'build').click();
  await page.keyboard.press('ControlOrMeta+C');
  await page.keyboard.press('ControlOrMeta+V');
  await expect(node(page, 'build-2')).toBeVisible();
  await expect(orderEdge(page, 'build', 'build-2')).toBeAttached();
  await page.keyboard.press('ControlOrMeta+D');
  await expect(node(page, 'build-3')).toBeVisible();
  // Zoom to fit: the canvas draws only what is in view, and the flow grew.
  await page.keyboard.press('Shift+!');
  await expect(page.locator('.react-flow__node-task')).toHaveCount(6);
  await expect(page.getByTestId('doc-title')).toHaveAttribute('data-dirty', 'true');
});

test('the main screens, for people to look at', async ({ page }, testInfo) => {
  await openExample(page, 'every-pattern');
  const shots: [string, () => Promise<void>][] = [
    ['designer', async () => {}],
    [
      'inspector-group',
      async () => {
        await node(page, 'verify').locator('.group-header').click();
        await expect(page.getByTestId('inspector')).toContainText('Retry');
      },
    ],
    [
      'help',
      async () => {
        await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } });
        await page.keyboard.press('?');
        await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
      },
    ],
    [
      'new',
      async () => {
        await page.keyboard.press('Escape');
        await page.getByRole('button', { name: 'New', exact: true }).click();
        await expect(page.getByRole('dialog', { name: 'New flow' })).toBeVisible();
      },
    ],
  ];
  for (const [name, before] of shots) {
    await before();
    const path = testInfo.outputPath(`${name}.png`);
    await page.screenshot({ path });
    await testInfo.attach(name, { path, contentType: 'image/png' });
  }
});
