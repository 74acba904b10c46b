// Comparison of wirelens CLI output with the tshark oracles. Pure functions: no I/O.
import type { ListPacket, SessionRecord } from './cli';
import {
  KNOWN_SESSION_DIFFERENCES,
  droppedRecords,
  knownPacketDifference,
  knownSessionDifference,
  type KnownPacketDifference,
  type KnownSessionDifference,
  type PacketField,
} from './known-differences';
import type { ColumnsOracle, ConvTables, Conversation, FieldsOracle, OracleRow } from './oracle';

// ---- expected values from a fields.tsv row ----------------------------------------------------

const FRAGMENT_INFO = /^(Fragmented IP protocol|IPv6 fragment)/;

/** IPv4 protocol numbers whose payload is another IP header / carries one (so IPv4 is outermost). */
const IPV4_OUTER_PROTOS = new Set(['41', '47', '17']); // 6in4, GRE, Teredo (UDP)

/** Which network header is outermost: 'ipv4', 'ipv6' or undefined (no IP). */
export function outerNetwork(row: OracleRow): 'ipv4' | 'ipv6' | undefined {
  const v4 = row.has('ip.src');
  const v6 = row.has('ipv6.src');
  if (v4 && v6) return IPV4_OUTER_PROTOS.has(row.first('ip.proto') ?? '') ? 'ipv4' : 'ipv6';
  if (v4) return 'ipv4';
  if (v6) return 'ipv6';
  return undefined;
}

/**
 * tshark's -n Source/Destination column: taken from the capture's recorded columns oracle when it has
 * one (IPv6 Home Address option / routing header final destination, which the fields do not give),
 * else derived from the oracle's fields: the outermost network address, else the Ethernet address.
 * undefined when the oracle has neither (e.g. a non-IP frame on a Linux cooked capture, where the
 * column holds sll.src which is not recorded).
 */
export function expectedAddress(row: OracleRow, which: 'src' | 'dst', columns?: ColumnsOracle | null): string | undefined {
  const col = columns?.get(row.number)?.[which];
  if (col) return col;
  const net = outerNetwork(row);
  if (net === 'ipv4') return row.first(`ip.${which}`);
  if (net === 'ipv6') return row.first(`ipv6.${which}`);
  return row.first(`eth.${which}`);
}

/**
 * Expected sport/dport: the outermost TCP/UDP header's ports, null when the frame has none at the
 * transport layer. Ports that tshark shows inside an ICMP/ICMPv6 error (the quoted datagram) are
 * not the frame's ports: expected null. For IP fragments tshark shows ports only on the frame
 * that completes reassembly, and so does this expectation.
 */
export function expectedPorts(row: OracleRow): { sport: number | null; dport: number | null } {
  const none = { sport: null, dport: null };
  const net = outerNetwork(row);
  let l4: 'tcp' | 'udp' | undefined;
  if (net === 'ipv4') {
    const p = row.first('ip.proto');
    if (p === '6') l4 = 'tcp';
    else if (p === '17') l4 = 'udp';
    else if (p === '41' || p === '4' || p === '47') l4 = undefined; // tunnel: outer header has no ports
  } else if (net === 'ipv6') {
    if (row.has('icmpv6.type')) return none; // ICMPv6 (error quoting a TCP/UDP header or not)
  }
  if (net === 'ipv4' && l4 === undefined) return none;
  if (l4 === undefined) {
    // IPv6 or no IP: whichever transport header tshark saw.
    if (row.has('tcp.srcport')) l4 = 'tcp';
    else if (row.has('udp.srcport')) l4 = 'udp';
    else return none;
  }
  const sport = row.firstInt(`${l4}.srcport`);
  const dport = row.firstInt(`${l4}.dstport`);
  return { sport: sport ?? null, dport: dport ?? null };
}

// ---- packet comparison ----------------------------------------------------------------------

export interface PacketDiff {
  /** tshark frame.number */
  frame: number;
  field: PacketField | 'count';
  ours: unknown;
  tshark: unknown;
  /** Short category for summaries, e.g. "src", "sport (fragment)". */
  category: string;
}

export interface PacketComparison {
  capture: string;
  expectedCount: number;
  ourCount: number;
  compared: number;
  diffs: PacketDiff[];
  /** Differences suppressed by known-differences.ts entries. */
  excused: { diff: PacketDiff; known: KnownPacketDifference }[];
  /** Oracle records dropped from the alignment (e.g. pcapng custom blocks). */
  dropped: number[];
}

