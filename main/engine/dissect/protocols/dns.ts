/**
 * DNS (RFC 1035 and successors) over UDP and TCP port 53; mDNS (5353) and LLMNR (5355) reuse it from their
 * own files with a different flavour. Header, questions and every section's records: A, AAAA, CNAME, NS,
 * PTR, DNAME, MX, TXT, SRV, SOA, NSEC, SVCB/HTTPS (keys and values), OPT (EDNS0 and its options); other
 * types are shown as raw data. Info text and field names follow Wireshark 4.0's packet-dns.c.
 *
 * Bad input never throws: names are read with loop and length guards (dns-names.ts), every length is checked
 * against the bytes present, and running out of bytes ends the dissection with "[Malformed Packet]" (or
 * "[Packet size limited during capture]" when the snapshot length cut the frame), as tshark does.
 *
 * Query/response matching needs cross-packet state: it is read from the engine-owned tracker in
 * `d.appState` (dns-transactions.ts) when the engine provides one.
 */
import { fields } from '../fields';
import { MODE_INDEX, MODE_SUMMARY, type Dissection, type FieldScope } from '../dissection';
import { noteDnsAnswers } from '../../classify/app-names';
import { tcpStreamTable, udpPortTable, type StreamProtocol } from '../tables';
import { protocolNames } from '../protocols-registry';
import { formatIPv4, formatIPv6 } from '../../base/addr';
import { reportedEnd } from './tcp-ports';
import { newNameResult, readName, NAME_BAD_LABEL, NAME_OK, NAME_TRUNCATED, type NameResult } from './dns-names';
import { dnsClassName, dnsOpcodeName, dnsRcodeName, dnsTypeName, ednsOptionName, svcKeyName } from './dns-names-table';
import { dnsTransactionsOf } from './dns-transactions';
import { linkProtocolColumn } from '../protocol-presence';

export const PROTO_DNS = protocolNames.id('DNS');

/** Which protocol the message belongs to: the same wire format, different names and a few extra bits. */
export const FLAVOR_DNS = 0;
export const FLAVOR_MDNS = 1;
export const FLAVOR_LLMNR = 2;

