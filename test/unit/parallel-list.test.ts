/**
 * `wirelens list` split over workers (main/cli/parallel-list.ts, engine/capture/partition.ts) must print exactly
 * what one pass prints. The workers run here in-process, one after another, and their rows go through the same
 * merge the CLI uses; test/unit/parallel-list-cli.test.ts runs the real worker processes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listRows } from '../../main/cli/commands/list';
import { RowChunks, type RowChunk } from '../../main/cli/row-chunks';
import { listWorkers, RowMerger, workersFor } from '../../main/cli/parallel-list';
import { filterFrom } from '../../main/cli/filter-option';
import type { ParsedArgs } from '../../main/cli/args';
import { OWNER_MASK, Partitioner, SHARED } from '../../main/engine/capture/partition';
import * as os from 'node:os';

const FIX = path.resolve(__dirname, '..', 'fixtures');

function captures(): string[] {
  const dirs = ['captures', 'ja4/captures', 'pcapng-suite/be', 'pcapng-suite/le'];
  const out: string[] = [];
  for (const d of dirs) for (const f of fs.readdirSync(path.join(FIX, d)).sort()) out.push(path.join(FIX, d, f));
  // Every 8th of the 830 tcpdump test captures: many link types and odd protocols, kept quick.
  const tcpdump = fs.readdirSync(path.join(FIX, 'tcpdump')).sort();
  for (let i = 0; i < tcpdump.length; i += 8) out.push(path.join(FIX, 'tcpdump', tcpdump[i]!));
  return out;
}

function args(file: string, filter?: string): ParsedArgs {
  const options = new Map<string, string>();
  if (filter !== undefined) options.set('-Y', filter);
  return { positional: [file], flags: new Set(), options };
}

let stderr: string[] = [];
beforeEach(() => {
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr.push(String(s));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

function serial(a: ParsedArgs): { text: string; code: number; errors: string } {
  const sink = new RowChunks();
  stderr = [];
  const code = listRows(a, sink, null);
  return { text: Buffer.from(sink.take().bytes).toString('utf8'), code, errors: stderr.join('') };
}

/** Runs `count` workers one after another, then merges their chunks interleaved as they would arrive. */
function parallel(a: ParsedArgs, count: number): { text: string; codes: number[]; errors: string; rowsPerWorker: number[] } {
  const perWorker: { chunk: RowChunk; upto: number }[][] = [];
  const codes: number[] = [];
  stderr = [];
  for (let index = 0; index < count; index++) {
    const sink = new RowChunks();
    const chunks: { chunk: RowChunk; upto: number }[] = [];
    codes.push(
      listRows(a, sink, {
        index,
        count,
        afterStep: (read) => chunks.push({ chunk: sink.take(), upto: read }),
      }),
    );
    chunks.push({ chunk: sink.take(), upto: Infinity });
    perWorker.push(chunks);
  }
  const errors = stderr.join('');
  const merger = new RowMerger(count);
  const parts: Uint8Array[] = [];
  const out = { bytes: (b: Uint8Array) => parts.push(b.slice()) };
  const longest = Math.max(...perWorker.map((c) => c.length));
  for (let step = 0; step < longest; step++) {
    for (let w = 0; w < count; w++) {
      const c = perWorker[w]![step];
      if (c !== undefined) merger.push(w, c.chunk, c.upto);
      merger.drain(out);
    }
  }
  for (let w = 0; w < count; w++) merger.end(w);
  merger.drain(out);
  return {
    text: Buffer.concat(parts).toString('utf8'),
    codes,
    errors,
    rowsPerWorker: perWorker.map((cs) => cs.reduce((n, c) => n + c.chunk.numbers.length, 0)),
  };
}

