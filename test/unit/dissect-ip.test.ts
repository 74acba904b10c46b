/** IPv4/IPv6 decoders on crafted frames and on the fragment fixtures. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Defragmenter } from '../../main/engine/dissect/dissection';
import {
  Dissection,
  MODE_INDEX,
  MODE_SUMMARY,
  MODE_TREE,
  NET_IPV4,
  NET_IPV6,
  PF_ALT_NET_ADDR,
  PF_BAD_CHECKSUM,
  PF_FRAGMENT,
  PF_MALFORMED,
  PF_REASSEMBLED,
  PF_TRUNCATED,
} from '../../main/engine/dissect/dissection';
import { dissectFrame } from '../../main/engine/dissect/frame';
import { ipProtoTable } from '../../main/engine/dissect/tables';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { IpDefragmenter, replayDefrag } from '../../main/engine/dissect/protocols/defrag';
import { decodeIPv4 } from '../../main/engine/dissect/protocols/ipv4';
import { concat, ether, hex, ipv4, ipv6, readCapture, u16, u32, udp } from './helpers/pcap-lite';

/** An experimental protocol number the tests claim, to see exactly what IP hands upward. */
const SPY = 253;
const seen: { off: number; end: number; bytes: number[]; source: string | undefined }[] = [];
ipProtoTable.register(SPY, (d, off, end) => {
  seen.push({ off, end, bytes: Array.from(d.buf.subarray(off, end)), source: d.source });
});

function run(data: Uint8Array, mode = MODE_TREE, defrag: Defragmenter | null = null, number = 1, len = data.length): Dissection {
  const d = new Dissection();
  d.reset(data, mode);
  Object.assign(d.frame, { number, tsSec: number, tsNsec: 0, caplen: data.length, len, ifId: 0, linkType: 1 });
  d.defrag = defrag;
  seen.length = 0;
  dissectFrame(d);
  return d;
}

function nodes(d: Dissection, name: string): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (list: readonly TreeNode[] | null): void => {
    for (const n of list ?? []) {
      if (n.field.name === name) out.push(n);
      walk(n.children);
    }
  };
  walk(d.tree);
  return out;
}
const vals = (d: Dissection, name: string) => nodes(d, name).map((n) => (n.value instanceof Uint8Array ? Array.from(n.value).join('.') : n.value));

