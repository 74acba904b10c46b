#!/usr/bin/env node
// bench/run.js - time Wirelens against tshark on a big capture (wall time and peak RSS per child).
//
// Usage: node bench/run.js [FILE] [--only list,sessions] [--runs N] [--timeout S] [--json OUT]
//                          [--stand-in] [--no-warm] [--strict] [--list]
//   FILE        capture to use (default bench/data/big-1m.pcap, made by bench/make-data.sh if missing)
//   --only      comma-separated pair names (see --list)
//   --runs N    run every command N times, report the median of each measure (default 1)
//   --timeout S kill a command after S seconds (default 1800)
//   --json OUT  also write the results as JSON
//   --stand-in  run the reference command on both sides (tests the harness without the CLI)
//   --no-warm   do not read the capture once before timing (default: warm the page cache)
//   --strict    exit 2 when a target is missed (exit 1 when a command fails, as always)
//
// After the CLI pairs, the flow runs two steps of their own (see STEPS): bench/ui-bench.js (the browser UI on
// the capture through `serve` in Chromium), bench/session-tree-bench.js and bench/call-list-bench.js (the analysis
// views' first page after indexing), bench/db-bench.js (flow database import) and bench/live-bench.js (live capture at rising rates on a veth
// pair, root only). `--only ui,live` runs just those; `--only list` just that pair; --stand-in skips them.
//
// Plain Node (>= 20), CommonJS, no dependencies. Peak RSS comes from GNU time (`/usr/bin/time -f %M`,
// Debian package `time`); without it (or with WL_BENCH_NO_GNU_TIME=1), /proc/PID/status VmHWM is
// polled every 5 ms (approximate). The summed RSS of the command's whole process group is polled too (every
// 20 ms) and counts when larger: `wirelens list` splits its work over worker processes.
// To add a benchmark, add an entry to PAIRS.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_FILE = path.join(__dirname, 'data', 'big-1m.pcap');
const CLI_JS = path.join(ROOT, 'dist', 'main', 'cli', 'wirelens.js');

// Placeholders in argv: {node} = this Node binary, {file} = the capture (absolute path).
const WL = ['{node}', 'bin/wirelens.js'];

// Default targets: ours must be >= `speedup` times faster than the reference and use at most
// `rssPerPacket` times the reference's peak RSS per packet. An entry may override either.
const DEFAULT_TARGETS = { speedup: 10, rssPerPacket: 1 / 5 };

// The benchmark table. Each entry: { name, ours: argv, reference: argv, targets?: {...} }.
// Both commands run with cwd = project root and stdout to /dev/null.
const PAIRS = [
  {
    name: 'list',
    ours: [...WL, 'list', '{file}'],
    reference: ['tshark', '-n', '-r', '{file}'],
  },
  // The same with two worker processes (main/cli/parallel-list.ts), which `list` uses by itself from 3 cores on:
  // what the split buys on this machine, against the same reference.
  {
    name: 'list-2-workers',
    ours: ['env', 'WIRELENS_WORKERS=2', ...WL, 'list', '{file}'],
    reference: ['tshark', '-n', '-r', '{file}'],
  },
  // Session accounting alone (no classification), like tshark's conversation tables.
  {
    name: 'sessions',
    ours: [...WL, 'sessions', '{file}', '--no-classify'],
    reference: ['tshark', '-n', '-q', '-r', '{file}', '-z', 'conv,tcp', '-z', 'conv,udp'],
  },
  // The full enrichment pass (issue: application layer): TCP reassembly, the application dissectors (DNS, HTTP,
  // TLS/JA3/JA4, QUIC, SIP/SDP/RTP), classification and GeoIP of every session, against tshark extracting the
  // SNI, DNS names and SIP Call-IDs.
  {
    name: 'enrichment',
    ours: [...WL, 'sessions', '{file}'],
    reference: ['tshark', '-n', '-r', '{file}', '-T', 'fields', '-e', 'tls.handshake.extensions_server_name', '-e', 'dns.qry.name', '-e', 'sip.Call-ID'],
    targets: { speedup: 5, rssPerPacket: 1 / 5 },
  },
  // Display filters (issue: display filters). The cheap one is answered from the store's columns; 10.0.0.43
  // is the TLS server of the generated capture (bench/make-data.sh).
  {
    name: 'filter-cheap',
    ours: [...WL, 'list', '{file}', '-Y', 'ip.addr == 10.0.0.43 and tcp.port == 443'],
    reference: ['tshark', '-n', '-r', '{file}', '-Y', 'ip.addr == 10.0.0.43 and tcp.port == 443'],
  },
  {
    name: 'filter-costly',
    ours: [...WL, 'list', '{file}', '-Y', 'http.request or dns.qry.name contains "a"'],
    reference: ['tshark', '-n', '-r', '{file}', '-Y', 'http.request or dns.qry.name contains "a"'],
    targets: { speedup: 3, rssPerPacket: 1 / 5 },
  },
];

