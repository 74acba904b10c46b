/** Shared page helpers: CSP/console error collection, screenshots, and reading the rendered packet rows. */
import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const SCREENSHOT_DIR = join(__dirname, '..', '..', '..', 'test-results', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Collects console errors and CSP violations (the renderer must run under a strict CSP without any). */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

export interface RenderedRow {
  index: number;
  y: number;
  height: number;
  number: string;
}

/** The packet list rows currently in the DOM (centre container), sorted by row index, with their screen boxes. */
export async function renderedRows(page: Page): Promise<RenderedRow[]> {
  const rows = await page.locator('[data-testid="packet-list"] .ag-grid-scrolling-container > .ag-row').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      const cell = el.querySelector('[col-id="number"]');
      return { index: Number(el.getAttribute('row-index')), y: r.top, height: r.height, number: cell?.textContent ?? '' };
    }),
  );
  return rows.sort((a, b) => a.index - b.index);
}

/** The rows fully inside the grid's viewport. */
export async function visibleRows(page: Page): Promise<RenderedRow[]> {
  const vp = await page.locator('[data-testid="packet-list"] .ag-grid-viewport').boundingBox();
  if (!vp) return [];
  return (await renderedRows(page)).filter((r) => r.y >= vp.y - 0.5 && r.y + r.height <= vp.y + vp.height + 0.5);
}
