#!/usr/bin/env node
// bench/call-list-bench.js - the SIP call list on a big capture: time from "indexing finished" to the call
// list's first page, through the same service code the UI's requests run (CaptureSession + the calls view's
// calls.list handler, built in dist/ by `npm run build`).
//
// Usage: node bench/call-list-bench.js [FILE] [--runs N] [--target MS] [--no-tshark]
//   FILE       capture (default bench/data/big-1m.pcap; bash bench/make-data.sh makes it)
//   --runs N   repeat the measurement N times on fresh sessions, report each and the median (default 3)
//   --target   PASS/FAIL threshold in ms (default 1000: "the call list appears within 1 s after indexing")
//
// Measured (cold, the worst case): the file is indexed completely with the calls view closed; then the first
// page is asked for (calls.list, 100 rows sorted by start) and asked again until it says `complete` (every
// indexed packet looked at) — the view would show rows sooner, the time counts until they are all there.
// Also printed (warm): the view open while the file is read, asking as the UI does on status events, so most
// of the work is done by the time indexing ends.
// Reference: wall time of `tshark -n -q -r FILE -z sip,stat` (reads the whole file; printed as a ratio).
// Plain Node (>= 20), CommonJS, no dependencies beyond the project's own build.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

function parseArgs(argv) {
  const o = { file: path.join(__dirname, 'data', 'big-1m.pcap'), runs: 3, target: 1000, tshark: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') o.runs = Math.max(1, Number(argv[++i]));
    else if (a === '--target') o.target = Number(argv[++i]);
    else if (a === '--no-tshark') o.tshark = false;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else o.file = path.resolve(a);
  }
  return o;
}

function load(rel) {
  const p = path.join(DIST, rel);
  if (!fs.existsSync(p)) throw new Error(`${p} is missing: run npm run build`);
  return require(p);
}

const { CaptureSession } = load('main/service/capture-session.js');
const { callsHandlers } = load('main/service/views/calls.js');
const { callsMethods } = load('shared/views/calls.js');

/** Opens `file` as the service does; resolves when indexing is done. `onChange` runs on every progress event. */
function openAndIndex(file, onChange) {
  return new Promise((resolve, reject) => {
    let session = null;
    const changed = () => {
      if (session === null) return;
      if (onChange) onChange(session);
      if (!session.indexing) resolve(session);
    };
    try {
      session = new CaptureSession(file, { follow: false }, () => setImmediate(changed));
    } catch (err) {
      reject(err);
      return;
    }
    setImmediate(changed);
  });
}

function handlersFor(session) {
  const ctx = {
    current: () => session,
    session: () => session,
    policy: () => ({ root: null, allowPaths: false, downloads: true }),
  };
  return callsHandlers(ctx);
}

const FIRST_PAGE = callsMethods['calls.list'].parse({ start: 0, count: 100 });

/** Asks for the first page until it is complete; returns ms to the first answer and to the complete one. */
async function firstPage(handlers) {
  const t0 = performance.now();
  let first = -1;
  for (;;) {
    const r = await handlers['calls.list'](FIRST_PAGE, new AbortController().signal);
    if (first < 0) first = performance.now() - t0;
    if (r.complete) return { first, complete: performance.now() - t0, rows: r.rows.length, all: r.all };
  }
}

/** SIP messages over every dialog (all pages), to compare with tshark's count. */
async function allMessages(handlers) {
  let n = 0;
  for (let start = 0; ; start += 1000) {
    const r = await handlers['calls.list'](callsMethods['calls.list'].parse({ start, count: 1000 }), new AbortController().signal);
    for (const row of r.rows) n += row.messages;
    if (start + 1000 >= r.total) return n;
  }
}

async function cold(file) {
  const t0 = performance.now();
  const session = await openAndIndex(file);
  const indexMs = performance.now() - t0;
  const handlers = handlersFor(session);
  const cpu0 = process.cpuUsage();
  const page = await firstPage(handlers);
  const cpu = process.cpuUsage(cpu0);
  page.cpu = (cpu.user + cpu.system) / 1000;
  const messages = await allMessages(handlers);
  session.close();
  return { indexMs, packets: session.index.store.count, messages, ...page };
}

async function warm(file) {
  let handlers = null;
  let asking = false;
  let last = 0;
  const session = await openAndIndex(file, (s) => {
    // The view is open: on a status event (at most 10/s, the UI throttles to 1/s) it re-pulls its rows.
    handlers = handlers ?? handlersFor(s);
    const now = performance.now();
    if (asking || now - last < 1000) return;
    asking = true;
    last = now;
    handlers['calls.list'](FIRST_PAGE, new AbortController().signal).finally(() => (asking = false));
  });
  const page = await firstPage(handlers ?? handlersFor(session));
  session.close();
  return page;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function tsharkSipStat(file) {
  const t0 = performance.now();
  const r = spawnSync('tshark', ['-n', '-q', '-r', file, '-z', 'sip,stat'], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) return null;
  return { ms: performance.now() - t0, messages: /Number of SIP messages: (\d+)/.exec(String(r.stdout))?.[1] ?? '?' };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(o.file)) {
    console.error(`${o.file} is missing (make it with: bash bench/make-data.sh)`);
    process.exit(1);
  }
  console.log(`call list bench: ${o.file} (load average ${require('os').loadavg().map((x) => x.toFixed(1)).join(' ')})`);
  const colds = [];
  let messages = 0;
  for (let i = 0; i < o.runs; i++) {
    const r = await cold(o.file);
    colds.push(r.complete);
    messages = r.messages;
    console.log(
      `  cold run ${i + 1}: indexed ${r.packets} packets in ${r.indexMs.toFixed(0)} ms; first page ${r.first.toFixed(0)} ms, ` +
        `complete ${r.complete.toFixed(0)} ms (CPU ${r.cpu.toFixed(0)} ms; ${r.all} dialogs, ${r.messages} SIP messages; ${r.rows} rows)`,
    );
  }
  const w = await warm(o.file);
  console.log(`  warm (view open while indexing): complete first page ${w.complete.toFixed(0)} ms after indexing finished`);
  const ms = median(colds);
  const ok = ms <= o.target;
  console.log(`call list after indexing: ${ms.toFixed(0)} ms (median of ${colds.length}) — target ${o.target} ms: ${ok ? 'PASS' : 'FAIL'}`);
  if (o.tshark) {
    const t = tsharkSipStat(o.file);
    if (t === null) console.log('reference: tshark -z sip,stat could not run (is tshark installed?)');
    else {
      console.log(`reference: tshark -q -z sip,stat ${t.ms.toFixed(0)} ms (${t.messages} SIP messages); ratio tshark / ours after indexing = ${(t.ms / ms).toFixed(1)}x`);
      if (String(messages) !== t.messages) console.log(`  note: SIP messages differ: ours ${messages}, tshark ${t.messages}`);
    }
  }
  process.exitCode = ok ? 0 : 2;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
