import type { InterfaceInfo, InterfaceStats, OpenOptions, PacketRecord } from './record';
import { MAX_RECORD_BYTES } from './chunked-file';
import { ReaderBase } from './reader-base';
import { convertTimestamp, timestampUnit, type TimestampUnit } from './timestamp';
import { decodeText, forEachOption, OPT_COMMENT, packetComments } from './pcapng-options';
import { parseNameResolution } from './pcapng-names';

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
export const BT_PB = 0x00000002; // obsolete Packet Block
export const BT_SPB = 0x00000003;
export const BT_NRB = 0x00000004;
export const BT_ISB = 0x00000005;
export const BT_EPB = 0x00000006;
export const BT_DSB = 0x0000000a; // Decryption Secrets Block
export const BT_CUSTOM = 0x00000bad;
export const BT_CUSTOM_NOCOPY = 0x40000bad;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/**
 * Block types we know and deliberately skip without a warning. Note: tshark shows Custom Blocks (and systemd
 * journal / sysdig event blocks) as frames of their own; we do not count them as packets, so packet numbers
 * can differ from tshark's frame numbers in files that contain them.
 */
const SILENTLY_SKIPPED: ReadonlySet<number> = new Set([BT_DSB, BT_CUSTOM, BT_CUSTOM_NOCOPY, 7, 8, 9]);

/** Same rule as the pcap reader: libpcap/Wireshark's 262144 unless the interface's snaplen is larger. */
const STANDARD_MAX_CAPLEN = 262144;

const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

/** Minimum total length of each block type (header + fixed fields + trailer). */
function minimumLength(type: number): number {
  switch (type) {
    case BT_SHB:
      return 28;
    case BT_IDB:
      return 20;
    case BT_EPB:
    case BT_PB:
      return 32;
    case BT_SPB:
      return 16;
    case BT_ISB:
      return 24;
    default:
      return 12;
  }
}

/**
 * pcapng: a sequence of sections (SHB + blocks), each with its own byte order and interface table.
 * Interfaces get global ids in the order their IDBs appear, across all sections.
 */
export class PcapngReader extends ReaderBase {
  readonly format = 'pcapng' as const;
  /** Host names from Name Resolution Blocks: name → addresses (text form). */
  readonly names = new Map<string, string[]>();
  /** Byte order of the current section. */
  private le = true;
  private section = -1;
  /** Global interface ids of the current section's IDBs, by index in the section. */
  private sectionIfaces: number[] = [];
  /** Per global interface id, for the per-packet path (avoid going through InterfaceInfo objects). */
  private readonly units: TimestampUnit[] = [];
  private readonly maxCaplen: number[] = [];
  private readonly warnedTypes = new Set<number>();

  constructor(path: string, opts?: OpenOptions) {
    super(path, opts);
  }

