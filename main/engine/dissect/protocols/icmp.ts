/**
 * ICMP for IPv4 (IP protocol 1, RFC 792). Summary: type, code, echo identifier. Info as tshark: the type name
 * padded to 20 columns, the code name in parentheses, and for echo-like messages " id=0x…, seq=BE/LE, ttl=…".
 * (tshark's "(reply in N)" needs request/reply matching across packets and is left to a stateful layer.)
 * Error messages quote the offending IP header + 8 bytes; in TREE mode that is decoded with `d.inner`
 * raised so it cannot overwrite this packet's summary fields.
 */
import { fields } from '../fields';
import { MODE_SUMMARY, PF_TRUNCATED, type Dissection } from '../dissection';
import { etherTypeTable, ipProtoTable } from '../tables';
import { protocolNames } from '../protocols-registry';
import { formatIPv4 } from '../../base/addr';
import { ICMP_TYPES, icmpCodeName } from './icmp-names';
import { enclosingIpv4Ttl } from './icmp-iphdr';

export const PROTO_ICMP = protocolNames.id('ICMP');

const fIcmp = fields.register('icmp', 'protocol', 'Internet Control Message Protocol');
const fType = fields.register('icmp.type', 'uint', 'Type');
const fCode = fields.register('icmp.code', 'uint', 'Code');
const fChecksum = fields.register('icmp.checksum', 'uint', 'Checksum', 'hex');
const fChecksumStatus = fields.register('icmp.checksum.status', 'uint', 'Checksum Status');
const fIdent = fields.register('icmp.ident', 'uint', 'Identifier (BE)');
const fIdentLe = fields.register('icmp.ident_le', 'uint', 'Identifier (LE)');
const fSeq = fields.register('icmp.seq', 'uint', 'Sequence Number (BE)');
const fSeqLe = fields.register('icmp.seq_le', 'uint', 'Sequence Number (LE)');
const fUnused = fields.register('icmp.unused', 'bytes', 'Unused');
const fMtu = fields.register('icmp.mtu', 'uint', 'MTU of next hop');
const fGateway = fields.register('icmp.redir_gw', 'ipv4', 'Gateway address');
const fPointer = fields.register('icmp.pointer', 'uint', 'Pointer');
const fOrigTs = fields.register('icmp.originate_timestamp', 'uint', 'Originate timestamp');
const fRecvTs = fields.register('icmp.receive_timestamp', 'uint', 'Receive timestamp');
const fXmitTs = fields.register('icmp.transmit_timestamp', 'uint', 'Transmit timestamp');
const fMask = fields.register('icmp.address_mask', 'ipv4', 'Address Mask');
const fData = fields.register('data', 'bytes', 'Data');

const HDR = 8;
const ETHERTYPE_IPV4 = 0x0800;

const T_ECHOREPLY = 0;
const T_UNREACH = 3;
const T_SOURCEQUENCH = 4;
const T_REDIRECT = 5;
const T_ECHO = 8;
const T_TIMXCEED = 11;
const T_PARAMPROB = 12;
const T_TSTAMP = 13;
const T_TSTAMPREPLY = 14;
const T_IREQ = 15;
const T_IREQREPLY = 16;
const T_MASKREQ = 17;
const T_MASKREPLY = 18;

function isEchoLike(type: number): boolean {
  return (
    type === T_ECHO ||
    type === T_ECHOREPLY ||
    type === T_TSTAMP ||
    type === T_TSTAMPREPLY ||
    type === T_IREQ ||
    type === T_IREQREPLY ||
    type === T_MASKREQ ||
    type === T_MASKREPLY
  );
}

function isError(type: number): boolean {
  return type === T_UNREACH || type === T_SOURCEQUENCH || type === T_REDIRECT || type === T_TIMXCEED || type === T_PARAMPROB;
}

/** 16-bit byte swap: tshark prints the sequence number both ways ("seq=1/256") because stacks differ. */
function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >> 8);
}

