/**
 * `wirelens db import FILE… [--db URL] [--label T] [--site T] [--machine T] [--comment T]`: stores captures
 * as traces, their sessions as flows and their DNS/TLS/HTTP/SIP logs in a flow database (docs/database.md).
 * `wirelens db query [--db URL] 'SQL' [--csv|--json]`: runs one SQL statement and prints its result.
 *
 * URL is `sqlite:PATH` (default: see defaultDbUrl) or `postgres://USER[:PASS]@HOST[:PORT]/DB`. CLI only for
 * now: better-sqlite3 is built for Node, not for Electron's ABI, so the app does not load it.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ParsedArgs, UsageError } from '../args';
import { Output } from '../output';
import { EXIT_DAMAGED, EXIT_UNREADABLE } from '../open-file';
import { timeoutsFrom } from './timeouts-option';
import { sharedRules } from '../../engine/classify/load-rules';
import { GeoResolver } from '../../engine/geo/geo-resolver';
import { readGeoSettings } from '../../engine/geo/geo-settings';
import { defaultDbUrl, FlowDb, FlowDbError, openFlowDb, parseDbUrl } from '../../engine/db/flow-db';
import { CaptureOpenError, IMPORTED_LOGS, importCapture } from '../../engine/db/importer';
import type { DbLogKind } from '../../engine/db/schema';
import { formatResult, type ResultFormat } from '../../engine/db/result-format';
import { projectRoot } from '../../host/paths';

/** Options of this command that take a value (the entry point's parser needs to know). */
export const DB_OPTIONS = ['--db', '--label', '--site', '--machine', '--comment', '--logs'];

/** A database that cannot be opened or a statement it refused. */
const EXIT_DB = 1;
const EXIT_INTERNAL = 70;

export async function dbCommand(args: ParsedArgs): Promise<number> {
  const [sub, ...rest] = args.positional;
  const url = args.options.get('--db') ?? defaultDbUrl();
  // Checked now, so a bad URL is a usage error with the usage text.
  try {
    parseDbUrl(url);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let work: Promise<number>;
  if (sub === 'import') {
    if (rest.length === 0) throw new UsageError('db import needs at least one capture file');
    const timeouts = timeoutsFrom(args);
    const logs = logsFrom(args);
    work = runImport(url, rest, args, timeouts, logs);
  } else if (sub === 'query') {
    if (rest.length !== 1) throw new UsageError(`db query needs one SQL statement (quote it)${rest.length > 1 ? `, got ${rest.length} arguments` : ''}`);
    const format: ResultFormat = args.flags.has('--json') ? 'json' : args.flags.has('--csv') ? 'csv' : 'table';
    work = runQuery(url, rest[0] as string, format);
  } else {
    throw new UsageError(`db needs "import" or "query"${sub ? `, not "${sub}"` : ''}`);
  }
  try {
    return await work;
  } catch (err) {
    return reportError(err);
  }
}

async function runImport(url: string, files: string[], args: ParsedArgs, timeouts: ReturnType<typeof timeoutsFrom>, logs: DbLogKind[]): Promise<number> {
  const db = await openFlowDb(url);
  const out = new Output();
  let code = 0;
  try {
    await db.ensureSchema();
    const classify = args.flags.has('--no-classify') ? undefined : { rules: sharedRules(), geo: new GeoResolver(readGeoSettings()) };
    for (const file of files) {
      try {
        const r = await importCapture(db, file, {
          label: args.options.get('--label'),
          site: args.options.get('--site'),
          machine: args.options.get('--machine'),
          comment: args.options.get('--comment'),
          timeouts,
          logs,
          classify,
          version: wirelensVersion(),
          progress: (line) => process.stderr.write(`wirelens db import: ${line}\n`),
        });
        if (r.status === 'already-imported') {
          out.line(`${file}: already imported (trace ${r.traceId}, sha256 ${r.sha256})`);
          continue;
        }
        const rate = r.phases.write > 0 ? `, ${Math.round(r.flows / r.seconds)} flows/s` : '';
        out.line(`${file}: imported as trace ${r.traceId} into ${db.where}: ${r.flows} flows, ${r.packets} packets, ${r.logRecords} log records in ${r.seconds.toFixed(1)} s${rate}`);
        for (const e of r.readerErrors) {
          process.stderr.write(`wirelens: ${e.fatal ? 'error' : 'warning'}: ${file}: ${e.message} (byte offset ${e.offset}, packet ${e.packet})\n`);
          // A damaged file was imported up to the damage (the trace records why): exit 1, as other commands do.
          if (e.fatal) code = Math.max(code, EXIT_DAMAGED);
        }
      } catch (err) {
        // One unreadable capture does not stop the others.
        if (err instanceof CaptureOpenError || isFileError(err)) {
          process.stderr.write(`wirelens: ${err instanceof CaptureOpenError ? err.message : `${file}: ${(err as Error).message}`}\n`);
          code = Math.max(code, EXIT_UNREADABLE);
          continue;
        }
        throw err;
      } finally {
        out.flush();
      }
    }
  } finally {
    await db.close();
  }
  return code;
}

async function runQuery(url: string, sql: string, format: ResultFormat): Promise<number> {
  let db: FlowDb | null = null;
  try {
    db = await openFlowDb(url, { mustExist: true });
    const r = await db.query(sql);
    const out = new Output();
    if (r.changes !== null) process.stderr.write(`${r.changes} row${r.changes === 1 ? '' : 's'} changed\n`);
    else for (const line of formatResult(r, format)) out.line(line);
    out.flush();
    return 0;
  } finally {
    await db?.close();
  }
}

/** `--logs dns,tls,http,sip` (default: all) or `--logs none`: which logs are stored as tables. */
function logsFrom(args: ParsedArgs): DbLogKind[] {
  const spec = args.options.get('--logs');
  if (spec === undefined) return [...IMPORTED_LOGS];
  if (spec === 'none') return [];
  const kinds = spec.split(',').map((k) => k.trim());
  for (const k of kinds) {
    if (!(IMPORTED_LOGS as readonly string[]).includes(k)) throw new UsageError(`--logs: unknown log "${k}" (use ${IMPORTED_LOGS.join(', ')} or none)`);
  }
  return kinds as DbLogKind[];
}

function reportError(err: unknown): number {
  if (err instanceof FlowDbError) {
    process.stderr.write(`wirelens: ${err.message}\n`);
    return EXIT_DB;
  }
  if (isDbServerError(err)) {
    process.stderr.write(`wirelens: database: ${(err as Error).message}\n`);
    return EXIT_DB;
  }
  process.stderr.write(`wirelens: internal error: ${(err as Error).message}\n`);
  if (process.env.WIRELENS_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
  return EXIT_INTERNAL;
}

/** ENOENT/EACCES… on a capture file. */
function isFileError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && (err as NodeJS.ErrnoException).syscall !== undefined;
}

/** Errors a database raised (SQLite's SQLITE_* codes, PostgreSQL's SQLSTATE in `code`), not engine bugs. */
function isDbServerError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_') || /^[0-9A-Z]{5}$/.test(code));
}

let version: string | null = null;

function wirelensVersion(): string {
  if (version === null) {
    try {
      version = String((JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown');
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
