/**
 * UDP (IP protocol 17, RFC 768), plus UDP-Lite (136, RFC 3828) which shares the header layout. The length
 * field is checked against the IP payload as Wireshark does: below 8 or beyond the IP payload is malformed,
 * and the smaller of the two bounds the payload. The checksum is shown, not verified (Wireshark's default).
 */
import { fields } from '../fields';
import { MODE_SUMMARY, PF_MALFORMED, PF_TRUNCATED, type Dissection } from '../dissection';
import { ipProtoTable, udpHeuristics, udpPortTable } from '../tables';
import { protocolNames } from '../protocols-registry';
import { dispatchByPort, reportedEnd } from './tcp-ports';

export const PROTO_UDP = protocolNames.id('UDP');
export const PROTO_UDPLITE = protocolNames.id('UDPlite');

const fUdp = fields.register('udp', 'protocol', 'User Datagram Protocol');
const fSrcPort = fields.register('udp.srcport', 'uint', 'Source Port');
const fDstPort = fields.register('udp.dstport', 'uint', 'Destination Port');
const fPort = fields.register('udp.port', 'uint', 'Source or Destination Port');
const fLength = fields.register('udp.length', 'uint', 'Length');
const fChecksum = fields.register('udp.checksum', 'uint', 'Checksum', 'hex');
const fChecksumStatus = fields.register('udp.checksum.status', 'uint', 'Checksum Status');
const fStream = fields.register('udp.stream', 'uint', 'Stream index');
const fPayload = fields.register('udp.payload', 'bytes', 'UDP payload');
const fLite = fields.register('udplite', 'protocol', 'Lightweight User Datagram Protocol');
const fLiteCoverage = fields.register('udp.checksum_coverage', 'uint', 'Checksum coverage');

const HDR = 8;
const IPPROTO_UDPLITE = 136;

export function dissectUdp(d: Dissection, off: number, end: number): void {
  decode(d, off, end, false);
}

export function dissectUdpLite(d: Dissection, off: number, end: number): void {
  decode(d, off, end, true);
}