// Steps after the pairs: separate scripts with their own figures and targets, selected by name with --only.
const STEPS = [
  { name: 'ui', script: path.join(__dirname, 'ui-bench.js') },
  // Analysis views (issue: analysis views): first page of the host-grouped session tree and of the SIP call
  // list after indexing, target 1 s each.
  { name: 'session-tree', script: path.join(__dirname, 'session-tree-bench.js') },
  { name: 'call-list', script: path.join(__dirname, 'call-list-bench.js') },
  // Flow database import into SQLite and PostgreSQL, sessions per second.
  { name: 'db', script: path.join(__dirname, 'db-bench.js') },
  { name: 'live', script: path.join(__dirname, 'live-bench.js') },
];

/** Runs the selected STEPS one after another (output inherited); returns the worst exit code. */
function runSteps(o) {
  if (o.standIn || o.list) return 0;
  let code = 0;
  for (const step of STEPS.filter((s) => !o.only || o.only.includes(s.name))) {
    console.log('');
    const r = spawnSync(process.execPath, [step.script, ...(o.file ? [path.resolve(o.file)] : [])], { cwd: ROOT, stdio: 'inherit' });
    code = Math.max(code, r.status === null ? 1 : r.status);
  }
  return code;
}

// ---------------------------------------------------------------- options
function usage(code) {
  const text = fs.readFileSync(__filename, 'utf8').split('\n');
  const end = text.findIndex((l) => l.startsWith("'use strict'"));
  process[code ? 'stderr' : 'stdout'].write(
    text.slice(1, end).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
  process.exit(code);
}

function parseArgs(argv) {
  const o = { file: null, only: null, runs: 1, timeout: 1800, json: null, standIn: false, warm: true,
    strict: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (a.includes('=')) return a.slice(a.indexOf('=') + 1);
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      return argv[++i];
    };
    const key = a.split('=')[0];
    switch (key) {
      case '--only': o.only = val().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--runs': o.runs = posInt(val(), '--runs'); break;
      case '--timeout': o.timeout = posInt(val(), '--timeout'); break;
      case '--json': o.json = val(); break;
      case '--stand-in': o.standIn = true; break;
      case '--no-warm': o.warm = false; break;
      case '--strict': o.strict = true; break;
      case '--list': o.list = true; break;
      case '-h': case '--help': usage(0); break;
      default:
        if (a.startsWith('-')) { process.stderr.write(`unknown option ${a}\n`); usage(2); }
        if (o.file) die(`more than one capture given: ${o.file}, ${a}`);
        o.file = a;
    }
  }
  return o;
}
function posInt(s, what) {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) die(`${what}: expected a positive integer, got ${s}`);
  return n;
}
function die(msg) { process.stderr.write(`bench: ${msg}\n`); process.exit(1); }
function note(msg) { process.stderr.write(`[bench] ${msg}\n`); }

// ---------------------------------------------------------------- measuring
const GNU_TIME = '/usr/bin/time';
function haveGnuTime() {
  if (process.env.WL_BENCH_NO_GNU_TIME === '1') return false; // test the /proc fallback
  const tmp = path.join(os.tmpdir(), `wl-bench-probe-${process.pid}`);
  try {
    const r = spawnSync(GNU_TIME, ['-f', '%e %M', '-o', tmp, 'true'], { stdio: 'ignore' });
    return r.status === 0 && /^\d+(\.\d+)? \d+\s*$/.test(fs.readFileSync(tmp, 'utf8'));
  } catch { return false; } finally { try { fs.unlinkSync(tmp); } catch { /* ignore */ } }
}

