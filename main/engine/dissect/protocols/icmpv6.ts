/**
 * ICMPv6 (next header 58, RFC 4443): errors (quoting the offending packet, decoded for the tree with
 * `d.inner` raised), echo, MLDv1/v2 (RFC 2710, 3810) and Neighbour Discovery (RFC 4861) with its options.
 * Info as tshark: the type name, the code name in parentheses for error types, then per type
 * " id=0x…, seq=…, hop limit=…", " for <target>", " <target> (rtr, sol, ovr) is at <mac>", " from <mac>".
 * The checksum is shown, not verified.
 */
import { fields } from '../fields';
import { MODE_SUMMARY, PF_TRUNCATED, type Dissection } from '../dissection';
import { etherTypeTable, ipProtoTable } from '../tables';
import { protocolNames } from '../protocols-registry';
import { formatIPv6 } from '../../base/addr';
import { ICMPV6_TYPES, icmpv6CodeName } from './icmp-names';
import { enclosingIpv6HopLimit } from './icmp-iphdr';
import { decodeNdOptions } from './icmp-ndopts';

export const PROTO_ICMPV6 = protocolNames.id('ICMPv6');

const fIcmpv6 = fields.register('icmpv6', 'protocol', 'Internet Control Message Protocol v6');
const fType = fields.register('icmpv6.type', 'uint', 'Type');
const fCode = fields.register('icmpv6.code', 'uint', 'Code');
const fChecksum = fields.register('icmpv6.checksum', 'uint', 'Checksum', 'hex');
const fChecksumStatus = fields.register('icmpv6.checksum.status', 'uint', 'Checksum Status');
const fReserved = fields.register('icmpv6.reserved', 'bytes', 'Reserved');
const fMtu = fields.register('icmpv6.mtu', 'uint', 'MTU');
const fPointer = fields.register('icmpv6.pointer', 'uint', 'Pointer');
const fEchoId = fields.register('icmpv6.echo.identifier', 'uint', 'Identifier', 'hex');
const fEchoSeq = fields.register('icmpv6.echo.sequence_number', 'uint', 'Sequence');
const fData = fields.register('data', 'bytes', 'Data');
const fMldDelay = fields.register('icmpv6.mld.maximum_response_delay', 'uint', 'Maximum Response Delay [ms]');
const fMldAddr = fields.register('icmpv6.mld.multicast_address', 'ipv6', 'Multicast Address');
const fMldrCount = fields.register('icmpv6.mldr.nb_mcast_records', 'uint', 'Number of Multicast Address Records');
const fMldrRecord = fields.register('icmpv6.mldr.mar', 'none', 'Multicast Address Record');
const fMldrRecordType = fields.register('icmpv6.mldr.mar.record_type', 'uint', 'Record Type');
const fMldrAuxLen = fields.register('icmpv6.mldr.mar.aux_data_len', 'uint', 'Aux Data Len');
const fMldrNbSources = fields.register('icmpv6.mldr.mar.nb_sources', 'uint', 'Number of Sources');
const fMldrAddr = fields.register('icmpv6.mldr.mar.multicast_address', 'ipv6', 'Multicast Address');
const fMldrSource = fields.register('icmpv6.mldr.mar.source_address', 'ipv6', 'Source Address');
const fRaHopLimit = fields.register('icmpv6.nd.ra.cur_hop_limit', 'uint', 'Cur hop limit');
const fRaFlag = fields.register('icmpv6.nd.ra.flag', 'uint', 'Flags', 'hex');
const fRaM = fields.register('icmpv6.nd.ra.flag.m', 'bool', 'Managed address configuration');
const fRaO = fields.register('icmpv6.nd.ra.flag.o', 'bool', 'Other configuration');
const fRaH = fields.register('icmpv6.nd.ra.flag.h', 'bool', 'Home Agent');
const fRaPrf = fields.register('icmpv6.nd.ra.flag.prf', 'uint', 'Prf (Default Router Preference)');
const fRaLifetime = fields.register('icmpv6.nd.ra.router_lifetime', 'uint', 'Router lifetime (s)');
const fRaReachable = fields.register('icmpv6.nd.ra.reachable_time', 'uint', 'Reachable time (ms)');
const fRaRetrans = fields.register('icmpv6.nd.ra.retrans_timer', 'uint', 'Retrans timer (ms)');
const fNsTarget = fields.register('icmpv6.nd.ns.target_address', 'ipv6', 'Target Address');
const fNaFlag = fields.register('icmpv6.nd.na.flag', 'uint', 'Flags', 'hex');
const fNaR = fields.register('icmpv6.nd.na.flag.r', 'bool', 'Router');
const fNaS = fields.register('icmpv6.nd.na.flag.s', 'bool', 'Solicited');
const fNaO = fields.register('icmpv6.nd.na.flag.o', 'bool', 'Override');
const fNaTarget = fields.register('icmpv6.nd.na.target_address', 'ipv6', 'Target Address');
const fRdTarget = fields.register('icmpv6.nd.rd.target_address', 'ipv6', 'Target Address');
const fRdDest = fields.register('icmpv6.nd.rd.destination_address', 'ipv6', 'Destination Address');

