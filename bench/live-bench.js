#!/usr/bin/env node
// bench/live-bench.js - live capture at rising packet rates: Wirelens vs tcpdump, drops counted.
//
// Usage: node bench/live-bench.js [FILE] [--rates 20000,50000,100000,200000] [--packets N] [--json OUT]
//   FILE       capture to replay (default bench/data/big-1m.pcap; made by bench/make-data.sh)
//   --rates    packets per second to try, rising (default 20000,50000,100000,200000)
//   --packets  packets replayed at each rate (default 200000: the first N of FILE)
//   --json OUT also write the figures as JSON
//
// Root only (Linux). Creates a private network namespace `wl-bench` and a veth pair: wlb0 stays here (captured
// on), its peer wlb1 moves into the namespace, where `tcpreplay --intf1=wlb1 --pps=RATE` replays FILE. Neither
// end has an IP address (IPv6 is disabled on both), so nothing is routed and no traffic leaves the pair. At each
// rate, `wirelens capture -i wlb0 -w TMP.pcapng` and, in turn, `tcpdump -i wlb0 -w /dev/null` capture the
// replay; their exit summaries give received and dropped (kernel; app for Wirelens). A rate "holds" when both
// drop counters are zero and every replayed packet was received. The namespace and the veth pair are deleted
// at the end, also on errors and Ctrl-C. tcpreplay is installed with apt-get when missing.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_FILE = path.join(__dirname, 'data', 'big-1m.pcap');
const NS = 'wl-bench';
const HOST_IF = 'wlb0';
const PEER_IF = 'wlb1';

function parseArgs(argv) {
  const o = { file: DEFAULT_FILE, rates: [20000, 50000, 100000, 200000], packets: 200000, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rates') o.rates = argv[++i].split(',').map(Number);
    else if (a === '--packets') o.packets = Number(argv[++i]);
    else if (a === '--json') o.json = argv[++i];
    else if (a === '-h' || a === '--help') {
      const text = fs.readFileSync(__filename, 'utf8').split('\n');
      process.stdout.write(text.slice(1, text.findIndex((l) => l.startsWith("'use strict'"))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.file = path.resolve(a);
  }
  if (o.rates.some((r) => !Number.isInteger(r) || r <= 0)) throw new Error('--rates needs positive whole numbers');
  if (!Number.isInteger(o.packets) || o.packets <= 0) throw new Error('--packets needs a positive whole number');
  return o;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return r;
}
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;

// ---------------------------------------------------------------- namespace and veth pair
function teardown() {
  // Deleting the namespace destroys wlb1, and with it its peer wlb0; the second command covers a half-made setup.
  spawnSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
  spawnSync('ip', ['link', 'del', HOST_IF], { stdio: 'ignore' });
}

function setup() {
  teardown(); // a leftover of an interrupted run
  run('ip', ['netns', 'add', NS]);
  run('ip', ['link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', PEER_IF]);
  run('ip', ['link', 'set', PEER_IF, 'netns', NS]);
  // No addresses, and IPv6 off before the links come up: no link-local address, router or neighbour traffic.
  run('sysctl', ['-qw', `net.ipv6.conf.${HOST_IF}.disable_ipv6=1`], { allowFail: true });
  run('ip', ['netns', 'exec', NS, 'sysctl', '-qw', `net.ipv6.conf.${PEER_IF}.disable_ipv6=1`], { allowFail: true });
  run('ip', ['link', 'set', HOST_IF, 'up']);
  run('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', PEER_IF, 'up']);
}

// ---------------------------------------------------------------- capturers
/** Starts `argv`, resolves once its stderr matches `ready` (the capture is open), with the process. */
function startCapturer(argv, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    let started = false;
    const timer = setTimeout(() => {
      if (!started) {
        child.kill('SIGKILL');
        reject(new Error(`${argv.join(' ')} did not start: ${err.trim()}`));
      }
    }, 15000);
    child.stderr.on('data', (d) => {
      err += d;
      if (!started && ready.test(err)) {
        started = true;
        clearTimeout(timer);
        resolve({ child, stderr: () => err });
      }
    });
    child.on('exit', (code) => {
      if (!started) {
        clearTimeout(timer);
        reject(new Error(`${argv.join(' ')} exited (${code}) before capturing: ${err.trim()}`));
      }
    });
  });
}

