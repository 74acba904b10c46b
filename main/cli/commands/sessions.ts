/** `wirelens sessions FILE [--json|--csv]`: the session table. */
import { CaptureIndex } from '../../engine/capture/capture-index';
import { epochString } from '../../engine/capture/columns';
import { STATE_NAMES, SessionTable, TS_HANDSHAKE } from '../../engine/sessions/session-table';
import type { EndpointTable } from '../../engine/store/endpoints';
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

const PROTO_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'esp', 58: 'icmpv6', 132: 'sctp' };

export const SESSION_COLUMNS = [
  'id',
  'proto',
  'a',
  'aport',
  'b',
  'bport',
  'packets_ab',
  'bytes_ab',
  'packets_ba',
  'bytes_ba',
  'start',
  'duration',
  'state',
  'handshake',
  'app',
  'category',
  'sni',
  'country_a',
  'country_b',
  'asn_b',
] as const;

export type SessionRow = Record<(typeof SESSION_COLUMNS)[number], string | number | boolean>;

/** `e` null (classification off): the app and GeoIP columns are empty. */
export function sessionRow(s: SessionTable, ep: EndpointTable, id: number, e: SessionEnrichment | null = null): SessionRow {
  const proto = s.proto[id] as number;
  const durNs = ((s.lastSec[id] as number) - (s.firstSec[id] as number)) * 1e9 + ((s.lastNsec[id] as number) - (s.firstNsec[id] as number));
  return {
    id,
    proto: PROTO_NAMES[proto] ?? `ip-${proto}`,
    a: ep.format(s.epA[id] as number),
    aport: s.portA[id] as number,
    b: ep.format(s.epB[id] as number),
    bport: s.portB[id] as number,
    packets_ab: s.pktsAB[id] as number,
    bytes_ab: s.bytesAB[id] as number,
    packets_ba: s.pktsBA[id] as number,
    bytes_ba: s.bytesBA[id] as number,
    start: epochString(s.firstSec[id] as number, s.firstNsec[id] as number),
    duration: Math.round(durNs) / 1e9,
    state: STATE_NAMES[s.state[id] as number] ?? 'new',
    handshake: proto === 6 && ((s.tcpEvents[id] as number) & TS_HANDSHAKE) !== 0,
    app: e?.app(id) ?? '',
    category: e?.category(id) ?? '',
    sni: e?.name(id) ?? '',
    country_a: e?.country(s.epA[id] as number) ?? '',
    country_b: e?.country(s.epB[id] as number) ?? '',
    asn_b: e?.asn(s.epB[id] as number) || '',
  };
}

export function sessionsCommand(args: ParsedArgs): number {
  const path = args.positional[0];
  if (!path) throw new UsageError('sessions needs a capture file');
  const filter = filterFrom(args);
  const reader = openForCli(path);
  // Classification and GeoIP are on unless --no-classify (the pass then costs what it did before).
  const enrich = args.flags.has('--no-classify') ? null : new SessionEnrichment({ rules: sharedRules(), geo: new GeoResolver(readGeoSettings()) });
  const index = new CaptureIndex(reader, { noStore: filter === null, timeouts: timeoutsFrom(args), enrich: enrich ?? undefined });
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
  const format = args.flags.has('--json') ? 'json' : args.flags.has('--csv') ? 'csv' : 'text';
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
      out.line(
        `${String(r.proto).padEnd(7)}${String(r.a).padStart(40)}:${String(r.aport).padEnd(6)} ${String(r.b).padStart(40)}:${String(r.bport).padEnd(6)}` +
          `${String(r.packets_ab).padStart(10)}${String(r.bytes_ab).padStart(13)}${String(r.packets_ba).padStart(10)}${String(r.bytes_ba).padStart(13)}  ` +
          `${String(r.start).padEnd(21)}${(r.duration as number).toFixed(6).padStart(13)}  ${String(r.state).padEnd(12)}` +
          `${String(r.app).padEnd(22)}${String(r.category).padEnd(18)}${`${r.country_a}→${r.country_b}`.padEnd(12)}${String(r.asn_b).padEnd(8)}${r.sni}`,
      );
    }
  }
  out.flush();
  return reportReaderErrors(reader);
}

function csvCell(v: string | number | boolean): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
