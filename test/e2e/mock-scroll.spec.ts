/**
 * Ten million rows through the in-page mock engine (`?mock=N`): the list must reach the last row, and rows
 * must sit at exact multiples of the row height even where ag-grid "stretches" (scales) the scroll area past
 * the browser's maximum element height.
 */
import { test, expect, type Page } from '@playwright/test';
import { join } from 'node:path';
import { serveStatic } from './helpers/static-server';
import { collectProblems, renderedRows, screenshot, visibleRows } from './helpers/page';

const TOTAL = 10_000_000;
const ROW_HEIGHT = 20;
const DIST = join(__dirname, '..', '..', 'dist', 'renderer');

let server: Awaited<ReturnType<typeof serveStatic>>;
test.beforeAll(async () => {
  server = await serveStatic(DIST);
});
test.afterAll(async () => {
  await server?.close();
});

async function expectRowsContiguous(page: Page): Promise<void> {
  const rows = await renderedRows(page);
  expect(rows.length).toBeGreaterThan(10);
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1];
    const b = rows[i];
    if (b.index !== a.index + 1) continue;
    // Exactly one row height apart: no overlap, no gap, integer positions.
    expect.soft(b.y - a.y, `rows ${a.index} → ${b.index}`).toBe(ROW_HEIGHT);
    expect.soft(Number.isInteger(b.y), `row ${b.index} at y=${b.y}`).toBe(true);
  }
  expect(test.info().errors).toHaveLength(0);
}

test('scrolls ten million rows to the last one with rows at exact positions', async ({ page }) => {
  const problems = collectProblems(page);
  await page.goto(`${server.url}?mock=${TOTAL}`);
  await expect(page.getByTestId('status-displayed')).toHaveText('10,000,000');
  await expect(page.locator('.ag-row[row-index="0"] [col-id="number"]')).toHaveText('1');
  // The stretched container stays below 2^24 px, where Chromium's float32 geometry is exact to the pixel.
  const containerHeight = await page.locator('.ag-grid-scrolling-container').evaluate((el) => el.getBoundingClientRect().height);
  expect(containerHeight).toBeGreaterThan(1_000_000);
  expect(containerHeight).toBeLessThan(2 ** 24);
  await expectRowsContiguous(page);

  // Keyboard: focus the first row, then End jumps to the last packet.
  await page.locator('.ag-row[row-index="0"] [col-id="info"]').click();
  await expect(page.getByTestId('detail-tree')).toContainText('Frame 1:');
  await page.keyboard.press('End');
  const last = page.locator(`.ag-row[row-index="${TOTAL - 1}"] [col-id="number"]`);
  await expect(last).toHaveText(String(TOTAL));
  await expect(page.getByTestId('detail-tree')).toContainText(`Frame ${TOTAL}:`);
  const vis = await visibleRows(page);
  expect(vis.at(-1)?.index).toBe(TOTAL - 1);
  await expectRowsContiguous(page);
  await screenshot(page, 'mock-10m-last-row');

  // Arrow keys and PgUp move the selection row by row / page by page.
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('detail-tree')).toContainText(`Frame ${TOTAL - 1}:`);
  await page.keyboard.press('PageUp');
  await expect(page.getByTestId('detail-tree')).not.toContainText(`Frame ${TOTAL - 1}:`);

  // Middle of the stretched range, through Go to packet (Ctrl+G).
  await page.keyboard.press('Control+g');
  await page.getByTestId('goto-input').fill('4321987');
  await page.keyboard.press('Enter');
  await expect(page.locator('.ag-row[row-index="4321986"] [col-id="number"]')).toHaveText('4321987');
  await expect(page.locator('.ag-row.wl-selected [col-id="number"]')).toHaveText('4321987');
  await expectRowsContiguous(page);
  await screenshot(page, 'mock-10m-goto-middle');

  // Dragging the scrollbar to arbitrary fractions: rows stay contiguous wherever the scaled offset lands.
  for (const f of [0.123457, 0.5, 0.987654, 1]) {
    await page.locator('.ag-grid-viewport').evaluate((el, frac) => {
      el.scrollTop = frac * (el.scrollHeight - el.clientHeight);
    }, f);
    await page.waitForTimeout(300);
    await expect(page.locator('.ag-grid-scrolling-container > .ag-row .ag-cell[col-id="number"]:not(:empty)').first()).toBeVisible();
    await expectRowsContiguous(page);
  }

  // Home returns to the first packet.
  const someRow = (await visibleRows(page))[3];
  await page.locator(`.ag-row[row-index="${someRow.index}"] [col-id="info"]`).click();
  await page.keyboard.press('Home');
  await expect(page.locator('.ag-row[row-index="0"] [col-id="number"]')).toHaveText('1');

  expect(problems).toEqual([]);
});
