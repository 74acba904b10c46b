/**
 * The capture summary (what `capinfos` prints): file type, encapsulation, time precision, snap length,
 * packet count, data size, first/last time, duration and average rates, strict time order, the pcapng
 * section header's hardware / OS / application, and per interface its link type and packet count.
 *
 * Per-packet sums are kept in a TimeSpan that extends itself over newly indexed packets, so a live capture's
 * summary costs only the packets added since the last ask.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { epochString } from '../capture/columns';
import { linkTypeName } from '../capture/link-type-names';
import { EP_IPV4, EP_IPV6 } from '../store/endpoints';
import type { CaptureReader, InterfaceInfo } from '../readers/record';
import { decodeText, forEachOption } from '../readers/pcapng-options';
import type { StatsInterface, StatsSummary } from '../../../shared/views/stats';

/** Running sums over store indices [0, processed). */
export class TimeSpan {
  processed = 0;
  minSec = 0;
  minNsec = 0;
  maxSec = 0;
  maxNsec = 0;
  dataBytes = 0;
  capturedBytes = 0;
  strict = true;
  private lastSec = -Infinity;
  private lastNsec = 0;
  perIfPackets: number[] = [];
  perIfBytes: number[] = [];

  extend(index: CaptureIndex): void {
    const s = index.store;
    const end = s.count;
    for (let i = this.processed; i < end; i++) {
      const sec = s.tsSec[i]!;
      const nsec = s.tsNsec[i]!;
      if (i === 0 || sec < this.minSec || (sec === this.minSec && nsec < this.minNsec)) {
        this.minSec = sec;
        this.minNsec = nsec;
      }
      if (i === 0 || sec > this.maxSec || (sec === this.maxSec && nsec > this.maxNsec)) {
        this.maxSec = sec;
        this.maxNsec = nsec;
      }
      if (sec < this.lastSec || (sec === this.lastSec && nsec < this.lastNsec)) this.strict = false;
      this.lastSec = sec;
      this.lastNsec = nsec;
      const len = s.len[i]!;
      this.dataBytes += len;
      this.capturedBytes += s.caplen[i]!;
      const ifId = s.ifId[i]!;
      this.perIfPackets[ifId] = (this.perIfPackets[ifId] ?? 0) + 1;
      this.perIfBytes[ifId] = (this.perIfBytes[ifId] ?? 0) + len;
    }
    this.processed = end;
  }

  /** max - min in seconds (exact to the nanosecond for spans under ~100 days). */
  get duration(): number {
    if (this.processed === 0) return 0;
    return (this.maxSec - this.minSec) + (this.maxNsec - this.minNsec) / 1e9;
  }
}

/** Section header options of the file's first pcapng section (hardware, OS, application). */
export interface SectionInfo {
  hardware: string;
  os: string;
  application: string;
}

const SHB_TYPE = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const SHB_HARDWARE = 2;
const SHB_OS = 3;
const SHB_USERAPPL = 4;
/** A section header longer than this is not read for its options (they are a few short strings). */
const SHB_READ_MAX = 1 << 16;

/** Reads the first section header block's options; empty strings for pcap or when absent. */
export function readSectionInfo(reader: CaptureReader): SectionInfo {
  const info: SectionInfo = { hardware: '', os: '', application: '' };
  if (reader.format !== 'pcapng' || reader.fileSize < 28) return info;
  let head: Uint8Array;
  try {
    head = reader.readAt(0, Math.min(reader.fileSize, SHB_READ_MAX));
  } catch {
    return info;
  }
  if (head.length < 28) return info;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (v.getUint32(0, true) !== SHB_TYPE) return info;
  const le = v.getUint32(8, true) === BYTE_ORDER_MAGIC;
  const length = v.getUint32(4, le);
  if (length < 28 || length > head.length) return info;
  forEachOption(v, 24, length - 4, le, (code, start, len) => {
    const text = decodeText(head.subarray(start, start + len));
    if (code === SHB_HARDWARE) info.hardware = text;
    else if (code === SHB_OS) info.os = text;
    else if (code === SHB_USERAPPL) info.application = text;
  });
  return info;
}

/** "microseconds (6)" as capinfos words a timestamp resolution. */
export function precisionName(r: InterfaceInfo['tsResolution']): string {
  if (r.base === 2) return `2^-${r.exponent} seconds`;
  const names: Record<number, string> = { 0: 'seconds', 1: 'deciseconds', 2: 'centiseconds', 3: 'milliseconds', 6: 'microseconds', 9: 'nanoseconds' };
  const name = names[r.exponent];
  return name !== undefined ? `${name} (${r.exponent})` : `10^-${r.exponent} seconds`;
}

function sameForAll<T>(values: readonly T[]): T | null {
  if (values.length === 0) return null;
  const first = values[0]!;
  return values.every((v) => v === first) ? first : null;
}

export interface SummaryInput {
  index: CaptureIndex;
  reader: CaptureReader;
  path: string;
  span: TimeSpan;
  section: SectionInfo;
  indexing: boolean;
}

export function buildSummary({ index, reader, path, span, section, indexing }: SummaryInput): StatsSummary {
  span.extend(index);
  const ifaces = reader.interfaces;
  const interfaces: StatsInterface[] = ifaces.map((i) => ({
    index: i.indexInSection,
    section: i.section,
    name: i.name ?? '',
    description: i.description ?? '',
    linkType: i.linkType,
    encapsulation: linkTypeName(i.linkType),
    snaplen: i.snaplen,
    timePrecision: precisionName(i.tsResolution),
    packets: span.perIfPackets[i.id] ?? 0,
    bytes: span.perIfBytes[i.id] ?? 0,
  }));
  const link = sameForAll(ifaces.map((i) => i.linkType));
  const precision = sameForAll(interfaces.map((i) => i.timePrecision));
  const packets = span.processed;
  const duration = span.duration;
  const perSecond = (x: number): number | null => (duration > 0 ? x / duration : null);
  let hosts = 0;
  const eps = index.endpoints;
  for (let ep = 1; ep < eps.size; ep++) {
    const kind = eps.kind(ep);
    if (kind === EP_IPV4 || kind === EP_IPV6) hosts++;
  }
  return {
    path,
    format: reader.format,
    fileSize: reader.fileSize,
    encapsulation: link !== null ? linkTypeName(link) : ifaces.length === 0 ? '' : 'Per packet',
    timePrecision: precision ?? (interfaces.length === 0 ? '' : 'mixed'),
    snaplen: sameForAll(ifaces.map((i) => i.snaplen)),
    packets,
    dataBytes: span.dataBytes,
    capturedBytes: span.capturedBytes,
    firstTs: packets > 0 ? epochString(span.minSec, span.minNsec) : null,
    lastTs: packets > 0 ? epochString(span.maxSec, span.maxNsec) : null,
    duration,
    byteRate: perSecond(span.dataBytes),
    bitRate: perSecond(span.dataBytes * 8),
    packetRate: perSecond(packets),
    avgPacketSize: packets > 0 ? span.dataBytes / packets : null,
    strictTimeOrder: span.strict,
    hardware: section.hardware,
    os: section.os,
    application: section.application,
    comments: [...reader.comments],
    interfaces,
    sessions: index.sessions.count,
    hosts,
    problems: reader.errors.map((e) => e.message),
    indexing,
  };
}