const HDR = 8;
const ETHERTYPE_IPV6 = 0x86dd;

const T_UNREACH = 1;
const T_TOOBIG = 2;
const T_TIMXCEED = 3;
const T_PARAMPROB = 4;
const T_ECHO = 128;
const T_ECHOREPLY = 129;
const T_MLD_QUERY = 130;
const T_MLD_REPORT = 131;
const T_MLD_DONE = 132;
const T_RS = 133;
const T_RA = 134;
const T_NS = 135;
const T_NA = 136;
const T_REDIRECT = 137;
const T_MLDV2_REPORT = 143;

export function dissectIcmpv6(d: Dissection, off: number, end: number): void {
  const dv = d.dv;
  const top = d.inner === 0;
  if (top) d.setProtocol(PROTO_ICMPV6);
  if (end - off < 4) {
    if (top) d.problem(PF_TRUNCATED, d.mode >= MODE_SUMMARY ? `ICMPv6 header truncated: ${end - off} of 4 bytes` : '');
    return;
  }
  const type = dv.getUint8(off);
  const code = dv.getUint8(off + 1);
  const isEcho = type === T_ECHO || type === T_ECHOREPLY;
  if (top) {
    d.icmpType = type;
    d.icmpCode = code;
    d.icmpId = isEcho && end - off >= 6 ? dv.getUint16(off + 4) : -1;
    d.payloadOff = end - off >= HDR ? off + HDR : end;
    d.payloadEnd = end;
    d.hooks?.onTransport(d);
  }
  if (!d.wantText && d.tree === null) return;

  const typeName = ICMPV6_TYPES[type] ?? 'Unknown';
  const codeName = icmpv6CodeName(type, code);
  let info = codeName !== null ? `${typeName} (${codeName})` : typeName;
  const tree = d.tree !== null;
  if (tree) {
    d.open(fIcmpv6, off, end - off, 'Internet Control Message Protocol v6');
    d.add(fType, off, 1, type, `Type: ${typeName} (${type})`);
    d.add(fCode, off + 1, 1, code, codeName !== null ? `Code: ${code} (${codeName})` : `Code: ${code}`);
    const csum = dv.getUint16(off + 2);
    d.add(fChecksum, off + 2, 2, csum, `Checksum: 0x${csum.toString(16).padStart(4, '0')} [unverified]`);
    d.add(fChecksumStatus, 0, 0, 2, '[Checksum Status: Unverified]');
  }
  info += body(d, off, end, type);
  if (tree) d.close();
  if (d.wantText) d.info = info;
}

/** Bytes every message type needs after the 4-byte common header (below this the body is truncated). */
function minLength(type: number): number {
  switch (type) {
    case T_MLD_QUERY:
    case T_MLD_REPORT:
    case T_MLD_DONE:
    case T_NS:
    case T_NA:
      return 24;
    case T_RA:
      return 16;
    case T_REDIRECT:
      return 40;
    default:
      return HDR;
  }
}

