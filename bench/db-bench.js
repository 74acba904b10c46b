#!/usr/bin/env node
// bench/db-bench.js - `wirelens db import` of a big capture into SQLite and into PostgreSQL: sessions per second.
//
// Usage: node bench/db-bench.js [FILE] [--only sqlite,postgres,sqlite-flows,postgres-flows] [--json OUT]
//   FILE      capture to import (default bench/data/big-1m.pcap; made by bench/make-data.sh)
//   --only    runs to do (default all four): "sqlite"/"postgres" import everything (flows and the DNS, TLS,
//             HTTP, SIP logs), "…-flows" import with --logs none (flows only: the write path without the
//             log builders)
//   --json    also write the figures as JSON
//
// Each run imports FILE into a new, empty database with the built CLI (`npm run build` first) and reports wall
// time, flows, flows/s, peak RSS and the importer's phases (hash, index, logs, write). The reference is
// `tshark -n -q -z conv,tcp -z conv,udp` on the same file (the conversation tables, i.e. the flows without
// storing them): ratio = tshark's time / ours, so > 1 means the import is faster than tshark merely listing
// the conversations.
//
// PostgreSQL: WIRELENS_BENCH_PG_URL or WIRELENS_TEST_PG_URL names a server where a database is created and
// dropped; else a throwaway cluster is made with initdb in a temp directory on a free port (as the postgres
// user when root) and removed afterwards; when neither works the PostgreSQL runs are skipped with the reason.
//
// Plain Node (>= 20), CommonJS; uses the project's `pg` only for creating/dropping the benchmark database.
'use strict';

const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const { spawn, spawnSync, execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_FILE = path.join(__dirname, 'data', 'big-1m.pcap');
const CLI = path.join(ROOT, 'bin', 'wirelens.js');
const RUNS = ['sqlite', 'postgres', 'sqlite-flows', 'postgres-flows'];

function parseArgs(argv) {
  const o = { file: DEFAULT_FILE, only: RUNS, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') o.only = (argv[++i] || '').split(',').filter(Boolean);
    else if (a === '--json') o.json = argv[++i];
    else if (a === '-h' || a === '--help') {
      const text = fs.readFileSync(__filename, 'utf8').split('\n');
      process.stdout.write(text.slice(1, text.findIndex((l) => l.startsWith("'use strict'"))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
      process.exit(0);
    } else if (a.startsWith('-')) die(`unknown option ${a}`);
    else o.file = path.resolve(a);
  }
  for (const r of o.only) if (!RUNS.includes(r)) die(`--only: unknown run "${r}" (${RUNS.join(', ')})`);
  return o;
}

function die(msg) {
  process.stderr.write(`db-bench: ${msg}\n`);
  process.exit(1);
}

/** Runs argv, returning wall seconds, peak RSS (MB, from /proc VmHWM polling), exit code, stdout, stderr. */
function timed(argv) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // The process has ended.
      }
    }, 20);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, rssMb: peakKb / 1024, code, stdout, stderr });
    });
  });
}

// ---------------------------------------------------------------- PostgreSQL

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

