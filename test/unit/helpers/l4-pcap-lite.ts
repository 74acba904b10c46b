/**
 * Test-only: a tiny whole-file pcap/pcapng reader and a link/IP walker that finds the transport payload of
 * a packet, so the transport decoders can be tested before the real readers and IP decoders exist.
 * Not a reference implementation: no error recovery beyond stopping at the first bad record.
 */
import { readFileSync } from 'node:fs';
import { NET_IPV4, type Dissection, type FlowHooks } from '../../../main/engine/dissect/dissection';

export interface LitePacket {
  /** Frame number as tshark counts it (pcapng custom blocks count as frames there, so they do here). */
  number: number;
  linkType: number;
  data: Uint8Array;
  caplen: number;
  len: number;
}

export function readCapture(path: string): LitePacket[] {
  const buf = new Uint8Array(readFileSync(path));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 4) return [];
  const magicLe = dv.getUint32(0, true);
  if (magicLe === 0x0a0d0d0a) return readPcapng(buf, dv);
  return readPcap(buf, dv);
}

function readPcap(buf: Uint8Array, dv: DataView): LitePacket[] {
  const m = dv.getUint32(0, true);
  let le: boolean;
  if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) le = true;
  else if (m === 0xd4c3b2a1 || m === 0x4d3cb2a1) le = false;
  else return [];
  const linkType = dv.getUint32(20, le) & 0x0fffffff;
  const out: LitePacket[] = [];
  let p = 24;
  while (p + 16 <= buf.length) {
    const caplen = dv.getUint32(p + 8, le);
    const len = dv.getUint32(p + 12, le);
    if (caplen > 262144 || p + 16 + caplen > buf.length) break;
    out.push({ number: out.length + 1, linkType, data: buf.subarray(p + 16, p + 16 + caplen), caplen, len });
    p += 16 + caplen;
  }
  return out;
}

function readPcapng(buf: Uint8Array, dv: DataView): LitePacket[] {
  const out: LitePacket[] = [];
  let le = true;
  let links: number[] = [];
  let p = 0;
  let n = 0;
  while (p + 12 <= buf.length) {
    let type = dv.getUint32(p, le);
    if (dv.getUint32(p, true) === 0x0a0d0d0a) {
      type = 0x0a0d0d0a;
      const bom = dv.getUint32(p + 8, true);
      le = bom === 0x1a2b3c4d;
      links = [];
    }
    const blen = dv.getUint32(p + 4, le);
    if (blen < 12 || p + blen > buf.length) break;
    if (type === 1) {
      links.push(dv.getUint16(p + 8, le));
    } else if (type === 6) {
      const ifId = dv.getUint32(p + 8, le);
      const caplen = dv.getUint32(p + 20, le);
      const len = dv.getUint32(p + 24, le);
      if (p + 28 + caplen <= buf.length) {
        out.push({ number: ++n, linkType: links[ifId] ?? -1, data: buf.subarray(p + 28, p + 28 + caplen), caplen, len });
      }
    } else if (type === 3) {
      const len = dv.getUint32(p + 8, le);
      const caplen = Math.min(len, blen - 16);
      out.push({ number: ++n, linkType: links[0] ?? -1, data: buf.subarray(p + 12, p + 12 + caplen), caplen, len });
    } else if (type === 0x00000bad || type === 0x40000bad) {
      n++; // tshark shows custom blocks as frames
    }
    p += blen;
  }
  return out;
}

export interface L4Location {
  netType: 4 | 6;
  src: Uint8Array;
  dst: Uint8Array;
  proto: number;
  /** Transport header start and IP payload end (bounded by the IP length and the captured bytes). */
  off: number;
  end: number;
  /** True for IP fragments and other packets whose transport header cannot be compared directly. */
  fragment: boolean;
}

