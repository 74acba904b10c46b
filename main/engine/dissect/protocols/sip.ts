/**
 * SIP (RFC 3261) over UDP and TCP port 5060 (5061 is SIP over TLS: not ours), and by heuristic on any UDP
 * port or TCP stream whose data starts with a SIP request or status line (Wireshark's sip heuristics, on by
 * default). Over TCP the stream layer hands whole messages (headers + Content-Length, sip-scan.ts).
 *
 * Fields use Wireshark's names (sip.Method, sip.r_uri, sip.Status-Code, sip.Via/.branch, sip.From with
 * sip.from.user/.host/.tag, sip.To/sip.to.tag, sip.Call-ID, sip.CSeq/.seq/.method, sip.Contact, …), compact
 * header forms included (i f t v m l c k s …). A body of type application/sdp goes to sdp.ts, which also
 * learns the media endpoints it announces (so RTP/RTCP there is recognised); Protocol is then "SIP/SDP".
 *
 * Info as tshark 4.0: "Request: INVITE sip:bob@example.com | ", "Status: 200 OK (INVITE) | " (the CSeq method
 * after 2xx statuses), ", in-dialog" for INVITE/SUBSCRIBE/REFER carrying a To tag, and REGISTER's binding
 * summary ("  (1 binding)"); the " | " ends each message (several per TCP segment are appended).
 */
import { fields, type FieldDef } from '../fields';
import { MODE_INDEX, type Dissection } from '../dissection';
import { tcpStreamHeuristics, tcpStreamTable, udpHeuristics, udpPortTable, type StreamProtocol } from '../tables';
import { protocolNames } from '../protocols-registry';
import { bytesIs, lineEnd, nextLine } from './http-scan';
import { newSipFraming, scanSip, sipLineKind, sipMessageLength, SIP_NONE, SIP_REQUEST, SIP_STATUS } from './sip-scan';
import { dissectSdp } from './sdp';
import { linkProtocolColumn } from '../protocol-presence';

export const PROTO_SIP = protocolNames.id('SIP');
export const PROTO_SIP_SDP = protocolNames.id('SIP/SDP');

