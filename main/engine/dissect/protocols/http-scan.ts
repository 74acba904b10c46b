/**
 * Byte-level HTTP/1.x message framing (RFC 9112), shared by the stream protocol's messageLength and the
 * decoder: where the header block ends, what the body length is (Content-Length, chunked, none, or "until
 * the connection closes"), and a few header values. Works on bytes without building strings, so the index
 * pass can call it without allocating.
 */

const METHODS = ['GET ', 'POST ', 'HEAD ', 'PUT ', 'DELETE ', 'OPTIONS ', 'CONNECT ', 'PATCH ', 'TRACE '];
/** Header blocks longer than this are not HTTP we can frame (Wireshark gives up on such streams too). */
export const MAX_HEADER = 64 * 1024;

export const KIND_NONE = 0;
export const KIND_REQUEST = 1;
export const KIND_RESPONSE = 2;

/** What the first bytes are: a request line, a status line, or neither. Needs at least 5 bytes to say. */
export function startKind(buf: Uint8Array, off: number, end: number): number {
  if (end - off >= 5 && buf[off] === 0x48 && buf[off + 1] === 0x54 && buf[off + 2] === 0x54 && buf[off + 3] === 0x50 && buf[off + 4] === 0x2f) {
    return KIND_RESPONSE;
  }
  for (let m = 0; m < METHODS.length; m++) {
    const s = METHODS[m] as string;
    if (end - off < s.length) continue;
    let ok = true;
    for (let i = 0; i < s.length; i++) {
      if (buf[off + i] !== s.charCodeAt(i)) {
        ok = false;
        break;
      }
    }
    if (ok) return KIND_REQUEST;
  }
  return KIND_NONE;
}

