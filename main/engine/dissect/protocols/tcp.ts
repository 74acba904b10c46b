/**
 * TCP (IP protocol 6, RFC 9293). Fills the summary fields in every mode, lets the session layer assign the
 * stream and the initial sequence numbers through `d.hooks.onTransport`, then builds the tree and the Info
 * text the way tshark does (relative sequence numbers once the session layer knows the ISNs) and hands the
 * payload to the port table (lower port first) or the heuristics.
 *
 * tcp.analysis.* (retransmissions, dup ACKs …) and stream reassembly need state across packets: the session
 * layer computes them (the hooks give this packet's analysis bits, `d.streams` reassembles); this decoder only
 * shows them (tcp-analysis.ts). The checksum is shown but not verified, as Wireshark's default.
 */
import { fields } from '../fields';
import {
  MODE_SUMMARY,
  PF_MALFORMED,
  PF_TCP_ACK,
  PF_TCP_FIN,
  PF_TCP_RST,
  PF_TCP_SYN,
  PF_TRUNCATED,
  type Dissection,
} from '../dissection';
import { ipProtoTable, StreamProtocol, tcpHeuristics, tcpPortTable, tcpStreamHeuristics, tcpStreamTable } from '../tables';
import { protocolNames } from '../protocols-registry';
import { decodeTcpOptions, scanWindowScale } from './tcp-options';
import { dispatchByPort, reportedEnd } from './tcp-ports';
import { addAnalysisTree, analysisHooksOf, analysisInfoPrefix, RS_SEGMENT, SEGMENT_OF_PDU, streamStateOf, TA_FLAGS_MASK } from './tcp-analysis';

export const PROTO_TCP = protocolNames.id('TCP');

const fTcp = fields.register('tcp', 'protocol', 'Transmission Control Protocol');
const fSrcPort = fields.register('tcp.srcport', 'uint', 'Source Port');
const fDstPort = fields.register('tcp.dstport', 'uint', 'Destination Port');
const fPort = fields.register('tcp.port', 'uint', 'Source or Destination Port');
const fStream = fields.register('tcp.stream', 'uint', 'Stream index');
const fLen = fields.register('tcp.len', 'uint', 'TCP Segment Len');
const fSeq = fields.register('tcp.seq', 'uint', 'Sequence Number');
const fSeqRaw = fields.register('tcp.seq_raw', 'uint', 'Sequence Number (raw)');
const fNxtSeq = fields.register('tcp.nxtseq', 'uint', 'Next Sequence Number');
const fAck = fields.register('tcp.ack', 'uint', 'Acknowledgment Number');
const fAckRaw = fields.register('tcp.ack_raw', 'uint', 'Acknowledgment number (raw)');
const fHdrLen = fields.register('tcp.hdr_len', 'uint', 'Header Length');
const fFlags = fields.register('tcp.flags', 'uint', 'Flags', 'hex');
const fFlagRes = fields.register('tcp.flags.res', 'bool', 'Reserved');
// Bit 8 was the ECN nonce (RFC 3540, historic); tshark 4.0.17 names it Accurate ECN ("AE"). The old name
// stays filterable as an alias.
const fFlagAe = fields.register('tcp.flags.ae', 'bool', 'Accurate ECN');
const fFlagNs = fields.register('tcp.flags.ns', 'bool', 'Nonce');
const fFlagCwr = fields.register('tcp.flags.cwr', 'bool', 'Congestion Window Reduced (CWR)');
const fFlagEce = fields.register('tcp.flags.ece', 'bool', 'ECN-Echo');
const fFlagUrg = fields.register('tcp.flags.urg', 'bool', 'Urgent');
const fFlagAck = fields.register('tcp.flags.ack', 'bool', 'Acknowledgment');
const fFlagPush = fields.register('tcp.flags.push', 'bool', 'Push');
const fFlagReset = fields.register('tcp.flags.reset', 'bool', 'Reset');
const fFlagSyn = fields.register('tcp.flags.syn', 'bool', 'Syn');
const fFlagFin = fields.register('tcp.flags.fin', 'bool', 'Fin');
const fFlagStr = fields.register('tcp.flags.str', 'string', 'TCP Flags');
const fWinValue = fields.register('tcp.window_size_value', 'uint', 'Window');
const fWinSize = fields.register('tcp.window_size', 'uint', 'Calculated window size');
const fWinScale = fields.register('tcp.window_size_scalefactor', 'int', 'Window size scaling factor');
const fChecksum = fields.register('tcp.checksum', 'uint', 'Checksum', 'hex');
const fChecksumStatus = fields.register('tcp.checksum.status', 'uint', 'Checksum Status');
const fUrgent = fields.register('tcp.urgent_pointer', 'uint', 'Urgent Pointer');
const fPayload = fields.register('tcp.payload', 'bytes', 'TCP payload');