function categorize(field: string, row: OracleRow | undefined, ours: unknown, tshark: unknown): string {
  const tags: string[] = [];
  if (row && FRAGMENT_INFO.test(row.info)) tags.push('fragment');
  if (ours === null || ours === undefined) tags.push('ours missing');
  else if (tshark === null || tshark === undefined || tshark === '') tags.push('tshark has none');
  return tags.length ? `${field} (${tags.join(', ')})` : field;
}

export function comparePackets(
  capture: string,
  oracle: FieldsOracle,
  ours: readonly ListPacket[],
  columns?: ColumnsOracle | null,
): PacketComparison {
  const dropMap = droppedRecords(capture);
  const rows = oracle.rows.filter((r) => !dropMap.has(r.number));
  const result: PacketComparison = {
    capture,
    expectedCount: rows.length,
    ourCount: ours.length,
    compared: 0,
    diffs: [],
    excused: [],
    dropped: [...dropMap.keys()].filter((n) => oracle.rows.some((r) => r.number === n)),
  };
  if (ours.length !== rows.length) {
    result.diffs.push({ frame: 0, field: 'count', ours: ours.length, tshark: rows.length, category: 'count' });
  }
  const n = Math.min(rows.length, ours.length);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const p = ours[i];
    result.compared++;
    const ports = expectedPorts(row);
    const checks: [PacketField, unknown, unknown][] = [
      ['number', p.number, i + 1],
      ['ts', p.ts, row.timeEpoch],
      ['len', p.len, row.len],
      ['caplen', p.caplen, row.capLen],
    ];
    const iface = row.interfaceId;
    if (iface !== undefined) checks.push(['iface', p.iface, iface]);
    const src = expectedAddress(row, 'src', columns);
    if (src !== undefined) checks.push(['src', p.src, src]);
    const dst = expectedAddress(row, 'dst', columns);
    if (dst !== undefined) checks.push(['dst', p.dst, dst]);
    checks.push(['sport', p.sport, ports.sport], ['dport', p.dport, ports.dport]);
    for (const [field, got, want] of checks) {
      if (got === want) continue;
      const diff: PacketDiff = { frame: row.number, field, ours: got, tshark: want, category: categorize(field, row, got, want) };
      const known = knownPacketDifference(capture, row.number, field);
      if (known) result.excused.push({ diff, known });
      else result.diffs.push(diff);
    }
  }
  return result;
}

/** Human-readable lines: a header with per-category counts, then the first `limit` differing packets. */
export function formatPacketComparison(c: PacketComparison, oracle: FieldsOracle, limit = 10): string[] {
  if (c.diffs.length === 0) return [];
  const out: string[] = [];
  const cats = new Map<string, number>();
  for (const d of c.diffs) cats.set(d.category, (cats.get(d.category) ?? 0) + 1);
  const framesWithDiffs = [...new Set(c.diffs.filter((d) => d.field !== 'count').map((d) => d.frame))];
  out.push(
    `${c.capture}: ${framesWithDiffs.length} of ${c.compared} compared packets differ` +
      (c.ourCount !== c.expectedCount ? `; packet count ours=${c.ourCount} tshark=${c.expectedCount}` : '') +
      ` [${[...cats].map(([k, v]) => `${k}×${v}`).join(', ')}]`,
  );
  const byFrame = new Map<number, PacketDiff[]>();
  for (const d of c.diffs) if (d.field !== 'count') byFrame.set(d.frame, [...(byFrame.get(d.frame) ?? []), d]);
  for (const [frame, ds] of [...byFrame].slice(0, limit)) {
    const row = oracle.rows.find((r) => r.number === frame);
    const parts = ds.map((d) => `${d.field}: ours=${JSON.stringify(d.ours)} tshark=${JSON.stringify(d.tshark)}`);
    out.push(`  frame ${frame} [${row?.protocol ?? '?'}: ${(row?.info ?? '').slice(0, 60)}] ${parts.join('; ')}`);
  }
  if (byFrame.size > limit) out.push(`  … and ${byFrame.size - limit} more packets`);
  return out;
}

// ---- session comparison ---------------------------------------------------------------------

export interface SessionDiff {
  table: 'tcp' | 'udp';
  /** tshark-style "a:port <-> b:port" (ours when tshark has no such conversation). */
  conversation: string;
  field: KnownSessionDifference['field'];
  ours: unknown;
  tshark: unknown;
}

