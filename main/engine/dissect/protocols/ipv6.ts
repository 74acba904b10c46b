/**
 * IPv6 (RFC 8200): the fixed header, then the extension-header chain walked in a loop (hop-by-hop, routing,
 * fragment, destination options, AH, mobility, no-next-header) until a protocol the table decodes. A Fragment
 * header goes through `d.defrag`; when it completes the datagram the walk continues inside the reassembled
 * buffer with the fragment header's next header, exactly as if the datagram had never been split.
 */
import type { Dissection } from '../dissection';
import { NET_IPV6, PF_ALT_NET_ADDR, PF_MALFORMED } from '../dissection';
import type { FieldDef } from '../fields';
import { fields } from '../fields';
import { protocolNames } from '../protocols-registry';
import { etherTypeTable, ipProtoTable } from '../tables';
import { formatIPv6 } from '../../base/addr';
import { ipProtoName } from './ip-proto-names';
import {
  dispatchIpPayload,
  fragmentInfo6,
  IPPROTO_AH,
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_HOPOPTS,
  IPPROTO_IPV6,
  IPPROTO_MOBILITY,
  IPPROTO_NONE,
  IPPROTO_ROUTING,
  offerFragment,
  type ReassemblyFields,
} from './ip-common';
import { addData, copyInto, ETH_IPV6, malformed, noteNetEnd, tooShort } from './l2-common';

const fIpv6 = fields.register('ipv6', 'protocol', 'Internet Protocol Version 6');
const fVersion = fields.register('ipv6.version', 'uint', 'Version');
const fTclass = fields.register('ipv6.tclass', 'uint', 'Traffic Class', 'hex');
const fFlow = fields.register('ipv6.flow', 'uint', 'Flow Label', 'hex');
const fPlen = fields.register('ipv6.plen', 'uint', 'Payload Length');
const fNxt = fields.register('ipv6.nxt', 'uint', 'Next Header');
const fHlim = fields.register('ipv6.hlim', 'uint', 'Hop Limit');
const fSrc = fields.register('ipv6.src', 'ipv6', 'Source Address');
const fDst = fields.register('ipv6.dst', 'ipv6', 'Destination Address');
const fAddr = fields.register('ipv6.addr', 'ipv6', 'Source or Destination Address');

const fHop = fields.register('ipv6.hopopts', 'protocol', 'IPv6 Hop-by-Hop Option');
const fHopNxt = fields.register('ipv6.hopopts.nxt', 'uint', 'Next Header');
const fHopLen = fields.register('ipv6.hopopts.len', 'uint', 'Length');
const fDstOpts = fields.register('ipv6.dstopts', 'protocol', 'Destination Options for IPv6');
const fDstNxt = fields.register('ipv6.dstopts.nxt', 'uint', 'Next Header');
const fDstLen = fields.register('ipv6.dstopts.len', 'uint', 'Length');
const fOpt = fields.register('ipv6.opt', 'none', 'IPv6 Option');
const fOptType = fields.register('ipv6.opt.type', 'uint', 'Type', 'hex');
const fOptLen = fields.register('ipv6.opt.length', 'uint', 'Length');
const fOptPadn = fields.register('ipv6.opt.padn', 'bytes', 'PadN');
const fOptJumbo = fields.register('ipv6.opt.jumbo', 'uint', 'Payload Length');
const fOptRa = fields.register('ipv6.opt.router_alert', 'uint', 'Router Alert');
const fOptHome = fields.register('ipv6.opt.mipv6.home_address', 'ipv6', 'MIPv6 Home Address');

const fRouting = fields.register('ipv6.routing', 'protocol', 'Routing Header for IPv6');
const fRtNxt = fields.register('ipv6.routing.nxt', 'uint', 'Next Header');
const fRtLen = fields.register('ipv6.routing.len', 'uint', 'Length');
const fRtType = fields.register('ipv6.routing.type', 'uint', 'Type');
const fRtSegleft = fields.register('ipv6.routing.segleft', 'uint', 'Segments Left');
const fRtAddr = fields.register('ipv6.routing.src.addr', 'ipv6', 'Address');
const fSrhLast = fields.register('ipv6.routing.srh.last_entry', 'uint', 'Last Entry');
const fSrhFlags = fields.register('ipv6.routing.srh.flags', 'uint', 'Flags', 'hex');
const fSrhTag = fields.register('ipv6.routing.srh.tag', 'bytes', 'Tag');
const fSrhAddr = fields.register('ipv6.routing.srh.addr', 'ipv6', 'Address');

