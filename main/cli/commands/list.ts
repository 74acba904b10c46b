/** `wirelens list FILE [--json]`: one line per packet, like tshark's default output. */
import { CaptureIndex } from '../../engine/capture/capture-index';
import { destinationColumn, epochString, sourceColumn } from '../../engine/capture/columns';
import { Dissection, MODE_INDEX, MODE_SUMMARY, MODE_TREE } from '../../engine/dissect/dissection';
import type { PacketRecord } from '../../engine/readers/record';
import type { ParsedArgs } from '../args';
import { Output, type RowSink } from '../output';
import { Partitioner } from '../../engine/capture/partition';
import { listInParallel, listWorkers } from '../parallel-list';
import { openForCli, reportReaderErrors } from '../open-file';
import { timeoutsFrom } from './timeouts-option';
import { UsageError } from '../args';
import { filterFrom } from '../filter-option';
import { PacketAccess } from '../../engine/capture/packet-access';
import { wantsForwardLinks } from '../../engine/dissect/field-scope';

/** ' → ' in UTF-8, between Source and Destination on every row. */
const ARROW = Buffer.from(' → ', 'utf8');

export function listCommand(args: ParsedArgs): number | Promise<number> {
  const path = args.positional[0];
  if (!path) throw new UsageError('list needs a capture file');
  const filter = filterFrom(args);
  const workers = listWorkers(path, filter, args);
  if (workers > 1) return listInParallel(args, workers);
  return listRows(args, new Output(), null);
}

/** This pass is one of several workers sharing the file (see parallel-list.ts). */
export interface ListPart {
  index: number;
  count: number;
  /** Called after each step of the pass with the number of packets read so far. */
  afterStep(packetsRead: number): void;
}

/** Packets per step of a worker's pass: how often it hands its rows to the merge. */
const PART_STEP = 16384;

/** The pass and its rows, written to `out`; returns the exit code. */
export function listRows(args: ParsedArgs, out: RowSink, part: ListPart | null): number {
  const filter = filterFrom(args);
  const reader = openForCli(args.positional[0]!);
  const json = args.flags.has('--json');
  // A filter needing packet fields is decided on the pass's own dissection (limited to those fields, with
  // the Info text) unless it asks for links to later packets, which only a re-dissection after the pass knows.
  const passDecides = filter !== null && !filter.columnsOnly && filter.scope !== null && !wantsForwardLinks(filter.scope);
  let firstSec = 0;
  let firstNsec = 0;
  let digits = 6;
  let access: PacketAccess | null = null;
  const onPacket = (passD: Dissection, rec: PacketRecord, i: number): void => {
    let d = passD;
    if (filter !== null) {
      const byColumns = filter.evaluateColumns(index, i);
      if (byColumns === false) return;
      if (passDecides) {
        // The pass built the wanted fields and the text: nothing to dissect again.
        if (byColumns === undefined && !filter.evaluateTree(passD.tree ?? [], index, i, passD.frameData)) return;
      } else {
        access ??= new PacketAccess(index);
        // The pass ran without text (most packets are filtered out); only a match is dissected for its row.
        if (byColumns === true) d = access.dissect(i, MODE_SUMMARY, null, rec.data);
        else {
          // Decided from the fields: one dissection gives them and the row's text.
          d = access.dissect(i, MODE_TREE, filter.scope, rec.data, true);
          if (!filter.evaluateTree(d.tree ?? [], index, i, d.frameData)) return;
        }
      }
    }
    const proto = d.protocolName();
    out.startRow(rec.number);
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
      // `${number.padStart(6)} ${time.padStart(digits + 5)} ${src} → ${dst} ${proto} ${len} ${info}`, in pieces.
      out.int(rec.number, 6);
      out.text(' ');
      let sec = rec.tsSec - firstSec;
      let ns = rec.tsNsec - firstNsec;
      const negative = sec < 0 || (sec === 0 && ns < 0);
      if (negative) {
        sec = -sec;
        ns = -ns;
      }
      if (ns < 0) {
        sec -= 1;
        ns += 1e9;
      }
      out.fixed(negative, sec, digits >= 9 ? ns : Math.floor(ns / 10 ** (9 - digits)), digits, digits + 5);
      out.text(' ');
      out.text(sourceColumn(d));
      out.bytes(ARROW);
      out.text(destinationColumn(d));
      out.text(' ');
      out.text(proto);
      out.text(' ');
      out.int(rec.len);
      out.text(' ');
      out.text(d.info);
      out.end();
    }
  };
  const index = new CaptureIndex(reader, {
    mode: filter === null ? MODE_SUMMARY : passDecides ? MODE_TREE : MODE_INDEX,
    want: passDecides ? filter?.scope : null,
    // Without a filter nothing needs the columns: printing streams in constant memory.
    noStore: filter === null,
    timeouts: timeoutsFrom(args),
    onPacket,
    // Every worker sees packet 1 (the time origin), whoever dissects it.
    onRecord(rec) {
      if (rec.number !== 1) return;
      firstSec = rec.tsSec;
      firstNsec = rec.tsNsec;
      digits = reader.interfaces.some((i) => i.tsResolution.base !== 10 || i.tsResolution.exponent > 6) ? 9 : 6;
    },
    partition: part !== null ? { index: part.index, partitioner: new Partitioner(part.count) } : null,
  });
  if (part === null) index.runToEnd();
  else {
    while (index.step(PART_STEP) > 0) part.afterStep(index.packets);
    index.finish();
  }
  out.flush();
  reader.close();
  return reportReaderErrors(reader, part === null || part.index === 0);
}