function stopCapturer(c) {
  return new Promise((resolve) => {
    const kill = setTimeout(() => c.child.kill('SIGKILL'), 30000);
    c.child.on('exit', () => {
      clearTimeout(kill);
      resolve(c.stderr());
    });
    c.child.kill('SIGINT');
  });
}

const num = (re, text) => {
  const m = re.exec(text);
  return m ? Number(m[1]) : null;
};

const TOOLS = {
  wirelens: {
    argv: (tmp) => [process.execPath, path.join(ROOT, 'bin', 'wirelens.js'), 'capture', '-i', HOST_IF, '-w', path.join(tmp, 'live-bench.pcapng')],
    ready: /Capturing on/,
    // "received: N, dropped by kernel: K, dropped by interface: I, dropped by app: A"
    parse: (t) => ({
      received: num(/received: (\d+)/, t),
      droppedKernel: num(/dropped by kernel: (\d+)/, t),
      droppedApp: num(/dropped by app: (\d+)/, t),
      written: num(/(\d+) packets captured/, t),
    }),
  },
  tcpdump: {
    argv: () => ['tcpdump', '-i', HOST_IF, '-n', '-w', '/dev/null'],
    ready: /listening on/,
    // "N packets captured / M packets received by filter / K packets dropped by kernel"
    parse: (t) => ({
      received: num(/(\d+) packets received by filter/, t),
      droppedKernel: num(/(\d+) packets dropped by kernel/, t),
      droppedApp: 0,
      written: num(/(\d+) packets captured/, t),
    }),
  },
};

/** Replays the first `packets` of `file` at `rate` pps from inside the namespace; returns what tcpreplay sent. */
function replay(file, rate, packets) {
  const r = run('ip', ['netns', 'exec', NS, 'tcpreplay', `--intf1=${PEER_IF}`, `--pps=${rate}`, `--limit=${packets}`, '--preload-pcap', file], {
    allowFail: true,
  });
  const text = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`tcpreplay failed: ${text.trim().split('\n').slice(-5).join(' | ')}`);
  return {
    sent: num(/Actual: (\d+) packets/, text),
    seconds: num(/packets \(\d+ bytes\) sent in ([\d.]+) seconds/, text),
    ratePps: num(/Rated: [\d.]+ Bps, [\d.]+ Mbps, ([\d.]+) pps/, text),
    failed: num(/Failed packets:\s+(\d+)/, text) ?? 0,
  };
}