const fDns = fields.register('dns', 'protocol', 'Domain Name System');
const fMdns = fields.register('mdns', 'protocol', 'Multicast Domain Name System');
const fLlmnr = fields.register('llmnr', 'protocol', 'Link-local Multicast Name Resolution');
const fLength = fields.register('dns.length', 'uint', 'Length');
const fId = fields.register('dns.id', 'uint', 'Transaction ID', 'hex');
const fFlags = fields.register('dns.flags', 'uint', 'Flags', 'hex');
const fResponse = fields.register('dns.flags.response', 'bool', 'Response');
const fOpcode = fields.register('dns.flags.opcode', 'uint', 'Opcode');
const fAuth = fields.register('dns.flags.authoritative', 'bool', 'Authoritative');
const fConflictQ = fields.register('dns.flags.conflict', 'bool', 'Conflict');
const fTrunc = fields.register('dns.flags.truncated', 'bool', 'Truncated');
const fRd = fields.register('dns.flags.recdesired', 'bool', 'Recursion desired');
const fTentative = fields.register('dns.flags.tentative', 'bool', 'Tentative');
const fRa = fields.register('dns.flags.recavail', 'bool', 'Recursion available');
const fZ = fields.register('dns.flags.z', 'bool', 'Z');
const fAd = fields.register('dns.flags.authenticated', 'bool', 'Answer authenticated');
const fCd = fields.register('dns.flags.checkdisable', 'bool', 'Non-authenticated data');
const fRcode = fields.register('dns.flags.rcode', 'uint', 'Reply code');
const fQdCount = fields.register('dns.count.queries', 'uint', 'Questions');
const fAnCount = fields.register('dns.count.answers', 'uint', 'Answer RRs');
const fNsCount = fields.register('dns.count.auth_rr', 'uint', 'Authority RRs');
const fArCount = fields.register('dns.count.add_rr', 'uint', 'Additional RRs');
// Section and record nodes (Wireshark shows them as plain text items; they are label-only here).
const fQueries = fields.register('dns.queries', 'none', 'Queries');
const fAnswers = fields.register('dns.answers', 'none', 'Answers');
const fAuthorities = fields.register('dns.authorities', 'none', 'Authoritative nameservers');
const fAdditionals = fields.register('dns.additionals', 'none', 'Additional records');
const fQuery = fields.register('dns.query', 'none', 'Query');
const fRr = fields.register('dns.rr', 'none', 'Resource record');
const fQryName = fields.register('dns.qry.name', 'string', 'Name');
const fQryNameLen = fields.register('dns.qry.name.len', 'uint', 'Name Length');
const fLabels = fields.register('dns.count.labels', 'uint', 'Label Count');
const fQryType = fields.register('dns.qry.type', 'uint', 'Type');
const fQryClass = fields.register('dns.qry.class', 'uint', 'Class', 'hex');
const fQryQu = fields.register('dns.qry.qu', 'bool', '"QU" question');
const fRespName = fields.register('dns.resp.name', 'string', 'Name');
const fRespType = fields.register('dns.resp.type', 'uint', 'Type');
const fRespClass = fields.register('dns.resp.class', 'uint', 'Class', 'hex');
const fCacheFlush = fields.register('dns.resp.cache_flush', 'bool', 'Cache flush');
const fTtl = fields.register('dns.resp.ttl', 'uint', 'Time to live');
const fRdLen = fields.register('dns.resp.len', 'uint', 'Data length');
const fA = fields.register('dns.a', 'ipv4', 'Address');
const fAaaa = fields.register('dns.aaaa', 'ipv6', 'AAAA Address');
const fCname = fields.register('dns.cname', 'string', 'CNAME');
const fNs = fields.register('dns.ns', 'string', 'Name Server');
const fPtr = fields.register('dns.ptr.domain_name', 'string', 'Domain Name');
const fDname = fields.register('dns.dname', 'string', 'Dname');
const fMxPref = fields.register('dns.mx.preference', 'uint', 'Preference');
const fMx = fields.register('dns.mx.mail_exchange', 'string', 'Mail Exchange');
const fTxtLen = fields.register('dns.txt.length', 'uint', 'TXT Length');
const fTxt = fields.register('dns.txt', 'string', 'TXT');
const fSrvPrio = fields.register('dns.srv.priority', 'uint', 'Priority');
const fSrvWeight = fields.register('dns.srv.weight', 'uint', 'Weight');
const fSrvPort = fields.register('dns.srv.port', 'uint', 'Port');
const fSrvTarget = fields.register('dns.srv.target', 'string', 'Target');
const fSoaMname = fields.register('dns.soa.mname', 'string', 'Primary name server');
const fSoaRname = fields.register('dns.soa.rname', 'string', 'Responsible authority\'s mailbox');
const fSoaSerial = fields.register('dns.soa.serial_number', 'uint', 'Serial Number');
const fSoaRefresh = fields.register('dns.soa.refresh_interval', 'uint', 'Refresh Interval');
const fSoaRetry = fields.register('dns.soa.retry_interval', 'uint', 'Retry Interval');
const fSoaExpire = fields.register('dns.soa.expire_limit', 'uint', 'Expire limit');
const fSoaMin = fields.register('dns.soa.minimum_ttl', 'uint', 'Minimum TTL');
const fNsecNext = fields.register('dns.nsec.next_domain_name', 'string', 'Next Domain Name');
const fSvcPrio = fields.register('dns.svcb.svcpriority', 'uint', 'SvcPriority');
const fSvcTarget = fields.register('dns.svcb.targetname', 'string', 'TargetName');
const fSvcParam = fields.register('dns.svcb.svcparam', 'none', 'SvcParam');
const fSvcKey = fields.register('dns.svcb.svcparam.key', 'uint', 'SvcParamKey');
const fSvcLen = fields.register('dns.svcb.svcparam.value.length', 'uint', 'SvcParamValue length');
const fSvcValue = fields.register('dns.svcb.svcparam.value', 'bytes', 'SvcParamValue');
const fSvcMandatory = fields.register('dns.svcb.svcparam.mandatory.key', 'uint', 'Mandatory key');
const fSvcAlpnLen = fields.register('dns.svcb.svcparam.alpn.length', 'uint', 'ALPN length');
const fSvcAlpn = fields.register('dns.svcb.svcparam.alpn', 'string', 'ALPN');
const fSvcPort = fields.register('dns.svcb.svcparam.port', 'uint', 'Port');
const fSvcV4 = fields.register('dns.svcb.svcparam.ipv4hint.ip', 'ipv4', 'IP');
const fSvcV6 = fields.register('dns.svcb.svcparam.ipv6hint.ip', 'ipv6', 'IP');
const fSvcEch = fields.register('dns.svcb.svcparam.echconfig', 'bytes', 'ECHConfig');
const fUdpSize = fields.register('dns.rr.udp_payload_size', 'uint', 'UDP payload size');
const fExtRcode = fields.register('dns.resp.ext_rcode', 'uint', 'Higher bits in extended RCODE', 'hex');
const fEdnsVersion = fields.register('dns.resp.edns0_version', 'uint', 'EDNS0 version');
const fEdnsZ = fields.register('dns.resp.z', 'uint', 'Z', 'hex');
const fEdnsDo = fields.register('dns.resp.z.do', 'bool', 'DO bit');
const fOpt = fields.register('dns.opt', 'none', 'Option');
const fOptCode = fields.register('dns.opt.code', 'uint', 'Option: Code');
const fOptLen = fields.register('dns.opt.len', 'uint', 'Option: Length');
const fOptData = fields.register('dns.opt.data', 'bytes', 'Option: Data');
const fOptFamily = fields.register('dns.opt.client.family', 'uint', 'Family');
const fOptNetmask = fields.register('dns.opt.client.netmask', 'uint', 'Source Netmask');
const fOptScope = fields.register('dns.opt.client.scope', 'uint', 'Scope Netmask');
const fOptAddr4 = fields.register('dns.opt.client.addr4', 'ipv4', 'Client Subnet');
const fOptAddr6 = fields.register('dns.opt.client.addr6', 'ipv6', 'Client Subnet');
const fOptCookieC = fields.register('dns.opt.cookie.client', 'bytes', 'Client Cookie');
const fOptCookieS = fields.register('dns.opt.cookie.server', 'bytes', 'Server Cookie');
const fOptKeepalive = fields.register('dns.opt.edns_tcp_keepalive.timeout', 'uint', 'Timeout');
const fOptPadding = fields.register('dns.opt.padding', 'bytes', 'Padding');
const fData = fields.register('dns.data', 'bytes', 'Data');
const fResponseIn = fields.register('dns.response_in', 'uint', 'Response In');
const fResponseTo = fields.register('dns.response_to', 'uint', 'Request In');
const fTime = fields.register('dns.time', 'reltime', 'Time');