const fFrag = fields.register('ipv6.fraghdr', 'protocol', 'Fragment Header for IPv6');
const fFragNxt = fields.register('ipv6.fraghdr.nxt', 'uint', 'Next header');
const fFragOff = fields.register('ipv6.fraghdr.offset', 'uint', 'Offset');
const fFragMore = fields.register('ipv6.fraghdr.more', 'bool', 'More Fragments');
const fFragIdent = fields.register('ipv6.fraghdr.ident', 'uint', 'Identification', 'hex');

const fAh = fields.register('ah', 'protocol', 'Authentication Header');
const fAhNxt = fields.register('ah.next_header', 'uint', 'Next header');
const fAhLen = fields.register('ah.length', 'uint', 'Length');
const fAhSpi = fields.register('ah.spi', 'uint', 'AH SPI', 'hex');
const fAhSeq = fields.register('ah.sequence', 'uint', 'AH Sequence');
const fMip6 = fields.register('mip6', 'protocol', 'Mobile IPv6');
const fMip6Proto = fields.register('mip6.proto', 'uint', 'Payload protocol');
const fMip6Type = fields.register('mip6.mhtype', 'uint', 'Header Type');

const REASM: ReassemblyFields = {
  fragments: fields.register('ipv6.fragments', 'none', 'IPv6 Fragments'),
  fragment: fields.register('ipv6.fragment', 'uint', 'IPv6 Fragment'),
  count: fields.register('ipv6.fragment.count', 'uint', 'Fragment count'),
  length: fields.register('ipv6.reassembled.length', 'uint', 'Reassembled IPv6 length'),
  name: 'IPv6',
};

const IPV6 = protocolNames.id('IPv6');
const MIPV6 = protocolNames.id('MIPv6');
const HEADER = 40;
/** Jumbo Payload option type (RFC 2675). */
const OPT_JUMBO = 0xc2;
const OPT_PAD1 = 0;
const OPT_PADN = 1;
const OPT_ROUTER_ALERT = 5;
/** Home Address option (RFC 6275): always a 16-byte address. */
const OPT_HOME_ADDRESS = 0xc9;
/** Bounds the walk: a chain of thousands of tiny headers is malformed, not work to do. */
const MAX_EXT_HEADERS = 64;

