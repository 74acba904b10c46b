/**
 * The session tree (main/engine/analysis/session-groups.ts) on real captures:
 *  - session rows' packets and bytes per direction equal tshark's per-stream sums (tcp.stream / udp.stream,
 *    frame.len by source address:port), with and without a display filter;
 *  - host rows' Tx/Rx packets and bytes equal tshark -z endpoints,ip / endpoints,ipv6;
 *  - every node's display filter selects exactly that node's packets (membership computed here from the
 *    session columns, independently of the tree), and Wireshark-syntax node filters select in tshark what they
 *    select in our engine;
 *  - windows of the flattened tree are consistent (paging, nesting, sort order), search keeps what matches,
 *    and per-session displayed counts filled incrementally equal counts made at once.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { selectPackets } from '../../main/engine/capture/select';
import { compileFilter } from '../../main/engine/filter';
import { openCapture } from '../../main/engine/readers/open';
import { sharedRules } from '../../main/engine/classify/load-rules';
import { GeoResolver } from '../../main/engine/geo/geo-resolver';
import { SessionEnrichment } from '../../main/engine/sessions/session-enrichment';
import { SessionTree, type GroupBy, type TreeRow, type SortColumn } from '../../main/engine/analysis/session-groups';
import { icmpIsEcho, SessionLabels } from '../../main/engine/analysis/session-labels';
import { SessionNodeFilters } from '../../main/engine/analysis/session-node-filter';
import { SessionSearch } from '../../main/engine/analysis/session-search';
import { DisplayedSessionCounts, type SessionCounts } from '../../main/engine/analysis/displayed-session-counts';
import { SF_DIR_BA } from '../../main/engine/store/packet-store';

const CAPS = path.join(__dirname, '../fixtures/captures');
const TSHARK = '/usr/bin/tshark';
const haveTshark = existsSync(TSHARK);
if (!haveTshark) console.log('session-tree: /usr/bin/tshark not found: the tshark comparisons are skipped');

/** Captures whose every IP packet belongs to a session (no lone fragments), so host totals are exact. */
const FIXTURES = [
  'mixed-real-traffic__zui__sample.pcapng',
  'http1-many-requests__foxio-ja4__http1.pcapng',
  'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng',
  'link-rawip-ipv6-http-4streams__pcapplusplus__four_ipv6_http_streams.pcap',
  'icmp-echo__zeek__5-pings.pcap',
  'dns-many-mdns-llmnr__pcapplusplus__DnsPackets.pcap',
];
const GROUPINGS: GroupBy[] = ['host', 'app', 'country', 'protocol'];

interface Loaded {
  file: string;
  index: CaptureIndex;
  enrich: SessionEnrichment;
  labels: SessionLabels;
  filters: SessionNodeFilters;
}

const cache = new Map<string, Loaded>();
function load(name: string): Loaded {
  let l = cache.get(name);
  if (l) return l;
  const file = path.join(CAPS, name);
  const enrich = new SessionEnrichment({ rules: sharedRules(), geo: new GeoResolver({}) });
  const index = new CaptureIndex(openCapture(file), { enrich });
  index.runToEnd();
  const labels = new SessionLabels(index.sessions, index.endpoints, enrich);
  l = { file, index, enrich, labels, filters: new SessionNodeFilters(index.sessions, labels) };
  cache.set(name, l);
  return l;
}

function tree(l: Loaded, groupBy: GroupBy, opts: { counts?: SessionCounts; search?: string } = {}): SessionTree {
  const ix = l.index;
  return new SessionTree(
    {
      sessions: ix.sessions,
      endpoints: ix.endpoints,
      enrichment: l.enrich,
      labels: l.labels,
      filters: l.filters,
      counts: opts.counts ?? ix.sessions,
      limited: opts.counts !== undefined,
      search: opts.search ? new SessionSearch(opts.search, ix.sessions, l.labels, l.enrich) : null,
      originSec: ix.firstSec,
      originNsec: ix.firstNsec,
    },
    groupBy,
  );
}

const SORT = { column: 'bytes' as SortColumn, desc: true };

