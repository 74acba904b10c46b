/**
 * Linux cooked capture v2 (link type 276): like v1 but 20 bytes, with the protocol first and the
 * capturing interface's index added (pkttype and halen shrink to one byte each).
 */
import type { Dissection } from '../dissection';
import { fields } from '../fields';
import { protocolNames } from '../protocols-registry';
import { linkTypeTable } from '../tables';
import { tooShort } from './l2-common';
import { fHaLen, fHaType, fIfIndex, fPktType, fSll, PKTTYPE_NAMES, sllAddress, sllDispatch, sllPayloadField } from './sll';

const fReserved = fields.register('sll.reserved', 'uint', 'Reserved', 'hex');

const SLL = protocolNames.id('SLL');
const HEADER = 20;

export function decodeSll2(d: Dissection, off: number, end: number): void {
  if (end - off < HEADER) {
    d.setProtocol(SLL);
    tooShort(d, 'Linux cooked capture v2');
    return;
  }
  const dv = d.dv;
  const protocol = dv.getUint16(off);
  const hatype = dv.getUint16(off + 8);
  const pkttype = d.buf[off + 10] as number;
  const halen = d.buf[off + 11] as number;
  if (d.tree !== null) {
    d.open(fSll, off, HEADER, 'Linux cooked capture v2');
    sllPayloadField(d, hatype, protocol, off);
    d.add(fReserved, off + 2, 2, dv.getUint16(off + 2));
    d.add(fIfIndex, off + 4, 4, dv.getUint32(off + 4));
    d.add(fHaType, off + 8, 2, hatype);
    d.add(fPktType, off + 10, 1, pkttype, `Packet type: ${PKTTYPE_NAMES[pkttype] ?? 'Unknown'} (${pkttype})`);
    d.add(fHaLen, off + 11, 1, halen);
  }
  sllAddress(d, hatype, halen, off + 12);
  if (d.tree !== null) d.close();
  sllDispatch(d, hatype, protocol, off + HEADER, end);
}

linkTypeTable.register(276, decodeSll2);
