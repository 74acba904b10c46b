/**
 * `wirelens db import`: one capture file → one `traces` row, its sessions as `flows` rows and its DNS, TLS,
 * HTTP and SIP logs as log rows.
 *
 * Steps: hash the file (SHA-256 of its content: a file already imported is skipped), index it (sessions,
 * classification, GeoIP), build the logs, then write everything in ONE transaction, in batches of rows. The
 * trace row is the first statement of that transaction and the commit the last: an import that is killed or
 * fails leaves no trace row and no flow or log row of it, and the same file can simply be imported again.
 */
import * as path from 'node:path';
import { CaptureIndex } from '../capture/capture-index';
import { linkTypeName } from '../capture/link-type-names';
import { openCapture } from '../readers/open';
import type { CaptureReader, ReaderError } from '../readers/record';
import { buildLog, logUnavailable, LogUnavailableError, type LogTable, type TlsRecord } from '../logs';
import { SessionEnrichment } from '../sessions/session-enrichment';
import { DEFAULT_TIMEOUTS, type IdleTimeouts } from '../sessions/session-table';
import type { RuleSet } from '../classify/rule-set';
import type { GeoResolver } from '../geo/geo-resolver';
import { DbValue, DuplicateTraceError, FlowDb } from './flow-db';
import { sha256File } from './file-hash';
import { FlowRows } from './flow-rows';
import { LogRows } from './log-rows';
import { FLOWS, LOG_TABLES, type DbLogKind, type TableDef } from './schema';

export interface ImportOptions {
  label?: string;
  site?: string;
  machine?: string;
  comment?: string;
  timeouts?: IdleTimeouts;
  /** Classification rules and GeoIP; absent: the app, category, country and ASN columns stay NULL. */
  classify?: { rules: RuleSet; geo: GeoResolver | null };
  /** Recorded in traces.wirelens_version. */
  version: string;
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
  /** Logs stored as tables (default all of IMPORTED_LOGS); the TLS log is read for the flows' SNI/JA3/JA4 anyway. */
  logs?: readonly DbLogKind[];
  /** Rows per INSERT batch (default 2000). */
  batchRows?: number;
  /** Milliseconds between progress lines of one phase (default 1000). */
  progressMs?: number;
}

export interface ImportResult {
  status: 'imported' | 'already-imported';
  traceId: number;
  sha256: string;
  packets: number;
  flows: number;
  logRecords: number;
  /** Wall time of the whole import, and of its phases. */
  seconds: number;
  phases: { hash: number; index: number; logs: number; write: number };
  readerErrors: ReaderError[];
}

export const IMPORTED_LOGS: readonly DbLogKind[] = ['dns', 'tls', 'http', 'sip'];

/** Opening the capture failed (not a capture, unreadable): the CLI reports it as unusable input. */
export class CaptureOpenError extends Error {}