describe('IPv4', () => {
  it('fills the summary in every mode and hands the payload up', () => {
    for (const mode of [MODE_INDEX, MODE_SUMMARY, MODE_TREE]) {
      const d = run(ether(0x0800, ipv4(SPY, hex('01020304'))), mode);
      expect(d.netType).toBe(NET_IPV4);
      expect(Array.from(d.netSrc.subarray(0, 4))).toEqual([10, 0, 0, 1]);
      expect(Array.from(d.netDst.subarray(0, 4))).toEqual([10, 0, 0, 2]);
      expect(d.ipProto).toBe(SPY);
      expect([d.payloadOff, d.payloadEnd]).toEqual([34, 38]);
      expect(seen).toEqual([{ off: 34, end: 38, bytes: [1, 2, 3, 4], source: undefined }]);
      expect(d.protocolName()).toBe('IPv4');
    }
  });
  it('builds the tree with tshark names, ip.addr twice as hidden fields', () => {
    const d = run(ether(0x0800, ipv4(SPY, hex('00'), { flags: 2, ttl: 7 })));
    expect(vals(d, 'ip.src')).toEqual(['10.0.0.1']);
    expect(vals(d, 'ip.dst')).toEqual(['10.0.0.2']);
    expect(nodes(d, 'ip.addr').map((n) => n.label)).toEqual(['', '']);
    expect(vals(d, 'ip.addr')).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(vals(d, 'ip.flags.df')).toEqual([true]);
    expect(vals(d, 'ip.ttl')).toEqual([7]);
    expect(vals(d, 'ip.hdr_len')).toEqual([20]);
    expect(vals(d, 'ip.checksum.status')).toEqual([1]);
  });
  it('verifies the header checksum', () => {
    const d = run(ether(0x0800, ipv4(SPY, hex('00'), { badChecksum: true })));
    expect(d.flags & PF_BAD_CHECKSUM).toBeTruthy();
    expect(vals(d, 'ip.checksum.status')).toEqual([0]);
    expect(run(ether(0x0800, ipv4(SPY, hex('00'))), MODE_INDEX).flags & PF_BAD_CHECKSUM).toBe(0);
  });
  it('lists options', () => {
    const d = run(ether(0x0800, ipv4(SPY, hex('00'), { options: [0x94, 4, 0, 0, 7, 7, 4, 1, 2, 3, 4, 0] })));
    expect(vals(d, 'ip.opt.type')).toEqual([148, 7, 0]);
    expect(vals(d, 'ip.opt.ra')).toEqual([0]);
    expect(vals(d, 'ip.opt.addr')).toEqual(['1.2.3.4']);
    expect(seen).toHaveLength(1);
  });
  it('ends the payload at the total length, and treats length 0 as TSO', () => {
    const d = run(concat(ether(0x0800, ipv4(SPY, hex('0102'))), hex('ffffffff')));
    expect(seen[0]?.bytes).toEqual([1, 2]);
    expect(d.payloadEnd).toBe(36);
    run(ether(0x0800, ipv4(SPY, hex('010203'), { totalLen: 0 })));
    expect(seen[0]?.bytes).toEqual([1, 2, 3]);
  });
  it('reports bogus lengths, versions and truncation like tshark, and stops', () => {
    const bogus = run(ether(0x0800, ipv4(SPY, hex('00'), { totalLen: 10 })), MODE_SUMMARY);
    expect(bogus.flags & PF_MALFORMED).toBeTruthy();
    expect(bogus.info).toBe('Bogus IP length (10, less than header length 20)');
    expect(seen).toHaveLength(0);
    const short = run(ether(0x0800, hex('450000')), MODE_SUMMARY);
    expect(short.flags & PF_MALFORMED).toBeTruthy();
    expect(short.info).toBe('[Malformed Packet]');
    const snapped = run(ether(0x0800, hex('4500002e0000')), MODE_SUMMARY, null, 1, 60);
    expect(snapped.flags & PF_TRUNCATED).toBeTruthy();
    expect(snapped.info).toBe('[Packet size limited during capture]');
    expect(run(ether(0x0800, hex('5500')), MODE_SUMMARY).flags & PF_MALFORMED).toBeTruthy();
  });
  it('names unclaimed protocols like tshark', () => {
    expect(run(ether(0x0800, ipv4(200, hex('00'))), MODE_SUMMARY).info).toBe('Unassigned (200)');
    expect(run(ether(0x0800, ipv4(240, hex('00'))), MODE_SUMMARY).info).toBe('Unknown (240)');
  });
  it('leaves the summary alone for a header quoted inside an ICMP error', () => {
    const d = new Dissection();
    const bytes = ipv4(SPY, hex('0102'), { src: [1, 1, 1, 1] });
    d.reset(bytes, MODE_TREE);
    d.inner = 1;
    decodeIPv4(d, 0, bytes.length);
    expect(d.netType).toBe(0);
    expect(d.ipProto).toBe(-1);
    expect(d.protocol).toBe(0);
    expect(vals(d, 'ip.src')).toEqual(['1.1.1.1']);
  });
});

