/**
 * The logs of one capture, built on demand and kept: one LogTable per kind, rebuilt when the capture has grown
 * (at most every few seconds while it is still growing, and never more often than four times the last build's
 * cost, so a live capture never spends most of its time rebuilding logs), plus the derived views the UI pages
 * through (display-filtered record sets, quick-search texts, sort orders), cached per log build.
 *
 * It runs in the logs worker (logs-worker.ts) over that worker's own index of the file, so building a log over
 * a million packets never stalls the engine; without the compiled worker (tests running the TypeScript
 * sources) it runs in-process over the open capture's index.
 */
import * as fs from 'node:fs';
import type { LogKind, LogRow, LogRowsResult } from '../../../shared/views/logs';
import type { CaptureIndex } from '../../engine/capture/capture-index';
import { compileFilter, FilterSyntaxError } from '../../engine/filter';
import { buildLog, filterLog, headerLine, LogUnavailableError, recordLine, type LogRecord, type LogTable } from '../../engine/logs';
import { searchText, sortIds, toRow } from './logs-rows';

/** Rebuild a growing capture's log at most this often. */
export const REBUILD_MS = 3000;

/** The capture a LogStore reads: an index, and a way to bring it up to date (the worker reads its file). */
export interface LogCapture {
  readonly index: CaptureIndex;
  /** Reads what the file has gained since the last call (a no-op for the open capture's own index). */
  refresh(): void;
}

export interface LogQuery {
  kind: LogKind;
  search: string;
  filter: string;
  sort?: { column: string; desc: boolean } | undefined;
}

interface Built {
  table: LogTable;
  /** Packets indexed when it was built. */
  packets: number;
  builtAt: number;
  buildMs: number;
  /** Record → its position (filterLog returns records, not positions). */
  positions: Map<LogRecord, number> | null;
  texts: string[] | null;
  /** Positions kept by a display filter, by filter text. */
  filtered: Map<string, Uint32Array>;
  /** The last view asked for (the UI pages through one view at a time). */
  view: { key: string; ids: Uint32Array } | null;
}

