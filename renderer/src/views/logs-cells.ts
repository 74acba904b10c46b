/** How log cells are shown in the Logs view's grid, and how wide each column starts. */
import type { LogCell } from '../../../shared/views/logs';
import { formatAbsolute } from '../format';

/** Columns holding epoch times ("ts", "end"): shown as local date and time with every digit. */
const TIME_COLUMNS = new Set(['ts', 'end']);

export function cellText(column: string, v: LogCell | undefined): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (TIME_COLUMNS.has(column) && typeof v === 'string') return formatAbsolute(v);
  return String(v);
}

const WIDE = new Set(['query', 'answers', 'server_name', 'uri', 'host', 'user_agent', 'subject', 'issuer', 'request_from', 'request_to', 'response_from', 'response_to', 'call_id', 'resp_h', 'uids', 'client_alpn', 'referrer', 'ja3', 'ja3s', 'ja4', 'cipher']);
const NARROW = new Set(['id.orig_p', 'id.resp_p', 'proto', 'trans_id', 'qclass', 'qtype', 'rcode', 'AA', 'TC', 'RD', 'RA', 'Z', 'trans_depth', 'status_code', 'info_code', 'established', 'seq', 'sessions', 'packets']);

export function columnWidth(column: string): number {
  if (TIME_COLUMNS.has(column)) return 235;
  if (column.endsWith('_p')) return 85;
  if (WIDE.has(column)) return 220;
  if (NARROW.has(column)) return 70;
  return 120;
}