export interface SessionComparison {
  capture: string;
  counts: Record<'tcp' | 'udp', { ours: number; tshark: number }>;
  diffs: SessionDiff[];
  excused: { diff: SessionDiff; known: KnownSessionDifference }[];
}

function endpoint(addr: string, port: number | null | undefined): string {
  return `${addr}:${port ?? ''}`;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a} <-> ${b}` : `${b} <-> ${a}`;
}

/** Decimal seconds string ("123.000456789", may be negative) to BigInt nanoseconds. */
/** Relative rounding error of an IEEE double, in ns per ns (kept generous: 4 ulp). */
const DOUBLE_EPS = 4 * 2 ** -52;

export function toNs(s: string): bigint {
  const neg = s.startsWith('-');
  const [i, f = ''] = (neg ? s.slice(1) : s).split('.');
  const ns = BigInt(i || '0') * 1_000_000_000n + BigInt((f + '000000000').slice(0, 9));
  return neg ? -ns : ns;
}

export function nsToString(ns: bigint): string {
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  return `${neg ? '-' : ''}${a / 1_000_000_000n}.${(a % 1_000_000_000n).toString().padStart(9, '0')}`;
}

/**
 * Compares our tcp/udp sessions with tshark's conv,tcp / conv,udp tables: unordered endpoint
 * pairs; per-direction frames; per-direction bytes when tshark printed them exactly; relative
 * start (ns) and duration (tshark prints 4 decimals).
 * `firstTs` is the capture's first frame.time_epoch (tshark's reference for "Relative Start").
 */
export function compareSessions(
  capture: string,
  conv: ConvTables,
  ours: readonly SessionRecord[],
  firstTs: string | undefined,
): SessionComparison {
  const result: SessionComparison = {
    capture,
    counts: { tcp: { ours: 0, tshark: 0 }, udp: { ours: 0, tshark: 0 } },
    diffs: [],
    excused: [],
  };
  const push = (diff: SessionDiff) => {
    const known = knownSessionDifference(capture, diff.table, diff.conversation, diff.field);
    if (known) result.excused.push({ diff, known });
    else result.diffs.push(diff);
  };
  for (const table of ['tcp', 'udp'] as const) {
    const theirs = conv[table];
    const mine = ours.filter((s) => String(s.proto).toLowerCase() === table);
    result.counts[table] = { ours: mine.length, tshark: theirs.length };
    const groups = new Map<string, { t: Conversation[]; o: SessionRecord[] }>();
    const group = (k: string) => {
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { t: [], o: [] }));
      return g;
    };
    for (const c of mergeSplitConversations(capture, table, theirs)) {
      group(pairKey(endpoint(c.a, c.aport), endpoint(c.b, c.bport))).t.push(c);
    }
    for (const s of mine) group(pairKey(endpoint(s.a, s.aport), endpoint(s.b, s.bport))).o.push(s);
    for (const g of groups.values()) {
      // Same endpoint pair more than once (port reuse): pair them up in start order.
      g.t.sort((x, y) => (toNs(x.relStart) < toNs(y.relStart) ? -1 : 1));
      g.o.sort((x, y) => (toNs(x.start) < toNs(y.start) ? -1 : toNs(x.start) > toNs(y.start) ? 1 : 0));
      const n = Math.max(g.t.length, g.o.length);
      for (let i = 0; i < n; i++) {
        const t = g.t[i];
        const o = g.o[i];
        if (!t && o) {
          push({ table, conversation: `${endpoint(o.a, o.aport)} <-> ${endpoint(o.b, o.bport)}`, field: 'presence', ours: 'present', tshark: 'absent' });
          continue;
        }
        if (t && !o) {
          push({ table, conversation: `${endpoint(t.a, t.aport)} <-> ${endpoint(t.b, t.bport)}`, field: 'presence', ours: 'absent', tshark: 'present' });
          continue;
        }
        if (!t || !o) continue;
        const name = `${endpoint(t.a, t.aport)} <-> ${endpoint(t.b, t.bport)}`;
        // Orient tshark's A->B to our a->b.
        const same = endpoint(o.a, o.aport) === endpoint(t.a, t.aport);
        const tFramesAB = same ? t.framesAB : t.framesBA;
        const tFramesBA = same ? t.framesBA : t.framesAB;
        const tBytesAB = same ? t.bytesAB : t.bytesBA;
        const tBytesBA = same ? t.bytesBA : t.bytesAB;
        if (o.packets_ab !== tFramesAB || o.packets_ba !== tFramesBA) {
          push({ table, conversation: name, field: 'frames', ours: `${o.packets_ab}/${o.packets_ba}`, tshark: `${tFramesAB}/${tFramesBA}` });
        }
        const bytesOk =
          (tBytesAB.exact === undefined || tBytesAB.exact === o.bytes_ab) &&
          (tBytesBA.exact === undefined || tBytesBA.exact === o.bytes_ba);
        if (!bytesOk) {
          push({ table, conversation: name, field: 'bytes', ours: `${o.bytes_ab}/${o.bytes_ba}`, tshark: `${tBytesAB.text}/${tBytesBA.text}` });
        }
        if (firstTs !== undefined && typeof o.start === 'string' && o.start !== '') {
          const rel = toNs(o.start) - toNs(firstTs);
          // tshark computes Relative Start in double precision: allow its rounding error.
          const tolNs = 1n + BigInt(Math.ceil(Math.abs(Number(rel)) * DOUBLE_EPS));
          const delta = rel - toNs(t.relStart);
          if (delta > tolNs || -delta > tolNs) {
            push({ table, conversation: name, field: 'start', ours: `${o.start} (rel ${nsToString(rel)})`, tshark: `rel ${t.relStart}` });
          }
        }
        const d = Number(t.duration);
        // 4 printed decimals, plus tshark's double rounding of the relative start/stop times
        // (about 4 ms for captures whose timestamps are near 2^64 µs, as in pcapng-example).
        const relMax = Math.abs(Number(t.relStart)) + Math.abs(d);
        const tol = 0.00005 + 1e-9 + relMax * DOUBLE_EPS * 2;
        if (typeof o.duration !== 'number' || Math.abs(o.duration - d) > tol) {
          push({ table, conversation: name, field: 'duration', ours: o.duration, tshark: t.duration });
        }
      }
    }
  }
  return result;
}

/**
 * Sums the tshark conversations of an endpoint pair listed as 'split' in known-differences.ts
 * (tshark splits e.g. SDP-negotiated RTP/T.38 flows into several conversations; a wirelens
 * session is one per 5-tuple). The sum is oriented like the first (earliest) conversation.
 */
export function mergeSplitConversations(capture: string, table: 'tcp' | 'udp', convs: readonly Conversation[]): Conversation[] {
  const out: Conversation[] = [];
  const merged = new Map<string, Conversation[]>();
  for (const c of convs) {
    const name = `${endpoint(c.a, c.aport)} <-> ${endpoint(c.b, c.bport)}`;
    const key = pairKey(endpoint(c.a, c.aport), endpoint(c.b, c.bport));
    const split = KNOWN_SESSION_DIFFERENCES.some(
      (d) => d.capture === capture && d.table === table && d.field === 'split' &&
        (d.conversation === name || d.conversation === `${endpoint(c.b, c.bport)} <-> ${endpoint(c.a, c.aport)}`),
    );
    if (!split) {
      out.push(c);
      continue;
    }
    merged.set(key, [...(merged.get(key) ?? []), c]);
  }
  for (const parts of merged.values()) {
    parts.sort((x, y) => (toNs(x.relStart) < toNs(y.relStart) ? -1 : 1));
    const first = parts[0];
    let framesAB = 0, framesBA = 0, exactAB: number | undefined = 0, exactBA: number | undefined = 0;
    let start = toNs(first.relStart);
    let end = start;
    for (const p of parts) {
      const same = p.a === first.a && p.aport === first.aport;
      framesAB += same ? p.framesAB : p.framesBA;
      framesBA += same ? p.framesBA : p.framesAB;
      const [bab, bba] = same ? [p.bytesAB, p.bytesBA] : [p.bytesBA, p.bytesAB];
      exactAB = exactAB === undefined || bab.exact === undefined ? undefined : exactAB + bab.exact;
      exactBA = exactBA === undefined || bba.exact === undefined ? undefined : exactBA + bba.exact;
      const s0 = toNs(p.relStart);
      const e0 = s0 + toNs(p.duration);
      if (s0 < start) start = s0;
      if (e0 > end) end = e0;
    }
    const bytes = (n: number | undefined) => ({ text: n === undefined ? 'inexact' : `${n} bytes`, exact: n });
    const dur = nsToString(end - start);
    out.push({
      ...first,
      framesAB,
      framesBA,
      frames: framesAB + framesBA,
      bytesAB: bytes(exactAB),
      bytesBA: bytes(exactBA),
      bytes: bytes(exactAB !== undefined && exactBA !== undefined ? exactAB + exactBA : undefined),
      relStart: nsToString(start),
      duration: dur,
      line: `sum of ${parts.length} tshark conversations (known split)`,
    });
  }
  return out;
}

export function formatSessionComparison(c: SessionComparison, limit = 10): string[] {
  if (c.diffs.length === 0) return [];
  const cats = new Map<string, number>();
  for (const d of c.diffs) cats.set(`${d.table} ${d.field}`, (cats.get(`${d.table} ${d.field}`) ?? 0) + 1);
  const out = [
    `${c.capture}: tcp ours=${c.counts.tcp.ours} tshark=${c.counts.tcp.tshark}, udp ours=${c.counts.udp.ours} tshark=${c.counts.udp.tshark}` +
      ` [${[...cats].map(([k, v]) => `${k}×${v}`).join(', ')}]`,
  ];
  for (const d of c.diffs.slice(0, limit)) {
    out.push(`  ${d.table} ${d.conversation} ${d.field}: ours=${String(d.ours)} tshark=${String(d.tshark)}`);
  }
  if (c.diffs.length > limit) out.push(`  … and ${c.diffs.length - limit} more`);
  return out;
}

// ---- packet -> session assignment -----------------------------------------------------------

/**
 * Checks that our packet->session assignment (list --json "session") partitions TCP/UDP packets
 * the way tshark's tcp.stream / udp.stream do: each tshark stream maps to exactly one of our
 * sessions and vice versa. Only frames whose outermost transport is TCP/UDP are considered.
 */
export function compareSessionAssignment(
  capture: string,
  oracle: FieldsOracle,
  ours: readonly ListPacket[],
  columns?: ColumnsOracle | null,
): string[] {
  const dropMap = droppedRecords(capture);
  const rows = oracle.rows.filter((r) => !dropMap.has(r.number));
  const tToO = new Map<string, Map<string, number[]>>();
  const oToT = new Map<string, Map<string, number[]>>();
  const add = (m: Map<string, Map<string, number[]>>, k: string, v: string, frame: number) => {
    let inner = m.get(k);
    if (!inner) m.set(k, (inner = new Map()));
    inner.set(v, [...(inner.get(v) ?? []), frame]);
  };
  const out: string[] = [];
  const streamPair = new Map<string, { table: 'tcp' | 'udp'; pair: string }>();
  const n = Math.min(rows.length, ours.length);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const ports = expectedPorts(row);
    if (ports.sport === null) continue;
    const l4 = row.firstInt('tcp.srcport') === ports.sport && row.has('tcp.stream') ? 'tcp' : 'udp';
    const stream = row.first(`${l4}.stream`);
    if (stream === undefined) continue;
    const t = `${l4}.stream==${stream}`;
    const pair = pairKey(
      endpoint(expectedAddress(row, 'src', columns) ?? '', ports.sport),
      endpoint(expectedAddress(row, 'dst', columns) ?? '', ports.dport),
    );
    streamPair.set(t, { table: l4, pair });
    const o = ours[i].session === null || ours[i].session === undefined ? 'none' : `session ${ours[i].session}`;
    add(tToO, t, o, row.number);
    if (o !== 'none') add(oToT, o, t, row.number);
  }
  for (const [t, m] of tToO) {
    if (m.size > 1 || m.has('none')) {
      out.push(`${t} is split over ${[...m].map(([o, f]) => `${o} (frames ${f.slice(0, 5).join(',')}${f.length > 5 ? ',…' : ''})`).join(', ')}`);
    }
  }
  const splitPairs = new Set(
    KNOWN_SESSION_DIFFERENCES.filter((d) => d.capture === capture && d.field === 'split').map((d) => {
      const [a, b] = d.conversation.split(' <-> ');
      return `${d.table} ${pairKey(a, b)}`;
    }),
  );
  for (const [o, m] of oToT) {
    // tshark streams of one endpoint pair that known-differences.ts lists as split by tshark.
    const excused = [...m.keys()].every((t) => {
      const sp = streamPair.get(t);
      return sp !== undefined && splitPairs.has(`${sp.table} ${sp.pair}`);
    });
    if (m.size > 1 && !excused) {
      out.push(`${o} merges ${[...m].map(([t, f]) => `${t} (frames ${f.slice(0, 5).join(',')}${f.length > 5 ? ',…' : ''})`).join(', ')}`);
    }
  }
  return out;
}
