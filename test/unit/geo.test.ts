import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Reader, type Response } from 'maxmind';
import { addressLabel } from '../../main/engine/geo/special-ranges';
import { GeoResolver, embeddedCountryDbPath } from '../../main/engine/geo/geo-resolver';
import { AsnTable, asnPackageDir } from '../../main/engine/geo/asn-table';
import { EndpointGeo } from '../../main/engine/geo/endpoint-geo';
import { EndpointTable, EP_IPV4, EP_IPV6 } from '../../main/engine/store/endpoints';
import { parseIPv4, parseIPv6 } from '../../main/engine/filter/values';
import { GEO_ATTRIBUTION } from '../../main/engine/geo/attribution';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { openCapture } from '../../main/engine/readers/open';
import { SessionEnrichment } from '../../main/engine/sessions/session-enrichment';
import { loadRules } from '../../main/engine/classify/load-rules';

const addr = (s: string): Uint8Array => (s.includes(':') ? parseIPv6(s) : parseIPv4(s)) as Uint8Array;

// Public addresses taken from the fixtures (Google, Facebook, AWS, Hurricane Electric, DFN …).
const V4 = ['142.251.16.94', '157.240.229.1', '176.34.164.201', '34.212.93.65', '64.233.166.94', '193.24.227.238', '194.247.5.14'];
const V6 = ['2001:638:902:1:202:b3ff:feee:5dc2', '2001:470:1f11:81f:d138:5f55:6d4:1fe2', '2607:f740:b::f93', '2001:618:400::5199:cc70'];

/** The CSV read independently (plain string parsing, BigInt for IPv6): what the range table must agree with. */
function csvAsn(ip: string): number {
  const v6 = ip.includes(':');
  const file = path.join(asnPackageDir(), v6 ? 'asn-ipv6-num.csv' : 'asn-ipv4-num.csv');
  const bytes = addr(ip);
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [a, b, asn] = line.split(',');
    if (a === undefined || b === undefined || asn === undefined) continue;
    if (BigInt(a) <= n && n <= BigInt(b)) return Number(asn);
  }
  return 0;
}

describe('special-purpose ranges', () => {
  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['169.254.10.1', 'link-local'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['ff02::fb', 'multicast'],
    ['fd00::1', 'private'],
    ['::ffff:192.168.0.1', 'private'],
    ['2001:4860:4860::8888', 'public'],
  ])('%s is %s', (ip, label) => {
    expect(addressLabel(addr(ip))).toBe(label);
  });
});

describe('embedded databases', () => {
  const country = new Reader<Response>(fs.readFileSync(embeddedCountryDbPath()));
  const resolver = new GeoResolver({});
  it('countries agree with the DB-IP mmdb read directly', () => {
    for (const ip of [...V4, ...V6]) {
      const rec = country.get(ip) as unknown as { country_code?: string } | null;
      expect(resolver.lookup(addr(ip)).country, ip).toBe(rec?.country_code ?? '');
      expect(resolver.lookup(addr(ip)).country, ip).toMatch(/^[A-Z]{2}$/);
    }
  });
  it('ASNs agree with the ip-location-db CSV read independently', () => {
    const table = AsnTable.load();
    for (const ip of [...V4, ...V6]) {
      const want = csvAsn(ip);
      expect(want, ip).toBeGreaterThan(0);
      expect(table.lookup(addr(ip))?.asn, ip).toBe(want);
      expect(resolver.lookup(addr(ip)).asn, ip).toBe(want);
    }
    expect(resolver.lookup(addr('157.240.229.1')).org).not.toBe('');
  });
  it('special addresses are labelled, not looked up', () => {
    const r = new GeoResolver({});
    expect(r.lookup(addr('192.168.1.1'))).toEqual({ label: 'private', country: '', city: '', asn: 0, org: '' });
    expect(r.dbLookups).toBe(0);
  });
  it('attribution names DB-IP and the ASN sources', () => {
    const text = GEO_ATTRIBUTION.join(' ');
    for (const s of ['DB-IP', 'db-ip.com', 'RouteViews', 'NRO', 'CC BY 4.0']) expect(text).toContain(s);
  });
});

describe('per-endpoint cache', () => {
  it('resolves each address once', () => {
    const eps = new EndpointTable();
    const a = eps.intern(EP_IPV4, addr('142.251.16.94'), 0, 4);
    const b = eps.intern(EP_IPV6, addr('2607:f740:b::f93'), 0, 16);
    const p = eps.intern(EP_IPV4, addr('10.0.0.1'), 0, 4);
    const resolver = new GeoResolver({});
    const geo = new EndpointGeo(resolver, eps);
    const first = [geo.country(a), geo.asn(a), geo.country(b), geo.country(p)];
    const again = [geo.country(a), geo.asn(a), geo.country(b), geo.country(p)];
    expect(again).toEqual(first);
    expect(first[3]).toBe('private');
    expect(geo.misses).toBe(3);
    expect(geo.hits).toBe(5);
    expect(resolver.dbLookups).toBe(2);
  });
});

describe('session columns from a capture', () => {
  it('country of both sides and the B side ASN', () => {
    const reader = openCapture(path.join(__dirname, '../fixtures/captures/tls12-curl-sni__ndpi__443-curl.pcap'));
    const e = new SessionEnrichment({ rules: loadRules({ userFiles: [] }), geo: new GeoResolver({}) });
    const index = new CaptureIndex(reader, { noStore: true, enrich: e });
    index.runToEnd();
    reader.close();
    const s = index.sessions;
    const ip = index.endpoints.format(s.epB[0] as number);
    expect(e.app(0)).toBe('ntop');
    expect(e.asn(s.epB[0] as number)).toBe(csvAsn(ip));
    expect(e.country(s.epB[0] as number)).toBe((new Reader<Response>(fs.readFileSync(embeddedCountryDbPath())).get(ip) as unknown as { country_code: string }).country_code);
    expect(e.country(s.epA[0] as number)).toBe('private');
  });
});