const TH_FIN = 0x001;
const TH_SYN = 0x002;
const TH_RST = 0x004;
const TH_PUSH = 0x008;
const TH_ACK = 0x010;
const TH_URG = 0x020;
const TH_ECE = 0x040;
const TH_CWR = 0x080;
const TH_AE = 0x100;
const TH_RES = 0xe00;

const MIN_HDR = 20;
/** The quoted header inside an ICMP error carries at least ports and sequence number (8 bytes). */
const QUOTED_MIN = 8;

/** Flag names in Wireshark's order (bit 0 upwards) for the "[SYN, ACK]" Info part. */
const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];

/** "[SYN, ACK]"-style list, "Reserved" for reserved bits, "<None>" when no flag is set (as tshark). */
export function tcpFlagNames(flags: number): string {
  let s = '';
  for (let i = 0; i < FLAG_NAMES.length; i++) {
    if (flags & (1 << i)) s += s ? `, ${FLAG_NAMES[i]}` : (FLAG_NAMES[i] as string);
  }
  if (flags & TH_RES) s += s ? ', Reserved' : 'Reserved';
  return s || '<None>';
}

/** tcp.flags.str: 12 characters from the highest bit down, a middle dot for each clear bit. */
export function tcpFlagString(flags: number): string {
  const letters = 'RRRACEUAPRSF';
  let s = '';
  for (let i = 0; i < 12; i++) s += flags & (1 << (11 - i)) ? letters[i] : '\u00b7';
  return s;
}

