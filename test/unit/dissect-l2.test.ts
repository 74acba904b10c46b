/** Link-layer decoders on crafted frames: the cases the fixtures do not cover, checked against tshark 4.0. */
import { describe, expect, it } from 'vitest';
import { Dissection, MODE_INDEX, MODE_SUMMARY, MODE_TREE, NET_ARP, NET_IPV4, NET_IPV6, PF_MALFORMED, PF_TRUNCATED } from '../../main/engine/dissect/dissection';
import { dissectFrame } from '../../main/engine/dissect/frame';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { formatMac } from '../../main/engine/base/addr';
import { concat, ether, hex, ipv4, ipv6, MAC_A, MAC_B, u16, u32 } from './helpers/pcap-lite';

function run(linkType: number, data: Uint8Array, mode = MODE_TREE, len = data.length): Dissection {
  const d = new Dissection();
  d.reset(data, mode);
  Object.assign(d.frame, { number: 1, tsSec: 1, tsNsec: 0, caplen: data.length, len, ifId: 0, linkType });
  dissectFrame(d);
  return d;
}

function values(d: Dissection, name: string): unknown[] {
  const out: unknown[] = [];
  const walk = (nodes: readonly TreeNode[] | null): void => {
    for (const n of nodes ?? []) {
      if (n.field.name === name) out.push(n.value instanceof Uint8Array ? Array.from(n.value).join('.') : n.value);
      walk(n.children);
    }
  };
  walk(d.tree);
  return out;
}

const IP1 = [192, 168, 0, 1];
const IP2 = [192, 168, 0, 2];
const Z4 = [0, 0, 0, 0];
const Z6 = new Uint8Array(6);
const FF6 = hex('ffffffffffff');
function arp(op: number, sha: Uint8Array, spa: number[], tha: Uint8Array, tpa: number[], type = 0x0806): Uint8Array {
  return ether(type, concat(u16(1), u16(0x0800), [6, 4], u16(op), sha, spa, tha, tpa), FF6);
}

describe('ARP', () => {
  const cases: [string, Uint8Array, string, string][] = [
    ['request', arp(1, MAC_A, IP2, Z6, IP1), 'ARP', 'Who has 192.168.0.1? Tell 192.168.0.2'],
    ['reply', arp(2, MAC_A, IP1, MAC_B, IP2), 'ARP', '192.168.0.1 is at 00:11:22:33:44:55'],
    ['announcement', arp(1, MAC_A, IP1, Z6, IP1), 'ARP', 'ARP Announcement for 192.168.0.1'],
    ['probe', arp(1, MAC_A, Z4, Z6, IP1), 'ARP', 'Who has 192.168.0.1? (ARP Probe)'],
    ['gratuitous reply', arp(2, MAC_A, IP1, FF6, IP1), 'ARP', 'Gratuitous ARP for 192.168.0.1 (Reply)'],
    ['gratuitous request', arp(1, MAC_A, IP1, FF6, IP1), 'ARP', 'Gratuitous ARP for 192.168.0.1 (Request)'],
    ['RARP request', arp(3, MAC_A, IP1, MAC_B, IP2, 0x8035), 'RARP', 'Who is 66:77:88:99:aa:bb? Tell 00:11:22:33:44:55'],
    ['RARP reply', arp(4, MAC_A, IP1, MAC_B, IP2, 0x8035), 'RARP', '66:77:88:99:aa:bb is at 192.168.0.2'],
    ['InARP reply', arp(9, MAC_A, IP1, MAC_B, IP2), 'Inverse ARP', '00:11:22:33:44:55 is at 192.168.0.1'],
    ['unknown opcode', arp(77, MAC_A, IP1, MAC_B, IP2), 'ARP', 'Unknown ARP opcode 0x004d'],
  ];
  it.each(cases)('%s: Protocol and Info as tshark', (_name, frame, proto, info) => {
    const d = run(1, frame, MODE_SUMMARY);
    expect(d.protocolName()).toBe(proto);
    expect(d.info).toBe(info);
  });
  it('puts sender/target protocol addresses in the summary in every mode', () => {
    for (const mode of [MODE_INDEX, MODE_SUMMARY, MODE_TREE]) {
      const d = run(1, arp(1, MAC_A, IP2, Z6, IP1), mode);
      expect(d.netType).toBe(NET_ARP);
      expect(Array.from(d.netSrc.subarray(0, 4))).toEqual(IP2);
      expect(Array.from(d.netDst.subarray(0, 4))).toEqual(IP1);
    }
  });
  it('registers tshark field names with typed values', () => {
    const d = run(1, arp(2, MAC_A, IP1, MAC_B, IP2));
    expect(values(d, 'arp.opcode')).toEqual([2]);
    expect(values(d, 'arp.src.hw_mac')).toEqual([Array.from(MAC_A).join('.')]);
    expect(values(d, 'arp.src.proto_ipv4')).toEqual(['192.168.0.1']);
    expect(values(d, 'arp.dst.proto_ipv4')).toEqual(['192.168.0.2']);
  });
  it('flags a short ARP as malformed, or truncated when the snap length cut it', () => {
    const short = ether(0x0806, hex('0001'));
    expect(run(1, short).flags & PF_MALFORMED).toBeTruthy();
    const d = run(1, short, MODE_SUMMARY, 60);
    expect(d.flags & PF_TRUNCATED).toBeTruthy();
    expect(d.info).toBe('[Packet size limited during capture]');
  });
});