  protected readNext(): PacketRecord | null {
    const f = this.file;
    for (;;) {
      const pos = this.pos;
      if (!f.ensure(pos, 12)) return this.incomplete(pos, 12, 'packet');
      let at = pos - f.start;
      const type = f.view.getUint32(at, this.le);
      if (type === BT_SHB) {
        // The section's byte order is only known from its byte-order magic, which decides how to read the length.
        const bom = f.view.getUint32(at + 8, true);
        if (bom === BYTE_ORDER_MAGIC) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else return this.fatal(`section header at byte offset ${pos} has an invalid byte-order magic`, pos);
      }
      const le = this.le;
      const length = f.view.getUint32(at + 4, le);
      if (length % 4 !== 0 || length < minimumLength(type)) {
        return this.fatal(
          `block at byte offset ${pos} (type 0x${type.toString(16)}) has an invalid length ${length}` +
            (length % 4 !== 0 ? ' (not a multiple of 4)' : ' (too short)'),
          pos,
        );
      }
      if (length > MAX_RECORD_BYTES) {
        return this.fatal(`block at byte offset ${pos} claims ${length} bytes, more than ${MAX_RECORD_BYTES}`, pos);
      }
      if (!f.ensure(pos, length)) return this.incomplete(pos, length, 'packet');
      at = pos - f.start;
      const v = f.view;
      const trailer = v.getUint32(at + length - 4, le);
      if (trailer !== length) {
        return this.fatal(
          `block at byte offset ${pos}: trailing length ${trailer} does not match the leading length ${length}`,
          pos,
        );
      }
      let rec: PacketRecord | null = null;
      switch (type) {
        case BT_EPB:
          rec = this.packet(pos, at, length, v.getUint32(at + 8, le), 12);
          break;
        case BT_PB:
          rec = this.packet(pos, at, length, v.getUint16(at + 8, le), 12);
          break;
        case BT_SPB:
          rec = this.simplePacket(pos, at, length);
          break;
        case BT_SHB:
          if (!this.sectionHeader(pos, at, length)) return null;
          break;
        case BT_IDB:
          this.interfaceDescription(at, length);
          break;
        case BT_ISB:
          this.interfaceStatistics(pos, at, length);
          break;
        case BT_NRB:
          if (!parseNameResolution(f.buf, v, at + 8, at + length - 4, le, this.names)) {
            this.warn(`name resolution block at byte offset ${pos} has a record running past its end`, pos);
          }
          break;
        default:
          if (!SILENTLY_SKIPPED.has(type) && !this.warnedTypes.has(type)) {
            this.warnedTypes.add(type);
            this.warn(`skipped block of unknown type 0x${type.toString(16)} at byte offset ${pos}`, pos);
          }
      }
      if (this.stopped) return null;
      this.pos = pos + length;
      if (rec !== null) return rec;
    }
  }

  /**
   * EPB and obsolete PB share their layout after the interface field: ts high, ts low, caplen, len, data,
   * options. `fields` is the offset of ts high within the block (12 for both).
   */
  private packet(pos: number, at: number, length: number, ifIndex: number, fields: number): PacketRecord | null {
    const f = this.file;
    const v = f.view;
    const le = this.le;
    const ifId = this.sectionIfaces[ifIndex];
    if (ifId === undefined) {
      return this.fatal(
        `packet ${this.count + 1} (block at byte offset ${pos}) refers to interface ${ifIndex}, but section ` +
          `${this.section} has ${this.sectionIfaces.length} interface(s)`,
        pos,
      );
    }
    const caplen = v.getUint32(at + fields + 8, le);
    const dataAt = at + fields + 16;
    const room = length - (fields + 16) - 4;
    if (caplen > room || caplen > this.maxCaplen[ifId]) {
      return this.fatal(
        `packet ${this.count + 1} (block at byte offset ${pos}) claims ${caplen} captured bytes, but ` +
          (caplen > room ? `its block holds only ${room}` : `the maximum is ${this.maxCaplen[ifId]}`),
        pos,
      );
    }
    const rec = this.rec;
    convertTimestamp(v.getUint32(at + fields, le), v.getUint32(at + fields + 4, le), this.units[ifId], rec);
    rec.number = ++this.count;
    rec.recordOffset = pos;
    rec.recordLength = length;
    rec.dataOffset = pos + fields + 16;
    rec.caplen = caplen;
    rec.len = v.getUint32(at + fields + 12, le);
    rec.ifId = ifId;
    rec.linkType = this.interfaces[ifId].linkType;
    rec.data = f.buf.subarray(dataAt, dataAt + caplen);
    const optionsAt = dataAt + ((caplen + 3) & ~3);
    const end = at + length - 4;
    rec.comments = optionsAt < end ? packetComments(f.buf, v, optionsAt, end, le) : undefined;
    return rec;
  }

