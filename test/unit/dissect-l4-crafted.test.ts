/**
 * Hand-built TCP/UDP/ICMP/ICMPv6 packets for the corners the fixtures do not reach. Expected Info strings
 * were produced by feeding the same bytes (inside Ethernet + IP) to tshark 4.0.17 (`tshark -n`).
 */
import { describe, expect, it } from 'vitest';
import '../../main/engine/dissect/protocols/tcp';
import '../../main/engine/dissect/protocols/udp';
import '../../main/engine/dissect/protocols/icmp';
import '../../main/engine/dissect/protocols/icmpv6';
import {
  Dissection,
  MODE_INDEX,
  MODE_SUMMARY,
  MODE_TREE,
  NET_IPV4,
  NET_IPV6,
  PF_MALFORMED,
  PF_TCP_ACK,
  PF_TCP_SYN,
  PF_TRUNCATED,
  type FlowHooks,
} from '../../main/engine/dissect/dissection';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { ipProtoTable, tcpPortTable, udpPortTable } from '../../main/engine/dissect/tables';
import { tcpFlagNames, tcpFlagString } from '../../main/engine/dissect/protocols/tcp';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

function ip4(proto: number, payload: Uint8Array, ttl = 64): Uint8Array {
  const h = new Uint8Array(20);
  const dv = new DataView(h.buffer);
  h[0] = 0x45;
  dv.setUint16(2, 20 + payload.length);
  h[8] = ttl;
  h[9] = proto;
  h.set([10, 0, 0, 1], 12);
  h.set([10, 0, 0, 2], 16);
  return cat(h, payload);
}

const SRC6 = hex('fe800000000000000000000000000001');
const DST6 = hex('ff020000000000000000000000000001');
function ip6(nh: number, payload: Uint8Array, hop = 255): Uint8Array {
  const h = new Uint8Array(40);
  h[0] = 0x60;
  new DataView(h.buffer).setUint16(4, payload.length);
  h[6] = nh;
  h[7] = hop;
  h.set(SRC6, 8);
  h.set(DST6, 24);
  return cat(h, payload);
}

function tcp(flags: number, opts = new Uint8Array(0), data = new Uint8Array(0), hdrLen?: number): Uint8Array {
  const h = new Uint8Array(20);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, 1234);
  dv.setUint16(2, 80);
  dv.setUint32(4, 1000);
  dv.setUint32(8, 2000);
  dv.setUint16(12, (((hdrLen ?? 20 + opts.length) / 4) << 12) | flags);
  dv.setUint16(14, 512);
  dv.setUint16(18, 7);
  return cat(h, opts, data);
}

function udp(len: number, data: Uint8Array): Uint8Array {
  const h = new Uint8Array(8);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, 5000);
  dv.setUint16(2, 6000);
  dv.setUint16(4, len);
  return cat(h, data);
}

function icmp(type: number, code: number, rest: Uint8Array, data = new Uint8Array(0)): Uint8Array {
  const h = new Uint8Array(8);
  h[0] = type;
  h[1] = code;
  h.set(rest, 4);
  return cat(h, data);
}

function icmp6(type: number, code: number, body: Uint8Array): Uint8Array {
  return cat(Uint8Array.from([type, code, 0, 0]), body);
}

/** Runs the transport decoder on an IP packet built above (the IP layer's job done by hand). */
function run(packet: Uint8Array, mode: number, hooks: FlowHooks | null = null, caplen?: number): Dissection {
  const d = new Dissection();
  const v6 = packet[0]! >> 4 === 6;
  const data = caplen === undefined ? packet : packet.subarray(0, caplen);
  d.reset(data, mode);
  d.frame.len = packet.length;
  d.frame.caplen = data.length;
  d.hooks = hooks;
  d.netType = v6 ? NET_IPV6 : NET_IPV4;
  d.netSrc.set(v6 ? packet.subarray(8, 24) : packet.subarray(12, 16));
  d.netDst.set(v6 ? packet.subarray(24, 40) : packet.subarray(16, 20));
  // The IPv6 decoder records its header's own source (the hop-limit lookup matches on it).
  if (v6) d.ipv6HdrSrc.set(packet.subarray(8, 24));
  const proto = v6 ? packet[6]! : packet[9]!;
  const off = v6 ? 40 : 20;
  d.ipProto = proto;
  ipProtoTable.get(proto)!(d, off, data.length);
  return d;
}

