/**
 * The session tree in the browser against the REAL engine through `wirelens serve`: the numbers shown equal
 * tshark's (-z endpoints,ip for host rows, -z conv,tcp / conv,udp for session rows, with and without a display
 * filter), selecting a node writes its filter into the bar and the packet list shows exactly its packets,
 * the context menu exports the node's packets (read back with tshark), search narrows the tree, and grouping
 * and sorting work. Screenshots go to test-results/screenshots/sessions-*.png.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURES, serveMissing, startServe, type RunningServer } from './helpers/serve';
import { collectProblems, screenshot } from './helpers/page';

const FIXTURE = 'mixed-real-traffic__zui__sample.pcapng';
const FILE = join(CAPTURES, FIXTURE);
const TSHARK = '/usr/bin/tshark';

const missing = serveMissing() ?? (existsSync(TSHARK) ? null : `${TSHARK} is missing: the numbers cannot be checked`);
test.skip(missing !== null, missing ?? '');

let server: RunningServer;
test.beforeAll(async () => {
  server = await startServe();
});
test.afterAll(async () => {
  await server?.close();
});

function tshark(args: string[]): string {
  return execFileSync(TSHARK, ['-n', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** tshark -z endpoints,ip: address → [tx packets, tx bytes, rx packets, rx bytes]. */
function endpoints(): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of tshark(['-r', FILE, '-q', '-z', 'endpoints,ip']).split('\n')) {
    const m = /^(\d+\.\d+\.\d+\.\d+)\s+\d+\s+\d+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (m) out.set(m[1]!, m.slice(2).map(Number));
  }
  return out;
}

/**
 * tshark -z conv,tcp|udp[,filter]: "A:p B:q" (as tshark orders them) → [frames A→B, bytes A→B, frames B→A,
 * bytes B→A]. tshark 4.0 prints "->" (left to right) after "<-"; byte counts of 10 000 and more are rounded
 * ("12 kB") and such conversations are left out (the fixture has none).
 */
function conversations(proto: 'tcp' | 'udp', filter?: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const z = filter ? `conv,${proto},${filter}` : `conv,${proto}`;
  for (const line of tshark(['-r', FILE, '-q', '-z', z]).split('\n')) {
    const m = /^(\S+)\s+<->\s+(\S+)\s+(\d+) (\d+) bytes\s+(\d+) (\d+) bytes\s+/.exec(line);
    if (m) out.set(`${m[1]} ${m[2]}`, [Number(m[5]), Number(m[6]), Number(m[3]), Number(m[4])]);
  }
  return out;
}

const grid = (page: Page): Locator => page.getByTestId('sessions-grid');
/** The rendered rows' cells by column id (a row is split in a pinned and a scrolled part sharing its row-index). */
async function rowsShown(page: Page): Promise<Record<string, string>[]> {
  return grid(page)
    .locator('.ag-row[row-index]')
    .evaluateAll((els) => {
      const rows = new Map<string, Record<string, string>>();
      for (const el of els) {
        const index = el.getAttribute('row-index') ?? '';
        const r: Record<string, string> = rows.get(index) ?? { index };
        const text = el.querySelector('.st-text');
        if (text) r.label = text.textContent ?? '';
        const kind = el.querySelector('.st-kind');
        if (kind) r.kind = kind.getAttribute('title') ?? '';
        for (const c of el.querySelectorAll('[col-id]')) if (c.getAttribute('col-id') !== 'label') r[c.getAttribute('col-id') ?? ''] = c.textContent ?? '';
        rows.set(index, r);
      }
      return [...rows.values()].filter((r) => r.label !== undefined).sort((a, b) => Number(a.index) - Number(b.index));
    });
}
const num = (s: string | undefined): number => Number((s ?? '').replace(/,/g, ''));
const labelCell = (page: Page, label: string): Locator => grid(page).locator('.ag-row', { has: page.locator('.st-text', { hasText: new RegExp(`^${label.replace(/[.[\]]/g, '\\$&')}$`) }) });

