/**
 * BSD NULL (link type 0) and OpenBSD LOOP (108) framing: a 4-byte address family before the datagram.
 * NULL writes it in the capturing host's byte order, which the file does not record, so either order is
 * accepted: families are small numbers, and a value with only the high bytes set is the swapped form.
 * LOOP is always network order. Some writers put an ethertype in the second half instead (tshark accepts
 * that too).
 */
import type { Dissection } from '../dissection';
import { fields } from '../fields';
import { protocolNames } from '../protocols-registry';
import { linkTypeTable } from '../tables';
import { decodeIPv4 } from './ipv4';
import { decodeIPv6 } from './ipv6';
import { addData, dispatchEtherType, etherTypeLabel, tooShort } from './l2-common';

const fNull = fields.register('null', 'protocol', 'Null/Loopback');
const fFamily = fields.register('null.family', 'uint', 'Family');
const fType = fields.register('null.type', 'uint', 'Type', 'hex');

const NA = protocolNames.id('N/A');
const AF_INET = 2;
/** Family values are small; anything above this is not a family in that byte order. */
const MAX_FAMILY = 1500;
/** AF_INET6 differs per OS: Linux 10, Windows 23, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30. */
function isInet6(af: number): boolean {
  return af === 10 || af === 23 || af === 24 || af === 28 || af === 30;
}

function familyName(af: number): string {
  return af === AF_INET ? 'IP' : isInet6(af) ? 'IPv6' : 'Unknown';
}

function decode(d: Dissection, off: number, end: number, hostOrder: boolean): void {
  if (end - off < 4) {
    d.setProtocol(NA);
    tooShort(d, 'Null/Loopback');
    return;
  }
  let af = d.dv.getUint32(off, false);
  if (hostOrder && af > MAX_FAMILY) {
    const le = d.dv.getUint32(off, true);
    const etype = d.dv.getUint16(off + 2);
    if (le <= MAX_FAMILY) af = le;
    else if (etype > MAX_FAMILY) {
      if (d.tree !== null) {
        d.open(fNull, off, 4, 'Null/Loopback');
        d.add(fType, off + 2, 2, etype, `Type: ${etherTypeLabel(etype)}`);
        d.close();
      }
      dispatchEtherType(d, etype, off + 4, end);
      return;
    }
  }
  if (d.tree !== null) {
    d.open(fNull, off, 4, 'Null/Loopback');
    d.add(fFamily, off, 4, af, `Family: ${familyName(af)} (${af})`);
    d.close();
  }
  if (af === AF_INET) decodeIPv4(d, off + 4, end);
  else if (isInet6(af)) decodeIPv6(d, off + 4, end);
  else {
    d.setProtocol(NA);
    if (d.wantText) d.info = 'Null/Loopback';
    addData(d, off + 4, end);
  }
}

export function decodeNull(d: Dissection, off: number, end: number): void {
  decode(d, off, end, true);
}

export function decodeLoop(d: Dissection, off: number, end: number): void {
  decode(d, off, end, false);
}

linkTypeTable.register(0, decodeNull);
linkTypeTable.register(108, decodeLoop);
