/**
 * The SIP calls view through `wirelens serve` with the real engine, on recorded calls: sipp-mixed.pcap (six
 * sipp calls on loopback: answered over UDP with RTP and a re-INVITE, the same over TCP, cancelled, busy 486,
 * failed 503, digest-authenticated — test/fixtures/sipp/record.sh) and a capture from the shared set with
 * REGISTER/INVITE/CANCEL dialogs and RTP. What the list and the ladder show is checked against tshark:
 *   - messages per call: `-T fields -e sip.Call-ID` (and their total: `-z sip,stat` "Number of SIP messages");
 *   - status: the last final answer to an INVITE of the Call-ID; setup: first INVITE to first 2xx (INVITE);
 *   - RTP: `-z rtp,streams` packets, lost and max jitter; the ladder: one arrow per tshark SIP message;
 *   - filter to this call: tshark -Y with the same filter selects the packets the list then displays;
 *   - export: the downloaded pcap read back by tshark holds the call's SIP messages and RTP packets.
 * The states of the sipp calls are known from their scenarios. Screenshots: calls-01-list, calls-02-ladder,
 * calls-03-tcp-ladder, calls-04-shared-capture under test-results/screenshots/.
 */
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURES, serveMissing, startServe, type RunningServer } from './helpers/serve';
import { collectProblems, screenshot } from './helpers/page';

const TSHARK = '/usr/bin/tshark';
const MIXED = 'sipp-mixed.pcap';
const SHARED = 'sip-udp-register-invite-rtp__ndpi__sip.pcap';

const missing = serveMissing() ?? (existsSync(TSHARK) ? null : `${TSHARK} is missing (install the tshark package)`);
if (missing !== null) console.log(`skipping the calls view specs: ${missing}`);
test.skip(missing !== null, missing ?? '');

let server: RunningServer;
test.beforeAll(async () => {
  server = await startServe();
});
test.afterAll(async () => {
  await server?.close();
});