/** Walks link and IP headers to the transport header; null when the packet is not IP. */
export function locateL4(pkt: LitePacket): L4Location | null {
  const b = pkt.data;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 0;
  let etype = -1;
  switch (pkt.linkType) {
    case 1:
      if (b.length < 14) return null;
      etype = dv.getUint16(12);
      p = 14;
      break;
    case 113:
      if (b.length < 16) return null;
      etype = dv.getUint16(14);
      p = 16;
      break;
    case 276:
      if (b.length < 20) return null;
      etype = dv.getUint16(0);
      p = 20;
      break;
    case 0: {
      if (b.length < 4) return null;
      const fam = dv.getUint32(0, true) > 0xffff ? dv.getUint32(0, false) : dv.getUint32(0, true);
      etype = fam === 2 ? 0x800 : fam === 24 || fam === 28 || fam === 30 ? 0x86dd : -1;
      p = 4;
      break;
    }
    case 12:
    case 101:
    case 228:
    case 229:
      if (b.length < 1) return null;
      etype = b[0]! >> 4 === 4 ? 0x800 : b[0]! >> 4 === 6 ? 0x86dd : -1;
      break;
    default:
      return null;
  }
  while ((etype === 0x8100 || etype === 0x88a8 || etype === 0x9100) && p + 4 <= b.length) {
    etype = dv.getUint16(p + 2);
    p += 4;
  }
  if (etype === 0x800) {
    if (p + 20 > b.length || b[p]! >> 4 !== 4) return null;
    const ihl = (b[p]! & 15) * 4;
    const total = dv.getUint16(p + 2);
    const fragWord = dv.getUint16(p + 6);
    const end = Math.min(b.length, p + total);
    return {
      netType: 4,
      src: b.slice(p + 12, p + 16),
      dst: b.slice(p + 16, p + 20),
      proto: b[p + 9]!,
      off: p + ihl,
      end,
      fragment: (fragWord & 0x3fff) !== 0,
    };
  }
  if (etype === 0x86dd) {
    if (p + 40 > b.length || b[p]! >> 4 !== 6) return null;
    const plen = dv.getUint16(p + 4);
    const end = Math.min(b.length, p + 40 + plen);
    let nh = b[p + 6]!;
    let q = p + 40;
    let fragment = false;
    for (;;) {
      if (nh === 0 || nh === 43 || nh === 60 || nh === 135) {
        if (q + 2 > end) return null;
        nh = b[q]!;
        q += (b[q + 1]! + 1) * 8;
      } else if (nh === 51) {
        if (q + 2 > end) return null;
        nh = b[q]!;
        q += (b[q + 1]! + 2) * 4;
      } else if (nh === 44) {
        if (q + 8 > end) return null;
        fragment = true;
        nh = b[q]!;
        q += 8;
      } else break;
    }
    return { netType: 6, src: b.slice(p + 8, p + 24), dst: b.slice(p + 24, p + 40), proto: nh, off: q, end, fragment };
  }
  return null;
}

/** Oracle rows keyed by frame number, each a map from column name to value. */
export function readOracle(path: string): Map<number, Record<string, string>> {
  const lines = readFileSync(path, 'utf8').split('\n');
  const head = (lines[0] ?? '').split('\t');
  const rows = new Map<number, Record<string, string>>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const cols = line.split('\t');
    const row: Record<string, string> = {};
    head.forEach((h, j) => (row[h] = cols[j] ?? ''));
    rows.set(Number(row['frame.number']), row);
  }
  return rows;
}

/**
 * FlowHooks stub: a 5-tuple map that numbers TCP and UDP streams as tshark does (separate counters, in order
 * of first appearance) and computes Wireshark's relative sequence bases and window scale, so decoder output
 * can be compared with the tshark oracle before the real session layer exists.
 */
interface Side {
  base: number; // -1 unknown
  ws: number; // -1 unknown, -2 not used, else shift
}

interface Flow {
  id: number;
  /** "addr:port" of the side that sent first (direction 0). */
  first: string;
  sides: [Side, Side];
}

export class FlowStub implements FlowHooks {
  private readonly flows = new Map<string, Flow>();
  private tcpCount = 0;
  private udpCount = 0;

  onTransport(d: Dissection): void {
    if (d.sport < 0) return;
    const n = d.netType === NET_IPV4 ? 4 : 16;
    const a = `${Array.from(d.netSrc.subarray(0, n)).join('.')}:${d.sport}`;
    const b = `${Array.from(d.netDst.subarray(0, n)).join('.')}:${d.dport}`;
    const key = `${d.ipProto}|${a < b ? a : b}|${a < b ? b : a}`;
    let flow = this.flows.get(key);
    const tcp = d.ipProto === 6;
    if (!flow) {
      flow = { id: tcp ? this.tcpCount++ : this.udpCount++, first: a, sides: [{ base: -1, ws: -1 }, { base: -1, ws: -1 }] };
      this.flows.set(key, flow);
    }
    const dir = flow.first === a ? 0 : 1;
    d.sessionId = flow.id;
    d.streamIndex = flow.id;
    d.direction = dir;
    if (!tcp) return;
    const fwd = flow.sides[dir];
    const rev = flow.sides[dir ^ 1];
    const syn = (d.tcpFlags & 0x002) !== 0;
    const ack = (d.tcpFlags & 0x010) !== 0;
    // Wireshark: the SYN gives the ISN; a mid-stream first segment counts as relative 1.
    if (fwd.base === -1) fwd.base = syn ? d.tcpSeq : (d.tcpSeq - 1) >>> 0;
    if (rev.base === -1 && ack) rev.base = (d.tcpAck - 1) >>> 0;
    if (syn) {
      fwd.ws = d.tcpWsOption;
      if (ack && d.tcpWsOption < 0) {
        fwd.ws = -2;
        rev.ws = -2;
      }
    }
    d.tcpSeqBase = fwd.base;
    d.tcpAckBase = rev.base;
    d.tcpWinScale = fwd.ws;
  }
}
