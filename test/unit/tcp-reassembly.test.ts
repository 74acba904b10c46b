/**
 * TCP stream reassembly: a length-prefixed test StreamProtocol over synthetic streams (fast-check: whatever
 * the segment order, duplication and overlap, the protocol receives exactly the original messages, once, in
 * order), memory bounds, and real fixtures (TLS records, DNS over TCP) where the on-demand replay must decode
 * the same messages as the index pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as path from 'node:path';
import { Dissection, MODE_INDEX, MODE_SUMMARY } from '../../main/engine/dissect/dissection';
import { StreamProtocol, tcpStreamTable } from '../../main/engine/dissect/tables';
import { TcpReassembler } from '../../main/engine/sessions/tcp-reassembly';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { PacketAccess } from '../../main/engine/capture/packet-access';
import { openCapture } from '../../main/engine/readers/open';
import { RS_MASK, RS_SEGMENT, RS_SHIFT } from '../../main/engine/dissect/protocols/tcp-analysis';
import '../../main/engine/dissect/protocols';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Messages the test protocols decoded: frame, data source and bytes. */
let sink: { frame: number; source: string | undefined; bytes: string }[] = [];

/** 2-byte big-endian length prefix, then the body (DNS over TCP's framing). */
function lengthPrefixed(name: string): StreamProtocol {
  return {
    name,
    messageLength(buf, off, end) {
      if (end - off < 2) return 0;
      return 2 + (((buf[off] as number) << 8) | (buf[off + 1] as number));
    },
    decode(d, off, end) {
      sink.push({ frame: d.frame.number, source: d.source, bytes: hex(d.buf.subarray(off, end)) });
    },
  };
}

/** TLS record framing: 5-byte header with the length in bytes 3-4; not TLS when the type is unknown. */
const tlsRecords: StreamProtocol = {
  name: 'test-tls',
  messageLength(buf, off, end) {
    if (end - off < 1) return 0;
    const t = buf[off] as number;
    if (t < 20 || t > 24) return -1;
    if (end - off < 5) return 0;
    return 5 + (((buf[off + 3] as number) << 8) | (buf[off + 4] as number));
  },
  decode(d, off, end) {
    sink.push({ frame: d.frame.number, source: d.source, bytes: hex(d.buf.subarray(off, end)) });
  },
};

const ISN = 0xfffff000; // close to the wrap, so sequence arithmetic must be modular

function streamOf(bodies: number[][]): { stream: Uint8Array; messages: string[] } {
  const parts: number[] = [];
  const messages: string[] = [];
  for (const b of bodies) {
    const m = [b.length >> 8, b.length & 255, ...b];
    parts.push(...m);
    messages.push(hex(Uint8Array.from(m)));
  }
  return { stream: Uint8Array.from(parts), messages };
}

function feed(r: TcpReassembler, p: StreamProtocol, stream: Uint8Array, segs: readonly [number, number][]): void {
  const d = new Dissection();
  let frame = 1;
  for (const [s, e] of segs) {
    // Each segment in its own frame buffer with 3 bytes of "headers" before the payload.
    const buf = new Uint8Array(3 + e - s);
    buf.set(stream.subarray(s, e), 3);
    d.reset(buf, MODE_INDEX);
    d.frame.number = frame++;
    d.sessionId = 0;
    d.direction = 0;
    d.tcpFlags = 0x10;
    d.tcpSeq = (ISN + 1 + s) >>> 0;
    d.tcpSeqBase = ISN;
    r.beginFrame();
    r.deliver(d, p, 3, buf.length);
  }
}

