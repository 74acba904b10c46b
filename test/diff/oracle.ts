// Parsers for the checked-in tshark oracles under test/fixtures/oracle.
//
//  <capture>.fields.tsv  `tshark -n -T fields -E header=y -E separator=/t -E occurrence=a
//                         -E aggregator=,` with the columns listed in its header row
//                         (frame.number, frame.time_epoch, ..., _ws.col.Protocol, _ws.col.Info, ...).
//                         A field that occurs several times in a frame (e.g. ip.src of an ICMP
//                         error that quotes the offending IPv4 header, or tunnels) has its
//                         occurrences joined with ',' — the first occurrence is the outermost.
//                         The file is empty (no header either) when tshark refused the file.
//  <capture>.conv.txt    `tshark -q -z conv,eth -z conv,ip -z conv,ipv6 -z conv,tcp -z conv,udp`.
//  <capture>.err         tshark's stderr for damaged / unsupported files.
//  columns/<capture>.tsv `tshark -n -T fields -E header=y -E separator=/t -e frame.number -e _ws.col.Source
//                         -e _ws.col.Destination`, only for captures whose Source/Destination columns cannot
//                         be derived from the fields above (IPv6 Home Address option, routing headers).
//
// Nothing in here knows about wirelens; it only turns tshark's text into data.

import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
export const ORACLE_DIR = path.join(FIXTURES, 'oracle');

// Fields whose values are never split on ',' (column text may contain commas).
const UNSPLIT_FIELDS = new Set(['_ws.col.Info', '_ws.col.Protocol', 'frame.time_epoch']);

export class OracleRow {
  constructor(
    private readonly columns: ReadonlyMap<string, number>,
    private readonly values: readonly string[],
    /** 1-based line number in the .tsv (header is line 1), for messages. */
    readonly line: number,
  ) {}

  /** Raw cell text ('' when empty or when the column does not exist). */
  raw(field: string): string {
    const i = this.columns.get(field);
    return i === undefined ? '' : (this.values[i] ?? '');
  }

  has(field: string): boolean {
    return this.raw(field) !== '';
  }

  /** All occurrences of a field in the frame, outermost first ([] when absent). */
  all(field: string): string[] {
    const v = this.raw(field);
    if (v === '') return [];
    if (UNSPLIT_FIELDS.has(field)) return [v];
    return v.split(',');
  }

  /** First (outermost) occurrence, or undefined. */
  first(field: string): string | undefined {
    return this.all(field)[0];
  }

  /** Last (innermost) occurrence, or undefined. */
  last(field: string): string | undefined {
    const a = this.all(field);
    return a.length ? a[a.length - 1] : undefined;
  }

  /** First occurrence parsed as an integer, or undefined. */
  firstInt(field: string): number | undefined {
    const v = this.first(field);
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }

  // ---- typed accessors for the common columns -------------------------------------------
  get number(): number {
    return Number(this.raw('frame.number'));
  }
  /** frame.time_epoch as printed by tshark ('' for records without a timestamp, e.g. pcapng custom blocks). */
  get timeEpoch(): string {
    return this.raw('frame.time_epoch');
  }
  get len(): number {
    return Number(this.raw('frame.len'));
  }
  get capLen(): number {
    return Number(this.raw('frame.cap_len'));
  }
  /** frame.interface_id, undefined for classic pcap (tshark prints nothing). */
  get interfaceId(): number | undefined {
    return this.firstInt('frame.interface_id');
  }
  get protocol(): string {
    return this.raw('_ws.col.Protocol');
  }
  get info(): string {
    return this.raw('_ws.col.Info');
  }
}

export interface FieldsOracle {
  file: string;
  header: string[];
  rows: OracleRow[];
}

