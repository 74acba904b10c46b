/**
 * "Split…" and "Export sessions…" in the browser UI against the real engine (`wirelens serve` with --root):
 * the split is downloaded as a tar whose session files hold every packet of the capture (counted by
 * capinfos), the display-filter option splits only the matching sessions, a folder on the server gets the
 * files, and the sessions table downloads as CSV with one row per session.
 */
import { test, expect, type Page } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CAPTURES, ROOT, serveMissing, startServe, type RunningServer } from './helpers/serve';
import { collectProblems, screenshot } from './helpers/page';

const FIXTURE = 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng';
const BASE = FIXTURE.replace(/\.pcapng$/, '');
const CAPINFOS = '/usr/bin/capinfos';

const missing = serveMissing();
test.skip(missing !== null, missing ?? '');

let server: RunningServer;
let root: string;
test.beforeAll(async () => {
  // A root of our own: the split writes into it.
  root = mkdtempSync(join(tmpdir(), 'wirelens-e2e-split-'));
  copyFileSync(join(CAPTURES, FIXTURE), join(root, FIXTURE));
  mkdirSync(join(root, 'splits'));
  server = await startServe(root);
});
test.afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

function cli(args: string[]): string {
  return execFileSync(process.execPath, [join(ROOT, 'bin', 'wirelens.js'), ...args], { encoding: 'utf8' });
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function openFixture(page: Page): Promise<void> {
  await page.getByTestId('open-button').click();
  const dialog = page.getByTestId('open-dialog');
  await dialog.locator(`.file-entry[data-name="${FIXTURE}"]`).click();
  await dialog.getByTestId('open-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('indexing-progress')).toBeHidden();
}

test('split into sessions and export the session table from the browser', async ({ page }) => {
  const problems = collectProblems(page);
  const sessions = jsonLines(cli(['sessions', join(root, FIXTURE), '--jsonl']));
  const packets = cli(['list', join(root, FIXTURE), '--json']).split('\n').filter(Boolean).length;
  await page.goto(server.url);
  await expect(page.locator('.conn-open')).toBeVisible();
  await openFixture(page);

  await test.step('Split… downloads a tar of one file per session holding every packet', async () => {
    await page.getByTestId('split-button').click();
    const dialog = page.getByTestId('split-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('split-format-pcap').check();
    await screenshot(page, 'split-01-dialog');
    const downloadP = page.waitForEvent('download');
    await dialog.getByTestId('split-confirm').click();
    const download = await downloadP;
    expect(download.suggestedFilename()).toBe(`${BASE}-sessions.tar`);
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-e2e-split-dl-'));
    const tar = join(dir, 'split.tar');
    await download.saveAs(tar);
    await expect(dialog.getByTestId('split-written')).toHaveText(String(sessions.length));
    await expect(dialog.getByTestId('split-skipped')).toHaveText('0');
    await screenshot(page, 'split-02-report');
    expect(spawnSync('tar', ['-xf', tar, '-C', dir]).status).toBe(0);
    const files = readdirSync(join(dir, `${BASE}-sessions`));
    expect(files.filter((f) => f !== 'unassigned.pcap').length).toBe(sessions.length);
    if (existsSync(CAPINFOS)) {
      const out = execFileSync(CAPINFOS, ['-T', '-r', '-c', ...files.map((f) => join(dir, `${BASE}-sessions`, f))], { encoding: 'utf8' });
      const total = out.split('\n').filter(Boolean).reduce((n, l) => n + Number(l.split('\t')[1]), 0);
      expect(total).toBe(packets);
    } else {
      console.log(`skipping the capinfos count: ${CAPINFOS} is missing (install the tshark package)`);
    }
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
    await expect(dialog).toBeHidden();
  });

  await test.step('with the display filter and a server folder: only the matching sessions, written under --root', async () => {
    await page.getByTestId('display-filter').fill('dns');
    await page.getByTestId('display-filter').press('Enter');
    await expect(page.getByTestId('status-displayed')).not.toHaveText(packets.toLocaleString('en-US'));
    const dnsSessions = jsonLines(cli(['sessions', join(root, FIXTURE), '-Y', 'dns', '--jsonl']));
    await page.getByTestId('split-button').click();
    const dialog = page.getByTestId('split-dialog');
    await expect(dialog.getByTestId('split-displayed')).toBeChecked();
    await dialog.getByTestId('split-handshake').check();
    await dialog.getByTestId('split-folder').fill('splits');
    await screenshot(page, 'split-03-filtered-dialog');
    await dialog.getByTestId('split-confirm').click();
    await expect(dialog.getByTestId('split-written')).toHaveText(String(dnsSessions.length));
    await expect(dialog.getByTestId('split-report')).toContainText(`${BASE}-sessions`);
    const written = readdirSync(join(root, 'splits', `${BASE}-sessions`)).filter((f) => f !== 'unassigned.pcapng');
    expect(written.length).toBe(dnsSessions.length);
    expect(written.every((f) => f.startsWith('UDP_'))).toBe(true);
    await screenshot(page, 'split-04-filtered-report');
    // A folder outside the root is refused with the reason.
    await dialog.getByTestId('split-folder').fill('/etc');
    await dialog.getByTestId('split-confirm').click();
    await expect(dialog.getByTestId('split-error')).toContainText('outside the allowed directory');
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
  });

  await test.step('Export sessions… downloads the session table as CSV', async () => {
    await page.getByTestId('display-filter').fill('');
    await page.getByTestId('display-filter').press('Enter');
    await expect(page.getByTestId('status-displayed')).toHaveText(packets.toLocaleString('en-US'));
    await page.getByTestId('export-sessions-button').click();
    const dialog = page.getByTestId('export-sessions-dialog');
    await expect(dialog).toBeVisible();
    await screenshot(page, 'split-05-export-sessions-dialog');
    const downloadP = page.waitForEvent('download');
    await dialog.getByTestId('export-sessions-confirm').click();
    const download = await downloadP;
    expect(download.suggestedFilename()).toBe(`${BASE}-sessions.csv`);
    const file = join(mkdtempSync(join(tmpdir(), 'wirelens-e2e-csv-')), 'sessions.csv');
    await download.saveAs(file);
    expect(readFileSync(file, 'utf8')).toBe(cli(['sessions', join(root, FIXTURE), '--csv']));
    await expect(page.getByTestId('message-bar')).toContainText(`Exported ${sessions.length} sessions as CSV`);
  });

  await test.step('…and as Parquet, written by DuckDB inside the engine worker', async () => {
    await page.getByTestId('export-sessions-button').click();
    const dialog = page.getByTestId('export-sessions-dialog');
    await dialog.getByTestId('export-data-format-parquet').check();
    const downloadP = page.waitForEvent('download');
    await dialog.getByTestId('export-sessions-confirm').click();
    const download = await downloadP;
    expect(download.suggestedFilename()).toBe(`${BASE}-sessions.parquet`);
    const file = join(mkdtempSync(join(tmpdir(), 'wirelens-e2e-parquet-')), 'sessions.parquet');
    await download.saveAs(file);
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const rows = (await conn.runAndReadAll(`SELECT id, proto, a, aport FROM '${file}' ORDER BY id`)).getRowObjectsJson();
    conn.closeSync();
    instance.closeSync();
    expect(rows.map((r) => [Number(r.id), r.proto, r.a, r.aport])).toEqual(sessions.map((r) => [r.id, r.proto, r.a, r.aport]));
  });

  expect(problems).toEqual([]);
});
