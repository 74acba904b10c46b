/**
 * The session table as data files: CSV (RFC 4180, header line), JSON lines (one object per session with the
 * same keys as the CSV header) and Parquet (typed columns, see SESSION_COLUMN_TYPES), so the table loads
 * unchanged into Spark, Trino, ClickHouse or DuckDB.
 */
import type { CaptureIndex } from '../capture/capture-index';
import type { SessionEnrichment } from '../sessions/session-enrichment';
import { writeParquet } from './parquet';
import { SESSION_COLUMNS, SESSION_COLUMN_TYPES, sessionRow, type SessionRow } from './session-rows';

export type SessionExportFormat = 'csv' | 'jsonl' | 'parquet';
export const SESSION_EXPORT_FORMATS: readonly SessionExportFormat[] = ['csv', 'jsonl', 'parquet'];

/** RFC 4180: a cell with a comma, quote or line break is quoted, quotes doubled. */
export function csvCell(v: string | number | boolean): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function sessionCsvHeader(): string {
  return SESSION_COLUMNS.join(',');
}

export function sessionCsvLine(r: SessionRow): string {
  return SESSION_COLUMNS.map((c) => csvCell(r[c])).join(',');
}

export function sessionJsonLine(r: SessionRow): string {
  return JSON.stringify(r);
}

/**
 * Session ids to export, in id order: every session, or with `matching` (ascending 1-based packet numbers, e.g.
 * the display filter's) only sessions having at least one matching packet, as `wirelens sessions -Y` lists them.
 */
export function exportedSessionIds(index: CaptureIndex, matching: Uint32Array | null): Uint32Array {
  const count = index.sessions.count;
  if (matching === null) return Uint32Array.from({ length: count }, (_, i) => i);
  const keep = new Uint8Array(count);
  const store = index.store;
  for (const n of matching) {
    if (n < 1 || n > store.count) continue;
    const sid = store.session[n - 1] as number;
    if (sid >= 0 && sid < count) keep[sid] = 1;
  }
  let k = 0;
  for (let id = 0; id < count; id++) k += keep[id] as number;
  const ids = new Uint32Array(k);
  k = 0;
  for (let id = 0; id < count; id++) if (keep[id] === 1) ids[k++] = id;
  return ids;
}

/** Rows of `ids`, produced one at a time (no array of 288k objects). */
export function* sessionRows(index: CaptureIndex, ids: Uint32Array, enrich: SessionEnrichment | null): Generator<SessionRow> {
  for (const id of ids) yield sessionRow(index.sessions, index.endpoints, id, enrich);
}

/** Writes CSV or JSON lines through `line` (one call per line, header first for CSV); returns the row count. */
export function writeSessionLines(rows: Iterable<SessionRow>, format: 'csv' | 'jsonl', line: (s: string) => void): number {
  if (format === 'csv') line(sessionCsvHeader());
  let n = 0;
  for (const r of rows) {
    line(format === 'csv' ? sessionCsvLine(r) : sessionJsonLine(r));
    n++;
  }
  return n;
}

/**
 * Writes the rows as a Parquet file at `outPath` (atomically). Types: ids, counts and byte totals BIGINT, ports
 * and asn_b INTEGER (asn_b NULL when unknown), duration DOUBLE seconds, handshake BOOLEAN, start TIMESTAMP WITH
 * TIME ZONE in UTC with microsecond precision (the nanosecond digits the CSV keeps are truncated: Spark and
 * Trino read Parquet timestamps in microseconds), everything else VARCHAR.
 */
export function writeSessionsParquet(rows: Iterable<SessionRow>, outPath: string): Promise<number> {
  return writeParquet(
    outPath,
    SESSION_COLUMNS.map((name) => ({ name, type: SESSION_COLUMN_TYPES[name] })),
    mapRows(rows),
  );
}

function* mapRows(rows: Iterable<SessionRow>): Generator<Record<string, string | number | boolean | null>> {
  for (const r of rows) {
    const o: Record<string, string | number | boolean | null> = { ...r };
    o.start = epochMicros(String(r.start));
    if (r.asn_b === '') o.asn_b = null;
    yield o;
  }
}

/** "1081889803.830079123" → 1081889803830079 (exact: integer arithmetic on the two halves). */
export function epochMicros(epoch: string): number {
  const dot = epoch.indexOf('.');
  const sec = Number(dot < 0 ? epoch : epoch.slice(0, dot));
  const frac = dot < 0 ? '' : epoch.slice(dot + 1);
  return sec * 1e6 + Number(frac.padEnd(6, '0').slice(0, 6));
}
