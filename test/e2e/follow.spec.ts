/**
 * Follow stream in the browser against the REAL engine through `wirelens serve`, checked against tshark:
 * what the dialog shows in ASCII and raw mode equals `tshark -q -z follow,tcp|udp,ascii|raw,N` chunk by chunk
 * and direction by direction (pipelined HTTP; a TCP stream with overlaps and bytes lost by the capture; a UDP
 * DNS stream), the nodes equal tshark's Node 0/1, the hex dump is Wireshark's layout, a single direction shows
 * only its chunks, Save as raw writes tshark's bytes, and "Filter to this stream" writes tshark's filter into the
 * bar with tshark's packet count. Opened from the packet list's context menu and with Ctrl+Alt+Shift+T/U.
 */
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURES, serveMissing, startServe, type RunningServer } from './helpers/serve';
import { collectProblems, screenshot } from './helpers/page';

const TSHARK = '/usr/bin/tshark';
const PIPELINED = 'http-pipelined__zeek__pipelined-requests.pcap';
const OVERLAP = 'tcp-reassembly-overlap__zeek__reassembly.pcap';
const DNS_UDP = 'dns-udp__tcpdump__dns_udp.pcap';

const missing = serveMissing();
test.skip(missing !== null, missing ?? '');

let server: RunningServer;
test.beforeAll(async () => {
  server = await startServe();
});
test.afterAll(async () => {
  await server?.close();
});

interface Follow {
  filter: string;
  nodes: [string, string];
  chunks: { dir: number; text: string }[];
}

