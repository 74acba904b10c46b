/**
 * Linux "cooked" capture v1 (link type 113): what `tcpdump -i any` writes. A 16-byte pseudo header with the
 * packet direction, the ARPHRD hardware type, up to 8 bytes of link-layer source address and a protocol
 * field that is an ethertype, or a small Linux protocol number (802.2 LLC, raw 802.3 ...) below 0x0600.
 * The source address is exposed through d.linkSrcOff so the Source column can fall back to it like tshark.
 */
import type { Dissection } from '../dissection';
import { fields } from '../fields';
import { protocolNames } from '../protocols-registry';
import { linkTypeTable } from '../tables';
import { formatIPv4, formatMac } from '../../base/addr';
import { hexColon } from '../dissection';
import { decodeLlc } from './llc';
import { addData, dispatchEtherType, etherTypeLabel, tooShort } from './l2-common';

export const fSll = fields.register('sll', 'protocol', 'Linux cooked capture');
export const fPktType = fields.register('sll.pkttype', 'uint', 'Packet type');
export const fHaType = fields.register('sll.hatype', 'uint', 'Link-layer address type');
export const fHaLen = fields.register('sll.halen', 'uint', 'Link-layer address length');
const fSrcEth = fields.register('sll.src.eth', 'ether', 'Source');
const fSrcIpv4 = fields.register('sll.src.ipv4', 'ipv4', 'Source');
const fSrcOther = fields.register('sll.src.other', 'bytes', 'Source');
const fUnused = fields.register('sll.unused', 'bytes', 'Unused');
export const fEtype = fields.register('sll.etype', 'uint', 'Protocol', 'hex');
const fLtype = fields.register('sll.ltype', 'uint', 'Protocol', 'hex');
const fGretype = fields.register('sll.gretype', 'uint', 'Protocol', 'hex');
export const fIfIndex = fields.register('sll.ifindex', 'uint', 'Interface index');

const SLL = protocolNames.id('SLL');
const HEADER = 16;
const ADDR_MAX = 8;
const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;
const ARPHRD_IPGRE = 778;
const ARPHRD_NETLINK = 824;
/** Linux protocol numbers found in the protocol field instead of an ethertype. */
const LINUX_SLL_P_802_2 = 0x0004;

export const PKTTYPE_NAMES = ['Unicast to us', 'Broadcast', 'Multicast', 'Unicast to another host', 'Sent by us'];

/** Records and shows the link-layer source address at `addrOff` (`halen` bytes, at most 8 stored). */
export function sllAddress(d: Dissection, hatype: number, halen: number, addrOff: number): void {
  const n = halen < ADDR_MAX ? halen : ADDR_MAX;
  if (d.inner === 0 && n > 0) {
    d.linkSrcOff = addrOff;
    d.linkDstOff = -1;
    d.linkAddrLen = n;
  }
  if (d.tree === null) return;
  const b = d.buf;
  if ((hatype === ARPHRD_ETHER || hatype === ARPHRD_LOOPBACK) && halen === 6) {
    d.add(fSrcEth, addrOff, 6, b.slice(addrOff, addrOff + 6), `Source: ${formatMac(b, addrOff)}`);
  } else if (hatype === ARPHRD_IPGRE && halen === 4) {
    d.add(fSrcIpv4, addrOff, 4, b.slice(addrOff, addrOff + 4), `Source: ${formatIPv4(b, addrOff)}`);
  } else if (n > 0) {
    d.add(fSrcOther, addrOff, n, b.slice(addrOff, addrOff + n), `Source: ${hexColon(b.subarray(addrOff, addrOff + n))}`);
  }
  if (n < ADDR_MAX) d.add(fUnused, addrOff + n, ADDR_MAX - n, b.slice(addrOff + n, addrOff + ADDR_MAX));
}

export function decodeSll(d: Dissection, off: number, end: number): void {
  if (end - off < HEADER) {
    d.setProtocol(SLL);
    tooShort(d, 'Linux cooked capture');
    return;
  }
  const dv = d.dv;
  const pkttype = dv.getUint16(off);
  const hatype = dv.getUint16(off + 2);
  const halen = dv.getUint16(off + 4);
  const protocol = dv.getUint16(off + 14);
  if (d.tree !== null) {
    d.open(fSll, off, HEADER, 'Linux cooked capture v1');
    d.add(fPktType, off, 2, pkttype, `Packet type: ${PKTTYPE_NAMES[pkttype] ?? 'Unknown'} (${pkttype})`);
    d.add(fHaType, off + 2, 2, hatype);
    d.add(fHaLen, off + 4, 2, halen);
  }
  sllAddress(d, hatype, halen, off + 6);
  // The protocol field belongs to the pseudo header: add it before closing, then decode the payload.
  if (d.tree !== null) {
    sllPayloadField(d, hatype, protocol, off + 14);
    d.close();
  }
  sllDispatch(d, hatype, protocol, off + HEADER, end);
}

/** Tree part of `sllPayload` (the protocol field), for callers that close their header node first. */
export function sllPayloadField(d: Dissection, hatype: number, protocol: number, protoOff: number): void {
  const f = hatype === ARPHRD_IPGRE ? fGretype : hatype === ARPHRD_NETLINK || protocol < 0x0600 ? fLtype : fEtype;
  const label = f === fLtype ? `Protocol: 0x${protocol.toString(16).padStart(4, '0')}` : `Protocol: ${etherTypeLabel(protocol)}`;
  d.add(f, protoOff, 2, protocol, label);
}

/** Payload part of `sllPayload`, with no tree nodes of its own. */
export function sllDispatch(d: Dissection, hatype: number, protocol: number, off: number, end: number): void {
  if (hatype === ARPHRD_IPGRE || (hatype !== ARPHRD_NETLINK && protocol >= 0x0600)) {
    dispatchEtherType(d, protocol, off, end);
    return;
  }
  if (hatype !== ARPHRD_NETLINK && protocol === LINUX_SLL_P_802_2) {
    decodeLlc(d, off, end);
    return;
  }
  d.setProtocol(SLL);
  addData(d, off, end);
}

linkTypeTable.register(113, decodeSll);
