/**
 * HTTP/1.x (RFC 9112) as a TCP stream protocol on ports 80, 8080, 8000 and 3128, and by heuristic on any
 * port whose data starts with a request line (or a status line). The stream layer hands `decode` whole
 * messages using `messageLength` (headers + Content-Length, or the chunked body up to its last chunk);
 * without reassembly, messages wholly inside one segment (including several pipelined ones) still decode.
 *
 * Info and Protocol follow tshark 4.0: the first line plus a space, then " (media/type)" when a body is
 * present; XML and JSON bodies make the Protocol "HTTP/XML" / "HTTP/JSON" instead, and GIF/PNG/JPEG bodies
 * append what Wireshark's image dissectors say ("(GIF89a)", "(PNG)", "(JPEG JFIF image)").
 *
 * Limits: a response to HEAD that carries Content-Length has no body, but nothing in the bytes says so
 * (Wireshark remembers the request method per connection): here it waits for a body that never comes. A
 * response without length or chunking runs until the connection closes: messageLength returns what is
 * there and the message is marked incomplete.
 */
import { fields } from '../fields';
import { noteHttpHost } from '../../classify/app-names';
import { MODE_INDEX, MODE_SUMMARY, type Dissection } from '../dissection';
import { tcpStreamHeuristics, tcpStreamTable, type StreamProtocol } from '../tables';
import { protocolNames } from '../protocols-registry';
import {
  bytesIs,
  chunkedEnd,
  headerEnd,
  KIND_NONE,
  KIND_REQUEST,
  KIND_RESPONSE,
  lineEnd,
  MAX_HEADER,
  newFraming,
  nextLine,
  noBodyStatus,
  scanHeaders,
  startKind,
  type Framing,
} from './http-scan';
import { httpTransactionsOf } from './http-transactions';
import { linkProtocolColumn } from '../protocol-presence';

export const PROTO_HTTP = protocolNames.id('HTTP');
const PROTO_HTTP_XML = protocolNames.id('HTTP/XML');
const PROTO_HTTP_JSON = protocolNames.id('HTTP/JSON');

const fHttp = fields.register('http', 'protocol', 'Hypertext Transfer Protocol');
for (const id of [PROTO_HTTP, PROTO_HTTP_XML, PROTO_HTTP_JSON]) linkProtocolColumn(id, fHttp);
const fRequest = fields.register('http.request', 'bool', 'Request');
const fResponse = fields.register('http.response', 'bool', 'Response');
const fFirstLine = fields.register('http.first_line', 'none', 'First line');
const fMethod = fields.register('http.request.method', 'string', 'Request Method');
const fUri = fields.register('http.request.uri', 'string', 'Request URI');
const fReqVersion = fields.register('http.request.version', 'string', 'Request Version');
const fFullUri = fields.register('http.request.full_uri', 'string', 'Full request URI');
const fRespVersion = fields.register('http.response.version', 'string', 'Response Version');
const fCode = fields.register('http.response.code', 'uint', 'Status Code');
const fCodeDesc = fields.register('http.response.code.desc', 'string', 'Status Code Description');
const fPhrase = fields.register('http.response.phrase', 'string', 'Response Phrase');
const fReqLine = fields.register('http.request.line', 'string', 'Request line');
const fRespLine = fields.register('http.response.line', 'string', 'Response line');
const fHost = fields.register('http.host', 'string', 'Host');
const fUserAgent = fields.register('http.user_agent', 'string', 'User-Agent');
const fContentType = fields.register('http.content_type', 'string', 'Content-Type');
const fContentLength = fields.register('http.content_length', 'uint', 'Content length');
const fContentLengthHdr = fields.register('http.content_length_header', 'string', 'Content-Length');
const fServer = fields.register('http.server', 'string', 'Server');
const fConnection = fields.register('http.connection', 'string', 'Connection');
const fReferer = fields.register('http.referer', 'string', 'Referer');
const fCookie = fields.register('http.cookie', 'string', 'Cookie');
const fSetCookie = fields.register('http.set_cookie', 'string', 'Set-Cookie');
const fLocation = fields.register('http.location', 'string', 'Location');
const fTransferEncoding = fields.register('http.transfer_encoding', 'string', 'Transfer-Encoding');
const fContentEncoding = fields.register('http.content_encoding', 'string', 'Content-Encoding');
const fAccept = fields.register('http.accept', 'string', 'Accept');
const fAuthorization = fields.register('http.authorization', 'string', 'Authorization');
const fDate = fields.register('http.date', 'string', 'Date');
const fLastModified = fields.register('http.last_modified', 'string', 'Last-Modified');
const fCacheControl = fields.register('http.cache_control', 'string', 'Cache-Control');
const fFileData = fields.register('http.file_data', 'bytes', 'File Data');
const fBodyLen = fields.register('http.body_length', 'uint', 'Body length');
const fIncomplete = fields.register('http.incomplete', 'bool', 'Message incomplete');
const fChunkSize = fields.register('http.chunk_size', 'uint', 'Chunk size');
const fRequestIn = fields.register('http.request_in', 'uint', 'Request in frame');
const fResponseIn = fields.register('http.response_in', 'uint', 'Response in frame');
const fTime = fields.register('http.time', 'reltime', 'Time since request');