/** Every row of the tree with every node open (opened level by level). */
function allRows(t: SessionTree, sort = SORT): TreeRow[] {
  let expanded: string[] = [];
  for (;;) {
    const w = t.window(expanded, sort, 0, 1e9);
    const more = w.rows.filter((r) => r.hasChildren && !r.expanded).map((r) => r.key);
    if (more.length === 0) return w.rows;
    expanded = [...expanded, ...more];
  }
}

function tshark(args: string[]): string {
  return execFileSync(TSHARK, ['-n', ...args], { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
}

/** tshark's per-stream sums: "proto addr:port" → packets and bytes sent, per (proto, stream). */
function tsharkStreams(file: string, filter?: string): Map<string, { pkts: number; bytes: number }> {
  const args = ['-r', file, '-T', 'fields', '-E', 'separator=|'];
  for (const f of ['tcp.stream', 'udp.stream', 'ip.src', 'ipv6.src', 'tcp.srcport', 'udp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'udp.dstport', 'frame.len', 'icmp.type']) {
    args.push('-e', f);
  }
  if (filter) args.push('-Y', filter);
  const out = new Map<string, { pkts: number; bytes: number }>();
  for (const line of tshark(args).split('\n')) {
    if (!line) continue;
    const [ts, us, s4, s6, tsp, usp, d4, d6, tdp, udp, len, icmpType] = line.split('|');
    // ICMP errors carry the quoted packet's ports and stream: they are ICMP sessions of their own.
    if (icmpType) continue;
    const proto = ts ? 'tcp' : us ? 'udp' : '';
    if (!proto) continue;
    // The last value is the outer header's when tunnels or quotes repeat a field.
    const last = (v: string | undefined): string => (v ?? '').split(',')[0] ?? '';
    const src = `${last(s4) || last(s6)}:${last(tsp) || last(usp)}`;
    const dst = `${last(d4) || last(d6)}:${last(tdp) || last(udp)}`;
    const key = `${proto} ${[src, dst].sort().join(' ')} ${src}`;
    const e = out.get(key) ?? { pkts: 0, bytes: 0 };
    e.pkts++;
    e.bytes += Number(len);
    out.set(key, e);
  }
  return out;
}

/** Our session rows summed per (proto, tuple, sender) — the same key as tsharkStreams. */
function ourStreams(rows: TreeRow[]): Map<string, { pkts: number; bytes: number }> {
  const out = new Map<string, { pkts: number; bytes: number }>();
  for (const r of rows) {
    if (r.kind !== 'session' || (r.proto !== 'TCP' && r.proto !== 'UDP')) continue;
    const [a, b] = r.label.split(' → ').map((x) => x.replace(/^\[(.*)\]/, '$1')) as [string, string];
    const pair = [a, b].sort().join(' ');
    for (const [from, pkts, bytes] of [
      [a, r.pktsOut, r.bytesOut],
      [b, r.pktsIn, r.bytesIn],
    ] as const) {
      if (pkts === 0) continue;
      const key = `${r.proto.toLowerCase()} ${pair} ${from}`;
      const e = out.get(key) ?? { pkts: 0, bytes: 0 };
      e.pkts += pkts;
      e.bytes += bytes;
      out.set(key, e);
    }
  }
  return out;
}

/** tshark -z endpoints,ip(v6): address → [packets, bytes, tx packets, tx bytes, rx packets, rx bytes]. */
function tsharkEndpoints(file: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const text = tshark(['-r', file, '-q', '-z', 'endpoints,ip', '-z', 'endpoints,ipv6']);
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (m) out.set(m[1]!, m.slice(2).map(Number));
  }
  return out;
}

/** Packet indices (0-based) whose session satisfies `pred`. */
function packetsWhere(l: Loaded, pred: (sid: number) => boolean): number[] {
  const st = l.index.store;
  const out: number[] = [];
  for (let i = 0; i < st.count; i++) {
    const sid = st.session[i]!;
    if (sid >= 0 && pred(sid)) out.push(i);
  }
  return out;
}

/** Which sessions a node holds, from its key, computed from the session columns (not from the tree). */
function nodePredicate(l: Loaded, row: TreeRow): (sid: number) => boolean {
  const s = l.index.sessions;
  const segs = row.key.split('/').map((seg) => ({ kind: seg[0]!, id: Number(seg.slice(1)) }));
  const has = (sid: number, ep: number): boolean => s.epA[sid] === ep || s.epB[sid] === ep;
  const country = (ep: number): string => l.enrich.country(ep);
  const preds = segs.map(({ kind, id }, depth) => {
    switch (kind) {
      case 'h':
        return (sid: number) => has(sid, id);
      case 'e': {
        const host = segs[depth - 1]!.id;
        return (sid: number) => has(sid, id) && has(sid, host) && (id !== host || s.epA[sid] === s.epB[sid]);
      }
      case 'a': {
        const name = l.labels.appNames[id]!;
        return (sid: number) => l.enrich.app(sid) === name;
      }
      case 'c': {
        const name = l.labels.countryNames[id]!;
        return (sid: number) => country(s.epA[sid]!) === name || country(s.epB[sid]!) === name;
      }
      case 'p':
        return (sid: number) => s.proto[sid] === id;
      default:
        return (sid: number) => sid === id;
    }
  });
  return (sid) => preds.every((p) => p(sid));
}

describe('session tree', () => {
  describe.skipIf(!haveTshark)('numbers against tshark', () => {
    it.each(FIXTURES.filter((f) => !f.startsWith('icmp')))('session rows: packets and bytes per direction equal tshark per-stream sums (%s)', (name) => {
      const l = load(name);
      const ours = ourStreams(allRows(tree(l, 'protocol')));
      const theirs = tsharkStreams(l.file);
      expect(ours.size).toBeGreaterThan(0);
      expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(theirs));
    });

    it.each(FIXTURES)('host rows: Tx/Rx packets and bytes equal tshark -z endpoints,ip/ipv6 (%s)', (name) => {
      const l = load(name);
      const theirs = tsharkEndpoints(l.file);
      const rows = tree(l, 'host').window([], SORT, 0, 1e6).rows;
      const ours = new Map(rows.map((r) => [r.label, [r.pktsOut + r.pktsIn, r.bytesOut + r.bytesIn, r.pktsOut, r.bytesOut, r.pktsIn, r.bytesIn]]));
      expect(theirs.size).toBeGreaterThan(0);
      expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(theirs));
    });

    it('limited to a display filter, session rows count the displayed packets as tshark -Y does', () => {
      for (const [name, filter] of [
        ['mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng', 'dns'],
        ['http1-many-requests__foxio-ja4__http1.pcapng', 'tcp.len > 0'],
        ['mixed-real-traffic__zui__sample.pcapng', 'frame.len > 100'],
      ] as const) {
        const l = load(name);
        const numbers = selectPackets(l.index, compileFilter(filter));
        const counts = new DisplayedSessionCounts();
        counts.update(l.index.store, numbers, numbers.length, l.index.sessions.count);
        const t = tree(l, 'protocol', { counts });
        const ours = ourStreams(allRows(t));
        expect(ours.size, `${name} -Y ${filter}`).toBeGreaterThan(0);
        expect(Object.fromEntries(ours), `${name} -Y ${filter}`).toEqual(Object.fromEntries(tsharkStreams(l.file, filter)));
        // Only sessions with a displayed packet are in the tree.
        const withDisplayed = new Set(Array.from(numbers, (n) => l.index.store.session[n - 1]!).filter((s) => s >= 0));
        expect(t.matched).toBe(withDisplayed.size);
      }
    });

    it('Wireshark-syntax node filters select in tshark what they select in our engine', () => {
      const l = load('mixed-real-traffic__zui__sample.pcapng');
      const rows = allRows(tree(l, 'host'));
      const picks = [rows.find((r) => r.kind === 'host'), rows.find((r) => r.kind === 'peer'), ...rows.filter((r) => r.kind === 'session').slice(0, 4)];
      for (const r of picks) {
        expect(r).toBeDefined();
        if (!r) continue;
        const ours = Array.from(selectPackets(l.index, compileFilter(r.filter)));
        const theirs = tshark(['-r', l.file, '-Y', r.filter, '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).map(Number);
        expect(ours, r.filter).toEqual(theirs);
        expect(ours.length, r.filter).toBe(r.packets);
      }
    });
  });

  it.each(FIXTURES)("every node's filter selects exactly the node's packets, and its counts are those packets' (%s)", (name) => {
    const l = load(name);
    const st = l.index.store;
    for (const g of GROUPINGS) {
      const rows = allRows(tree(l, g));
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        const expected = packetsWhere(l, nodePredicate(l, r));
        const selected = Array.from(selectPackets(l.index, compileFilter(r.filter)), (n) => n - 1);
        // As in Wireshark, an ICMP error quoting a packet of the node also carries its addresses and ports:
        // the one kind of packet a Wireshark-syntax filter adds (it belongs to an ICMP session of its own).
        const quoting = (i: number): boolean => {
          const sid = st.session[i]!;
          const p = l.index.sessions.proto[sid];
          return sid >= 0 && (p === 1 || p === 58) && !icmpIsEcho(l.index.sessions, sid);
        };
        const want = new Set(expected);
        expect(
          selected.filter((i) => !want.has(i) && !quoting(i)),
          `${g} ${r.key} ${r.label}: ${r.filter}`,
        ).toEqual([]);
        expect(expected.filter((i) => !selected.includes(i)), `${g} ${r.key} ${r.label}: ${r.filter}`).toEqual([]);
        expect(r.packets, `${g} ${r.key}`).toBe(expected.length);
        expect(r.bytes, `${g} ${r.key}`).toBe(expected.reduce((a, i) => a + st.len[i]!, 0));
        if (r.kind === 'host' || r.kind === 'peer') {
          // "Out" is what the host sent (for a peer row: what the parent host sent to the peer).
          const segs = r.key.split('/');
          const ep = Number(segs[r.kind === 'peer' ? segs.length - 2 : segs.length - 1]!.slice(1));
          const sent = expected.filter((i) => st.srcEp[i] === ep);
          const self = expected.filter((i) => st.srcEp[i] === ep && st.dstEp[i] === ep).length;
          expect(r.pktsOut, `${g} ${r.key} out`).toBe(sent.length);
          expect(r.pktsIn, `${g} ${r.key} in`).toBe(expected.length - sent.length + self);
        }
        if (r.kind === 'session') {
          const sid = Number(r.key.split('/').pop()!.slice(1));
          const ab = expected.filter((i) => (st.flags[i]! & SF_DIR_BA) === 0);
          expect([r.pktsOut, r.pktsIn], r.key).toEqual([ab.length, expected.length - ab.length]);
          expect(r.firstPacket).toBe(l.index.sessions.firstPacket[sid]);
        }
      }
    }
  });

  it('with IP fragments, a host filter adds only the non-final fragments (which belong to no session, as in tshark)', () => {
    const l = load('ipv4-frag-nfs__pcapplusplus__ip4_fragments.pcap');
    const st = l.index.store;
    const rows = allRows(tree(l, 'host')).filter((r) => r.kind === 'host');
    expect(rows.length).toBeGreaterThan(0);
    let extra = 0;
    for (const r of rows) {
      const expected = new Set(packetsWhere(l, nodePredicate(l, r)));
      const selected = Array.from(selectPackets(l.index, compileFilter(r.filter)), (n) => n - 1);
      for (const i of expected) expect(selected.includes(i), r.filter).toBe(true);
      const more = selected.filter((i) => !expected.has(i));
      for (const i of more) expect(st.session[i], `${r.filter}: packet ${i + 1}`).toBe(-1);
      extra += more.length;
    }
    expect(extra).toBeGreaterThan(0);
  });

  it('node filters of sessions sharing a conversation key add the stream index', () => {
    // Two sessions on the same tuple (split by an idle timeout of 0 s): the plain conversation filter cannot
    // tell them apart, so each gets tcp.stream/udp.stream and still selects only its own packets.
    const file = path.join(CAPS, 'dns-many-mdns-llmnr__pcapplusplus__DnsPackets.pcap');
    const enrich = new SessionEnrichment({ rules: sharedRules(), geo: new GeoResolver({}) });
    const index = new CaptureIndex(openCapture(file), { enrich, timeouts: { tcp: 0, udp: 0, icmp: 0, other: 0 } });
    index.runToEnd();
    const labels = new SessionLabels(index.sessions, index.endpoints, enrich);
    const l: Loaded = { file, index, enrich, labels, filters: new SessionNodeFilters(index.sessions, labels) };
    const rows = allRows(tree(l, 'protocol')).filter((r) => r.kind === 'session');
    const shared = rows.filter((r) => /\.stream == \d+$/.test(r.filter));
    expect(shared.length).toBeGreaterThan(1);
    for (const r of shared) {
      const selected = Array.from(selectPackets(index, compileFilter(r.filter)), (n) => n - 1);
      expect(selected, r.filter).toEqual(packetsWhere(l, nodePredicate(l, r)));
    }
  });

  it('windows page consistently, nest under their parents and follow the sort', () => {
    const l = load('http1-many-requests__foxio-ja4__http1.pcapng');
    for (const g of GROUPINGS) {
      for (const sort of [
        { column: 'bytes' as const, desc: true },
        { column: 'label' as const, desc: false },
        { column: 'start' as const, desc: false },
        { column: 'pktsIn' as const, desc: true },
      ]) {
        const t = tree(l, g);
        const full = allRows(t, sort);
        const expanded = full.filter((r) => r.expanded).map((r) => r.key);
        // Pages of 7 rows concatenate to the whole.
        const paged: TreeRow[] = [];
        for (let start = 0; start < full.length; start += 7) paged.push(...t.window(expanded, sort, start, 7).rows);
        expect(paged.map((r) => r.key)).toEqual(full.map((r) => r.key));
        expect(t.window(expanded, sort, 0, 1).total).toBe(full.length);
        // Each row is a child of the nearest shallower row above it; siblings follow the sort.
        const stack: TreeRow[] = [];
        const lastSibling = new Map<string, TreeRow>();
        for (const r of full) {
          while (stack.length > r.depth) stack.pop();
          const parent = stack[stack.length - 1];
          expect(r.key.startsWith(parent ? `${parent.key}/` : '')).toBe(true);
          expect(r.key.split('/').length).toBe(r.depth + 1);
          const prev = lastSibling.get(parent?.key ?? '');
          if (prev && sort.column !== 'label') {
            const a = prev[sort.column];
            const b = r[sort.column];
            expect(sort.desc ? a >= b : a <= b, `${g} ${sort.column} ${prev.key} then ${r.key}`).toBe(true);
          }
          lastSibling.set(parent?.key ?? '', r);
          if (r.hasChildren) stack.push(r);
        }
        // A group's children add up to it (host levels count a session under both endpoints).
        for (const r of full.filter((x) => x.hasChildren)) {
          const kids = full.filter((x) => x.depth === r.depth + 1 && x.key.startsWith(`${r.key}/`));
          if (kids[0]?.kind === 'session' || r.kind === 'host') {
            expect(kids.reduce((a, k) => a + k.packets, 0), r.key).toBe(r.packets);
          }
        }
      }
    }
  });

  it('a key names the same node across windows and sorts, and an unknown key resolves to nothing', () => {
    const l = load('mixed-real-traffic__zui__sample.pcapng');
    const t = tree(l, 'host');
    const rows = allRows(t);
    const session = rows.find((r) => r.kind === 'session')!;
    const sids = t.sessionsOf(session.key);
    expect(sids && Array.from(sids)).toEqual([Number(session.key.split('/').pop()!.slice(1))]);
    expect(t.resolve('h999999')).toBeNull();
    expect(t.resolve('x1')).toBeNull();
    expect(t.resolve(`${session.key}/s1`)).toBeNull();
    const host = rows.find((r) => r.kind === 'host')!;
    expect(t.sessionsOf(host.key)!.length).toBe(host.sessions);
  });

  it('search keeps the sessions that match and re-counts the groups over them', () => {
    const l = load('mixed-real-traffic__zui__sample.pcapng');
    const s = l.index.sessions;
    const all = allRows(tree(l, 'protocol')).filter((r) => r.kind === 'session');
    for (const q of ['443', 'news.ycombinator', 'udp', 'private']) {
      const t = tree(l, 'protocol', { search: q });
      const rows = allRows(t);
      const got = rows.filter((r) => r.kind === 'session');
      const text = (r: TreeRow): string => `${r.label} ${r.proto} ${r.app} ${r.category} ${r.name}`.toLowerCase();
      // Everything kept says the text somewhere (countries of both ends included, hence the endpoint check).
      for (const r of got) {
        const sid = Number(r.key.split('/').pop()!.slice(1));
        const countries = `${l.enrich.country(s.epA[sid]!)} ${l.enrich.country(s.epB[sid]!)}`.toLowerCase();
        expect(`${text(r)} ${countries}`, q).toContain(q);
      }
      // Nothing whose label, protocol, app or name says it is left out.
      for (const r of all) if (text(r).includes(q)) expect(got.some((x) => x.key === r.key), `${q}: ${r.label}`).toBe(true);
      expect(t.matched).toBe(got.length);
      for (const p of rows.filter((r) => r.kind === 'protocol')) {
        expect(p.sessions).toBe(got.filter((r) => r.key.startsWith(`${p.key}/`)).length);
      }
    }
  });

  it('per-session displayed counts filled in steps equal counts made at once', () => {
    const l = load('http1-many-requests__foxio-ja4__http1.pcapng');
    const numbers = selectPackets(l.index, compileFilter('tcp.len > 0 || udp'));
    const once = new DisplayedSessionCounts();
    once.update(l.index.store, numbers, numbers.length, l.index.sessions.count);
    const steps = new DisplayedSessionCounts();
    for (let k = 0; k <= numbers.length; k += 37) steps.update(l.index.store, numbers, Math.min(k, numbers.length), l.index.sessions.count);
    steps.update(l.index.store, numbers, numbers.length, l.index.sessions.count);
    for (const col of ['pktsAB', 'pktsBA', 'bytesAB', 'bytesBA', 'firstSec', 'firstNsec', 'lastSec', 'lastNsec', 'firstPacket'] as const) {
      expect(Array.from(steps[col].subarray(0, l.index.sessions.count)), col).toEqual(Array.from(once[col].subarray(0, l.index.sessions.count)));
    }
    // And without a filter that shows everything, they equal the session table's own counts.
    const every = Uint32Array.from({ length: l.index.store.count }, (_, i) => i + 1);
    const full = new DisplayedSessionCounts();
    full.update(l.index.store, every, every.length, l.index.sessions.count);
    const n = l.index.sessions.count;
    for (const col of ['pktsAB', 'pktsBA', 'bytesAB', 'bytesBA', 'firstPacket'] as const) {
      expect(Array.from(full[col].subarray(0, n)), col).toEqual(Array.from(l.index.sessions[col].subarray(0, n)));
    }
  });

  it('a tree over a capture still being indexed counts what is indexed so far', () => {
    const file = path.join(CAPS, 'http1-many-requests__foxio-ja4__http1.pcapng');
    const enrich = new SessionEnrichment({ rules: sharedRules(), geo: new GeoResolver({}) });
    const index = new CaptureIndex(openCapture(file), { enrich });
    const labels = new SessionLabels(index.sessions, index.endpoints, enrich);
    const l: Loaded = { file, index, enrich, labels, filters: new SessionNodeFilters(index.sessions, labels) };
    index.step(100);
    const early = tree(l, 'protocol').window([], SORT, 0, 10).rows;
    expect(early.reduce((a, r) => a + r.packets, 0)).toBe(packetsWhere(l, () => true).length);
    index.runToEnd();
    const late = tree(l, 'protocol').window([], SORT, 0, 10).rows;
    expect(late.reduce((a, r) => a + r.packets, 0)).toBe(packetsWhere(l, () => true).length);
    expect(late.reduce((a, r) => a + r.packets, 0)).toBeGreaterThan(early.reduce((a, r) => a + r.packets, 0));
  });
});