function find(nodes: TreeNode[] | null, name: string): TreeNode | undefined {
  for (const n of nodes ?? []) {
    if (n.field.name === name) return n;
    const inner = find(n.children, name);
    if (inner) return inner;
  }
  return undefined;
}

describe('TCP', () => {
  const cases: [string, Uint8Array, string][] = [
    ['URG+ACK', tcp(0x030), '1234 \u2192 80 [ACK, URG] Seq=1000 Ack=2000 Win=512 Urg=7 Len=0'],
    ['no flags', tcp(0), '1234 \u2192 80 [<None>] Seq=1000 Win=512 Len=0'],
    ['reserved+AE+SYN', tcp(0xf02), '1234 \u2192 80 [SYN, AE, Reserved] Seq=1000 Win=512 Len=0'],
    ['bogus header length', tcp(0x002, undefined, undefined, 12), '1234 \u2192 80 [SYN] Seq=1000 Win=512, bogus TCP header length (12, must be at least 20)'],
    ['WS shift above 14', tcp(0x002, hex('03031400')), '1234 \u2192 80 [SYN] Seq=1000 Win=512 Len=0 WS=16384'],
    ['MSS with a bad length', tcp(0x002, hex('02030500')), '1234 \u2192 80 [SYN] Seq=1000 Win=512 Len=0'],
    ['unknown option', tcp(0x002, hex('63040102')), '1234 \u2192 80 [SYN] Seq=1000 Win=512 Len=0'],
    ['MSS, NOPs, SACK block', tcp(0x018, hex('020405b4 0101050a 0000000a 00000014'), hex('616263')), '1234 \u2192 80 [PSH, ACK] Seq=1000 Ack=2000 Win=512 Len=3 MSS=1460 SLE=10 SRE=20'],
    ['timestamps, EOL', tcp(0x010, hex('0101080a 00000001 00000002 00000000')), '1234 \u2192 80 [ACK] Seq=1000 Ack=2000 Win=512 Len=0 TSval=1 TSecr=2'],
  ];
  for (const [name, seg, info] of cases) {
    it(`Info: ${name}`, () => {
      expect(run(ip4(6, seg), MODE_SUMMARY).info).toBe(info);
      expect(run(ip4(6, seg), MODE_TREE).info).toBe(info);
    });
  }

  it('flag strings follow tshark', () => {
    expect(tcpFlagString(0x012)).toBe('\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7A\u00b7\u00b7S\u00b7');
    expect(tcpFlagString(0xf02)).toBe('RRRA\u00b7\u00b7\u00b7\u00b7\u00b7\u00b7S\u00b7');
    expect(tcpFlagNames(0x011)).toBe('FIN, ACK');
  });

  it('fills the summary fields in index mode and calls the hook before the text', () => {
    let seenInfo: string | null = null;
    const hooks: FlowHooks = {
      onTransport(d) {
        seenInfo = d.info;
        d.sessionId = 7;
        d.streamIndex = 7;
        d.tcpSeqBase = 999;
        d.tcpAckBase = 1999;
        d.tcpWinScale = 3;
      },
    };
    const pkt = ip4(6, tcp(0x010, new Uint8Array(0), hex('00112233')));
    const di = run(pkt, MODE_INDEX, hooks);
    expect([di.sport, di.dport, di.tcpSeq, di.tcpAck, di.tcpFlags, di.tcpPayloadLen]).toEqual([1234, 80, 1000, 2000, 0x010, 4]);
    expect([di.payloadOff, di.payloadEnd]).toEqual([40, 44]);
    expect(di.flags & PF_TCP_ACK).toBeTruthy();
    expect(di.flags & PF_TCP_SYN).toBe(0);
    expect(di.protocolName()).toBe('TCP');
    expect(di.info).toBe('');
    const ds = run(pkt, MODE_TREE, hooks);
    expect(seenInfo).toBe('');
    expect(ds.info).toBe('1234 \u2192 80 [ACK] Seq=1 Ack=1 Win=4096 Len=4');
    expect(ds.tcpWin).toBe(4096);
    expect(find(ds.tree, 'tcp.stream')?.value).toBe(7);
    expect(find(ds.tree, 'tcp.seq')?.value).toBe(1);
    expect(find(ds.tree, 'tcp.seq_raw')?.value).toBe(1000);
    expect(find(ds.tree, 'tcp.nxtseq')?.value).toBe(5);
    expect(find(ds.tree, 'tcp.window_size')?.value).toBe(4096);
    expect(find(ds.tree, 'tcp.payload')?.length).toBe(4);
  });

  it('reports the window scale option of a SYN to the session layer', () => {
    let ws = -9;
    const pkt = ip4(6, tcp(0x002, hex('020405b4 01030307')));
    run(pkt, MODE_INDEX, { onTransport: (d) => (ws = d.tcpWsOption) });
    expect(ws).toBe(7);
  });

  it('decodes options into the tree', () => {
    const d = run(ip4(6, tcp(0x002, hex('020405b4 0402080a 00000064 00000000 01030307'))), MODE_TREE);
    expect(d.info).toBe('1234 \u2192 80 [SYN] Seq=1000 Win=512 Len=0 MSS=1460 SACK_PERM TSval=100 TSecr=0 WS=128');
    expect(find(d.tree, 'tcp.options.mss_val')?.value).toBe(1460);
    expect(find(d.tree, 'tcp.options.wscale.shift')?.value).toBe(7);
    expect(find(d.tree, 'tcp.options.sack_perm')).toBeDefined();
    expect(find(d.tree, 'tcp.options.timestamp.tsval')?.value).toBe(100);
    expect(find(d.tree, 'tcp.options')?.label).toBe('Options: (20 bytes), Maximum segment size, SACK permitted, Timestamps, No-Operation (NOP), Window scale');
  });

  it('dispatches the payload to the lower port first', () => {
    const seen: number[] = [];
    tcpPortTable.register(80, (_d, off, end) => seen.push(80, end - off));
    tcpPortTable.register(1234, () => seen.push(1234));
    run(ip4(6, tcp(0x018, new Uint8Array(0), hex('414243'))), MODE_INDEX);
    expect(seen).toEqual([80, 3]);
  });

  it('truncated and malformed headers are flagged, never thrown', () => {
    const short = run(ip4(6, tcp(0x010).subarray(0, 14)), MODE_SUMMARY);
    expect(short.flags & PF_TRUNCATED).toBeTruthy();
    expect(short.info).toBe('1234 \u2192 80');
    const bogus = run(ip4(6, tcp(0x002, undefined, undefined, 12)), MODE_TREE);
    expect(bogus.flags & PF_MALFORMED).toBeTruthy();
    const badOpt = run(ip4(6, tcp(0x002, hex('02080000'))), MODE_TREE);
    expect(badOpt.flags & PF_MALFORMED).toBeTruthy();
    // Captured bytes cut by the snaplen: tcp.len still counts the wire bytes, as tshark's reported length.
    const cut = run(ip4(6, tcp(0x018, new Uint8Array(0), new Uint8Array(100))), MODE_SUMMARY, null, 60);
    expect(cut.tcpPayloadLen).toBe(100);
    expect(cut.payloadEnd).toBe(60);
  });
});

