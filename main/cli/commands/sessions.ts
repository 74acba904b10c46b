/** `wirelens sessions FILE [--json|--csv]`: the session table. */
import { CaptureIndex } from '../../engine/capture/capture-index';
import { SESSION_COLUMNS, sessionRow } from '../../engine/export/session-rows';
import { sessionRows, writeSessionsParquet } from '../../engine/export/session-export';
import { ParsedArgs, UsageError } from '../args';
import { Output } from '../output';
import { openForCli, reportReaderErrors } from '../open-file';
import { timeoutsFrom } from './timeouts-option';
import { filterFrom } from '../filter-option';
import { selectPackets } from '../../engine/capture/select';
import { SessionEnrichment } from '../../engine/sessions/session-enrichment';
import { sharedRules } from '../../engine/classify/load-rules';
import { GeoResolver } from '../../engine/geo/geo-resolver';
import { readGeoSettings } from '../../engine/geo/geo-settings';

// The row and its columns live in the engine so the service's exports share them; re-exported for importers.
export { SESSION_COLUMNS, sessionRow, type SessionRow } from '../../engine/export/session-rows';

/** Options of this command that take a value (the entry point's parser needs to know). */
export const SESSIONS_OPTIONS = ['--parquet'];

export function sessionsCommand(args: ParsedArgs): number | Promise<number> {
  const path = args.positional[0];
  if (!path) throw new UsageError('sessions needs a capture file');
  const filter = filterFrom(args);
  const reader = openForCli(path);
  // Classification and GeoIP are on unless --no-classify (the pass then costs what it did before).
  const enrich = args.flags.has('--no-classify') ? null : new SessionEnrichment({ rules: sharedRules(), geo: new GeoResolver(readGeoSettings()) });
  // Without classification or a filter nothing reads the application layer: the pass stops at TCP/UDP.
  const index = new CaptureIndex(reader, {
    noStore: filter === null,
    timeouts: timeoutsFrom(args),
    enrich: enrich ?? undefined,
    transportOnly: enrich === null && filter === null,
  });
  index.runToEnd();
  // With -Y, only sessions having at least one matching packet are listed.
  let keep: Uint8Array | null = null;
  if (filter !== null) {
    keep = new Uint8Array(index.sessions.count);
    for (const n of selectPackets(index, filter)) {
      const sid = index.store.session[n - 1] as number;
      if (sid >= 0) keep[sid] = 1;
    }
  }
  reader.close();
  const out = new Output();
  const s = index.sessions;
  if (enrich !== null && args.flags.has('--unknown-names')) {
    // Names no rule knows, most frequent first: material for a user rule file.
    for (const [name, n] of enrich.unknownNameList()) out.line(`${n}\t${name}`);
    out.flush();
    return reportReaderErrors(reader);
  }
  const parquet = args.options.get('--parquet');
  if (parquet !== undefined) {
    // Typed columns for Spark/Trino/ClickHouse/DuckDB (see engine/export/session-export.ts).
    const ids = Uint32Array.from({ length: s.count }, (_, i) => i).filter((id) => keep === null || keep[id] === 1);
    return writeSessionsParquet(sessionRows(index, ids, enrich), parquet).then((n) => {
      process.stderr.write(`wirelens: wrote ${n} sessions to ${parquet} (parquet)\n`);
      return reportReaderErrors(reader);
    });
  }
  // --json and --jsonl are the same: one JSON object per line (JSON lines).
  const format = args.flags.has('--json') || args.flags.has('--jsonl') ? 'json' : args.flags.has('--csv') ? 'csv' : 'text';
  if (format === 'csv') out.line(SESSION_COLUMNS.join(','));
  if (format === 'text') {
    out.line(
      `${'proto'.padEnd(7)}${'a'.padStart(40)}:${'port'.padEnd(6)} ${'b'.padStart(40)}:${'port'.padEnd(6)}` +
        `${'pkts a→b'.padStart(10)}${'bytes a→b'.padStart(13)}${'pkts b→a'.padStart(10)}${'bytes b→a'.padStart(13)}  ${'start'.padEnd(21)}${'duration'.padStart(13)}  ${'state'.padEnd(12)}` +
        `${'app'.padEnd(22)}${'category'.padEnd(18)}${'country'.padEnd(12)}${'asn_b'.padEnd(8)}sni`,
    );
  }
  for (let id = 0; id < s.count; id++) {
    if (keep !== null && keep[id] === 0) continue;
    const r = sessionRow(s, index.endpoints, id, enrich);
    if (format === 'json') out.line(JSON.stringify(enrich !== null ? { ...r, rule: enrich.ruleOf(id)?.source ?? '', why: enrich.why(id) } : r));
    else if (format === 'csv') out.line(SESSION_COLUMNS.map((c) => csvCell(r[c])).join(','));
    else {
      // The header's columns, written piece by piece into the output buffer (no padded strings per row).
      out.padEnd(String(r.proto), 7);
      out.padStart(String(r.a), 40);
      out.text(':');
      out.padEnd(String(r.aport), 6);
      out.text(' ');
      out.padStart(String(r.b), 40);
      out.text(':');
      out.padEnd(String(r.bport), 6);
      out.int(r.packets_ab as number, 10);
      out.int(r.bytes_ab as number, 13);
      out.int(r.packets_ba as number, 10);
      out.int(r.bytes_ba as number, 13);
      out.text('  ');
      out.padEnd(String(r.start), 21);
      out.padStart((r.duration as number).toFixed(6), 13);
      out.text('  ');
      out.padEnd(String(r.state), 12);
      out.padEnd(String(r.app), 22);
      out.padEnd(String(r.category), 18);
      out.padEnd(`${r.country_a}→${r.country_b}`, 12);
      out.padEnd(String(r.asn_b), 8);
      out.text(String(r.sni));
      out.end();
    }
  }
  out.flush();
  return reportReaderErrors(reader);
}

function csvCell(v: string | number | boolean): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