/** DNS fields outside the record sections: a limited tree wanting only these skips the records' walk. */
const HEAD_FIELDS = [fDns, fMdns, fLlmnr, fLength, fId, fQdCount, fAnCount, fNsCount, fArCount, fQueries, fQuery, fQryName, fQryNameLen, fLabels, fQryType, fQryClass, fQryQu, fResponseIn, fResponseTo, fTime];
const FLAG_FIELDS = [fFlags, fResponse, fOpcode, fAuth, fConflictQ, fTrunc, fRd, fTentative, fRa, fZ, fAd, fCd, fRcode];
interface WantedParts {
  readonly flags: boolean;
  readonly records: boolean;
}
const ALL_PARTS: WantedParts = { flags: true, records: true };
const partsByScope = new WeakMap<FieldScope, WantedParts>();

/** Which parts of the DNS subtree a limited tree keeps anything of (worked out once per scope). */
function wantedParts(want: FieldScope | null): WantedParts {
  if (want === null) return ALL_PARTS;
  let parts = partsByScope.get(want);
  if (parts === undefined) {
    const head = new Set([...HEAD_FIELDS, ...FLAG_FIELDS].map((f) => f.id));
    const records = fields.all().some((f) => f.name.startsWith('dns.') && !head.has(f.id) && want.fields[f.id] === 1);
    parts = { flags: FLAG_FIELDS.some((f) => want.fields[f.id] === 1), records };
    partsByScope.set(want, parts);
  }
  return parts;
}

const HDR = 12;
/** Label bytes all names of one message may walk (a real message needs a few KiB at most). */
const NAME_BUDGET = 1024 * 1024;
const T_A = 1;
const T_NS = 2;
const T_CNAME = 5;
const T_SOA = 6;
const T_PTR = 12;
const T_MX = 15;
const T_TXT = 16;
const T_AAAA = 28;
const T_SRV = 33;
const T_DNAME = 39;
const T_OPT = 41;
const T_NSEC = 47;
const T_SVCB = 64;
const T_HTTPS = 65;

const PROTO_NAMES = ['DNS', 'MDNS', 'LLMNR'];
const PROTO_IDS = PROTO_NAMES.map((n) => protocolNames.id(n));
// mDNS and LLMNR messages carry dns.* fields under their own protocol node.
linkProtocolColumn(PROTO_IDS[0] as number, fDns);
linkProtocolColumn(PROTO_IDS[1] as number, fMdns, fDns);
linkProtocolColumn(PROTO_IDS[2] as number, fLlmnr, fDns);
const ROOTS = [fDns, fMdns, fLlmnr];
const TITLES = ['Domain Name System', 'Multicast Domain Name System', 'Link-local Multicast Name Resolution'];

/** Per-message parsing context (text/tree modes only). */
interface Ctx {
  d: Dissection;
  msg: number;
  end: number;
  flavor: number;
  text: boolean;
  tree: boolean;
  /** False in a limited tree (Dissection.want): node labels are not read, so they are not built. */
  labels: boolean;
  parts: WantedParts;
  info: string;
  nr: NameResult;
}

/** Raised inside the record walk when the bytes run out; caught in `dissectDnsMessage` (never escapes). */
class OutOfBytes {
  constructor(readonly at: number) {}
}

/**
 * Decodes one DNS message in [off, end) of `d.buf`. `lenPrefix` is true over TCP, where a 2-byte length
 * precedes the message.
 */
export function dissectDnsMessage(d: Dissection, off: number, end: number, flavor: number, lenPrefix: boolean): void {
  const protoId = PROTO_IDS[flavor] as number;
  // Several messages in one TCP segment: tshark appends each one's Info after the previous one's (fence).
  const appendInfo = d.protocol === protoId;
  d.setProtocol(protoId);
  const msg = lenPrefix ? off + 2 : off;
  noteDnsAnswers(d, msg, end);
  const tx = d.inner === 0 ? dnsTransactionsOf(d) : null;
  if (d.mode === MODE_INDEX) {
    if (tx !== null && end - msg >= 4) tx.observe(d, d.dv.getUint16(msg), (d.buf[msg + 2] as number) >= 0x80);
    return;
  }
  const c: Ctx = { d, msg, end, flavor, text: d.wantText, tree: d.tree !== null, labels: d.want === null, parts: wantedParts(d.want), info: '', nr: newNameResult() };
  if (c.tree) {
    d.open(ROOTS[flavor] as typeof fDns, off, end - off, TITLES[flavor] as string);
    if (lenPrefix && end - off >= 2) d.add(fLength, off, 2, d.dv.getUint16(off));
  }
  try {
    body(c, tx);
  } catch (e) {
    if (!(e instanceof OutOfBytes)) throw e;
    // Bytes the snapshot length cut off versus a message that is really too short.
    const cut = reportedEnd(d, end) > end;
    note(d, cut ? 'DNS message cut by the capture length' : `DNS message malformed: needs more bytes than its ${end - msg} at offset ${e.at - msg}`);
    c.info += cut ? '[Packet size limited during capture]' : '[Malformed Packet]';
  }
  if (c.tree) d.close();
  if (c.text) d.info = appendInfo ? d.info + c.info : c.info;
}