/** Header names with their own field (lower case), as Wireshark's http.* header fields. */
const HEADER_FIELDS: Record<string, typeof fHost> = {
  host: fHost,
  'user-agent': fUserAgent,
  'content-type': fContentType,
  server: fServer,
  connection: fConnection,
  referer: fReferer,
  cookie: fCookie,
  'set-cookie': fSetCookie,
  location: fLocation,
  'transfer-encoding': fTransferEncoding,
  'content-encoding': fContentEncoding,
  accept: fAccept,
  authorization: fAuthorization,
  date: fDate,
  'last-modified': fLastModified,
  'cache-control': fCacheControl,
};

const HTTP_IDS = new Set([PROTO_HTTP, PROTO_HTTP_XML, PROTO_HTTP_JSON]);

/** Message length for the stream layer; see StreamProtocol.messageLength. */
export function httpMessageLength(buf: Uint8Array, off: number, end: number): number {
  const kind = startKind(buf, off, end);
  if (kind === KIND_NONE) return end - off < 8 && couldStart(buf, off, end) ? 0 : -1;
  const he = headerEnd(buf, off, end);
  if (he < 0) return end - off >= MAX_HEADER ? -1 : 0;
  const f = newFraming();
  scanHeaders(buf, off, he, f);
  const e = bodyEnd(buf, end, f);
  return e === NEED_MORE ? 0 : e - off;
}

/**
 * End of the message's body given its framing; `end` itself for a message that runs until the connection
 * closes (everything there is so far belongs to it); NEED_MORE when a chunked body is not complete yet.
 */
function bodyEnd(buf: Uint8Array, end: number, f: Framing): number {
  const he = f.hdrEnd;
  if (f.kind === KIND_RESPONSE && noBodyStatus(f.status)) return he;
  if (f.chunked) {
    const ce = chunkedEnd(buf, he, end, null);
    if (ce === -1) return NEED_MORE;
    if (ce === -2) return end; // not valid chunking after all: take what is there
    return ce;
  }
  if (f.contentLength >= 0) return he + f.contentLength;
  if (f.kind === KIND_REQUEST) return he;
  return end;
}

const NEED_MORE = -1;

/** A short prefix of a method name or "HTTP/": wait for more bytes before deciding. */
function couldStart(buf: Uint8Array, off: number, end: number): boolean {
  const words = ['HTTP/', 'GET ', 'POST ', 'HEAD ', 'PUT ', 'DELETE ', 'OPTIONS ', 'CONNECT ', 'PATCH ', 'TRACE '];
  for (const w of words) {
    let ok = end > off;
    for (let i = 0; off + i < end && ok; i++) if (i >= w.length || buf[off + i] !== w.charCodeAt(i)) ok = false;
    if (ok) return true;
  }
  return false;
}