describe('list split over workers prints what one pass prints', () => {
  const files = captures();

  it(`every row of ${files.length} fixture captures, three workers`, () => {
    let split = 0;
    const differing: string[] = [];
    for (const f of files) {
      const one = serial(args(f));
      const many = parallel(args(f), 3);
      if (many.text !== one.text) differing.push(path.relative(FIX, f));
      // Every worker reads the whole file: each returns the one pass's exit code, and only worker 0 prints errors.
      expect(many.codes, f).toEqual([one.code, one.code, one.code]);
      expect(many.errors, f).toBe(one.errors);
      if (many.rowsPerWorker.filter((n) => n > 0).length >= 2) split++;
    }
    expect(differing).toEqual([]);
    // The comparison means something only if the packets really were split between workers.
    console.log(`[parallel-list] ${split} of ${files.length} captures had rows in two or more workers`);
    expect(split).toBeGreaterThanOrEqual(40);
  }, 240_000);

  it('with display filters (the cases checked against tshark -Y), two workers', () => {
    const cases = fs
      .readFileSync(path.join(FIX, 'filters', 'cases.tsv'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split('\t') as [string, string, string]);
    let compared = 0;
    const differing: string[] = [];
    const refused: string[] = [];
    const old = process.env.WIRELENS_WORKERS;
    process.env.WIRELENS_WORKERS = '2';
    for (const [id, capture, filter] of cases) {
      const a = args(path.join(FIX, 'captures', capture), filter);
      // Only what the CLI would split (WIRELENS_WORKERS lifts the size rule): the others run in one pass.
      if (listWorkers(a.positional[0]!, filterFrom(a), a) === 1) {
        refused.push(filter);
        continue;
      }
      const one = serial(a);
      const many = parallel(a, 2);
      if (many.text !== one.text) differing.push(`#${id} ${filter}`);
      compared++;
    }
    if (old === undefined) delete process.env.WIRELENS_WORKERS;
    else process.env.WIRELENS_WORKERS = old;
    expect(differing).toEqual([]);
    expect(compared).toBeGreaterThan(100);
    // Stream numbers count the sessions of every worker: such filters must run in one pass.
    expect(refused).toContain('tcp.stream == 3');
  }, 240_000);
});

/** An Ethernet/IPv4/UDP frame from a.b.c.d:sport to …:dport. */
function udpFrame(src: number[], dst: number[], sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(14 + 20 + 8 + payload.length);
  f.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00], 0);
  const ipLen = 20 + 8 + payload.length;
  f.set([0x45, 0, ipLen >> 8, ipLen & 255, 0, 1, 0, 0, 64, 17, 0, 0, ...src, ...dst], 14);
  let sum = 0;
  for (let i = 14; i < 34; i += 2) sum += (f[i]! << 8) | f[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  f[24] = (~sum >> 8) & 255;
  f[25] = ~sum & 255;
  const udpLen = 8 + payload.length;
  f.set([sport >> 8, sport & 255, dport >> 8, dport & 255, udpLen >> 8, udpLen & 255, 0, 0], 34);
  f.set(payload, 42);
  return f;
}

function pcapFile(frames: Uint8Array[]): string {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20);
  parts.push(head);
  frames.forEach((f, i) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000, 0);
    rec.writeUInt32LE(i * 20_000, 4);
    rec.writeUInt32LE(f.length, 8);
    rec.writeUInt32LE(f.length, 12);
    parts.push(rec, Buffer.from(f));
  });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wl-par-')), 'sip-media-elsewhere.pcap');
  fs.writeFileSync(file, Buffer.concat(parts));
  return file;
}