describe('UDP', () => {
  it('Info and fields', () => {
    const d = run(ip4(17, udp(12, hex('01020304'))), MODE_TREE);
    expect(d.info).toBe('5000 \u2192 6000 Len=4');
    expect([d.sport, d.dport, d.payloadOff, d.payloadEnd]).toEqual([5000, 6000, 28, 32]);
    expect(d.protocolName()).toBe('UDP');
    expect(find(d.tree, 'udp.length')?.value).toBe(12);
  });
  it('bad lengths read as tshark', () => {
    const short = run(ip4(17, udp(4, new Uint8Array(4))), MODE_SUMMARY);
    expect(short.info).toBe('5000 \u2192 6000 [BAD UDP LENGTH 4 < 8]');
    expect(short.flags & PF_MALFORMED).toBeTruthy();
    const long = run(ip4(17, udp(100, new Uint8Array(4))), MODE_SUMMARY);
    expect(long.info).toBe('5000 \u2192 6000 [BAD UDP LENGTH 100 > IP PAYLOAD LENGTH] Len=92');
    expect(long.payloadEnd - long.payloadOff).toBe(4);
  });
  it('the udp length bounds the payload handed on (Ethernet padding stays out)', () => {
    let got = -1;
    udpPortTable.register(5000, (_d, off, end) => (got = end - off));
    run(ip4(17, udp(10, hex('aabb 0000 0000'))), MODE_INDEX);
    expect(got).toBe(2);
  });
});