const fSip = fields.register('sip', 'protocol', 'Session Initiation Protocol');
const fSdp = fields.register('sdp', 'protocol', 'Session Description Protocol');
// The SDP body is dissected under SIP; either column may hold both.
linkProtocolColumn(PROTO_SIP, fSip, fSdp);
linkProtocolColumn(PROTO_SIP_SDP, fSip, fSdp);
const fRequestLine = fields.register('sip.Request-Line', 'string', 'Request-Line');
const fMethod = fields.register('sip.Method', 'string', 'Method');
const fRUri = fields.register('sip.r_uri', 'string', 'Request-URI');
const fRUriUser = fields.register('sip.r_uri.user', 'string', 'Request-URI User Part');
const fRUriHost = fields.register('sip.r_uri.host', 'string', 'Request-URI Host Part');
const fStatusLine = fields.register('sip.Status-Line', 'string', 'Status-Line');
const fStatusCode = fields.register('sip.Status-Code', 'uint', 'Status-Code');
const fMsgHdr = fields.register('sip.msg_hdr', 'string', 'Message Header');
const fMsgBody = fields.register('sip.msg_body', 'bytes', 'Message Body');
const fVia = fields.register('sip.Via', 'string', 'Via');
const fViaTransport = fields.register('sip.Via.transport', 'string', 'Transport');
const fViaSentBy = fields.register('sip.Via.sent-by.address', 'string', 'Sent-by Address');
const fViaSentByPort = fields.register('sip.Via.sent-by.port', 'uint', 'Sent-by port');
const fViaBranch = fields.register('sip.Via.branch', 'string', 'Branch');
const fViaRport = fields.register('sip.Via.rport', 'string', 'RPort');
const fViaReceived = fields.register('sip.Via.received', 'string', 'Received');
const fFrom = fields.register('sip.From', 'string', 'From');
const fFromAddr = fields.register('sip.from.addr', 'string', 'SIP from address');
const fFromUser = fields.register('sip.from.user', 'string', 'SIP from address User Part');
const fFromHost = fields.register('sip.from.host', 'string', 'SIP from address Host Part');
const fFromTag = fields.register('sip.from.tag', 'string', 'SIP from tag');
const fTo = fields.register('sip.To', 'string', 'To');
const fToAddr = fields.register('sip.to.addr', 'string', 'SIP to address');
const fToUser = fields.register('sip.to.user', 'string', 'SIP to address User Part');
const fToHost = fields.register('sip.to.host', 'string', 'SIP to address Host Part');
const fToTag = fields.register('sip.to.tag', 'string', 'SIP to tag');
const fTag = fields.register('sip.tag', 'string', 'SIP tag');
const fCallId = fields.register('sip.Call-ID', 'string', 'Call-ID');
const fCSeq = fields.register('sip.CSeq', 'string', 'CSeq');
const fCSeqSeq = fields.register('sip.CSeq.seq', 'uint', 'Sequence Number');
const fCSeqMethod = fields.register('sip.CSeq.method', 'string', 'Method');
const fContact = fields.register('sip.Contact', 'string', 'Contact');
const fContactAddr = fields.register('sip.contact.addr', 'string', 'SIP contact address');
const fContentLength = fields.register('sip.Content-Length', 'uint', 'Content-Length');
const fContentType = fields.register('sip.Content-Type', 'string', 'Content-Type');
const fUserAgent = fields.register('sip.User-Agent', 'string', 'User-Agent');
const fMaxForwards = fields.register('sip.Max-Forwards', 'uint', 'Max-Forwards');
const fExpires = fields.register('sip.Expires', 'uint', 'Expires');

/** Header fields by lower-case name, compact forms (RFC 3261 §7.3.3, RFC 3515, RFC 3903 …) included. */
const HEADERS = new Map<string, FieldDef>([
  ['via', fVia], ['v', fVia],
  ['from', fFrom], ['f', fFrom],
  ['to', fTo], ['t', fTo],
  ['call-id', fCallId], ['i', fCallId],
  ['cseq', fCSeq],
  ['contact', fContact], ['m', fContact],
  ['content-length', fContentLength], ['l', fContentLength],
  ['content-type', fContentType], ['c', fContentType],
  ['user-agent', fUserAgent],
  ['max-forwards', fMaxForwards],
  ['expires', fExpires],
]);
/** Other headers that get a string field named after them (sip.Allow, sip.Supported, …). */
const OTHER_HEADERS: [string, string, string?][] = [
  ['Allow', 'allow'], ['Supported', 'supported', 'k'], ['Subject', 'subject', 's'], ['Server', 'server'],
  ['Route', 'route'], ['Record-Route', 'record-route'], ['Accept', 'accept'], ['Require', 'require'],
  ['Authorization', 'authorization'], ['WWW-Authenticate', 'www-authenticate'],
  ['Proxy-Authenticate', 'proxy-authenticate'], ['Proxy-Authorization', 'proxy-authorization'],
  ['Event', 'event', 'o'], ['Allow-Events', 'allow-events', 'u'], ['Refer-To', 'refer-to', 'r'],
  ['Content-Encoding', 'content-encoding', 'e'], ['Session-Expires', 'session-expires', 'x'], ['Reason', 'reason'],
  ['RSeq', 'rseq'], ['RAck', 'rack'], ['Date', 'date'], ['Organization', 'organization'], ['Accept-Language', 'accept-language'],
  ['P-Asserted-Identity', 'p-asserted-identity'], ['Privacy', 'privacy'], ['Min-SE', 'min-se'], ['Warning', 'warning'],
];
for (const [name, lower, compact] of OTHER_HEADERS) {
  const f = fields.register(`sip.${name}`, 'string', name);
  HEADERS.set(lower, f);
  if (compact !== undefined) HEADERS.set(compact, f);
}

