#!/usr/bin/env node
// bench/ui-bench.js - the browser UI on a big capture, through `wirelens serve` in Chromium.
//
// Usage: node bench/ui-bench.js [FILE] [--json OUT] [--jumps N]
//   FILE       capture to open (default bench/data/big-1m.pcap; made by bench/make-data.sh)
//   --json OUT also write the figures as JSON
//   --jumps N  Go to packet this many times after the first jump to 900,000 (median reported; default 5)
//
// Measures, in the page (performance.now(), so the harness's own polling does not count):
//   open → first rows   from the Open dialog's Open click until row 0 shows packet 1 (and a frame was painted)
//   open → indexed      until the status bar says every packet is indexed (no progress bar)
//   jump                from Go to packet's Enter until the selected row 900,000 is rendered with its data
// Targets: first rows < 0.5 s, jump < 0.2 s. Needs `npm run build` (dist/) and Chromium (/usr/bin/chromium or
// WIRELENS_CHROMIUM); playwright-core drives it (a devDependency, no browser download).
// Plain Node, CommonJS. Exit 0 when it ran (targets missed or not), 1 when it could not run, 0 with a
// "skipped" line when the capture or Chromium is missing.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_FILE = path.join(__dirname, 'data', 'big-1m.pcap');
const SERVER_JS = path.join(ROOT, 'dist', 'main', 'serve', 'server.js');
const CHROMIUM = process.env.WIRELENS_CHROMIUM || '/usr/bin/chromium';
const TARGETS = { firstRowsS: 0.5, jumpS: 0.2 };
const JUMP_TO = 900000;