// Run argv with stdout to /dev/null. Resolves { seconds, cpu (user+sys s, GNU time only), rssKB, code, signal, stderr, timedOut }.
function measure(argv, { useTime, timeoutS }) {
  return new Promise((resolve) => {
    const devnull = fs.openSync('/dev/null', 'w');
    const tmp = path.join(os.tmpdir(), `wl-bench-${process.pid}-${Date.now()}.time`);
    const full = useTime ? [GNU_TIME, '-f', '%e %M %U %S', '-o', tmp, ...argv] : argv;
    let stderr = '';
    let hwmKB = 0, poll = null, timedOut = false, settled = false;
    const t0 = process.hrtime.bigint();
    // own process group, so a timeout kills the command and not just /usr/bin/time
    const child = spawn(full[0], full.slice(1), { cwd: ROOT, stdio: ['ignore', devnull, 'pipe'], detached: true });
    fs.closeSync(devnull);
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-20000); });
    if (!useTime) {
      const sample = () => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) hwmKB = Math.max(hwmKB, Number(m[1]));
        } catch { /* gone */ }
      };
      poll = setInterval(sample, 5);
    }
    // The whole process group's resident memory, summed: `wirelens list` runs worker processes, and GNU time's
    // %M is the peak of the largest single process only. Polled, so approximate; the larger figure counts.
    let treeKB = 0;
    const tree = setInterval(() => { treeKB = Math.max(treeKB, groupRssKB(child.pid)); }, 20);
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutS * 1000);
    const finish = (code, signal, err) => {
      if (settled) return;
      settled = true;
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      clearTimeout(timer);
      clearInterval(tree);
      if (poll) clearInterval(poll);
      let rssKB = hwmKB || null;
      let exitCode = code;
      let cpu = null;
      if (useTime) {
        // GNU time writes "Command exited with non-zero status N" / "Command terminated by signal N"
        // before the format line when the command fails.
        let out = '';
        try { out = fs.readFileSync(tmp, 'utf8'); fs.unlinkSync(tmp); } catch { /* none */ }
        const m = /(\d+(?:\.\d+)?) (\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\s*$/.exec(out);
        rssKB = m ? Number(m[2]) : null;
        cpu = m ? Number(m[3]) + Number(m[4]) : null;
        const sig = /terminated by signal (\d+)/.exec(out);
        if (sig) signal = `signal ${sig[1]}`;
        if (code === 127 && /No such file|cannot run/.test(stderr)) exitCode = 127;
      }
      if (treeKB > (rssKB || 0)) rssKB = treeKB;
      resolve({ seconds, cpu, rssKB, code: exitCode, signal, timedOut, stderr: err ? String(err) : stderr });
    };
    child.on('error', (err) => finish(null, null, err));
    // 'close' (not 'exit') so the stderr tail is complete; the few ms of pipe drain are negligible
    child.on('close', (code, signal) => finish(code, signal));
  });
}

// Sum of VmRSS over the processes of process group `pgid` (0 when none is left).
function groupRssKB(pgid) {
  let sum = 0;
  let pids = [];
  try { pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)); } catch { return 0; }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state ppid pgrp ...
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) !== pgid) continue;
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) sum += Number(m[1]);
    } catch { /* gone */ }
  }
  return sum;
}

function median(xs) {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ---------------------------------------------------------------- capture facts
function packetCount(file) {
  const r = spawnSync('capinfos', ['-c', '-M', file], { encoding: 'utf8' });
  const m = r.status === 0 && /Number of packets:\s*(\d+)/.exec(r.stdout);
  if (m) return Number(m[1]);
  note('capinfos not usable; counting packets with tshark');
  const t = spawnSync('sh', ['-c', 'tshark -n -r "$1" -T fields -e frame.number | wc -l', 'sh', file],
    { encoding: 'utf8', maxBuffer: 1 << 20 });
  const n = parseInt(t.stdout, 10);
  if (t.status !== 0 || !(n > 0)) die(`cannot count the packets of ${file}`);
  return n;
}

function warmCache(file) {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  try { while (fs.readSync(fd, buf, 0, buf.length, null) > 0) { /* read */ } } finally { fs.closeSync(fd); }
}

function firstLine(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0].trim() : null;
}

// ---------------------------------------------------------------- formatting
function expand(argv, file) {
  return argv.map((a) => a.replace(/\{node\}/g, process.execPath).replace(/\{file\}/g, file));
}
function shown(argv, file) {
  const rel = path.relative(process.cwd(), file) || file;
  return argv.map((a) => a.replace(/\{node\}/g, 'node').replace(/\{file\}/g, rel))
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ') + ' > /dev/null';
}
function table(rows, right) {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((v, c) => (right.has(c) ? String(v).padStart(w[c]) : String(v).padEnd(w[c])))
    .join('  ').trimEnd()).join('\n');
}
const f2 = (x) => (x == null ? '-' : x.toFixed(2));
const f1 = (x) => (x == null ? '-' : x.toFixed(1));
const f0 = (x) => (x == null ? '-' : Math.round(x).toLocaleString('en-US'));

