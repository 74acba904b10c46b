/**
 * `wirelens logs dns|http|tls|sip|apps FILE [-Y FILTER] [--json|--csv] [--idle S]`: Zeek-style logs, one
 * record per DNS transaction, HTTP request/response, TLS handshake (per session), SIP transaction, or
 * interval of application use. Text is tab-separated with a header line (like `zeek-cut -c`), --csv is CSV
 * with a header, --json one object per line.
 */
import { SessionEnrichment } from '../../engine/sessions/session-enrichment';
import { sharedRules } from '../../engine/classify/load-rules';
import { GeoResolver } from '../../engine/geo/geo-resolver';
import { readGeoSettings } from '../../engine/geo/geo-settings';
import { CaptureIndex } from '../../engine/capture/capture-index';
import { buildLog, filterLog, headerLine, isLogKind, LOG_KINDS, logUnavailable, LogUnavailableError, recordLine, type LogFormat, type LogTable } from '../../engine/logs';
import { ParsedArgs, UsageError } from '../args';
import { Output } from '../output';
import { CliError, openForCli, reportReaderErrors } from '../open-file';
import { filterFrom } from '../filter-option';
import { timeoutsFrom } from './timeouts-option';

/** Options of this command that take a value (the entry point's parser needs to know). */
export const LOGS_OPTIONS = ['--idle'];

/** A log that cannot be produced in this build: 2, like input the command cannot use. */
export const EXIT_LOG_UNAVAILABLE = 2;

export function logsCommand(args: ParsedArgs): number {
  const [kind, path] = args.positional;
  if (!kind || !isLogKind(kind)) throw new UsageError(`logs needs a log name (${LOG_KINDS.join(', ')})${kind ? `, not "${kind}"` : ''}`);
  if (!path) throw new UsageError(`logs ${kind} needs a capture file`);
  const idleSeconds = idleFrom(args);
  // Say so before reading what may be a large file.
  const missing = logUnavailable(kind);
  if (missing !== null) throw new CliError(new LogUnavailableError(kind, missing).message, EXIT_LOG_UNAVAILABLE);
  const filter = filterFrom(args);
  const format: LogFormat = args.flags.has('--json') ? 'json' : args.flags.has('--csv') ? 'csv' : 'text';
  const reader = openForCli(path);
  // The apps log needs the classification that session enrichment computes during the index pass.
  const enrich = kind === 'apps' ? new SessionEnrichment({ rules: sharedRules(), geo: new GeoResolver(readGeoSettings()) }) : undefined;
  const index = new CaptureIndex(reader, { timeouts: timeoutsFrom(args), enrich });
  index.runToEnd();
  let table: LogTable;
  try {
    table = buildLog(kind, index, { idleSeconds });
  } catch (err) {
    if (err instanceof LogUnavailableError) throw new CliError(err.message, EXIT_LOG_UNAVAILABLE);
    throw err;
  }
  if (filter !== null) table = filterLog(kind, table, index, filter);
  reader.close();
  const out = new Output();
  const header = headerLine(table.columns, format);
  if (header !== null) out.line(header);
  for (const rec of table.records) out.line(recordLine(table.columns, rec, format));
  out.flush();
  return reportReaderErrors(reader);
}

function idleFrom(args: ParsedArgs): number | undefined {
  const text = args.options.get('--idle');
  if (text === undefined) return undefined;
  const s = Number(text);
  if (text.trim() === '' || !(s >= 0) || !Number.isFinite(s)) throw new UsageError(`--idle needs a number of seconds ≥ 0, not "${text}"`);
  return s;
}
