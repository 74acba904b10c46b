import { describe, expect, it } from 'vitest';
import { PacketStore, SF_HAS_PORTS } from '../../main/engine/store/packet-store';
import { EndpointTable, EP_IPV4, EP_IPV6, EP_MAC } from '../../main/engine/store/endpoints';
import { protocolNames } from '../../main/engine/dissect/protocols-registry';
import { PF_TRUNCATED } from '../../main/engine/dissect/dissection';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { compileFilter } from '../../main/engine/filter/filter';
import type { FilterContext } from '../../main/engine/filter/columns';
import { filterPackets, FilterRunStats } from '../../main/engine/filter/run-filter';
import type { CaptureIndex } from '../../main/engine/capture/capture-index';
import { ip4, mac, makeRegistry, Spec, tree } from './filter-helpers';

const r = makeRegistry();

interface Pkt {
  kind: 'v4' | 'v6' | 'mac';
  src: Uint8Array;
  dst: Uint8Array;
  ipProto?: number; // session protocol; undefined → no session
  sport?: number;
  dport?: number;
  proto: string; // Protocol column
  flags?: number;
  t: [number, number];
  len: number;
  /** Extra tree nodes beyond what the columns describe (an ICMP quote). */
  extra?: Spec[];
}

const v6a = Uint8Array.from([0x20, 1, 0xd, 0xb8, ...new Array<number>(11).fill(0), 1]);
const v6b = Uint8Array.from([0xfe, 0x80, ...new Array<number>(13).fill(0), 2]);
const PKTS: Pkt[] = [
  { kind: 'v4', src: ip4('10.0.0.1'), dst: ip4('10.0.0.2'), ipProto: 6, sport: 51000, dport: 443, proto: 'TLSv1.2', t: [1000, 0], len: 60 },
  { kind: 'v4', src: ip4('10.0.0.2'), dst: ip4('8.8.8.8'), ipProto: 17, sport: 5353, dport: 53, proto: 'DNS', t: [1000, 500_000_000], len: 80 },
  { kind: 'mac', src: mac('00:1b:21:00:00:01'), dst: mac('ff:ff:ff:ff:ff:ff'), proto: 'ARP', t: [1001, 0], len: 42 },
  {
    kind: 'v4', src: ip4('10.0.0.9'), dst: ip4('10.0.0.1'), ipProto: 1, proto: 'ICMP', t: [1002, 250_000_000], len: 70,
    // Destination unreachable quoting the UDP datagram 10.0.0.1:7 → 10.0.0.77:9.
    extra: [{ f: 'icmp', c: [{ f: 'ip', c: [{ f: 'ip.src', v: ip4('10.0.0.1') }, { f: 'ip.addr', v: ip4('10.0.0.1') }, { f: 'ip.dst', v: ip4('10.0.0.77') }, { f: 'ip.addr', v: ip4('10.0.0.77') }] }, { f: 'udp', c: [{ f: 'udp.port', v: 7 }, { f: 'udp.port', v: 9 }] }] }],
  },
  { kind: 'v6', src: v6a, dst: v6b, ipProto: 17, sport: 547, dport: 546, proto: 'DHCPv6', t: [1003, 0], len: 100 },
  { kind: 'v4', src: ip4('10.0.0.1'), dst: ip4('10.0.0.2'), ipProto: 6, sport: 51000, dport: 443, proto: 'TCP', flags: PF_TRUNCATED, t: [1003, 1], len: 54 },
];

function build(): { ctx: FilterContext; trees: TreeNode[][] } {
  const store = new PacketStore();
  const endpoints = new EndpointTable();
  const sessionProto: number[] = [];
  const trees: TreeNode[][] = [];
  for (const p of PKTS) {
    const i = store.add();
    store.tsSec[i] = p.t[0];
    store.tsNsec[i] = p.t[1];
    store.len[i] = p.len;
    store.caplen[i] = p.len;
    store.ifId[i] = 0;
    store.proto[i] = protocolNames.id(p.proto);
    const kind = p.kind === 'v4' ? EP_IPV4 : p.kind === 'v6' ? EP_IPV6 : EP_MAC;
    store.srcEp[i] = endpoints.intern(kind, p.src, 0, p.src.length);
    store.dstEp[i] = endpoints.intern(kind, p.dst, 0, p.dst.length);
    let flags = p.flags ?? 0;
    if (p.sport !== undefined && p.dport !== undefined) {
      flags |= SF_HAS_PORTS;
      store.sport[i] = p.sport;
      store.dport[i] = p.dport;
    }
    store.flags[i] = flags;
    if (p.ipProto !== undefined) {
      store.session[i] = sessionProto.length;
      sessionProto.push(p.ipProto);
    } else store.session[i] = -1;

    // The tree a dissector would produce for this packet.
    const net: Spec[] =
      p.kind === 'v4'
        ? [{ f: 'ip', c: [{ f: 'ip.src', v: p.src }, { f: 'ip.addr', v: p.src }, { f: 'ip.dst', v: p.dst }, { f: 'ip.addr', v: p.dst }] }]
        : p.kind === 'v6'
          ? [{ f: 'ipv6', c: [{ f: 'ipv6.src', v: p.src }, { f: 'ipv6.addr', v: p.src }, { f: 'ipv6.dst', v: p.dst }, { f: 'ipv6.addr', v: p.dst }] }]
          : [];
    const l4: Spec[] = [];
    if (p.ipProto === 6) l4.push({ f: 'tcp', c: [{ f: 'tcp.srcport', v: p.sport }, { f: 'tcp.dstport', v: p.dport }, { f: 'tcp.port', v: p.sport }, { f: 'tcp.port', v: p.dport }] });
    if (p.ipProto === 17) l4.push({ f: 'udp', c: [{ f: 'udp.port', v: p.sport }, { f: 'udp.port', v: p.dport }] });
    trees.push(tree(r, [{ f: 'frame', c: [{ f: 'frame.number', v: i + 1 }] }, ...net, ...l4, ...(p.extra ?? [])]));
  }
  const ctx: FilterContext = { store, endpoints, sessions: { proto: Uint8Array.from(sessionProto) }, firstSec: 1000, firstNsec: 0 };
  return { ctx, trees };
}

