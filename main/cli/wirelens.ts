/** `wirelens` command-line entry point: dispatches to one file per command. */
import { UsageError, parseArgs } from './args';
import { infoCommand } from './commands/info';
import { listCommand } from './commands/list';
import { SESSIONS_OPTIONS, sessionsCommand } from './commands/sessions';
import { checkFilterCommand } from './commands/check-filter';
import { exportCommand } from './commands/export';
import { showCommand } from './commands/show';
import { interfacesCommand } from './commands/interfaces';
import { captureCommand } from './commands/capture';
import { SERVE_OPTIONS, serveCommand } from './commands/serve';
import { LOGS_OPTIONS, logsCommand } from './commands/logs';
import { splitCommand } from './commands/split';
import { DB_OPTIONS, dbCommand } from './commands/db';
import { CliError } from './open-file';

const USAGE = `usage: wirelens <command> [options]

  info FILE [--json]                      format, link types, counts, times, interfaces
  list FILE [-Y FILTER] [--json]          one line per packet (No., Time, Source, Destination, Protocol, Length, Info)
  sessions FILE [-Y FILTER] [--json|--jsonl|--csv|--parquet OUT]
                                          the session table (with -Y: sessions having a matching packet);
                                          --json/--jsonl print JSON lines, --parquet writes typed Parquet;
                                          --no-classify skips app/GeoIP columns, --unknown-names lists unmatched names
  export FILE [-Y FILTER] -o OUT [--format pcap|pcapng]
                                          writes the matching packets (atomically: temp file + rename)
  show FILE NUMBER [--json]               one packet's detail tree
  check-filter EXPR                       exit 0 if EXPR is a valid display filter, else 1 and why
  split FILE -o DIR [--format pcap|pcapng|json] [--tcp-from-handshake] [-Y FILTER] [--payloads]
                                          one capture per session into DIR (named by protocol and endpoints;
                                          packets of no session in unassigned.*, --no-unassigned drops them;
                                          DIR must be new or empty unless --force),
                                          or with --format json one document at -o FILE ('-': stdout) listing
                                          every session's 5-tuple, app, SNI, timestamps, signed lengths
                                          (and with --payloads base64 payloads)
  logs dns|http|tls|sip|apps FILE [-Y FILTER] [--json|--csv] [--idle S]
                                          Zeek-style logs: DNS/HTTP/SIP transactions, TLS handshakes, app use
  serve [--host H] [--port N] [--token T] [--root DIR] [--spool-dir DIR] [--open FILE] [--no-open]
                                          the browser UI on http://127.0.0.1 (prints its URL with a token)
  db import FILE… [--db URL] [--label T] [--site T] [--machine T] [--comment T]
                                          stores captures, their flows and logs in a flow database
                                          (URL: sqlite:PATH, the default, or postgres://…; docs/database.md)
  db query [--db URL] SQL [--csv|--json]  runs one SQL statement on the flow database, prints a table
  interfaces                              network interfaces for live capture
  capture -i IFACE [-f BPF] [-w FILE] [-c COUNT] [--duration S]
                                          live capture to pcapng; prints kernel/app drop counters at the end

common options:
  --timeouts tcp=S,udp=S,icmp=S,other=S   session idle timeouts in seconds (or "none")
`;

// A command may be asynchronous (split yields between files; Parquet goes through DuckDB's async API).
const COMMANDS: Record<string, (args: ReturnType<typeof parseArgs>) => number | Promise<number>> = {
  info: infoCommand,
  list: listCommand,
  sessions: sessionsCommand,
  export: exportCommand,
  show: showCommand,
  'check-filter': checkFilterCommand,
  logs: logsCommand,
  split: splitCommand,
  interfaces: interfacesCommand,
  capture: captureCommand,
  serve: serveCommand,
  db: dbCommand,
};

const WITH_VALUE = ['--timeouts', '-Y', '-o', '--format', ...SERVE_OPTIONS, ...LOGS_OPTIONS, ...SESSIONS_OPTIONS, ...DB_OPTIONS];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`wirelens: unknown command "${command}"\n${USAGE}`);
    return 2;
  }
  try {
    return await run(parseArgs(rest, WITH_VALUE));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`wirelens ${command}: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`wirelens: ${err.message}\n`);
      return err.exitCode;
    }
    // An engine bug: still one line for the user, the stack only on request.
    process.stderr.write(`wirelens: internal error: ${(err as Error).message}\n`);
    if (process.env.WIRELENS_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 70;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