function need(c: Ctx, at: number, n: number): void {
  if (at + n > c.end) throw new OutOfBytes(at);
}

function body(c: Ctx, tx: ReturnType<typeof dnsTransactionsOf>): void {
  const { d, msg } = c;
  const dv = d.dv;
  need(c, msg, 4);
  const id = dv.getUint16(msg);
  const flags = dv.getUint16(msg + 2);
  const response = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  if (c.text) {
    c.info = `${dnsOpcodeName(opcode)}${response ? ' response' : ''} 0x${id.toString(16).padStart(4, '0')}`;
    if (response && rcode !== 0) c.info += ` ${dnsRcodeName(rcode)}`;
  }
  const match = tx !== null ? tx.observe(d, id, response) : null;
  if (c.tree) {
    const root = d.tree !== null ? lastOpen(d) : null;
    if (root && c.labels) root.label = `${TITLES[c.flavor]} (${response ? 'response' : 'query'})`;
    if (match !== null && match.partner !== 0) {
      if (response) d.add(fResponseTo, 0, 0, match.partner, `[Request In: ${match.partner}]`);
      else d.add(fResponseIn, 0, 0, match.partner, `[Response In: ${match.partner}]`);
    }
    d.add(fId, msg, 2, id, c.labels ? `Transaction ID: 0x${id.toString(16).padStart(4, '0')}` : undefined);
    if (c.parts.flags) flagsTree(c, msg + 2, flags, response);
  }
  need(c, msg, HDR);
  const qd = dv.getUint16(msg + 4);
  const an = dv.getUint16(msg + 6);
  const ns = dv.getUint16(msg + 8);
  const ar = dv.getUint16(msg + 10);
  if (c.tree) {
    d.add(fQdCount, msg + 4, 2, qd);
    d.add(fAnCount, msg + 6, 2, an);
    d.add(fNsCount, msg + 8, 2, ns);
    d.add(fArCount, msg + 10, 2, ar);
  }
  // A question takes at least 5 bytes and a record 11: counts the message cannot hold are flagged up front
  // (the walk below still stops at the first record that runs out of bytes).
  const room = c.end - msg - HDR;
  if (qd * 5 + (an + ns + ar) * 11 > room) {
    note(d, `DNS record counts (${qd}/${an}/${ns}/${ar}) exceed the ${room} bytes after the header`);
  }
  let p = msg + HDR;
  p = questions(c, p, qd);
  // Only the text and a tree wanting record fields need the records walked.
  if (c.text || (c.tree && c.parts.records)) {
    p = records(c, p, an, fAnswers, 'Answers');
    p = records(c, p, ns, fAuthorities, 'Authoritative nameservers');
    records(c, p, ar, fAdditionals, 'Additional records');
  }
  if (c.tree && match !== null && response && match.partner !== 0 && match.time >= 0) {
    d.add(fTime, 0, 0, match.time, `[Time: ${match.time.toFixed(9)} seconds]`);
  }
}

function lastOpen(d: Dissection): { label: string } | null {
  const t = d.tree;
  if (t === null || t.length === 0) return null;
  return t[t.length - 1] ?? null;
}

function flagsTree(c: Ctx, at: number, flags: number, response: boolean): void {
  const d = c.d;
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  const l = c.labels;
  let summary = `${dnsOpcodeName(opcode)}${response ? ' response' : ''}`;
  if (response) summary += `, ${dnsRcodeName(rcode)}`;
  d.open(fFlags, at, 2, l ? `Flags: 0x${flags.toString(16).padStart(4, '0')} ${summary}` : '', flags);
  const bit = (field: typeof fFlags, mask: number, name: string, set: string, clear: string): void => {
    d.add(field, at, 2, (flags & mask) !== 0, l ? `${bits(flags, mask)} = ${name}: ${flags & mask ? set : clear}` : undefined);
  };
  bit(fResponse, 0x8000, 'Response', 'Message is a response', 'Message is a query');
  d.add(fOpcode, at, 2, opcode, l ? `${bits(flags, 0x7800)} = Opcode: ${dnsOpcodeName(opcode)} (${opcode})` : undefined);
  if (response) bit(fAuth, 0x0400, 'Authoritative', 'Server is an authority for domain', 'Server is not an authority for domain');
  else if (c.flavor === FLAVOR_LLMNR) bit(fConflictQ, 0x0400, 'Conflict', 'The name is not unique', 'None');
  bit(fTrunc, 0x0200, 'Truncated', 'Message is truncated', 'Message is not truncated');
  if (c.flavor === FLAVOR_LLMNR) bit(fTentative, 0x0100, 'Tentative', 'Tentative', 'Not tentative');
  else bit(fRd, 0x0100, 'Recursion desired', 'Do query recursively', "Don't do query recursively");
  if (response) bit(fRa, 0x0080, 'Recursion available', 'Server can do recursive queries', "Server can't do recursive queries");
  bit(fZ, 0x0040, 'Z', 'reserved (1)', 'reserved (0)');
  bit(fAd, 0x0020, 'Answer authenticated', 'Answer/authority portion was authenticated by the server', 'Answer/authority portion was not authenticated by the server');
  bit(fCd, 0x0010, 'Non-authenticated data', 'Acceptable', 'Unacceptable');
  if (response) d.add(fRcode, at, 2, rcode, l ? `${bits(flags, 0x000f)} = Reply code: ${dnsRcodeName(rcode)} (${rcode})` : undefined);
  d.close();
}