/** Type-specific part: tree nodes when building the tree, and the Info suffix. */
function body(d: Dissection, off: number, end: number, type: number): string {
  const dv = d.dv;
  const tree = d.tree !== null;
  const need = minLength(type);
  if (end - off < need) {
    if (d.inner === 0) d.problem(PF_TRUNCATED, `ICMPv6 ${ICMPV6_TYPES[type] ?? type} truncated: ${end - off} of ${need} bytes`);
    return '';
  }
  const b = d.buf;
  switch (type) {
    case T_ECHO:
    case T_ECHOREPLY: {
      const id = dv.getUint16(off + 4);
      const seq = dv.getUint16(off + 6);
      if (tree) {
        d.add(fEchoId, off + 4, 2, id, `Identifier: 0x${id.toString(16).padStart(4, '0')}`);
        d.add(fEchoSeq, off + 6, 2, seq, `Sequence: ${seq}`);
        if (end > off + HDR) d.add(fData, off + HDR, end - off - HDR, b.subarray(off + HDR, end), `Data (${end - off - HDR} bytes)`);
      }
      if (!d.wantText) return '';
      const hop = enclosingIpv6HopLimit(d, off);
      return ` id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}${hop >= 0 ? `, hop limit=${hop}` : ''}`;
    }
    case T_UNREACH:
    case T_TOOBIG:
    case T_TIMXCEED:
    case T_PARAMPROB:
      if (tree) errorTree(d, off, end, type);
      return '';
    case T_MLD_QUERY:
    case T_MLD_REPORT:
    case T_MLD_DONE:
      if (tree) {
        d.add(fMldDelay, off + 4, 2, dv.getUint16(off + 4));
        d.add(fReserved, off + 6, 2, b.subarray(off + 6, off + 8));
        const a = formatIPv6(b, off + 8);
        d.add(fMldAddr, off + 8, 16, a, `Multicast Address: ${a}`);
      }
      return '';
    case T_MLDV2_REPORT:
      if (tree) mldv2ReportTree(d, off, end);
      return '';
    case T_RS:
      if (tree) d.add(fReserved, off + 4, 4, b.subarray(off + 4, off + 8));
      return decodeNdOptions(d, off + 8, end);
    case T_RA: {
      if (tree) {
        const flags = dv.getUint8(off + 5);
        d.add(fRaHopLimit, off + 4, 1, dv.getUint8(off + 4));
        d.open(fRaFlag, off + 5, 1, `Flags: 0x${flags.toString(16).padStart(2, '0')}`, flags);
        d.add(fRaM, off + 5, 1, (flags & 0x80) !== 0);
        d.add(fRaO, off + 5, 1, (flags & 0x40) !== 0);
        d.add(fRaH, off + 5, 1, (flags & 0x20) !== 0);
        d.add(fRaPrf, off + 5, 1, (flags >> 3) & 3);
        d.close();
        d.add(fRaLifetime, off + 6, 2, dv.getUint16(off + 6));
        d.add(fRaReachable, off + 8, 4, dv.getUint32(off + 8));
        d.add(fRaRetrans, off + 12, 4, dv.getUint32(off + 12));
      }
      return decodeNdOptions(d, off + 16, end);
    }
    case T_NS: {
      const target = formatIPv6(b, off + 8);
      if (tree) {
        d.add(fReserved, off + 4, 4, b.subarray(off + 4, off + 8));
        d.add(fNsTarget, off + 8, 16, target, `Target Address: ${target}`);
      }
      return ` for ${target}${decodeNdOptions(d, off + 24, end)}`;
    }
    case T_NA: {
      const target = formatIPv6(b, off + 8);
      const flags = dv.getUint32(off + 4);
      if (tree) {
        d.open(fNaFlag, off + 4, 4, `Flags: 0x${flags.toString(16).padStart(8, '0')}`, flags);
        d.add(fNaR, off + 4, 1, (flags & 0x80000000) !== 0);
        d.add(fNaS, off + 4, 1, (flags & 0x40000000) !== 0);
        d.add(fNaO, off + 4, 1, (flags & 0x20000000) !== 0);
        d.close();
        d.add(fNaTarget, off + 8, 16, target, `Target Address: ${target}`);
      }
      let s = ` ${target}`;
      let f = '';
      if (flags & 0x80000000) f += 'rtr';
      if (flags & 0x40000000) f += f ? ', sol' : 'sol';
      if (flags & 0x20000000) f += f ? ', ovr' : 'ovr';
      s += ` (${f || 'none'})`;
      return s + decodeNdOptions(d, off + 24, end);
    }
    case T_REDIRECT: {
      if (tree) {
        d.add(fReserved, off + 4, 4, b.subarray(off + 4, off + 8));
        d.add(fRdTarget, off + 8, 16, formatIPv6(b, off + 8), `Target Address: ${formatIPv6(b, off + 8)}`);
        d.add(fRdDest, off + 24, 16, formatIPv6(b, off + 24), `Destination Address: ${formatIPv6(b, off + 24)}`);
      }
      return decodeNdOptions(d, off + 40, end);
    }
    default:
      if (tree && end > off + 4) d.add(fData, off + 4, end - off - 4, b.subarray(off + 4, end), `Data (${end - off - 4} bytes)`);
      return '';
  }
}

