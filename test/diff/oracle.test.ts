// Unit tests for the oracle parsers, on real checked-in oracle files.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ORACLE_DIR,
  curatedCaptures,
  loadConvOracle,
  loadErr,
  loadFieldsOracle,
  parseConvTxt,
  parseFieldsTsv,
  pcapngSuiteCaptures,
  tcpdumpCaptures,
} from './oracle';

const base = (f: string) => path.join(ORACLE_DIR, f);

describe('fields.tsv parser', () => {
  it('parses dns_tcp: typed columns, 11 frames', () => {
    const o = loadFieldsOracle(base('dns-tcp__tcpdump__dns_tcp.pcap'))!;
    expect(o).not.toBeNull();
    expect(o.header[0]).toBe('frame.number');
    expect(o.header).toContain('_ws.col.Info');
    expect(o.rows).toHaveLength(11);
    const r = o.rows[0];
    expect(r.number).toBe(1);
    expect(r.timeEpoch).toBe('1591780863.720289000');
    expect(r.len).toBe(74);
    expect(r.capLen).toBe(74);
    expect(r.interfaceId).toBeUndefined(); // classic pcap
    expect(r.first('eth.src')).toBe('00:11:22:33:44:55');
    expect(r.first('ip.src')).toBe('192.168.1.11');
    expect(r.first('ip.dst')).toBe('209.87.249.18');
    expect(r.firstInt('tcp.srcport')).toBe(33779);
    expect(r.firstInt('tcp.dstport')).toBe(53);
    expect(r.firstInt('tcp.stream')).toBe(0);
    expect(r.first('udp.srcport')).toBeUndefined();
    expect(r.protocol).toBe('TCP');
    expect(r.info).toMatch(/^33779 → 53 \[SYN\] Seq=0/);
    expect(o.rows[3].protocol).toBe('DNS');
    expect(o.rows[3].first('dns.qry.name')).toBe('www.tcpdump.org');
  });

  it('splits multiple occurrences (ICMP error quoting an IPv4/TCP header) and keeps Info whole', () => {
    const o = loadFieldsOracle(base('mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng'))!;
    const r = o.rows.find((x) => x.number === 32)!;
    expect(r.protocol).toBe('ICMP');
    expect(r.all('ip.src')).toHaveLength(2);
    expect(r.first('ip.src')).toBe('70.28.69.142');
    expect(r.last('ip.src')).toBe('172.16.225.48');
    expect(r.all('ip.proto')).toEqual(['1', '6']);
    expect(r.firstInt('tcp.srcport')).toBe(52936); // quoted header's port
    expect(r.interfaceId).toBe(0); // pcapng
    // An Info with commas is not split.
    const withComma = o.rows.find((x) => x.info.includes(','));
    if (withComma) expect(withComma.all('_ws.col.Info')).toEqual([withComma.info]);
  });

  it('shows pcapng custom blocks as frames without timestamp (trap)', () => {
    const o = loadFieldsOracle(base('fmt-pcapng-le-perpacket-linktypes__gopacket__le-test102.pcapng'))!;
    expect(o.rows.map((r) => r.protocol)).toEqual([
      'PCAPNG', 'BOOTP', 'PCAPNG', 'DHCP', 'BOOTP', 'BOOTP', 'DB-LSP-DISC/JSON', 'PCAPNG',
    ]);
    expect(o.rows[0].timeEpoch).toBe('');
    expect(o.rows[0].interfaceId).toBeUndefined();
    expect(o.rows[6].interfaceId).toBe(1);
  });

  it('returns null for an empty oracle (tshark refused the file) and reads .err', () => {
    expect(loadFieldsOracle(base('tcpdump/dsa.pcap'))).toBeNull();
    expect(loadErr(base('tcpdump/dsa.pcap'))).toMatch(/network type 284 unknown or unsupported/);
    expect(loadErr(base('dns-tcp__tcpdump__dns_tcp.pcap'))).toBeNull();
    expect(loadErr(base('bad-pcapng-cut-short__zui__bad.pcapng'))).toMatch(/cut short in the middle of a packet/);
    expect(loadFieldsOracle(base('bad-pcapng-cut-short__zui__bad.pcapng'))!.rows).toHaveLength(27);
  });

  it('rejects rows with the wrong number of cells', () => {
    expect(() => parseFieldsTsv('a\tb\n1\t2\t3\n')).toThrow(/3 cells/);
    expect(parseFieldsTsv('').rows).toEqual([]);
  });

  it('parses every checked-in fields.tsv', () => {
    let n = 0;
    for (const c of [...curatedCaptures(), ...pcapngSuiteCaptures(), ...tcpdumpCaptures()]) {
      const o = loadFieldsOracle(c.oracleBase);
      if (!o) continue;
      n++;
      o.rows.forEach((r, i) => expect(r.number, `${c.name} row ${i}`).toBe(i + 1));
    }
    expect(n).toBeGreaterThan(800);
  });
});

