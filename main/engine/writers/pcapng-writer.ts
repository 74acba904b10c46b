import type { WritablePacket } from './packet';
import { writeTimestampUnits } from './timestamp-units';
import { FileSink } from './file-sink';

/** What the writer records about an interface (a reader's InterfaceInfo satisfies it). */
export interface WritableInterface {
  readonly linkType: number;
  /** 0 = no limit. */
  readonly snaplen?: number;
  readonly name?: string;
  readonly description?: string;
  /**
   * Timestamp unit of the source interface (a reader's InterfaceInfo has it). Decimal units of 10^-0..10^-9 are
   * kept, so every source timestamp stays representable in 64 bits (10^-9 overflows after year 2554, and
   * real files do contain such values); anything else is written in nanoseconds, the default.
   */
  readonly tsResolution?: { readonly base: 10 | 2; readonly exponent: number };
}

export interface PcapngWriterOptions {
  /** Section header comments (opt_comment on the SHB). */
  comments?: readonly string[];
  /** shb_userappl. */
  application?: string;
  /** Interfaces to declare up front; packet ifId n refers to the n-th (more can be added with addInterface). */
  interfaces?: readonly WritableInterface[];
}

/**
 * An Interface Statistics Block (pcapng 4.6). Counters are optional (absent = unknown, which is not 0); times are
 * seconds + nanoseconds like packet timestamps and are written in the interface's if_tsresol units.
 */
export interface WritableInterfaceStatistics {
  /** Interface id as returned by addInterface; defaults to 0. */
  readonly ifId?: number;
  /** When the statistics were taken. */
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly startTime?: { readonly tsSec: number; readonly tsNsec: number };
  readonly endTime?: { readonly tsSec: number; readonly tsNsec: number };
  /** isb_ifrecv, isb_ifdrop, isb_filteraccept, isb_osdrop, isb_usrdeliv. */
  readonly received?: number | bigint;
  readonly droppedByInterface?: number | bigint;
  readonly acceptedByFilter?: number | bigint;
  readonly droppedByOs?: number | bigint;
  readonly deliveredToUser?: number | bigint;
  readonly comments?: readonly string[];
}

const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const ISB_STARTTIME = 2;
const ISB_ENDTIME = 3;
const ISB_IFRECV = 4;
const ISB_IFDROP = 5;
const ISB_FILTERACCEPT = 6;
const ISB_OSDROP = 7;
const ISB_USRDELIV = 8;

const utf8 = new TextEncoder();

/**
 * pcapng writer: one section (little-endian), interfaces with if_tsresol = 9 so nanoseconds survive, SHB and
 * per-packet comments. Interfaces from several input sections are written into this one section, which is
 * exactly what the readers' global interface ids allow.
 */
export class PcapngWriter {
  private readonly sink: FileSink;
  private interfaceCount = 0;
  /** Per interface id: units per second and nanoseconds per unit (decimal resolutions only). */
  private readonly perSecond: number[] = [];
  private readonly nsPerUnit: number[] = [];
  private packets = 0;

  constructor(target: number | string, opts: PcapngWriterOptions = {}) {
    this.sink = new FileSink(target);
    const options: Array<[number, Uint8Array]> = [];
    for (const c of opts.comments ?? []) options.push([OPT_COMMENT, utf8.encode(c)]);
    if (opts.application !== undefined) options.push([SHB_USERAPPL, utf8.encode(opts.application)]);
    const body = optionsLength(options);
    const total = 28 + body;
    const s = this.sink;
    const at = s.reserve(24);
    s.view.setUint32(at, 0x0a0d0d0a, true);
    s.view.setUint32(at + 4, total, true);
    s.view.setUint32(at + 8, 0x1a2b3c4d, true);
    s.view.setUint16(at + 12, 1, true);
    s.view.setUint16(at + 14, 0, true);
    // Section length unknown (streaming): -1 as the spec allows.
    s.view.setInt32(at + 16, -1, true);
    s.view.setInt32(at + 20, -1, true);
    this.writeOptions(options);
    this.trailer(total);
    for (const i of opts.interfaces ?? []) this.addInterface(i);
  }

  get count(): number {
    return this.packets;
  }

  get bytesWritten(): number {
    return this.sink.written;
  }

  /** Declares an interface; returns its id (the ifId packets use to refer to it). */
  addInterface(i: WritableInterface): number {
    const options: Array<[number, Uint8Array]> = [];
    if (i.name !== undefined) options.push([IF_NAME, utf8.encode(i.name)]);
    if (i.description !== undefined) options.push([IF_DESCRIPTION, utf8.encode(i.description)]);
    const digits = i.tsResolution?.base === 10 && i.tsResolution.exponent <= 9 ? i.tsResolution.exponent : 9;
    // if_tsresol 6 is the default, but writing it anyway keeps the files self-describing.
    options.push([IF_TSRESOL, Uint8Array.of(digits)]);
    this.perSecond.push(10 ** digits);
    this.nsPerUnit.push(10 ** (9 - digits));
    const total = 20 + optionsLength(options);
    const s = this.sink;
    const at = s.reserve(16);
    s.view.setUint32(at, 1, true);
    s.view.setUint32(at + 4, total, true);
    s.view.setUint16(at + 8, i.linkType, true);
    s.view.setUint16(at + 10, 0, true);
    s.view.setUint32(at + 12, i.snaplen ?? 0, true);
    this.writeOptions(options);
    this.trailer(total);
    return this.interfaceCount++;
  }