function parseArgs(argv) {
  const o = { file: DEFAULT_FILE, json: null, jumps: 5 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') o.json = argv[++i];
    else if (a === '--jumps') o.jumps = Number(argv[++i]);
    else if (a === '-h' || a === '--help') {
      const text = fs.readFileSync(__filename, 'utf8').split('\n');
      process.stdout.write(text.slice(1, text.findIndex((l) => l.startsWith("'use strict'"))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.file = path.resolve(a);
  }
  if (!Number.isInteger(o.jumps) || o.jumps < 0) throw new Error('--jumps needs a whole number');
  return o;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sec = (ms) => (ms / 1000).toFixed(3);

/** Times one Go to packet in the page: from submitting the dialog to the selected row showing `number`. */
async function jump(page, number) {
  await page.keyboard.press('Control+g');
  const input = page.getByTestId('goto-input');
  await input.waitFor();
  await input.fill(String(number));
  return page.evaluate(
    (n) =>
      new Promise((resolve, reject) => {
        const sel = '[data-testid="packet-list"] .ag-row.wl-selected [col-id="number"]';
        const done = () => {
          const cell = document.querySelector(sel);
          if (!cell || cell.textContent !== String(n)) return false;
          // Rendered: wait for the next frame so the time includes painting it.
          mo.disconnect();
          clearTimeout(timer);
          requestAnimationFrame(() => resolve(performance.now() - t0));
          return true;
        };
        const mo = new MutationObserver(done);
        const timer = setTimeout(() => {
          mo.disconnect();
          reject(new Error(`packet ${n} was not rendered within 30 s`));
        }, 30000);
        mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
        const form = document.querySelector('[data-testid="goto-input"]').form;
        const t0 = performance.now();
        form.requestSubmit();
      }),
    number,
  );
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  console.log('== UI benchmark: wirelens serve in Chromium ==');
  if (!fs.existsSync(o.file)) {
    console.log(`skipped: ${path.relative(process.cwd(), o.file)} is missing; make it with: bash bench/make-data.sh ${path.relative(process.cwd(), o.file)}`);
    return 0;
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`skipped: ${CHROMIUM} is missing (apt-get install chromium, or set WIRELENS_CHROMIUM)`);
    return 0;
  }
  if (!fs.existsSync(SERVER_JS)) {
    console.error(`${path.relative(ROOT, SERVER_JS)} not found: build first (npm run build; npm run bench does it)`);
    return 1;
  }
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch (err) {
    console.error(`playwright-core is not installed (a devDependency): ${err.message}`);
    return 1;
  }
  const { startServer } = require(SERVER_JS);
  // The capture's directory is the root (what the Open dialog lists); a private spool directory, never the user's.
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelens-ui-bench-spool-'));
  const server = await startServer({ root: path.dirname(o.file), port: 0, spoolDir, log: () => {} });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(server.url);
    await page.locator('.conn-open').waitFor();

    // Open dialog: pick the file, then time from the Open click (inside the page).
    await page.getByTestId('open-button').click();
    const entry = page.locator(`[data-testid="open-dialog"] .file-entry[data-name="${path.basename(o.file)}"]`);
    await entry.click();
    const opened = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const first = '[data-testid="packet-list"] .ag-row[row-index="0"] [col-id="number"]';
          const t = { first: null, indexed: null };
          const check = () => {
            const now = performance.now();
            if (t.first === null) {
              const cell = document.querySelector(first);
              if (cell && cell.textContent === '1') {
                t.first = -1; // painted at the next frame
                requestAnimationFrame(() => (t.first = performance.now() - t0));
              }
            }
            if (t.indexed === null && t.first !== null) {
              const total = document.querySelector('[data-testid="status-total"]');
              const busy = document.querySelector('[data-testid="indexing-progress"]');
              const path = document.querySelector('.status-file');
              if (total && !busy && path && !/No capture/.test(path.textContent) && total.textContent !== '0') t.indexed = now - t0;
            }
            if (t.first !== null && t.first >= 0 && t.indexed !== null) {
              clearInterval(poll);
              mo.disconnect();
              resolve({ firstMs: t.first, indexedMs: t.indexed, packets: Number(document.querySelector('[data-testid="status-total"]').textContent.replace(/,/g, '')) });
            }
          };
          const mo = new MutationObserver(check);
          mo.observe(document.body, { subtree: true, childList: true, characterData: true });
          // The status bar changes ~10×/s anyway; a slow poll catches the last change without relying on it.
          const poll = setInterval(check, 20);
          setTimeout(() => {
            clearInterval(poll);
            mo.disconnect();
            reject(new Error('the capture was not indexed within 10 minutes'));
          }, 600000);
          const t0 = performance.now();
          document.querySelector('[data-testid="open-confirm"]').click();
        }),
    );
    console.log(`capture: ${path.relative(process.cwd(), o.file)}  ${opened.packets.toLocaleString('en-US')} packets, ${(fs.statSync(o.file).size / 1e6).toFixed(1)} MB`);
    console.log(`chromium: ${browser.version()}  node ${process.version}  ${os.cpus().length} CPU, load ${os.loadavg()[0].toFixed(2)}`);

    const jumps = [];
    const first = await jump(page, JUMP_TO);
    // More jumps to places whose rows are not cached (then back to 900,000 last), for a steadier figure.
    const spread = [0.1, 0.5, 0.25, 0.75].map((f) => Math.max(1, Math.floor(f * opened.packets)));
    const targets = [...spread.slice(0, Math.max(0, o.jumps - 1)), JUMP_TO].slice(-o.jumps);
    for (const n of targets) {
      if (n > opened.packets) continue;
      jumps.push(await jump(page, n));
    }
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'ui-bench-jump.png') }).catch(() => undefined);
    if (JUMP_TO > opened.packets) console.log(`note: the capture has fewer than ${JUMP_TO} packets; jumped to what exists`);

    const jumpMedian = median([first, ...jumps]);
    const yn = (ok) => (ok ? 'yes' : 'NO');
    const rows = [
      ['measure', 'seconds', 'target', 'met'],
      ['open → first rows visible', sec(opened.firstMs), `< ${TARGETS.firstRowsS}`, yn(opened.firstMs / 1000 < TARGETS.firstRowsS)],
      ['open → fully indexed', sec(opened.indexedMs), '-', '-'],
      [`jump to ${JUMP_TO.toLocaleString('en-US')} (first)`, sec(first), `< ${TARGETS.jumpS}`, yn(first / 1000 < TARGETS.jumpS)],
      [`jump, median of ${jumps.length + 1}`, sec(jumpMedian), `< ${TARGETS.jumpS}`, yn(jumpMedian / 1000 < TARGETS.jumpS)],
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
    for (const r of rows) console.log(r.map((v, c) => (c === 1 ? String(v).padStart(widths[c]) : String(v).padEnd(widths[c]))).join('  '));
    if (problems.length) console.log(`page errors: ${problems.join('; ')}`);
    if (o.json) {
      fs.writeFileSync(o.json, JSON.stringify({ file: o.file, packets: opened.packets, firstRowsS: opened.firstMs / 1000, indexedS: opened.indexedMs / 1000,
        jumpFirstS: first / 1000, jumpMedianS: jumpMedian / 1000, jumpsS: [first, ...jumps].map((x) => x / 1000), targets: TARGETS,
        date: new Date().toISOString() }, null, 2) + '\n');
    }
    return 0;
  } finally {
    await browser.close().catch(() => undefined);
    await server.close();
    fs.rmSync(spoolDir, { recursive: true, force: true });
  }
}

module.exports = { main };
if (require.main === module) {
  main().then((code) => process.exit(code), (err) => { process.stderr.write(`${err.stack || err}\n`); process.exit(1); });
}
