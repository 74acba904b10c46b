/**
 * Ethernet (link type 1). The type/length field decides the framing: values ≤ 1500 are an IEEE 802.3
 * length followed by LLC; values ≥ 1536 (0x0600) are an Ethernet II ethertype. Bytes after the network
 * layer's datagram (minimum-size padding, switch trailers, FCS) are shown as eth.padding/eth.trailer and are
 * never passed up as payload.
 */
import type { Dissection } from '../dissection';
import { fields } from '../fields';
import { linkTypeTable } from '../tables';
import { formatMac } from '../../base/addr';
import { decodeLlc } from './llc';
import { dispatchEtherType, etherTypeLabel, malformed, netLayer, tooShort } from './l2-common';

const fEth = fields.register('eth', 'protocol', 'Ethernet');
const fDst = fields.register('eth.dst', 'ether', 'Destination');
const fSrc = fields.register('eth.src', 'ether', 'Source');
const fAddr = fields.register('eth.addr', 'ether', 'Address');
const fType = fields.register('eth.type', 'uint', 'Type', 'hex');
const fLen = fields.register('eth.len', 'uint', 'Length');
const fInvalid = fields.register('eth.invalid_lentype', 'uint', 'Invalid length/type', 'hex');
const fPadding = fields.register('eth.padding', 'bytes', 'Padding');
const fTrailer = fields.register('eth.trailer', 'bytes', 'Trailer');

const HEADER = 14;
const MAX_8023_LEN = 1500;
const MIN_ETHERTYPE = 0x0600;
/** Minimum Ethernet frame without FCS: shorter frames are padded with zeros by the sender. */
const MIN_FRAME = 60;

export function decodeEthernet(d: Dissection, off: number, end: number): void {
  if (end - off < HEADER) {
    tooShort(d, 'Ethernet');
    return;
  }
  const dv = d.dv;
  const typeLen = dv.getUint16(off + 12);
  if (d.inner === 0) {
    d.linkDstOff = off;
    d.linkSrcOff = off + 6;
    d.linkAddrLen = 6;
  }
  const tree = d.tree !== null;
  const is8023 = typeLen <= MAX_8023_LEN;
  if (d.wants(fEth)) {
    const src = formatMac(d.buf, off + 6);
    const dst = formatMac(d.buf, off);
    d.open(fEth, off, HEADER, `${is8023 ? 'IEEE 802.3 Ethernet' : 'Ethernet II'}, Src: ${src}, Dst: ${dst}`);
    d.add(fDst, off, 6, d.buf.slice(off, off + 6), `Destination: ${dst}`);
    d.addHidden(fAddr, d.buf.slice(off, off + 6), off, 6);
    d.add(fSrc, off + 6, 6, d.buf.slice(off + 6, off + 12), `Source: ${src}`);
    d.addHidden(fAddr, d.buf.slice(off + 6, off + 12), off + 6, 6);
    if (is8023) d.add(fLen, off + 12, 2, typeLen, `Length: ${typeLen}`);
    else if (typeLen >= MIN_ETHERTYPE) d.add(fType, off + 12, 2, typeLen, `Type: ${etherTypeLabel(typeLen)}`);
    else d.add(fInvalid, off + 12, 2, typeLen);
    d.close();
  }
  if (d.wantText) d.info = is8023 ? 'IEEE 802.3 Ethernet' : 'Ethernet II';

  const payload = off + HEADER;
  netLayer.end = -1;
  if (is8023) {
    // The length field bounds the LLC payload; anything after it is padding.
    const llcEnd = Math.min(end, payload + typeLen);
    decodeLlc(d, payload, llcEnd);
    if (tree && netLayer.end < 0) netLayer.end = llcEnd;
  } else if (typeLen < MIN_ETHERTYPE) {
    malformed(d, `Invalid Ethernet length/type 0x${typeLen.toString(16)}`);
    return;
  } else {
    dispatchEtherType(d, typeLen, payload, end);
  }
  if (tree) addTrailer(d, off, end);
}

/**
 * Wireshark's split of the bytes after the datagram: leading zeros up to the 60-byte minimum frame are
 * padding, everything else is trailer.
 */
function addTrailer(d: Dissection, frameOff: number, end: number): void {
  const netEnd = netLayer.end;
  netLayer.end = -1;
  if (netEnd < 0 || netEnd >= end) return;
  const buf = d.frameData;
  let pad = 0;
  const padMax = Math.max(0, frameOff + MIN_FRAME - netEnd);
  while (pad < padMax && netEnd + pad < end && buf[netEnd + pad] === 0) pad++;
  // Reassembly may have switched `d.buf` to another source; the trailer lives in the frame itself.
  const source = d.source;
  d.source = undefined;
  if (pad > 0) d.add(fPadding, netEnd, pad, buf.slice(netEnd, netEnd + pad));
  if (netEnd + pad < end) d.add(fTrailer, netEnd + pad, end - netEnd - pad, buf.slice(netEnd + pad, end));
  d.source = source;
}

linkTypeTable.register(1, decodeEthernet);