/** Wireshark's bitfield drawing for a 16-bit flags word ("1... .... .... ...."). */
function bits(value: number, mask: number): string {
  let s = '';
  for (let i = 15; i >= 0; i--) {
    s += mask & (1 << i) ? (value & (1 << i) ? '1' : '0') : '.';
    if (i % 4 === 0 && i) s += ' ';
  }
  return s;
}

/** Reads a name at `at` into c.nr; a name cut by the end of the bytes ends the dissection. */
function name(c: Ctx, at: number): NameResult {
  readName(c.d.buf, c.msg, c.end, at, c.nr);
  // A cut name, or a label type nobody defines (tshark gives up there too): the rest cannot be trusted.
  if (c.nr.error === NAME_TRUNCATED || c.nr.error === NAME_BAD_LABEL) throw new OutOfBytes(at);
  if (c.nr.walked > NAME_BUDGET) {
    note(c.d, 'DNS names too costly to decode (crafted overlong names)');
    throw new OutOfBytes(at);
  }
  return c.nr;
}

function questions(c: Ctx, p: number, count: number): number {
  const d = c.d;
  const dv = d.dv;
  if (count === 0) return p;
  if (c.tree) d.open(fQueries, p, 0, 'Queries');
  try {
    for (let i = 0; i < count; i++) {
      const n = name(c, p);
      const nameText = n.name;
      const nameLen = n.used;
      const labels = n.labels;
      const ok = n.error === NAME_OK;
      const q = n.next;
      need(c, q, 4);
      const type = dv.getUint16(q);
      const cls = dv.getUint16(q + 2);
      const mdnsQu = c.flavor === FLAVOR_MDNS && (cls & 0x8000) !== 0;
      const realCls = c.flavor === FLAVOR_MDNS ? cls & 0x7fff : cls;
      if (c.text) {
        c.info += ` ${dnsTypeName(type)} ${nameText}`;
        if (c.flavor === FLAVOR_MDNS) c.info += mdnsQu ? ', "QU" question' : ', "QM" question';
      }
      if (c.tree) {
        const l = c.labels;
        d.open(fQuery, p, q + 4 - p, l ? `${nameText}: type ${dnsTypeName(type)}, class ${dnsClassName(realCls)}${mdnsQu ? ', "QU" question' : ''}` : '');
        d.add(fQryName, p, nameLen, nameText);
        if (ok) {
          d.add(fQryNameLen, p, nameLen, nameText === '<Root>' ? 6 : nameText.length, l ? `[Name Length: ${nameText === '<Root>' ? 6 : nameText.length}]` : undefined);
          d.add(fLabels, p, nameLen, labels, l ? `[Label Count: ${labels}]` : undefined);
        }
        d.add(fQryType, q, 2, type, l ? `Type: ${dnsTypeName(type)} (${type})` : undefined);
        d.add(fQryClass, q + 2, 2, realCls, l ? `Class: ${dnsClassName(realCls)} (0x${realCls.toString(16).padStart(4, '0')})` : undefined);
        if (c.flavor === FLAVOR_MDNS) d.add(fQryQu, q + 2, 2, mdnsQu, l ? `${bits(cls, 0x8000)} = "QU" question: ${mdnsQu ? 'True' : 'False'}` : undefined);
        d.close();
      }
      p = q + 4;
    }
  } finally {
    if (c.tree) d.close();
  }
  return p;
}

function records(c: Ctx, p: number, count: number, section: typeof fAnswers, title: string): number {
  const d = c.d;
  if (count === 0) return p;
  if (c.tree) d.open(section, p, 0, title);
  try {
    for (let i = 0; i < count; i++) p = record(c, p);
  } finally {
    if (c.tree) d.close();
  }
  return p;
}

