import type { OpenOptions, PacketRecord } from './record';
import { MAX_RECORD_BYTES } from './chunked-file';
import { linkTypeFromPcapHeader } from './link-types';
import { ReaderBase } from './reader-base';

/** Magic numbers as read little-endian from the first four bytes. */
export const PCAP_MAGIC_US_LE = 0xa1b2c3d4;
export const PCAP_MAGIC_US_BE = 0xd4c3b2a1;
export const PCAP_MAGIC_NS_LE = 0xa1b23c4d;
export const PCAP_MAGIC_NS_BE = 0x4d3cb2a1;

const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/**
 * Wireshark and libpcap refuse records above 262144 bytes for ordinary link types; we accept up to the file's
 * snaplen when that is larger (some writers legitimately use big snaplens), never beyond MAX_RECORD_BYTES.
 */
const STANDARD_MAX_CAPLEN = 262144;

/** Thrown by the constructor when the file is not a usable pcap (openCapture reports it). */
export class NotACaptureError extends Error {}

/**
 * Classic libpcap format: a 24-byte file header, then (16-byte header + data) records. Byte order and
 * timestamp unit (µs or ns) come from the magic number.
 */
export class PcapReader extends ReaderBase {
  readonly format = 'pcap' as const;
  readonly littleEndian: boolean;
  readonly nanosecond: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snaplen: number;
  readonly linkType: number;
  /** The raw header "network" field (link type plus FCS bits). */
  readonly network: number;
  private readonly maxCaplen: number;
  private readonly subsecondToNs: number;
  /** 0: lengths in standard order; 1: caplen/len stored swapped; 2: swapped only when caplen > len. */
  private readonly lengthsSwapped: 0 | 1 | 2;

  constructor(path: string, opts?: OpenOptions) {
    super(path, opts);
    const f = this.file;
    if (!f.ensure(0, FILE_HEADER)) {
      f.close();
      throw new NotACaptureError(`truncated pcap file header (${f.size} of ${FILE_HEADER} bytes)`);
    }
    const magic = f.view.getUint32(0, true);
    this.littleEndian = magic === PCAP_MAGIC_US_LE || magic === PCAP_MAGIC_NS_LE;
    this.nanosecond = magic === PCAP_MAGIC_NS_LE || magic === PCAP_MAGIC_NS_BE;
    const le = this.littleEndian;
    this.versionMajor = f.view.getUint16(4, le);
    this.versionMinor = f.view.getUint16(6, le);
    this.snaplen = f.view.getUint32(16, le);
    this.network = f.view.getUint32(20, le);
    this.linkType = linkTypeFromPcapHeader(this.network);
    this.subsecondToNs = this.nanosecond ? 1 : 1000;
    this.lengthsSwapped = lengthsSwapped(this.versionMajor, this.versionMinor);
    this.maxCaplen = Math.min(MAX_RECORD_BYTES, Math.max(STANDARD_MAX_CAPLEN, this.snaplen));
    this.interfaces.push({
      id: 0,
      section: 0,
      indexInSection: 0,
      linkType: this.linkType,
      snaplen: this.snaplen,
      tsResolution: { base: 10, exponent: this.nanosecond ? 9 : 6 },
      tsOffset: 0,
    });
    this.rec.linkType = this.linkType;
    this.pos = FILE_HEADER;
  }

  protected readNext(): PacketRecord | null {
    const f = this.file;
    const pos = this.pos;
    if (!f.ensure(pos, RECORD_HEADER)) return this.incomplete(pos, RECORD_HEADER, 'packet');
    const le = this.littleEndian;
    let at = pos - f.start;
    let caplen = f.view.getUint32(at + 8, le);
    let len = f.view.getUint32(at + 12, le);
    if (this.lengthsSwapped === 1 || (this.lengthsSwapped === 2 && caplen > len)) {
      const t = caplen;
      caplen = len;
      len = t;
    }
    if (caplen > this.maxCaplen) {
      return this.fatal(
        `packet ${this.count + 1} claims ${caplen} captured bytes, more than the maximum of ${this.maxCaplen} ` +
          `(record at byte offset ${pos}): the file is damaged`,
        pos,
      );
    }
    const total = RECORD_HEADER + caplen;
    if (!f.ensure(pos, total)) return this.incomplete(pos, total, 'packet');
    at = pos - f.start; // the window may have moved
    const v = f.view;
    const rec = this.rec;
    let sec = v.getUint32(at, le);
    let nsec = v.getUint32(at + 4, le) * this.subsecondToNs;
    if (nsec >= 1e9) {
      // Fuzzed/odd writers store sub-second fields >= 1 s; normalize so tsNsec is always < 1e9.
      const carry = Math.floor(nsec / 1e9);
      sec += carry;
      nsec -= carry * 1e9;
    }
    rec.number = ++this.count;
    rec.recordOffset = pos;
    rec.recordLength = total;
    rec.dataOffset = pos + RECORD_HEADER;
    rec.caplen = caplen;
    rec.len = len;
    rec.tsSec = sec;
    rec.tsNsec = nsec;
    rec.data = f.buf.subarray(at + RECORD_HEADER, at + total);
    this.pos = pos + total;
    return rec;
  }
}

/**
 * libpcap swapped the order of caplen and len at version 2.3; files claiming an older version (and DG/UX's
 * 543.0) store them the other way round, and 2.3 files exist in both orders. Same rule as libpcap and Wireshark.
 */
function lengthsSwapped(major: number, minor: number): 0 | 1 | 2 {
  if (major === 2) return minor < 3 ? 1 : minor === 3 ? 2 : 0;
  return major === 543 ? 1 : 0;
}