const { ctx, trees } = build();

const FILTERS = [
  'ip', 'ipv6', 'tcp', 'udp', 'icmp', '!ip', 'frame',
  'ip.addr == 10.0.0.1', 'ip.addr != 10.0.0.1', 'ip.src == 10.0.0.0/24', 'ip.dst == 8.8.8.8', 'ip.addr === 10.0.0.2', 'ip.addr !== 10.0.0.2',
  'ipv6.addr == 2001:db8::/32', 'ipv6.src == fe80::2', 'ip.src[0] == 0a', 'ip.addr in {10.0.0.1 .. 10.0.0.5}',
  'tcp.port == 443', 'tcp.port != 443', 'udp.port == 53', 'udp.port == 7', 'udp.port != 53', 'tcp.srcport > 1024', 'tcp.dstport == 443',
  'udp.port in {546..547}', 'tcp.port == 443 or udp.port == 53', 'not tcp.port == 443',
  'frame.number == 3', 'frame.number >= 2 and frame.number <= 4', 'frame.len > 60', 'frame.cap_len == 42', 'frame.interface_id == 0',
  'frame.time_relative == 0.5', 'frame.time_relative > 2', 'frame.time_delta > 0.9', 'frame.time_delta == 0.000000001',
  'frame.time_epoch >= 1002', 'frame.time == "1970-01-01 00:16:42.25Z"', 'session', 'session == 1', '!session',
  'count(ip.addr) == 2', 'len(ip.src) == 4', 'ip.addr == 10.0.0.77', 'udp and ip.addr == 10.0.0.77',
  'tcp and not udp', 'ip.src == ip.dst', 'ip.src != ip.dst',
];

describe('column tier', () => {
  it.each(FILTERS)('%s: the columns never contradict the tree', (expr) => {
    const f = compileFilter(expr, r);
    for (let i = 0; i < PKTS.length; i++) {
      const fromTree = f.evaluateTree(trees[i] as TreeNode[], ctx, i);
      const fromCols = f.evaluateColumns(ctx, i);
      if (fromCols !== undefined) expect({ i, v: fromCols }).toEqual({ i, v: fromTree });
    }
  });

  it('decides address, port, protocol and frame terms without the tree on simple packets', () => {
    const decided = (expr: string, i: number): boolean | undefined => compileFilter(expr, r).evaluateColumns(ctx, i);
    expect(decided('ip.addr == 10.0.0.1', 0)).toBe(true);
    expect(decided('ip.addr == 10.0.0.3', 0)).toBe(false);
    expect(decided('ip.addr != 10.0.0.3', 0)).toBe(true);
    expect(decided('tcp.port == 443', 0)).toBe(true);
    expect(decided('udp', 0)).toBe(false);
    expect(decided('udp.port == 53', 1)).toBe(true);
    expect(decided('udp', 1)).toBe(true); // the Protocol column says DNS; the session says UDP
    expect(decided('ip', 2)).toBe(false); // ARP
    expect(decided('ipv6.addr == 2001:db8::1', 4)).toBe(true);
    expect(decided('frame.time_relative == 0.5', 1)).toBe(true);
    expect(decided('frame.time_delta == 0.000000001', 5)).toBe(true);
    expect(decided('tcp.payload', 0)).toBe(undefined);
    expect(decided('tcp.payload or tcp', 0)).toBe(true);
    expect(decided('tcp.payload and udp', 0)).toBe(false);
  });

  it('does not answer "absent" on packets that may carry more headers', () => {
    const decided = (expr: string, i: number): boolean | undefined => compileFilter(expr, r).evaluateColumns(ctx, i);
    expect(decided('ip.addr == 10.0.0.77', 3)).toBe(undefined); // ICMP error: needs the tree
    expect(decided('ip.addr == 10.0.0.9', 3)).toBe(true); // a positive answer stands
    expect(decided('udp', 3)).toBe(undefined);
    expect(decided('icmp', 3)).toBe(true);
    expect(decided('tcp.port == 1', 5)).toBe(undefined); // truncated
  });

  it('filterPackets dissects only what the columns cannot decide', () => {
    const index = { store: ctx.store, endpoints: ctx.endpoints, sessions: ctx.sessions, firstSec: 1000, firstNsec: 0 } as unknown as CaptureIndex;
    const asked: number[] = [];
    const dissect = (i: number): TreeNode[] => {
      asked.push(i);
      return trees[i] as TreeNode[];
    };
    const stats: FilterRunStats = { decidedByColumns: 0, dissected: 0 };
    expect(Array.from(filterPackets(index, compileFilter('ip.addr == 10.0.0.77', r), dissect, stats))).toEqual([4]);
    expect(asked).toEqual([3, 5]); // the ICMP error and the truncated packet
    expect(stats).toEqual({ decidedByColumns: 4, dissected: 2 });
    asked.length = 0;
    expect(Array.from(filterPackets(index, compileFilter('tcp.port == 443', r), dissect))).toEqual([1, 6]);
    expect(asked).toEqual([3]); // the truncated packet still shows port 443: a positive answer stands
    expect(Array.from(filterPackets(index, compileFilter('', r), dissect))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(filterPackets(index, compileFilter('frame.len < 60', r), () => ({ tree: [] })))).toEqual([3, 6]);
  });
});
