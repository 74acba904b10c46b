/**
 * Byte-level SIP message framing (RFC 3261 §7, §18.3), shared by the TCP stream protocol's messageLength,
 * the UDP heuristic and the decoder: what the first line is, where the header block ends and how long the
 * body is (Content-Length, or its compact form "l"). Works on bytes without building strings so the index
 * pass can call it on every candidate payload without allocating.
 */
import { bytesIs, headerEnd, lineEnd, nextLine } from './http-scan';

export const SIP_NONE = 0;
export const SIP_REQUEST = 1;
export const SIP_STATUS = 2;

/** Longest header block framed (Wireshark gives up on longer ones too). */
export const SIP_MAX_HEADER = 64 * 1024;

/** "SIP/2.0" at buf[p] (case-sensitive, as RFC 3261 §7.1 writes it and Wireshark compares). */
function isSipVersion(buf: Uint8Array, p: number, end: number): boolean {
  return (
    end - p >= 7 &&
    buf[p] === 0x53 &&
    buf[p + 1] === 0x49 &&
    buf[p + 2] === 0x50 &&
    buf[p + 3] === 0x2f &&
    buf[p + 4] === 0x32 &&
    buf[p + 5] === 0x2e &&
    buf[p + 6] === 0x30
  );
}

/** A token character of RFC 3261 §25.1 (method names). */
function isToken(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d || c === 0x2e || c === 0x21 || c === 0x25 || c === 0x2a || c === 0x5f || c === 0x2b || c === 0x60 || c === 0x27 || c === 0x7e
  );
}

/**
 * Kind of the first line at `off`: "SIP/2.0 NNN reason" is a status line, "METHOD uri SIP/2.0" a request
 * line (Wireshark's sip_parse_line: three parts, the last exactly "SIP/2.0"); anything else is not SIP.
 */
export function sipLineKind(buf: Uint8Array, off: number, end: number): number {
  const le = lineEnd(buf, off, end);
  if (le - off < 11) return SIP_NONE;
  if (isSipVersion(buf, off, le)) {
    if (buf[off + 7] !== 0x20) return SIP_NONE;
    for (let i = 8; i < 11; i++) {
      const c = buf[off + i] as number;
      if (c < 0x30 || c > 0x39) return SIP_NONE;
    }
    return off + 11 === le || buf[off + 11] === 0x20 ? SIP_STATUS : SIP_NONE;
  }
  // Method token, one space, a URI without spaces, one space, "SIP/2.0" ending the line.
  let p = off;
  while (p < le && isToken(buf[p] as number)) p++;
  if (p === off || p >= le || buf[p] !== 0x20) return SIP_NONE;
  const uri = p + 1;
  p = uri;
  while (p < le && buf[p] !== 0x20) p++;
  if (p === uri || p + 8 !== le) return SIP_NONE;
  return isSipVersion(buf, p + 1, le) ? SIP_REQUEST : SIP_NONE;
}

/** Header block facts of one message (reused object: fill with scanSip). */
export interface SipFraming {
  /** Offset after the empty line ending the headers (-1: headers incomplete). */
  hdrEnd: number;
  /** Content-Length value, -1 absent or unreadable. */
  contentLength: number;
  /** Content-Type media type bounds (before any ';'), -1 absent. */
  ctStart: number;
  ctEnd: number;
}

export function newSipFraming(): SipFraming {
  return { hdrEnd: -1, contentLength: -1, ctStart: -1, ctEnd: -1 };
}

/** Fills `f` for the message at `off` (header block [off, hdrEnd) found with headerEnd). */
export function scanSip(buf: Uint8Array, off: number, end: number, f: SipFraming): void {
  f.contentLength = -1;
  f.ctStart = -1;
  f.ctEnd = -1;
  const he = headerEnd(buf, off, end);
  f.hdrEnd = he;
  const stop = he < 0 ? end : he;
  let p = nextLine(buf, lineEnd(buf, off, stop), stop);
  while (p < stop) {
    const le = lineEnd(buf, p, stop);
    if (le === p) break;
    let colon = p;
    while (colon < le && buf[colon] !== 0x3a) colon++;
    if (colon < le) {
      // Header names may be followed by whitespace before the colon (RFC 3261 §7.3.1).
      let ne = colon;
      while (ne > p && (buf[ne - 1] === 0x20 || buf[ne - 1] === 0x09)) ne--;
      let vs = colon + 1;
      while (vs < le && (buf[vs] === 0x20 || buf[vs] === 0x09)) vs++;
      let ve = le;
      while (ve > vs && (buf[ve - 1] === 0x20 || buf[ve - 1] === 0x09)) ve--;
      if (bytesIs(buf, p, ne, 'content-length') || bytesIs(buf, p, ne, 'l')) {
        let n = 0;
        let ok = vs < ve;
        for (let i = vs; i < ve && ok; i++) {
          const c = buf[i] as number;
          if (c < 0x30 || c > 0x39) ok = false;
          else n = n * 10 + c - 0x30;
        }
        f.contentLength = ok && n <= 0x7fffffff ? n : -1;
      } else if (bytesIs(buf, p, ne, 'content-type') || bytesIs(buf, p, ne, 'c')) {
        let te = vs;
        while (te < ve && buf[te] !== 0x3b && buf[te] !== 0x20 && buf[te] !== 0x09) te++;
        f.ctStart = vs;
        f.ctEnd = te;
      }
    }
    p = nextLine(buf, le, stop);
  }
}

const scratch = newSipFraming();

/**
 * Message length for the TCP stream layer (see StreamProtocol.messageLength): headers plus Content-Length
 * (RFC 3261 §18.3 makes it mandatory over streams; a missing one means no body).
 */
export function sipMessageLength(buf: Uint8Array, off: number, end: number): number {
  const le = lineEnd(buf, off, end);
  if (le >= end) {
    // First line not complete yet: wait while it could still be SIP, within reason.
    return end - off < 2048 && couldStartSip(buf, off, end) ? 0 : -1;
  }
  if (sipLineKind(buf, off, end) === SIP_NONE) return -1;
  scanSip(buf, off, end, scratch);
  if (scratch.hdrEnd < 0) return end - off >= SIP_MAX_HEADER ? -1 : 0;
  const body = scratch.contentLength > 0 ? scratch.contentLength : 0;
  return scratch.hdrEnd - off + body;
}

/** Printable ASCII so far (a first line being received). */
function couldStartSip(buf: Uint8Array, off: number, end: number): boolean {
  for (let i = off; i < end; i++) {
    const c = buf[i] as number;
    if (c === 0x0d) continue;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return end > off;
}