/** Error messages: a 4-byte field (unused, MTU or pointer), then as much of the offending packet as fits. */
function errorTree(d: Dissection, off: number, end: number, type: number): void {
  const dv = d.dv;
  if (type === T_TOOBIG) d.add(fMtu, off + 4, 4, dv.getUint32(off + 4));
  else if (type === T_PARAMPROB) d.add(fPointer, off + 4, 4, dv.getUint32(off + 4));
  else d.add(fReserved, off + 4, 4, d.buf.subarray(off + 4, off + 8));
  const inner = off + HDR;
  if (end <= inner) return;
  const ip6 = etherTypeTable.get(ETHERTYPE_IPV6);
  if (ip6 && dv.getUint8(inner) >> 4 === 6) {
    d.inner++;
    try {
      ip6(d, inner, end);
    } finally {
      d.inner--;
    }
  } else {
    d.add(fData, inner, end - inner, d.buf.subarray(inner, end), `Data (${end - inner} bytes)`);
  }
}

const MLDV2_RECORD_TYPES: Record<number, string> = {
  1: 'Mode Is Include',
  2: 'Mode Is Exclude',
  3: 'Change to Include Mode',
  4: 'Change to Exclude Mode',
  5: 'Allow New Sources',
  6: 'Block Old Sources',
};

function mldv2ReportTree(d: Dissection, off: number, end: number): void {
  const dv = d.dv;
  d.add(fReserved, off + 4, 2, d.buf.subarray(off + 4, off + 6));
  const count = dv.getUint16(off + 6);
  d.add(fMldrCount, off + 6, 2, count);
  let p = off + 8;
  for (let i = 0; i < count; i++) {
    if (end - p < 20) {
      if (d.inner === 0) d.problem(PF_TRUNCATED, 'MLDv2 report record truncated');
      return;
    }
    const rtype = dv.getUint8(p);
    const aux = dv.getUint8(p + 1) * 4;
    const nsrc = dv.getUint16(p + 2);
    const size = 20 + nsrc * 16 + aux;
    const addr = formatIPv6(d.buf, p + 4);
    const rname = MLDV2_RECORD_TYPES[rtype] ?? 'Unknown';
    d.open(fMldrRecord, p, Math.min(size, end - p), `Multicast Address Record ${rname}: ${addr}`);
    d.add(fMldrRecordType, p, 1, rtype, `Record Type: ${rname} (${rtype})`);
    d.add(fMldrAuxLen, p + 1, 1, aux >> 2);
    d.add(fMldrNbSources, p + 2, 2, nsrc);
    d.add(fMldrAddr, p + 4, 16, addr, `Multicast Address: ${addr}`);
    for (let s = 0; s < nsrc && p + 20 + s * 16 + 16 <= end; s++) {
      const q = p + 20 + s * 16;
      d.add(fMldrSource, q, 16, formatIPv6(d.buf, q), `Source Address: ${formatIPv6(d.buf, q)}`);
    }
    d.close();
    if (p + size > end) {
      if (d.inner === 0) d.problem(PF_TRUNCATED, 'MLDv2 report record truncated');
      return;
    }
    p += size;
  }
}

ipProtoTable.register(58, dissectIcmpv6);