  writePacket(p: WritablePacket): void {
    const ifId = p.ifId ?? 0;
    if (ifId >= this.interfaceCount) {
      throw new RangeError(`packet refers to interface ${ifId}, but only ${this.interfaceCount} were added`);
    }
    const caplen = p.data.length;
    let optBytes = 0;
    let encoded: Uint8Array[] | undefined;
    if (p.comments !== undefined && p.comments.length > 0) {
      encoded = p.comments.map((c) => utf8.encode(c));
      for (const e of encoded) optBytes += 4 + ((e.length + 3) & ~3);
      optBytes += 4; // opt_endofopt
    }
    const total = 32 + ((caplen + 3) & ~3) + optBytes;
    const s = this.sink;
    const at = s.reserve(28);
    const v = s.view;
    v.setUint32(at, 6, true);
    v.setUint32(at + 4, total, true);
    v.setUint32(at + 8, ifId, true);
    writeTimestampUnits(v, at + 12, p.tsSec, this.perSecond[ifId], Math.floor(p.tsNsec / this.nsPerUnit[ifId]));
    v.setUint32(at + 20, caplen, true);
    v.setUint32(at + 24, p.len ?? caplen, true);
    s.write(p.data);
    s.pad4(caplen);
    if (encoded !== undefined) {
      for (const e of encoded) this.option(OPT_COMMENT, e);
      const end = s.reserve(4);
      s.view.setUint32(end, OPT_ENDOFOPT, true);
    }
    this.trailer(total);
    this.packets++;
  }

  /** Writes an ISB (e.g. a live capture's drop counters at its end). */
  writeInterfaceStatistics(st: WritableInterfaceStatistics): void {
    const ifId = st.ifId ?? 0;
    if (ifId >= this.interfaceCount) {
      throw new RangeError(`statistics refer to interface ${ifId}, but only ${this.interfaceCount} were added`);
    }
    const options: Array<[number, Uint8Array]> = [];
    for (const c of st.comments ?? []) options.push([OPT_COMMENT, utf8.encode(c)]);
    const time = (t: { readonly tsSec: number; readonly tsNsec: number }): Uint8Array => {
      const b = new Uint8Array(8);
      writeTimestampUnits(new DataView(b.buffer), 0, t.tsSec, this.perSecond[ifId], Math.floor(t.tsNsec / this.nsPerUnit[ifId]));
      return b;
    };
    const counter = (code: number, value: number | bigint | undefined): void => {
      if (value === undefined) return;
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, BigInt(value), true);
      options.push([code, b]);
    };
    if (st.startTime !== undefined) options.push([ISB_STARTTIME, time(st.startTime)]);
    if (st.endTime !== undefined) options.push([ISB_ENDTIME, time(st.endTime)]);
    counter(ISB_IFRECV, st.received);
    counter(ISB_IFDROP, st.droppedByInterface);
    counter(ISB_FILTERACCEPT, st.acceptedByFilter);
    counter(ISB_OSDROP, st.droppedByOs);
    counter(ISB_USRDELIV, st.deliveredToUser);
    const total = 24 + optionsLength(options);
    const s = this.sink;
    const at = s.reserve(20);
    s.view.setUint32(at, 5, true);
    s.view.setUint32(at + 4, total, true);
    s.view.setUint32(at + 8, ifId, true);
    writeTimestampUnits(s.view, at + 12, st.tsSec, this.perSecond[ifId], Math.floor(st.tsNsec / this.nsPerUnit[ifId]));
    this.writeOptions(options);
    this.trailer(total);
  }

  flush(): void {
    this.sink.flush();
  }

  sync(): void {
    this.sink.sync();
  }

  close(): void {
    this.sink.close();
  }

  private writeOptions(options: Array<[number, Uint8Array]>): void {
    if (options.length === 0) return;
    for (const [code, value] of options) this.option(code, value);
    const at = this.sink.reserve(4);
    this.sink.view.setUint32(at, OPT_ENDOFOPT, true);
  }

  private option(code: number, value: Uint8Array): void {
    const s = this.sink;
    if (value.length > 0xffff) value = value.subarray(0, 0xffff); // option lengths are 16-bit
    const at = s.reserve(4);
    s.view.setUint16(at, code, true);
    s.view.setUint16(at + 2, value.length, true);
    s.write(value);
    s.pad4(value.length);
  }

  private trailer(total: number): void {
    const at = this.sink.reserve(4);
    this.sink.view.setUint32(at, total, true);
  }
}

function optionsLength(options: Array<[number, Uint8Array]>): number {
  if (options.length === 0) return 0;
  let n = 4; // opt_endofopt
  for (const [, v] of options) n += 4 + ((Math.min(v.length, 0xffff) + 3) & ~3);
  return n;
}