describe('Ethernet, VLAN, LLC', () => {
  it('shows an undecoded ethertype the way tshark does, with link addresses for the columns', () => {
    const d = run(1, ether(0x0c0d, hex('01020304')), MODE_SUMMARY);
    expect(d.protocolName()).toBe('0x0c0d');
    expect(d.info).toBe('Ethernet II');
    expect([d.linkDstOff, d.linkSrcOff, d.linkAddrLen]).toEqual([0, 6, 6]);
    expect(formatMac(d.buf, d.linkSrcOff)).toBe('00:11:22:33:44:55');
  });
  it('decodes 802.1Q with the VLAN Info when nothing above claims the frame', () => {
    const d = run(1, ether(0x8100, concat(u16(0xa005), u16(0x0c0d), [1, 2, 3, 4])));
    expect(d.protocolName()).toBe('0x0c0d');
    expect(d.info).toBe('PRI: 5  DEI: 0  ID: 5');
    expect(values(d, 'vlan.id')).toEqual([5]);
    expect(values(d, 'vlan.priority')).toEqual([5]);
  });
  it('gives 802.1ad tags ieee8021ad.* fields and 802.1Q/0x9100 tags vlan.* (QinQ)', () => {
    const ip = ipv4(200, hex('abcd'));
    const d = run(1, ether(0x88a8, concat(u16(7), u16(0x8100), u16(5), u16(0x0800), ip)));
    expect(values(d, 'ieee8021ad.id')).toEqual([7]);
    expect(values(d, 'vlan.id')).toEqual([5]);
    expect(d.netType).toBe(NET_IPV4);
    const d2 = run(1, ether(0x9100, concat(u16(7), u16(0x8100), u16(9), u16(0x0800), ip)));
    expect(values(d2, 'vlan.id')).toEqual([7, 9]);
    expect(d2.protocolName()).toBe('IPv4');
  });
  it('walks thousands of stacked tags without recursion', () => {
    const tags: number[] = [];
    for (let i = 0; i < 5000; i++) tags.push(...u16(i & 0xfff), ...u16(0x8100));
    const d = run(1, ether(0x8100, concat(tags, u16(1), u16(0x0800), ipv4(200, hex('00')))), MODE_INDEX);
    expect(d.netType).toBe(NET_IPV4);
  });
  it('treats type/length ≤ 1500 as 802.3 + LLC, and SNAP with OUI 0 as an ethertype', () => {
    const ip = ipv4(200, hex('abcd'));
    const snap = concat(hex('aaaa03000000'), u16(0x0800), ip);
    const d = run(1, ether(snap.length, concat(snap, new Uint8Array(10))));
    expect(d.netType).toBe(NET_IPV4);
    expect(d.protocolName()).toBe('IPv4');
    expect(values(d, 'llc.dsap')).toEqual([0xaa]);
    expect(values(d, 'llc.type')).toEqual([0x0800]);
  });
  it('writes LLC Info as tshark for SNAP and plain SAPs', () => {
    const cisco = run(1, ether(10, hex('aaaa0300000c2000' + '7878')), MODE_SUMMARY);
    expect(cisco.protocolName()).toBe('LLC');
    expect(cisco.info).toBe('U, func=UI; SNAP, OUI 0x00000C (Cisco Systems, Inc), PID 0x2000');
    const plain = run(1, ether(10, hex('123403' + '78787878787878')), MODE_SUMMARY);
    expect(plain.info).toBe('U, func=UI; DSAP 0x12 Individual, SSAP ISO Network Layer (unofficial?) Command');
  });
  it('shows bytes after the IP datagram as padding (zeros up to 60 bytes) or trailer', () => {
    const ip = ipv4(200, hex('61626364'));
    const padded = run(1, concat(ether(0x0800, ip), new Uint8Array(20)));
    expect(values(padded, 'eth.padding')).toHaveLength(1);
    expect(values(padded, 'eth.trailer')).toHaveLength(0);
    expect(padded.payloadEnd).toBe(14 + 24);
    const trailer = run(1, concat(ether(0x0800, ip), new Uint8Array(20).fill(1)));
    expect(values(trailer, 'eth.trailer')).toHaveLength(1);
  });
  it('flags a frame shorter than the Ethernet header', () => {
    expect(run(1, hex('0011223344')).flags & PF_MALFORMED).toBeTruthy();
  });
});

