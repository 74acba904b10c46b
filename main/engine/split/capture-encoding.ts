/**
 * The bytes of a pcap or pcapng file, written record by record into an OutBuffer. The split needs what the
 * streaming writers (writers/) cannot give it: a file's exact size before it is written (a tar entry header
 * comes first) and one shared buffer for many files. The layout is the writers' own: pcap little-endian with
 * the nanosecond magic when any source interface is finer than microseconds; pcapng one section, every source
 * interface declared in order (so global interface ids carry over), if_tsresol kept when decimal and at most
 * 10^-9 as PcapngWriter does. Per-packet comments are not copied (the store does not keep them).
 */
import { writeTimestampUnits } from '../writers/timestamp-units';
import type { InterfaceInfo } from '../readers/record';
import type { OutBuffer } from './out-buffer';

export type SplitCaptureFormat = 'pcap' | 'pcapng';

export interface CaptureEncoding {
  readonly format: SplitCaptureFormat;
  /** File header for a file whose packets all have `linkType` (pcap) — pcapng ignores it. */
  header(linkType: number): Uint8Array;
  /** Bytes one record of `caplen` captured bytes takes. */
  recordSize(caplen: number): number;
  /**
   * Reserves a record, fills everything but the packet bytes, and returns the offset in `out.buf` where the
   * `caplen` packet bytes go.
   */
  beginRecord(out: OutBuffer, tsSec: number, tsNsec: number, caplen: number, len: number, ifId: number): number;
}

export function captureEncoding(format: SplitCaptureFormat, interfaces: readonly InterfaceInfo[]): CaptureEncoding {
  return format === 'pcap' ? new PcapEncoding(interfaces) : new PcapngEncoding(interfaces);
}

class PcapEncoding implements CaptureEncoding {
  readonly format = 'pcap';
  private readonly nano: boolean;
  private readonly snaplen: number;
  private readonly headers = new Map<number, Uint8Array>();

  constructor(interfaces: readonly InterfaceInfo[]) {
    this.nano = interfaces.some((i) => i.tsResolution.base !== 10 || i.tsResolution.exponent > 6);
    this.snaplen = Math.max(262144, ...interfaces.map((i) => i.snaplen));
  }

  header(linkType: number): Uint8Array {
    let h = this.headers.get(linkType);
    if (h === undefined) {
      h = new Uint8Array(24);
      const v = new DataView(h.buffer);
      v.setUint32(0, this.nano ? 0xa1b23c4d : 0xa1b2c3d4, true);
      v.setUint16(4, 2, true);
      v.setUint16(6, 4, true);
      v.setUint32(16, this.snaplen, true);
      v.setUint32(20, linkType >>> 0, true);
      this.headers.set(linkType, h);
    }
    return h;
  }

  recordSize(caplen: number): number {
    return 16 + caplen;
  }

  beginRecord(out: OutBuffer, tsSec: number, tsNsec: number, caplen: number, len: number): number {
    const at = out.reserve(16 + caplen);
    const v = out.view;
    // 32-bit seconds, as PcapWriter: times after 2106 wrap (pcapng keeps them).
    v.setUint32(at, tsSec >>> 0, true);
    v.setUint32(at + 4, this.nano ? tsNsec : Math.floor(tsNsec / 1000), true);
    v.setUint32(at + 8, caplen, true);
    v.setUint32(at + 12, len, true);
    return at + 16;
  }
}

const utf8 = new TextEncoder();

class PcapngEncoding implements CaptureEncoding {
  readonly format = 'pcapng';
  private readonly head: Uint8Array;
  private readonly perSecond: number[] = [];
  private readonly nsPerUnit: number[] = [];

  constructor(interfaces: readonly InterfaceInfo[]) {
    const blocks: Uint8Array[] = [sectionHeader()];
    for (const i of interfaces) {
      const digits = i.tsResolution.base === 10 && i.tsResolution.exponent <= 9 ? i.tsResolution.exponent : 9;
      this.perSecond.push(10 ** digits);
      this.nsPerUnit.push(10 ** (9 - digits));
      blocks.push(interfaceBlock(i, digits));
    }
    this.head = Buffer.concat(blocks);
  }

  header(): Uint8Array {
    return this.head;
  }

  recordSize(caplen: number): number {
    return 32 + ((caplen + 3) & ~3);
  }

  beginRecord(out: OutBuffer, tsSec: number, tsNsec: number, caplen: number, len: number, ifId: number): number {
    const total = 32 + ((caplen + 3) & ~3);
    const at = out.reserve(total);
    const v = out.view;
    v.setUint32(at, 6, true);
    v.setUint32(at + 4, total, true);
    v.setUint32(at + 8, ifId, true);
    const per = this.perSecond[ifId] ?? 1e9;
    writeTimestampUnits(v, at + 12, tsSec, per, Math.floor(tsNsec / (this.nsPerUnit[ifId] ?? 1)));
    v.setUint32(at + 20, caplen, true);
    v.setUint32(at + 24, len, true);
    // Padding after the data, then the trailing length.
    out.buf.fill(0, at + 28 + caplen, at + total - 4);
    v.setUint32(at + total - 4, total, true);
    return at + 28;
  }
}

function sectionHeader(): Uint8Array {
  const appl = utf8.encode('Wirelens');
  const optLen = 4 + ((appl.length + 3) & ~3) + 4;
  const total = 28 + optLen;
  const b = new Uint8Array(total);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x0a0d0d0a, true);
  v.setUint32(4, total, true);
  v.setUint32(8, 0x1a2b3c4d, true);
  v.setUint16(12, 1, true);
  v.setUint16(14, 0, true);
  // Section length unknown (-1), as the streaming writer does.
  v.setInt32(16, -1, true);
  v.setInt32(20, -1, true);
  v.setUint16(24, 4, true); // shb_userappl
  v.setUint16(26, appl.length, true);
  b.set(appl, 28);
  // opt_endofopt is the zero bytes already there; then the trailing length.
  v.setUint32(total - 4, total, true);
  return b;
}

function interfaceBlock(i: InterfaceInfo, digits: number): Uint8Array {
  const options: Array<[number, Uint8Array]> = [];
  if (i.name !== undefined) options.push([2, utf8.encode(i.name).subarray(0, 0xffff)]);
  if (i.description !== undefined) options.push([3, utf8.encode(i.description).subarray(0, 0xffff)]);
  options.push([9, Uint8Array.of(digits)]);
  let optLen = 4;
  for (const [, val] of options) optLen += 4 + ((val.length + 3) & ~3);
  const total = 20 + optLen;
  const b = new Uint8Array(total);
  const v = new DataView(b.buffer);
  v.setUint32(0, 1, true);
  v.setUint32(4, total, true);
  v.setUint16(8, i.linkType, true);
  v.setUint32(12, i.snaplen, true);
  let p = 16;
  for (const [code, val] of options) {
    v.setUint16(p, code, true);
    v.setUint16(p + 2, val.length, true);
    b.set(val, p + 4);
    p += 4 + ((val.length + 3) & ~3);
  }
  v.setUint32(total - 4, total, true);
  return b;
}
