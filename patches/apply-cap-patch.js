#!/usr/bin/env node
/*
 * postinstall: applies patches/cap+0.2.1.patch to the optional `cap` dependency and rebuilds its addon.
 *
 * Why a rebuild: npm runs cap's own install script (node-gyp rebuild, allowed by package.json "allowScripts")
 * before the root package's postinstall, i.e. on the unpatched sources. The patch adds libpcap timestamps,
 * original lengths, pcap_stats, BPF checking and the worker_threads fixes (see main/engine/live/binding.ts).
 *
 * Never fails the install: `cap` is optional and file analysis works without it; live capture then reports why
 * it is unavailable. Idempotent: patch-package skips an already applied patch and the addon is only rebuilt
 * when the built binary lacks the patched API.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const capDir = path.join(root, 'node_modules', 'cap');
const log = (m) => process.stderr.write(`wirelens postinstall: ${m}\n`);

function patchedBinaryLoads() {
  // A child process: loading the addon here would pin this process to a possibly stale binary.
  const probe =
    "const b=require('./build/Release/cap.node');" +
    "process.exit(typeof b.checkFilter==='function'&&typeof b.Cap.prototype.stats==='function'?0:1)";
  return spawnSync(process.execPath, ['-e', probe], { cwd: capDir, stdio: 'ignore' }).status === 0;
}

function main() {
  if (!fs.existsSync(path.join(capDir, 'package.json'))) {
    log('optional dependency "cap" is not installed (libpcap headers or a compiler missing?): live capture will be unavailable');
    return;
  }
  let patchPackage;
  try {
    patchPackage = require.resolve('patch-package/index.js', { paths: [root] });
  } catch {
    log('patch-package is not installed (production install?): cap left unpatched, live capture will be unavailable');
    return;
  }
  const applied = spawnSync(process.execPath, [patchPackage], { cwd: root, stdio: 'inherit' });
  if (applied.status !== 0) {
    log('applying patches/cap+0.2.1.patch failed: live capture will be unavailable');
    return;
  }
  if (patchedBinaryLoads()) return;
  // npm exports the path of its bundled node-gyp to lifecycle scripts; outside npm fall back to `npm rebuild`.
  const gyp = process.env.npm_config_node_gyp;
  const rebuilt =
    gyp && fs.existsSync(gyp)
      ? spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: capDir, stdio: 'inherit' })
      : spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['rebuild', 'cap'], { cwd: root, stdio: 'inherit' });
  if (rebuilt.status !== 0 || !patchedBinaryLoads()) {
    log('rebuilding the patched cap addon failed (is libpcap-dev installed?): live capture will be unavailable');
  }
}

main();