export function decodeIPv6(d: Dissection, off: number, end: number): void {
  d.setProtocol(IPV6);
  if (d.wantText) d.info = '';
  if (end - off < HEADER) {
    if (d.source === undefined && d.frame.caplen >= d.frame.len && end - off > 0) {
      // tshark's wording for a frame that is simply too short for the fixed header.
      d.problem(PF_MALFORMED, `Invalid IPv6 header (${end - off} bytes, need exactly ${HEADER})`);
      if (d.wantText) d.info = `Invalid IPv6 header (${end - off} bytes, need exactly ${HEADER})[Malformed Packet]`;
      return;
    }
    tooShort(d, 'IPv6');
    return;
  }
  const dv = d.dv;
  const w0 = dv.getUint32(off);
  const version = w0 >>> 28;
  if (version !== 6) {
    d.problem(PF_MALFORMED, `Bogus IPv6 version (${version})`);
    if (d.wantText) d.info = `Bogus IP version (${version})`;
    return;
  }
  const plen = dv.getUint16(off + 4);
  let nh = d.buf[off + 6] as number;
  // Payload length 0 means a jumbogram (fixed up by the hop-by-hop Jumbo option) or TSO: use the frame.
  let ipEnd = plen === 0 ? end : Math.min(end, off + HEADER + plen);
  if (d.inner === 0) {
    d.netType = NET_IPV6;
    copyInto(d.netSrc, d.buf, off + 8, 16);
    copyInto(d.netDst, d.buf, off + 24, 16);
    copyInto(d.ipv6HdrSrc, d.buf, off + 8, 16);
    d.ipProto = nh;
    d.payloadOff = off + HEADER;
    d.payloadEnd = ipEnd;
  }
  if (d.wants(fIpv6)) addFixedTree(d, off, w0, plen, nh);

  let p = off + HEADER;
  let jumboAllowed = plen === 0;
  for (let count = 0; ; count++) {
    if (count > MAX_EXT_HEADERS) {
      malformed(d, 'Too many IPv6 extension headers');
      return;
    }
    if (nh === IPPROTO_HOPOPTS || nh === IPPROTO_DSTOPTS) {
      const hop = nh === IPPROTO_HOPOPTS;
      if (d.wantText) d.info = hop ? 'IPv6 hop-by-hop options' : 'IPv6 destination options';
      if (ipEnd - p < 2) return short(d, ipEnd, hop ? 'IPv6 Hop-by-Hop' : 'IPv6 Destination Options');
      const len = ((d.buf[p + 1] as number) + 1) * 8;
      if (ipEnd - p < len) {
        // Wireshark reads the options that are there before it hits the end: a complete Home Address
        // option still gives the source (zeek's mobility trace, whose payload length is too small).
        if (d.inner === 0) scanHomeAddress(d, p + 2, ipEnd);
        return short(d, ipEnd, hop ? 'IPv6 Hop-by-Hop' : 'IPv6 Destination Options');
      }
      const next = d.buf[p] as number;
      if (d.tree !== null) {
        d.open(hop ? fHop : fDstOpts, p, len, hop ? 'IPv6 Hop-by-Hop Option' : 'Destination Options for IPv6');
        d.add(hop ? fHopNxt : fDstNxt, p, 1, next, `Next Header: ${ipProtoName(next)} (${next})`);
        d.add(hop ? fHopLen : fDstLen, p + 1, 1, (d.buf[p + 1] as number), `Length: ${d.buf[p + 1]} (${len} bytes)`);
      }
      const jumbo = walkOptions(d, p + 2, p + len, hop && jumboAllowed);
      if (d.tree !== null) d.close();
      if (jumbo === -2) {
        malformed(d, 'IPv6 option runs past the end of its header');
        noteNetEnd(d, ipEnd);
        return;
      }
      if (jumbo >= 0) {
        ipEnd = Math.min(end, off + HEADER + jumbo);
        if (d.inner === 0) d.payloadEnd = ipEnd;
      }
      jumboAllowed = false;
      nh = next;
      p += len;
    } else if (nh === IPPROTO_ROUTING) {
      if (ipEnd - p < 8) return short(d, ipEnd, 'IPv6 Routing');
      const len = ((d.buf[p + 1] as number) + 1) * 8;
      if (ipEnd - p < len) return short(d, ipEnd, 'IPv6 Routing');
      if (d.inner === 0) {
        // Like Wireshark, the Destination column, endpoints and sessions use the route's final destination
        // while hops remain (the header's ipv6.dst is only the next hop).
        const fin = routingFinalDst(d.buf, p, len);
        if (fin >= 0) {
          copyInto(d.netDst, d.buf, fin, 16);
          d.flags |= PF_ALT_NET_ADDR;
        }
      }
      if (d.tree !== null) addRoutingTree(d, p, len);
      nh = d.buf[p] as number;
      p += len;
    } else if (nh === IPPROTO_FRAGMENT) {
      if (ipEnd - p < 8) return short(d, ipEnd, 'IPv6 Fragment');
      const next = d.buf[p] as number;
      const offMore = dv.getUint16(p + 2);
      const fragOff = offMore & 0xfff8;
      const more = (offMore & 1) !== 0;
      const ident = dv.getUint32(p + 4);
      if (d.tree !== null) {
        d.open(fFrag, p, 8, `Fragment Header for IPv6`);
        d.add(fFragNxt, p, 1, next, `Next header: ${ipProtoName(next)} (${next})`);
        d.add(fFragOff, p + 2, 2, fragOff >> 3, `Offset: ${fragOff} (${fragOff >> 3} * 8 bytes)`);
        d.add(fFragMore, p + 3, 1, more, `More Fragments: ${more ? 'Yes' : 'No'}`);
        d.add(fFragIdent, p + 4, 4, ident, `Identification: 0x${ident.toString(16).padStart(8, '0')}`);
        d.close();
      }
      if (d.inner === 0) d.ipProto = next;
      p += 8;
      if (fragOff === 0 && !more) {
        // An atomic fragment (RFC 6946): nothing to reassemble.
        nh = next;
        continue;
      }
      noteNetEnd(d, ipEnd);
      const whole = offerFragment(d, fragKey(d, off, ident), fragOff, more, p, ipEnd, REASM);
      if (whole === null) {
        if (fragOff > 0 || (d.defrag !== null && d.inner === 0)) {
          if (d.wantText) d.info = fragmentInfo6(fragOff, more, ident, next);
          addData(d, p, ipEnd);
          return;
        }
        // No reassembly: decode the first fragment's headers as far as they go, as tshark does then.
        nh = next;
        continue;
      }
      d.switchBuffer(whole, 'Reassembled IPv6');
      p = 0;
      ipEnd = whole.length;
      end = whole.length;
      if (d.inner === 0) {
        d.payloadOff = 0;
        d.payloadEnd = ipEnd;
      }
      nh = next;
    } else if (nh === IPPROTO_AH) {
      if (ipEnd - p < 12) return short(d, ipEnd, 'AH');
      const len = ((d.buf[p + 1] as number) + 2) * 4;
      if (ipEnd - p < len) return short(d, ipEnd, 'AH');
      const next = d.buf[p] as number;
      if (d.tree !== null) {
        d.open(fAh, p, len, `Authentication Header`);
        d.add(fAhNxt, p, 1, next, `Next header: ${ipProtoName(next)} (${next})`);
        d.add(fAhLen, p + 1, 1, d.buf[p + 1] as number, `Length: ${len}`);
        d.add(fAhSpi, p + 4, 4, dv.getUint32(p + 4), `AH SPI: 0x${dv.getUint32(p + 4).toString(16).padStart(8, '0')}`);
        d.add(fAhSeq, p + 8, 4, dv.getUint32(p + 8));
        d.close();
      }
      nh = next;
      p += len;
    } else if (nh === IPPROTO_MOBILITY) {
      // Mobility header: labelled and skipped; its payload protocol is normally "no next header".
      d.setProtocol(MIPV6);
      if (ipEnd - p < 8) return short(d, ipEnd, 'Mobile IPv6');
      const len = ((d.buf[p + 1] as number) + 1) * 8;
      if (ipEnd - p < len) return short(d, ipEnd, 'Mobile IPv6');
      const next = d.buf[p] as number;
      if (d.wantText) d.info = `Mobility Header type ${d.buf[p + 2]}`;
      if (d.tree !== null) {
        d.open(fMip6, p, len, 'Mobile IPv6');
        d.add(fMip6Proto, p, 1, next);
        d.add(fMip6Type, p + 2, 1, d.buf[p + 2] as number);
        d.close();
      }
      p += len;
      if (next === IPPROTO_NONE) {
        noteNetEnd(d, ipEnd);
        addData(d, p, ipEnd);
        return;
      }
      nh = next;
    } else {
      break;
    }
    if (d.inner === 0) d.ipProto = nh;
  }

  if (d.inner === 0) {
    d.ipProto = nh;
    d.payloadOff = p;
  }
  noteNetEnd(d, ipEnd);
  if (nh === IPPROTO_NONE) {
    if (d.wantText) d.info = 'IPv6 no next header';
    addData(d, p, ipEnd);
    return;
  }
  dispatchIpPayload(d, nh, p, ipEnd, true);
}