describe('IPv4 fragments', () => {
  const body = udp(1000, 2000, new Uint8Array(40).map((_, i) => i));
  const f1 = ether(0x0800, ipv4(SPY, body.subarray(0, 24), { flags: 1, id: 0x1d7b }));
  const f2 = ether(0x0800, ipv4(SPY, body.subarray(24), { fragOff: 24, id: 0x1d7b }));
  it('with reassembly: the first fragment waits, the last decodes the whole datagram', () => {
    const defrag = new IpDefragmenter();
    const a = run(f1, MODE_SUMMARY, defrag, 1);
    expect(a.flags & PF_FRAGMENT).toBeTruthy();
    expect(a.info).toBe(`Fragmented IP protocol (proto=Unknown 253, off=0, ID=1d7b)`);
    expect(a.protocolName()).toBe('IPv4');
    expect(seen).toHaveLength(0);
    const b = run(f2, MODE_TREE, defrag, 2);
    expect(b.flags & PF_REASSEMBLED).toBeTruthy();
    expect(b.flags & PF_FRAGMENT).toBe(0);
    expect(seen).toEqual([{ off: 0, end: 48, bytes: Array.from(body), source: 'Reassembled IPv4' }]);
    expect([b.payloadOff, b.payloadEnd]).toEqual([0, 48]);
    expect(Array.from(b.netSrc.subarray(0, 4))).toEqual([10, 0, 0, 1]);
    expect(vals(b, 'ip.fragment')).toEqual([1, 2]);
    expect(vals(b, 'ip.reassembled.length')).toEqual([48]);
    expect(defrag.completedBy(2)).toEqual([1, 2]);
    expect(defrag.reassembledIn(1)).toBe(2);
  });
  it('without reassembly: the first fragment is decoded alone, later ones are not', () => {
    const a = run(f1, MODE_SUMMARY, null);
    expect(a.flags & PF_FRAGMENT).toBeTruthy();
    expect(seen).toHaveLength(1);
    const b = run(f2, MODE_SUMMARY, null);
    expect(b.flags & PF_FRAGMENT).toBeTruthy();
    expect(b.info).toBe('Fragmented IP protocol (proto=Unknown 253, off=24, ID=1d7b)');
    expect(seen).toHaveLength(0);
  });
  it('reassembles the padded VLAN fixture (ip.len wins over frame length) and replays it on demand', () => {
    const frames = readCapture(join(__dirname, '../fixtures/captures/ipv4-frag-vlan-padding__pcapplusplus__frag_with_padding.pcap'));
    const defrag = new IpDefragmenter();
    const d = new Dissection();
    let last = 0;
    for (const f of frames) {
      d.reset(f.data, MODE_INDEX);
      Object.assign(d.frame, f.meta);
      d.defrag = defrag;
      dissectFrame(d);
      last = d.flags;
    }
    expect(last & PF_REASSEMBLED).toBeTruthy();
    expect(d.payloadEnd - d.payloadOff).toBe(9401); // tshark: "Len=9401"
    const parts = defrag.completedBy(8);
    expect(parts).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Re-dissect frame 8 alone in tree mode, as the detail view would.
    const replay = replayDefrag(parts ?? [], 8, (n) => frames[n - 1] ?? null);
    const t = new Dissection();
    const f8 = frames[7];
    if (!f8) throw new Error('fixture changed');
    t.reset(f8.data, MODE_TREE);
    Object.assign(t.frame, f8.meta);
    t.defrag = replay;
    dissectFrame(t);
    expect(t.flags & PF_REASSEMBLED).toBeTruthy();
    expect(t.protocolName()).toBe(d.protocolName());
    expect(t.payloadEnd - t.payloadOff).toBe(9401);
    expect(nodes(t, 'ip.fragment')).toHaveLength(8);
  });
});

const HBH = 0;
const ROUTING = 43;
const FRAG = 44;
const DSTOPTS = 60;
const AH = 51;
const NONE = 59;

