/**
 * Packet list rows. Only the rows on screen are built: each packet is read back from the file and
 * re-dissected in SUMMARY mode (Info, Protocol, Source, Destination); times come from the store.
 */
import type { Row } from '../../shared/contract';
import type { CaptureIndex } from '../engine/capture/capture-index';
import { deltaString, destinationColumn, epochString, sourceColumn } from '../engine/capture/columns';
import type { PacketAccess } from '../engine/capture/packet-access';
import { MODE_SUMMARY, MODE_TREE } from '../engine/dissect/dissection';
import type { CaptureReader } from '../engine/readers/record';
import { ColorRule, colorNeedsTree, colorOf, colorScope } from './colors';

/** Fractional digits for times: 9 when any interface records finer than microseconds (as `wirelens list`). */
export function timeDigits(reader: CaptureReader): number {
  return reader.interfaces.some((i) => i.tsResolution.base !== 10 || i.tsResolution.exponent > 6) ? 9 : 6;
}

/**
 * The row of packet `number`; `prev` is the previously displayed packet's number (0 for the first row),
 * which the Delta column measures from.
 */
export function buildRow(index: CaptureIndex, access: PacketAccess, rules: readonly ColorRule[], digits: number, number: number, prev: number): Row {
  const s = index.store;
  const i = number - 1;
  const sec = s.tsSec[i] as number;
  const nsec = s.tsNsec[i] as number;
  // One dissection per row: in TREE mode only when a colour rule needs it, limited to the fields the rules read
  // and with the Info text.
  const d = colorNeedsTree(rules, index, i) ? access.dissect(i, MODE_TREE, colorScope(rules), undefined, true) : access.dissect(i, MODE_SUMMARY);
  const src = sourceColumn(d);
  const dst = destinationColumn(d);
  const proto = d.protocolName();
  const info = d.info;
  const color = colorOf(rules, index, i, () => ({ tree: d.tree ?? [], data: d.frameData }));
  const p = prev > 0 ? prev - 1 : i;
  return {
    number,
    ts: epochString(sec, nsec),
    rel: deltaString(index.firstSec, index.firstNsec, sec, nsec, digits),
    delta: deltaString(s.tsSec[p] as number, s.tsNsec[p] as number, sec, nsec, digits),
    src,
    dst,
    proto,
    len: s.len[i] as number,
    info,
    color,
  };
}