describe('NULL / LOOP / raw IP', () => {
  const v4 = ipv4(200, hex('6162'));
  const v6 = ipv6(200, hex('6162'));
  const le = (n: number) => [n & 0xff, (n >> 8) & 0xff, 0, 0];
  it('accepts the family in either byte order', () => {
    expect(run(0, concat(le(2), v4)).netType).toBe(NET_IPV4);
    expect(run(0, concat(u32(2), v4)).netType).toBe(NET_IPV4);
    for (const af of [10, 24, 28, 30]) {
      expect(run(0, concat(le(af), v6)).netType).toBe(NET_IPV6);
      expect(run(0, concat(u32(af), v6)).netType).toBe(NET_IPV6);
    }
    expect(values(run(0, concat(le(30), v6)), 'null.family')).toEqual([30]);
  });
  it('accepts an ethertype in the second half, and labels unknown families N/A like tshark', () => {
    expect(run(0, concat(hex('0f000800'), v4)).netType).toBe(NET_IPV4);
    const d = run(0, concat(le(99), hex('7878')), MODE_SUMMARY);
    expect(d.protocolName()).toBe('N/A');
    expect(d.info).toBe('Null/Loopback');
  });
  it('reads LOOP (108) in network order', () => {
    expect(run(108, concat(u32(2), v4)).netType).toBe(NET_IPV4);
    expect(run(108, concat(u32(28), v6)).netType).toBe(NET_IPV6);
  });
  it('tells raw IP versions apart by the version nibble', () => {
    for (const lt of [12, 14, 101]) {
      expect(run(lt, v4).netType).toBe(NET_IPV4);
      expect(run(lt, v6).netType).toBe(NET_IPV6);
    }
    expect(run(228, v4).netType).toBe(NET_IPV4);
    expect(run(229, v6).netType).toBe(NET_IPV6);
    const bad = run(101, hex('1122'), MODE_SUMMARY);
    expect(bad.protocolName()).toBe('N/A');
    expect(bad.info).toBe('Raw packet data[Malformed Packet]');
    expect(bad.flags & PF_MALFORMED).toBeTruthy();
  });
});

describe('Linux cooked capture', () => {
  const arpBody = concat(u16(1), u16(0x0800), [6, 4], u16(1), MAC_A, [10, 0, 0, 1], Z6, [10, 0, 0, 2]);
  it('v1: source address for the columns, protocol dispatch, fields', () => {
    const sll = concat(u16(0), u16(1), u16(6), MAC_A, [0, 0], u16(0x0806), arpBody);
    const d = run(113, sll, MODE_TREE);
    expect(d.protocolName()).toBe('ARP');
    expect([d.linkSrcOff, d.linkDstOff, d.linkAddrLen]).toEqual([6, -1, 6]);
    expect(values(d, 'sll.src.eth')).toEqual([Array.from(MAC_A).join('.')]);
    expect(values(d, 'sll.etype')).toEqual([0x0806]);
    expect(values(d, 'sll.hatype')).toEqual([1]);
  });
  it('v1: protocol 4 is 802.2 LLC', () => {
    const sll = concat(u16(0), u16(1), u16(6), MAC_A, [0, 0], u16(4), hex('424203000000'));
    const d = run(113, sll, MODE_TREE);
    expect(d.protocolName()).toBe('LLC');
    expect(values(d, 'sll.ltype')).toEqual([4]);
  });
  it('v2: same with the interface index', () => {
    const sll2 = concat(u16(0x0806), u16(0), u32(3), u16(1), [4, 6], MAC_A, [0, 0], arpBody);
    const d = run(276, sll2, MODE_TREE);
    expect(d.protocolName()).toBe('ARP');
    expect([d.linkSrcOff, d.linkAddrLen]).toEqual([12, 6]);
    expect(values(d, 'sll.ifindex')).toEqual([3]);
    expect(values(d, 'sll.pkttype')).toEqual([4]);
  });
  it('flags short pseudo headers', () => {
    expect(run(113, hex('0000')).flags & PF_MALFORMED).toBeTruthy();
    expect(run(276, hex('0000')).flags & PF_MALFORMED).toBeTruthy();
  });
});