describe('ICMP', () => {
  const cases: [string, Uint8Array, string][] = [
    ['echo request', icmp(8, 0, hex('04ca0001')), 'Echo (ping) request  id=0x04ca, seq=1/256, ttl=64'],
    ['redirect', icmp(5, 1, hex('0a000009')), 'Redirect             (Redirect for host)'],
    ['timestamp', icmp(13, 0, hex('00010002'), new Uint8Array(12)), 'Timestamp request    id=0x0001, seq=2/512, ttl=64'],
    ['port unreachable', icmp(3, 3, new Uint8Array(4), ip4(17, udp(20, new Uint8Array(0)))), 'Destination unreachable (Port unreachable)'],
    ['ttl exceeded', icmp(11, 0, new Uint8Array(4), ip4(6, tcp(0x002).subarray(0, 8))), 'Time-to-live exceeded (Time to live exceeded in transit)'],
    ['unknown type', icmp(99, 0, new Uint8Array(4)), 'Unknown ICMP (obsolete or malformed?)'],
    ['mask request', icmp(17, 0, new Uint8Array(4), new Uint8Array(4)), 'Address mask request id=0x0000, seq=0/0, ttl=64'],
  ];
  for (const [name, msg, info] of cases) {
    it(`Info: ${name}`, () => {
      expect(run(ip4(1, msg), MODE_SUMMARY).info).toBe(info);
      expect(run(ip4(1, msg), MODE_TREE).info).toBe(info);
    });
  }
  it('summary fields and the quoted header never overwrite them', () => {
    const echo = run(ip4(1, icmp(8, 0, hex('04ca0001'))), MODE_INDEX);
    expect([echo.icmpType, echo.icmpCode, echo.icmpId]).toEqual([8, 0, 0x04ca]);
    const err = run(ip4(1, icmp(3, 3, new Uint8Array(4), ip4(17, udp(20, new Uint8Array(0))))), MODE_TREE);
    expect([err.icmpType, err.icmpCode, err.icmpId, err.sport, err.dport]).toEqual([3, 3, -1, -1, -1]);
    expect(err.protocolName()).toBe('ICMP');
    expect(err.inner).toBe(0);
  });
});

