/**
 * RTCP (RFC 3550 §6): compound packets of SR, RR, SDES, BYE, APP (and the feedback / XR types by name only).
 * Reached through rtp.ts's heuristic for endpoints an SDP announced (m= port + 1, or a=rtcp:), or on the
 * RTP port when multiplexed (RFC 5761). Info as tshark 4.0: each packet's type name followed by three
 * spaces ("Sender Report   Source description   Goodbye   ").
 */
import { fields } from '../fields';
import { MODE_INDEX, type Dissection } from '../dissection';
import { protocolNames } from '../protocols-registry';
import type { MediaSetup } from './rtp-media';
import { linkProtocolColumn } from '../protocol-presence';

export const PROTO_RTCP = protocolNames.id('RTCP');

const fRtcp = fields.register('rtcp', 'protocol', 'Real-time Transport Control Protocol');
linkProtocolColumn(PROTO_RTCP, fRtcp);
const fSetupFrame = fields.register('rtcp.setup-frame', 'uint', 'Setup frame');
const fVersion = fields.register('rtcp.version', 'uint', 'Version');
const fPadding = fields.register('rtcp.padding', 'bool', 'Padding');
const fRc = fields.register('rtcp.rc', 'uint', 'Reception report count');
const fSc = fields.register('rtcp.sc', 'uint', 'Source count');
const fPt = fields.register('rtcp.pt', 'uint', 'Packet type');
const fLength = fields.register('rtcp.length', 'uint', 'Length');
const fSenderSsrc = fields.register('rtcp.senderssrc', 'uint', 'Sender SSRC', 'hex');
const fNtpMsw = fields.register('rtcp.timestamp.ntp.msw', 'uint', 'Timestamp, MSW');
const fNtpLsw = fields.register('rtcp.timestamp.ntp.lsw', 'uint', 'Timestamp, LSW');
const fRtpTs = fields.register('rtcp.timestamp.rtp', 'uint', 'RTP timestamp');
const fPackets = fields.register('rtcp.sender.packetcount', 'uint', "Sender's packet count");
const fOctets = fields.register('rtcp.sender.octetcount', 'uint', "Sender's octet count");
const fSsrcId = fields.register('rtcp.ssrc.identifier', 'uint', 'Identifier', 'hex');
const fFraction = fields.register('rtcp.ssrc.fraction', 'uint', 'Fraction lost');
const fCumLost = fields.register('rtcp.ssrc.cum_nr', 'int', 'Cumulative number of packets lost');
const fExtHigh = fields.register('rtcp.ssrc.ext_high', 'uint', 'Extended highest sequence number received');
const fJitter = fields.register('rtcp.ssrc.jitter', 'uint', 'Interarrival jitter');
const fLsr = fields.register('rtcp.ssrc.lsr', 'uint', 'Last SR timestamp');
const fDlsr = fields.register('rtcp.ssrc.dlsr', 'uint', 'Delay since last SR timestamp');
const fSdesSsrc = fields.register('rtcp.sdes.ssrc_csrc', 'uint', 'SSRC / CSRC identifier', 'hex');
const fSdesType = fields.register('rtcp.sdes.type', 'uint', 'Type');
const fSdesLength = fields.register('rtcp.sdes.length', 'uint', 'Length');
const fSdesText = fields.register('rtcp.sdes.text', 'string', 'Text');
const fByeReason = fields.register('rtcp.sdes.bye_reason', 'string', 'Reason for leaving');
const fAppName = fields.register('rtcp.app.name', 'string', 'Name (ASCII)');

const TYPE_NAMES: Record<number, string> = {
  200: 'Sender Report',
  201: 'Receiver Report',
  202: 'Source description',
  203: 'Goodbye',
  204: 'Application specific',
  205: 'Generic RTP Feedback',
  206: 'Payload-specific Feedback',
  207: 'Extended report (RFC 3611)',
};

const SDES_NAMES: Record<number, string> = {
  0: 'END',
  1: 'CNAME (user and domain)',
  2: 'NAME (common name)',
  3: 'EMAIL (e-mail address)',
  4: 'PHONE (phone number)',
  5: 'LOC (geographic location)',
  6: 'TOOL (name/version of source app)',
  7: 'NOTE (note about source)',
  8: 'PRIV (private extensions)',
};

/** First packet of a compound: version 2 and a packet type RTCP defines (RFC 5761 §4). */
export function looksLikeRtcp(buf: Uint8Array, off: number, end: number): boolean {
  if (end - off < 8 || (buf[off] as number) >> 6 !== 2) return false;
  const pt = buf[off + 1] as number;
  return pt >= 200 && pt <= 207;
}

function u32(buf: Uint8Array, p: number): number {
  return (((buf[p] as number) << 24) | ((buf[p + 1] as number) << 16) | ((buf[p + 2] as number) << 8) | (buf[p + 3] as number)) >>> 0;
}

function text(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i] as number);
  return out;
}