/** tshark's follow output for one stream; ASCII chunks are cut by their length lines, raw chunks are lines. */
function tsharkFollow(file: string, proto: 'tcp' | 'udp', mode: 'ascii' | 'raw', stream: number): Follow {
  const out = execFileSync(TSHARK, ['-r', join(CAPTURES, file), '-q', '-z', `follow,${proto},${mode},${stream}`], {
    encoding: 'latin1',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = (prefix: string): string => {
    const at = out.indexOf(`\n${prefix}`);
    return out.slice(at + 1 + prefix.length, out.indexOf('\n', at + 1));
  };
  const nodes: [string, string] = [line('Node 0: '), line('Node 1: ')];
  let pos = out.indexOf('\n', out.indexOf('\nNode 1: ') + 1) + 1;
  const end = out.lastIndexOf('\n===');
  const chunks: Follow['chunks'] = [];
  while (pos < end) {
    const nl = out.indexOf('\n', pos);
    let head = out.slice(pos, nl);
    const dir = head.startsWith('\t') ? 1 : 0;
    if (dir) head = head.slice(1);
    if (mode === 'raw') {
      chunks.push({ dir, text: head });
      pos = nl + 1;
      continue;
    }
    const n = Number(head);
    chunks.push({ dir, text: out.slice(nl + 1, nl + 1 + n) });
    pos = nl + 1 + n + 1;
  }
  return { filter: line('Filter: '), nodes, chunks };
}

/** The marker tshark writes for bytes lost by the capture, as hex with its NUL: our raw view shows its text. */
function rawAsShown(hex: string): string {
  const text = Buffer.from(hex, 'hex').toString('latin1');
  return /^\[\d+ bytes missing in capture file\]\0$/.test(text) ? text.slice(0, -1) : hex;
}

async function openFile(page: Page, name: string): Promise<void> {
  await page.getByTestId('open-button').click();
  const dialog = page.getByTestId('open-dialog');
  await dialog.locator(`.file-entry[data-name="${name}"]`).click();
  await dialog.getByTestId('open-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('indexing-progress')).toBeHidden();
}

const row = (page: Page, index: number) => page.locator(`[data-testid="packet-list"] .ag-row[row-index="${index}"] [col-id="info"]`);

/** Opens the dialog from row `index`'s context menu; returns the tcp/udp.stream number its title shows. */
async function followFromMenu(page: Page, index: number): Promise<number> {
  // The menu reads the packet number from the row: wait until the row's block has loaded (not a blank row).
  await expect(page.locator(`[data-testid="packet-list"] .ag-row[row-index="${index}"] [col-id="number"]`)).toHaveText(/^\s*\d+\s*$/);
  await row(page, index).click({ button: 'right' });
  const item = page.getByTestId('menu-follow-stream');
  await expect(item).toBeEnabled();
  await item.click();
  return streamShown(page);
}

async function streamShown(page: Page): Promise<number> {
  const dialog = page.getByTestId('follow-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('follow-content')).toHaveAttribute('data-complete', 'true');
  const title = (await dialog.locator('.dialog-title').textContent()) ?? '';
  const m = /(tcp|udp)\.stream eq (\d+)/.exec(title);
  expect(m, title).not.toBeNull();
  return Number(m?.[2]);
}

async function shownChunks(page: Page): Promise<{ dir: number; text: string }[]> {
  return page
    .getByTestId('follow-content')
    .locator('span')
    .evaluateAll((els) => els.map((e) => ({ dir: Number(e.getAttribute('data-dir')), text: e.textContent ?? '' })));
}

async function setMode(page: Page, mode: 'ascii' | 'hex' | 'raw'): Promise<void> {
  await page.getByTestId('follow-mode').selectOption(mode);
}

/** Wireshark's hex dump line, written independently of the renderer's code. */
function hexLine(bytes: Buffer, offset: number): string {
  const hex = [...bytes].map((b, i) => b.toString(16).padStart(2, '0') + (i === 7 ? '  ' : ' ')).join('');
  const text = [...bytes].map((b, i) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.') + (i === 7 ? ' ' : '')).join('');
  return `${offset.toString(16).toUpperCase().padStart(8, '0')}  ${hex.padEnd(49)}  ${text}`;
}

test('follow a pipelined HTTP TCP stream: ASCII, raw, hex, one direction, save and filter equal tshark', async ({ page }) => {
  const problems = collectProblems(page);
  await page.goto(server.url);
  await openFile(page, PIPELINED);
  const stream = await followFromMenu(page, 3);
  const ascii = tsharkFollow(PIPELINED, 'tcp', 'ascii', stream);
  const raw = tsharkFollow(PIPELINED, 'tcp', 'raw', stream);
  expect(ascii.chunks.length).toBeGreaterThan(3);

  await test.step('nodes and ASCII chunks', async () => {
    await expect(page.getByTestId('follow-node0')).toHaveText(ascii.nodes[0]);
    await expect(page.getByTestId('follow-node1')).toHaveText(ascii.nodes[1]);
    // Wireshark's dialog keeps tabs (sanitize_buffer keeps \t \n \r); tshark's ASCII output prints them as '.'.
    const shown = (await shownChunks(page)).map((c) => ({ dir: c.dir, text: c.text.replace(/\t/g, '.') }));
    expect(shown).toEqual(ascii.chunks);
    expect((await shownChunks(page)).some((c) => c.text.includes('\t'))).toBe(true);
    // Wireshark's colours: client red, server blue.
    const colors = await page
      .getByTestId('follow-content')
      .locator('span')
      .evaluateAll((els) => els.slice(0, 2).map((e) => getComputedStyle(e).color));
    expect(colors[0]).toBe('rgb(127, 0, 0)');
    expect(colors[1]).toBe('rgb(0, 0, 127)');
    await screenshot(page, 'follow-ascii');
  });

  await test.step('raw and hex dump', async () => {
    await setMode(page, 'raw');
    expect((await shownChunks(page)).map((c) => ({ dir: c.dir, text: c.text.trimEnd() }))).toEqual(raw.chunks);
    await setMode(page, 'hex');
    const shown = await shownChunks(page);
    const first = Buffer.from(raw.chunks[0]?.text ?? '', 'hex');
    expect(shown[0]?.text.split('\n')[0]).toBe(hexLine(first.subarray(0, 16), 0));
    // The server's first chunk starts at its own offset 0, indented by four spaces.
    const k = raw.chunks.findIndex((c) => c.dir === 1);
    expect(shown[k]?.text.split('\n')[0]).toBe(`    ${hexLine(Buffer.from(raw.chunks[k]?.text ?? '', 'hex').subarray(0, 16), 0)}`);
    await screenshot(page, 'follow-hex');
  });

  await test.step('one direction', async () => {
    await page.getByTestId('follow-direction').selectOption('server');
    await expect(page.getByTestId('follow-content')).toHaveAttribute('data-complete', 'true');
    await setMode(page, 'raw');
    const server = raw.chunks.filter((c) => c.dir === 1);
    await expect.poll(async () => (await shownChunks(page)).length).toBe(server.length);
    expect((await shownChunks(page)).map((c) => ({ dir: c.dir, text: c.text.trimEnd() }))).toEqual(server);
    await page.getByTestId('follow-direction').selectOption('both');
  });

  await test.step('save as raw writes the stream bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wl-follow-'));
    const downloadP = page.waitForEvent('download');
    await page.getByTestId('follow-save-raw').click();
    const file = join(dir, 'stream.bin');
    await (await downloadP).saveAs(file);
    expect(readFileSync(file).toString('hex')).toBe(raw.chunks.map((c) => c.text).join(''));
  });

  await test.step('filter to this stream', async () => {
    await page.getByTestId('follow-filter').click();
    await expect(page.getByTestId('follow-dialog')).toBeHidden();
    await expect(page.getByTestId('display-filter')).toHaveValue(ascii.filter);
    const count = execFileSync(TSHARK, ['-r', join(CAPTURES, PIPELINED), '-Y', ascii.filter], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter(Boolean).length;
    await expect(page.getByTestId('status-displayed')).toHaveText(count.toLocaleString('en-US'));
    await page.getByTestId('filter-clear').click();
  });
  expect(problems).toEqual([]);
});

test('follow a TCP stream with overlaps and lost segments, and a UDP stream by keyboard', async ({ page }) => {
  const problems = collectProblems(page);
  await page.goto(server.url);

  await test.step('overlaps and "bytes missing in capture file" markers, as tshark', async () => {
    await openFile(page, OVERLAP);
    const stream = await followFromMenu(page, 0);
    const raw = tsharkFollow(OVERLAP, 'tcp', 'raw', stream);
    expect(raw.chunks.some((c) => rawAsShown(c.text) !== c.text)).toBe(true);
    await setMode(page, 'raw');
    const shown = (await shownChunks(page)).map((c) => ({ dir: c.dir, text: c.text.trimEnd() }));
    expect(shown).toEqual(raw.chunks.map((c) => ({ dir: c.dir, text: rawAsShown(c.text) })));
    await setMode(page, 'ascii');
    await screenshot(page, 'follow-missing');
    await page.keyboard.press('Escape');
  });

  await test.step('Ctrl+Alt+Shift+U follows the selected DNS packet over UDP; T says it is not TCP', async () => {
    await openFile(page, DNS_UDP);
    await row(page, 0).click();
    await page.keyboard.press('Control+Alt+Shift+T');
    await expect(page.getByTestId('message-bar')).toContainText('not part of a TCP stream');
    await page.keyboard.press('Control+Alt+Shift+U');
    const stream = await streamShown(page);
    const raw = tsharkFollow(DNS_UDP, 'udp', 'raw', stream);
    await expect(page.getByTestId('follow-node0')).toHaveText(raw.nodes[0]);
    await setMode(page, 'raw');
    expect((await shownChunks(page)).map((c) => ({ dir: c.dir, text: c.text.trimEnd() }))).toEqual(raw.chunks);
    await screenshot(page, 'follow-udp');
  });
  expect(problems).toEqual([]);
});