/** Reports a header cut short and ends the walk (returns void so callers can `return short(...)`). */
function short(d: Dissection, ipEnd: number, what: string): void {
  noteNetEnd(d, ipEnd);
  tooShort(d, what);
}

/** The reassembly key: RFC 8200 identifies a datagram by source, destination and identification. */
function fragKey(d: Dissection, off: number, ident: number): string {
  const dv = d.dv;
  let k = '6';
  for (let i = 8; i < 40; i += 4) k += ':' + dv.getUint32(off + i).toString(16);
  return k + ':' + ident;
}

/**
 * Walks hop-by-hop / destination options in [p, end). Returns the Jumbo Payload length when one is present
 * and allowed, -1 when none, -2 when an option overruns the header.
 */
function walkOptions(d: Dissection, p: number, end: number, jumboAllowed: boolean): number {
  const b = d.buf;
  let jumbo = -1;
  while (p < end) {
    const type = b[p] as number;
    if (type === OPT_PAD1) {
      if (d.tree !== null) {
        d.open(fOpt, p, 1, 'Pad1');
        d.add(fOptType, p, 1, type);
        d.close();
      }
      p++;
      continue;
    }
    if (p + 2 > end) return -2;
    const len = b[p + 1] as number;
    if (p + 2 + len > end) {
      if (d.tree !== null) {
        d.open(fOpt, p, end - p, `Unknown IPv6 Option (${type})`);
        d.add(fOptType, p, 1, type);
        d.add(fOptLen, p + 1, 1, len);
        d.close();
      }
      return -2;
    }
    if (type === OPT_JUMBO && len === 4 && jumboAllowed) jumbo = d.dv.getUint32(p + 2);
    // A Home Address option with a wrong length: tshark reports it and still reads the 16-byte address,
    // which keeps the rest of the header in step in real captures (zeek's mobility trace).
    let adv = 2 + len;
    if (type === OPT_HOME_ADDRESS && len !== 16 && p + 18 <= end) {
      d.problem(PF_MALFORMED, `Home Address: Invalid length (${len} bytes)`);
      adv = 18;
    }
    if (type === OPT_HOME_ADDRESS && adv === 18 && d.inner === 0) {
      // The mobile node's home address is the packet's real source (RFC 6275 §6.3): Wireshark's Source
      // column, endpoints and conversations use it; ipv6.src stays the care-of address in the header.
      copyInto(d.netSrc, b, p + 2, 16);
      d.flags |= PF_ALT_NET_ADDR;
    }
    if (d.tree !== null) {
      const name = type === OPT_PADN ? 'PadN' : type === OPT_JUMBO ? 'Jumbo Payload' : type === OPT_ROUTER_ALERT ? 'Router Alert' : type === OPT_HOME_ADDRESS ? 'Home Address' : `Unknown IPv6 Option (${type})`;
      d.open(fOpt, p, adv, name);
      d.add(fOptType, p, 1, type);
      d.add(fOptLen, p + 1, 1, len);
      if (type === OPT_PADN) d.add(fOptPadn, p + 2, len, b.slice(p + 2, p + 2 + len));
      else if (type === OPT_JUMBO && len === 4) d.add(fOptJumbo, p + 2, 4, d.dv.getUint32(p + 2));
      else if (type === OPT_ROUTER_ALERT && len === 2) d.add(fOptRa, p + 2, 2, d.dv.getUint16(p + 2));
      else if (type === OPT_HOME_ADDRESS && adv === 18) d.add(fOptHome, p + 2, 16, b.slice(p + 2, p + 18), `MIPv6 Home Address: ${formatIPv6(b, p + 2)}`);
      d.close();
    }
    p += adv;
  }
  return jumbo;
}