/** Decodes a compound RTCP packet; false (nothing done) when the first packet is not RTCP. */
export function dissectRtcp(d: Dissection, off: number, end: number, setup: MediaSetup | null): boolean {
  const buf = d.buf;
  if (!looksLikeRtcp(buf, off, end)) return false;
  d.setProtocol(PROTO_RTCP);
  if (d.mode === MODE_INDEX) return true;
  let info = '';
  let p = off;
  while (p + 4 <= end) {
    const b0 = buf[p] as number;
    const pt = buf[p + 1] as number;
    if (b0 >> 6 !== 2) break;
    const words = ((buf[p + 2] as number) << 8) | (buf[p + 3] as number);
    const pend = Math.min(end, p + 4 + words * 4);
    const name = TYPE_NAMES[pt] ?? `Unknown (${pt})`;
    info += `${name}   `;
    if (d.tree !== null) packetTree(d, p, pend, setup, name, words);
    p = p + 4 + words * 4;
  }
  if (d.wantText) d.info = info;
  return true;
}

function packetTree(d: Dissection, p: number, end: number, setup: MediaSetup | null, name: string, words: number): void {
  const buf = d.buf;
  const b0 = buf[p] as number;
  const pt = buf[p + 1] as number;
  const count = b0 & 0x1f;
  d.open(fRtcp, p, end - p, `Real-time Transport Control Protocol (${name})`);
  if (setup !== null) d.add(fSetupFrame, 0, 0, setup.frame, `[Stream setup by SDP (frame ${setup.frame})]`);
  d.add(fVersion, p, 1, b0 >> 6, '10.. .... = Version: RFC 1889 Version (2)');
  d.add(fPadding, p, 1, (b0 & 0x20) !== 0);
  d.add(pt === 202 || pt === 203 ? fSc : fRc, p, 1, count);
  d.add(fPt, p + 1, 1, pt, `Packet type: ${name} (${pt})`);
  d.add(fLength, p + 2, 2, words, `Length: ${words} (${(words + 1) * 4} bytes)`);
  let q = p + 4;
  const hex = (v: number): string => `0x${v.toString(16).padStart(8, '0')} (${v})`;
  if (pt === 200 || pt === 201) {
    if (q + 4 <= end) {
      d.add(fSenderSsrc, q, 4, u32(buf, q), `Sender SSRC: ${hex(u32(buf, q))}`);
      q += 4;
    }
    if (pt === 200 && q + 20 <= end) {
      d.add(fNtpMsw, q, 4, u32(buf, q));
      d.add(fNtpLsw, q + 4, 4, u32(buf, q + 4));
      d.add(fRtpTs, q + 8, 4, u32(buf, q + 8));
      d.add(fPackets, q + 12, 4, u32(buf, q + 12));
      d.add(fOctets, q + 16, 4, u32(buf, q + 16));
      q += 20;
    }
    for (let i = 0; i < count && q + 24 <= end; i++, q += 24) {
      d.add(fSsrcId, q, 4, u32(buf, q), `Identifier: ${hex(u32(buf, q))}`);
      d.add(fFraction, q + 4, 1, buf[q + 4] as number);
      const cum = ((((buf[q + 5] as number) << 16) | ((buf[q + 6] as number) << 8) | (buf[q + 7] as number)) << 8) >> 8;
      d.add(fCumLost, q + 5, 3, cum);
      d.add(fExtHigh, q + 8, 4, u32(buf, q + 8));
      d.add(fJitter, q + 12, 4, u32(buf, q + 12));
      d.add(fLsr, q + 16, 4, u32(buf, q + 16));
      d.add(fDlsr, q + 20, 4, u32(buf, q + 20));
    }
  } else if (pt === 202) {
    // Chunks: SSRC/CSRC, then items (type, length, text) up to an END item and padding to 32 bits.
    for (let i = 0; i < count && q + 4 <= end; i++) {
      d.add(fSdesSsrc, q, 4, u32(buf, q), `SSRC / CSRC identifier: ${hex(u32(buf, q))}`);
      q += 4;
      while (q < end) {
        const type = buf[q] as number;
        if (type === 0) {
          d.add(fSdesType, q, 1, 0, 'Type: END (0)');
          // Chunks end on a 32-bit boundary (counted from the packet start).
          q = p + Math.ceil((q + 1 - p) / 4) * 4;
          break;
        }
        if (q + 2 > end) break;
        const len = buf[q + 1] as number;
        if (q + 2 + len > end) break;
        d.add(fSdesType, q, 1, type, `Type: ${SDES_NAMES[type] ?? 'Unknown'} (${type})`);
        d.add(fSdesLength, q + 1, 1, len);
        d.add(fSdesText, q + 2, len, text(buf, q + 2, q + 2 + len));
        q += 2 + len;
      }
    }
  } else if (pt === 203) {
    for (let i = 0; i < count && q + 4 <= end; i++, q += 4) d.add(fSsrcId, q, 4, u32(buf, q), `Identifier: ${hex(u32(buf, q))}`);
    if (q < end) {
      const len = buf[q] as number;
      if (len > 0 && q + 1 + len <= end) d.add(fByeReason, q + 1, len, text(buf, q + 1, q + 1 + len));
    }
  } else if (pt === 204) {
    if (q + 8 <= end) {
      d.add(fSenderSsrc, q, 4, u32(buf, q), `Sender SSRC: ${hex(u32(buf, q))}`);
      d.add(fAppName, q + 4, 4, text(buf, q + 4, q + 8));
    }
  }
  d.close();
}
