#!/usr/bin/env node
// bench/session-tree-bench.js - the session tree on a big capture: time from "indexing finished" to the first
// page of the host-grouped tree (target: 1 s), plus the work a person does next (open the biggest host and its
// biggest peer, re-sort, search), against tshark's `-z conv,ip` on the same file as the reference.
//
// Usage: node bench/session-tree-bench.js [FILE] [--no-tshark]
//   FILE          default bench/data/big-1m.pcap (bench/make-data.sh makes it)
//   --no-tshark   skip the reference run
// Needs `npm run build` (uses the engine from dist/). Exit 0 on PASS, 2 when the target is missed, 1 on error.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist', 'main', 'engine');
const TARGET_MS = 1000;
const PAGE = 100;

const args = process.argv.slice(2);
const file = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(__dirname, 'data', 'big-1m.pcap'));
const noTshark = args.includes('--no-tshark');

function need(rel) {
  const p = path.join(DIST, rel);
  if (!fs.existsSync(`${p}.js`)) {
    console.error(`session-tree-bench: ${p}.js is missing: run npm run build`);
    process.exit(1);
  }
  return require(p);
}

if (!fs.existsSync(file)) {
  console.error(`session-tree-bench: ${file} is missing: run bash bench/make-data.sh`);
  process.exit(1);
}

const { openCapture } = need('readers/open');
const { CaptureIndex } = need('capture/capture-index');
const { SessionEnrichment } = need('sessions/session-enrichment');
const { sharedRules } = need('classify/load-rules');
const { GeoResolver } = need('geo/geo-resolver');
const { readGeoSettings } = need('geo/geo-settings');
const { SessionTree } = need('analysis/session-groups');
const { SessionLabels } = need('analysis/session-labels');
const { SessionNodeFilters } = need('analysis/session-node-filter');
const { SessionSearch } = need('analysis/session-search');

const ms = (t0) => performance.now() - t0;
const fmt = (v) => `${v.toFixed(1)} ms`;

// The index pass as `serve` runs it (classification and GeoIP on).
let t0 = performance.now();
const enrich = new SessionEnrichment({ rules: sharedRules(), geo: new GeoResolver(readGeoSettings()) });
const index = new CaptureIndex(openCapture(file), { enrich });
index.runToEnd();
const indexMs = ms(t0);
console.log(`file            ${file}`);
console.log(`indexed         ${index.store.count.toLocaleString('en-US')} packets, ${index.sessions.count.toLocaleString('en-US')} sessions in ${(indexMs / 1000).toFixed(1)} s`);

// From here on is what the session view costs once indexing is done: the first page of the host tree. Its
// country/ASN columns make the capture's GeoIP resolver open its databases on the first public address (once
// per capture); that part is timed on its own too.
const sort = { column: 'bytes', desc: true };
t0 = performance.now();
let geoMs = 0;
{
  const g = performance.now();
  for (let ep = 1; ep < index.endpoints.size; ep++) {
    if (enrich.country(ep).length === 2) break; // the first public address: the databases are open now
  }
  geoMs = ms(g);
}
const labels = new SessionLabels(index.sessions, index.endpoints, enrich);
const filters = new SessionNodeFilters(index.sessions, labels);
const input = (search) => ({
  sessions: index.sessions,
  endpoints: index.endpoints,
  enrichment: enrich,
  labels,
  filters,
  counts: index.sessions,
  limited: false,
  search,
  originSec: index.firstSec,
  originNsec: index.firstNsec,
});
const tree = new SessionTree(input(null), 'host');
const first = tree.window([], sort, 0, PAGE);
const firstMs = ms(t0);
console.log(`first page      ${fmt(firstMs)}  (host tree: ${first.total} hosts, ${first.rows.length} rows sent; GeoIP databases opening: ${fmt(geoMs)}, the tree: ${fmt(firstMs - geoMs)})`);

// What follows: open the biggest host, then its biggest peer (the session level can hold most of the capture).
const host = first.rows[0];
t0 = performance.now();
const w1 = tree.window([host.key], sort, 0, PAGE);
console.log(`open host       ${fmt(ms(t0))}  (${host.label}: ${w1.total - first.total} peers)`);
const peer = w1.rows[1];
t0 = performance.now();
const w2 = tree.window([host.key, peer.key], sort, 0, PAGE);
const peerSessions = w2.total - w1.total;
console.log(`open peer       ${fmt(ms(t0))}  (${peer.label}: ${peerSessions.toLocaleString('en-US')} sessions)`);
t0 = performance.now();
tree.window([host.key, peer.key], sort, Math.max(0, w2.total - PAGE), PAGE);
console.log(`scroll to end   ${fmt(ms(t0))}`);
t0 = performance.now();
tree.window([host.key, peer.key], { column: 'start', desc: false }, 0, PAGE);
console.log(`sort by start   ${fmt(ms(t0))}`);
t0 = performance.now();
const searched = new SessionTree(input(new SessionSearch('443', index.sessions, labels, enrich)), 'host');
searched.window([], sort, 0, PAGE);
console.log(`search "443"    ${fmt(ms(t0))}  (${searched.matched.toLocaleString('en-US')} sessions match)`);
for (const g of ['app', 'country', 'protocol']) {
  t0 = performance.now();
  new SessionTree(input(null), g).window([], sort, 0, PAGE);
  console.log(`group by ${g.padEnd(9)}${fmt(ms(t0))}`);
}

if (!noTshark) {
  t0 = performance.now();
  const r = spawnSync('tshark', ['-n', '-q', '-r', file, '-z', 'conv,ip'], { stdio: ['ignore', 'ignore', 'ignore'] });
  const tsharkMs = ms(t0);
  if (r.error || r.status !== 0) console.log(`tshark -z conv,ip: failed (${r.error ? r.error.message : `exit ${r.status}`})`);
  else {
    console.log(`tshark conv,ip  ${(tsharkMs / 1000).toFixed(1)} s  (reads and tabulates the file; ours: index ${(indexMs / 1000).toFixed(1)} s + tree ${fmt(firstMs)})`);
    console.log(`ratio           ${(tsharkMs / (indexMs + firstMs)).toFixed(2)}x tshark's time for index + first page; the tree alone is ${(firstMs / tsharkMs * 100).toFixed(3)}% of it`);
  }
}

const pass = firstMs <= TARGET_MS;
console.log(`${pass ? 'PASS' : 'FAIL'}: host-grouped tree's first page ${fmt(firstMs)} after indexing (target ${TARGET_MS} ms)`);
process.exit(pass ? 0 : 2);
