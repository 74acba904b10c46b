/**
 * The embedded backend: one SQLite file through better-sqlite3 (synchronous underneath). WAL journal so
 * queries can read while an import writes; an import killed mid-transaction leaves uncommitted pages that
 * SQLite discards the next time the file is opened.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { DbValue, DuplicateTraceError, FlowDb, FlowDbError, QueryResult } from './flow-db';
import { META_TABLE, SCHEMA_VERSION, TRACES, TableDef, insertColumns, isListType, schemaStatements } from './schema';

export class SqliteFlowDb implements FlowDb {
  readonly dialect = 'sqlite' as const;
  private readonly inserts = new Map<string, Database.Statement>();

  private constructor(
    private readonly db: Database.Database,
    readonly where: string,
  ) {}

  static open(file: string, mustExist: boolean): SqliteFlowDb {
    if (mustExist && !fs.existsSync(file)) throw new FlowDbError(`no database at ${file} (import a capture first: wirelens db import FILE --db sqlite:${file})`);
    if (!mustExist) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    let db: Database.Database;
    try {
      // Another import holds the write lock for its whole write phase (a minute for a big capture): wait for
      // it rather than fail (the timeout applies from here on, to the pragmas below too).
      db = new Database(file, { fileMustExist: mustExist, timeout: 600_000 });
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode stays consistent on a crash; only the last commits may be lost on power loss.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // An import inserts into several indexes in one transaction: with SQLite's default 2 MB page cache their
      // pages keep being evicted and re-read (a 256 MB cap, allocated only as used, writes 1.6× faster).
      db.pragma('cache_size = -262144');
    } catch (err) {
      throw new FlowDbError(`${file}: ${(err as Error).message}`);
    }
    return new SqliteFlowDb(db, file);
  }

  async ensureSchema(): Promise<void> {
    const hasMeta = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(META_TABLE) !== undefined;
    if (hasMeta) {
      checkVersion(this.db.prepare(`SELECT max(version) AS v FROM ${META_TABLE}`).get() as { v: number | null }, this.where);
    }
    // One transaction: a second process creating the schema at the same time waits (busy_timeout).
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const s of schemaStatements('sqlite')) this.db.exec(s);
      const row = this.db.prepare(`SELECT count(*) AS n FROM ${META_TABLE}`).get() as { n: number };
      if (row.n === 0) this.db.prepare(`INSERT INTO ${META_TABLE} (version) VALUES (?)`).run(SCHEMA_VERSION);
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  async findTrace(sha256: string): Promise<number | null> {
    const row = this.db.prepare('SELECT id FROM traces WHERE sha256 = ?').get(sha256) as { id: number } | undefined;
    return row?.id ?? null;
  }

  async begin(): Promise<void> {
    // IMMEDIATE takes the write lock now, so a concurrent import waits here rather than failing at commit.
    this.db.exec('BEGIN IMMEDIATE');
  }

  async insertTrace(values: Record<string, DbValue>): Promise<number> {
    const cols = insertColumns(TRACES);
    const stmt = this.db.prepare(`INSERT INTO traces (${cols.map((c) => c.name).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    try {
      return Number(stmt.run(...cols.map((c) => encode(values[c.name] ?? null, isListType(c.type)))).lastInsertRowid);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new DuplicateTraceError('already imported');
      throw err;
    }
  }

  async insertRows(table: TableDef, rows: readonly (readonly DbValue[])[]): Promise<void> {
    const cols = insertColumns(table);
    let stmt = this.inserts.get(table.name);
    if (stmt === undefined) {
      stmt = this.db.prepare(`INSERT INTO ${table.name} (${cols.map((c) => c.name).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
      this.inserts.set(table.name, stmt);
    }
    const list = cols.map((c) => isListType(c.type));
    const args: unknown[] = new Array(cols.length);
    for (const row of rows) {
      for (let k = 0; k < cols.length; k++) args[k] = encode(row[k] ?? null, list[k] as boolean);
      stmt.run(args);
    }
  }

  async commit(): Promise<void> {
    this.db.exec('COMMIT');
  }

  async rollback(): Promise<void> {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  async query(sql: string): Promise<QueryResult> {
    let stmt: Database.Statement;
    try {
      stmt = this.db.prepare(sql);
    } catch (err) {
      throw new FlowDbError((err as Error).message);
    }
    try {
      if (!stmt.reader) return { columns: [], rows: [], changes: stmt.run().changes };
      const meta = stmt.columns();
      const list = meta.map((m) => m.type === 'JSON_TEXT');
      const rows = (stmt.raw(true).all() as unknown[][]).map((r) => r.map((v, k) => (list[k] && typeof v === 'string' ? parseList(v) : v)));
      return { columns: meta.map((m, k) => ({ name: m.name, list: list[k] as boolean })), rows, changes: null };
    } catch (err) {
      throw new FlowDbError((err as Error).message);
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function checkVersion(row: { v: number | null }, where: string): void {
  if (row.v !== null && row.v !== SCHEMA_VERSION) {
    throw new FlowDbError(`${where}: schema version ${row.v}, this wirelens uses version ${SCHEMA_VERSION}`);
  }
}

function encode(v: DbValue, list: boolean): number | string | null {
  if (v === null) return null;
  if (list || Array.isArray(v)) return JSON.stringify(v);
  return v as number | string;
}

/** A JSON_TEXT cell back as an array; text that is not JSON (written by hand) stays as it is. */
function parseList(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
