/**
 * Printing a log three ways, one line at a time (so the CLI can stream through its buffered Output):
 *  - text: tab-separated with a header line, as `zeek-cut -c` prints (unset "-", lists comma-joined, an
 *    empty list "(empty)", Zeek's conventions);
 *  - csv: RFC 4180 quoting, unset and empty lists as empty cells, lists comma-joined inside one cell;
 *  - json: one object per line with every column (unset as null, lists as arrays), so each line has the
 *    same keys whatever the record saw.
 */
import type { LogRecord, LogValue } from './record';

export type LogFormat = 'text' | 'csv' | 'json';

export function headerLine(columns: readonly string[], format: LogFormat): string | null {
  if (format === 'json') return null;
  return format === 'csv' ? columns.map(csvCell).join(',') : columns.join('\t');
}

export function recordLine(columns: readonly string[], rec: LogRecord, format: LogFormat): string {
  if (format === 'json') {
    const o: Record<string, LogValue> = {};
    for (const c of columns) o[c] = rec[c] ?? null;
    return JSON.stringify(o);
  }
  if (format === 'csv') return columns.map((c) => csvCell(plain(rec[c], ''))).join(',');
  return columns.map((c) => textCell(rec[c])).join('\t');
}

function plain(v: LogValue | undefined, unset: string): string {
  if (v === null || v === undefined) return unset;
  if (Array.isArray(v)) return v.map(String).join(',');
  return String(v);
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

function textCell(v: LogValue | undefined): string {
  if (Array.isArray(v) && v.length === 0) return '(empty)';
  // Tabs and newlines would break the columns: escape them as Zeek does (most cells have none).
  const s = plain(v, '-');
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\x09').replace(/\n/g, '\\x0a').replace(/\r/g, '\\x0d');
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