const KNOWN_METHODS = new Set(['ACK', 'BYE', 'CANCEL', 'DO', 'INFO', 'INVITE', 'MESSAGE', 'NOTIFY', 'OPTIONS', 'PRACK', 'QAUTH', 'REFER', 'REGISTER', 'SPRACK', 'SUBSCRIBE', 'UPDATE', 'PUBLISH']);
const SIP_IDS = new Set([PROTO_SIP, PROTO_SIP_SDP]);

const framing = newSipFraming();

/** Port-table entry (UDP 5060): a datagram holds one message; anything else stays plain UDP, as in tshark. */
function dissectSipUdp(d: Dissection, off: number, end: number): void {
  if (sipLineKind(d.buf, off, end) !== SIP_NONE) dissectSipMessage(d, off, end);
}

/** Decodes one SIP message starting at `off` (its body ends at Content-Length or `end`). */
export function dissectSipMessage(d: Dissection, off: number, end: number): void {
  const buf = d.buf;
  const kind = sipLineKind(buf, off, end);
  if (kind === SIP_NONE) return;
  const again = SIP_IDS.has(d.protocol) && d.inner === 0;
  scanSip(buf, off, end, framing);
  const he = framing.hdrEnd < 0 ? end : framing.hdrEnd;
  const bodyEnd = framing.contentLength >= 0 ? Math.min(end, he + framing.contentLength) : end;
  const sdp = bodyEnd > he && framing.ctStart >= 0 && bytesIs(buf, framing.ctStart, framing.ctEnd, 'application/sdp');
  // A second message in the frame keeps "SIP/SDP" once any of them carried SDP.
  if (!(again && d.protocol === PROTO_SIP_SDP)) d.setProtocol(sdp ? PROTO_SIP_SDP : PROTO_SIP);
  if (d.mode === MODE_INDEX) {
    // The index pass only needs what SDP learns (media endpoints and their Call-ID).
    if (sdp) dissectSdp(d, he, bodyEnd, headerValue(buf, off, he, 'call-id', 'i'), off);
    return;
  }

  const fle = lineEnd(buf, off, he);
  const first = ascii(buf, off, fle);
  const hdrs = readHeaders(buf, nextLine(buf, fle, he), he);
  const callId = hdrs.find((h) => h.field === fCallId)?.value ?? '';
  const method = kind === SIP_REQUEST ? first.slice(0, first.indexOf(' ')) : '';
  const cseq = hdrs.find((h) => h.field === fCSeq)?.value ?? '';
  const cseqMethod = (/^\s*\d*\s*([A-Za-z]+)/.exec(cseq)?.[1] ?? '').trim();
  const status = kind === SIP_STATUS ? parseInt(first.slice(8, 11), 10) : -1;

  if (d.wantText) {
    let info = kind === SIP_REQUEST ? `${KNOWN_METHODS.has(method) ? 'Request' : 'Unknown request'}: ${first.slice(0, first.length - 8)}` : `Status: ${first.slice(8)}`;
    if (kind === SIP_REQUEST && (method === 'INVITE' || method === 'SUBSCRIBE' || method === 'REFER')) {
      const to = hdrs.find((h) => h.field === fTo);
      if (to !== undefined && sipNameAddr(to.value).tag !== '') info += ', in-dialog';
    }
    if (kind === SIP_STATUS && status >= 200 && status < 300 && cseqMethod !== '') info += ` (${cseqMethod})`;
    info += bindings(kind, method, cseqMethod, status, hdrs);
    info += ' | ';
    d.info = again ? d.info + info : info;
  }

  if (d.wants(fSip)) {
    d.open(fSip, off, bodyEnd - off, 'Session Initiation Protocol');
    firstLineTree(d, kind, off, fle, first);
    d.open(fMsgHdr, nextLine(buf, fle, he), he - nextLine(buf, fle, he), 'Message Header');
    for (const h of hdrs) headerTree(d, h);
    d.close();
    if (bodyEnd > he) {
      d.open(fMsgBody, he, bodyEnd - he, 'Message Body', buf.subarray(he, bodyEnd));
      if (sdp) dissectSdp(d, he, bodyEnd, callId, off);
      d.close();
    }
    d.close();
  } else if (sdp) {
    dissectSdp(d, he, bodyEnd, callId, off);
  }
}