/** End of the header block (offset after the empty line), or -1 when not complete within [off, end). */
export function headerEnd(buf: Uint8Array, off: number, end: number): number {
  const lim = Math.min(end, off + MAX_HEADER);
  for (let i = off; i < lim; i++) {
    if (buf[i] !== 0x0a) continue;
    // An empty line: "\n\n" or "\n\r\n" (bare LF line ends are tolerated, as Wireshark does).
    if (i + 1 < end && buf[i + 1] === 0x0a) return i + 2;
    if (i + 2 < end && buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/** End of the line starting at `p` (offset of its "\r\n" or "\n"), or `end`. */
export function lineEnd(buf: Uint8Array, p: number, end: number): number {
  for (let i = p; i < end; i++) {
    if (buf[i] === 0x0a) return i > p && buf[i - 1] === 0x0d ? i - 1 : i;
  }
  return end;
}

/** Offset after the line end that starts at `le` (skips "\r\n" or "\n"). */
export function nextLine(buf: Uint8Array, le: number, end: number): number {
  if (le < end && buf[le] === 0x0d) le++;
  return le < end ? le + 1 : end;
}

/** Case-insensitive compare of bytes [s, e) with a lower-case ASCII name. */
export function bytesIs(buf: Uint8Array, s: number, e: number, lower: string): boolean {
  if (e - s !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = buf[s + i] as number;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Framing facts of one message's header block. */
export interface Framing {
  kind: number;
  /** Offset after the header block. */
  hdrEnd: number;
  /** Status code for responses (-1 when unreadable). */
  status: number;
  /** Content-Length value, -1 when absent or invalid. */
  contentLength: number;
  chunked: boolean;
  /** Content-Type value bounds (media type only, before any ';'), -1 when absent. */
  ctStart: number;
  ctEnd: number;
}

export function newFraming(): Framing {
  return { kind: KIND_NONE, hdrEnd: -1, status: -1, contentLength: -1, chunked: false, ctStart: -1, ctEnd: -1 };
}

/** Fills `f` for the message at `off` whose header block ends at `hdrEnd`. */
export function scanHeaders(buf: Uint8Array, off: number, hdrEnd: number, f: Framing): void {
  f.kind = startKind(buf, off, hdrEnd);
  f.hdrEnd = hdrEnd;
  f.status = -1;
  f.contentLength = -1;
  f.chunked = false;
  f.ctStart = -1;
  f.ctEnd = -1;
  let le = lineEnd(buf, off, hdrEnd);
  if (f.kind === KIND_RESPONSE) {
    // "HTTP/1.1 200 OK": the code is the 3 digits after the first space.
    let sp = off;
    while (sp < le && buf[sp] !== 0x20) sp++;
    if (sp + 4 <= le) {
      let code = 0;
      let ok = true;
      for (let i = 1; i <= 3; i++) {
        const c = buf[sp + i] as number;
        if (c < 0x30 || c > 0x39) ok = false;
        code = code * 10 + c - 0x30;
      }
      if (ok) f.status = code;
    }
  }
  let p = nextLine(buf, le, hdrEnd);
  while (p < hdrEnd) {
    le = lineEnd(buf, p, hdrEnd);
    if (le === p) break;
    let colon = p;
    while (colon < le && buf[colon] !== 0x3a) colon++;
    if (colon < le) {
      let vs = colon + 1;
      while (vs < le && (buf[vs] === 0x20 || buf[vs] === 0x09)) vs++;
      let ve = le;
      while (ve > vs && (buf[ve - 1] === 0x20 || buf[ve - 1] === 0x09)) ve--;
      if (bytesIs(buf, p, colon, 'content-length')) {
        let n = 0;
        let ok = vs < ve;
        for (let i = vs; i < ve && ok; i++) {
          const c = buf[i] as number;
          if (c < 0x30 || c > 0x39) ok = false;
          else n = n * 10 + c - 0x30;
        }
        f.contentLength = ok && n <= Number.MAX_SAFE_INTEGER ? n : -1;
      } else if (bytesIs(buf, p, colon, 'transfer-encoding')) {
        // "chunked" must be the last coding (RFC 9112 §6.3); a case-insensitive suffix check is enough.
        f.chunked = ve - vs >= 7 && bytesIs(buf, ve - 7, ve, 'chunked');
      } else if (bytesIs(buf, p, colon, 'content-type')) {
        let te = vs;
        while (te < ve && buf[te] !== 0x3b && buf[te] !== 0x20) te++;
        f.ctStart = vs;
        f.ctEnd = te;
      }
    }
    p = nextLine(buf, le, hdrEnd);
  }
}

/** True when a response with this status never has a body (RFC 9110 §6.4.1). */
export function noBodyStatus(status: number): boolean {
  return (status >= 100 && status < 200) || status === 204 || status === 304;
}

/**
 * Walks a chunked body from `p`. Returns the offset after the last chunk's trailer section, or -1 when the
 * bytes end first, or -2 when a chunk size is not hex (not chunked data after all). `sizes`, when given,
 * receives [dataStart, dataEnd) pairs of every chunk.
 */
export function chunkedEnd(buf: Uint8Array, p: number, end: number, sizes: number[] | null): number {
  for (let guard = 0; guard < 1_000_000; guard++) {
    const le = lineEnd(buf, p, end);
    if (le >= end) return -1;
    let n = 0;
    let digits = 0;
    let i = p;
    for (; i < le; i++) {
      const c = buf[i] as number;
      const v = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
      if (v < 0) break;
      n = n * 16 + v;
      digits++;
      if (n > 0x7fffffff) return -2;
    }
    // Only chunk extensions (";...") or whitespace may follow the size.
    if (digits === 0 || (i < le && buf[i] !== 0x3b && buf[i] !== 0x20 && buf[i] !== 0x09)) return -2;
    const data = nextLine(buf, le, end);
    if (n === 0) {
      // Trailer fields, then an empty line.
      let q = data;
      for (;;) {
        const tle = lineEnd(buf, q, end);
        if (tle >= end) return -1;
        const after = nextLine(buf, tle, end);
        if (tle === q) return after;
        q = after;
      }
    }
    if (data + n > end) return -1;
    if (sizes !== null) sizes.push(data, data + n);
    const crlfEnd = lineEnd(buf, data + n, end);
    if (crlfEnd >= end) return -1;
    p = nextLine(buf, crlfEnd, end);
  }
  return -2;
}
