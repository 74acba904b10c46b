/**
 * One row of the session table as the CLI (`wirelens sessions`), the export formats (CSV, JSON lines, Parquet)
 * and the split JSON document print it, plus the column types Parquet keeps. Lives in the engine so the CLI
 * and the service share one definition.
 */
import { epochString } from '../capture/columns';
import { STATE_NAMES, SessionTable, TS_HANDSHAKE } from '../sessions/session-table';
import type { SessionEnrichment } from '../sessions/session-enrichment';
import type { EndpointTable } from '../store/endpoints';

const PROTO_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'esp', 58: 'icmpv6', 132: 'sctp' };

/** Lower-case protocol name of an IP protocol number ("tcp", "ip-47" for unnamed ones). */
export function protoName(proto: number): string {
  return PROTO_NAMES[proto] ?? `ip-${proto}`;
}

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

export type SessionColumn = (typeof SESSION_COLUMNS)[number];
export type SessionRow = Record<SessionColumn, string | number | boolean>;

/**
 * Column types for typed outputs (Parquet). `start` is an epoch-seconds string in the rows (full nanosecond
 * precision) and a UTC timestamp (microseconds) in Parquet; `asn_b` is '' in the rows when unknown and NULL in
 * Parquet.
 */
export type ColumnType = 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR' | 'TIMESTAMPTZ';
export const SESSION_COLUMN_TYPES: Record<SessionColumn, ColumnType> = {
  id: 'BIGINT',
  proto: 'VARCHAR',
  a: 'VARCHAR',
  aport: 'INTEGER',
  b: 'VARCHAR',
  bport: 'INTEGER',
  packets_ab: 'BIGINT',
  bytes_ab: 'BIGINT',
  packets_ba: 'BIGINT',
  bytes_ba: 'BIGINT',
  start: 'TIMESTAMPTZ',
  duration: 'DOUBLE',
  state: 'VARCHAR',
  handshake: 'BOOLEAN',
  app: 'VARCHAR',
  category: 'VARCHAR',
  sni: 'VARCHAR',
  country_a: 'VARCHAR',
  country_b: 'VARCHAR',
  asn_b: 'INTEGER',
};

/** `e` null (classification off): the app and GeoIP columns are empty. */
export function sessionRow(s: SessionTable, ep: EndpointTable, id: number, e: SessionEnrichment | null = null): SessionRow {
  const proto = s.proto[id] as number;
  const durNs = ((s.lastSec[id] as number) - (s.firstSec[id] as number)) * 1e9 + ((s.lastNsec[id] as number) - (s.firstNsec[id] as number));
  return {
    id,
    proto: protoName(proto),
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