interface Header {
  field: FieldDef | undefined;
  name: string;
  value: string;
  /** Whole line(s) including folded continuations, without the line end. */
  text: string;
  start: number;
  end: number;
}

/** Header lines of [p, he), continuation lines (leading space/tab) folded into the previous one. */
function readHeaders(buf: Uint8Array, p: number, he: number): Header[] {
  const out: Header[] = [];
  while (p < he) {
    const start = p;
    let le = lineEnd(buf, p, he);
    if (le === p) break;
    let nl = nextLine(buf, le, he);
    let text = ascii(buf, p, le);
    while (nl < he && (buf[nl] === 0x20 || buf[nl] === 0x09)) {
      const le2 = lineEnd(buf, nl, he);
      if (le2 === nl) break;
      text += ' ' + ascii(buf, nl, le2).trim();
      le = le2;
      nl = nextLine(buf, le2, he);
    }
    p = nl > p ? nl : he;
    const colon = text.indexOf(':');
    if (colon <= 0) {
      out.push({ field: undefined, name: '', value: '', text, start, end: le });
      continue;
    }
    const name = text.slice(0, colon).trim();
    out.push({ field: HEADERS.get(name.toLowerCase()), name, value: text.slice(colon + 1).trim(), text, start, end: le });
  }
  return out;
}

/** The value of a header given its lower-case name and compact form, without building the others (index pass). */
function headerValue(buf: Uint8Array, off: number, he: number, lower: string, compact: string): string {
  let p = nextLine(buf, lineEnd(buf, off, he), he);
  while (p < he) {
    const le = lineEnd(buf, p, he);
    if (le === p) break;
    let colon = p;
    while (colon < le && buf[colon] !== 0x3a) colon++;
    let ne = colon;
    while (ne > p && (buf[ne - 1] === 0x20 || buf[ne - 1] === 0x09)) ne--;
    if (colon < le && (bytesIs(buf, p, ne, lower) || bytesIs(buf, p, ne, compact))) return ascii(buf, colon + 1, le).trim();
    p = nextLine(buf, le, he);
  }
  return '';
}

function firstLineTree(d: Dissection, kind: number, off: number, fle: number, first: string): void {
  if (kind === SIP_REQUEST) {
    d.open(fRequestLine, off, fle - off, `Request-Line: ${first}`, first);
    const sp = first.indexOf(' ');
    const method = first.slice(0, sp);
    const uri = first.slice(sp + 1, first.length - 8);
    d.add(fMethod, off, method.length, method);
    d.open(fRUri, off + sp + 1, uri.length, `Request-URI: ${uri}`, uri);
    const u = parseUri(uri);
    if (u.user !== '') d.add(fRUriUser, off + sp + 1, uri.length, u.user);
    if (u.host !== '') d.add(fRUriHost, off + sp + 1, uri.length, u.host);
    d.close();
    d.close();
  } else {
    d.open(fStatusLine, off, fle - off, `Status-Line: ${first}`, first);
    d.add(fStatusCode, off + 8, 3, parseInt(first.slice(8, 11), 10), `Status-Code: ${first.slice(8)}`);
    d.close();
  }
}

