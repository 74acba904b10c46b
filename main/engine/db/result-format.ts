/**
 * A query result printed three ways (`wirelens db query`), line by line:
 *  - table: aligned columns under a header and a rule, numbers right-aligned, NULL as an empty cell, lists
 *    as JSON, cells longer than TABLE_CELL_MAX characters cut with "…" (CSV and JSON print them whole),
 *    then "(N rows)";
 *  - csv: RFC 4180 with a header line, NULL as an empty cell, lists as JSON text in one cell;
 *  - json: one object per line (as `wirelens sessions --json`), lists as arrays, NULL as null.
 * SQLite and PostgreSQL results print alike: both give numbers for integers and lists as arrays (see the
 * backends).
 */
import type { QueryResult } from './flow-db';

export type ResultFormat = 'table' | 'csv' | 'json';

export const TABLE_CELL_MAX = 80;

export function formatResult(r: QueryResult, format: ResultFormat): string[] {
  const names = r.columns.map((c) => c.name);
  if (format === 'json') {
    return r.rows.map((row) => {
      const o: Record<string, unknown> = {};
      names.forEach((n, k) => (o[n] = jsonValue(row[k])));
      return JSON.stringify(o);
    });
  }
  if (format === 'csv') return [names.map(csvCell).join(','), ...r.rows.map((row) => row.map((v) => csvCell(plain(v))).join(','))];
  const cells = r.rows.map((row) => row.map((v) => cut(escapeControls(plain(v)))));
  const numeric = names.map((_, k) => r.rows.length > 0 && r.rows.every((row) => row[k] === null || typeof row[k] === 'number'));
  const width = names.map((n, k) => Math.max(n.length, ...cells.map((row) => (row[k] as string).length)));
  const line = (row: string[]): string =>
    row
      .map((s, k) => (numeric[k] ? s.padStart(width[k] as number) : s.padEnd(width[k] as number)))
      .join(' | ')
      .trimEnd();
  return [
    line(names),
    width.map((w) => '-'.repeat(w)).join('-+-'),
    ...cells.map(line),
    `(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})`,
  ];
}

function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return v === undefined ? null : v;
}

function plain(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return JSON.stringify(v);
}

function escapeControls(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

function cut(s: string): string {
  return s.length > TABLE_CELL_MAX ? `${s.slice(0, TABLE_CELL_MAX - 1)}…` : s;
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
