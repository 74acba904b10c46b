/**
 * RTP (RFC 3550 §5.1). Not registered on a port: RTP ports are negotiated, so a UDP heuristic hands over the
 * packets to or from endpoints an SDP body announced (rtp-media.ts), as Wireshark's SDP-driven conversations
 * do, and — only when RtpMedia.heuristic is on (tshark's rtp.heuristic_rtp, off by default) — any payload that
 * looks like RTP version 2. Packets on an announced RTCP port go to rtcp.ts; RTCP multiplexed on the RTP port
 * (RFC 5761: packet types 200-204 where the payload type would be) too.
 *
 * Protocol and Info follow tshark 4.0: "RTP", "PT=ITU-T G.711 PCMA, SSRC=0x3796CB71, Seq=28590, Time=1240"
 * (", Mark" when the marker bit is set). Telephone events (RFC 4733: a payload type mapped to telephone-event,
 * or 101 by default) and Cisco NSE (100 by default) are "RTP EVENT" (rtp-event.ts).
 */
import { fields } from '../fields';
import { MODE_INDEX, type Dissection } from '../dissection';
import { udpHeuristics } from '../tables';
import { protocolNames } from '../protocols-registry';
import { MEDIA_RTCP, MEDIA_RTP, rtpMediaOf, type MediaSetup, type PayloadMap } from './rtp-media';
import { payloadTypeName } from './rtp-names';
import { dissectRtpEvent, EVENT_CISCO_NSE, EVENT_NONE, EVENT_RFC4733 } from './rtp-event';
import { dissectRtcp, looksLikeRtcp } from './rtcp';
import { linkProtocolColumn } from '../protocol-presence';

export const PROTO_RTP = protocolNames.id('RTP');
export const PROTO_RTP_EVENT = protocolNames.id('RTP EVENT');

const fRtp = fields.register('rtp', 'protocol', 'Real-Time Transport Protocol');
const fRtpEvent = fields.register('rtpevent', 'protocol', 'RFC 2833 RTP Event');
linkProtocolColumn(PROTO_RTP, fRtp, fRtpEvent);
linkProtocolColumn(PROTO_RTP_EVENT, fRtp, fRtpEvent);
const fSetup = fields.register('rtp.setup', 'string', 'Stream setup');
const fSetupFrame = fields.register('rtp.setup-frame', 'uint', 'Setup frame');
const fSetupMethod = fields.register('rtp.setup-method', 'string', 'Setup Method');
const fCallId = fields.register('rtp.setup-call-id', 'string', 'Generated Call-ID');
const fVersion = fields.register('rtp.version', 'uint', 'Version');
const fPadding = fields.register('rtp.padding', 'bool', 'Padding');
const fExt = fields.register('rtp.ext', 'bool', 'Extension');
const fCc = fields.register('rtp.cc', 'uint', 'Contributing source identifiers count');
const fMarker = fields.register('rtp.marker', 'bool', 'Marker');
const fPt = fields.register('rtp.p_type', 'uint', 'Payload type');
const fSeq = fields.register('rtp.seq', 'uint', 'Sequence number');
const fTimestamp = fields.register('rtp.timestamp', 'uint', 'Timestamp');
const fSsrc = fields.register('rtp.ssrc', 'uint', 'Synchronization Source identifier', 'hex');
const fCsrc = fields.register('rtp.csrc.item', 'uint', 'CSRC item', 'hex');
const fExtProfile = fields.register('rtp.ext.profile', 'uint', 'Defined by profile', 'hex');
const fExtLen = fields.register('rtp.ext.len', 'uint', 'Extension length');
const fHdrExt = fields.register('rtp.hdr_ext', 'bytes', 'Header extension');
const fPayload = fields.register('rtp.payload', 'bytes', 'Payload');
const fPadCount = fields.register('rtp.padding.count', 'uint', 'Padding count');
const fMalformed = fields.register('rtp.malformed', 'string', 'Malformed RTP');

/** Wireshark's defaults for the rtpevent dissector's payload types (rtpevent.event_payload_type_value, cisco NSE). */
const DEFAULT_EVENT_PT = 101;
const DEFAULT_NSE_PT = 100;

/** The fixed header of one RTP packet, as the stream analysis reads it. */
export interface RtpHeader {
  marker: boolean;
  pt: number;
  seq: number;
  timestamp: number;
  ssrc: number;
  /** Offset and end of the payload (after CSRCs and extension, before padding). */
  payloadOff: number;
  payloadEnd: number;
}