function headerTree(d: Dissection, h: Header): void {
  const len = h.end - h.start;
  if (h.field === undefined) {
    d.add(fMsgHdr, h.start, len, h.text, h.text);
    return;
  }
  const f = h.field;
  if (f === fContentLength || f === fMaxForwards || f === fExpires) {
    // Wireshark reads these with atoi: leading digits, 0 when none.
    d.add(f, h.start, len, parseInt(h.value, 10) || 0, h.text);
    return;
  }
  d.open(f, h.start, len, h.text, h.value);
  if (f === fVia) {
    const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^;,\s]+)/.exec(h.value);
    if (m !== null) {
      d.add(fViaTransport, h.start, len, m[1] as string);
      const sentBy = m[2] as string;
      const pm = /^(\[[^\]]*\]|[^:]+)(?::(\d+))?$/.exec(sentBy);
      d.add(fViaSentBy, h.start, len, pm !== null ? (pm[1] as string) : sentBy);
      if (pm !== null && pm[2] !== undefined) d.add(fViaSentByPort, h.start, len, parseInt(pm[2], 10));
    }
    const branch = param(h.value, 'branch');
    if (branch !== null) d.add(fViaBranch, h.start, len, branch);
    const rport = param(h.value, 'rport');
    if (rport !== null) d.add(fViaRport, h.start, len, rport);
    const received = param(h.value, 'received');
    if (received !== null) d.add(fViaReceived, h.start, len, received);
  } else if (f === fFrom || f === fTo) {
    const na = sipNameAddr(h.value);
    const from = f === fFrom;
    d.add(from ? fFromAddr : fToAddr, h.start, len, na.uri);
    const u = parseUri(na.uri);
    if (u.user !== '') d.add(from ? fFromUser : fToUser, h.start, len, u.user);
    if (u.host !== '') d.add(from ? fFromHost : fToHost, h.start, len, u.host);
    if (na.tag !== '') {
      d.add(from ? fFromTag : fToTag, h.start, len, na.tag);
      d.addHidden(fTag, na.tag, h.start, len);
    }
  } else if (f === fCSeq) {
    const m = /^(\d+)\s*([A-Za-z]*)/.exec(h.value);
    if (m !== null) {
      d.add(fCSeqSeq, h.start, len, parseInt(m[1] as string, 10) >>> 0);
      if (m[2] !== '') d.add(fCSeqMethod, h.start, len, m[2] as string);
    }
  } else if (f === fContact) {
    for (const item of splitContacts(h.value)) {
      if (item.trim() === '*') continue;
      d.add(fContactAddr, h.start, len, sipNameAddr(item).uri);
    }
  }
  d.close();
}

/** `;name=value` (or bare `;name`) parameter of a header value; null when absent. */
function param(value: string, name: string): string | null {
  const re = new RegExp(`;\\s*${name}(?:\\s*=\\s*([^;,\\s]*))?`, 'i');
  const m = re.exec(value);
  return m === null ? null : (m[1] ?? '');
}

/** name-addr or addr-spec (RFC 3261 §20.10): the URI and the header's tag parameter. */
export function sipNameAddr(value: string): { uri: string; tag: string } {
  let uri: string;
  let rest: string;
  const lt = value.indexOf('<');
  if (lt >= 0) {
    const gt = value.indexOf('>', lt);
    uri = value.slice(lt + 1, gt < 0 ? value.length : gt);
    rest = gt < 0 ? '' : value.slice(gt + 1);
  } else {
    const semi = value.indexOf(';');
    uri = (semi < 0 ? value : value.slice(0, semi)).trim();
    rest = semi < 0 ? '' : value.slice(semi);
  }
  // Wireshark looks for "tag=" anywhere after the address and takes it up to the next ';'.
  const t = rest.indexOf('tag=');
  const tag = t < 0 ? '' : (rest.slice(t + 4).split(';')[0] ?? '').trim();
  return { uri, tag };
}