function decode(d: Dissection, off: number, end: number, lite: boolean): void {
  const dv = d.dv;
  const top = d.inner === 0;
  if (top) d.setProtocol(lite ? PROTO_UDPLITE : PROTO_UDP);
  const avail = end - off;
  if (avail < HDR) {
    if (top) d.problem(PF_TRUNCATED, d.mode >= MODE_SUMMARY ? `UDP header truncated: ${avail} of ${HDR} bytes` : '');
    else if (d.tree !== null && avail >= 4) quotedTree(d, off, end, lite);
    return;
  }
  if (!top) {
    // Inside an ICMP error: the quoted datagram is cut, so its length field says nothing about these bytes.
    if (d.tree !== null) quotedTree(d, off, end, lite);
    return;
  }

  const sport = dv.getUint16(off);
  const dport = dv.getUint16(off + 2);
  const len = dv.getUint16(off + 4);
  const csum = dv.getUint16(off + 6);
  // What the IP layer says the datagram occupies on the wire (captured bytes may be cut by the snaplen).
  const ipLen = reportedEnd(d, end) - off;

  d.sport = sport;
  d.dport = dport;

  // UDP-Lite's field is a checksum coverage, not a length: the IP payload is the datagram (RFC 3828 §3.1).
  // Which check failed (0: none); the text is built only when it will be shown.
  let badKind = 0;
  let udpLen: number;
  if (lite) {
    udpLen = ipLen;
    if (len !== 0 && (len < HDR || len > ipLen)) badKind = 3;
  } else if (len < HDR) {
    // RFC 2675 jumbograms carry 0 here; otherwise a length below the header is impossible.
    badKind = 1;
    udpLen = ipLen;
  } else if (len > ipLen) {
    badKind = 2;
    udpLen = ipLen;
  } else {
    udpLen = len;
  }
  const payOff = off + HDR;
  const payEnd = Math.min(end, off + udpLen);
  d.payloadOff = payOff;
  d.payloadEnd = payEnd > payOff ? payEnd : payOff;

  d.hooks?.onTransport(d);

  const bad =
    badKind === 0 || d.mode < MODE_SUMMARY
      ? ''
      : badKind === 1
        ? `Bad length value ${len} < ${HDR}`
        : badKind === 2
          ? `Bad length value ${len} > IP payload length`
          : `Bad checksum coverage length value ${len}`;
  if (badKind !== 0) d.problem(PF_MALFORMED, bad);

  if (d.wants(lite ? fLite : fUdp)) {
    d.open(lite ? fLite : fUdp, off, HDR, `${lite ? 'Lightweight User Datagram Protocol' : 'User Datagram Protocol'}, Src Port: ${sport}, Dst Port: ${dport}`);
    d.add(fSrcPort, off, 2, sport);
    d.add(fDstPort, off + 2, 2, dport);
    d.addHidden(fPort, sport, off, 2);
    d.addHidden(fPort, dport, off + 2, 2);
    if (lite) d.add(fLiteCoverage, off + 4, 2, len, `Checksum coverage: ${len}${bad ? ` (${bad})` : ''}`);
    else d.add(fLength, off + 4, 2, len, `Length: ${len}${bad ? ` (${bad})` : ''}`);
    d.add(fChecksum, off + 6, 2, csum, `Checksum: 0x${csum.toString(16).padStart(4, '0')} [unverified]`);
    d.add(fChecksumStatus, 0, 0, 2, '[Checksum Status: Unverified]');
    if (d.streamIndex >= 0) d.add(fStream, 0, 0, d.streamIndex, `[Stream index: ${d.streamIndex}]`);
    d.close();
    if (d.payloadEnd > payOff) {
      const n = d.payloadEnd - payOff;
      d.add(fPayload, payOff, n, d.buf.subarray(payOff, d.payloadEnd), `UDP payload (${n} byte${n === 1 ? '' : 's'})`);
    }
  }

  // tshark's wording for the two impossible lengths; a length below the header stops the dissection there.
  const tooShort = !lite && len < HDR;
  if (d.wantText) {
    if (tooShort) d.info = `${sport} \u2192 ${dport} [BAD UDP LENGTH ${len} < ${HDR}]`;
    else if (!lite && len > ipLen) d.info = `${sport} \u2192 ${dport} [BAD UDP LENGTH ${len} > IP PAYLOAD LENGTH] Len=${len - HDR}`;
    else d.info = `${sport} \u2192 ${dport} Len=${udpLen - HDR > 0 ? udpLen - HDR : 0}`;
  }

  if (!tooShort && d.payloadEnd > payOff && !d.transportOnly) dispatchByPort(d, udpPortTable, udpHeuristics, sport, dport, payOff, d.payloadEnd);
}

/** The UDP header quoted in an ICMP error (ports, and length/checksum when present). */
function quotedTree(d: Dissection, off: number, end: number, lite: boolean): void {
  const dv = d.dv;
  const sport = dv.getUint16(off);
  const dport = dv.getUint16(off + 2);
  d.open(lite ? fLite : fUdp, off, end - off < HDR ? end - off : HDR, `User Datagram Protocol, Src Port: ${sport}, Dst Port: ${dport}`);
  d.add(fSrcPort, off, 2, sport);
  d.add(fDstPort, off + 2, 2, dport);
  // tshark's tcp.port / udp.port also match the ports of a quoted header (`tcp.port == 443` finds the ICMP error).
  d.addHidden(fPort, sport, off, 2);
  d.addHidden(fPort, dport, off + 2, 2);
  if (end - off >= HDR) {
    d.add(fLength, off + 4, 2, dv.getUint16(off + 4));
    const csum = dv.getUint16(off + 6);
    d.add(fChecksum, off + 6, 2, csum, `Checksum: 0x${csum.toString(16).padStart(4, '0')} [unverified]`);
  }
  d.close();
}

ipProtoTable.register(17, dissectUdp);
ipProtoTable.register(IPPROTO_UDPLITE, dissectUdpLite);