// ---------------------------------------------------------------- main
async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.list) {
    for (const p of PAIRS) console.log(`${p.name}\n  ours:      ${shown(p.ours, 'FILE')}\n  reference: ${shown(p.reference, 'FILE')}`);
    return 0;
  }
  let pairs = PAIRS;
  if (o.only && o.only.every((n) => STEPS.some((s) => s.name === n))) return runSteps(o);
  const steps = o.only ? o.only.filter((n) => STEPS.some((s) => s.name === n)) : null;
  if (o.only) o.only = o.only.filter((n) => !STEPS.some((s) => s.name === n));
  if (o.only) {
    const bad = o.only.filter((n) => !PAIRS.some((p) => p.name === n));
    if (bad.length) die(`unknown pair(s) ${bad.join(', ')}; known: ${[...PAIRS, ...STEPS].map((p) => p.name).join(', ')}`);
    pairs = PAIRS.filter((p) => o.only.includes(p.name));
  }

  const file = path.resolve(o.file || DEFAULT_FILE);
  if (!fs.existsSync(file)) {
    if (o.file && file !== DEFAULT_FILE) die(`${o.file} not found`);
    note(`${path.relative(ROOT, file)} missing; running bench/make-data.sh`);
    const r = spawnSync('bash', [path.join(__dirname, 'make-data.sh'), file], { stdio: ['ignore', 2, 2] });
    if (r.status !== 0 || !fs.existsSync(file)) die('bench/make-data.sh failed');
  }
  if (!o.standIn && !fs.existsSync(CLI_JS)) {
    die(`${path.relative(ROOT, CLI_JS)} not found: build first (npm run build; npm run bench does it)`);
  }

  const useTime = haveGnuTime();
  const packets = packetCount(file);
  const size = fs.statSync(file).size;
  const tsharkVer = firstLine('tshark', ['--version']) || 'tshark: not found';
  const load = os.loadavg()[0];
  console.log(`capture: ${path.relative(process.cwd(), file) || file}  ${packets.toLocaleString('en-US')} packets, ` +
    `${(size / 1e6).toFixed(1)} MB`);
  console.log(`runs: ${o.runs} (median)  peak RSS: ${useTime ? 'GNU time %M' : '/proc VmHWM polling (approximate)'}  ` +
    `node ${process.version}  ${tsharkVer}  ${os.cpus().length} CPU, load ${load.toFixed(2)}`);
  if (o.standIn) console.log('STAND-IN MODE: "ours" runs the reference command');
  if (load > os.cpus().length / 2) {
    note(`load average ${load.toFixed(2)} on ${os.cpus().length} CPUs: wall times will be noisy (CPU s less so)`);
  }
  if (o.warm) warmCache(file);

  const results = [];
  for (const p of pairs) {
    const targets = { ...DEFAULT_TARGETS, ...(p.targets || {}) };
    const sides = { ours: o.standIn ? p.reference : p.ours, reference: p.reference };
    const runs = { ours: [], reference: [] };
    for (let i = 0; i < o.runs; i++) {
      for (const side of ['ours', 'reference']) {
        note(`${p.name} ${side} run ${i + 1}/${o.runs}: ${shown(sides[side], file)}`);
        const r = await measure(expand(sides[side], file), { useTime, timeoutS: o.timeout });
        note(`  ${r.seconds.toFixed(2)} s, ${r.rssKB == null ? '?' : (r.rssKB / 1024).toFixed(1)} MB` +
          (r.code === 0 ? '' : `, FAILED (${describeFailure(r)})`));
        runs[side].push(r);
      }
    }
    const summary = {};
    for (const side of ['ours', 'reference']) {
      const ok = runs[side].filter((r) => r.code === 0 && !r.timedOut);
      const failed = runs[side].filter((r) => !(r.code === 0 && !r.timedOut));
      const seconds = median(ok.map((r) => r.seconds));
      const cpu = median(ok.map((r) => r.cpu));
      const rssKB = median(ok.map((r) => r.rssKB));
      summary[side] = {
        command: shown(sides[side], file), argv: expand(sides[side], file),
        ok: failed.length === 0, failures: failed.map((r) => ({ reason: describeFailure(r), stderr: r.stderr })),
        seconds, cpu, rssMB: rssKB == null ? null : rssKB / 1024,
        rssBytesPerPacket: rssKB == null ? null : (rssKB * 1024) / packets,
        runs: runs[side].map((r) => ({ seconds: r.seconds, cpu: r.cpu, rssKB: r.rssKB, code: r.code, signal: r.signal })),
      };
    }
    const both = summary.ours.ok && summary.reference.ok;
    const speedup = both ? summary.reference.seconds / summary.ours.seconds : null;
    const rssRatio = both && summary.ours.rssBytesPerPacket != null && summary.reference.rssBytesPerPacket
      ? summary.ours.rssBytesPerPacket / summary.reference.rssBytesPerPacket : null;
    // secondary: CPU-time ratio, steadier than wall time on a loaded machine (no target on it)
    const cpuSpeedup = both && summary.ours.cpu && summary.reference.cpu != null
      ? summary.reference.cpu / summary.ours.cpu : null;
    results.push({
      name: p.name, ...summary, speedup, cpuSpeedup, rssRatio, targets,
      speedupMet: speedup == null ? null : speedup >= targets.speedup,
      rssMet: rssRatio == null ? null : rssRatio <= targets.rssPerPacket,
    });
  }

  // ---- report
  const label = { ours: o.standIn ? 'stand-in' : 'wirelens', reference: 'tshark' };
  const rows = [['pair', 'side', 'seconds', 'CPU s', 'peak RSS MB', 'RSS B/pkt', 'command']];
  for (const r of results) {
    for (const side of ['ours', 'reference']) {
      const s = r[side];
      rows.push(s.ok
        ? [r.name, label[side], f2(s.seconds), f2(s.cpu), f1(s.rssMB), f0(s.rssBytesPerPacket), s.command]
        : [r.name, label[side], 'FAILED', '-', '-', '-', s.command]);
    }
  }
  console.log('\n' + table(rows, new Set([2, 3, 4, 5])));
  console.log('(seconds = wall time; CPU s = user + system; peak RSS = maximum resident set of the process; RSS B/pkt = peak RSS / packets)');
  const yn = (v) => (v == null ? 'n/a' : v ? 'yes' : 'NO');
  // the absolute figure ours needs, from the reference's measurement
  const need = (x, unit) => (x == null || !Number.isFinite(x) ? '' : ` (${unit === 's' ? f2(x) : f0(x)} ${unit})`);
  const rows2 = [['pair', `time ${label.reference}/${label.ours}`, `RSS/pkt ${label.ours}/${label.reference}`,
    'time target', 'RSS/pkt target', `(CPU ${label.reference}/${label.ours})`]];
  for (const r of results) {
    rows2.push([r.name, r.speedup == null ? '-' : `${r.speedup.toFixed(1)}x`,
      r.rssRatio == null ? '-' : r.rssRatio.toFixed(3),
      `>= ${r.targets.speedup}x${need(r.reference.seconds / r.targets.speedup, 's')}: ${yn(r.speedupMet)}`,
      `<= ${+r.targets.rssPerPacket.toFixed(3)}${need(r.reference.rssBytesPerPacket * r.targets.rssPerPacket, 'B/pkt')}: ` +
      yn(r.rssMet), r.cpuSpeedup == null ? '-' : `${r.cpuSpeedup.toFixed(1)}x`]);
  }
  console.log('\n' + table(rows2, new Set([1, 2, 5])));

  let failedAny = false;
  for (const r of results) {
    for (const side of ['ours', 'reference']) {
      for (const f of r[side].failures) {
        failedAny = true;
        console.log(`\n${r.name} ${label[side]} FAILED (${f.reason}): ${r[side].command}\n--- stderr (tail) ---\n` +
          `${f.stderr.trimEnd().split('\n').slice(-30).join('\n')}\n---`);
      }
    }
  }
  if (o.json) {
    fs.writeFileSync(o.json, JSON.stringify({ file, packets, bytes: size, runs: o.runs, standIn: o.standIn,
      rssSource: useTime ? 'gnu-time' : 'proc-vmhwm', loadavg: os.loadavg(), node: process.version, tshark: tsharkVer,
      date: new Date().toISOString(), results }, null, 2) + '\n');
    note(`results written to ${o.json}`);
  }
  const stepsCode = runSteps({ ...o, only: steps });
  if (failedAny || stepsCode === 1) return 1;
  if (o.strict && results.some((r) => r.speedupMet === false || r.rssMet === false)) return 2;
  return 0;
}

function describeFailure(r) {
  if (r.timedOut) return 'timed out';
  if (r.signal) return String(r.signal).startsWith('signal') ? r.signal : `killed by ${r.signal}`;
  if (r.code == null) return 'could not start';
  return `exit ${r.code}`;
}

module.exports = { PAIRS, DEFAULT_TARGETS, measure, median, packetCount };
if (require.main === module) {
  main().then((code) => process.exit(code), (err) => { process.stderr.write(`${err.stack || err}\n`); process.exit(1); });
}
