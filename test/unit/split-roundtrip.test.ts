/**
 * Split round trip against tshark: the per-session files of a split together hold exactly the packets of the
 * input (timestamps, lengths and the MD5 of every frame's bytes, counted and compared as multisets, all read
 * by tshark), every session file holds one conversation named by its file name, --tcp-from-handshake keeps
 * exactly the TCP streams whose handshake tshark saw (tcp.completeness), and the tar form holds the same
 * files byte for byte.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { openCapture } from '../../main/engine/readers/open';
import { splitToDirectory, splitToTar, type SplitRequest } from '../../main/engine/split/split';
import type { SplitCaptureFormat } from '../../main/engine/split/capture-encoding';

const CAPS = path.join(__dirname, '../fixtures/captures');
const hasTshark = fs.existsSync('/usr/bin/tshark');
if (!hasTshark) console.log('split-roundtrip: /usr/bin/tshark not found: the tshark comparisons are skipped');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelens-split-test-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function tshark(args: string[]): string[] {
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

/** One line per packet: epoch time, wire length, captured length, MD5 of the captured bytes. */
function packetLines(file: string): string[] {
  return tshark(['-o', 'frame.generate_md5_hash:TRUE', '-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'frame.md5_hash']);
}

const inputLines = new Map<string, string[]>();
function inputPacketLines(file: string): string[] {
  let lines = inputLines.get(file);
  if (lines === undefined) {
    lines = packetLines(file);
    inputLines.set(file, lines);
  }
  return lines;
}

/** Packets of every file in `dir`, read by tshark once: mergecap concatenates them (-a keeps all, in order). */
function outputPacketLines(dir: string): string[] {
  const files = fs.readdirSync(dir).map((f) => path.join(dir, f));
  if (files.length === 0) return [];
  const merged = path.join(work, `merged-${path.basename(dir)}.pcapng`);
  const m = spawnSync('mergecap', ['-a', '-F', 'pcapng', '-w', merged, ...files], { encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`mergecap: ${m.stderr}`);
  return packetLines(merged);
}

/** Packet count of each file, by capinfos (one process for all files). */
function packetCounts(dir: string): Map<string, number> {
  const files = fs.readdirSync(dir).map((f) => path.join(dir, f));
  const r = spawnSync('capinfos', ['-T', '-r', '-c', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`capinfos: ${r.stderr}`);
  const counts = new Map<string, number>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [f, c] = line.split('\t') as [string, string];
    counts.set(path.basename(f), Number(c));
  }
  return counts;
}

function sorted(lines: string[]): string[] {
  return [...lines].sort();
}

function index(file: string): CaptureIndex {
  const reader = openCapture(file);
  const idx = new CaptureIndex(reader);
  idx.runToEnd();
  return idx;
}

async function split(file: string, format: SplitCaptureFormat, extra: Partial<SplitRequest> = {}): Promise<{ dir: string; result: Awaited<ReturnType<typeof splitToDirectory>> }> {
  const idx = index(file);
  const dir = fs.mkdtempSync(path.join(work, 'out-'));
  const result = await splitToDirectory(idx, file, { format, payloads: false, matching: null, tcpFromHandshake: false, unassigned: true, ...extra }, dir);
  idx.reader.close();
  return { dir, result };
}

const FIXTURES = [
  'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng', // TCP + UDP + ICMP, pcapng
  'ipv4-frag-nfs__pcapplusplus__ip4_fragments.pcap', // IPv4 fragments go with their datagram's session
  'ipv6-frag-udp__pcapplusplus__ip6_fragments.pcap',
  'icmpv6-echo__pcapplusplus__ICMPv6_echos.cap',
  'link-rawip-ipv6-http-4streams__pcapplusplus__four_ipv6_http_streams.pcap',
  'vlan-ipv6-frag-tcp__suricata-verify__frag-eth-vlan-ipv6-tcp.pcap',
  'fmt-pcap-le-nsec__pcapplusplus__nanosecs.pcap', // nanosecond timestamps survive
  'arp__zeek__arp.pcap', // no sessions at all: everything unassigned
  'mixed-real-traffic__zui__sample.pcapng',
];

describe.skipIf(!hasTshark)('split: the files together are exactly the input (tshark)', () => {
  for (const name of FIXTURES) {
    for (const format of ['pcap', 'pcapng'] as const) {
      it(`${name} → ${format}`, async () => {
        const file = path.join(CAPS, name);
        const { dir, result } = await split(file, format);
        const files = fs.readdirSync(dir);
        const input = inputPacketLines(file);
        const counts = packetCounts(dir);
        let total = 0;
        for (const f of files) {
          expect(f.endsWith(`.${format}`)).toBe(true);
          expect(counts.get(f), f).toBeGreaterThan(0);
          total += counts.get(f) ?? 0;
        }
        expect(total).toBe(input.length);
        const output = outputPacketLines(dir);
        expect(output.length).toBe(input.length);
        expect(sorted(output)).toEqual(sorted(input));
        // The report counts what is on disk.
        expect(result.packets).toBe(input.length);
        expect(result.written + (result.unassignedFile !== null ? 1 : 0)).toBe(files.length);
      });
    }
  }

  it('each session file holds one conversation, the one its name gives', async () => {
    const file = path.join(CAPS, 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng');
    const { dir } = await split(file, 'pcap');
    let checked = 0;
    for (const f of fs.readdirSync(dir)) {
      const m = /^(TCP|UDP)_([^_]+)_(\d+)_([^_]+)_(\d+)(?:_\d+)?\.pcap$/.exec(f);
      if (m === null) continue;
      const [, proto, a, ap, b, bp] = m as unknown as [string, string, string, string, string, string];
      const port = proto === 'TCP' ? 'tcp' : 'udp';
      const ends = new Set<string>();
      if (checked === 12) break; // one tshark per file: a dozen is enough
      for (const l of tshark(['-r', path.join(dir, f), '-T', 'fields', '-e', 'ip.src', '-e', `${port}.srcport`, '-e', 'ip.dst', '-e', `${port}.dstport`])) {
        const [s, sp, d, dp] = l.split('\t');
        ends.add(`${s}:${sp}`);
        ends.add(`${d}:${dp}`);
      }
      expect([...ends].sort(), f).toEqual([`${a}:${ap}`, `${b}:${bp}`].sort());
      checked++;
    }
    expect(checked).toBe(12);
  });

  it('--tcp-from-handshake keeps exactly the TCP streams whose handshake tshark saw', async () => {
    const file = path.join(CAPS, 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng');
    // tshark: final completeness per stream (two passes), bits 1|2|4 = SYN, SYN-ACK, ACK.
    const completeness = new Map<string, number>();
    for (const l of tshark(['-2', '-r', file, '-Y', 'tcp', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tcp.completeness'])) {
      const [stream, c] = l.split('\t') as [string, string];
      completeness.set(stream, Math.max(completeness.get(stream) ?? 0, Number(c)));
    }
    const withHandshake = [...completeness.values()].filter((c) => (c & 7) === 7).length;
    const { dir, result } = await split(file, 'pcapng', { tcpFromHandshake: true });
    const tcpFiles = fs.readdirSync(dir).filter((f) => f.startsWith('TCP_'));
    expect(withHandshake).toBeGreaterThan(0);
    expect(tcpFiles.length).toBe(withHandshake);
    expect(result.skippedNoHandshake).toBe(completeness.size - withHandshake);
    // Every kept file starts with its SYN: the merged output's first packets of each file are SYNs.
    const counts = packetCounts(dir);
    const merged = path.join(work, 'hs-merged.pcapng');
    const files = fs.readdirSync(dir).sort();
    spawnSync('mergecap', ['-a', '-F', 'pcapng', '-w', merged, ...files.map((f) => path.join(dir, f))]);
    const flags = tshark(['-r', merged, '-T', 'fields', '-e', 'tcp.flags']);
    let at = 0;
    for (const f of files) {
      if (f.startsWith('TCP_')) expect(Number(flags[at]) & 0x12, f).toBe(0x02);
      at += counts.get(f) ?? 0;
    }
  });

  it('-Y keeps the sessions having a matching packet, whole', async () => {
    const file = path.join(CAPS, 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng');
    const idx = index(file);
    // tshark's matching frames for the filter, as the display filter would give them.
    const matching = Uint32Array.from(tshark(['-r', file, '-Y', 'dns', '-T', 'fields', '-e', 'frame.number']).map(Number));
    const dir = fs.mkdtempSync(path.join(work, 'out-'));
    const r = await splitToDirectory(idx, file, { format: 'pcap', payloads: false, matching, tcpFromHandshake: false, unassigned: true }, dir);
    const files = fs.readdirSync(dir);
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.startsWith('UDP_') && /_53(_\d+)?\.pcap$/.test(f))).toBe(true);
    expect(r.skippedByFilter).toBe(idx.sessions.count - files.length);
    // Whole sessions: exactly the packets of the UDP streams tshark's dns frames are in.
    const streams = [...new Set(tshark(['-r', file, '-Y', 'dns', '-T', 'fields', '-e', 'udp.stream']))];
    const expected = tshark(['-o', 'frame.generate_md5_hash:TRUE', '-r', file, '-Y', `udp.stream in {${streams.join(',')}}`, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'frame.md5_hash']);
    expect(sorted(outputPacketLines(dir))).toEqual(sorted(expected));
  });

  it('a tar download holds the same files, byte for byte', async () => {
    const file = path.join(CAPS, 'link-rawip-ipv6-http-4streams__pcapplusplus__four_ipv6_http_streams.pcap');
    const { dir } = await split(file, 'pcap');
    const idx = index(file);
    const tarPath = path.join(work, 'split.tar');
    await splitToTar(idx, file, { format: 'pcap', payloads: false, matching: null, tcpFromHandshake: false, unassigned: true }, tarPath, 'four-streams-sessions');
    const unpack = fs.mkdtempSync(path.join(work, 'untar-'));
    const t = spawnSync('tar', ['-xf', tarPath, '-C', unpack], { encoding: 'utf8' });
    expect(t.status, t.stderr).toBe(0);
    const got = fs.readdirSync(path.join(unpack, 'four-streams-sessions')).sort();
    expect(got).toEqual(fs.readdirSync(dir).sort());
    // IPv6 colons are not in the names.
    expect(got.some((f) => f.includes(':'))).toBe(false);
    for (const f of got) expect(fs.readFileSync(path.join(unpack, 'four-streams-sessions', f)).equals(fs.readFileSync(path.join(dir, f)))).toBe(true);
  });
});

describe('split: output directory rules', () => {
  it('refuses a non-empty directory and leaves it untouched', async () => {
    const file = path.join(CAPS, 'icmp-echo__zeek__5-pings.pcap');
    const idx = index(file);
    const dir = fs.mkdtempSync(path.join(work, 'busy-'));
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'mine');
    await expect(splitToDirectory(idx, file, { format: 'pcap', payloads: false, matching: null, tcpFromHandshake: false, unassigned: true }, dir)).rejects.toThrow(/not empty/);
    expect(fs.readdirSync(dir)).toEqual(['keep.txt']);
  });

  it('names a reused tuple with a suffix instead of overwriting', async () => {
    // Two pings sessions on the same ICMP id split by a 0-second idle timeout.
    const file = path.join(CAPS, 'icmp-echo__zeek__5-pings.pcap');
    const reader = openCapture(file);
    const idx = new CaptureIndex(reader, { timeouts: { tcp: 0, udp: 0, icmp: 0.5, other: 0 } });
    idx.runToEnd();
    const dir = fs.mkdtempSync(path.join(work, 'reuse-'));
    const r = await splitToDirectory(idx, file, { format: 'pcap', payloads: false, matching: null, tcpFromHandshake: false, unassigned: true }, dir);
    const files = fs.readdirSync(dir).sort();
    expect(r.written).toBe(idx.sessions.count);
    expect(idx.sessions.count).toBeGreaterThan(1);
    expect(new Set(files).size).toBe(files.length);
    expect(files.filter((f) => /_\d+_\d+\.pcap$/.test(f) && /_[2-9]\.pcap$/.test(f)).length).toBeGreaterThan(0);
  });
});
