/**
 * What the logs view does with a built log: the quick search text of a record, sorting by a column, the cells
 * of a row, and the display filters that take the user from a record back to its packets. Pure functions over
 * the engine's LogTable (main/engine/logs) and the index's session columns.
 */
import type { LogCell, LogKind, LogRow, LogRowFilter } from '../../../shared/views/logs';
import type { Evidence, LogRecord, LogValue } from '../../engine/logs';

/** Frames and sessions a row carries at most (a record of an apps interval may cover thousands). */
export const ROW_LIST_MAX = 50;
/** Frames / sessions a "Frames"/"Sessions" filter names at most (longer filters are slow to type and to run). */
export const FILTER_LIST_MAX = 200;

/** Lower-case text of every cell, tab-separated: what the quick search looks in. */
export function searchText(columns: readonly string[], rec: LogRecord): string {
  let s = '';
  for (const c of columns) {
    const v = rec[c];
    if (v === null || v === undefined) continue;
    s += (Array.isArray(v) ? v.join(',') : String(v)) + '\t';
  }
  return s.toLowerCase();
}

/** A decimal number written as text (epoch times such as "1081889803.830079000"). */
const NUMERIC = /^-?\d+(\.\d+)?$/;

function sortKey(v: LogValue | undefined): number | string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Array.isArray(v)) return v.length === 0 ? null : v.join(',').toLowerCase();
  const s = String(v);
  return NUMERIC.test(s) ? Number(s) : s.toLowerCase();
}

/**
 * `ids` (record positions) ordered by `column`: numbers numerically, text case-insensitively, numbers before text,
 * unset cells last whatever the direction; ties keep capture order.
 */
export function sortIds(records: readonly LogRecord[], ids: Uint32Array, column: string, desc: boolean): Uint32Array {
  const keys = new Map<number, number | string | null>();
  for (const id of ids) keys.set(id, sortKey((records[id] as LogRecord)[column]));
  const sign = desc ? -1 : 1;
  return Uint32Array.from(ids).sort((a, b) => {
    const ka = keys.get(a) ?? null;
    const kb = keys.get(b) ?? null;
    if (ka === null || kb === null) return ka === kb ? a - b : ka === null ? 1 : -1;
    let c: number;
    if (typeof ka === 'number' && typeof kb === 'number') c = ka - kb;
    else if (typeof ka === 'number') c = -1;
    else if (typeof kb === 'number') c = 1;
    else c = ka < kb ? -1 : ka > kb ? 1 : 0;
    return c !== 0 ? sign * c : a - b;
  });
}

/** A display-filter string literal. */
export function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** What the filters need to know about sessions: their IP protocol and tcp.stream / udp.stream number. */
export interface SessionNames {
  proto: ArrayLike<number>;
  protoIndex: ArrayLike<number>;
  /** Frame number of each session's first packet. */
  firstPacket: ArrayLike<number>;
}

function streamsFilter(sessions: readonly number[], names: SessionNames): string | null {
  const tcp: number[] = [];
  const udp: number[] = [];
  for (const sid of sessions.slice(0, FILTER_LIST_MAX)) {
    const p = names.proto[sid];
    if (p === 6) tcp.push(names.protoIndex[sid] as number);
    else if (p === 17) udp.push(names.protoIndex[sid] as number);
  }
  const part = (name: string, list: number[]): string | null =>
    list.length === 0 ? null : list.length === 1 ? `${name}.stream eq ${list[0]}` : `${name}.stream in {${list.join(', ')}}`;
  const parts = [part('tcp', tcp), part('udp', udp)].filter((x): x is string => x !== null);
  return parts.length === 0 ? null : parts.join(' || ');
}

function framesFilter(frames: readonly number[]): string | null {
  if (frames.length === 0) return null;
  const list = [...new Set(frames)].sort((a, b) => a - b).slice(0, FILTER_LIST_MAX);
  return list.length === 1 ? `frame.number == ${list[0]}` : `frame.number in {${list.join(', ')}}`;
}

const str = (v: LogValue | undefined): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Filters that select a record's packets, most specific first: a protocol-field filter where one describes the
 * record (a DNS transaction id and name, a TLS server name, a SIP Call-ID, an HTTP request), then its frames and
 * its sessions. Every filter is valid in Wireshark 4.0's syntax as well as ours.
 */
export function rowFilters(kind: LogKind, rec: LogRecord, ev: Evidence, names: SessionNames): LogRowFilter[] {
  const out: LogRowFilter[] = [];
  const add = (label: string, expr: string | null): void => {
    if (expr !== null && !out.some((f) => f.expr === expr)) out.push({ label, expr });
  };
  switch (kind) {
    case 'dns': {
      const id = rec['trans_id'];
      const q = str(rec['query']);
      if (typeof id === 'number') add('Transaction', `dns.id == 0x${id.toString(16).padStart(4, '0')}${q !== null ? ` && dns.qry.name == ${quote(q)}` : ''}`);
      if (q !== null) add('Name', `dns.qry.name == ${quote(q)}`);
      break;
    }
    case 'http': {
      const host = str(rec['host']);
      const uri = str(rec['uri']);
      if (uri !== null) add('Request', `${host !== null ? `http.host == ${quote(host)} && ` : ''}http.request.uri == ${quote(uri)}`);
      if (host !== null) add('Host', `http.host == ${quote(host)}`);
      break;
    }
    case 'tls': {
      const sni = str(rec['server_name']);
      if (sni !== null) add('Server name', `tls.handshake.extensions_server_name == ${quote(sni)}`);
      break;
    }
    case 'sip': {
      const call = str(rec['call_id']);
      if (call !== null) add('Call', `sip.Call-ID == ${quote(call)}`);
      break;
    }
    case 'apps':
      break;
  }
  add('Frames', framesFilter(ev.frames));
  add(ev.sessions.length === 1 ? 'Session' : 'Sessions', streamsFilter(ev.sessions, names));
  return out;
}

/**
 * One row of the view. A record known only by its sessions (an apps interval) links to each session's first
 * packet, so clicking it still shows a packet.
 */
export function toRow(kind: LogKind, columns: readonly string[], record: number, rec: LogRecord, ev: Evidence, names: SessionNames): LogRow {
  const frames = ev.frames.length > 0 ? ev.frames : [...new Set(ev.sessions.map((sid) => names.firstPacket[sid] as number))].sort((a, b) => a - b);
  return {
    record,
    cells: columns.map((c) => (rec[c] ?? null) as LogCell),
    frames: frames.slice(0, ROW_LIST_MAX),
    frameCount: frames.length,
    sessions: ev.sessions.slice(0, ROW_LIST_MAX),
    filters: rowFilters(kind, rec, ev, names),
  };
}