/** An exception carrying the contract's error code (the worker cannot throw ServiceError across threads). */
export class LogStoreError extends Error {
  constructor(
    readonly code: 'invalid' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

export class LogStore {
  private readonly built = new Map<LogKind, Built>();
  private readonly unavailable = new Map<LogKind, string>();

  constructor(
    private readonly capture: LogCapture,
    private readonly now: () => number = Date.now,
  ) {}

  /** `growing`: the capture is still being indexed or captured (rebuilds are then throttled). */
  rows(q: LogQuery, start: number, count: number, growing: boolean): LogRowsResult {
    this.capture.refresh();
    const index = this.capture.index;
    const base = { kind: q.kind, rows: [] as LogRow[], start, total: 0, records: 0, packets: 0, stale: false, columns: [] as string[] };
    const b = this.table(q.kind, growing);
    if (b === null) return { ...base, unavailable: this.unavailable.get(q.kind) ?? 'not available' };
    const { ids, filterError } = this.view(b, q);
    const table = b.table;
    const rows: LogRow[] = [];
    const end = Math.min(ids.length, start + count);
    for (let k = start; k < end; k++) {
      const id = ids[k] as number;
      rows.push(toRow(q.kind, table.columns, id, table.records[id] as LogRecord, table.evidence[id] ?? { frames: [], sessions: [] }, index.sessions));
    }
    const result: LogRowsResult = {
      ...base,
      columns: [...table.columns],
      rows,
      total: ids.length,
      records: table.records.length,
      packets: b.packets,
      stale: index.store.count > b.packets,
    };
    if (filterError !== null) result.filterError = filterError;
    return result;
  }

  /** Writes the view's records to `out` (CSV with a header, or JSON lines). Returns how many. */
  export(q: LogQuery, format: 'csv' | 'jsonl', out: string): number {
    this.capture.refresh();
    const b = this.table(q.kind, false);
    if (b === null) throw new LogStoreError('failed', this.unavailable.get(q.kind) ?? `${q.kind} log: not available`);
    const { ids, filterError } = this.view(b, q);
    if (filterError !== null) throw new LogStoreError('invalid', `display filter: ${filterError.message}`);
    const fmt = format === 'csv' ? 'csv' : 'json';
    const cols = b.table.columns;
    const fd = fs.openSync(out, 'w');
    try {
      const head = headerLine(cols, fmt);
      let buf = head !== null ? head + '\n' : '';
      for (const id of ids) {
        buf += recordLine(cols, b.table.records[id] as LogRecord, fmt) + '\n';
        if (buf.length > 1 << 20) {
          fs.writeSync(fd, buf);
          buf = '';
        }
      }
      fs.writeSync(fd, buf);
    } finally {
      fs.closeSync(fd);
    }
    return ids.length;
  }

  /** The built log of `kind`, rebuilt when the capture grew and the throttle allows; null when unavailable. */
  private table(kind: LogKind, growing: boolean): Built | null {
    const index = this.capture.index;
    const count = index.store.count;
    const old = this.built.get(kind);
    if (old !== undefined) {
      if (count === old.packets) return old;
      const wait = Math.max(REBUILD_MS, 4 * old.buildMs);
      if (growing && this.now() - old.builtAt < wait) return old;
    }
    const t0 = performance.now();
    let table: LogTable;
    try {
      table = buildLog(kind, index);
    } catch (err) {
      if (err instanceof LogUnavailableError) {
        this.unavailable.set(kind, err.message);
        return null;
      }
      throw err;
    }
    const b: Built = { table, packets: count, builtAt: this.now(), buildMs: performance.now() - t0, positions: null, texts: null, filtered: new Map(), view: null };
    this.built.set(kind, b);
    return b;
  }

  /** Positions of the records the query shows, in display order. */
  private view(b: Built, q: LogQuery): { ids: Uint32Array; filterError: { message: string; start: number; end: number } | null } {
    const search = q.search.trim().toLowerCase();
    const filter = q.filter.trim();
    const sort = q.sort !== undefined && b.table.columns.includes(q.sort.column) ? q.sort : undefined;
    let filterError: { message: string; start: number; end: number } | null = null;
    let ids: Uint32Array | null = null;
    if (filter !== '') {
      const got = this.filtered(b, q.kind, filter);
      if (got instanceof Uint32Array) ids = got;
      else filterError = got;
    }
    const key = JSON.stringify([filterError === null ? filter : '', search, sort?.column ?? '', sort?.desc ?? false]);
    if (b.view !== null && b.view.key === key) return { ids: b.view.ids, filterError };
    ids ??= Uint32Array.from({ length: b.table.records.length }, (_, i) => i);
    if (search !== '') {
      const texts = (b.texts ??= b.table.records.map((r) => searchText(b.table.columns, r)));
      ids = ids.filter((id) => (texts[id] as string).includes(search));
    }
    if (sort !== undefined) ids = sortIds(b.table.records, ids, sort.column, sort.desc);
    b.view = { key, ids };
    return { ids, filterError };
  }

  private filtered(b: Built, kind: LogKind, text: string): Uint32Array | { message: string; start: number; end: number } {
    const cached = b.filtered.get(text);
    if (cached !== undefined) return cached;
    let compiled;
    try {
      compiled = compileFilter(text);
    } catch (err) {
      if (err instanceof FilterSyntaxError) return { message: err.error.message, start: err.error.start, end: err.error.end };
      throw err;
    }
    let ids: Uint32Array;
    if (compiled.matchesAll) ids = Uint32Array.from({ length: b.table.records.length }, (_, i) => i);
    else {
      const kept = filterLog(kind, b.table, this.capture.index, compiled);
      const pos = (b.positions ??= new Map(b.table.records.map((r, i) => [r, i])));
      ids = Uint32Array.from(kept.records, (r) => pos.get(r) as number);
    }
    // A handful of filters per build at most: the UI applies one at a time.
    if (b.filtered.size >= 4) b.filtered.delete(b.filtered.keys().next().value as string);
    b.filtered.set(text, ids);
    return ids;
  }
}