export function dissectIcmp(d: Dissection, off: number, end: number): void {
  const dv = d.dv;
  const top = d.inner === 0;
  if (top) d.setProtocol(PROTO_ICMP);
  // Type, code and checksum are needed; the rest of the 8-byte header depends on the type.
  if (end - off < 4) {
    if (top) d.problem(PF_TRUNCATED, d.mode >= MODE_SUMMARY ? `ICMP header truncated: ${end - off} of ${HDR} bytes` : '');
    return;
  }
  const type = dv.getUint8(off);
  const code = dv.getUint8(off + 1);
  const full = end - off >= HDR;
  const echoLike = isEchoLike(type);
  if (top) {
    d.icmpType = type;
    d.icmpCode = code;
    d.icmpId = echoLike && full ? dv.getUint16(off + 4) : -1;
    d.payloadOff = full ? off + HDR : end;
    d.payloadEnd = end;
    d.hooks?.onTransport(d);
    if (!full) d.problem(PF_TRUNCATED, d.mode >= MODE_SUMMARY ? `ICMP header truncated: ${end - off} of ${HDR} bytes` : '');
  }

  if (!d.wantText && d.tree === null) return;

  const typeName = ICMP_TYPES[type] ?? 'Unknown ICMP (obsolete or malformed?)';
  const codeName = icmpCodeName(type, code);

  if (d.tree !== null) {
    d.open(fIcmp, off, end - off, 'Internet Control Message Protocol');
    d.add(fType, off, 1, type, `Type: ${type} (${typeName})`);
    d.add(fCode, off + 1, 1, code, codeName !== null ? `Code: ${code} (${codeName})` : `Code: ${code}`);
    const csum = dv.getUint16(off + 2);
    d.add(fChecksum, off + 2, 2, csum, `Checksum: 0x${csum.toString(16).padStart(4, '0')} [unverified]`);
    d.add(fChecksumStatus, 0, 0, 2, '[Checksum Status: Unverified]');
    if (full) bodyTree(d, off, end, type, code);
    d.close();
  }

  if (d.wantText) {
    let info = typeName.padEnd(20, ' ');
    if (codeName !== null) info += ` (${codeName})`;
    if (echoLike && full) {
      const id = dv.getUint16(off + 4);
      const seq = dv.getUint16(off + 6);
      info += ` id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}/${swap16(seq)}`;
      const ttl = enclosingIpv4Ttl(d, off);
      if (ttl >= 0) info += `, ttl=${ttl}`;
    }
    d.info = info;
  }
}

function bodyTree(d: Dissection, off: number, end: number, type: number, code: number): void {
  const dv = d.dv;
  const body = off + HDR;
  if (isEchoLike(type)) {
    const id = dv.getUint16(off + 4);
    const seq = dv.getUint16(off + 6);
    d.add(fIdent, off + 4, 2, id, `Identifier (BE): ${id} (0x${id.toString(16).padStart(4, '0')})`);
    d.add(fIdentLe, off + 4, 2, swap16(id), `Identifier (LE): ${swap16(id)} (0x${swap16(id).toString(16).padStart(4, '0')})`);
    d.add(fSeq, off + 6, 2, seq, `Sequence Number (BE): ${seq} (0x${seq.toString(16).padStart(4, '0')})`);
    d.add(fSeqLe, off + 6, 2, swap16(seq), `Sequence Number (LE): ${swap16(seq)} (0x${swap16(seq).toString(16).padStart(4, '0')})`);
    if ((type === T_TSTAMP || type === T_TSTAMPREPLY) && end - body >= 12) {
      d.add(fOrigTs, body, 4, dv.getUint32(body));
      d.add(fRecvTs, body + 4, 4, dv.getUint32(body + 4));
      d.add(fXmitTs, body + 8, 4, dv.getUint32(body + 8));
    } else if ((type === T_MASKREQ || type === T_MASKREPLY) && end - body >= 4) {
      d.add(fMask, body, 4, formatIPv4(d.buf, body), `Address Mask: ${formatIPv4(d.buf, body)}`);
    } else if (end > body) {
      d.add(fData, body, end - body, d.buf.subarray(body, end), `Data (${end - body} bytes)`);
    }
    return;
  }
  if (type === T_REDIRECT) {
    d.add(fGateway, off + 4, 4, formatIPv4(d.buf, off + 4), `Gateway Address: ${formatIPv4(d.buf, off + 4)}`);
  } else if (type === T_UNREACH && code === 4) {
    d.add(fUnused, off + 4, 2, d.buf.subarray(off + 4, off + 6));
    d.add(fMtu, off + 6, 2, dv.getUint16(off + 6));
  } else if (type === T_PARAMPROB) {
    d.add(fPointer, off + 4, 1, dv.getUint8(off + 4));
  } else {
    d.add(fUnused, off + 4, 4, d.buf.subarray(off + 4, off + 8));
  }
  if (end <= body) return;
  const ip = isError(type) ? (etherTypeTable.get(ETHERTYPE_IPV4) ?? null) : null;
  if (ip !== null && dv.getUint8(body) >> 4 === 4) {
    // The quoted datagram belongs to another packet: decode it for the tree only.
    d.inner++;
    try {
      ip(d, body, end);
    } finally {
      d.inner--;
    }
  } else {
    d.add(fData, body, end - body, d.buf.subarray(body, end), `Data (${end - body} bytes)`);
  }
}

ipProtoTable.register(1, dissectIcmp);
