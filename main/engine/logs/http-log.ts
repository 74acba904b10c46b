/**
 * http.log: one record per HTTP/1.x request with its response, like Zeek's. HTTP packets are found from the
 * Protocol column ("HTTP", "HTTP/XML", "HTTP/JSON"), re-dissected, and each message (pipelining puts
 * several in one frame) read from its own `http` subtree. A final response joins the request the engine
 * matched it to (`http.request_in`, the first unanswered request of that frame); an interim 1xx response
 * fills `info_code`/`info_msg` of the oldest unanswered request of its connection (or of the next request,
 * when the 100 Continue came before the request's body ended), as Zeek does.
 */
import type { TreeNode } from '../dissect/tree';
import type { Evidence, LogRecord, LogTable } from './record';
import { LogSource, type ConnId } from './log-source';
import { findNodes, firstValue, num, str } from './tree-fields';

export const HTTP_COLUMNS = [
  'ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'trans_depth', 'method', 'host', 'uri', 'referrer',
  'version', 'user_agent', 'request_body_len', 'response_body_len', 'status_code', 'status_msg', 'info_code', 'info_msg',
  'resp_mime_types',
] as const;

export interface HttpRecord extends LogRecord, ConnId {
  ts: string;
  uid: string | null;
  /** 1-based position of the request on its connection (null for a response seen without its request). */
  trans_depth: number | null;
  method: string | null;
  host: string | null;
  uri: string | null;
  referrer: string | null;
  /** "1.1", from the request line (the response's when there is no request). */
  version: string | null;
  user_agent: string | null;
  request_body_len: number;
  response_body_len: number;
  status_code: number | null;
  status_msg: string | null;
  info_code: number | null;
  info_msg: string | null;
  /** The response's Content-Type without parameters (Zeek sniffs the body; the header is what is shown here). */
  resp_mime_types: string[];
}

const PROTOCOLS = ['HTTP', 'HTTP/XML', 'HTTP/JSON'];

interface Open {
  rec: HttpRecord;
  ev: Evidence;
  answered: boolean;
}

export function buildHttpLog(source: LogSource): LogTable<HttpRecord> {
  const records: HttpRecord[] = [];
  const evidence: Evidence[] = [];
  const byFrame = new Map<number, Open[]>();
  // Unanswered requests per session, oldest first (HTTP/1.x answers in order).
  const waiting = new Map<number, Open[]>();
  const depth = new Map<number, number>();
  // An interim response that came before its request was complete: with a body (Expect: 100-continue) the
  // request message ends after the 100 Continue, so it waits for the next request of its session.
  const early = new Map<number, { code: number; msg: string | null; frame: number }>();
  for (const i of source.packetsOf(PROTOCOLS)) {
    const sid = source.session(i);
    for (const node of findNodes(source.tree(i, ['http']), 'http')) {
      const method = str(firstValue(node, 'http.request.method'));
      if (method !== null) {
        const d = (depth.get(sid) ?? 0) + 1;
        depth.set(sid, d);
        const open: Open = { rec: requestRecord(source, i, node, method, d), ev: { frames: [i + 1], sessions: sid >= 0 ? [sid] : [] }, answered: false };
        const info = early.get(sid);
        if (info !== undefined) {
          early.delete(sid);
          open.rec.info_code = info.code;
          open.rec.info_msg = info.msg;
          open.ev.frames.push(info.frame);
        }
        records.push(open.rec);
        evidence.push(open.ev);
        push(byFrame, i + 1, open);
        push(waiting, sid, open);
        continue;
      }
      const code = num(firstValue(node, 'http.response.code'));
      if (code === null && firstValue(node, 'http.response.version') === undefined) continue; // neither: not a message start
      const queue = waiting.get(sid) ?? [];
      if (code !== null && code >= 100 && code < 200) {
        const oldest = queue[0];
        const msg = str(firstValue(node, 'http.response.phrase'));
        if (oldest !== undefined) {
          oldest.rec.info_code = code;
          oldest.rec.info_msg = msg;
          oldest.ev.frames.push(i + 1);
        } else {
          early.set(sid, { code, msg, frame: i + 1 });
        }
        continue;
      }
      const from = num(firstValue(node, 'http.request_in'));
      const open = from !== null ? ((byFrame.get(from) ?? []).find((o) => !o.answered) ?? null) : null;
      if (open !== null) {
        respond(open.rec, node);
        open.answered = true;
        open.ev.frames.push(i + 1);
        const at = queue.indexOf(open);
        if (at >= 0) queue.splice(at, 1);
      } else {
        const rec = responseOnly(source, i, node);
        records.push(rec);
        evidence.push({ frames: [i + 1], sessions: sid >= 0 ? [sid] : [] });
      }
    }
  }
  return { name: 'http', columns: HTTP_COLUMNS, records, evidence };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function requestRecord(source: LogSource, i: number, node: TreeNode, method: string, depth: number): HttpRecord {
  return {
    ts: source.ts(i),
    uid: source.uid(i),
    ...source.conn(i),
    trans_depth: depth,
    method,
    host: str(firstValue(node, 'http.host')),
    uri: str(firstValue(node, 'http.request.uri')),
    referrer: str(firstValue(node, 'http.referer')),
    version: version(str(firstValue(node, 'http.request.version'))),
    user_agent: str(firstValue(node, 'http.user_agent')),
    request_body_len: num(firstValue(node, 'http.body_length')) ?? 0,
    response_body_len: 0,
    status_code: null,
    status_msg: null,
    info_code: null,
    info_msg: null,
    resp_mime_types: [],
  };
}

function responseOnly(source: LogSource, i: number, node: TreeNode): HttpRecord {
  const rec: HttpRecord = {
    ts: source.ts(i),
    uid: source.uid(i),
    ...source.conn(i, true),
    trans_depth: null,
    method: null,
    host: null,
    uri: null,
    referrer: null,
    version: version(str(firstValue(node, 'http.response.version'))),
    user_agent: null,
    request_body_len: 0,
    response_body_len: 0,
    status_code: null,
    status_msg: null,
    info_code: null,
    info_msg: null,
    resp_mime_types: [],
  };
  respond(rec, node);
  return rec;
}

function respond(rec: HttpRecord, node: TreeNode): void {
  rec.status_code = num(firstValue(node, 'http.response.code'));
  rec.status_msg = str(firstValue(node, 'http.response.phrase'));
  rec.response_body_len = num(firstValue(node, 'http.body_length')) ?? 0;
  const type = str(firstValue(node, 'http.content_type'));
  if (type !== null) {
    const bare = type.split(';')[0]?.trim().toLowerCase() ?? '';
    if (bare !== '') rec.resp_mime_types = [bare];
  }
}

/** "HTTP/1.1" → "1.1" (Zeek's form). */
function version(v: string | null): string | null {
  if (v === null) return null;
  return v.startsWith('HTTP/') ? v.slice(5) : v;
}