export async function importCapture(db: FlowDb, file: string, opts: ImportOptions): Promise<ImportResult> {
  const say = opts.progress ?? (() => undefined);
  const every = opts.progressMs ?? 1000;
  const batch = Math.max(1, opts.batchRows ?? 2000);
  const name = path.basename(file);
  const t0 = performance.now();

  const sha256 = await sha256File(file);
  const tHash = performance.now();
  const existing = await db.findTrace(sha256);
  if (existing !== null) return already(existing, sha256, t0, []);

  let reader: CaptureReader;
  try {
    reader = openCapture(file);
  } catch (err) {
    const msg = (err as Error).message;
    throw new CaptureOpenError(msg.startsWith(file) ? msg : `${file}: ${msg}`);
  }
  try {
    // ---- index ----
    const enrich = opts.classify ? new SessionEnrichment({ rules: opts.classify.rules, geo: opts.classify.geo }) : null;
    const timeouts = opts.timeouts ?? DEFAULT_TIMEOUTS;
    const index = new CaptureIndex(reader, { timeouts, enrich: enrich ?? undefined });
    let last = performance.now();
    while (index.step() > 0) {
      if (performance.now() - last >= every) {
        last = performance.now();
        const pct = reader.fileSize > 0 ? ` (${Math.floor((100 * reader.position) / reader.fileSize)}%)` : '';
        say(`${name}: indexing ${index.packets} packets${pct}`);
      }
    }
    index.finish();
    const tIndex = performance.now();
    say(`${name}: indexed ${index.packets} packets, ${index.sessions.count} flows`);

    // ---- logs ----
    const logs: LogRows[] = [];
    let tlsLog: LogTable<TlsRecord> | null = null;
    const stored = new Set(opts.logs ?? IMPORTED_LOGS);
    for (const kind of IMPORTED_LOGS) {
      if (!stored.has(kind) && kind !== 'tls') continue;
      const missing = logUnavailable(kind);
      if (missing !== null) {
        say(`${name}: ${kind} log skipped: ${missing}`);
        continue;
      }
      let table: LogTable;
      try {
        table = buildLog(kind, index);
      } catch (err) {
        if (!(err instanceof LogUnavailableError)) throw err;
        say(`${name}: ${kind} log skipped: ${err.missing}`);
        continue;
      }
      if (kind === 'tls') tlsLog = table as LogTable<TlsRecord>;
      if (stored.has(kind)) logs.push(new LogRows(LOG_TABLES[kind], table));
    }
    const tLogs = performance.now();
    const logRecords = logs.reduce((n, l) => n + l.count, 0);
    say(`${name}: logs ${logs.map((l) => `${l.table.name} ${l.count}`).join(', ') || 'none stored'}`);

    // ---- write, in one transaction ----
    const flows = new FlowRows(index, enrich, tlsLog, opts.label ?? null);
    const trace: Record<string, DbValue> = {
      sha256,
      file_name: name,
      file_path: path.resolve(file),
      file_size: reader.fileSize,
      format: reader.format,
      link_types: [...new Set(reader.interfaces.map((i) => linkTypeName(i.linkType)))].join(', '),
      packets: index.packets,
      bytes: index.bytes,
      first_time: index.packets > 0 ? index.firstSec + index.firstNsec / 1e9 : null,
      last_time: index.packets > 0 ? index.lastSec + index.lastNsec / 1e9 : null,
      flows: flows.count,
      log_records: logRecords,
      label: opts.label ?? null,
      site: opts.site ?? null,
      machine: opts.machine ?? null,
      comment: opts.comment ?? null,
      timeouts: timeoutsText(timeouts),
      reader_errors: reader.errors.length > 0 ? reader.errors.map((e) => `${e.fatal ? 'error' : 'warning'}: ${e.message} (byte offset ${e.offset}, packet ${e.packet})`).join('\n') : null,
      imported_at: new Date().toISOString(),
      wirelens_version: opts.version,
    };
    await db.begin();
    let traceId: number;
    try {
      traceId = await db.insertTrace(trace);
      await writeTable(FLOWS, flows.count, (k) => flows.row(traceId, k));
      for (const l of logs) await writeTable(l.table, l.count, (k) => l.row(traceId, k));
      await db.commit();
    } catch (err) {
      await db.rollback();
      if (err instanceof DuplicateTraceError) {
        // Another import of the same content committed while this one ran.
        const id = await db.findTrace(sha256);
        if (id !== null) return already(id, sha256, t0, reader.errors);
      }
      throw err;
    }
    const tEnd = performance.now();
    const sec = (a: number, b: number): string => `${((b - a) / 1000).toFixed(1)} s`;
    say(`${name}: committed trace ${traceId}; hash ${sec(t0, tHash)}, index ${sec(tHash, tIndex)}, logs ${sec(tIndex, tLogs)}, write ${sec(tLogs, tEnd)}`);
    return {
      status: 'imported',
      traceId,
      sha256,
      packets: index.packets,
      flows: flows.count,
      logRecords,
      seconds: (tEnd - t0) / 1000,
      phases: { hash: (tHash - t0) / 1000, index: (tIndex - tHash) / 1000, logs: (tLogs - tIndex) / 1000, write: (tEnd - tLogs) / 1000 },
      readerErrors: reader.errors,
    };
  } finally {
    reader.close();
  }

  async function writeTable(table: TableDef, count: number, row: (k: number) => DbValue[]): Promise<void> {
    let last = 0;
    for (let start = 0; start < count; start += batch) {
      const end = Math.min(count, start + batch);
      const rows: DbValue[][] = [];
      for (let k = start; k < end; k++) rows.push(row(k));
      await db.insertRows(table, rows);
      // The first batch always reports (the write phase has begun), then at most one line per interval.
      if (start === 0 || performance.now() - last >= every || end === count) {
        last = performance.now();
        say(`${name}: writing ${table.name} ${end}/${count}`);
      }
    }
  }
}

function already(traceId: number, sha256: string, t0: number, readerErrors: ReaderError[]): ImportResult {
  const seconds = (performance.now() - t0) / 1000;
  return {
    status: 'already-imported',
    traceId,
    sha256,
    packets: 0,
    flows: 0,
    logRecords: 0,
    seconds,
    phases: { hash: seconds, index: 0, logs: 0, write: 0 },
    readerErrors,
  };
}

function timeoutsText(t: IdleTimeouts): string {
  const v = (s: number): string => (Number.isFinite(s) ? String(s) : 'none');
  return `tcp=${v(t.tcp)},udp=${v(t.udp)},icmp=${v(t.icmp)},other=${v(t.other)}`;
}