describe('TcpReassembler on synthetic streams', () => {
  const proto = lengthPrefixed('test-lp');
  it('delivers the original messages whatever the segment order, duplication and overlap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 25 })), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (bodies, cuts, extras, order) => {
          const { stream, messages } = streamOf(bodies);
          // A covering split, plus duplicates and arbitrary overlapping ranges.
          const segs: [number, number][] = [];
          let pos = 0;
          for (let i = 0; pos < stream.length; i++) {
            const n = cuts[i % cuts.length] as number;
            segs.push([pos, Math.min(stream.length, pos + n)]);
            pos += n;
          }
          for (const [a, b, n] of extras) {
            const s = a % stream.length;
            if (b % 2 === 0 && segs.length > 0) segs.push(segs[b % segs.length] as [number, number]);
            else segs.push([s, Math.min(stream.length, s + n)]);
          }
          // Shuffle deterministically from `order`.
          for (let i = segs.length - 1; i > 0; i--) {
            const j = (order[i % Math.max(1, order.length)] ?? 0) % (i + 1);
            [segs[i], segs[j]] = [segs[j] as [number, number], segs[i] as [number, number]];
          }
          sink = [];
          const r = new TcpReassembler();
          feed(r, proto, stream, segs);
          expect(sink.map((m) => m.bytes)).toEqual(messages);
          expect(r.heldIn(0, 0)).toBe(0);
          expect(r.heldTotal).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes a message inside one segment on the frame buffer, a spanning one on a reassembled buffer', () => {
    const { stream } = streamOf([[1, 2, 3], [4, 5, 6, 7, 8, 9]]);
    sink = [];
    const r = new TcpReassembler();
    feed(r, proto, stream, [[0, 7], [7, 13]]);
    expect(sink).toEqual([
      { frame: 1, source: undefined, bytes: '0003010203' },
      { frame: 2, source: 'Reassembled TCP', bytes: '0006040506070809' },
    ]);
    expect(r.recordOf(2)).toEqual([{ kind: 'pieces', pieces: [
      { frame: 1, at: 8, len: 2, bytes: null },
      { frame: 2, at: 3, len: 6, bytes: null },
    ] }]);
  });

  it('stays within the per-direction bound across a huge gap, then resynchronises', () => {
    const r = new TcpReassembler({ maxPerDirection: 64 * 1024, maxTotal: 1 << 20 });
    // 0xff bytes: after resynchronising, each "message" claims 65537 bytes, more than the bound: skipped.
    const big = new Uint8Array(4 << 20).fill(0xff);
    const segs: [number, number][] = [[0, 10]];
    // Everything after a 1000-byte gap that never fills (no ACKs seen: only the bound can help).
    for (let s = 1010; s + 1400 <= big.length; s += 1400) segs.push([s, s + 1400]);
    let maxHeld = 0;
    const d = new Dissection();
    let frame = 1;
    for (const [s, e] of segs) {
      const buf = big.slice(s, e);
      d.reset(buf, MODE_INDEX);
      d.frame.number = frame++;
      d.sessionId = 3;
      d.direction = 1;
      d.tcpSeq = (ISN + 1 + s) >>> 0;
      d.tcpSeqBase = ISN;
      r.beginFrame();
      r.deliver(d, proto, 0, buf.length);
      maxHeld = Math.max(maxHeld, r.heldIn(3, 1));
      expect(r.heldTotal).toBeLessThanOrEqual(1 << 20);
    }
    expect(maxHeld).toBeLessThanOrEqual(64 * 1024);
    expect(r.stats.gaps).toBeGreaterThan(0);
    expect(r.stats.skipped).toBeGreaterThan(0);
  });
});

describe('TcpReassembler on real captures, and its on-demand replay', () => {
  const saved = new Map<number, StreamProtocol | undefined>();
  const override = (port: number, p: StreamProtocol): void => {
    saved.set(port, tcpStreamTable.get(port));
    tcpStreamTable.set(port, p);
  };
  beforeAll(() => {
    override(443, tlsRecords);
    override(53, lengthPrefixed('test-dns'));
  });
  afterAll(() => {
    for (const [port, p] of saved) {
      if (p === undefined) tcpStreamTable.delete(port);
      else tcpStreamTable.set(port, p);
    }
  });

  const CAPTURES = path.join(__dirname, '../fixtures/captures');
  const cases: [string, (msgs: typeof sink) => void][] = [
    [
      'tls-clienthello-split-mtu300__suricata-verify__dump_mtu300.pcap',
      (msgs) => {
        // The ClientHello spans several 300-byte-MTU segments and arrives whole, once.
        const hello = msgs.filter((m) => m.bytes.startsWith('16') && m.bytes.slice(10, 12) === '01');
        expect(hello.length).toBe(1);
        expect((hello[0] as (typeof msgs)[number]).source).toBe('Reassembled TCP');
        const len = parseInt((hello[0] as (typeof msgs)[number]).bytes.slice(6, 10), 16);
        expect((hello[0] as (typeof msgs)[number]).bytes.length / 2).toBe(5 + len);
      },
    ],
    ['dns-tcp__tcpdump__dns_tcp.pcap', (msgs) => expect(msgs.length).toBeGreaterThan(0)],
    ['dns-tcp-edns-keepalive__zeek__dns-edns-tcp-keepalive.pcap', (msgs) => expect(msgs.length).toBeGreaterThan(0)],
  ];
  for (const [name, check] of cases) {
    it(name, () => {
      sink = [];
      const index = new CaptureIndex(openCapture(path.join(CAPTURES, name)));
      index.runToEnd();
      const indexed = sink;
      check(indexed);
      // Every message reached the protocol whole: its length prefix says so.
      const access = new PacketAccess(index);
      sink = [];
      const segments: number[] = [];
      for (let i = 0; i < index.store.count; i++) {
        const d = access.dissect(i, MODE_SUMMARY);
        if ((((index.store.analysis[i] as number) & RS_MASK) >> RS_SHIFT) === RS_SEGMENT) {
          segments.push(i + 1);
          expect(d.info.endsWith(' [TCP segment of a reassembled PDU]')).toBe(true);
        }
      }
      expect(sink).toEqual(indexed);
      if (name.startsWith('tls-')) expect(segments.length).toBeGreaterThan(0);
    });
  }
});