function record(c: Ctx, p: number): number {
  const d = c.d;
  const dv = d.dv;
  const n = name(c, p);
  const ownerText = n.name;
  const ownerLen = n.used;
  const q = n.next;
  need(c, q, 10);
  const type = dv.getUint16(q);
  const cls = dv.getUint16(q + 2);
  const ttl = dv.getUint32(q + 4);
  const rdLen = dv.getUint16(q + 8);
  const rd = q + 10;
  const typeName = dnsTypeName(type);
  const flush = c.flavor === FLAVOR_MDNS && type !== T_OPT && (cls & 0x8000) !== 0;
  const realCls = c.flavor === FLAVOR_MDNS && type !== T_OPT ? cls & 0x7fff : cls;
  if (c.text) c.info += flush ? ` ${typeName}, cache flush` : ` ${typeName}`;
  if (type === T_OPT) return opt(c, p, ownerText, ownerLen, q, cls, ttl, rdLen);
  const l = c.labels;
  const node = c.tree ? d.open(fRr, p, rd + rdLen - p, l ? `${ownerText}: type ${typeName}, class ${dnsClassName(realCls)}${flush ? ', cache flush' : ''}` : '') : null;
  if (c.tree) {
    d.add(fRespName, p, ownerLen, ownerText);
    d.add(fRespType, q, 2, type, l ? `Type: ${typeName} (${type})` : undefined);
    d.add(fRespClass, q + 2, 2, realCls, l ? `Class: ${dnsClassName(realCls)} (0x${realCls.toString(16).padStart(4, '0')})` : undefined);
    if (c.flavor === FLAVOR_MDNS) d.add(fCacheFlush, q + 2, 2, flush, l ? `${bits(cls, 0x8000)} = Cache flush: ${flush ? 'True' : 'False'}` : undefined);
    d.add(fTtl, q + 4, 4, ttl, l ? `Time to live: ${ttl}` : undefined);
    d.add(fRdLen, q + 8, 2, rdLen);
  }
  try {
    need(c, rd, rdLen);
    const detail = rdata(c, type, rd, rd + rdLen);
    if (c.text && detail) c.info += ` ${detail}`;
    if (node !== null && detail && l) node.label += `, ${rdataLabel(type)}${detail}`;
  } finally {
    if (c.tree) d.close();
  }
  return rd + rdLen;
}

function rdataLabel(type: number): string {
  switch (type) {
    case T_A:
    case T_AAAA:
      return 'addr ';
    case T_NS:
      return 'ns ';
    case T_CNAME:
      return 'cname ';
    case T_PTR:
      return '';
    case T_MX:
      return 'preference ';
    case T_SOA:
      return 'mname ';
    default:
      return '';
  }
}

/**
 * Decodes the data of one record in [p, e); returns what tshark appends to Info after the type name ('' when
 * nothing). Names inside the data may point anywhere earlier in the message.
 */
function rdata(c: Ctx, type: number, p: number, e: number): string {
  const d = c.d;
  const dv = d.dv;
  const buf = d.buf;
  const len = e - p;
  const bad = (what: string): string => {
    note(d, `DNS ${dnsTypeName(type)} record: ${what}`);
    if (c.tree && len > 0) d.add(fData, p, len, buf.subarray(p, e));
    return '';
  };
  switch (type) {
    case T_A: {
      if (len !== 4) return bad(`data length ${len}, expected 4`);
      const a = formatIPv4(buf, p);
      if (c.tree) d.add(fA, p, 4, a, `Address: ${a}`);
      return a;
    }
    case T_AAAA: {
      if (len !== 16) return bad(`data length ${len}, expected 16`);
      const a = formatIPv6(buf, p);
      if (c.tree) d.add(fAaaa, p, 16, a, `AAAA Address: ${a}`);
      return a;
    }
    case T_NS:
    case T_CNAME:
    case T_PTR:
    case T_DNAME: {
      const n = name(c, p);
      const field = type === T_NS ? fNs : type === T_CNAME ? fCname : type === T_PTR ? fPtr : fDname;
      if (c.tree) d.add(field, p, n.used, n.name);
      return n.name;
    }
    case T_MX: {
      if (len < 3) return bad('too short');
      const pref = dv.getUint16(p);
      const n = name(c, p + 2);
      if (c.tree) {
        d.add(fMxPref, p, 2, pref);
        d.add(fMx, p + 2, n.used, n.name);
      }
      return `${pref} ${n.name}`;
    }
    case T_SOA: {
      const m = name(c, p);
      const mname = m.name;
      const mLen = m.used;
      const r = name(c, m.next);
      const rname = r.name;
      const at = r.next;
      if (c.tree) {
        d.add(fSoaMname, p, mLen, mname);
        d.add(fSoaRname, m.next, r.used, rname);
        if (at + 20 <= e) {
          d.add(fSoaSerial, at, 4, dv.getUint32(at));
          d.add(fSoaRefresh, at + 4, 4, dv.getUint32(at + 4));
          d.add(fSoaRetry, at + 8, 4, dv.getUint32(at + 8));
          d.add(fSoaExpire, at + 12, 4, dv.getUint32(at + 12));
          d.add(fSoaMin, at + 16, 4, dv.getUint32(at + 16));
        }
      }
      if (at + 20 > e) note(d, 'DNS SOA record: data too short');
      return mname;
    }
    case T_TXT: {
      if (c.tree) {
        let t = p;
        while (t < e) {
          const l = buf[t] as number;
          if (t + 1 + l > e) {
            note(d, 'DNS TXT record: string runs past the record');
            break;
          }
          d.add(fTxtLen, t, 1, l);
          d.add(fTxt, t + 1, l, latin1(buf, t + 1, t + 1 + l));
          t += 1 + l;
        }
      }
      return '';
    }
    case T_SRV: {
      if (len < 7) return bad('too short');
      const prio = dv.getUint16(p);
      const weight = dv.getUint16(p + 2);
      const port = dv.getUint16(p + 4);
      const n = name(c, p + 6);
      if (c.tree) {
        d.add(fSrvPrio, p, 2, prio);
        d.add(fSrvWeight, p + 2, 2, weight);
        d.add(fSrvPort, p + 4, 2, port);
        d.add(fSrvTarget, p + 6, n.used, n.name);
      }
      return `${prio} ${weight} ${port} ${n.name}`;
    }
    case T_NSEC: {
      const n = name(c, p);
      if (c.tree) {
        d.add(fNsecNext, p, n.used, n.name);
        if (n.next < e) d.add(fData, n.next, e - n.next, buf.subarray(n.next, e), 'Type bit maps');
      }
      return n.name;
    }
    case T_SVCB:
    case T_HTTPS:
      if (c.tree) svcb(c, p, e);
      return '';
    default:
      if (c.tree && len > 0) d.add(fData, p, len, buf.subarray(p, e), `Data (${len} byte${len === 1 ? '' : 's'})`);
      return '';
  }
}

