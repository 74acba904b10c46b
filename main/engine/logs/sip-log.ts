/**
 * sip.log: one record per SIP request with its response, like Zeek's. Written against the Wireshark field
 * names the SIP decoder registers (sip.Method, sip.r_uri, sip.Call-ID, sip.CSeq, sip.Status-Code,
 * sip.Status-Line, sip.From/sip.To, sip.User-Agent, sip.Content-Length); until that decoder is in the build
 * the log reports itself unavailable rather than printing an empty log (builds without sip.ts).
 *
 * A response belongs to the request with the same Call-ID and CSeq on the same session; later responses overwrite earlier ones
 * except that a provisional one never replaces a final one, so a record ends with the final status (180
 * Ringing, then 200 OK → 200). A retransmitted request (same
 * Call-ID, CSeq and method while unanswered) joins the first one.
 */
import { fields } from '../dissect/fields';
import type { TreeNode } from '../dissect/tree';
import { LogUnavailableError, type Evidence, type LogRecord, type LogTable } from './record';
import { LogSource, type ConnId } from './log-source';
import { findNodes, firstValue, num, str } from './tree-fields';

export const SIP_COLUMNS = [
  'ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'trans_depth', 'method', 'uri', 'request_from',
  'request_to', 'response_from', 'response_to', 'call_id', 'seq', 'user_agent', 'status_code', 'status_msg',
  'request_body_len', 'response_body_len', 'content_type',
] as const;

export interface SipRecord extends LogRecord, ConnId {
  ts: string;
  uid: string | null;
  trans_depth: number | null;
  method: string | null;
  uri: string | null;
  request_from: string | null;
  request_to: string | null;
  response_from: string | null;
  response_to: string | null;
  call_id: string | null;
  /** The CSeq header ("1 INVITE"). */
  seq: string | null;
  user_agent: string | null;
  status_code: number | null;
  status_msg: string | null;
  request_body_len: number;
  response_body_len: number;
  content_type: string | null;
}

/** Fields the log cannot do without: their absence means the SIP decoder is not in this build. */
const REQUIRED = ['sip.Method', 'sip.Call-ID', 'sip.Status-Code', 'sip.CSeq'];

export function sipAvailable(): string | null {
  const missing = REQUIRED.filter((f) => fields.get(f) === undefined);
  return missing.length === 0 ? null : `the SIP decoder is not in this build (no field ${missing.join(', ')})`;
}

interface Open {
  rec: SipRecord;
  ev: Evidence;
}

export function buildSipLog(source: LogSource): LogTable<SipRecord> {
  const missing = sipAvailable();
  if (missing !== null) throw new LogUnavailableError('sip', missing);
  const records: SipRecord[] = [];
  const evidence: Evidence[] = [];
  const byTransaction = new Map<string, Open>();
  const depth = new Map<number, number>();
  for (const i of source.packetsOf((n) => n === 'SIP' || n.startsWith('SIP/'))) {
    const sid = source.session(i);
    for (const node of findNodes(source.tree(i, ['sip', 'sdp']), 'sip')) {
      const callId = str(firstValue(node, 'sip.Call-ID'));
      const cseq = str(firstValue(node, 'sip.CSeq'));
      // Per session too: a B2BUA forwards the same Call-ID and CSeq on its other leg, a transaction of its own.
      const key = `${sid}|${callId}|${cseq}`;
      const method = str(firstValue(node, 'sip.Method'));
      const known = byTransaction.get(key);
      if (method !== null) {
        if (known !== undefined && known.rec.method === method && known.rec.status_code === null) {
          known.ev.frames.push(i + 1); // retransmission
          continue;
        }
        const d = (depth.get(sid) ?? 0) + 1;
        depth.set(sid, d);
        const open: Open = { rec: request(source, i, node, method, d, callId, cseq), ev: { frames: [i + 1], sessions: sid >= 0 ? [sid] : [] } };
        byTransaction.set(key, open);
        records.push(open.rec);
        evidence.push(open.ev);
        continue;
      }
      if (num(firstValue(node, 'sip.Status-Code')) === null) continue;
      if (known !== undefined) {
        respond(known.rec, node);
        known.ev.frames.push(i + 1);
      } else {
        const open: Open = { rec: request(source, i, node, null, null, callId, cseq, true), ev: { frames: [i + 1], sessions: sid >= 0 ? [sid] : [] } };
        respond(open.rec, node);
        byTransaction.set(key, open);
        records.push(open.rec);
        evidence.push(open.ev);
      }
    }
  }
  return { name: 'sip', columns: SIP_COLUMNS, records, evidence };
}

function request(
  source: LogSource,
  i: number,
  node: TreeNode,
  method: string | null,
  depth: number | null,
  callId: string | null,
  cseq: string | null,
  reverse = false,
): SipRecord {
  const isRequest = method !== null;
  return {
    ts: source.ts(i),
    uid: source.uid(i),
    ...source.conn(i, reverse),
    trans_depth: depth,
    method,
    // Wireshark spells it sip.r-uri; this engine's decoder sip.r_uri.
    uri: isRequest ? (str(firstValue(node, 'sip.r_uri')) ?? str(firstValue(node, 'sip.r-uri'))) : null,
    request_from: isRequest ? header(node, 'sip.From', 'sip.from.addr') : null,
    request_to: isRequest ? header(node, 'sip.To', 'sip.to.addr') : null,
    response_from: null,
    response_to: null,
    call_id: callId,
    seq: cseq,
    user_agent: isRequest ? str(firstValue(node, 'sip.User-Agent')) : null,
    status_code: null,
    status_msg: null,
    request_body_len: isRequest ? (num(firstValue(node, 'sip.Content-Length')) ?? 0) : 0,
    response_body_len: 0,
    content_type: null,
  };
}

function respond(rec: SipRecord, node: TreeNode): void {
  const code = num(firstValue(node, 'sip.Status-Code'));
  // A provisional answer arriving after the final one (retransmitted 100 Trying, another leg of a B2BUA with
  // the same Call-ID) must not hide the outcome.
  if (code !== null && code < 200 && rec.status_code !== null && rec.status_code >= 200) return;
  rec.status_code = code;
  rec.status_msg = phrase(str(firstValue(node, 'sip.Status-Line')));
  rec.response_from = header(node, 'sip.From', 'sip.from.addr');
  rec.response_to = header(node, 'sip.To', 'sip.to.addr');
  rec.response_body_len = num(firstValue(node, 'sip.Content-Length')) ?? 0;
  rec.content_type = str(firstValue(node, 'sip.Content-Type')) ?? rec.content_type;
}

/** The whole header when the decoder gives it, else its parsed address. */
function header(node: TreeNode, whole: string, addr: string): string | null {
  return str(firstValue(node, whole)) ?? str(firstValue(node, addr));
}

/** "SIP/2.0 180 Ringing" → "Ringing". */
function phrase(line: string | null): string | null {
  if (line === null) return null;
  const m = /^\S+\s+\d{3}\s*(.*)$/.exec(line);
  return m !== null ? (m[1] ?? '') : line;
}
