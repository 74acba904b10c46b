/**
 * `wirelens split FILE -o OUT [--format pcap|pcapng|json] [--tcp-from-handshake] [-Y FILTER] [--payloads]
 * [--no-unassigned] [--force]`: one capture file per session into directory OUT (named by protocol and
 * endpoints), or with --format json one JSON document at OUT ('-': stdout) listing every session with its
 * 5-tuple, application, SNI, packet timestamps, signed lengths and optionally base64 payloads.
 */
import { CaptureIndex } from '../../engine/capture/capture-index';
import { selectPackets } from '../../engine/capture/select';
import { sharedRules } from '../../engine/classify/load-rules';
import { GeoResolver } from '../../engine/geo/geo-resolver';
import { readGeoSettings } from '../../engine/geo/geo-settings';
import { SessionEnrichment } from '../../engine/sessions/session-enrichment';
import { SPLIT_FORMATS, splitToDirectory, splitToJson, splitToJsonFile, type SplitFormat, type SplitResult } from '../../engine/split/split';
import { SplitTargetError } from '../../engine/split/unit-sinks';
import { ParsedArgs, UsageError } from '../args';
import { filterFrom } from '../filter-option';
import { CliError, EXIT_UNREADABLE, openForCli, reportReaderErrors } from '../open-file';
import { timeoutsFrom } from './timeouts-option';

export async function splitCommand(args: ParsedArgs): Promise<number> {
  const path = args.positional[0];
  const out = args.options.get('-o');
  if (!path) throw new UsageError('split needs a capture file');
  if (!out) throw new UsageError('split needs -o DIR (or -o FILE with --format json)');
  const formatArg = args.options.get('--format');
  if (formatArg !== undefined && !(SPLIT_FORMATS as readonly string[]).includes(formatArg)) {
    throw new UsageError(`--format must be ${SPLIT_FORMATS.join(', ')}, not "${formatArg}"`);
  }
  const payloads = args.flags.has('--payloads');
  if (payloads && formatArg !== 'json') throw new UsageError('--payloads goes with --format json');
  const filter = filterFrom(args);
  const reader = openForCli(path);
  // Without --format, session files keep the input's format.
  const format: SplitFormat = (formatArg as SplitFormat | undefined) ?? reader.format;
  const enrich =
    format === 'json' && !args.flags.has('--no-classify') ? new SessionEnrichment({ rules: sharedRules(), geo: new GeoResolver(readGeoSettings()) }) : null;
  const index = new CaptureIndex(reader, { timeouts: timeoutsFrom(args), enrich: enrich ?? undefined });
  index.runToEnd();
  const code = reportReaderErrors(reader);
  const req = {
    format,
    payloads,
    matching: filter !== null ? selectPackets(index, filter) : null,
    tcpFromHandshake: args.flags.has('--tcp-from-handshake'),
    unassigned: !args.flags.has('--no-unassigned'),
  };
  let result: SplitResult;
  try {
    if (format === 'json') {
      result = out === '-' ? await splitToJson(index, path, req, enrich, 1) : await splitToJsonFile(index, path, req, enrich, out);
    } else {
      result = await splitToDirectory(index, path, { ...req, format }, out, { force: args.flags.has('--force') });
    }
  } catch (err) {
    if (err instanceof SplitTargetError) {
      const hint = /not empty/.test(err.message) ? '; --force writes into it anyway (same names are replaced)' : '';
      throw new CliError(`split: ${err.message}${hint}`, EXIT_UNREADABLE);
    }
    // The reader of standard output went away (`… -o - | head`): stop quietly, as other tools do.
    if (out === '-' && (err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    throw err;
  } finally {
    reader.close();
  }
  process.stderr.write(`wirelens: ${splitSummary(result, out)}\n`);
  return code;
}

/** "wrote 12 sessions (340 packets) to DIR; skipped 3 sessions: …" */
export function splitSummary(r: SplitResult, out: string): string {
  const where = r.format === 'json' ? (out === '-' ? 'standard output' : out) : out;
  let s = `wrote ${r.written} session${r.written === 1 ? '' : 's'} (${r.packets} packets) to ${where} as ${r.format}`;
  const why: string[] = [];
  if (r.skippedNoHandshake > 0) why.push(`${r.skippedNoHandshake} TCP without a captured handshake`);
  if (r.skippedByFilter > 0) why.push(`${r.skippedByFilter} without a packet matching the filter`);
  if (r.skippedLinkTypes > 0) why.push(`${r.skippedLinkTypes} mixing link types (pcap holds one: use pcapng)`);
  s += `; skipped ${r.skipped} session${r.skipped === 1 ? '' : 's'}${why.length > 0 ? ` (${why.join(', ')})` : ''}`;
  if (r.format !== 'json' && r.unassignedPackets > 0) {
    s += r.unassignedFile !== null
      ? `; ${r.unassignedPackets} packets of no session in ${r.unassignedFile}`
      : `; ${r.unassignedPackets} packets of no session not written`;
  }
  return s;
}
