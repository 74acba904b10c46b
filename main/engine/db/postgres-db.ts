/**
 * The PostgreSQL backend (node-postgres, one connection). Lists are native arrays; rows go in with COPY
 * inside the import's single transaction, so a killed import (the connection drops) is rolled back by the
 * server.
 */
import pg from 'pg';
import { DbValue, DuplicateTraceError, FlowDb, FlowDbError, QueryResult, redactUrl } from './flow-db';
import { META_TABLE, SCHEMA_VERSION, TRACES, TableDef, insertColumns, isListType, schemaStatements } from './schema';
import { CopyIn, copyText } from './pg-copy';

/** Key of the advisory lock that serialises schema creation between concurrent imports. */
const SCHEMA_LOCK = 0x776c6462; // "wldb"

const INT8 = 20;
const NUMERIC = 1700;
const INT8_ARRAY = 1016;
const NUMERIC_ARRAY = 1231;
const ARRAY_TYPES = new Set([1000, 1005, 1007, INT8_ARRAY, 1009, 1015, 1021, 1022, NUMERIC_ARRAY]);

/**
 * bigint and numeric come back as numbers when that is exact (counts, sums of bytes), else as the server's
 * text, so `db query` prints the same numbers as SQLite does.
 */
function bigNumber(text: string | null): number | string | null {
  if (text === null) return null;
  const n = Number(text);
  // Integers beyond 2^53 stay text (exact); decimals (avg(), numeric division) become doubles.
  if (/^-?\d+$/.test(text)) return Number.isSafeInteger(n) ? n : text;
  return Number.isFinite(n) ? n : text;
}

/** node-postgres's own parsers, looked up by any OID (its typing only lists the built-in ones). */
const defaultParser = pg.types.getTypeParser as unknown as (oid: number, format: 'text' | 'binary') => (value: string) => unknown;

const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8 || oid === NUMERIC) return bigNumber;
    if (oid === INT8_ARRAY || oid === NUMERIC_ARRAY) {
      const base = defaultParser(oid, 'text') as (t: string) => (string | null)[];
      return (t: string) => base(t).map(bigNumber);
    }
    return defaultParser(oid, format ?? 'text');
  }) as typeof pg.types.getTypeParser,
};

export class PostgresFlowDb implements FlowDb {
  readonly dialect = 'postgres' as const;
  private broken: Error | null = null;

  private constructor(
    private readonly client: pg.Client,
    readonly where: string,
  ) {
    // A server that goes away would otherwise crash the process with an unhandled 'error' event.
    client.on('error', (err) => {
      this.broken = err;
    });
  }

  static async open(url: string): Promise<PostgresFlowDb> {
    const client = new pg.Client({ connectionString: url, types: TYPES, application_name: 'wirelens' });
    try {
      await client.connect();
    } catch (err) {
      throw new FlowDbError(`${redactUrl(url)}: ${(err as Error).message}`);
    }
    return new PostgresFlowDb(client, redactUrl(url));
  }

  private async run(text: string, values?: unknown[]): Promise<pg.QueryResult> {
    if (this.broken) throw new FlowDbError(`${this.where}: connection lost: ${this.broken.message}`);
    return this.client.query(text, values);
  }

  async ensureSchema(): Promise<void> {
    await this.run('BEGIN');
    try {
      // Two imports starting together would race on CREATE TABLE IF NOT EXISTS (a unique violation in the catalog).
      await this.run('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      const exists = await this.run('SELECT to_regclass($1) AS t', [META_TABLE]);
      if ((exists.rows[0] as { t: string | null }).t !== null) {
        const v = (await this.run(`SELECT max(version) AS v FROM ${META_TABLE}`)).rows[0] as { v: number | null };
        if (v.v !== null && v.v !== SCHEMA_VERSION) throw new FlowDbError(`${this.where}: schema version ${v.v}, this wirelens uses version ${SCHEMA_VERSION}`);
      }
      for (const s of schemaStatements('postgres')) await this.run(s);
      const n = (await this.run(`SELECT count(*)::integer AS n FROM ${META_TABLE}`)).rows[0] as { n: number };
      if (n.n === 0) await this.run(`INSERT INTO ${META_TABLE} (version) VALUES ($1)`, [SCHEMA_VERSION]);
      await this.run('COMMIT');
    } catch (err) {
      await this.rollback();
      throw err;
    }
  }

  async findTrace(sha256: string): Promise<number | null> {
    const r = await this.run('SELECT id FROM traces WHERE sha256 = $1', [sha256]);
    return r.rows.length > 0 ? Number((r.rows[0] as { id: number | string }).id) : null;
  }

  async begin(): Promise<void> {
    await this.run('BEGIN');
  }

  async insertTrace(values: Record<string, DbValue>): Promise<number> {
    const cols = insertColumns(TRACES);
    try {
      const r = await this.run(
        `INSERT INTO traces (${cols.map((c) => c.name).join(', ')}) VALUES (${cols.map((_, k) => `$${k + 1}`).join(', ')}) RETURNING id`,
        cols.map((c) => values[c.name] ?? null),
      );
      return Number((r.rows[0] as { id: number | string }).id);
    } catch (err) {
      // 23505: unique_violation (the same file committed by a concurrent import).
      if ((err as { code?: string }).code === '23505') throw new DuplicateTraceError('already imported');
      throw err;
    }
  }

  /** One COPY per batch (see pg-copy.ts for why COPY). */
  async insertRows(table: TableDef, rows: readonly (readonly DbValue[])[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.broken) throw new FlowDbError(`${this.where}: connection lost: ${this.broken.message}`);
    const cols = insertColumns(table);
    const copy = new CopyIn(`COPY ${table.name} (${cols.map((c) => c.name).join(', ')}) FROM STDIN`, copyText(rows, cols.map((c) => isListType(c.type))));
    this.client.query(copy);
    await copy.done;
  }

  async commit(): Promise<void> {
    await this.run('COMMIT');
  }

  async rollback(): Promise<void> {
    if (this.broken) return;
    try {
      await this.client.query('ROLLBACK');
    } catch {
      // Nothing to roll back (no transaction open) or the connection is gone: the server discards it anyway.
    }
  }

  async query(sql: string): Promise<QueryResult> {
    let r: pg.QueryArrayResult;
    try {
      if (this.broken) throw this.broken;
      r = await this.client.query({ text: sql, rowMode: 'array' });
    } catch (err) {
      throw new FlowDbError((err as Error).message);
    }
    // A multi-statement string returns one result per statement: show the last, as psql -c does.
    const last = Array.isArray(r) ? (r[r.length - 1] as pg.QueryArrayResult) : r;
    if (last.fields.length === 0) return { columns: [], rows: [], changes: last.rowCount ?? 0 };
    return {
      columns: last.fields.map((f) => ({ name: f.name, list: ARRAY_TYPES.has(f.dataTypeID) })),
      rows: last.rows,
      changes: null,
    };
  }

  async close(): Promise<void> {
    try {
      await this.client.end();
    } catch {
      // Already closed by the server.
    }
  }
}