async function measure(tool, file, rate, packets, tmp) {
  const t = TOOLS[tool];
  const c = await startCapturer(t.argv(tmp), t.ready);
  let rep;
  let text;
  try {
    rep = replay(file, rate, packets);
    // Let the capturer drain what the kernel buffered before asking it to stop.
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    text = await stopCapturer(c);
  }
  fs.rmSync(path.join(tmp, 'live-bench.pcapng'), { force: true });
  const got = t.parse(text);
  if (got.received === null) throw new Error(`${tool}: no drop summary in its output: ${text.trim().split('\n').slice(-3).join(' | ')}`);
  const holds = got.droppedKernel === 0 && got.droppedApp === 0 && got.received >= rep.sent - rep.failed && rep.failed === 0;
  return { tool, rate, ...rep, ...got, holds };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  console.log('== live capture benchmark: wirelens capture vs tcpdump on a veth pair ==');
  if (!fs.existsSync(o.file)) {
    console.log(`skipped: ${path.relative(process.cwd(), o.file)} is missing; make it with: bash bench/make-data.sh ${path.relative(process.cwd(), o.file)}`);
    return 0;
  }
  if (os.platform() !== 'linux' || process.getuid?.() !== 0) {
    console.log('skipped: needs root on Linux (network namespace and veth pair)');
    return 0;
  }
  if (!have('tcpreplay')) {
    console.log('tcpreplay is missing: apt-get install -y tcpreplay');
    run('apt-get', ['install', '-y', '--no-install-recommends', 'tcpreplay'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  for (const cmd of ['ip', 'tcpdump', 'tcpreplay']) {
    if (!have(cmd)) {
      console.log(`skipped: ${cmd} is missing`);
      return 0;
    }
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'main', 'cli', 'wirelens.js'))) {
    console.error('dist/ not found: build first (npm run build; npm run bench does it)');
    return 1;
  }

  // The trap: whatever happens from here, the namespace and the veth pair go.
  const onSignal = (sig) => {
    teardown();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', teardown);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelens-live-bench-'));
  const results = [];
  try {
    setup();
    console.log(`replaying the first ${o.packets.toLocaleString('en-US')} packets of ${path.relative(process.cwd(), o.file)} ` +
      `(tcpreplay ${firstWord(run('tcpreplay', ['--version'], { allowFail: true }))}) into ${HOST_IF}; ${os.cpus().length} CPU, load ${os.loadavg()[0].toFixed(2)}`);
    for (const tool of ['wirelens', 'tcpdump']) {
      for (const rate of o.rates) {
        const r = await measure(tool, o.file, rate, o.packets, tmp);
        results.push(r);
        console.log(`  ${tool.padEnd(8)} ${String(rate).padStart(7)} pps asked, ${String(Math.round(r.ratePps ?? 0)).padStart(7)} pps sent: ` +
          `sent ${r.sent}, received ${r.received}, dropped kernel ${r.droppedKernel}, app ${r.droppedApp}` +
          `${r.failed ? `, tcpreplay failed ${r.failed}` : ''} -> ${r.holds ? 'holds' : 'DROPS'}`);
      }
    }
  } finally {
    teardown();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  // A rate counts as reached when tcpreplay sent at least 95% of it: on a busy or small machine the sender
  // itself (sharing CPUs with the capturer) can fall short, and holding a lower real rate is not holding the asked one.
  const reached = (r) => r.ratePps !== null && r.ratePps >= 0.95 * r.rate;
  const best = (tool) => {
    // The highest rate held with every lower rate held too (a drop at a lower rate is not "holding" above it).
    let b = null;
    for (const r of results.filter((x) => x.tool === tool).sort((x, y) => x.rate - y.rate)) {
      if (!r.holds) break;
      if (b === null || (r.ratePps ?? 0) > (b.ratePps ?? 0)) b = r;
    }
    return b;
  };
  console.log('\nhighest rate held with zero drops (kernel and app) and every packet received:');
  for (const tool of ['wirelens', 'tcpdump']) {
    const b = best(tool);
    if (b === null) {
      console.log(`  ${tool.padEnd(8)} none of ${o.rates.join(', ')} pps`);
      continue;
    }
    const shortOf = results.filter((r) => r.tool === tool && !reached(r)).map((r) => r.rate);
    console.log(`  ${tool.padEnd(8)} ${Math.round(b.ratePps ?? 0).toLocaleString('en-US')} pps actually sent (asked ${b.rate.toLocaleString('en-US')})` +
      (shortOf.length ? `; tcpreplay could not reach ${shortOf.join(', ')} pps alongside it, so higher rates are untested` : ''));
  }
  const gone = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.includes(NS) || spawnSync('ip', ['link', 'show', HOST_IF], { stdio: 'ignore' }).status === 0;
  console.log(gone ? `WARNING: ${NS} / ${HOST_IF} still exist` : `namespace ${NS} and veth ${HOST_IF}/${PEER_IF} deleted`);
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ file: o.file, packets: o.packets, rates: o.rates, results, best: { wirelens: best('wirelens')?.ratePps ?? null, tcpdump: best('tcpdump')?.ratePps ?? null }, date: new Date().toISOString() }, null, 2) + '\n');
  return 0;
}

function firstWord(r) {
  return (/version: (\S+)/.exec(`${r.stdout}${r.stderr}`) || [])[1] || '?';
}

module.exports = { main };
if (require.main === module) {
  main().then((code) => process.exit(code), (err) => { teardown(); process.stderr.write(`${err.stack || err}\n`); process.exit(1); });
}