export function dissectTcp(d: Dissection, off: number, end: number): void {
  const dv = d.dv;
  const top = d.inner === 0;
  if (top) d.setProtocol(PROTO_TCP);
  if (end - off < (top ? MIN_HDR : QUOTED_MIN)) {
    if (top) truncated(d, off, end);
    else if (d.tree !== null && end - off >= 4) quotedTree(d, off, end);
    return;
  }
  if (!top) {
    // Inside an ICMP error: only the tree matters, and the quoted header is usually cut after 8 bytes.
    if (d.tree !== null) quotedTree(d, off, end);
    return;
  }

  const sport = dv.getUint16(off);
  const dport = dv.getUint16(off + 2);
  const seq = dv.getUint32(off + 4);
  const ack = dv.getUint32(off + 8);
  const hdrFlags = dv.getUint16(off + 12);
  const hdrLen = (hdrFlags >> 12) * 4;
  const flags = hdrFlags & 0x0fff;
  const win = dv.getUint16(off + 14);

  d.sport = sport;
  d.dport = dport;
  d.tcpSeq = seq;
  d.tcpAck = ack;
  d.tcpFlags = flags;
  d.tcpWin = win;
  if (flags & TH_SYN) d.flags |= PF_TCP_SYN;
  if (flags & TH_FIN) d.flags |= PF_TCP_FIN;
  if (flags & TH_RST) d.flags |= PF_TCP_RST;
  if (flags & TH_ACK) d.flags |= PF_TCP_ACK;

  const bogusHdr = hdrLen < MIN_HDR;
  const hdrCut = !bogusHdr && off + hdrLen > end;
  // Payload on the wire (tcp.len) and as captured; both zero when the header itself is unusable.
  const optEnd = bogusHdr || hdrCut ? off + MIN_HDR : off + hdrLen;
  // tshark still reports reported length minus the (bogus) header length as tcp.len.
  const wireEnd = reportedEnd(d, end);
  const segLen = Math.max(0, wireEnd - off - hdrLen);
  d.tcpPayloadLen = segLen;
  d.payloadOff = optEnd;
  d.payloadEnd = bogusHdr || hdrCut ? optEnd : end;
  d.tcpWsOption = flags & TH_SYN && !bogusHdr && !hdrCut ? scanWindowScale(dv, off + MIN_HDR, optEnd) : -1;
  d.tcpWinScale = -1;

  d.hooks?.onTransport(d);

  if (bogusHdr) d.problem(PF_MALFORMED, d.mode >= MODE_SUMMARY ? `Bogus TCP header length (${hdrLen}, must be at least ${MIN_HDR})` : '');
  else if (hdrCut && wireEnd < off + hdrLen) d.problem(PF_MALFORMED, d.mode >= MODE_SUMMARY ? `TCP header length ${hdrLen} is bigger than the IP payload (${wireEnd - off})` : '');
  else if (hdrCut) d.problem(PF_TRUNCATED, d.mode >= MODE_SUMMARY ? `TCP header truncated: options need ${hdrLen} bytes, ${end - off} captured` : '');

  // Relative numbers once the session layer knows the ISNs, raw otherwise (as tshark without analysis).
  const seqBase = d.tcpSeqBase;
  const ackBase = d.tcpAckBase;
  const relSeq = seqBase >= 0 ? (seq - seqBase) >>> 0 : seq;
  const hasAck = (flags & TH_ACK) !== 0;
  const relAck = hasAck && ackBase >= 0 ? (ack - ackBase) >>> 0 : ack;
  // SYN packets are never scaled (RFC 7323 §2.2); -2 means the handshake showed no scaling.
  const scale = d.tcpWinScale;
  const scaled = !(flags & TH_SYN) && scale >= 0 ? win * 2 ** scale : win;
  d.tcpWin = scaled;
  const nxtSeq = (relSeq + segLen + (flags & TH_SYN ? 1 : 0) + (flags & TH_FIN ? 1 : 0)) >>> 0;

  const hasOptions = !bogusHdr && !hdrCut && hdrLen > MIN_HDR;
  let optInfo = '';
  const tcpTree = d.wants(fTcp);
  if (tcpTree) {
    d.open(
      fTcp,
      off,
      bogusHdr || hdrCut ? end - off : hdrLen,
      `Transmission Control Protocol, Src Port: ${sport}, Dst Port: ${dport}, Seq: ${relSeq}${hasAck ? `, Ack: ${relAck}` : ''}, Len: ${segLen}`,
    );
    d.add(fSrcPort, off, 2, sport);
    d.add(fDstPort, off + 2, 2, dport);
    d.addHidden(fPort, sport, off, 2);
    d.addHidden(fPort, dport, off + 2, 2);
    if (d.streamIndex >= 0) d.add(fStream, 0, 0, d.streamIndex);
    d.add(fLen, 0, 0, segLen);
    d.add(fSeq, off + 4, 4, relSeq, `Sequence Number: ${relSeq}${seqBase >= 0 ? '    (relative sequence number)' : ''}`);
    d.add(fSeqRaw, off + 4, 4, seq);
    if (!bogusHdr) d.add(fNxtSeq, 0, 0, nxtSeq, `[Next Sequence Number: ${nxtSeq}${seqBase >= 0 ? '    (relative sequence number)' : ''}]`);
    d.add(fAck, off + 8, 4, relAck, `Acknowledgment Number: ${relAck}${hasAck && ackBase >= 0 ? '    (relative ack number)' : ''}`);
    d.add(fAckRaw, off + 8, 4, ack);
    d.add(fHdrLen, off + 12, 1, hdrLen, `${((hdrLen / 4) >>> 0).toString(2).padStart(4, '0')} .... = Header Length: ${hdrLen} bytes (${hdrLen >> 2})`);
    flagsTree(d, off + 12, flags);
    d.add(fWinValue, off + 14, 2, win, `Window: ${win}`);
    if (!(flags & TH_SYN)) {
      d.add(fWinSize, off + 14, 2, scaled, `[Calculated window size: ${scaled}]`);
      d.add(fWinScale, 0, 0, scale, `[Window size scaling factor: ${scale >= 0 ? 2 ** scale : scale} (${scale === -1 ? 'unknown' : scale === -2 ? 'no window scaling used' : 'scaled'})]`);
    }
    const csum = dv.getUint16(off + 16);
    d.add(fChecksum, off + 16, 2, csum, `Checksum: 0x${csum.toString(16).padStart(4, '0')} [unverified]`);
    d.add(fChecksumStatus, 0, 0, 2, '[Checksum Status: Unverified]');
    d.add(fUrgent, off + 18, 2, dv.getUint16(off + 18));
    if (hasOptions) optInfo = decodeTcpOptions(d, off + MIN_HDR, optEnd, ackBase);
    const ah = analysisHooksOf(d);
    if (ah !== null && d.sessionId >= 0) addAnalysisTree(d, ah.tcpAnalysis, ah.dupAckFrame, ah.dupAckNum);
    d.close();
    if (!bogusHdr && !hdrCut && end > optEnd) {
      d.add(fPayload, optEnd, end - optEnd, d.buf.subarray(optEnd, end), `TCP payload (${end - optEnd} byte${end - optEnd === 1 ? '' : 's'})`);
    }
  }

  if (d.wantText) {
    let info = `${sport} \u2192 ${dport} [${tcpFlagNames(flags)}] Seq=${relSeq}`;
    if (hasAck) info += ` Ack=${relAck}`;
    info += ` Win=${scaled}`;
    if (flags & TH_URG) info += ` Urg=${dv.getUint16(off + 18)}`;
    if (bogusHdr) {
      info += `, bogus TCP header length (${hdrLen}, must be at least ${MIN_HDR})`;
    } else {
      info += ` Len=${segLen}`;
      // Options are only read when the whole header was captured (a cut header has no reliable options);
      // in TREE mode they were decoded with the tree already.
      if (hasOptions && !tcpTree) optInfo = decodeTcpOptions(d, off + MIN_HDR, optEnd, ackBase);
      info += optInfo;
    }
    d.info = info;
  }

  if (!bogusHdr && !hdrCut && end > optEnd && !d.transportOnly) {
    const stream = streamProtocolFor(sport, dport, d.buf, optEnd, end);
    if (stream === null) dispatchByPort(d, tcpPortTable, tcpHeuristics, sport, dport, optEnd, end);
    else if (d.streams === null) decodeWholeMessages(d, stream, optEnd, end);
    else {
      d.streams.deliver(d, stream, optEnd, end);
      if (d.wantText && streamStateOf(d) === RS_SEGMENT) d.info += SEGMENT_OF_PDU;
    }
  }
  // Like Wireshark's column fence: the analysis prefix stays ahead of whatever the payload's decoder wrote.
  if (d.wantText && d.sessionId >= 0) {
    const ah = analysisHooksOf(d);
    if (ah !== null && (ah.tcpAnalysis & TA_FLAGS_MASK) !== 0) d.info = analysisInfoPrefix(ah.tcpAnalysis, ah.dupAckFrame, ah.dupAckNum) + d.info;
  }
}

