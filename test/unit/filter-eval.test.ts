import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../main/engine/filter/filter';
import { ip4, mac, makeRegistry, tree } from './filter-helpers';

const r = makeRegistry();
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A TCP/IPv4 packet over Ethernet, with the frame bytes so protocol slices work. */
const data = new Uint8Array(74).map((_, k) => k);
const tcpPacket = tree(r, [
  { f: 'frame', start: 0, length: 74, c: [{ f: 'frame.number', v: 7 }, { f: 'frame.len', v: 74 }, { f: 'frame.time', v: 1704103200.5 }] },
  {
    f: 'eth',
    start: 0,
    length: 14,
    c: [
      { f: 'eth.dst', v: mac('ff:ff:ff:ff:ff:ff') },
      { f: 'eth.src', v: mac('00:1b:21:aa:bb:cc') },
      { f: 'eth.type', v: 0x0800 },
    ],
  },
  {
    f: 'ip',
    start: 14,
    length: 20,
    c: [
      { f: 'ip.ttl', v: 64 },
      { f: 'ip.flags.df', v: true },
      { f: 'ip.src', v: ip4('10.1.2.3') },
      { f: 'ip.addr', v: ip4('10.1.2.3') },
      { f: 'ip.dst', v: ip4('192.168.1.9') },
      { f: 'ip.addr', v: ip4('192.168.1.9') },
    ],
  },
  {
    f: 'tcp',
    start: 34,
    length: 40,
    c: [
      { f: 'tcp.srcport', v: 443 },
      { f: 'tcp.dstport', v: 51000 },
      { f: 'tcp.port', v: 443 },
      { f: 'tcp.port', v: 51000 },
      { f: 'tcp.flags', v: 0x012, c: [{ f: 'tcp.flags.syn', v: true }] },
      { f: 'tcp.seq', v: 0 },
      { f: 'tcp.payload', v: utf8('GET /index.html HTTP/1.1') },
      { f: 'tcp.analysis.retransmission' },
    ],
  },
  { f: 'http.host', v: 'Example.COM' },
  { f: 'big.counter', v: 2n ** 60n },
  { f: 'rtp.jitter', v: 1.25 },
  { f: 'data.len', v: -3 },
]);

/** An ICMP error quoting an inner IPv4 header: ip.src occurs twice, in two layers. */
const icmpPacket = tree(r, [
  { f: 'ip', c: [{ f: 'ip.src', v: ip4('10.0.0.1') }, { f: 'ip.dst', v: ip4('10.0.0.2') }] },
  { f: 'icmp', c: [{ f: 'icmp.type', v: 3 }, { f: 'ip', c: [{ f: 'ip.src', v: ip4('10.0.0.2') }, { f: 'ip.dst', v: ip4('8.8.8.8') }] }] },
]);

const v6Packet = tree(r, [
  { f: 'ipv6', c: [{ f: 'ipv6.src', v: Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1]) }] },
  { f: 'dns', c: [{ f: 'dns.qry.name', v: 'www.Example.org' }] },
]);

function match(expr: string, t = tcpPacket, withData = true): boolean {
  return compileFilter(expr, r).evaluateTree(t, null, 0, withData ? data : undefined);
}

