/**
 * The flow database's logical schema, written once and turned into DDL for each dialect (SQLite and
 * PostgreSQL), so both hold the same tables, columns and indexes. docs/database.md documents every column; a
 * unit test checks that each column named here is documented there.
 *
 * Type choices that keep one SQL dialect-neutral where possible:
 *  - flags are 0/1 integers on both (SQLite has no boolean; `WHERE handshake = 1` then works on both);
 *  - lists (packet-length/time sequences, DNS answers, ALPN offers) are native arrays on PostgreSQL
 *    (integer[], bigint[], text[]: `unnest`, `array_length`, `lengths[1:10]`) and JSON array text on SQLite
 *    (`json_each`, `json_array_length`, `->>`), declared JSON_TEXT there (TEXT affinity; the name lets
 *    `wirelens db query --json` print them as arrays);
 *  - times are seconds since the epoch as doubles (about 0.1 µs resolution today).
 */

export type Dialect = 'sqlite' | 'postgres';

export type ColumnType = 'id' | 'int' | 'bigint' | 'real' | 'text' | 'flag' | 'int_list' | 'bigint_list' | 'real_list' | 'text_list';

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  readonly notNull?: boolean;
}

export interface TableDef {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  /** Composite primary key; a table with an `id` column has that as its key instead. */
  readonly primaryKey?: readonly string[];
  readonly unique?: readonly (readonly string[])[];
  /** `trace_id` referencing traces(id) with ON DELETE CASCADE: deleting a trace deletes its rows. */
  readonly tracesChild?: boolean;
  readonly indexes: readonly { readonly name: string; readonly columns: readonly string[] }[];
}

/** Bumped when a table or column changes; a database made by a newer Wirelens is refused, not misread. */
export const SCHEMA_VERSION = 1;

export const META_TABLE = 'wirelens_schema';

const c = (name: string, type: ColumnType, notNull = false): ColumnDef => ({ name, type, notNull });

export const TRACES: TableDef = {
  name: 'traces',
  columns: [
    c('id', 'id', true),
    c('sha256', 'text', true),
    c('file_name', 'text', true),
    c('file_path', 'text', true),
    c('file_size', 'bigint', true),
    c('format', 'text', true),
    c('link_types', 'text', true),
    c('packets', 'bigint', true),
    c('bytes', 'bigint', true),
    c('first_time', 'real'),
    c('last_time', 'real'),
    c('flows', 'bigint', true),
    c('log_records', 'bigint', true),
    c('label', 'text'),
    c('site', 'text'),
    c('machine', 'text'),
    c('comment', 'text'),
    c('timeouts', 'text', true),
    c('reader_errors', 'text'),
    c('imported_at', 'text', true),
    c('wirelens_version', 'text', true),
  ],
  unique: [['sha256']],
  indexes: [],
};

export const FLOWS: TableDef = {
  name: 'flows',
  columns: [
    c('trace_id', 'bigint', true),
    c('flow_no', 'int', true),
    c('proto', 'int', true),
    c('proto_name', 'text', true),
    c('stream', 'int', true),
    c('addr_a', 'text', true),
    c('port_a', 'int', true),
    c('addr_b', 'text', true),
    c('port_b', 'int', true),
    c('start_time', 'real', true),
    c('end_time', 'real', true),
    c('duration', 'real', true),
    c('first_frame', 'bigint', true),
    c('last_frame', 'bigint', true),
    c('packets_ab', 'bigint', true),
    c('bytes_ab', 'bigint', true),
    c('packets_ba', 'bigint', true),
    c('bytes_ba', 'bigint', true),
    c('state', 'text', true),
    c('handshake', 'flag', true),
    c('app', 'text'),
    c('category', 'text'),
    c('app_evidence', 'text'),
    c('host_name', 'text'),
    c('sni', 'text'),
    c('ja3', 'text'),
    c('ja3s', 'text'),
    c('ja4', 'text'),
    c('tls_version', 'text'),
    c('country_a', 'text'),
    c('country_b', 'text'),
    c('asn_a', 'bigint'),
    c('asn_b', 'bigint'),
    c('label', 'text'),
    c('lengths', 'int_list', true),
    c('times_us', 'bigint_list', true),
  ],
  primaryKey: ['trace_id', 'flow_no'],
  tracesChild: true,
  // Each index costs import time (about 10% of a PostgreSQL import each on a 1M-packet capture): the columns
  // the ready queries and typical searches select on, not every column. Users may add their own.
  indexes: [
    { name: 'flows_app', columns: ['app'] },
    { name: 'flows_label', columns: ['label'] },
    { name: 'flows_sni', columns: ['sni'] },
    { name: 'flows_ja4', columns: ['ja4'] },
    { name: 'flows_addr_b_port', columns: ['addr_b', 'port_b'] },
    { name: 'flows_start', columns: ['start_time'] },
  ],
};

/** Columns every log table starts with: where the record is and which flow it belongs to. */
const LOG_HEAD: ColumnDef[] = [c('trace_id', 'bigint', true), c('row_no', 'int', true), c('flow_no', 'int'), c('frame', 'bigint')];
/** Zeek's connection columns (`id.orig_h` …), with the dots dropped. */
const CONN: ColumnDef[] = [c('ts', 'real', true), c('uid', 'text'), c('orig_h', 'text'), c('orig_p', 'int'), c('resp_h', 'text'), c('resp_p', 'int')];

function logTable(name: string, columns: ColumnDef[], extraIndex: string): TableDef {
  return {
    name,
    columns: [...LOG_HEAD, ...CONN, ...columns],
    primaryKey: ['trace_id', 'row_no'],
    tracesChild: true,
    indexes: [
      { name: `${name}_flow`, columns: ['trace_id', 'flow_no'] },
      { name: `${name}_${extraIndex}`, columns: [extraIndex] },
    ],
  };
}