export const httpStream: StreamProtocol = {
  name: 'HTTP',
  messageLength: httpMessageLength,
  decode: dissectHttpMessage,
};

/** Decodes one whole HTTP message in [off, end) of `d.buf`. */
export function dissectHttpMessage(d: Dissection, off: number, end: number): void {
  const buf = d.buf;
  const kind = startKind(buf, off, end);
  // Count of messages already decoded in this frame (pipelining): tshark appends their Info (column fence).
  const again = HTTP_IDS.has(d.protocol) && d.inner === 0;
  let he = headerEnd(buf, off, end);
  const complete = he >= 0;
  if (he < 0) he = end;
  const f = newFraming();
  scanHeaders(buf, off, he, f);
  f.kind = kind;
  // Body bytes present in this message and the declared/expected extent.
  const declaredEnd = complete ? bodyEndOrEnd(buf, end, f) : end;
  const bodyStop = Math.min(declaredEnd, end);
  const incomplete = !complete || declaredEnd > end;
  // A 206 body is a byte range of some resource, not a whole document: Wireshark dissects it as plain data
  // (no media type in Info, no XML/JSON Protocol).
  const hasBody = bodyStop > he && bodyHasData(buf, he, bodyStop, f) && !(kind === KIND_RESPONSE && f.status === 206);
  const media = f.ctStart >= 0 ? mediaKind(buf, f.ctStart, f.ctEnd) : MEDIA_OTHER;
  const proto = hasBody && media === MEDIA_XML ? PROTO_HTTP_XML : hasBody && media === MEDIA_JSON ? PROTO_HTTP_JSON : PROTO_HTTP;
  d.setProtocol(proto);
  if (kind === KIND_REQUEST) noteHttpHost(d, buf, off, he);

  const tx = d.inner === 0 ? httpTransactionsOf(d) : null;
  // Identifies the message within its frame for the tracker (several per frame when pipelined).
  const index = off;
  if (d.mode === MODE_INDEX) {
    if (tx !== null && kind !== KIND_NONE) tx.observe(d, index, kind === KIND_RESPONSE, kind === KIND_RESPONSE && f.status >= 100 && f.status < 200);
    return;
  }
  const match = tx !== null && kind !== KIND_NONE ? tx.observe(d, index, kind === KIND_RESPONSE, kind === KIND_RESPONSE && f.status >= 100 && f.status < 200) : null;

  const fle = lineEnd(buf, off, he);
  const firstLine = ascii(buf, off, fle);
  if (d.wantText) {
    let info = `${firstLine} `;
    if (hasBody) info += bodySuffix(buf, he, bodyStop, f, media);
    d.info = again ? d.info + info : info;
  }
  if (incomplete) note(d, complete ? 'HTTP body incomplete: the message continues beyond the data available' : 'HTTP header block incomplete');
  if (d.tree === null) return;

  d.open(fHttp, off, end - off, 'Hypertext Transfer Protocol');
  firstLineTree(d, kind, off, fle, firstLine);
  let host = '';
  let uri = '';
  if (kind === KIND_REQUEST) {
    const parts = firstLine.split(' ');
    uri = parts[1] ?? '';
  }
  // Header lines: each as http.request.line / http.response.line, plus its own field when it has one.
  let p = nextLine(buf, fle, he);
  while (p < he) {
    const le = lineEnd(buf, p, he);
    if (le === p) break;
    const nl = nextLine(buf, le, he);
    const line = ascii(buf, p, le);
    const colon = line.indexOf(':');
    const lineField = kind === KIND_RESPONSE ? fRespLine : fReqLine;
    d.add(lineField, p, nl - p, `${line}\r\n`, line);
    if (colon > 0) {
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const field = HEADER_FIELDS[name];
      if (field !== undefined) d.addHidden(field, value, p, le - p);
      if (name === 'host') host = value;
      if (name === 'content-length') {
        d.addHidden(fContentLengthHdr, value, p, le - p);
        if (/^\d+$/.test(value)) d.add(fContentLength, p, le - p, Number(value), `[Content length: ${value}]`);
      }
    }
    p = nl;
  }
  if (kind === KIND_REQUEST && host !== '') d.add(fFullUri, 0, 0, `http://${host}${uri}`, `[Full request URI: http://${host}${uri}]`);
  if (match !== null && match.partner !== 0) {
    if (kind === KIND_RESPONSE) {
      d.add(fRequestIn, 0, 0, match.partner, `[Request in frame: ${match.partner}]`);
      if (match.time >= 0) d.add(fTime, 0, 0, match.time, `[Time since request: ${match.time.toFixed(9)} seconds]`);
    } else {
      d.add(fResponseIn, 0, 0, match.partner, `[Response in frame: ${match.partner}]`);
    }
  }
  if (bodyStop > he) {
    const n = bodyStop - he;
    if (f.chunked) {
      const sizes: number[] = [];
      chunkedEnd(buf, he, bodyStop, sizes);
      let total = 0;
      for (let i = 0; i < sizes.length; i += 2) {
        const s = sizes[i] as number;
        const e = sizes[i + 1] as number;
        d.add(fChunkSize, s, e - s, e - s, `Chunk size: ${e - s} octets`);
        total += e - s;
      }
      const data = new Uint8Array(total);
      let at = 0;
      for (let i = 0; i < sizes.length; i += 2) {
        data.set(buf.subarray(sizes[i] as number, sizes[i + 1] as number), at);
        at += (sizes[i + 1] as number) - (sizes[i] as number);
      }
      d.add(fBodyLen, he, n, total, `[Body length: ${total} bytes (dechunked)]`);
      if (total > 0) d.add(fFileData, he, n, data, `File Data: ${total} bytes`);
    } else {
      d.add(fBodyLen, he, n, n, `[Body length: ${n} bytes]`);
      d.add(fFileData, he, n, buf.subarray(he, bodyStop), `File Data: ${n} bytes`);
    }
  }
  if (incomplete) d.add(fIncomplete, 0, 0, true, '[Message incomplete: more data follows or the connection closes it]');
  d.close();
}