describe('IPv6', () => {
  it('fills the summary and walks hop-by-hop, routing type 0, destination options and AH', () => {
    const hbh = concat([ROUTING, 0], [5, 2, 0, 0], [1, 0]); // router alert + PadN
    const rt0 = concat([DSTOPTS, 2, 0, 1], u32(0), hex('20010db8000000000000000000000009'));
    const dst = concat([AH, 0], [1, 4, 0, 0, 0, 0]);
    const ah = concat([SPY, 4], [0, 0], u32(0x1234), u32(7), new Uint8Array(12));
    for (const mode of [MODE_INDEX, MODE_TREE]) {
      const d = run(ether(0x86dd, ipv6(HBH, concat(hbh, rt0, dst, ah, hex('cafe')))), mode);
      expect(d.netType).toBe(NET_IPV6);
      expect(d.ipProto).toBe(SPY);
      expect(seen[0]?.bytes).toEqual([0xca, 0xfe]);
      expect(d.flags & (PF_MALFORMED | PF_TRUNCATED)).toBe(0);
      if (mode === MODE_TREE) {
        expect(vals(d, 'ipv6.opt.router_alert')).toEqual([0]);
        expect(vals(d, 'ipv6.routing.type')).toEqual([0]);
        expect(vals(d, 'ipv6.routing.src.addr')).toHaveLength(1);
        expect(vals(d, 'ah.spi')).toEqual([0x1234]);
        expect(vals(d, 'ipv6.addr')).toHaveLength(2);
        expect(vals(d, 'ipv6.nxt')).toEqual([HBH]);
      }
    }
  });
  it('decodes segment routing headers', () => {
    const srh = concat([SPY, 4, 4, 1], [1, 0, 0, 0], hex('20010db8000000000000000000000007'), hex('20010db8000000000000000000000008'));
    const d = run(ether(0x86dd, ipv6(ROUTING, concat(srh, hex('00')))));
    expect(vals(d, 'ipv6.routing.srh.addr')).toHaveLength(2);
    expect(vals(d, 'ipv6.routing.srh.last_entry')).toEqual([1]);
    expect(seen).toHaveLength(1);
  });
  it('says "no next header" and "Unknown IP Protocol" like tshark', () => {
    expect(run(ether(0x86dd, ipv6(NONE, hex('0000'))), MODE_SUMMARY).info).toBe('IPv6 no next header');
    expect(run(ether(0x86dd, ipv6(200, hex('0000'))), MODE_SUMMARY).info).toBe('Unknown IP Protocol: Unassigned (200)');
  });
  it('stops at an option running past its header, with tshark Info', () => {
    const dst = concat([17, 2], [1, 2, 0, 0, 0xca, 0x90], new Uint8Array(16));
    const d = run(ether(0x86dd, ipv6(DSTOPTS, concat(dst, hex('00000000')))), MODE_SUMMARY);
    expect(d.info).toBe('IPv6 destination options[Malformed Packet]');
    expect(d.flags & PF_MALFORMED).toBeTruthy();
  });
  it('uses the Jumbo Payload length when the payload length is 0', () => {
    const hbh = concat([SPY, 0], [0xc2, 4], u32(8 + 3));
    const d = run(concat(ether(0x86dd, ipv6(HBH, concat(hbh, hex('010203')), 0)), hex('eeee')));
    expect(seen[0]?.bytes).toEqual([1, 2, 3]);
    expect(d.flags & PF_MALFORMED).toBe(0);
  });
  it('labels and skips a mobility header', () => {
    const mh = concat([NONE, 0, 5, 0], [0, 0, 0, 0]);
    const d = run(ether(0x86dd, ipv6(135, mh)));
    expect(d.protocolName()).toBe('MIPv6');
    expect(vals(d, 'mip6.mhtype')).toEqual([5]);
  });
  it('reassembles fragment headers and continues the chain in the reassembled buffer', () => {
    const inner = concat([SPY, 0, 1, 4, 0, 0, 0, 0], new Uint8Array(32).fill(9)); // dstopts + data
    const fh = (off: number, more: boolean) => concat([DSTOPTS, 0], u16(off | (more ? 1 : 0)), u32(0xa5d33a2d));
    const p1 = ether(0x86dd, ipv6(FRAG, concat(fh(0, true), inner.subarray(0, 24))));
    const p2 = ether(0x86dd, ipv6(FRAG, concat(fh(24, false), inner.subarray(24))));
    const defrag = new IpDefragmenter();
    const a = run(p1, MODE_SUMMARY, defrag, 1);
    expect(a.info).toBe('IPv6 fragment (off=0 more=y ident=0xa5d33a2d nxt=60)');
    expect(a.flags & PF_FRAGMENT).toBeTruthy();
    expect(a.ipProto).toBe(DSTOPTS);
    const b = run(p2, MODE_TREE, defrag, 2);
    expect(b.flags & PF_REASSEMBLED).toBeTruthy();
    expect(b.ipProto).toBe(SPY);
    expect(seen).toEqual([{ off: 8, end: 40, bytes: new Array(32).fill(9), source: 'Reassembled IPv6' }]);
    expect(vals(b, 'ipv6.fraghdr.ident')).toEqual([0xa5d33a2d]);
    expect(vals(b, 'ipv6.fragment')).toEqual([1, 2]);
  });
  it('reads a Home Address option with a bad length as 16 bytes, like tshark, and reaches UDP', () => {
    const frames = readCapture(join(__dirname, '../fixtures/captures/ipv6-dstopts-mobility__zeek__ipv6-mobility-dst-opts.pcap'));
    const f3 = frames[2];
    if (!f3) throw new Error('fixture changed');
    const d = run(f3.data, MODE_INDEX);
    expect(d.ipProto).toBe(17);
    expect(d.payloadEnd).toBe(f3.data.length);
    expect(d.flags & PF_MALFORMED).toBeTruthy();
  });
  it('reports a frame too short for the fixed header as tshark does', () => {
    const d = run(ether(0x86dd, hex('6000000000')), MODE_SUMMARY);
    expect(d.flags & PF_MALFORMED).toBeTruthy();
    expect(d.info).toBe('Invalid IPv6 header (5 bytes, need exactly 40)[Malformed Packet]');
  });
});

