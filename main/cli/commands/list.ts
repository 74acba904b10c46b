/** `wirelens list FILE [--json]`: one line per packet, like tshark's default output. */
import { CaptureIndex } from '../../engine/capture/capture-index';
import { deltaString, destinationColumn, epochString, sourceColumn } from '../../engine/capture/columns';
import { Dissection, MODE_INDEX, MODE_SUMMARY } from '../../engine/dissect/dissection';
import type { PacketRecord } from '../../engine/readers/record';
import type { ParsedArgs } from '../args';
import { Output } from '../output';
import { openForCli, reportReaderErrors } from '../open-file';
import { timeoutsFrom } from './timeouts-option';
import { UsageError } from '../args';
import { filterFrom } from '../filter-option';
import { PacketAccess } from '../../engine/capture/packet-access';
import { packetMatches } from '../../engine/capture/select';

export function listCommand(args: ParsedArgs): number {
  const path = args.positional[0];
  if (!path) throw new UsageError('list needs a capture file');
  const filter = filterFrom(args);
  const reader = openForCli(path);
  const json = args.flags.has('--json');
  const out = new Output();
  let firstSec = 0;
  let firstNsec = 0;
  let digits = 6;
  let access: PacketAccess | null = null;
  const onPacket = (passD: Dissection, rec: PacketRecord, i: number): void => {
    let d = passD;
    if (rec.number === 1) {
      firstSec = rec.tsSec;
      firstNsec = rec.tsNsec;
      digits = reader.interfaces.some((i) => i.tsResolution.base !== 10 || i.tsResolution.exponent > 6) ? 9 : 6;
    }
    if (filter !== null) {
      access ??= new PacketAccess(index);
      if (!packetMatches(index, access, filter, i)) return;
      // The pass ran without text (most packets are filtered out); only a match is dissected for its row.
      d = access.dissect(i, MODE_SUMMARY);
    }
    const proto = d.protocolName();
    if (json) {
      // iface is numbered within the pcapng section (tshark's frame.interface_id); section says which one.
      const iface = reader.interfaces[rec.ifId];
      const hasPorts = d.sport >= 0 && d.dport >= 0;
      out.line(
        `{"number":${rec.number},"ts":"${epochString(rec.tsSec, rec.tsNsec)}","len":${rec.len},"caplen":${rec.caplen},` +
          `"iface":${d.frame.ifIndexInSection},"section":${iface ? iface.section : 0},"src":${JSON.stringify(sourceColumn(d))},"dst":${JSON.stringify(destinationColumn(d))},` +
          `"sport":${hasPorts ? d.sport : null},"dport":${hasPorts ? d.dport : null},"proto":${JSON.stringify(proto)},` +
          `"info":${JSON.stringify(d.info)},"session":${d.sessionId >= 0 ? d.sessionId : null}}`,
      );
    } else {
      const t = deltaString(firstSec, firstNsec, rec.tsSec, rec.tsNsec, digits);
      out.line(
        `${String(rec.number).padStart(6)} ${t.padStart(digits + 5)} ${sourceColumn(d)} → ${destinationColumn(d)} ${proto} ${rec.len} ${d.info}`,
      );
    }
  };
  const index = new CaptureIndex(reader, {
    mode: filter === null ? MODE_SUMMARY : MODE_INDEX,
    // Without a filter nothing needs the columns: printing streams in constant memory.
    noStore: filter === null,
    timeouts: timeoutsFrom(args),
    onPacket,
  });
  index.runToEnd();
  out.flush();
  reader.close();
  return reportReaderErrors(reader);
}
