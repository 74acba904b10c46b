/**
 * Reads the SipMessage facts (sip-message.ts) straight from one message's bytes, without building the detail
 * tree: the fast path for SIP over UDP, where a datagram's payload is exactly one message. Building the whole
 * tree (Ethernet, IP, UDP, every SIP header, the SDP lines) for each SIP packet cost most of the call list's
 * time on big captures; this reads only the first line and the headers a dialog needs.
 *
 * It follows the SIP decoder's rules (protocols/sip.ts) so both paths agree — test/unit/voip-sip-scan.test.ts
 * compares them on every SIP fixture: headers by name or compact form, case-insensitive; folded continuation
 * lines joined with a space; the first occurrence of a header wins; From/To: the URI inside <…> (or up to the
 * first ';') and "tag=" anywhere after it; CSeq: leading number and method; a body of type application/sdp
 * within Content-Length makes it an SDP message.
 */
import { bytesIs, lineEnd, nextLine } from '../dissect/protocols/http-scan';
import { newSipFraming, scanSip, sipLineKind, SIP_NONE, SIP_REQUEST } from '../dissect/protocols/sip-scan';
import { clearSipMessage, type SipMessage } from './sip-message';
import { sipNameAddr } from '../dissect/protocols/sip';

const H_CALL_ID = 1;
const H_CSEQ = 2;
const H_FROM = 3;
const H_TO = 4;
const H_USER_AGENT = 5;

const framing = newSipFraming();

/** Which of our headers the name [s, e) is (0: none of ours). */
function headerKind(buf: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n === 1) {
    const c = (buf[s] as number) | 0x20;
    if (c === 0x69) return H_CALL_ID; // i
    if (c === 0x66) return H_FROM; // f
    if (c === 0x74) return H_TO; // t
    return 0;
  }
  if (bytesIs(buf, s, e, 'call-id')) return H_CALL_ID;
  if (bytesIs(buf, s, e, 'cseq')) return H_CSEQ;
  if (bytesIs(buf, s, e, 'from')) return H_FROM;
  if (bytesIs(buf, s, e, 'to')) return H_TO;
  if (bytesIs(buf, s, e, 'user-agent')) return H_USER_AGENT;
  return 0;
}

function ascii(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i] as number);
  return out;
}

/**
 * Fills `out` from the message at [off, end) of `buf`; false when it is not SIP or has no Call-ID (the same
 * cases where readSipMessage refuses the tree).
 */
export function scanSipMessage(buf: Uint8Array, off: number, end: number, out: SipMessage): boolean {
  const m = clearSipMessage(out);
  const kind = sipLineKind(buf, off, end);
  if (kind === SIP_NONE) return false;
  scanSip(buf, off, end, framing);
  const he = framing.hdrEnd < 0 ? end : framing.hdrEnd;
  const bodyEnd = framing.contentLength >= 0 ? Math.min(end, he + framing.contentLength) : end;
  m.sdp = bodyEnd > he && framing.ctStart >= 0 && bytesIs(buf, framing.ctStart, framing.ctEnd, 'application/sdp');

  const fle = lineEnd(buf, off, he);
  if (kind === SIP_REQUEST) {
    let sp = off;
    while (sp < fle && buf[sp] !== 0x20) sp++;
    m.method = ascii(buf, off, sp);
  } else {
    m.status = parseInt(ascii(buf, off + 8, off + 11), 10);
    const r = /^\S+\s+\d{3}\s*(.*)$/.exec(ascii(buf, off, fle));
    m.reason = r !== null ? (r[1] ?? '') : '';
  }

  let seen = 0;
  let p = nextLine(buf, fle, he);
  while (p < he) {
    const start = p;
    let le = lineEnd(buf, p, he);
    if (le === p) break;
    let nl = nextLine(buf, le, he);
    // Folded continuation lines belong to this header (the value then needs the joined text).
    let folded = false;
    while (nl < he && (buf[nl] === 0x20 || buf[nl] === 0x09)) {
      const le2 = lineEnd(buf, nl, he);
      if (le2 === nl) break;
      folded = true;
      le = le2;
      nl = nextLine(buf, le2, he);
    }
    p = nl > p ? nl : he;
    let colon = start;
    while (colon < le && buf[colon] !== 0x3a) colon++;
    if (colon <= start || colon >= le) continue;
    let ns = start;
    while (ns < colon && (buf[ns] === 0x20 || buf[ns] === 0x09)) ns++;
    let ne = colon;
    while (ne > ns && (buf[ne - 1] === 0x20 || buf[ne - 1] === 0x09)) ne--;
    const h = headerKind(buf, ns, ne);
    if (h === 0 || (seen & (1 << h)) !== 0) continue;
    seen |= 1 << h;
    const value = folded ? foldedValue(buf, colon + 1, le, he) : ascii(buf, colon + 1, le).trim();
    switch (h) {
      case H_CALL_ID:
        m.callId = value;
        break;
      case H_CSEQ: {
        const c = /^(\d+)\s*([A-Za-z]*)/.exec(value);
        if (c !== null) {
          m.cseq = parseInt(c[1] as string, 10) >>> 0;
          m.cseqMethod = c[2] as string;
        }
        break;
      }
      case H_FROM:
      case H_TO: {
        const na = sipNameAddr(value);
        if (h === H_FROM) {
          m.from = na.uri;
          m.fromTag = na.tag;
        } else {
          m.to = na.uri;
          m.toTag = na.tag;
        }
        break;
      }
      case H_USER_AGENT:
        m.userAgent = value;
        break;
    }
  }
  return m.callId !== '' && (m.method !== '' || m.status > 0);
}

/** A folded header's value: each continuation line trimmed and joined with one space (as sip.ts). */
function foldedValue(buf: Uint8Array, vs: number, le: number, he: number): string {
  let text = '';
  let p = vs;
  let first = true;
  while (p < le) {
    const e = lineEnd(buf, p, he);
    const part = ascii(buf, p, Math.min(e, le));
    text = first ? part : `${text} ${part.trim()}`;
    first = false;
    p = nextLine(buf, e, he);
  }
  return text.trim();
}
