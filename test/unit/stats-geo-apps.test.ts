/**
 * Countries/ASNs and applications, checked against independent sums: the hosts and bytes of tshark's
 * endpoints tables (every host lands in exactly one country row and one AS row), the private ranges written
 * out here, and the session table's own per-session bytes grouped by the enrichment's application.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureStatistics } from '../../main/engine/stats/capture-stats';
import { haveTshark, indexCapture, tsharkEndpoints } from './stats-oracle';

const CAPTURES = join(__dirname, '../fixtures/captures');
const FILES = ['mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng', 'dns-many-mdns-llmnr__pcapplusplus__DnsPackets.pcap', 'quic-v1-curl-http3__zeek__curl-8.1.2-dev-http3-www-google-de.pcap'];

function statsFor(file: string) {
  const c = indexCapture(join(CAPTURES, file));
  return { c, stats: new CaptureStatistics(c.index, c.index.reader, file, c.enrichment, c.hierarchy) };
}

const PRIVATE = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|f[cd][0-9a-f]{2}:)/i;

describe.skipIf(!haveTshark)('countries, ASNs and applications', () => {
  it.each(FILES)('%s: every host in one country and one AS row; sums equal tshark endpoints', (file) => {
    const { c, stats } = statsFor(file);
    try {
      const path = join(CAPTURES, file);
      const hosts = new Map([...tsharkEndpoints(path, 'ip'), ...tsharkEndpoints(path, 'ipv6')]);
      const r = stats.geo(null, 1000, false);
      const sum = (rows: { hosts: number; bytes: number; packets: number }[]) =>
        rows.reduce((a, x) => ({ hosts: a.hosts + x.hosts, bytes: a.bytes + x.bytes, packets: a.packets + x.packets }), { hosts: 0, bytes: 0, packets: 0 });
      const expected = [...hosts.values()].reduce((a, x) => ({ hosts: a.hosts + 1, bytes: a.bytes + x.bytes, packets: a.packets + x.packets }), { hosts: 0, bytes: 0, packets: 0 });
      expect(sum(r.countries)).toEqual(expected);
      expect(sum(r.asns)).toEqual(expected);
      expect(r.publicHosts + r.privateHosts).toBe(hosts.size);
      expect(r.hostBytes).toBe(expected.bytes);
      const privateHosts = [...hosts.keys()].filter((a) => PRIVATE.test(a));
      const privateRow = r.countries.find((x) => x.key === 'private');
      expect(privateRow?.hosts ?? 0).toBe(privateHosts.length);
      expect(privateRow?.bytes ?? 0).toBe(privateHosts.reduce((a, h) => a + hosts.get(h)!.bytes, 0));
      // Rows come largest first.
      for (let k = 1; k < r.countries.length; k++) expect(r.countries[k]!.bytes).toBeLessThanOrEqual(r.countries[k - 1]!.bytes);
    } finally {
      c.close();
    }
  });

  it.each(FILES)('%s: applications add up to the session table, per application', (file) => {
    const { c, stats } = statsFor(file);
    try {
      const r = stats.apps(null, false);
      const s = c.index.sessions;
      const expected = new Map<string, { sessions: number; bytes: number; packets: number }>();
      for (let sid = 0; sid < s.count; sid++) {
        const app = c.enrichment.app(sid);
        const e = expected.get(app) ?? { sessions: 0, bytes: 0, packets: 0 };
        e.sessions++;
        e.bytes += s.bytesAB[sid]! + s.bytesBA[sid]!;
        e.packets += s.pktsAB[sid]! + s.pktsBA[sid]!;
        expected.set(app, e);
      }
      const ours = new Map(r.apps.filter((a) => a.name !== '(no session)').map((a) => [a.name, { sessions: a.sessions, bytes: a.bytes, packets: a.packets }]));
      expect(ours).toEqual(expected);
      expect(r.apps.reduce((a, x) => a + x.packets, 0)).toBe(c.index.store.count);
      expect(r.categories.reduce((a, x) => a + x.packets, 0)).toBe(c.index.store.count);
      expect(r.categories.reduce((a, x) => a + x.sessions, 0)).toBe(s.count);
    } finally {
      c.close();
    }
  });
});
