/** `wirelens info FILE [--json]`: what capinfos tells — format, link types, counts, times, interfaces. */
import * as fs from 'node:fs';
import { epochString } from '../../engine/capture/columns';
import { linkTypeName } from '../../engine/capture/link-type-names';
import { ParsedArgs, UsageError } from '../args';
import { Output } from '../output';
import { openForCli, reportReaderErrors } from '../open-file';

export function infoCommand(args: ParsedArgs): number {
  const path = args.positional[0];
  if (!path) throw new UsageError('info needs a capture file');
  const reader = openForCli(path);
  let packets = 0;
  let bytes = 0;
  let capturedBytes = 0;
  let firstSec = 0;
  let firstNsec = 0;
  let lastSec = 0;
  let lastNsec = 0;
  let haveTime = false;
  const perInterface = new Map<number, number>();
  for (let rec = reader.next(); rec !== null; rec = reader.next()) {
    packets++;
    bytes += rec.len;
    capturedBytes += rec.caplen;
    perInterface.set(rec.ifId, (perInterface.get(rec.ifId) ?? 0) + 1);
    if (!haveTime || rec.tsSec < firstSec || (rec.tsSec === firstSec && rec.tsNsec < firstNsec)) {
      firstSec = rec.tsSec;
      firstNsec = rec.tsNsec;
    }
    if (!haveTime || rec.tsSec > lastSec || (rec.tsSec === lastSec && rec.tsNsec > lastNsec)) {
      lastSec = rec.tsSec;
      lastNsec = rec.tsNsec;
    }
    haveTime = true;
  }
  reader.close();
  const linkTypes = [...new Set(reader.interfaces.map((i) => i.linkType))];
  const info = {
    file: path,
    format: reader.format,
    fileSize: fs.statSync(path).size,
    linkTypes: linkTypes.map((lt) => ({ id: lt, name: linkTypeName(lt) })),
    packets,
    bytes,
    capturedBytes,
    first: haveTime ? epochString(firstSec, firstNsec) : null,
    last: haveTime ? epochString(lastSec, lastNsec) : null,
    duration: haveTime ? Math.round(((lastSec - firstSec) * 1e9 + (lastNsec - firstNsec))) / 1e9 : 0,
    interfaces: reader.interfaces.map((i) => ({
      id: i.id,
      section: i.section,
      name: i.name ?? null,
      description: i.description ?? null,
      linkType: i.linkType,
      linkTypeName: linkTypeName(i.linkType),
      snaplen: i.snaplen,
      tsResolution: `${i.tsResolution.base}^-${i.tsResolution.exponent}`,
      packets: perInterface.get(i.id) ?? 0,
      stats: i.stats
        ? Object.fromEntries(Object.entries(i.stats).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]))
        : null,
    })),
    comments: reader.comments,
    errors: reader.errors.map((e) => ({ message: e.message, offset: e.offset, packet: e.packet, fatal: e.fatal })),
  };
  const out = new Output();
  if (args.flags.has('--json')) out.line(JSON.stringify(info, null, 2));
  else {
    out.line(`File:            ${info.file}`);
    out.line(`Format:          ${info.format}`);
    out.line(`File size:       ${info.fileSize} bytes`);
    out.line(`Link types:      ${info.linkTypes.map((l) => `${l.name} (${l.id})`).join(', ')}`);
    out.line(`Packets:         ${packets}`);
    out.line(`Bytes on wire:   ${bytes}`);
    out.line(`Bytes captured:  ${capturedBytes}`);
    out.line(`First packet:    ${info.first ? `${info.first} (${isoTime(firstSec, firstNsec)})` : 'n/a'}`);
    out.line(`Last packet:     ${info.last ? `${info.last} (${isoTime(lastSec, lastNsec)})` : 'n/a'}`);
    out.line(`Duration:        ${info.duration} s`);
    out.line(`Interfaces:      ${info.interfaces.length}`);
    for (const i of info.interfaces) {
      const stats = i.stats ? `, stats ${JSON.stringify(i.stats)}` : '';
      out.line(`  #${i.id} ${i.name ?? '(unnamed)'}${i.description ? ` "${i.description}"` : ''}: ${i.linkTypeName} (${i.linkType}), snaplen ${i.snaplen}, ${i.packets} packets${stats}`);
    }
    for (const c of info.comments) out.line(`Comment:         ${c}`);
  }
  out.flush();
  return reportReaderErrors(reader);
}

function isoTime(sec: number, nsec: number): string {
  const d = new Date(sec * 1000);
  return Number.isNaN(d.getTime()) ? '?' : `${d.toISOString().slice(0, 19)}.${String(nsec).padStart(9, '0')}Z`;
}