  /** SPB: no interface field (always interface 0 of the section) and no timestamp (we use 0). */
  private simplePacket(pos: number, at: number, length: number): PacketRecord | null {
    const f = this.file;
    const ifId = this.sectionIfaces[0];
    if (ifId === undefined) {
      return this.fatal(
        `simple packet block at byte offset ${pos} but section ${this.section} has no interface`,
        pos,
      );
    }
    const len = f.view.getUint32(at + 8, this.le);
    const snaplen = this.interfaces[ifId].snaplen;
    let caplen = Math.min(len, length - 16);
    if (snaplen !== 0 && snaplen < caplen) caplen = snaplen;
    const rec = this.rec;
    rec.number = ++this.count;
    rec.recordOffset = pos;
    rec.recordLength = length;
    rec.dataOffset = pos + 12;
    rec.caplen = caplen;
    rec.len = len;
    rec.tsSec = 0;
    rec.tsNsec = 0;
    rec.ifId = ifId;
    rec.linkType = this.interfaces[ifId].linkType;
    rec.data = f.buf.subarray(at + 12, at + 12 + caplen);
    rec.comments = undefined;
    return rec;
  }

  private sectionHeader(pos: number, at: number, length: number): boolean {
    const f = this.file;
    const v = f.view;
    const major = v.getUint16(at + 12, this.le);
    const minor = v.getUint16(at + 14, this.le);
    if (major !== 1) {
      this.fatal(`section header at byte offset ${pos} has unsupported pcapng version ${major}.${minor}`, pos);
      return false;
    }
    this.section++;
    this.sectionIfaces = [];
    forEachOption(v, at + 24, at + length - 4, this.le, (code, start, len) => {
      if (code === OPT_COMMENT) this.comments.push(decodeText(f.buf.subarray(start, start + len)));
    });
    return true;
  }

  private interfaceDescription(at: number, length: number): void {
    const f = this.file;
    const v = f.view;
    const le = this.le;
    let name: string | undefined;
    let description: string | undefined;
    let tsresol = 6;
    let tsOffset = 0;
    forEachOption(v, at + 16, at + length - 4, le, (code, start, len) => {
      if (code === IF_NAME) name = decodeText(f.buf.subarray(start, start + len));
      else if (code === IF_DESCRIPTION) description = decodeText(f.buf.subarray(start, start + len));
      else if (code === IF_TSRESOL && len >= 1) tsresol = f.buf[start];
      else if (code === IF_TSOFFSET && len >= 8) tsOffset = Number(v.getBigInt64(start, le));
    });
    const id = this.interfaces.length;
    const snaplen = v.getUint32(at + 12, le);
    const info: InterfaceInfo = {
      id,
      section: this.section,
      indexInSection: this.sectionIfaces.length,
      linkType: v.getUint16(at + 8, le),
      snaplen,
      tsResolution: { base: tsresol & 0x80 ? 2 : 10, exponent: tsresol & 0x7f },
      tsOffset,
    };
    if (name !== undefined) info.name = name;
    if (description !== undefined) info.description = description;
    this.interfaces.push(info);
    this.sectionIfaces.push(id);
    this.units.push(timestampUnit(tsresol, tsOffset));
    this.maxCaplen.push(Math.min(MAX_RECORD_BYTES, Math.max(STANDARD_MAX_CAPLEN, snaplen)));
  }

  private interfaceStatistics(pos: number, at: number, length: number): void {
    const f = this.file;
    const v = f.view;
    const le = this.le;
    const ifIndex = v.getUint32(at + 8, le);
    const ifId = this.sectionIfaces[ifIndex];
    if (ifId === undefined) {
      this.warn(`statistics block at byte offset ${pos} refers to unknown interface ${ifIndex}`, pos);
      return;
    }
    const ts = { tsSec: 0, tsNsec: 0 };
    convertTimestamp(v.getUint32(at + 12, le), v.getUint32(at + 16, le), this.units[ifId], ts);
    const stats: InterfaceStats = { time: ts.tsSec + ts.tsNsec / 1e9 };
    forEachOption(v, at + 20, at + length - 4, le, (code, start, len) => {
      if (len < 8) return;
      const value = v.getBigUint64(start, le);
      if (code === 4) stats.received = value;
      else if (code === 5) stats.droppedByInterface = value;
      else if (code === 6) stats.acceptedByFilter = value;
      else if (code === 7) stats.droppedByOs = value;
      else if (code === 8) stats.deliveredToUser = value;
    });
    this.interfaces[ifId].stats = stats;
  }
}
