/**
 * What the importer and `db query` need from a database, implemented once per backend (sqlite-db.ts,
 * postgres-db.ts). Everything is async because PostgreSQL is; SQLite answers synchronously underneath.
 *
 * Backends are loaded on demand (`openFlowDb`): better-sqlite3 is a native addon built for Node, not for
 * Electron, so only the CLI loads it, and only when a SQLite database is opened.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { Dialect, TableDef } from './schema';

/** A cell as the importer hands it over; lists become arrays (PostgreSQL) or JSON text (SQLite). */
export type DbValue = number | string | null | readonly number[] | readonly string[];

export interface QueryColumn {
  readonly name: string;
  /** The values are lists (PostgreSQL arrays, or SQLite JSON_TEXT columns parsed for output). */
  readonly list: boolean;
}

export interface QueryResult {
  readonly columns: readonly QueryColumn[];
  /** Row-major cells: numbers, strings, null, or arrays for list columns. */
  readonly rows: readonly (readonly unknown[])[];
  /** Rows a statement without a result set changed (UPDATE, DELETE …); null for queries. */
  readonly changes: number | null;
}

export interface FlowDb {
  readonly dialect: Dialect;
  /** Where the database is, for messages (a PostgreSQL URL without its password). */
  readonly where: string;
  /** Creates the tables and indexes when missing; refuses a database of another schema version. */
  ensureSchema(): Promise<void>;
  /** The id of the trace imported from a file with this content hash, or null. */
  findTrace(sha256: string): Promise<number | null>;
  begin(): Promise<void>;
  /** Inserts the traces row and returns its id (inside the open transaction). */
  insertTrace(values: Record<string, DbValue>): Promise<number>;
  /** Inserts rows given in `insertColumns(table)` order. */
  insertRows(table: TableDef, rows: readonly (readonly DbValue[])[]): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** One SQL statement, as the user wrote it. */
  query(sql: string): Promise<QueryResult>;
  close(): Promise<void>;
}

/** Raised for a database that cannot be used (bad URL, newer schema, server unreachable): a user error. */
export class FlowDbError extends Error {}

/** Raised by insertTrace when a trace with the same sha256 was committed meanwhile (a concurrent import). */
export class DuplicateTraceError extends Error {}

export interface DbLocation {
  readonly dialect: Dialect;
  /** The SQLite file, or the PostgreSQL connection string. */
  readonly target: string;
}

/**
 * The database used without --db: $WIRELENS_DB if set, else flows.sqlite in the user's data directory
 * ($XDG_DATA_HOME/wirelens, else ~/.local/share/wirelens).
 */
export function defaultDbUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WIRELENS_DB) return env.WIRELENS_DB;
  const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return `sqlite:${path.join(base, 'wirelens', 'flows.sqlite')}`;
}

/** `sqlite:PATH` (also `sqlite://PATH`) or `postgres://…` / `postgresql://…`. */
export function parseDbUrl(url: string): DbLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', target: url };
  const m = /^sqlite:(?:\/\/)?(.+)$/i.exec(url);
  if (m) return { dialect: 'sqlite', target: m[1] as string };
  throw new FlowDbError(`unsupported database URL "${redactUrl(url)}" (use sqlite:PATH or postgres://USER@HOST/DB)`);
}

/** A URL fit for messages: the password replaced by "***". */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

export interface OpenOptions {
  /** SQLite: fail when the file does not exist yet (queries), instead of creating it (imports). */
  mustExist?: boolean;
}

export async function openFlowDb(url: string, opts: OpenOptions = {}): Promise<FlowDb> {
  const loc = parseDbUrl(url);
  if (loc.dialect === 'sqlite') {
    const { SqliteFlowDb } = await load(() => import('./sqlite-db'), 'the SQLite driver (better-sqlite3, a native addon built for Node.js)');
    return SqliteFlowDb.open(loc.target, opts.mustExist ?? false);
  }
  const { PostgresFlowDb } = await load(() => import('./postgres-db'), 'the PostgreSQL driver (pg)');
  return PostgresFlowDb.open(loc.target);
}

/** A driver that cannot be loaded (not installed, or a native addon built for another runtime) is a user error. */
async function load<T>(f: () => Promise<T>, what: string): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw new FlowDbError(`${what} cannot be loaded: ${(err as Error).message.split('\n')[0]}`);
  }
}