async function openFixture(page: Page): Promise<void> {
  await page.goto(server.url);
  await expect(page.locator('.conn-open')).toBeVisible();
  await page.getByTestId('open-button').click();
  const dialog = page.getByTestId('open-dialog');
  await dialog.locator(`.file-entry[data-name="${FIXTURE}"]`).click();
  await dialog.getByTestId('open-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('indexing-progress')).toBeHidden();
}

async function groupBy(page: Page, g: string): Promise<void> {
  await page.getByTestId('st-groupby').selectOption(g);
}

test('session tree: numbers against tshark, selection, export, search, grouping', async ({ page }) => {
  const problems = collectProblems(page);
  await openFixture(page);
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await expect(page.getByTestId('sessions-view')).toBeVisible();

  await test.step('host rows: sent/received packets and bytes equal tshark -z endpoints,ip', async () => {
    const eps = endpoints();
    expect(eps.size).toBeGreaterThan(3);
    await expect(page.getByTestId('st-counts')).toContainText(`${eps.size} rows`);
    await expect.poll(async () => (await rowsShown(page)).length).toBe(eps.size);
    const rows = await rowsShown(page);
    for (const r of rows) {
      expect([num(r.pktsOut), num(r.bytesOut), num(r.pktsIn), num(r.bytesIn)], r.label).toEqual(eps.get(r.label!));
    }
    // Sorted by bytes, most first (the default).
    const bytes = rows.sort((a, b) => Number(a.index) - Number(b.index)).map((r) => num(r.bytes));
    expect(bytes).toEqual([...bytes].sort((a, b) => b - a));
    await screenshot(page, 'sessions-01-hosts');
  });

  await test.step('host → peer → session: open the busiest host and its first peer', async () => {
    const first = grid(page).locator('.ag-row[row-index="0"]', { has: page.locator('.st-text') });
    await first.getByTestId('st-toggle').click();
    const peer = grid(page).locator('.ag-row[row-index="1"]', { has: page.locator('.st-text') });
    await expect(peer.locator('.st-kind')).toHaveAttribute('title', 'peer');
    await peer.getByTestId('st-toggle').click();
    await expect(grid(page).locator('.ag-row[row-index="2"] .st-kind')).toHaveAttribute('title', 'session');
    await screenshot(page, 'sessions-02-host-peer-session');
  });

  await test.step('session rows: per-direction frames and bytes equal tshark -z conv,tcp / conv,udp', async () => {
    await groupBy(page, 'protocol');
    for (const proto of ['TCP', 'UDP']) await labelCell(page, proto).getByTestId('st-toggle').click();
    const conv = new Map([...conversations('tcp'), ...conversations('udp')]);
    expect(conv.size).toBeGreaterThan(10);
    await expect(page.getByTestId('st-counts')).toContainText(/ sessions/);
    await expect.poll(async () => (await rowsShown(page)).filter((r) => r.kind === 'session').length).toBeGreaterThanOrEqual(conv.size);
    const sessions = (await rowsShown(page)).filter((r) => r.kind === 'session' && (r.proto === 'TCP' || r.proto === 'UDP'));
    expect(sessions.length).toBe(conv.size);
    for (const r of sessions) {
      const [a, b] = r.label!.split(' → ') as [string, string];
      const mine = [num(r.pktsOut), num(r.bytesOut), num(r.pktsIn), num(r.bytesIn)];
      const same = conv.get(`${a} ${b}`);
      const flipped = conv.get(`${b} ${a}`);
      expect(same ?? (flipped && [flipped[2], flipped[3], flipped[0], flipped[1]]), r.label).toEqual(mine);
    }
    await screenshot(page, 'sessions-03-protocol-sessions');
  });

  await test.step('selecting a session writes its filter into the bar; the packet list shows exactly its packets', async () => {
    const rows = (await rowsShown(page)).filter((r) => r.kind === 'session' && r.proto === 'TCP');
    const pick = rows.sort((x, y) => num(y.packets) - num(x.packets))[0]!;
    await labelCell(page, pick.label!).click();
    const bar = page.getByTestId('display-filter');
    await expect(bar).toHaveValue(/tcp\.port == \d+ && ip\.addr == /);
    await expect(page.getByTestId('status-displayed')).toHaveText(pick.packets!);
    const expr = await bar.inputValue();
    const theirs = tshark(['-r', FILE, '-Y', expr, '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean);
    expect(theirs.length).toBe(num(pick.packets));
    // The tree did not shrink to the selection: the other sessions are still there.
    expect((await rowsShown(page)).filter((r) => r.kind === 'session').length).toBe(rows.length + (await rowsShown(page)).filter((r) => r.kind === 'session' && r.proto === 'UDP').length);
    await expect(page.getByTestId('detail-tree')).toContainText('Frame');
    await screenshot(page, 'sessions-04-selected');
  });

  await test.step('context menu on a session: Follow TCP stream opens the Follow dialog on that stream', async () => {
    const rows = (await rowsShown(page)).filter((r) => r.kind === 'session' && r.proto === 'TCP');
    const pick = rows[0]!;
    await labelCell(page, pick.label!).click({ button: 'right' });
    const menu = page.getByTestId('sessions-menu');
    await menu.locator('[data-action="follow"]').click();
    await expect(menu).toBeHidden();
    const [a, b] = pick.label!.split(' → ');
    await expect(page.getByTestId('follow-node0')).toContainText(a!);
    await expect(page.getByTestId('follow-node1')).toContainText(b!);
    await screenshot(page, 'sessions-05a-follow');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('follow-content')).toBeHidden();
  });

  await test.step('context menu exports the node as pcap; tshark reads back its packets', async () => {
    await page.getByTestId('filter-clear').click();
    await groupBy(page, 'host');
    await expect.poll(async () => (await rowsShown(page)).filter((r) => r.kind === 'host').length).toBeGreaterThan(3);
    const host = (await rowsShown(page)).find((r) => r.kind === 'host')!;
    await labelCell(page, host.label!).click({ button: 'right' });
    const menu = page.getByTestId('sessions-menu');
    await expect(menu).toBeVisible();
    await expect(menu).toContainText(`ip.addr == ${host.label}`);
    await screenshot(page, 'sessions-05-menu');
    const downloadP = page.waitForEvent('download');
    await menu.locator('[data-action="pcap"]').click();
    const download = await downloadP;
    const file = join(mkdtempSync(join(tmpdir(), 'wl-sessions-')), 'node.pcap');
    await download.saveAs(file);
    const back = tshark(['-r', file, '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst']).split('\n').filter(Boolean);
    expect(back.length).toBe(num(host.packets));
    for (const line of back) expect(line.split('\t')).toContain(host.label);
    expect(tshark(['-r', file, '-q', '-z', 'endpoints,ip'])).toContain(host.label!);
  });

  await test.step('limited to the display filter: only sessions with displayed packets, counting those (tshark -z conv,udp,dns)', async () => {
    const bar = page.getByTestId('display-filter');
    await bar.fill('dns');
    await bar.press('Enter');
    await groupBy(page, 'protocol');
    await expect(page.getByTestId('st-limit')).toBeChecked();
    const conv = conversations('udp', 'dns');
    expect(conv.size).toBeGreaterThan(0);
    await expect.poll(async () => (await rowsShown(page)).map((r) => r.label)).toEqual(['UDP']);
    await labelCell(page, 'UDP').getByTestId('st-toggle').click();
    await expect.poll(async () => (await rowsShown(page)).filter((r) => r.kind === 'session').length).toBe(conv.size);
    for (const r of (await rowsShown(page)).filter((x) => x.kind === 'session')) {
      const [a, b] = r.label!.split(' → ') as [string, string];
      const same = conv.get(`${a} ${b}`);
      const flipped = conv.get(`${b} ${a}`);
      expect(same ?? (flipped && [flipped[2], flipped[3], flipped[0], flipped[1]]), r.label).toEqual([num(r.pktsOut), num(r.bytesOut), num(r.pktsIn), num(r.bytesIn)]);
    }
    // Selecting a node under a filter combines both, and the tree keeps its base filter.
    const first = (await rowsShown(page)).find((r) => r.kind === 'session')!;
    await labelCell(page, first.label!).click();
    await expect(bar).toHaveValue(/^\(dns\) && \(ip\.addr == /);
    await expect(page.getByTestId('status-displayed')).toHaveText(first.packets!);
    await expect.poll(async () => (await rowsShown(page)).filter((r) => r.kind === 'session').length).toBe(conv.size);
    await screenshot(page, 'sessions-06-limited-dns');
    await page.getByTestId('filter-clear').click();
  });

  await test.step('search narrows the tree to matching sessions', async () => {
    await groupBy(page, 'app');
    await page.getByTestId('st-search').fill('ycombinator');
    await expect(page.getByTestId('st-counts')).toContainText(/^1 sessions/);
    const rows = await rowsShown(page);
    expect(rows.map((r) => r.label)).toEqual(['Hacker News']);
    expect(rows[0]!.name ?? '').toBe('');
    await labelCell(page, 'Hacker News').getByTestId('st-toggle').click();
    await expect.poll(async () => (await rowsShown(page)).length).toBe(3);
    const all = await rowsShown(page);
    expect(all.some((r) => r.name === 'news.ycombinator.com')).toBe(true);
    expect(all.some((r) => (r.country ?? '').includes('US'))).toBe(true);
    await screenshot(page, 'sessions-07-search');
    await page.getByTestId('st-search').fill('');
  });

  await test.step('country grouping and sorting by a column header', async () => {
    await groupBy(page, 'country');
    await expect.poll(async () => (await rowsShown(page)).map((r) => r.label)).toContain('US');
    await grid(page).locator('.ag-header-cell[col-id="sessions"]').click();
    await expect
      .poll(async () => {
        const rows = (await rowsShown(page)).sort((a, b) => Number(a.index) - Number(b.index));
        const v = rows.map((r) => num(r.sessions));
        return v.length > 1 && v.every((x, i) => i === 0 || v[i - 1]! >= x);
      })
      .toBe(true);
    await screenshot(page, 'sessions-08-countries');
  });

  expect(problems).toEqual([]);
});