export function parseFieldsTsv(text: string, file = '<string>'): FieldsOracle {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return { file, header: [], rows: [] };
  const header = lines[0].replace(/\r$/, '').split('\t');
  const columns = new Map<string, number>();
  header.forEach((h, i) => columns.set(h, i));
  const rows: OracleRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].replace(/\r$/, '').split('\t');
    if (cells.length !== header.length) {
      throw new Error(`${file}:${i + 1}: ${cells.length} cells, header has ${header.length}`);
    }
    rows.push(new OracleRow(columns, cells, i + 1));
  }
  return { file, header, rows };
}

/** Loads <oracleBase>.fields.tsv; null when the file is missing or empty (tshark refused the capture). */
export function loadFieldsOracle(oracleBase: string): FieldsOracle | null {
  const f = `${oracleBase}.fields.tsv`;
  if (!fs.existsSync(f)) return null;
  const text = fs.readFileSync(f, 'utf8');
  if (text.trim() === '') return null;
  return parseFieldsTsv(text, f);
}

/** tshark's stderr for the capture, or null when tshark read it without complaint. */
export function loadErr(oracleBase: string): string | null {
  const f = `${oracleBase}.err`;
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : null;
}

// ---- Source/Destination columns --------------------------------------------------------------

/** tshark's -n Source/Destination column text per frame.number. */
export type ColumnsOracle = ReadonlyMap<number, { src: string; dst: string }>;

/** Loads columns/<capture>.tsv next to the capture's other oracles; null when there is none. */
export function loadColumnsOracle(oracleBase: string): ColumnsOracle | null {
  const f = path.join(path.dirname(oracleBase), 'columns', `${path.basename(oracleBase)}.tsv`);
  if (!fs.existsSync(f)) return null;
  const parsed = parseFieldsTsv(fs.readFileSync(f, 'utf8'), f);
  const m = new Map<number, { src: string; dst: string }>();
  for (const r of parsed.rows) m.set(r.number, { src: r.raw('_ws.col.Source'), dst: r.raw('_ws.col.Destination') });
  return m;
}

// ---- conversation tables -----------------------------------------------------------------

export type ConvTableKind = 'eth' | 'ipv4' | 'ipv6' | 'tcp' | 'udp';

const TITLE_TO_KIND: Record<string, ConvTableKind> = {
  'Ethernet Conversations': 'eth',
  'IPv4 Conversations': 'ipv4',
  'IPv6 Conversations': 'ipv6',
  'TCP Conversations': 'tcp',
  'UDP Conversations': 'udp',
};

/** A byte count as tshark prints it: exact ("520 bytes") or abbreviated ("10 kB", "2 MB"). */
export interface ConvBytes {
  text: string;
  /** The exact value when tshark printed "N bytes"; undefined when abbreviated. */
  exact: number | undefined;
}

export interface Conversation {
  kind: ConvTableKind;
  /** Address A (left column): IPv4/IPv6 address or MAC. */
  a: string;
  /** Port of A for tcp/udp tables. */
  aport: number | undefined;
  b: string;
  bport: number | undefined;
  /** Frames / bytes sent from A to B (tshark's "->" column). */
  framesAB: number;
  bytesAB: ConvBytes;
  /** Frames / bytes sent from B to A (tshark's "<-" column). */
  framesBA: number;
  bytesBA: ConvBytes;
  frames: number;
  bytes: ConvBytes;
  /** Seconds since the first frame of the capture (tshark "Relative Start", 9 decimals). */
  relStart: string;
  /** Seconds, 4 decimals as printed by tshark. */
  duration: string;
  /** The source line. */
  line: string;
}

export type ConvTables = Record<ConvTableKind, Conversation[]>;

function parseBytes(num: string, unit: string): ConvBytes {
  const n = Number(num.replace(/,/g, ''));
  return { text: `${num} ${unit}`, exact: unit === 'bytes' ? n : undefined };
}