/** SVCB/HTTPS (RFC 9460): priority, target, then key=value parameters (tree only; tshark's Info has none). */
function svcb(c: Ctx, p: number, e: number): void {
  const d = c.d;
  const dv = d.dv;
  const buf = d.buf;
  if (e - p < 3) {
    note(d, 'DNS SVCB record: too short');
    return;
  }
  d.add(fSvcPrio, p, 2, dv.getUint16(p));
  const n = name(c, p + 2);
  d.add(fSvcTarget, p + 2, n.used, n.name);
  let t = n.next;
  while (t < e) {
    if (t + 4 > e) {
      note(d, 'DNS SVCB record: parameter header runs past the record');
      return;
    }
    const key = dv.getUint16(t);
    const vlen = dv.getUint16(t + 2);
    const v = t + 4;
    if (v + vlen > e) {
      note(d, `DNS SVCB record: ${svcKeyName(key)} value runs past the record`);
      return;
    }
    const node = d.open(fSvcParam, t, 4 + vlen, `SvcParam: ${svcKeyName(key)}`);
    d.add(fSvcKey, t, 2, key, `SvcParamKey: ${svcKeyName(key)} (${key})`);
    d.add(fSvcLen, t + 2, 2, vlen);
    const shown: string[] = [];
    let x = v;
    const ve = v + vlen;
    switch (key) {
      case 0: // mandatory: list of keys
        for (; x + 2 <= ve; x += 2) {
          const k = dv.getUint16(x);
          d.add(fSvcMandatory, x, 2, k, `Mandatory key: ${svcKeyName(k)} (${k})`);
          shown.push(svcKeyName(k));
        }
        break;
      case 1: // alpn: length-prefixed protocol ids
        while (x < ve) {
          const l = buf[x] as number;
          if (x + 1 + l > ve) break;
          const id = latin1(buf, x + 1, x + 1 + l);
          d.add(fSvcAlpnLen, x, 1, l);
          d.add(fSvcAlpn, x + 1, l, id);
          shown.push(id);
          x += 1 + l;
        }
        break;
      case 3:
        if (vlen === 2) {
          d.add(fSvcPort, v, 2, dv.getUint16(v));
          shown.push(String(dv.getUint16(v)));
        }
        break;
      case 4:
        for (; x + 4 <= ve; x += 4) {
          const a = formatIPv4(buf, x);
          d.add(fSvcV4, x, 4, a, `IP: ${a}`);
          shown.push(a);
        }
        break;
      case 6:
        for (; x + 16 <= ve; x += 16) {
          const a = formatIPv6(buf, x);
          d.add(fSvcV6, x, 16, a, `IP: ${a}`);
          shown.push(a);
        }
        break;
      case 5:
        d.add(fSvcEch, v, vlen, buf.subarray(v, ve), `ECHConfig: (${vlen} bytes)`);
        break;
      default:
        if (vlen > 0) d.add(fSvcValue, v, vlen, buf.subarray(v, ve));
    }
    if (shown.length > 0) node.label += `=${shown.join(',')}`;
    d.close();
    t = ve;
  }
}

