/**
 * dns.log against tshark's recorded fields: each query's name and type, each response's answer count and
 * addresses, and the pairing (rtt is the response's time minus the query's, as tshark's dns.time).
 */
import { describe, expect, it } from 'vitest';
import { buildDnsLog } from '../../main/engine/logs/dns-log';
import { LogSource } from '../../main/engine/logs/log-source';
import { fixtures, hasOracle, indexOf, list, oracle } from './logs-helpers';

const CAPTURES = fixtures('dns-', 'mixed-', 'ipv6-frag-dns', 'link-raw-ipv4-dns', 'link-raw-ipv6-dns', 'link-null-loopback-dns').filter((c) =>
  hasOracle(c, 'app'),
);

describe('dns log', () => {
  it('has fixtures to check', () => expect(CAPTURES.length).toBeGreaterThanOrEqual(5));

  for (const capture of CAPTURES) {
    it(capture, () => {
      const index = indexOf(capture);
      const log = buildDnsLog(new LogSource(index));
      const tshark = oracle(capture, 'app');
      // tshark's DNS messages only (mDNS and LLMNR use the same dns.* fields).
      const queryFrames = [...tshark.entries()].filter(([, r]) => r.get('dns.flags.response') === '0' && r.get('dns.qry.name') !== '');
      const responseFrames = [...tshark.entries()].filter(([, r]) => r.get('dns.flags.response') === '1');
      expect(log.records.length).toBeGreaterThan(0);

      // Every query frame is the first frame of a record (or a retransmission folded into one) with its name.
      const recordOfFrame = new Map<number, number>();
      log.evidence.forEach((ev, k) => ev.frames.forEach((f) => recordOfFrame.set(f, k)));
      for (const [frame, row] of queryFrames) {
        const k = recordOfFrame.get(frame);
        expect(k, `query frame ${frame}`).toBeDefined();
        const rec = log.records[k as number];
        expect(rec?.query, `frame ${frame}`).toBe(list(row, 'dns.qry.name')[0]);
        expect(rec?.qtype, `frame ${frame}`).toBe(Number(list(row, 'dns.qry.type')[0]));
      }

      for (const [frame, row] of responseFrames) {
        const k = recordOfFrame.get(frame);
        expect(k, `response frame ${frame}`).toBeDefined();
        const rec = log.records[k as number];
        if (rec === undefined) continue;
        const ev = log.evidence[k as number];
        // A record can hold one response; a duplicate reply to an answered query gets its own record.
        if (ev?.frames[ev.frames.length - 1] !== frame && ev?.frames[0] !== frame) continue;
        if (rec.query === null || list(row, 'dns.qry.name')[0] === undefined) continue;
        expect(rec.query).toBe(list(row, 'dns.qry.name')[0]);
        expect(rec.answers.length, `answers of frame ${frame}`).toBe(Number(row.get('dns.count.answers')));
        expect(rec.TTLs.length).toBe(rec.answers.length);
        const addresses = new Set([...list(row, 'dns.a'), ...list(row, 'dns.aaaa')]);
        const ours = rec.answers.filter((a) => /^[\d.]+$|:/.test(a));
        for (const a of ours) expect(addresses.has(a), `${a} in frame ${frame}`).toBe(true);
        // Without authority/additional records (an OPT aside) tshark's addresses are exactly the answers'.
        const extra = Number(row.get('dns.count.auth_rr')) + Number(row.get('dns.count.add_rr')) - (row.get('dns.rr.udp_payload_size') ? 1 : 0);
        if (extra === 0) expect(new Set(ours)).toEqual(addresses);
        // Pairing: rtt equals tshark's dns.time for the matched response.
        const time = row.get('dns.time') ?? '';
        if (time !== '' && rec.rtt !== null) expect(rec.rtt).toBeCloseTo(Number(time), 6);
        if (row.get('dns.response_to')) expect(ev.frames[0]).toBe(Number(row.get('dns.response_to')));
      }
    });
  }

  it('pairs a query with its response: rtt = response time - query time', () => {
    const index = indexOf('dns-udp__tcpdump__dns_udp.pcap');
    const log = buildDnsLog(new LogSource(index));
    const rec = log.records[0];
    const ev = log.evidence[0];
    expect(rec).toBeDefined();
    expect(ev?.frames).toEqual([1, 2]);
    const s = index.store;
    const expected = (s.tsSec[1] as number) - (s.tsSec[0] as number) + ((s.tsNsec[1] as number) - (s.tsNsec[0] as number)) / 1e9;
    expect(rec?.rtt).toBeCloseTo(expected, 9);
    expect(rec).toMatchObject({
      'id.orig_h': '192.168.1.11',
      'id.orig_p': 43966,
      'id.resp_h': '209.87.249.18',
      'id.resp_p': 53,
      proto: 'udp',
      uid: 'S0',
      trans_id: 0x5934,
      query: 'www.tcpdump.org',
      qtype_name: 'A',
      qclass_name: 'C_INTERNET',
      rcode_name: 'NOERROR',
      RD: true,
      answers: ['192.139.46.66', '198.199.88.104'],
      TTLs: [60, 60],
    });
  });
});