/** { url, stop } of a new database, or { skip: reason }. */
async function postgres() {
  const pg = require(path.join(ROOT, 'node_modules', 'pg'));
  const withClient = async (url, f) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await f(c);
    } finally {
      await c.end();
    }
  };
  const onServer = async (url, after) => {
    const name = `wl_bench_${process.pid}`;
    await withClient(url, (c) => c.query(`DROP DATABASE IF EXISTS ${name}`).then(() => c.query(`CREATE DATABASE ${name}`)));
    const u = new URL(url);
    u.pathname = `/${name}`;
    return {
      url: u.toString(),
      stop: async () => {
        try {
          await withClient(url, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
        } finally {
          await after();
        }
      },
    };
  };
  const shared = process.env.WIRELENS_BENCH_PG_URL || process.env.WIRELENS_TEST_PG_URL;
  if (shared) {
    try {
      return await onServer(shared, async () => {});
    } catch (err) {
      return { skip: `${shared}: ${err.message}` };
    }
  }
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => b - a) : [];
  if (versions.length === 0) return { skip: 'no PostgreSQL server binaries (/usr/lib/postgresql/*/bin) and no WIRELENS_BENCH_PG_URL' };
  const bin = path.join(base, versions[0], 'bin');
  const root = process.getuid && process.getuid() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-bench-pg-'));
  const run = (cmd, args) => (root ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args], { stdio: 'pipe' }) : execFileSync(path.join(bin, cmd), args, { stdio: 'pipe' }));
  try {
    if (root) execFileSync('chown', ['postgres', dir]);
    run('initdb', ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    const port = await freePort();
    // A benchmark server as a user would run one, except fsync (the disk is not what is measured).
    run('pg_ctl', ['-D', path.join(dir, 'data'), '-l', path.join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
    return await onServer(`postgres://postgres@127.0.0.1:${port}/postgres`, async () => {
      try {
        run('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { skip: `could not start a throwaway PostgreSQL cluster: ${err.message}` };
  }
}

// ---------------------------------------------------------------- main

function phasesOf(stderr) {
  const m = /hash ([\d.]+) s, index ([\d.]+) s, logs ([\d.]+) s, write ([\d.]+) s/.exec(stderr);
  return m ? { hash: Number(m[1]), index: Number(m[2]), logs: Number(m[3]), write: Number(m[4]) } : null;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(o.file)) {
    console.log(`skipped: ${path.relative(process.cwd(), o.file)} is missing; make it with: bash bench/make-data.sh ${path.relative(process.cwd(), o.file)}`);
    return 0;
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'main', 'cli', 'commands', 'db.js'))) die('the CLI is not built: npm run build');
  console.log(`db import benchmark: ${path.relative(process.cwd(), o.file)} (${(fs.statSync(o.file).size / 1e6).toFixed(0)} MB)`);

  // Warm the page cache so the first run does not pay for the disk.
  execFileSync('cat', [o.file], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 0 });
  let ref = null;
  if (spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0) {
    ref = await timed(['tshark', '-n', '-q', '-r', o.file, '-z', 'conv,tcp', '-z', 'conv,udp']);
    console.log(`reference: tshark -q -z conv,tcp -z conv,udp  ${ref.seconds.toFixed(1)} s, peak RSS ${ref.rssMb.toFixed(0)} MB`);
  } else console.log('reference: skipped (tshark is not installed)');

  const results = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-db-bench-'));
  let pgServer = null;
  try {
    for (const name of o.only) {
      const backend = name.startsWith('postgres') ? 'postgres' : 'sqlite';
      let url;
      if (backend === 'sqlite') url = `sqlite:${path.join(tmp, `${name}.sqlite`)}`;
      else {
        if (pgServer === null) pgServer = await postgres();
        if (pgServer.skip) {
          console.log(`${name.padEnd(15)} skipped: ${pgServer.skip}`);
          results.push({ name, skipped: pgServer.skip });
          continue;
        }
        // Each PostgreSQL run starts from an empty schema.
        const pg = require(path.join(ROOT, 'node_modules', 'pg'));
        const c = new pg.Client({ connectionString: pgServer.url });
        await c.connect();
        await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
        await c.end();
        url = pgServer.url;
      }
      const argv = [process.execPath, CLI, 'db', 'import', o.file, '--db', url, ...(name.endsWith('-flows') ? ['--logs', 'none'] : [])];
      const r = await timed(argv);
      if (r.code !== 0) {
        console.log(`${name.padEnd(15)} FAILED (exit ${r.code}): ${r.stderr.split('\n').slice(-3).join(' | ')}`);
        results.push({ name, failed: r.code });
        continue;
      }
      const flows = Number((/: (\d+) flows/.exec(r.stdout) || [])[1]);
      const phases = phasesOf(r.stderr);
      const row = { name, seconds: r.seconds, flows, flowsPerSecond: flows / r.seconds, rssMb: r.rssMb, phases, ratio: ref ? ref.seconds / r.seconds : null };
      results.push(row);
      const ph = phases ? `hash ${phases.hash}s index ${phases.index}s logs ${phases.logs}s write ${phases.write}s` : '';
      console.log(
        `${name.padEnd(15)} ${r.seconds.toFixed(1).padStart(6)} s  ${String(flows).padStart(7)} flows  ${Math.round(row.flowsPerSecond).toString().padStart(7)} flows/s  ` +
          `(write ${phases ? Math.round(flows / phases.write) : '?'} flows/s)  peak RSS ${r.rssMb.toFixed(0)} MB  ${ref ? `tshark/ours ${row.ratio.toFixed(2)}` : ''}  [${ph}]`,
      );
    }
  } finally {
    if (pgServer && pgServer.stop) await pgServer.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ file: o.file, reference: ref && { seconds: ref.seconds, rssMb: ref.rssMb }, results }, null, 2));
  return results.some((r) => r.failed !== undefined) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => die(err.stack || err.message),
);