/**
 * Offset of the routing header's final destination, or -1 when the header names none (no segments left, an
 * unknown type, or too short). Wireshark's rules: type 0 (source route), the last listed address; type 2
 * (Mobile IPv6), its single address; type 4 (SRH), Segment List[0], the last segment. RPL (type 3, addresses
 * compressed against ipv6.dst) is not decoded, so it keeps the header's destination.
 */
function routingFinalDst(b: Uint8Array, p: number, len: number): number {
  const type = b[p + 2] as number;
  const segleft = b[p + 3] as number;
  if (segleft === 0) return -1;
  if (type === 0) {
    const count = (b[p + 1] as number) >> 1;
    return count > 0 ? p + 8 + (count - 1) * 16 : -1;
  }
  if (type === 2 || type === 4) return len >= 24 ? p + 8 : -1;
  return -1;
}

/** The Home Address options among the complete options in [p, end) (a header cut short), as walkOptions reads them. */
function scanHomeAddress(d: Dissection, p: number, end: number): void {
  const b = d.buf;
  while (p + 2 <= end) {
    const type = b[p] as number;
    if (type === OPT_PAD1) {
      p++;
      continue;
    }
    const len = b[p + 1] as number;
    if (p + 2 + len > end) return; // the option runs past the bytes there: Wireshark stops here too
    const adv = type === OPT_HOME_ADDRESS && p + 18 <= end ? 18 : 2 + len;
    if (type === OPT_HOME_ADDRESS && adv === 18) {
      copyInto(d.netSrc, b, p + 2, 16);
      d.flags |= PF_ALT_NET_ADDR;
    }
    p += adv;
  }
}