function streamProtocolFor(sport: number, dport: number, buf: Uint8Array, off: number, end: number): StreamProtocol | null {
  const lo = sport < dport ? sport : dport;
  const hi = sport < dport ? dport : sport;
  const byPort = tcpStreamTable.get(lo) ?? tcpStreamTable.get(hi);
  if (byPort !== undefined) return byPort;
  for (let i = 0; i < tcpStreamHeuristics.length; i++) {
    const p = (tcpStreamHeuristics[i] as (typeof tcpStreamHeuristics)[number]).detect(buf, off, end);
    if (p !== null) return p;
  }
  return null;
}

/** Without stream reassembly: decode the messages that lie wholly inside this segment. */
function decodeWholeMessages(d: Dissection, p: StreamProtocol, off: number, end: number): void {
  while (off < end) {
    const len = p.messageLength(d.buf, off, end);
    if (len <= 0 || off + len > end) return;
    p.decode(d, off, off + len);
    off += len;
  }
}

function flagsTree(d: Dissection, at: number, flags: number): void {
  d.open(fFlags, at, 2, `Flags: 0x${flags.toString(16).padStart(3, '0')} (${flags ? tcpFlagNames(flags) : '<None>'})`, flags);
  d.add(fFlagRes, at, 1, (flags & TH_RES) !== 0, `000. .... .... = Reserved: ${flags & TH_RES ? 'Set' : 'Not set'}`);
  bit(d, fFlagAe, at, flags, TH_AE, 'Accurate ECN');
  d.addHidden(fFlagNs, (flags & TH_AE) !== 0, at, 1);
  bit(d, fFlagCwr, at + 1, flags, TH_CWR, 'Congestion Window Reduced (CWR)');
  bit(d, fFlagEce, at + 1, flags, TH_ECE, 'ECN-Echo');
  bit(d, fFlagUrg, at + 1, flags, TH_URG, 'Urgent');
  bit(d, fFlagAck, at + 1, flags, TH_ACK, 'Acknowledgment');
  bit(d, fFlagPush, at + 1, flags, TH_PUSH, 'Push');
  bit(d, fFlagReset, at + 1, flags, TH_RST, 'Reset');
  bit(d, fFlagSyn, at + 1, flags, TH_SYN, 'Syn');
  bit(d, fFlagFin, at + 1, flags, TH_FIN, 'Fin');
  d.add(fFlagStr, at, 2, tcpFlagString(flags), `[TCP Flags: ${tcpFlagString(flags)}]`);
  d.close();
}

