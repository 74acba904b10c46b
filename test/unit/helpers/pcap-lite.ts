/**
 * A tiny whole-file pcap/pcapng parser for tests only (the real readers stream and validate; this one
 * just needs the fixture frames). Frame numbers follow tshark's: in pcapng, Custom Blocks are counted as
 * frames too, so they appear here as records with `packet: false`.
 */
import { readFileSync } from 'node:fs';
import type { FrameMeta } from '../../../main/engine/dissect/dissection';

export interface LiteFrame {
  readonly packet: boolean;
  readonly data: Uint8Array;
  readonly meta: FrameMeta;
}

export function readCapture(path: string): LiteFrame[] {
  const buf = new Uint8Array(readFileSync(path));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 4) return [];
  const magicLE = dv.getUint32(0, true);
  if (magicLE === 0x0a0d0d0a) return readPcapng(buf, dv);
  return readPcap(buf, dv);
}

function readPcap(buf: Uint8Array, dv: DataView): LiteFrame[] {
  const out: LiteFrame[] = [];
  if (buf.length < 24) return out;
  const m = dv.getUint32(0, true);
  let le: boolean;
  let nano: boolean;
  if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) {
    le = true;
    nano = m === 0xa1b23c4d;
  } else {
    le = false;
    const mb = dv.getUint32(0, false);
    nano = mb === 0xa1b23c4d;
    if (mb !== 0xa1b2c3d4 && !nano) return out;
  }
  const linkType = dv.getUint32(20, le) & 0x0fffffff;
  let p = 24;
  while (p + 16 <= buf.length) {
    const sec = dv.getUint32(p, le);
    const frac = dv.getUint32(p + 4, le);
    const caplen = dv.getUint32(p + 8, le);
    const len = dv.getUint32(p + 12, le);
    if (p + 16 + caplen > buf.length) break;
    const data = buf.slice(p + 16, p + 16 + caplen);
    out.push({ packet: true, data, meta: { number: out.length + 1, tsSec: sec, tsNsec: nano ? frac : frac * 1000, caplen, len, ifId: 0, linkType } });
    p += 16 + caplen;
  }
  return out;
}

interface Iface {
  linkType: number;
  tsDiv: bigint; // units per second
}

function readPcapng(buf: Uint8Array, dv: DataView): LiteFrame[] {
  const out: LiteFrame[] = [];
  let ifaces: Iface[] = [];
  let le = true;
  let p = 0;
  while (p + 12 <= buf.length) {
    let type = dv.getUint32(p, le);
    if (type === 0x0a0d0d0a) {
      const bom = dv.getUint32(p + 8, true);
      le = bom === 0x1a2b3c4d;
      if (!le && dv.getUint32(p + 8, false) !== 0x1a2b3c4d) break;
      if (dv.getUint16(p + 12, le) !== 1) break; // unsupported major version: tshark stops too
      ifaces = [];
      type = 0x0a0d0d0a;
    }
    const blen = dv.getUint32(p + 4, le);
    if (blen < 12 || p + blen > buf.length) break;
    const body = p + 8;
    const bodyEnd = p + blen - 4;
    if (type === 1) {
      const linkType = dv.getUint16(body, le);
      let tsDiv = 1000000n;
      let o = body + 8;
      while (o + 4 <= bodyEnd) {
        const code = dv.getUint16(o, le);
        const olen = dv.getUint16(o + 2, le);
        if (code === 0) break;
        if (code === 9 && olen >= 1) {
          const r = buf[o + 4] as number;
          tsDiv = r & 0x80 ? 2n ** BigInt(r & 0x7f) : 10n ** BigInt(r & 0x7f);
        }
        o += 4 + ((olen + 3) & ~3);
      }
      ifaces.push({ linkType, tsDiv });
    } else if (type === 6 || type === 3 || type === 2) {
      let ifId = 0;
      let caplen: number;
      let len: number;
      let ts = 0n;
      let dataOff: number;
      if (type === 3) {
        len = dv.getUint32(body, le);
        dataOff = body + 4;
        caplen = Math.min(len, bodyEnd - dataOff);
      } else {
        ifId = type === 6 ? dv.getUint32(body, le) : dv.getUint16(body, le);
        ts = (BigInt(dv.getUint32(body + 4, le)) << 32n) | BigInt(dv.getUint32(body + 8, le));
        caplen = dv.getUint32(body + 12, le);
        len = dv.getUint32(body + 16, le);
        dataOff = body + 20;
      }
      const iface = ifaces[ifId];
      if (!iface || dataOff + caplen > bodyEnd) break;
      // One fixture holds timestamps near 2^64 (a negative offset gone wrong); frame.ts's Date formatting
      // cannot print those, and they are not what these tests are about.
      const sec = ts / iface.tsDiv > 1n << 33n ? 0n : ts / iface.tsDiv;
      const nsec = ((ts % iface.tsDiv) * 1000000000n) / iface.tsDiv;
      out.push({
        packet: true,
        data: buf.slice(dataOff, dataOff + caplen),
        meta: { number: out.length + 1, tsSec: Number(sec), tsNsec: Number(nsec), caplen, len, ifId, linkType: iface.linkType },
      });
    } else if (type === 0x00000bad || type === 0x40000bad) {
      out.push({ packet: false, data: new Uint8Array(0), meta: { number: out.length + 1, tsSec: 0, tsNsec: 0, caplen: 0, len: 0, ifId: 0, linkType: -1 } });
    }
    p += blen;
  }
  return out;
}

