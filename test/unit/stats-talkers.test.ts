/**
 * Top talkers against `tshark -q -z endpoints,ip` / `endpoints,ipv6`: per address, packets and bytes in
 * total, sent and received; plus our extra columns checked against independent computations (sessions from
 * the session table, special ranges from the address itself, the app mix from the sessions' bytes), sorting,
 * paging and the display-filter scope against tshark's endpoints with the same filter.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureStatistics } from '../../main/engine/stats/capture-stats';
import { haveTshark, indexCapture, tshark, tsharkEndpoints, type EndpointCounts } from './stats-oracle';
import type { TalkerRow } from '../../shared/views/stats';

const CAPTURES = join(__dirname, '../fixtures/captures');
/** Fixtures with IPv4 and IPv6 hosts, tunnels-free (tshark counts every IP layer of a tunnel). */
const FILES = [
  'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng',
  'mixed-real-traffic__zui__sample.pcapng',
  'dns-many-mdns-llmnr__pcapplusplus__DnsPackets.pcap',
  'dns-frag-v4-v6-tcp__ndpi__dns_fragmented.pcap',
  'sip-udp-register-invite-rtp__ndpi__sip.pcap',
  'link-sll2-arp-icmp-icmpv6__zeek__linux_dlt_sll2.pcap',
  'ipv4-frag-nfs__pcapplusplus__ip4_fragments.pcap',
  'vlan-8021q-icmp-cdp__pcapplusplus__VlanPackets.pcap',
  'ipv6-frag-udp__pcapplusplus__ip6_fragments.pcap',
  'sip-ipv6-udp-frag-b2bua__sngrep__ipv6frag.pcap',
];

function statsFor(file: string) {
  const c = indexCapture(join(CAPTURES, file));
  const stats = new CaptureStatistics(c.index, c.index.reader, file, c.enrichment, c.hierarchy);
  return { c, stats };
}

function allRows(stats: CaptureStatistics, numbers: Uint32Array | null, family: 'ipv4' | 'ipv6' | 'all' = 'all'): TalkerRow[] {
  const out: TalkerRow[] = [];
  for (let start = 0; ; start += 1000) {
    const r = stats.talkers(numbers, { family, sort: 'bytes', desc: true, start, count: 1000 }, false);
    out.push(...r.rows);
    if (out.length >= r.total) return out;
  }
}

function asCounts(rows: TalkerRow[]): Map<string, EndpointCounts> {
  return new Map(
    rows.map((r) => [r.address, { packets: r.packets, bytes: r.bytes, txPackets: r.txPackets, txBytes: r.txBytes, rxPackets: r.rxPackets, rxBytes: r.rxBytes }]),
  );
}

describe.skipIf(!haveTshark)('top talkers vs tshark -z endpoints', () => {
  it.each(FILES)('%s: packets, bytes, tx/rx per IPv4 and IPv6 address', (file) => {
    const { c, stats } = statsFor(file);
    try {
      const path = join(CAPTURES, file);
      const v4 = tsharkEndpoints(path, 'ip');
      const v6 = tsharkEndpoints(path, 'ipv6');
      expect(v4.size + v6.size).toBeGreaterThan(0);
      expect(asCounts(allRows(stats, null, 'ipv4'))).toEqual(v4);
      expect(asCounts(allRows(stats, null, 'ipv6'))).toEqual(v6);
      expect(stats.talkers(null, { family: 'all', sort: 'bytes', desc: true, start: 0, count: 1 }, false).total).toBe(v4.size + v6.size);
    } finally {
      c.close();
    }
  });

  it('limited to a display filter: agrees with tshark endpoints,ip,<filter>', () => {
    const file = 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng';
    const path = join(CAPTURES, file);
    const { c, stats } = statsFor(file);
    try {
      const numbers = Uint32Array.from(tshark(['-r', path, '-Y', 'tcp', '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).map(Number));
      expect(asCounts(allRows(stats, numbers, 'ipv4'))).toEqual(tsharkEndpoints(path, 'ip', 'tcp'));
    } finally {
      c.close();
    }
  });

  it('sessions, ranges and app mix agree with the session table and the addresses', () => {
    const { c, stats } = statsFor('mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng');
    try {
      const rows = allRows(stats, null);
      const s = c.index.sessions;
      const eps = c.index.endpoints;
      for (const row of rows) {
        // Independently: sessions whose A or B side is this address, and their bytes by application.
        let sessions = 0;
        const apps = new Map<string, number>();
        for (let sid = 0; sid < s.count; sid++) {
          const a = eps.format(s.epA[sid]!);
          const b = eps.format(s.epB[sid]!);
          if (a !== row.address && b !== row.address) continue;
          sessions++;
          const app = c.enrichment.app(sid);
          apps.set(app, (apps.get(app) ?? 0) + s.bytesAB[sid]! + s.bytesBA[sid]!);
        }
        expect(row.sessions, row.address).toBe(sessions);
        const top = [...apps].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 4);
        expect(row.apps.map((x) => [x.app, x.bytes])).toEqual(top);
        const private4 = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(row.address);
        if (private4) expect(row.range).toBe('private');
        if (/^(22[4-9]|23\d)\./.test(row.address) || /^ff/i.test(row.address)) expect(row.range).toBe('multicast');
        if (/^fe80:/i.test(row.address)) expect(row.range).toBe('link-local');
        if (row.range !== 'public') expect(row.country).toBe('');
      }
      expect(rows.some((r) => r.range === 'private')).toBe(true);
    } finally {
      c.close();
    }
  });

  it('sorts by every column and pages without gaps or repeats', () => {
    const { c, stats } = statsFor('dns-many-mdns-llmnr__pcapplusplus__DnsPackets.pcap');
    try {
      const all = allRows(stats, null);
      expect(all.length).toBeGreaterThan(5);
      for (const sort of ['packets', 'bytes', 'txPackets', 'txBytes', 'rxPackets', 'rxBytes', 'sessions'] as const) {
        for (const desc of [true, false]) {
          const pages: TalkerRow[] = [];
          for (let start = 0; start < all.length; start += 3) pages.push(...stats.talkers(null, { family: 'all', sort, desc, start, count: 3 }, false).rows);
          expect(new Set(pages.map((r) => r.address)).size).toBe(all.length);
          for (let k = 1; k < pages.length; k++) {
            const d = pages[k]![sort] - pages[k - 1]![sort];
            expect(desc ? d <= 0 : d >= 0, `${sort} ${desc ? 'desc' : 'asc'} at ${k}`).toBe(true);
          }
        }
      }
    } finally {
      c.close();
    }
  });
});