function bit(d: Dissection, field: typeof fFlags, at: number, flags: number, mask: number, name: string): void {
  // "...0 .... .... = Nonce: Not set": the 12 flag bits drawn as Wireshark's bitfield label.
  let pattern = '';
  for (let i = 11; i >= 0; i--) {
    pattern += (1 << i) & mask ? (flags & mask ? '1' : '0') : '.';
    if (i % 4 === 0 && i) pattern += ' ';
  }
  d.add(field, at, 1, (flags & mask) !== 0, `${pattern} = ${name}: ${flags & mask ? 'Set' : 'Not set'}`);
}

/** Header cut before 20 bytes: keep the ports when they were captured (tshark shows "sport → dport"). */
function truncated(d: Dissection, off: number, end: number): void {
  d.problem(PF_TRUNCATED, d.mode >= MODE_SUMMARY ? `TCP header truncated: ${end - off} of ${MIN_HDR} bytes` : '');
  if (end - off < 4) return;
  d.sport = d.dv.getUint16(off);
  d.dport = d.dv.getUint16(off + 2);
  if (d.wantText) d.info = `${d.sport} \u2192 ${d.dport}`;
  if (d.tree !== null) quotedTree(d, off, end);
}

/** The few bytes of a TCP header quoted in an ICMP error: ports, and the sequence number when present. */
function quotedTree(d: Dissection, off: number, end: number): void {
  const dv = d.dv;
  const sport = dv.getUint16(off);
  const dport = dv.getUint16(off + 2);
  d.open(fTcp, off, end - off, `Transmission Control Protocol, Src Port: ${sport}, Dst Port: ${dport}`);
  d.add(fSrcPort, off, 2, sport);
  d.add(fDstPort, off + 2, 2, dport);
  // tshark's tcp.port / udp.port also match the ports of a quoted header (`tcp.port == 443` finds the ICMP error).
  d.addHidden(fPort, sport, off, 2);
  d.addHidden(fPort, dport, off + 2, 2);
  if (end - off >= 8) d.add(fSeqRaw, off + 4, 4, dv.getUint32(off + 4));
  if (end - off >= 12) d.add(fAckRaw, off + 8, 4, dv.getUint32(off + 8));
  // Routers often quote the whole offending segment (RFC 1812): then, like tshark, show its header fields and
  // payload so filters such as `tcp.flags.syn` or `len(tcp.payload) > 500` see it too.
  const hdrLen = end - off >= MIN_HDR ? (dv.getUint8(off + 12) >> 4) * 4 : 0;
  if (hdrLen >= MIN_HDR && hdrLen <= end - off) {
    const flags = dv.getUint16(off + 12) & 0x0fff;
    d.add(fHdrLen, off + 12, 1, hdrLen);
    d.add(fFlags, off + 12, 2, flags);
    d.add(fFlagSyn, off + 13, 1, (flags & TH_SYN) !== 0);
    d.add(fFlagAck, off + 13, 1, (flags & TH_ACK) !== 0);
    d.add(fFlagFin, off + 13, 1, (flags & TH_FIN) !== 0);
    d.add(fFlagReset, off + 13, 1, (flags & TH_RST) !== 0);
    d.add(fFlagPush, off + 13, 1, (flags & TH_PUSH) !== 0);
    d.add(fFlagStr, off + 12, 2, tcpFlagString(flags));
    d.add(fWinValue, off + 14, 2, dv.getUint16(off + 14));
    d.add(fChecksum, off + 16, 2, dv.getUint16(off + 16));
    d.add(fUrgent, off + 18, 2, dv.getUint16(off + 18));
    d.add(fLen, off, 0, end - off - hdrLen);
    if (end > off + hdrLen) d.add(fPayload, off + hdrLen, end - off - hdrLen, d.buf.subarray(off + hdrLen, end), `TCP payload (${end - off - hdrLen} bytes)`);
  }
  d.close();
}

ipProtoTable.register(6, dissectTcp);
