/**
 * dns.log: one record per DNS transaction (query and its response), like Zeek's. DNS, mDNS and LLMNR
 * packets are found from the Protocol column, re-dissected, and each message (a TCP segment may hold
 * several) read from its own subtree. A response joins the query the engine matched it to
 * (`dns.response_to`), else the latest unanswered query with its session and id; a response with neither
 * gets a record of its own, as Zeek logs unmatched replies.
 */
import type { TreeNode } from '../dissect/tree';
import { dnsTypeName } from '../dissect/protocols/dns-names-table';
import type { Evidence, LogRecord, LogTable } from './record';
import { LogSource, type ConnId } from './log-source';
import { findNodes, firstValue, bool, num, str } from './tree-fields';
import { zeekClassName, zeekRcodeName } from './dns-zeek-names';

export const DNS_COLUMNS = [
  'ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'trans_id', 'rtt', 'query', 'qclass',
  'qclass_name', 'qtype', 'qtype_name', 'rcode', 'rcode_name', 'AA', 'TC', 'RD', 'RA', 'Z', 'answers', 'TTLs',
] as const;

export interface DnsRecord extends LogRecord, ConnId {
  ts: string;
  uid: string | null;
  proto: string | null;
  trans_id: number | null;
  /** Seconds from query to response (null without both). */
  rtt: number | null;
  query: string | null;
  qclass: number | null;
  qclass_name: string | null;
  qtype: number | null;
  qtype_name: string | null;
  rcode: number | null;
  rcode_name: string | null;
  AA: boolean;
  TC: boolean;
  RD: boolean;
  RA: boolean;
  Z: number;
  /** The answer section only (Zeek's rule): addresses, names, or the record type for other data. */
  answers: string[];
  /** Parallel to `answers`, in seconds. */
  TTLs: number[];
}

const ROOTS = ['dns', 'mdns', 'llmnr'];
const PROTOCOLS = ['DNS', 'MDNS', 'LLMNR'];
/** The fields this log reads (LogSource.tree): the DNS subtrees, whatever the flavour. */
const DNS_FAMILIES = ROOTS;
/** Wireshark's dns.retransmission_timer: the same query again within it is the same transaction. */
const RETRANSMISSION_S = 5;

/** Fields whose value stands for a resource record's data in `answers`, in the order they are tried. */
const RDATA_FIELDS = [
  'dns.a', 'dns.aaaa', 'dns.cname', 'dns.ptr.domain_name', 'dns.ns', 'dns.dname', 'dns.mx.mail_exchange',
  'dns.srv.target', 'dns.soa.mname', 'dns.svcb.targetname', 'dns.nsec.next_domain_name', 'dns.txt',
];

interface Message {
  frame: number;
  id: number | null;
  response: boolean;
  query: string | null;
  qtype: number | null;
  qclass: number | null;
  node: TreeNode;
}

interface Open {
  rec: DnsRecord;
  ev: Evidence;
  /** Store index of the query packet. */
  queryAt: number;
  answered: boolean;
}

export function buildDnsLog(source: LogSource): LogTable<DnsRecord> {
  const records: DnsRecord[] = [];
  const evidence: Evidence[] = [];
  // Records by query frame (several when a TCP segment carries several queries), and the latest per
  // (session, transaction id) for responses the engine did not match.
  const byFrame = new Map<number, Open[]>();
  const latest = new Map<string, Open>();
  for (const i of source.packetsOf(PROTOCOLS)) {
    const tree = source.tree(i, DNS_FAMILIES);
    for (const root of ROOTS) {
      for (const node of findNodes(tree, root)) {
        const m = message(node, i + 1);
        const key = `${source.session(i)}|${m.id}`;
        if (!m.response) {
          const prev = latest.get(key);
          if (prev !== undefined && !prev.answered && prev.rec.query === m.query && source.interval(prev.queryAt, i) < RETRANSMISSION_S) {
            prev.ev.frames.push(i + 1); // a retransmission: same transaction
            continue;
          }
          const open = openRecord(source, i, m);
          records.push(open.rec);
          evidence.push(open.ev);
          latest.set(key, open);
          const list = byFrame.get(m.frame);
          if (list === undefined) byFrame.set(m.frame, [open]);
          else list.push(open);
          continue;
        }
        const to = num(firstValue(node, 'dns.response_to'));
        const candidates = to !== null ? (byFrame.get(to) ?? []) : [];
        let open = candidates.find((o) => !o.answered && o.rec.trans_id === m.id) ?? null;
        if (open === null && to === null) {
          const l = latest.get(key);
          if (l !== undefined && !l.answered) open = l;
        }
        if (open !== null) {
          answer(open.rec, m);
          open.rec.rtt = source.interval(open.queryAt, i);
          open.answered = true;
          open.ev.frames.push(i + 1);
        } else {
          // A reply without its query (capture started late, multicast announcement, duplicate reply).
          const lone = openRecord(source, i, m);
          answer(lone.rec, m);
          records.push(lone.rec);
          evidence.push(lone.ev);
        }
      }
    }
  }
  return { name: 'dns', columns: DNS_COLUMNS, records, evidence };
}