/** User and host parts of a sip:/sips:/tel: URI. */
function parseUri(uri: string): { user: string; host: string } {
  const m = /^(?:sips?|tel):/i.exec(uri);
  let s = m === null ? uri : uri.slice(m[0].length);
  s = s.split(';')[0]?.split('?')[0] ?? '';
  const at = s.lastIndexOf('@');
  const user = at >= 0 ? s.slice(0, at).split(':')[0] ?? '' : '';
  const hostPort = at >= 0 ? s.slice(at + 1) : s;
  const host = hostPort.startsWith('[') ? hostPort.slice(0, hostPort.indexOf(']') + 1) : (hostPort.split(':')[0] ?? '');
  return { user, host };
}

/** Contact items separated by commas outside quotes and angle brackets. */
function splitContacts(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') depth++;
    else if (!quoted && c === '>') depth--;
    else if (!quoted && depth <= 0 && c === ',') {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out.filter((s) => s.trim() !== '');
}

/** REGISTER's binding summary in Info (packet-sip.c: requests, and 2xx responses to REGISTER). */
function bindings(kind: number, method: string, cseqMethod: string, status: number, hdrs: Header[]): string {
  const request = kind === SIP_REQUEST && method === 'REGISTER';
  const okResponse = kind === SIP_STATUS && cseqMethod === 'REGISTER' && status >= 200 && status < 300;
  if (!request && !okResponse) return '';
  let contacts = 0;
  let star = false;
  let expires0 = 0;
  let unknown = 0;
  let expiresIs0 = false;
  for (const h of hdrs) {
    if (h.field === fExpires && h.value === '0') expiresIs0 = true;
    if (h.field !== fContact) continue;
    if (h.value.startsWith('*')) {
      star = true;
      continue;
    }
    for (const item of splitContacts(h.value)) {
      contacts++;
      const gt = item.indexOf('>');
      const e = param(gt >= 0 ? item.slice(gt + 1) : item, 'expires');
      // As packet-sip.c: an expires=0 contact counts both as removed and as "no (non-zero) expires" — with
      // an Expires: 0 header it is then counted twice (tshark says "remove 2 bindings" for one contact).
      if (e !== null && /^\d+$/.test(e) && parseInt(e, 10) === 0) expires0++;
      if (e === null || !/^\d+$/.test(e) || parseInt(e, 10) === 0) unknown++;
    }
  }
  if (expiresIs0) expires0 += unknown;
  const s = (n: number): string => (n === 1 ? '' : 's');
  if (request) {
    if (star && expiresIs0) return '  (remove all bindings)';
    if (expires0 > 0) return `  (remove ${expires0} binding${s(expires0)})` + (contacts > expires0 ? ` (add ${contacts - expires0} binding${s(contacts - expires0)})` : '');
    if (contacts === 0) return '  (fetch bindings)';
    return `  (${contacts} binding${s(contacts)})`;
  }
  if (expires0 > 0) return `  (removed ${expires0} binding${s(expires0)})` + (contacts > expires0 ? ` (${contacts - expires0} binding${s(contacts - expires0)} kept)` : '');
  return `  (${contacts} binding${s(contacts)})`;
}

function ascii(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i] as number);
  return out;
}

export const sipStream: StreamProtocol = {
  name: 'SIP',
  messageLength: sipMessageLength,
  decode: dissectSipMessage,
};

udpPortTable.register(5060, dissectSipUdp);
tcpStreamTable.set(5060, sipStream);
udpHeuristics.push({
  name: 'SIP',
  decode(d: Dissection, off: number, end: number): boolean {
    if (sipLineKind(d.buf, off, end) === SIP_NONE) return false;
    dissectSipMessage(d, off, end);
    return true;
  },
});
tcpStreamHeuristics.push({
  name: 'SIP',
  detect(buf: Uint8Array, off: number, end: number): StreamProtocol | null {
    return sipLineKind(buf, off, end) !== SIP_NONE ? sipStream : null;
  },
});