function sip(firstLine: string, from: string, callId: string, media: string, port: number): Uint8Array {
  const sdp = `v=0\r\no=- 1 1 IN IP4 ${media}\r\ns=-\r\nc=IN IP4 ${media}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;
  const text =
    `${firstLine}\r\nVia: SIP/2.0/UDP ${from}:5070;branch=z9hG4bK-${callId}\r\nFrom: <sip:a@${from}>;tag=1\r\nTo: <sip:b@x>\r\n` +
    `Call-ID: ${callId}\r\nCSeq: 1 INVITE\r\nContact: <sip:a@${from}:5070>\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`;
  return new TextEncoder().encode(text);
}

function rtp(seq: number): Uint8Array {
  const p = new Uint8Array(12 + 160);
  p.set([0x80, 0, seq >> 8, seq & 255, 0, 0, (seq * 160) >> 8, (seq * 160) & 255, 0x12, 0x34, 0x56, 0x78], 0);
  return p;
}

describe('SIP signalling and its media between other hosts', () => {
  // A phone (10.0.0.1) talks SIP to a proxy (10.0.0.2) on port 5070, not 5060; the SDP sends the media
  // between two gateways (10.9.9.9 and 10.8.8.4). Only the SDP says those UDP packets are RTP.
  const A = [10, 0, 0, 1];
  const B = [10, 0, 0, 2];
  const C = [10, 9, 9, 9];
  const D = [10, 8, 8, 4];
  const frames = [
    udpFrame(A, B, 5070, 5070, sip('INVITE sip:b@10.0.0.2:5070 SIP/2.0', '10.0.0.1', 'elsewhere-1', '10.9.9.9', 40000)),
    udpFrame(B, A, 5070, 5070, sip('SIP/2.0 200 OK', '10.0.0.2', 'elsewhere-1', '10.8.8.4', 50000)),
  ];
  for (let i = 0; i < 10; i++) {
    frames.push(udpFrame(D, C, 50000, 40000, rtp(i)));
    frames.push(udpFrame(C, D, 40000, 50000, rtp(100 + i)));
  }

  it('the signalling is shared with every worker, and the media pair belongs to another worker than the SIP pair', () => {
    const p = new Partitioner(2);
    const invite = p.ownerOf(frames[0]!, 1);
    const media = p.ownerOf(frames[2]!, 1);
    expect(invite & SHARED).toBe(SHARED);
    expect(media & SHARED).toBe(0);
    expect(invite & OWNER_MASK).not.toBe(media & OWNER_MASK);
  });

  it('every worker decodes the media as RTP, as one pass does', () => {
    const file = pcapFile(frames);
    const one = serial(args(file));
    expect(one.text.split('\n').filter((l) => / RTP /.test(l))).toHaveLength(20);
    for (const count of [2, 3]) expect(parallel(args(file), count).text).toBe(one.text);
  });
});

describe('Partitioner', () => {
  it('gives both directions of a pair, tagged or not, the same owner; fragments are shared; ARP goes to worker 0', () => {
    const p = new Partitioner(4);
    const owners = new Set<number>();
    for (let i = 1; i < 60; i++) {
      const a = [10, 1, 0, i];
      const b = [192, 168, i, 7];
      const ab = udpFrame(a, b, 1000 + i, 53, new Uint8Array(4));
      const ba = udpFrame(b, a, 53, 1000 + i, new Uint8Array(4));
      expect(p.ownerOf(ab, 1)).toBe(p.ownerOf(ba, 1));
      // The same packet behind an 802.1Q tag.
      const tagged = new Uint8Array(ab.length + 4);
      tagged.set(ab.subarray(0, 12), 0);
      tagged.set([0x81, 0x00, 0x00, 0x05], 12);
      tagged.set(ab.subarray(12), 16);
      expect(p.ownerOf(tagged, 1)).toBe(p.ownerOf(ab, 1));
      // Raw IP (link type 101) reads the same addresses.
      expect(p.ownerOf(ab.subarray(14), 101)).toBe(p.ownerOf(ab, 1));
      owners.add(p.ownerOf(ab, 1));
      const frag = ab.slice();
      frag[20] = 0x20; // more fragments
      expect(p.ownerOf(frag, 1)).toBe(p.ownerOf(ab, 1) | SHARED);
    }
    // 59 pairs over 4 workers: every worker gets some.
    expect([...owners].sort()).toEqual([0, 1, 2, 3]);
    const arp = new Uint8Array(42);
    arp.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06], 0);
    expect(p.ownerOf(arp, 1)).toBe(0);
  });
});

describe('listWorkers: when list is split', () => {
  const cap = path.join(FIX, 'captures', 'sipp-call-rtp-reinvite.pcap');
  const old = process.env.WIRELENS_WORKERS;
  afterEach(() => {
    if (old === undefined) delete process.env.WIRELENS_WORKERS;
    else process.env.WIRELENS_WORKERS = old;
  });

  it('splits a partition-safe filter and refuses what counts across workers', () => {
    process.env.WIRELENS_WORKERS = '3';
    const n = (filter?: string, json = false): number => {
      const a = args(cap, filter);
      if (json) a.flags.add('--json');
      return listWorkers(cap, filterFrom(a), a);
    };
    expect(n()).toBe(3);
    expect(n('tcp.port == 443 and ip.addr == 10.0.0.1')).toBe(3);
    expect(n('dns.qry.name contains "a" or http.request')).toBe(3);
    // Session/stream numbers and app fields count over all address pairs; --json prints session numbers.
    expect(n('tcp.stream == 1')).toBe(1);
    expect(n('session == 2')).toBe(1);
    expect(n('app == "DNS"')).toBe(1);
    expect(n('geo.country == "US"')).toBe(1);
    expect(n(undefined, true)).toBe(1);
    expect(listWorkers(path.join(FIX, 'no-such-file.pcap'), null, args('x'))).toBe(1);
  });

  it('runs small files in one pass unless told otherwise', () => {
    delete process.env.WIRELENS_WORKERS;
    expect(listWorkers(cap, null, args(cap))).toBe(1);
  });

  it('leaves one core to the merge: one pass on 2 cores, then up to 4 workers; big files use that many', () => {
    expect([1, 2, 3, 4, 5, 16].map(workersFor)).toEqual([1, 1, 2, 3, 4, 4]);
    delete process.env.WIRELENS_WORKERS;
    // A sparse 64 MB file: only its size is looked at.
    const big = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wl-big-')), 'big.pcap');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 64 << 20);
    expect(listWorkers(big, null, args(big))).toBe(workersFor(os.availableParallelism()));
    fs.rmSync(path.dirname(big), { recursive: true });
  });
});