/** Reads an oracle `.fields.tsv` into rows keyed by column name. */
export function readOracle(path: string): Map<number, Record<string, string>> {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  const header = (lines[0] ?? '').split('\t');
  const rows = new Map<number, Record<string, string>>();
  for (const line of lines.slice(1)) {
    const cells = line.split('\t');
    const row: Record<string, string> = {};
    header.forEach((h, i) => (row[h] = cells[i] ?? ''));
    rows.set(Number(row['frame.number']), row);
  }
  return rows;
}

// ---- packet builders for crafted test frames ----

export function hex(s: string): Uint8Array {
  const clean = s.replace(/[^0-9a-f]/gi, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

export function u16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}

export function u32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}

export const MAC_A = hex('001122334455');
export const MAC_B = hex('66778899aabb');

export function ether(type: number, payload: Uint8Array, dst = MAC_B, src = MAC_A): Uint8Array {
  return concat(dst, src, u16(type), payload);
}

export interface Ip4Opts {
  src?: number[];
  dst?: number[];
  id?: number;
  flags?: number; // 3 bits: 2 = DF, 1 = MF
  fragOff?: number; // bytes
  options?: number[];
  totalLen?: number;
  badChecksum?: boolean;
  ttl?: number;
}

export function ipv4(proto: number, payload: Uint8Array, o: Ip4Opts = {}): Uint8Array {
  const opts = o.options ?? [];
  const hl = 20 + opts.length;
  const h = concat(
    [0x40 | (hl / 4), 0],
    u16(o.totalLen ?? hl + payload.length),
    u16(o.id ?? 0x1234),
    u16(((o.flags ?? 0) << 13) | ((o.fragOff ?? 0) / 8)),
    [o.ttl ?? 64, proto, 0, 0],
    o.src ?? [10, 0, 0, 1],
    o.dst ?? [10, 0, 0, 2],
    opts,
  );
  let sum = 0;
  for (let i = 0; i < h.length; i += 2) sum += ((h[i] as number) << 8) | (h[i + 1] as number);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  let c = ~sum & 0xffff;
  if (o.badChecksum) c ^= 1;
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return concat(h, payload);
}

export const V6_SRC = hex('20010db8000000000000000000000001');
export const V6_DST = hex('20010db8000000000000000000000002');

export function ipv6(nxt: number, payload: Uint8Array, plen = payload.length): Uint8Array {
  return concat([0x60, 0, 0, 0], u16(plen), [nxt, 64], V6_SRC, V6_DST, payload);
}

export function udp(sport: number, dport: number, data: Uint8Array): Uint8Array {
  return concat(u16(sport), u16(dport), u16(8 + data.length), [0, 0], data);
}