describe('ICMPv6', () => {
  const slla = hex('0101aabbccddeeff');
  const tlla = hex('0201aabbccddeeff');
  const tgt = hex('20010db8000000000000000000000042');
  const quoted = ip6(17, hex('1388177000080000'));
  const cases: [string, Uint8Array, string][] = [
    ['echo', icmp6(128, 0, hex('110d0000')), 'Echo (ping) request id=0x110d, seq=0, hop limit=255'],
    ['unreachable', icmp6(1, 4, cat(new Uint8Array(4), quoted)), 'Destination Unreachable (Port unreachable)'],
    ['too big', icmp6(2, 0, cat(hex('000005dc'), quoted)), 'Packet Too Big'],
    ['time exceeded', icmp6(3, 0, cat(new Uint8Array(4), quoted)), 'Time Exceeded (hop limit exceeded in transit)'],
    ['param problem', icmp6(4, 1, cat(hex('00000028'), quoted)), 'Parameter Problem (unrecognized Next Header type encountered)'],
    ['unreachable, unknown code', icmp6(1, 8, new Uint8Array(4)), 'Destination Unreachable (Unknown)'],
    ['RS', icmp6(133, 0, cat(new Uint8Array(4), slla)), 'Router Solicitation from aa:bb:cc:dd:ee:ff'],
    ['NS', icmp6(135, 0, cat(new Uint8Array(4), tgt, slla)), 'Neighbor Solicitation for 2001:db8::42 from aa:bb:cc:dd:ee:ff'],
    ['NA', icmp6(136, 0, cat(hex('40000000'), tgt, tlla)), 'Neighbor Advertisement 2001:db8::42 (sol) is at aa:bb:cc:dd:ee:ff'],
    ['NA no flags', icmp6(136, 0, cat(new Uint8Array(4), tgt)), 'Neighbor Advertisement 2001:db8::42 (none)'],
    ['redirect', icmp6(137, 0, cat(new Uint8Array(4), tgt, tgt, tlla)), 'Redirect is at aa:bb:cc:dd:ee:ff'],
    ['MLD query', icmp6(130, 0, new Uint8Array(20)), 'Multicast Listener Query'],
    ['private', icmp6(200, 0, new Uint8Array(4)), 'Private experimentation'],
  ];
  for (const [name, msg, info] of cases) {
    it(`Info: ${name}`, () => {
      expect(run(ip6(58, msg), MODE_SUMMARY).info).toBe(info);
      expect(run(ip6(58, msg), MODE_TREE).info).toBe(info);
    });
  }
  it('RA options in the tree, zero-length option is malformed', () => {
    const ra = icmp6(134, 0, cat(hex('40000708 00000000 00000000'), hex('05010000000005dc'), slla, hex('0304 40c0 00278d00 00093a80 00000000'), tgt, hex('1905 0000 00000e10'), tgt, tgt));
    const d = run(ip6(58, ra), MODE_TREE);
    expect(d.info).toBe('Router Advertisement from aa:bb:cc:dd:ee:ff');
    expect(find(d.tree, 'icmpv6.opt.mtu')?.value).toBe(1500);
    expect(find(d.tree, 'icmpv6.opt.prefix')?.value).toBe('2001:db8::42');
    expect(find(d.tree, 'icmpv6.opt.rdnss')?.value).toBe('2001:db8::42');
    expect(find(d.tree, 'icmpv6.nd.ra.router_lifetime')?.value).toBe(1800);
    const zero = run(ip6(58, icmp6(133, 0, cat(new Uint8Array(4), hex('0100aabb')))), MODE_TREE);
    expect(zero.flags & PF_MALFORMED).toBeTruthy();
    expect(zero.info).toBe('Router Solicitation');
  });
  it('summary fields', () => {
    const d = run(ip6(58, icmp6(129, 0, hex('110d0003'))), MODE_INDEX);
    expect([d.icmpType, d.icmpCode, d.icmpId]).toEqual([129, 0, 0x110d]);
    expect(d.protocolName()).toBe('ICMPv6');
  });
});