describe('IPv6 Source/Destination as Wireshark shows them', () => {
  // Checked against tshark 4.0.17's _ws.col.Source/_ws.col.Destination for the same headers.
  const addr = (last: number): number[] => [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), last];
  const hexAddr = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  const frame = (nxt: number, ext: number[]): Uint8Array => ether(0x86dd, ipv6(nxt, concat(ext, udp(1000, 2000, hex('61626364')))));

  it('routing type 0 with segments left: the last listed address is the destination', () => {
    const d = run(frame(43, [17, 4, 0, 2, 0, 0, 0, 0, ...addr(0xa1), ...addr(0xa2)]));
    expect(hexAddr(d.netDst)).toBe(hexAddr(Uint8Array.from(addr(0xa2))));
    expect((d.flags & PF_ALT_NET_ADDR) !== 0).toBe(true);
  });

  it('routing with no segments left keeps the header destination', () => {
    const d = run(frame(43, [17, 2, 4, 0, 0, 0, 0, 0, ...addr(0xa1)]));
    expect(hexAddr(d.netDst)).not.toBe(hexAddr(Uint8Array.from(addr(0xa1))));
    expect(d.flags & PF_ALT_NET_ADDR).toBe(0);
  });

  it('a Home Address option is the source; ipv6.src in the tree stays the header address', () => {
    const d = run(frame(60, [17, 2, 0xc9, 16, ...addr(0xdd), 1, 2, 0, 0]));
    expect(hexAddr(d.netSrc)).toBe(hexAddr(Uint8Array.from(addr(0xdd))));
    expect(hexAddr(d.ipv6HdrSrc)).not.toBe(hexAddr(d.netSrc));
    const src = nodes(d, 'ipv6.src')[0];
    expect(src && src.value instanceof Uint8Array ? hexAddr(src.value) : '').toBe(hexAddr(d.ipv6HdrSrc));
  });
});
