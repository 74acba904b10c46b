/**
 * tshark/capinfos as oracles for the statistics tests: runs them on a fixture and parses their text output
 * (io,phs trees, endpoints tables, io,stat buckets, capinfos -M -T tables), plus the engine-side runner that
 * indexes a fixture with the statistics accumulators attached, as the service does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { openCapture } from '../../main/engine/readers/open';
import { SessionEnrichment } from '../../main/engine/sessions/session-enrichment';
import { sharedRules } from '../../main/engine/classify/load-rules';
import { GeoResolver } from '../../main/engine/geo/geo-resolver';
import { ProtocolHierarchy } from '../../main/engine/stats/protocol-hierarchy';

export const TSHARK = '/usr/bin/tshark';
export const CAPINFOS = '/usr/bin/capinfos';
export const haveTshark = existsSync(TSHARK);
export const haveCapinfos = existsSync(CAPINFOS);
// The statistics tests compare with these tools; without them those suites skip, and say why.
if (!haveTshark) console.log(`skipping the statistics comparisons with tshark: ${TSHARK} is missing (Debian package tshark)`);
if (!haveCapinfos) console.log(`skipping the capture-summary comparison: ${CAPINFOS} is missing (Debian package wireshark-common)`);

/** tshark's standard output; on a damaged file it exits non-zero after printing what it read, which counts. */
export function tshark(args: string[]): string {
  const r = spawnSync(TSHARK, args, { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, TZ: 'UTC' } });
  if (r.error) throw r.error;
  return r.stdout;
}

export interface Indexed {
  index: CaptureIndex;
  enrichment: SessionEnrichment;
  hierarchy: ProtocolHierarchy;
  close(): void;
}

/** Indexes a whole capture the way CaptureSession does (enrichment, then the hierarchy accumulator). */
export function indexCapture(path: string): Indexed {
  const reader = openCapture(path);
  const enrichment = new SessionEnrichment({ rules: sharedRules(), geo: new GeoResolver({}) });
  const hierarchy = new ProtocolHierarchy();
  const index = new CaptureIndex(reader, { enrich: enrichment, also: [hierarchy] });
  index.runToEnd();
  return { index, enrichment, hierarchy, close: () => reader.close() };
}

// ---- protocol hierarchy ----

export interface PhsNode {
  name: string;
  frames: number;
  bytes: number;
  children: PhsNode[];
}

/** Parses `tshark -q -z io,phs` (two spaces of indentation per level). */
export function parsePhs(text: string): PhsNode[] {
  const roots: PhsNode[] = [];
  const stack: { depth: number; node: PhsNode }[] = [];
  for (const line of text.split('\n')) {
    const m = /^( *)(\S+)\s+frames:(\d+) bytes:(\d+)/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 2;
    const node: PhsNode = { name: m[2]!, frames: Number(m[3]), bytes: Number(m[4]), children: [] };
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    if (stack.length === 0) roots.push(node);
    else stack[stack.length - 1]!.node.children.push(node);
    stack.push({ depth, node });
  }
  return roots;
}

export function tsharkPhs(path: string, filter?: string): PhsNode[] {
  return parsePhs(tshark(['-r', path, '-q', '-z', filter ? `io,phs,${filter}` : 'io,phs']));
}

/** path ("eth/ip/tcp") → "frames bytes", for comparing two trees whatever their sibling order. */
export function flattenPhs(nodes: readonly PhsNode[], prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const n of nodes) {
    const p = prefix ? `${prefix}/${n.name}` : n.name;
    out.set(p, `${n.frames} ${n.bytes}`);
    flattenPhs(n.children, p, out);
  }
  return out;
}

/** Our flat hierarchy (depth-first nodes with parent indices) as the same tree shape. */
export function treeOf(nodes: readonly { parent: number; name: string; frames: number; bytes: number }[]): PhsNode[] {
  const built: PhsNode[] = [];
  const roots: PhsNode[] = [];
  for (const n of nodes) {
    const node: PhsNode = { name: n.name, frames: n.frames, bytes: n.bytes, children: [] };
    built.push(node);
    if (n.parent < 0) roots.push(node);
    else built[n.parent]!.children.push(node);
  }
  return roots;
}

// ---- endpoints ----

export interface EndpointCounts {
  packets: number;
  bytes: number;
  txPackets: number;
  txBytes: number;
  rxPackets: number;
  rxBytes: number;
}

/** `tshark -q -z endpoints,ip` (or ipv6): address → counts. */
export function tsharkEndpoints(path: string, kind: 'ip' | 'ipv6', filter?: string): Map<string, EndpointCounts> {
  const text = tshark(['-r', path, '-q', '-z', filter ? `endpoints,${kind},${filter}` : `endpoints,${kind}`]);
  const out = new Map<string, EndpointCounts>();
  for (const line of text.split('\n')) {
    // Address Packets Bytes Tx Packets Tx Bytes Rx Packets Rx Bytes (bytes may carry a unit: "1234 bytes").
    const m = /^(\S+)\s+(\d+)\s+(\d+)(?: bytes)?\s+(\d+)\s+(\d+)(?: bytes)?\s+(\d+)\s+(\d+)(?: bytes)?\s*$/.exec(line.trim());
    if (!m) continue;
    out.set(m[1]!, {
      packets: Number(m[2]),
      bytes: Number(m[3]),
      txPackets: Number(m[4]),
      txBytes: Number(m[5]),
      rxPackets: Number(m[6]),
      rxBytes: Number(m[7]),
    });
  }
  return out;
}

// ---- io,stat ----

/**
 * `tshark -q -z io,stat,<interval>[,filter…]`: per interval, frames and bytes of each column (column 0 is
 * every frame when no filter is given, else the filters in order).
 */
export function tsharkIoStat(path: string, interval: number, filters: string[] = []): { frames: number; bytes: number }[][] {
  const text = tshark(['-r', path, '-q', '-z', [`io,stat,${interval}`, ...filters].join(',')]);
  const out: { frames: number; bytes: number }[][] = [];
  for (const line of text.split('\n')) {
    // "|  0.0 <>  0.5 |     36 | 10688 |"; the last interval reads "<> Dur".
    const m = /^\|\s*[\d.]+\s*<>\s*(?:[\d.]+|Dur)\s*\|(.*)$/.exec(line);
    if (!m) continue;
    const cells = m[1]!.split('|').map((c) => c.trim()).filter((c) => c !== '').map(Number);
    const row: { frames: number; bytes: number }[] = [];
    for (let k = 0; k + 1 < cells.length; k += 2) row.push({ frames: cells[k]!, bytes: cells[k + 1]! });
    out.push(row);
  }
  return out;
}

// ---- capinfos ----

/** `capinfos -M -T -S` (machine readable, table, times as epoch seconds): header → value. */
export function capinfos(path: string): Map<string, string> {
  const text = execFileSync(CAPINFOS, ['-M', '-T', '-S', '-r', path], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  const withHeader = execFileSync(CAPINFOS, ['-M', '-T', '-S', path], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  const header = withHeader.split('\n')[0]!.split('\t');
  const values = text.split('\n')[0]!.split('\t');
  return new Map(header.map((h, i) => [h, values[i] ?? '']));
}