function message(node: TreeNode, frame: number): Message {
  const q = findNodes(node.children, 'dns.query')[0] ?? null;
  return {
    frame,
    id: num(firstValue(node, 'dns.id')),
    response: bool(firstValue(node, 'dns.flags.response')) === true,
    query: q !== null ? str(firstValue(q, 'dns.qry.name')) : null,
    qtype: q !== null ? num(firstValue(q, 'dns.qry.type')) : null,
    qclass: q !== null ? num(firstValue(q, 'dns.qry.class')) : null,
    node,
  };
}

function openRecord(source: LogSource, i: number, m: Message): Open {
  // A reply seen alone is logged from its asker's side, except a multicast one (mDNS announcements), whose
  // destination is no asker.
  const reverse = m.response && !isMulticast(source.conn(i)['id.resp_h']);
  const rec: DnsRecord = {
    ts: source.ts(i),
    uid: source.uid(i),
    ...source.conn(i, reverse),
    proto: source.transport(i),
    trans_id: m.id,
    rtt: null,
    query: m.query,
    qclass: m.qclass,
    qclass_name: m.qclass !== null ? zeekClassName(m.qclass) : null,
    qtype: m.qtype,
    qtype_name: m.qtype !== null ? dnsTypeName(m.qtype) : null,
    rcode: null,
    rcode_name: null,
    AA: false,
    TC: bool(firstValue(m.node, 'dns.flags.truncated')) === true,
    RD: bool(firstValue(m.node, 'dns.flags.recdesired')) === true,
    RA: false,
    Z: 0,
    answers: [],
    TTLs: [],
  };
  const sid = source.session(i);
  return { rec, ev: { frames: [i + 1], sessions: sid >= 0 ? [sid] : [] }, queryAt: i, answered: false };
}

/** Copies what the response says into the transaction's record. */
function answer(rec: DnsRecord, m: Message): void {
  const rcode = num(firstValue(m.node, 'dns.flags.rcode'));
  rec.rcode = rcode;
  rec.rcode_name = rcode !== null ? zeekRcodeName(rcode) : null;
  rec.AA = bool(firstValue(m.node, 'dns.flags.authoritative')) === true;
  rec.TC = rec.TC || bool(firstValue(m.node, 'dns.flags.truncated')) === true;
  rec.RA = bool(firstValue(m.node, 'dns.flags.recavail')) === true;
  rec.Z = bool(firstValue(m.node, 'dns.flags.z')) === true ? 1 : 0;
  if (rec.query === null) {
    rec.query = m.query;
    rec.qtype = m.qtype;
    rec.qtype_name = m.qtype !== null ? dnsTypeName(m.qtype) : null;
    rec.qclass = m.qclass;
    rec.qclass_name = m.qclass !== null ? zeekClassName(m.qclass) : null;
  }
  for (const section of findNodes(m.node.children, 'dns.answers')) {
    for (const rr of findNodes(section.children, 'dns.rr')) {
      rec.answers.push(rdataText(rr));
      rec.TTLs.push(num(firstValue(rr, 'dns.resp.ttl')) ?? 0);
    }
  }
}

function rdataText(rr: TreeNode): string {
  for (const f of RDATA_FIELDS) {
    const v = str(firstValue(rr, f));
    if (v !== null) return f === 'dns.txt' ? `TXT ${v.length} ${v}` : v;
  }
  const type = num(firstValue(rr, 'dns.resp.type'));
  return `<${type !== null ? dnsTypeName(type) : 'unknown'}>`;
}

function isMulticast(addr: string): boolean {
  if (addr.includes(':')) return addr.toLowerCase().startsWith('ff');
  const first = Number(addr.split('.')[0]);
  return first >= 224 && first <= 239;
}