function bodyEndOrEnd(buf: Uint8Array, end: number, f: Framing): number {
  const e = bodyEnd(buf, end, f);
  return e === NEED_MORE ? Number.MAX_SAFE_INTEGER : e;
}

function firstLineTree(d: Dissection, kind: number, off: number, fle: number, line: string): void {
  d.open(fFirstLine, off, fle - off, `${line}\\r\\n`);
  const parts = line.split(' ');
  if (kind === KIND_REQUEST) {
    d.addHidden(fRequest, true, off, fle - off);
    const method = parts[0] ?? '';
    const uri = parts[1] ?? '';
    const version = parts.slice(2).join(' ');
    let at = off;
    d.add(fMethod, at, method.length, method);
    at += method.length + 1;
    d.add(fUri, at, uri.length, uri);
    at += uri.length + 1;
    d.add(fReqVersion, at, version.length, version);
  } else if (kind === KIND_RESPONSE) {
    d.addHidden(fResponse, true, off, fle - off);
    const version = parts[0] ?? '';
    const codeText = parts[1] ?? '';
    const phrase = parts.slice(2).join(' ');
    let at = off;
    d.add(fRespVersion, at, version.length, version);
    at += version.length + 1;
    if (/^\d{3}$/.test(codeText)) {
      d.add(fCode, at, 3, Number(codeText));
      d.add(fCodeDesc, at, 3, phrase, `[Status Code Description: ${phrase}]`);
    }
    at += codeText.length + 1;
    d.add(fPhrase, Math.min(at, fle), Math.max(0, fle - at), phrase);
  }
  d.close();
}

const MEDIA_OTHER = 0;
const MEDIA_XML = 1;
const MEDIA_JSON = 2;
const MEDIA_IMAGE = 3;