describe('conv.txt parser', () => {
  it('parses dns_tcp: one conversation per table, directions and exact bytes', () => {
    const t = loadConvOracle(base('dns-tcp__tcpdump__dns_tcp.pcap'))!;
    expect(t.udp).toEqual([]);
    expect(t.ipv6).toEqual([]);
    expect(t.tcp).toHaveLength(1);
    const c = t.tcp[0];
    expect(c).toMatchObject({
      kind: 'tcp',
      a: '192.168.1.11',
      aport: 33779,
      b: '209.87.249.18',
      bport: 53,
      framesAB: 6, // "->": A to B (ip.src 192.168.1.11 sends 6 frames, 402 bytes in fields.tsv)
      framesBA: 5,
      frames: 11,
      relStart: '0.000000000',
      duration: '0.3810',
    });
    expect(c.bytesAB).toEqual({ text: '402 bytes', exact: 402 });
    expect(c.bytesBA).toEqual({ text: '520 bytes', exact: 520 });
    expect(c.bytes.exact).toBe(922);
    expect(t.ipv4[0]).toMatchObject({ a: '192.168.1.11', aport: undefined, framesAB: 6, framesBA: 5 });
    expect(t.eth[0]).toMatchObject({ a: '00:11:22:33:44:55', b: '00:11:22:33:44:66' });
  });

  it('directions agree with fields.tsv on a multi-conversation capture', () => {
    const name = 'dns-frag-v4-v6-tcp__ndpi__dns_fragmented.pcap';
    const t = loadConvOracle(base(name))!;
    const o = loadFieldsOracle(base(name))!;
    for (const c of t.tcp) {
      const ab = o.rows.filter(
        (r) => r.first('tcp.srcport') === String(c.aport) && r.first('tcp.dstport') === String(c.bport) &&
          (r.first('ip.src') ?? r.first('ipv6.src')) === c.a,
      );
      expect(ab.length).toBe(c.framesAB);
    }
  });

  it('splits IPv6 endpoints at the last colon and keeps abbreviated byte counts inexact', () => {
    const t = loadConvOracle(base('link-rawip-ipv6-http-4streams__pcapplusplus__four_ipv6_http_streams.pcap'))!;
    expect(t.tcp).toHaveLength(4);
    expect(t.tcp[0]).toMatchObject({ a: '2001:618:400::5199:cc70', aport: 35995, b: '2001:618:1:8000::5', bport: 80 });
    expect(t.tcp[0].bytesBA).toEqual({ text: '13 kB', exact: undefined });
    expect(t.tcp[0].bytesAB.exact).toBe(2323);
    expect(t.tcp[3].b).toBe('2001:638:902:1:202:b3ff:feee:5dc2');
  });

  it('accepts negative relative starts and rejects garbage rows', () => {
    const row =
      '10.0.0.1:1 <-> 10.0.0.2:2   1 60 bytes   0 0 bytes   1 60 bytes  -29.000000000  0.0000';
    const t = parseConvTxt(`TCP Conversations\n${row}\n`);
    expect(t.tcp[0]).toMatchObject({ framesBA: 1, framesAB: 0, relStart: '-29.000000000' });
    expect(() => parseConvTxt('UDP Conversations\nx <-> y nonsense\n')).toThrow(/unparsable/);
  });

  it('parses every checked-in conv.txt', () => {
    let rows = 0;
    for (const c of [...curatedCaptures(), ...pcapngSuiteCaptures(), ...tcpdumpCaptures()]) {
      const t = loadConvOracle(c.oracleBase);
      if (!t) continue;
      for (const list of Object.values(t)) {
        for (const conv of list) {
          rows++;
          expect(conv.frames, `${c.name}: ${conv.line}`).toBe(conv.framesAB + conv.framesBA);
        }
      }
    }
    expect(rows).toBeGreaterThan(1000);
  });
});