function splitEndpoint(kind: ConvTableKind, ep: string): { addr: string; port: number | undefined } {
  if (kind !== 'tcp' && kind !== 'udp') return { addr: ep, port: undefined };
  // "10.0.0.1:80" or "2001:db8::1:80": the port follows the LAST colon.
  const i = ep.lastIndexOf(':');
  if (i < 0) throw new Error(`endpoint without port: ${ep}`);
  return { addr: ep.slice(0, i), port: Number(ep.slice(i + 1)) };
}

const UNIT = '(bytes|kB|MB|GB|TB)';
const ROW_RE = new RegExp(
  String.raw`^(\S+)\s+<->\s+(\S+)\s+([\d,]+)\s+([\d,.]+)\s+${UNIT}\s+([\d,]+)\s+([\d,.]+)\s+${UNIT}` +
    String.raw`\s+([\d,]+)\s+([\d,.]+)\s+${UNIT}\s+(-?[\d.]+)\s+(-?[\d.]+)\s*$`,
);

export function parseConvTxt(text: string, file = '<string>'): ConvTables {
  const tables: ConvTables = { eth: [], ipv4: [], ipv6: [], tcp: [], udp: [] };
  let kind: ConvTableKind | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    const title = TITLE_TO_KIND[line.trim()];
    if (title) {
      kind = title;
      continue;
    }
    if (!line.includes('<->')) continue;
    if (!kind) throw new Error(`${file}:${i + 1}: conversation row outside a table`);
    const m = ROW_RE.exec(line);
    if (!m) throw new Error(`${file}:${i + 1}: unparsable conversation row: ${line}`);
    const a = splitEndpoint(kind, m[1]);
    const b = splitEndpoint(kind, m[2]);
    tables[kind].push({
      kind,
      a: a.addr,
      aport: a.port,
      b: b.addr,
      bport: b.port,
      framesBA: Number(m[3].replace(/,/g, '')),
      bytesBA: parseBytes(m[4], m[5]),
      framesAB: Number(m[6].replace(/,/g, '')),
      bytesAB: parseBytes(m[7], m[8]),
      frames: Number(m[9].replace(/,/g, '')),
      bytes: parseBytes(m[10], m[11]),
      relStart: m[12],
      duration: m[13],
      line,
    });
  }
  return tables;
}

export function loadConvOracle(oracleBase: string): ConvTables | null {
  const f = `${oracleBase}.conv.txt`;
  if (!fs.existsSync(f)) return null;
  const text = fs.readFileSync(f, 'utf8');
  if (text.trim() === '') return null;
  return parseConvTxt(text, f);
}

// ---- capture inventory -------------------------------------------------------------------

export interface CaptureCase {
  /** Display name, e.g. "dns-tcp__tcpdump__dns_tcp.pcap" or "pcapng-suite/le/test102.pcapng". */
  name: string;
  /** Absolute path of the capture. */
  capture: string;
  /** Oracle path without the ".fields.tsv" / ".conv.txt" / ".err" suffix. */
  oracleBase: string;
}

/** Curated captures (test/fixtures/captures) in CURATED.tsv order, then any others found. */
export function curatedCaptures(): CaptureCase[] {
  const dir = path.join(FIXTURES, 'captures');
  const files = fs.readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
  return files.map((f) => ({ name: f, capture: path.join(dir, f), oracleBase: path.join(ORACLE_DIR, f) }));
}

export function pcapngSuiteCaptures(): CaptureCase[] {
  const out: CaptureCase[] = [];
  for (const endian of ['be', 'le']) {
    const dir = path.join(FIXTURES, 'pcapng-suite', endian);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      out.push({
        name: `pcapng-suite/${endian}/${f}`,
        capture: path.join(dir, f),
        oracleBase: path.join(ORACLE_DIR, 'pcapng-suite', endian, f),
      });
    }
  }
  return out;
}

export function tcpdumpCaptures(): CaptureCase[] {
  const dir = path.join(FIXTURES, 'tcpdump');
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => ({
      name: `tcpdump/${f}`,
      capture: path.join(dir, f),
      oracleBase: path.join(ORACLE_DIR, 'tcpdump', f),
    }));
}