/**
 * Reads the RTP header at [off, end) into `h`; false when it is not RTP version 2 or the CSRC list /
 * extension / padding run past the data.
 */
export function readRtpHeader(buf: Uint8Array, off: number, end: number, h: RtpHeader): boolean {
  if (end - off < 12) return false;
  const b0 = buf[off] as number;
  const b1 = buf[off + 1] as number;
  if (b0 >> 6 !== 2) return false;
  let p = off + 12 + (b0 & 0x0f) * 4;
  if (p > end) return false;
  if ((b0 & 0x10) !== 0) {
    if (p + 4 > end) return false;
    p += 4 + (((buf[p + 2] as number) << 8) | (buf[p + 3] as number)) * 4;
    if (p > end) return false;
  }
  let pe = end;
  if ((b0 & 0x20) !== 0) {
    const pad = buf[end - 1] as number;
    if (pad === 0 || pe - pad < p) return false;
    pe -= pad;
  }
  h.marker = (b1 & 0x80) !== 0;
  h.pt = b1 & 0x7f;
  h.seq = ((buf[off + 2] as number) << 8) | (buf[off + 3] as number);
  h.timestamp = (((buf[off + 4] as number) << 24) | ((buf[off + 5] as number) << 16) | ((buf[off + 6] as number) << 8) | (buf[off + 7] as number)) >>> 0;
  h.ssrc = (((buf[off + 8] as number) << 24) | ((buf[off + 9] as number) << 16) | ((buf[off + 10] as number) << 8) | (buf[off + 11] as number)) >>> 0;
  h.payloadOff = p;
  h.payloadEnd = pe;
  return true;
}

/** The rtpmap entry of `pt` in the announcement, if any. */
export function payloadMapOf(setup: MediaSetup | null, pt: number): PayloadMap | undefined {
  return setup === null ? undefined : setup.payloads.get(pt);
}

/** Which event dissector (if any) takes the payload of `pt` under `setup`. */
function eventKind(setup: MediaSetup | null, pt: number): number {
  const map = payloadMapOf(setup, pt);
  if (map !== undefined) return map.name.toLowerCase() === 'telephone-event' ? EVENT_RFC4733 : EVENT_NONE;
  if (pt === DEFAULT_EVENT_PT) return EVENT_RFC4733;
  if (pt === DEFAULT_NSE_PT) return EVENT_CISCO_NSE;
  return EVENT_NONE;
}

const hdr: RtpHeader = { marker: false, pt: 0, seq: 0, timestamp: 0, ssrc: 0, payloadOff: 0, payloadEnd: 0 };