export const DNS_LOG = logTable(
  'dns_log',
  [
    c('proto', 'text'),
    c('trans_id', 'int'),
    c('rtt', 'real'),
    c('query', 'text'),
    c('qclass', 'int'),
    c('qclass_name', 'text'),
    c('qtype', 'int'),
    c('qtype_name', 'text'),
    c('rcode', 'int'),
    c('rcode_name', 'text'),
    c('aa', 'flag'),
    c('tc', 'flag'),
    c('rd', 'flag'),
    c('ra', 'flag'),
    c('z', 'int'),
    c('answers', 'text_list'),
    c('ttls', 'real_list'),
  ],
  'query',
);

export const HTTP_LOG = logTable(
  'http_log',
  [
    c('trans_depth', 'int'),
    c('method', 'text'),
    c('host', 'text'),
    c('uri', 'text'),
    c('referrer', 'text'),
    c('version', 'text'),
    c('user_agent', 'text'),
    c('request_body_len', 'bigint'),
    c('response_body_len', 'bigint'),
    c('status_code', 'int'),
    c('status_msg', 'text'),
    c('info_code', 'int'),
    c('info_msg', 'text'),
    c('resp_mime_types', 'text_list'),
  ],
  'host',
);

export const TLS_LOG = logTable(
  'tls_log',
  [
    c('proto', 'text'),
    c('version', 'text'),
    c('cipher', 'text'),
    c('server_name', 'text'),
    c('next_protocol', 'text'),
    c('established', 'flag'),
    c('client_version', 'text'),
    c('client_alpn', 'text_list'),
    c('ja3', 'text'),
    c('ja3s', 'text'),
    c('ja4', 'text'),
    c('subject', 'text'),
    c('issuer', 'text'),
    c('not_valid_before', 'text'),
    c('not_valid_after', 'text'),
  ],
  'server_name',
);

export const SIP_LOG = logTable(
  'sip_log',
  [
    c('trans_depth', 'int'),
    c('method', 'text'),
    c('uri', 'text'),
    c('request_from', 'text'),
    c('request_to', 'text'),
    c('response_from', 'text'),
    c('response_to', 'text'),
    c('call_id', 'text'),
    c('seq', 'text'),
    c('user_agent', 'text'),
    c('status_code', 'int'),
    c('status_msg', 'text'),
    c('request_body_len', 'bigint'),
    c('response_body_len', 'bigint'),
    c('content_type', 'text'),
  ],
  'call_id',
);

export const LOG_TABLES = { dns: DNS_LOG, tls: TLS_LOG, http: HTTP_LOG, sip: SIP_LOG } as const;
export type DbLogKind = keyof typeof LOG_TABLES;

export const TABLES: readonly TableDef[] = [TRACES, FLOWS, DNS_LOG, HTTP_LOG, TLS_LOG, SIP_LOG];

/** A log table's SQL column for a Zeek column name: `id.orig_h` → `orig_h`, `TTLs` → `ttls`. */
export function sqlColumnOf(zeekName: string): string {
  return zeekName.replace(/^id\./, '').toLowerCase();
}

const SQLITE_TYPES: Record<ColumnType, string> = {
  id: 'INTEGER',
  int: 'INTEGER',
  bigint: 'INTEGER',
  real: 'REAL',
  text: 'TEXT',
  flag: 'INTEGER',
  int_list: 'JSON_TEXT',
  bigint_list: 'JSON_TEXT',
  real_list: 'JSON_TEXT',
  text_list: 'JSON_TEXT',
};

const PG_TYPES: Record<ColumnType, string> = {
  id: 'bigint',
  int: 'integer',
  bigint: 'bigint',
  real: 'double precision',
  text: 'text',
  flag: 'smallint',
  int_list: 'integer[]',
  bigint_list: 'bigint[]',
  real_list: 'double precision[]',
  text_list: 'text[]',
};

export function isListType(t: ColumnType): boolean {
  return t.endsWith('_list');
}

/** CREATE TABLE / CREATE INDEX statements (all IF NOT EXISTS, so running them again is harmless). */
export function schemaStatements(dialect: Dialect): string[] {
  const out: string[] = [`CREATE TABLE IF NOT EXISTS ${META_TABLE} (version integer NOT NULL)`];
  for (const t of TABLES) {
    const parts = t.columns.map((col) => {
      if (col.type === 'id') return dialect === 'sqlite' ? `${col.name} INTEGER PRIMARY KEY` : `${col.name} bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY`;
      const type = (dialect === 'sqlite' ? SQLITE_TYPES : PG_TYPES)[col.type];
      return `${col.name} ${type}${col.notNull ? ' NOT NULL' : ''}`;
    });
    if (t.primaryKey) parts.push(`PRIMARY KEY (${t.primaryKey.join(', ')})`);
    for (const u of t.unique ?? []) parts.push(`UNIQUE (${u.join(', ')})`);
    if (t.tracesChild) parts.push('FOREIGN KEY (trace_id) REFERENCES traces (id) ON DELETE CASCADE');
    out.push(`CREATE TABLE IF NOT EXISTS ${t.name} (\n  ${parts.join(',\n  ')}\n)`);
    for (const ix of t.indexes) out.push(`CREATE INDEX IF NOT EXISTS ${ix.name} ON ${t.name} (${ix.columns.join(', ')})`);
  }
  return out;
}

/** The columns an INSERT supplies (all but a generated id). */
export function insertColumns(t: TableDef): ColumnDef[] {
  return t.columns.filter((col) => col.type !== 'id');
}
