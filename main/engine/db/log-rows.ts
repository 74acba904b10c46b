/**
 * Log records (DNS, TLS, HTTP, SIP: main/engine/logs) as rows of their table: the Zeek columns under SQL
 * names (`id.orig_h` → `orig_h`), plus the flow the record belongs to (its session) and its first frame.
 */
import type { LogTable, LogValue } from '../logs';
import type { LogScalar } from '../logs/record';
import type { DbValue } from './flow-db';
import { ColumnDef, TableDef, insertColumns, sqlColumnOf } from './schema';

export class LogRows {
  private readonly columns: ColumnDef[];
  /** For each table column, the log's Zeek column it comes from (undefined for the head columns). */
  private readonly source: (string | undefined)[];

  constructor(
    readonly table: TableDef,
    readonly log: LogTable,
  ) {
    this.columns = insertColumns(table);
    const byName = new Map(log.columns.map((z) => [sqlColumnOf(z), z]));
    this.source = this.columns.map((c) => byName.get(c.name));
  }

  get count(): number {
    return this.log.records.length;
  }

  row(traceId: number, k: number): DbValue[] {
    const rec = this.log.records[k];
    const ev = this.log.evidence[k];
    return this.columns.map((col, j) => {
      switch (col.name) {
        case 'trace_id':
          return traceId;
        case 'row_no':
          return k;
        case 'flow_no':
          return ev?.sessions[0] ?? null;
        case 'frame':
          return ev?.frames[0] ?? null;
      }
      const z = this.source[j];
      return z === undefined || rec === undefined ? null : cell(col, rec[z]);
    });
  }
}

/** A log value in the column's type; a value that does not fit (never expected) becomes NULL, not an error. */
function cell(col: ColumnDef, v: LogValue | undefined): DbValue {
  if (v === null || v === undefined) return col.type.endsWith('_list') ? [] : null;
  switch (col.type) {
    case 'flag':
      return v === true || v === 1 ? 1 : 0;
    case 'int':
    case 'bigint':
    case 'real': {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) return null;
      return col.type === 'real' ? n : Math.trunc(n);
    }
    case 'text':
      return Array.isArray(v) ? v.join(',') : String(v);
    case 'text_list':
      return (Array.isArray(v) ? v : [v as LogScalar]).map(String);
    case 'int_list':
    case 'bigint_list':
    case 'real_list':
      return (Array.isArray(v) ? v : [v as LogScalar]).map(Number).filter(Number.isFinite);
    default:
      return null;
  }
}