function addRoutingTree(d: Dissection, p: number, len: number): void {
  const b = d.buf;
  const next = b[p] as number;
  const type = b[p + 2] as number;
  const segleft = b[p + 3] as number;
  d.open(fRouting, p, len, `Routing Header for IPv6 (${type === 0 ? 'Source Route' : type === 2 ? 'Type 2 Routing' : type === 4 ? 'Segment Routing' : 'Type ' + type})`);
  d.add(fRtNxt, p, 1, next, `Next Header: ${ipProtoName(next)} (${next})`);
  d.add(fRtLen, p + 1, 1, b[p + 1] as number, `Length: ${b[p + 1]} (${len} bytes)`);
  d.add(fRtType, p + 2, 1, type);
  d.add(fRtSegleft, p + 3, 1, segleft);
  let addrField: FieldDef | null = null;
  let a = p + 8;
  if (type === 0 || type === 2) addrField = fRtAddr;
  else if (type === 4) {
    d.add(fSrhLast, p + 4, 1, b[p + 4] as number);
    d.add(fSrhFlags, p + 5, 1, b[p + 5] as number);
    d.add(fSrhTag, p + 6, 2, b.slice(p + 6, p + 8));
    addrField = fSrhAddr;
  }
  if (addrField !== null) {
    for (; a + 16 <= p + len; a += 16) d.add(addrField, a, 16, b.slice(a, a + 16), `Address: ${formatIPv6(b, a)}`);
  }
  d.close();
}

function addFixedTree(d: Dissection, off: number, w0: number, plen: number, nh: number): void {
  const b = d.buf;
  const src = formatIPv6(b, off + 8);
  const dst = formatIPv6(b, off + 24);
  const tclass = (w0 >>> 20) & 0xff;
  const flow = w0 & 0xfffff;
  d.open(fIpv6, off, HEADER, `Internet Protocol Version 6, Src: ${src}, Dst: ${dst}`);
  d.add(fVersion, off, 1, 6, '0110 .... = Version: 6');
  d.add(fTclass, off, 2, tclass, `Traffic Class: 0x${tclass.toString(16).padStart(2, '0')} (DSCP: ${tclass >> 2}, ECN: ${tclass & 3})`);
  d.add(fFlow, off + 1, 3, flow, `Flow Label: 0x${flow.toString(16).padStart(5, '0')}`);
  d.add(fPlen, off + 4, 2, plen);
  d.add(fNxt, off + 6, 1, nh, `Next Header: ${ipProtoName(nh)} (${nh})`);
  d.add(fHlim, off + 7, 1, b[off + 7] as number);
  d.add(fSrc, off + 8, 16, b.slice(off + 8, off + 24), `Source Address: ${src}`);
  d.addHidden(fAddr, b.slice(off + 8, off + 24), off + 8, 16);
  d.add(fDst, off + 24, 16, b.slice(off + 24, off + 40), `Destination Address: ${dst}`);
  d.addHidden(fAddr, b.slice(off + 24, off + 40), off + 24, 16);
  d.close();
}

etherTypeTable.register(ETH_IPV6, decodeIPv6);
ipProtoTable.register(IPPROTO_IPV6, decodeIPv6);