describe('evaluation on detail trees', () => {
  it.each([
    ['tcp', true],
    ['udp', false],
    ['dns', false],
    ['tcp.analysis.retransmission', true],
    ['tcp.flags.syn', true],
    ['!udp', true],
    ['not tcp', false],
  ])('presence: %s → %s', (f, want) => expect(match(f)).toBe(want));

  it.each([
    ['tcp.port == 443', true],
    ['tcp.port eq 51000', true],
    ['tcp.port == 80', false],
    ['tcp.port != 443', false], // 4.x: != is "all not equal"
    ['tcp.port != 80', true],
    ['tcp.port ne 80', true],
    ['tcp.port !== 443', true], // any_ne: 51000 differs
    ['tcp.port === 443', false], // all_eq
    ['tcp.srcport === 443', true],
    ['any tcp.port == 443', true],
    ['all tcp.port > 1024', false],
    ['all tcp.port > 100', true],
    ['tcp.port > 50000', true],
    ['tcp.port gt 60000', false],
    ['tcp.port < 444', true],
    ['tcp.port lt 443', false],
    ['tcp.port <= 443', true],
    ['tcp.port le 442', false],
    ['tcp.port >= 51000', true],
    ['tcp.port ge 51001', false],
    ['tcp.port == 0x1bb', true],
    ['tcp.port == 0673', true],
    ['tcp.port == 0b110111011', true],
    ['ip.ttl == 64', true],
    ['ip.ttl > \'?\'', true],
    ['80 < tcp.port', true],
    ['60000 < tcp.port', false],
  ])('integers: %s → %s', (f, want) => expect(match(f)).toBe(want));

  it.each([
    ['tcp.flags.syn == 1', true],
    ['tcp.flags.syn == True', true],
    ['tcp.flags.syn == TRUE', true],
    ['tcp.flags.syn == 0', false],
    ['tcp.flags.syn == False', false],
    ['ip.flags.df == 1', true],
    ['tcp.flags & 0x02', true],
    ['tcp.flags & 0x04', false],
    ['tcp.flags bitwise_and 0x10', true],
    ['tcp.flags & 0x12 == 0x12', true],
  ])('booleans and masks: %s → %s', (f, want) => expect(match(f)).toBe(want));

  it.each([
    ['ip.src == 10.1.2.3', true],
    ['ip.src == 10.1.2.4', false],
    ['ip.addr == 192.168.1.9', true],
    ['ip.addr != 192.168.1.9', false],
    ['ip.addr != 1.2.3.4', true],
    ['ip.addr == 10.0.0.0/8', true],
    ['ip.dst == 10.0.0.0/8', false],
    ['ip.src != 10.0.0.0/8', false],
    ['ip.addr == 192.168.0.0/16', true],
    ['ip.addr == 192.168.1.8/31', true],
    ['ip.addr == 192.168.1.8/32', false],
    ['ip.src > 10.1.2.2', true],
    ['ip.src < 9.255.255.255', false],
    ['ip.dst == "192.168.1.9"', true],
    ['ip.src == ip.addr', true],
    ['ip.src == ip.dst', false],
    ['ip.addr in {10.1.2.3 172.16.0.1}', true],
    ['ip.addr in {10.1.2.0 .. 10.1.2.10}', true],
    ['ip.addr in {10.0.0.0/8}', true],
  ])('IPv4: %s → %s', (f, want) => expect(match(f)).toBe(want));

  it.each([
    ['ipv6.src == 2001:db8::1', true],
    ['ipv6.src == 2001:db8:0:0:0:0:0:1', true],
    ['ipv6.src == 2001:db8::2', false],
    ['ipv6.src == 2001:db8::/32', true],
    ['ipv6.src == 2001:db9::/32', false],
    ['ipv6.addr == ::1', false],
    ['dns.qry.name == "www.Example.org"', true],
    ['dns.qry.name == "www.example.org"', false],
    ['dns.qry.name contains "Example"', true],
    ['dns.qry.name contains "example"', false],
    ['dns.qry.name matches "example\\\\.org$"', true], // case-insensitive by default
    ['dns.qry.name matches "(?-i)example"', false],
    ['dns.qry.name ~ "(?i)EXAMPLE"', true],
    ['lower(dns.qry.name) == "www.example.org"', true],
    ['upper(dns.qry.name) contains "EXAMPLE"', true],
    ['len(dns.qry.name) == 15', true],
    ['dns.qry.name[0:3] == "www"', true],
    ['dns.qry.name[-3:] == "org"', true],
    ['dns.qry.name in {"a" "www.Example.org"}', true],
    ['dns.qry.name == www.Example.org', true], // unquoted string literal (deprecated but accepted)
  ])('IPv6 and strings: %s → %s', (f, want) => expect(match(f, v6Packet)).toBe(want));

  it.each([
    ['eth.src == 00:1b:21:aa:bb:cc', true],
    ['eth.src == 00-1b-21-aa-bb-cc', true],
    ['eth.src == 001b.21aa.bbcc', true],
    ['eth.src == 00:1b:21:aa:bb:cd', false],
    ['eth.dst == ff:ff:ff:ff:ff:ff', true],
    ['eth.src[0:3] == 00:1b:21', true],
    ['eth.src[:3] == 00:1b:21', true],
    ['eth.src[3:] == aa:bb:cc', true],
    ['eth.src[1-2] == 1b:21', true],
    ['eth.src[0] == 00', true],
    ['eth.src[-1] == cc', true],
    ['eth.src[0,5] == 00:cc', true],
    ['eth.src[0:3] == 00.1b.21', true],
    ['eth.src[10:2] == 00:00', false], // out of range: no value
    ['eth.type == 0x0800', true],
    ['tcp.payload contains "GET"', true],
    ['tcp.payload contains 47:45:54', true],
    ['tcp.payload contains "POST"', false],
    ['tcp.payload matches "^get /"', true],
    ['tcp.payload[0:3] == "GET"', true],
    ['tcp.payload[0] == 0x47', true],
    ['len(tcp.payload) == 24', true],
    ['len(tcp) == 40', true],
    ['frame[0:2] == 00:01', true],
    ['frame[14] == 0e', true],
    ['ip[0:2] == 0e:0f', true],
    ['tcp contains 22:23', true],
    ['frame contains 47:48:49', true],
    ['frame[100-199] contains 00', false],
  ])('bytes, Ethernet, slices: %s → %s', (f, want) => expect(match(f)).toBe(want));

  it.each([
    ['http.host == "Example.COM"', true],
    ['http.host matches "example\\\\.com"', true],
    ['http.host matches "^EXAMPLE"', true],
    ['big.counter == 1152921504606846976', true],
    ['big.counter > 0xfffffffffffffff', true],
    ['rtp.jitter > 1.2', true],
    ['rtp.jitter == 1.25', true],
    ['rtp.jitter in {1 .. 1.3}', true],
    ['data.len == -3', true],
    ['data.len < 0', true],
    ['frame.number == 7', true],
    ['frame.len in {60..80}', true],
    ['frame.time == "2024-01-01 10:00:00.5Z"', true],
    ['frame.time > "2024-01-01T09:59:59Z"', true],
    ['frame.time >= "Jan 1, 2024 10:00:01 UTC"', false],
    ['frame.time_epoch > 1704103200', false], // frame.time_epoch absent from this tree
    ['count(ip.addr) == 2', true],
    ['count(tcp.port) == 3', false],
    ['string(tcp.srcport) == "443"', true],
    ['string(ip.src) matches "^10\\\\."', true],
    ['string(eth.src) contains "1b:21"', true],
    ['tcp.port in {80 443 8000..8999}', true],
    ['tcp.port in {80, 8443}', false],
    ['tcp.port not in {80, 8443}', true],
    ['tcp.port not in {443}', false],
  ])('other types and functions: %s → %s', (f, want) => expect(match(f)).toBe(want));

  it('combines with Wireshark precedence (not > and > or)', () => {
    expect(match('udp and tcp or tcp')).toBe(true); // (udp and tcp) or tcp
    expect(match('tcp or udp and dns')).toBe(true); // tcp or (udp and dns)
    expect(match('(tcp or udp) and dns')).toBe(false);
    expect(match('not tcp and tcp')).toBe(false); // (not tcp) and tcp
    expect(match('not (udp and tcp)')).toBe(true);
    expect(match('!udp && tcp.port == 443 || dns')).toBe(true);
    expect(match('tcp.port == 80 || tcp.port == 443 && !tcp.flags.syn')).toBe(false);
  });

  it('counts layers with #', () => {
    const m = (f: string): boolean => compileFilter(f, r).evaluateTree(icmpPacket, null, 0);
    expect(m('ip.src == 10.0.0.2')).toBe(true); // the quoted header counts too
    expect(m('ip.src#1 == 10.0.0.2')).toBe(false);
    expect(m('ip.src#2 == 10.0.0.2')).toBe(true);
    expect(m('ip.dst#[1-2] == 8.8.8.8')).toBe(true);
    expect(m('ip#2')).toBe(true);
    expect(m('ip#3')).toBe(false);
    expect(m('count(ip.src) == 2')).toBe(true);
    expect(m('ip.src != 10.0.0.2')).toBe(false);
    expect(m('ip.src !== 10.0.0.2')).toBe(true);
  });

  it('needs the frame bytes for protocol values, and treats their absence as no value', () => {
    expect(match('tcp contains 22:23', tcpPacket, false)).toBe(false);
    expect(match('tcp', tcpPacket, false)).toBe(true);
    expect(match('len(tcp) == 40', tcpPacket, false)).toBe(true);
  });

  it('field names registered after the filter module loads still work', () => {
    const reg = makeRegistry();
    reg.register('quic.version', 'uint', 'Version');
    const t = tree(reg, [{ f: 'quic.version', v: 1 }]);
    expect(compileFilter('quic.version == 1', reg).evaluateTree(t, null, 0)).toBe(true);
  });

  it('accepts bool fields stored as numbers and ipv4 stored as numbers', () => {
    const t = tree(r, [{ f: 'tcp.flags.syn', v: 1 }, { f: 'ip.src', v: 0x0a000001 }]);
    const m = (f: string): boolean => compileFilter(f, r).evaluateTree(t, null, 0);
    expect(m('tcp.flags.syn == True')).toBe(true);
    expect(m('ip.src == 10.0.0.1')).toBe(true);
  });

  it('the empty filter matches everything', () => {
    const f = compileFilter('   ', r);
    expect(f.matchesAll).toBe(true);
    expect(f.evaluateTree([], null, 0)).toBe(true);
  });
});