/** Bodies Wireshark hands to a dissector that renames the Protocol column rather than adding to Info. */
function mediaKind(buf: Uint8Array, s: number, e: number): number {
  if (bytesIs(buf, s, e, 'text/xml') || bytesIs(buf, s, e, 'application/xml') || endsWithCi(buf, s, e, '+xml')) return MEDIA_XML;
  if (bytesIs(buf, s, e, 'application/json') || endsWithCi(buf, s, e, '+json')) return MEDIA_JSON;
  if (e - s > 6 && bytesIs(buf, s, s + 6, 'image/')) return MEDIA_IMAGE;
  return MEDIA_OTHER;
}

function endsWithCi(buf: Uint8Array, s: number, e: number, suffix: string): boolean {
  return e - s > suffix.length && bytesIs(buf, e - suffix.length, e, suffix);
}

/** A chunked body of only the terminating 0-chunk carries no data (no media dissector runs). */
function bodyHasData(buf: Uint8Array, he: number, stop: number, f: Framing): boolean {
  if (!f.chunked) return stop > he;
  const le = lineEnd(buf, he, stop);
  for (let i = he; i < le; i++) {
    const c = buf[i] as number;
    if (c === 0x3b || c === 0x20) break;
    if (c !== 0x30) return true;
  }
  return false;
}

/** " (text/html)", or what an image dissector would say, or '' for XML/JSON (they rename the Protocol). */
function bodySuffix(buf: Uint8Array, he: number, stop: number, f: Framing, media: number): string {
  if (f.ctStart < 0 || media === MEDIA_XML || media === MEDIA_JSON) return '';
  if (media === MEDIA_IMAGE) {
    let b = he;
    if (f.chunked) {
      const sizes: number[] = [];
      chunkedEnd(buf, he, stop, sizes);
      b = sizes.length > 0 ? (sizes[0] as number) : stop;
    }
    if (stop - b >= 6 && buf[b] === 0x47 && buf[b + 1] === 0x49 && buf[b + 2] === 0x46 && buf[b + 3] === 0x38) return ` (${ascii(buf, b, b + 6)})`;
    if (stop - b >= 8 && buf[b] === 0x89 && buf[b + 1] === 0x50 && buf[b + 2] === 0x4e && buf[b + 3] === 0x47) return ' (PNG)';
    if (stop - b >= 4 && buf[b] === 0xff && buf[b + 1] === 0xd8) {
      // JFIF: an APP0 segment named "JFIF" right after SOI.
      const jfif = stop - b >= 10 && buf[b + 2] === 0xff && buf[b + 3] === 0xe0 && bytesIs(buf, b + 6, b + 10, 'jfif');
      return jfif ? ' (JPEG JFIF image)' : ' (JPEG image)';
    }
  }
  return ` (${ascii(buf, f.ctStart, f.ctEnd).toLowerCase()})`;
}

function ascii(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i] as number);
  return out;
}

for (const port of [80, 8080, 8000, 3128]) tcpStreamTable.set(port, httpStream);
tcpStreamHeuristics.push({
  name: 'HTTP',
  detect(buf: Uint8Array, off: number, end: number): StreamProtocol | null {
    // Only a complete request/status line start counts: "GET " etc. or "HTTP/1.".
    const k = startKind(buf, off, end);
    if (k === KIND_NONE) return null;
    if (k === KIND_RESPONSE && !(end - off >= 8 && buf[off + 5] === 0x31 && buf[off + 6] === 0x2e)) return null;
    return httpStream;
  },
});

/**
 * Records an application-layer problem as text only. The packet flags are a summary column that the index
 * pass (MODE_INDEX, where this decoder returns early) must produce identically, so problems found only
 * while building Info/tree do not set PF_MALFORMED/PF_TRUNCATED.
 */
function note(d: Dissection, text: string): void {
  if (d.mode >= MODE_SUMMARY && d.inner === 0) d.problems.push(text);
}