/** Decodes one RTP packet; returns false (nothing done) when the bytes are not RTP version 2. */
export function dissectRtp(d: Dissection, off: number, end: number, setup: MediaSetup | null): boolean {
  const buf = d.buf;
  if (!readRtpHeader(buf, off, end, hdr)) return false;
  const ev = eventKind(setup, hdr.pt);
  d.setProtocol(ev !== EVENT_NONE && hdr.payloadEnd - hdr.payloadOff >= 4 ? PROTO_RTP_EVENT : PROTO_RTP);
  if (d.mode === MODE_INDEX) return true;
  const { marker, pt, seq, timestamp, ssrc } = hdr;
  const pOff = hdr.payloadOff;
  const pEnd = hdr.payloadEnd;
  if (d.wantText) {
    d.info = `PT=${payloadTypeName(pt)}, SSRC=0x${ssrc.toString(16).toUpperCase()}, Seq=${seq}, Time=${timestamp}${marker ? ', Mark' : ''}`;
  }
  if (d.wants(fRtp)) {
    const b0 = buf[off] as number;
    d.open(fRtp, off, end - off, 'Real-Time Transport Protocol');
    if (setup !== null) {
      d.open(fSetup, 0, 0, `[Stream setup by SDP (frame ${setup.frame})]`, `SDP (frame ${setup.frame})`);
      d.add(fSetupFrame, 0, 0, setup.frame, `[Setup frame: ${setup.frame}]`);
      d.add(fSetupMethod, 0, 0, 'SDP', '[Setup Method: SDP]');
      if (setup.callId !== '') d.add(fCallId, 0, 0, setup.callId, `[Generated Call-ID: ${setup.callId}]`);
      d.close();
    }
    d.add(fVersion, off, 1, 2, '10.. .... = Version: RFC 1889 Version (2)');
    d.add(fPadding, off, 1, (b0 & 0x20) !== 0, `..${b0 & 0x20 ? 1 : 0}. .... = Padding: ${b0 & 0x20 ? 'True' : 'False'}`);
    d.add(fExt, off, 1, (b0 & 0x10) !== 0, `...${b0 & 0x10 ? 1 : 0} .... = Extension: ${b0 & 0x10 ? 'True' : 'False'}`);
    const cc = b0 & 0x0f;
    d.add(fCc, off, 1, cc, `.... ${(cc >> 3) & 1}${(cc >> 2) & 1}${(cc >> 1) & 1}${cc & 1} = Contributing source identifiers count: ${cc}`);
    d.add(fMarker, off + 1, 1, marker, `${marker ? 1 : 0}... .... = Marker: ${marker ? 'True' : 'False'}`);
    const map = payloadMapOf(setup, pt);
    d.add(fPt, off + 1, 1, pt, `Payload type: ${map !== undefined ? map.name : payloadTypeName(pt)} (${pt})`);
    d.add(fSeq, off + 2, 2, seq);
    d.add(fTimestamp, off + 4, 4, timestamp);
    d.add(fSsrc, off + 8, 4, ssrc, `Synchronization Source identifier: 0x${ssrc.toString(16).padStart(8, '0')} (${ssrc})`);
    let p = off + 12;
    for (let i = 0; i < cc; i++, p += 4) {
      const c = d.dv.getUint32(p);
      d.add(fCsrc, p, 4, c, `CSRC item ${i}: 0x${c.toString(16).padStart(8, '0')}`);
    }
    if ((b0 & 0x10) !== 0) {
      const prof = d.dv.getUint16(p);
      const words = d.dv.getUint16(p + 2);
      d.add(fExtProfile, p, 2, prof, `Defined by profile: 0x${prof.toString(16).padStart(4, '0')}`);
      d.add(fExtLen, p + 2, 2, words);
      if (words > 0) d.add(fHdrExt, p + 4, words * 4, buf.subarray(p + 4, p + 4 + words * 4), `Header extensions: ${words * 4} bytes`);
    }
    if (pEnd > pOff && ev === EVENT_NONE) d.add(fPayload, pOff, pEnd - pOff, buf.subarray(pOff, pEnd), `Payload: ${pEnd - pOff} bytes`);
    if (pEnd < end) d.add(fPadCount, end - 1, 1, end - pEnd, `Padding count: ${end - pEnd}`);
    d.close();
  }
  if (ev !== EVENT_NONE) {
    if (pEnd - pOff >= 4) dissectRtpEvent(d, pOff, pEnd, ev);
    else if (d.wants(fRtp)) d.add(fMalformed, pOff, pEnd - pOff, 'event payload shorter than 4 bytes', '[Malformed RTP event: payload shorter than 4 bytes]');
  }
  return true;
}

/** The UDP heuristic: announced endpoints first, then (when enabled) an RTP version-2 look. */
function heuristic(d: Dissection, off: number, end: number): boolean {
  if (d.inner !== 0) return false;
  const media = rtpMediaOf(d);
  if (media === null) return false;
  const setup = media.lookup(d);
  if (setup !== null) {
    if (setup.kind === MEDIA_RTCP) return dissectRtcp(d, off, end, setup);
    if (setup.kind !== MEDIA_RTP) return false;
    // RFC 5761: RTCP multiplexed on the RTP port is told apart by the packet type in the second byte.
    if (looksLikeRtcp(d.buf, off, end)) return dissectRtcp(d, off, end, setup);
    return dissectRtp(d, off, end, setup);
  }
  if (!media.heuristic) return false;
  // tshark's dissect_rtp_heur: version 2, and not an RTCP packet type (72-76 once the marker bit is masked).
  if (end - off < 12 || (d.buf[off] as number) >> 6 !== 2) return false;
  const pt = (d.buf[off + 1] as number) & 0x7f;
  if (pt >= 72 && pt <= 76) return false;
  return dissectRtp(d, off, end, null);
}

udpHeuristics.push({ name: 'RTP', decode: heuristic });