function tshark(file: string, args: string[]): string {
  return execFileSync(TSHARK, ['-n', '-r', file, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

interface TsCall {
  messages: number;
  /** Last final (>= 200) answer to an INVITE, 0 none. */
  status: number;
  /** Seconds from the first INVITE to the first 2xx answering an INVITE, null without one. */
  setup: number | null;
}

/** Per Call-ID facts from tshark's fields (one line per SIP frame; UDP and sipp's TCP carry one message each). */
function tsharkCalls(file: string): Map<string, TsCall> {
  const out = new Map<string, TsCall>();
  const invites = new Map<string, number>();
  const lines = tshark(file, ['-Y', 'sip', '-T', 'fields', '-E', 'separator=\t', '-e', 'frame.time_relative', '-e', 'sip.Call-ID', '-e', 'sip.Method', '-e', 'sip.Status-Code', '-e', 'sip.CSeq.method']);
  for (const line of lines.split('\n').filter(Boolean)) {
    const [time, id, method, code, cseqMethod] = line.split('\t') as [string, string, string, string, string];
    const c = out.get(id) ?? { messages: 0, status: 0, setup: null };
    c.messages++;
    if (method === 'INVITE' && !invites.has(id)) invites.set(id, Number(time));
    const status = Number(code || 0);
    if (status >= 200 && cseqMethod === 'INVITE') c.status = status;
    if (status >= 200 && status < 300 && cseqMethod === 'INVITE' && c.setup === null) c.setup = Number(time) - (invites.get(id) ?? Number(time));
    out.set(id, c);
  }
  return out;
}

/** tshark's -z rtp,streams rows: packets, lost, max jitter. */
function tsharkStreams(file: string): { packets: number; lost: number; maxJitter: number }[] {
  const re = /^\s*[\d.]+\s+[\d.]+\s+\S+\s+\d+\s+\S+\s+\d+\s+0x[0-9A-Fa-f]+\s+.*?\s(\d+)\s+(-?\d+) \([-\d.]+%\)\s+[-\d.]+\s+[-\d.]+\s+[-\d.]+\s+[-\d.]+\s+[-\d.]+\s+([-\d.]+)\s*X?\s*$/;
  return tshark(file, ['-q', '-z', 'rtp,streams'])
    .split('\n')
    .map((l) => re.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ packets: Number(m[1]), lost: Number(m[2]), maxJitter: Number(m[3]) }));
}

async function openCapture(page: Page, name: string): Promise<void> {
  await page.getByTestId('open-button').click();
  const dialog = page.getByTestId('open-dialog');
  await expect(dialog).toBeVisible();
  await dialog.locator(`.file-entry[data-name="${name}"]`).click();
  await dialog.getByTestId('open-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('indexing-progress')).toBeHidden();
}

const cell = (page: Page, row: number, col: string) => page.locator(`[data-testid="calls-grid"] .ag-row[row-index="${row}"] [col-id="${col}"]`);

/** The rows the grid shows: Call-ID → the cells' text. */
async function shownRows(page: Page, count: number): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (let r = 0; r < count; r++) {
    const rec: Record<string, string> = {};
    for (const col of ['callId', 'state', 'status', 'setup', 'messages', 'streams', 'lost', 'jitter', 'transport', 'method']) rec[col] = ((await cell(page, r, col).textContent()) ?? '').trim();
    out.set(rec.callId as string, rec);
  }
  return out;
}

test('SIP calls: list, ladder, filter and export against tshark', async ({ page }) => {
  const problems = collectProblems(page);
  const file = join(CAPTURES, MIXED);
  const ts = tsharkCalls(file);
  const sipStat = /Number of SIP messages: (\d+)/.exec(tshark(file, ['-q', '-z', 'sip,stat']));
  expect(sipStat).not.toBeNull();

  await page.goto(server.url);
  await expect(page.locator('.conn-open')).toBeVisible();
  await openCapture(page, MIXED);
  await page.getByRole('tab', { name: 'SIP calls' }).click();
  await expect(page.getByTestId('calls-view')).toBeVisible();
  await expect(page.getByTestId('calls-counts')).toHaveText(`${ts.size} dialogs`);

  let rows = new Map<string, Record<string, string>>();
  await test.step('the call list: one row per Call-ID with tshark’s numbers', async () => {
    await expect(cell(page, ts.size - 1, 'state')).not.toHaveText('');
    rows = await shownRows(page, ts.size);
    expect([...rows.keys()].sort()).toEqual([...ts.keys()].sort());
    let total = 0;
    for (const [id, want] of ts) {
      const r = rows.get(id) as Record<string, string>;
      expect(Number(r.messages), `${id} messages`).toBe(want.messages);
      expect(Number(r.status || 0), `${id} status`).toBe(want.status);
      expect(r.setup, `${id} setup`).toBe(want.setup === null ? '' : want.setup.toFixed(3));
      total += Number(r.messages);
    }
    expect(total).toBe(Number(sipStat?.[1]));
    // Capture order = the order the calls were recorded in (record.sh), each with its scenario's outcome.
    const states: string[] = [];
    for (let r = 0; r < ts.size; r++) states.push(`${await cell(page, r, 'state').textContent()}/${await cell(page, r, 'transport').textContent()}`);
    expect(states).toEqual(['completed/UDP', 'completed/TCP', 'cancelled/UDP', 'rejected/UDP', 'failed/UDP', 'completed/UDP']);
    await screenshot(page, 'calls-01-list');
  });

  await test.step('sorting and filtering', async () => {
    await page.locator('[data-testid="calls-grid"] .ag-header-cell[col-id="messages"]').click();
    await expect.poll(async () => Number(await cell(page, 0, 'messages').textContent())).toBe(Math.min(...[...ts.values()].map((c) => c.messages)));
    await page.getByTestId('calls-search').fill('486');
    await expect(page.getByTestId('calls-counts')).toHaveText(`1 of ${ts.size} dialogs`);
    await expect(cell(page, 0, 'state')).toHaveText('rejected');
    await page.getByTestId('calls-search').fill('');
    await page.getByTestId('calls-state').selectOption('completed');
    await expect(page.getByTestId('calls-counts')).toHaveText(`3 of ${ts.size} dialogs`);
    await page.getByTestId('calls-state').selectOption('');
    await page.locator('[data-testid="calls-grid"] .ag-header-cell[col-id="start"]').click();
    await expect(page.getByTestId('calls-counts')).toHaveText(`${ts.size} dialogs`);
    await expect.poll(async () => (await cell(page, 0, 'transport').textContent()) + '/' + (await cell(page, 1, 'transport').textContent())).toBe('UDP/TCP');
  });

  const udpCall = [...ts.keys()][0] as string;
  await test.step('opening a call draws its ladder: one arrow per SIP message, RTP as spans', async () => {
    await cell(page, 0, 'method').click();
    const ladder = page.getByTestId('call-ladder');
    await expect(ladder).toBeVisible();
    await expect(ladder.getByTestId('ladder-msg')).toHaveCount(ts.get(udpCall)?.messages ?? -1);
    // Caller and callee signalling, then the two media endpoints.
    await expect(ladder.getByTestId('ladder-endpoint')).toHaveText(['127.0.0.1:5070', '127.0.0.1:5060', '127.0.0.1:6100', '127.0.0.1:6000']);
    const labels = await ladder.getByTestId('ladder-msg').evaluateAll((els) => els.map((e) => e.getAttribute('data-label')));
    expect(labels).toEqual(['INVITE (SDP)', '100 Trying', '180 Ringing', '200 OK (SDP)', 'ACK', 'INVITE (SDP)', '200 OK (SDP)', 'ACK', 'BYE', '200 OK']);
    // The arrows' packets are tshark's SIP frames of this Call-ID, in order.
    const frames = tshark(file, ['-Y', `sip.Call-ID == "${udpCall}"`, '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).map(Number);
    const numbers = await ladder.getByTestId('ladder-msg').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-number'))));
    expect(numbers).toEqual(frames);
    await expect(ladder.getByTestId('ladder-rtp')).toHaveCount(2);
    await expect(page.getByTestId('call-panel-state')).toHaveText('completed (200)');
    await screenshot(page, 'calls-02-ladder');
  });

  await test.step('clicking an arrow selects its packet: the raw SIP message shows below', async () => {
    const ringing = page.getByTestId('call-ladder').locator('[data-testid="ladder-msg"][data-label="180 Ringing"]');
    const number = Number(await ringing.getAttribute('data-number'));
    await ringing.locator('.ladder-line').click({ force: true });
    const tree = page.getByTestId('detail-tree');
    await expect(tree).toContainText(new RegExp(`Frame ${number}\\b`));
    await expect(tree).toContainText('Session Initiation Protocol');
  });

  await test.step('export the call as pcap: tshark reads back its SIP and RTP', async () => {
    const downloadP = page.waitForEvent('download');
    await page.getByTestId('call-export-pcap').click();
    const download = await downloadP;
    const out = join(mkdtempSync(join(tmpdir(), 'wirelens-e2e-call-')), 'call.pcap');
    await download.saveAs(out);
    await expect(page.getByTestId('message-bar')).toContainText('Exported');
    const ids = tshark(out, ['-Y', 'sip', '-T', 'fields', '-e', 'sip.Call-ID']).split('\n').filter(Boolean);
    expect(ids).toHaveLength(ts.get(udpCall)?.messages ?? -1);
    expect(new Set(ids)).toEqual(new Set([udpCall]));
    const rtp = tsharkStreams(out);
    expect(rtp.map((s) => s.packets)).toEqual([101, 101]);
  });

  await test.step('filter to this call: the packet list shows what tshark selects with the same filter', async () => {
    await page.getByTestId('call-filter').click();
    const expr = await page.getByTestId('display-filter').inputValue();
    expect(expr).toContain(`sip.Call-ID == "${udpCall}"`);
    const want = tshark(file, ['-Y', expr, '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).length;
    expect(want).toBe(10 + 202);
    await expect(page.getByTestId('status-displayed')).toHaveText(want.toLocaleString('en-US'));
    await expect(page.locator('[data-testid="packet-list"]')).toBeVisible();
    await page.getByTestId('filter-clear').click();
  });

  await test.step('the TCP call: the ladder is the same dialog, reassembled from the stream', async () => {
    await page.getByRole('tab', { name: 'SIP calls' }).click();
    const tcpCall = [...ts.keys()][1] as string;
    const row = [...rows.entries()].find(([id]) => id === tcpCall)?.[1];
    expect(row?.transport).toBe('TCP');
    await cell(page, 1, 'method').click();
    const ladder = page.getByTestId('call-ladder');
    await expect(page.getByTestId('call-facts')).toContainText(tcpCall);
    await expect(ladder.getByTestId('ladder-msg')).toHaveCount(ts.get(tcpCall)?.messages ?? -1);
    const frames = tshark(file, ['-Y', `sip.Call-ID == "${tcpCall}"`, '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).map(Number);
    const numbers = await ladder.getByTestId('ladder-msg').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-number'))));
    expect(numbers).toEqual(frames);
    await screenshot(page, 'calls-03-tcp-ladder');
  });

  expect(problems).toEqual([]);
});

test('SIP calls of a capture from the shared set: REGISTER, INVITE, CANCEL, 403/480 and RTP against tshark', async ({ page }) => {
  const problems = collectProblems(page);
  const file = join(CAPTURES, SHARED);
  const ts = tsharkCalls(file);
  const streams = tsharkStreams(file);
  expect(streams).toHaveLength(1);

  await page.goto(server.url);
  await expect(page.locator('.conn-open')).toBeVisible();
  await openCapture(page, SHARED);
  await page.getByRole('tab', { name: 'SIP calls' }).click();
  await expect(page.getByTestId('calls-counts')).toHaveText(`${ts.size} dialogs`);
  await expect(cell(page, ts.size - 1, 'state')).not.toHaveText('');
  const rows = await shownRows(page, ts.size);
  for (const [id, want] of ts) {
    const r = rows.get(id) as Record<string, string>;
    expect(Number(r.messages), id).toBe(want.messages);
    if (r.method === 'INVITE') expect(Number(r.status || 0), id).toBe(want.status);
  }
  // The one call with media: tshark's stream figures.
  const withRtp = [...rows.values()].filter((r) => r.streams !== '—' && r.streams !== '');
  expect(withRtp).toHaveLength(1);
  const s = streams[0] as { packets: number; lost: number; maxJitter: number };
  expect(withRtp[0]?.streams).toBe(`1 · ${s.packets} pkts`);
  expect(Number(withRtp[0]?.lost)).toBe(s.lost);
  expect(withRtp[0]?.jitter).toBe(s.maxJitter.toFixed(2));
  await page.getByTestId('calls-invites').check();
  const invites = [...rows.values()].filter((r) => r.method === 'INVITE').length;
  await expect(page.getByTestId('calls-counts')).toHaveText(`${invites} of ${ts.size} dialogs`);
  await screenshot(page, 'calls-04-shared-capture');
  expect(problems).toEqual([]);
});
