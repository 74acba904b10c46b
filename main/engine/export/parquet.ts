/**
 * Parquet through DuckDB's Node package: the rows are streamed to a temporary JSON-lines file (JSON escaping
 * is exact for any string a packet may carry), and DuckDB reads it with declared column types and COPYs it to
 * Parquet. Rows are never all in memory on the JavaScript side; the temporary Parquet file is renamed over the
 * destination only when complete.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ColumnType } from './session-rows';
import { TextSink } from './text-sink';

export interface ParquetColumn {
  name: string;
  /** TIMESTAMPTZ columns are given as epoch microseconds (integers) in the rows. */
  type: ColumnType;
}

export type ParquetValue = string | number | boolean | null;

export class ParquetError extends Error {}

/** Writes `rows` (objects keyed by column name) to `outPath`; returns the number of rows. */
export async function writeParquet(outPath: string, columns: readonly ParquetColumn[], rows: Iterable<Record<string, ParquetValue>>): Promise<number> {
  for (const c of columns) {
    // Names go into SQL: only plain identifiers (ours are fixed, this guards future callers).
    if (!/^[a-z_][a-z0-9_]*$/i.test(c.name)) throw new ParquetError(`column name "${c.name}" is not a plain identifier`);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelens-parquet-'));
  const jsonl = path.join(work, 'rows.jsonl');
  const dir = path.dirname(path.resolve(outPath));
  const temp = path.join(dir, `.${path.basename(outPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    let n = 0;
    const fd = fs.openSync(jsonl, 'w', 0o600);
    try {
      const out = new TextSink(fd);
      for (const r of rows) {
        out.line(JSON.stringify(r));
        n++;
      }
      out.flush();
    } finally {
      fs.closeSync(fd);
    }
    await copyToParquet(jsonl, temp, columns);
    fs.renameSync(temp, outPath);
    return n;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(temp, { force: true });
  }
}

async function copyToParquet(jsonl: string, out: string, columns: readonly ParquetColumn[]): Promise<void> {
  // Loaded on first use: the CLI's other commands and the worker start without the native module.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    // Casting TIMESTAMP to TIMESTAMPTZ interprets it in the session time zone: UTC keeps the instant.
    await conn.run(`SET TimeZone = 'UTC'`);
    const declared = columns.map((c) => `${c.name}: '${c.type === 'TIMESTAMPTZ' ? 'BIGINT' : c.type}'`).join(', ');
    const select = columns.map((c) => (c.type === 'TIMESTAMPTZ' ? `make_timestamp(${c.name})::TIMESTAMPTZ AS ${c.name}` : c.name)).join(', ');
    await conn.run(
      `COPY (SELECT ${select} FROM read_json(${sqlString(jsonl)}, format = 'newline_delimited', columns = {${declared}})) ` +
        `TO ${sqlString(out)} (FORMAT parquet)`,
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
