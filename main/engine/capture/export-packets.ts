/**
 * Writes chosen packets of a capture to a new pcap or pcapng file, atomically (temp file + rename), with
 * their original timestamps, lengths, interfaces and comments. It re-reads the source sequentially and
 * copies the records whose numbers are selected, so the export streams whatever the file size.
 */
import { openCapture } from '../readers/open';
import type { CaptureReader, InterfaceInfo } from '../readers/record';
import { PcapWriter, PcapngWriter, writeAtomically } from '../writers';

export type ExportFormat = 'pcap' | 'pcapng';

export interface ExportResult {
  written: number;
  path: string;
  format: ExportFormat;
}

export class ExportError extends Error {}

/**
 * Copies packets whose 1-based numbers are in `numbers` (ascending) from `source` to `outPath`.
 * pcap holds a single link type: exporting packets of several link types to pcap is refused.
 */
export function exportPackets(
  source: string,
  numbers: Uint32Array,
  outPath: string,
  format: ExportFormat,
  opts: { comments?: readonly string[] } = {},
): ExportResult {
  const reader = openCapture(source);
  try {
    return writeAtomically(outPath, (fd) => {
      // File comments can sit in any section header; the caller's index pass has seen them all.
      const comments = opts.comments ?? reader.comments;
      const written = format === 'pcapng' ? copyPcapng(reader, numbers, fd, comments) : copyPcap(reader, numbers, fd);
      const fatal = reader.errors.find((e) => e.fatal);
      if (fatal && written < numbers.length) {
        throw new ExportError(`source became unreadable at byte offset ${fatal.offset}: ${fatal.message}`);
      }
      return { written, path: outPath, format };
    });
  } finally {
    reader.close();
  }
}

function copyPcapng(reader: CaptureReader, numbers: Uint32Array, fd: number, comments: readonly string[]): number {
  const writer = new PcapngWriter(fd, { comments, application: 'Wirelens' });
  // Interfaces are declared as the source reveals them; ids map source global id -> output id.
  const ids = new Map<number, number>();
  let k = 0;
  for (let rec = reader.next(); rec !== null && k < numbers.length; rec = reader.next()) {
    if (rec.number !== numbers[k]) continue;
    k++;
    let out = ids.get(rec.ifId);
    if (out === undefined) {
      const iface = reader.interfaces[rec.ifId] as InterfaceInfo;
      out = writer.addInterface(iface);
      ids.set(rec.ifId, out);
    }
    writer.writePacket({ data: rec.data, tsSec: rec.tsSec, tsNsec: rec.tsNsec, len: rec.len, ifId: out, comments: rec.comments });
  }
  writer.close();
  return k;
}

function copyPcap(reader: CaptureReader, numbers: Uint32Array, fd: number): number {
  let writer: PcapWriter | null = null;
  let linkType = -1;
  let k = 0;
  for (let rec = reader.next(); rec !== null && k < numbers.length; rec = reader.next()) {
    if (rec.number !== numbers[k]) continue;
    k++;
    if (writer === null) {
      linkType = rec.linkType;
      const nano = reader.interfaces.some((i) => i.tsResolution.base !== 10 || i.tsResolution.exponent > 6);
      writer = new PcapWriter(fd, { linkType, nanosecond: nano, snaplen: Math.max(262144, ...reader.interfaces.map((i) => i.snaplen)) });
    } else if (rec.linkType !== linkType) {
      throw new ExportError(
        `packet ${rec.number} has link type ${rec.linkType} but earlier ones have ${linkType}: pcap holds one link type, export as pcapng`,
      );
    }
    writer.writePacket(rec);
  }
  if (writer === null) writer = new PcapWriter(fd, { linkType: reader.interfaces[0]?.linkType ?? 1 });
  writer.close();
  return k;
}