/** OPT pseudo-record (EDNS0, RFC 6891): class is the UDP payload size, TTL holds ext-rcode/version/DO. */
function opt(c: Ctx, p: number, owner: string, ownerLen: number, q: number, udpSize: number, ttl: number, rdLen: number): number {
  const d = c.d;
  const rd = q + 10;
  if (!c.tree) {
    need(c, rd, rdLen);
    return rd + rdLen;
  }
  const dv = d.dv;
  const extRcode = ttl >>> 24;
  const version = (ttl >>> 16) & 0xff;
  const z = ttl & 0xffff;
  d.open(fRr, p, rd + rdLen - p, `${owner}: type OPT`);
  try {
    d.add(fRespName, p, ownerLen, owner);
    d.add(fRespType, q, 2, T_OPT, `Type: OPT (${T_OPT})`);
    d.add(fUdpSize, q + 2, 2, udpSize, `UDP payload size: ${udpSize}`);
    d.add(fExtRcode, q + 4, 1, extRcode);
    d.add(fEdnsVersion, q + 5, 1, version);
    d.open(fEdnsZ, q + 6, 2, `Z: 0x${z.toString(16).padStart(4, '0')}`, z);
    d.add(fEdnsDo, q + 6, 2, (z & 0x8000) !== 0, `${bits(z, 0x8000)} = DO bit: ${z & 0x8000 ? 'Accepts DNSSEC security RRs' : 'Cannot handle DNSSEC security RRs'}`);
    d.close();
    d.add(fRdLen, q + 8, 2, rdLen);
    need(c, rd, rdLen);
    const e = rd + rdLen;
    let t = rd;
    while (t < e) {
      if (t + 4 > e) {
        note(d, 'EDNS option header runs past the OPT record');
        break;
      }
      const code = dv.getUint16(t);
      const olen = dv.getUint16(t + 2);
      const v = t + 4;
      if (v + olen > e) {
        note(d, `EDNS option ${ednsOptionName(code)} runs past the OPT record`);
        break;
      }
      ednsOption(c, t, code, v, v + olen);
      t = v + olen;
    }
  } finally {
    d.close();
  }
  return rd + rdLen;
}

function ednsOption(c: Ctx, t: number, code: number, v: number, e: number): void {
  const d = c.d;
  const dv = d.dv;
  const buf = d.buf;
  const olen = e - v;
  d.open(fOpt, t, 4 + olen, `Option: ${ednsOptionName(code)}`);
  d.add(fOptCode, t, 2, code, `Option: Code: ${ednsOptionName(code)} (${code})`);
  d.add(fOptLen, t + 2, 2, olen);
  if (olen > 0) d.add(fOptData, v, olen, buf.subarray(v, e));
  switch (code) {
    case 8: // client subnet (RFC 7871)
      if (olen >= 4) {
        const family = dv.getUint16(v);
        d.add(fOptFamily, v, 2, family, `Family: ${family === 1 ? 'IPv4' : family === 2 ? 'IPv6' : 'Unknown'} (${family})`);
        d.add(fOptNetmask, v + 2, 1, buf[v + 2] as number);
        d.add(fOptScope, v + 3, 1, buf[v + 3] as number);
        // The address is sent with only the bytes its prefix needs; pad to a full address for display.
        const a = v + 4;
        if (family === 1 && olen - 4 <= 4) {
          const full = new Uint8Array(4);
          full.set(buf.subarray(a, e));
          d.add(fOptAddr4, a, e - a, formatIPv4(full), `Client Subnet: ${formatIPv4(full)}`);
        } else if (family === 2 && olen - 4 <= 16) {
          const full = new Uint8Array(16);
          full.set(buf.subarray(a, e));
          d.add(fOptAddr6, a, e - a, formatIPv6(full), `Client Subnet: ${formatIPv6(full)}`);
        }
      }
      break;
    case 10: // cookie (RFC 7873): 8-byte client cookie, optional 8-32 byte server cookie
      if (olen >= 8) {
        d.add(fOptCookieC, v, 8, buf.subarray(v, v + 8));
        if (olen > 8) d.add(fOptCookieS, v + 8, olen - 8, buf.subarray(v + 8, e));
      }
      break;
    case 11: // TCP keepalive (RFC 7828): timeout in 100 ms units, absent in queries
      if (olen === 2) d.add(fOptKeepalive, v, 2, dv.getUint16(v), `Timeout: ${dv.getUint16(v)}`);
      break;
    case 12:
      if (olen > 0) d.add(fOptPadding, v, olen, buf.subarray(v, e), `Padding: (${olen} bytes)`);
      break;
    default:
      break;
  }
  d.close();
}

function latin1(buf: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(buf[i] as number);
  return s;
}

export function dissectDnsUdp(d: Dissection, off: number, end: number): void {
  dissectDnsMessage(d, off, end, FLAVOR_DNS, false);
}

/** DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message is preceded by its 2-byte length. */
export const dnsTcp: StreamProtocol = {
  name: 'DNS',
  messageLength(buf: Uint8Array, off: number, end: number): number {
    if (end - off < 2) return 0;
    return 2 + (((buf[off] as number) << 8) | (buf[off + 1] as number));
  },
  decode(d: Dissection, off: number, end: number): void {
    dissectDnsMessage(d, off, end, FLAVOR_DNS, true);
  },
};

udpPortTable.register(53, dissectDnsUdp);
tcpStreamTable.set(53, dnsTcp);

/**
 * Records an application-layer problem as text only. The packet flags are a summary column that the index
 * pass (MODE_INDEX, where this decoder returns early) must produce identically, so problems found only
 * while building Info/tree do not set PF_MALFORMED/PF_TRUNCATED.
 */
function note(d: Dissection, text: string): void {
  if (d.mode >= MODE_SUMMARY && d.inner === 0) d.problems.push(text);
}
