/**
 * Property tests: random and mutated transport payloads never make the TCP/UDP/ICMP/ICMPv6 decoders throw,
 * in every mode, and the decoders never look outside [off, end): changing the bytes around that window must
 * not change anything they produce.
 */
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../../main/engine/dissect/protocols/tcp';
import '../../main/engine/dissect/protocols/udp';
import '../../main/engine/dissect/protocols/icmp';
import '../../main/engine/dissect/protocols/icmpv6';
import { Dissection, MODE_INDEX, MODE_SUMMARY, MODE_TREE, NET_IPV4, NET_IPV6 } from '../../main/engine/dissect/dissection';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { ipProtoTable } from '../../main/engine/dissect/tables';
import { FlowStub, locateL4, readCapture } from './helpers/l4-pcap-lite';

const PROTOS = [1, 6, 17, 58, 136];
const MODES = [MODE_INDEX, MODE_SUMMARY, MODE_TREE];

function flatten(nodes: TreeNode[] | null, out: string[] = []): string[] {
  for (const n of nodes ?? []) {
    out.push(`${n.field.name}@${n.start}+${n.length}:${n.label}`);
    flatten(n.children, out);
  }
  return out;
}

/** Everything a decoder produces, as a comparable string. */
function outcome(d: Dissection): string {
  return JSON.stringify([
    d.protocol, d.sport, d.dport, d.tcpFlags, d.tcpSeq, d.tcpAck, d.tcpWin, d.tcpPayloadLen, d.icmpType, d.icmpCode,
    d.icmpId, d.flags, d.payloadOff, d.payloadEnd, d.tcpWsOption, d.info, d.problems, flatten(d.tree),
  ]);
}

function decode(buf: Uint8Array, off: number, end: number, proto: number, mode: number, v6: boolean): Dissection {
  const d = new Dissection();
  d.reset(buf, mode);
  d.frame.len = buf.length;
  d.frame.caplen = buf.length;
  d.hooks = new FlowStub();
  d.netType = v6 ? NET_IPV6 : NET_IPV4;
  d.netSrc.set([10, 0, 0, 1]);
  d.netDst.set([10, 0, 0, 2]);
  d.ipProto = proto;
  ipProtoTable.get(proto)!(d, off, end);
  return d;
}

describe('transport decoders on hostile bytes', () => {
  it('random payloads: no throw, no reads outside [off, end), nesting restored', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 120 }),
        fc.constantFrom(...PROTOS),
        fc.constantFrom(...MODES),
        fc.boolean(),
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        (payload, proto, mode, v6, around) => {
          // Same payload framed by two different surroundings (before off and after end).
          const a = new Uint8Array(payload.length + 48);
          const b = new Uint8Array(payload.length + 48).fill(0xff);
          a.set(around, 0);
          a.set(around, payload.length + 24);
          a.set(payload, 24);
          b.set(payload, 24);
          const da = decode(a, 24, 24 + payload.length, proto, mode, v6);
          const db = decode(b, 24, 24 + payload.length, proto, mode, v6);
          expect(da.inner).toBe(0);
          // The IPv4 TTL lookup reads the enclosing header on purpose; fuzzed bytes never contain one
          // matching netSrc/netDst in both surroundings, so outcomes must agree.
          expect(outcome(da)).toBe(outcome(db));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('structured headers with random fields: TCP data offsets, option lists, UDP lengths', () => {
    const tcpHeader = fc
      .record({
        hl: fc.integer({ min: 0, max: 15 }),
        flags: fc.integer({ min: 0, max: 0xfff }),
        opts: fc.array(
          fc.oneof(
            fc.constant([1]),
            fc.constant([0]),
            fc.tuple(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 12 })).map(([k, l]) => [k, l, 0, 0, 0, 0, 0, 0, 0, 0].slice(0, Math.max(2, l))),
            fc.uint8Array({ maxLength: 6 }).map((u) => Array.from(u)),
          ),
          { maxLength: 8 },
        ),
        tail: fc.uint8Array({ maxLength: 16 }),
      })
      .map(({ hl, flags, opts, tail }) => {
        const o = opts.flat();
        const h = new Uint8Array(20 + o.length + tail.length);
        h[12] = (hl << 4) | (flags >> 8);
        h[13] = flags & 0xff;
        h.set(o, 20);
        h.set(tail, 20 + o.length);
        return h;
      });
    fc.assert(
      fc.property(tcpHeader, fc.constantFrom(...MODES), fc.integer({ min: 0, max: 80 }), (seg, mode, cut) => {
        const end = Math.min(seg.length, cut);
        const d = decode(seg, 0, end, 6, mode, false);
        expect(d.payloadEnd).toBeLessThanOrEqual(end < 20 ? d.payloadEnd : end);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 40 }), fc.constantFrom(...MODES), (len, body, mode) => {
        const u = new Uint8Array(8 + body.length);
        u[4] = len >> 8;
        u[5] = len & 0xff;
        u.set(body, 8);
        const d = decode(u, 0, u.length, 17, mode, false);
        expect(d.payloadEnd).toBeLessThanOrEqual(u.length);
        expect(d.payloadOff).toBeLessThanOrEqual(d.payloadEnd);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated and truncated fixture segments never throw', () => {
    const dir = join(__dirname, '..', 'fixtures', 'captures');
    const samples: { bytes: Uint8Array; proto: number; v6: boolean }[] = [];
    for (const f of readdirSync(dir)) {
      if (!/^(tcp|icmp|icmpv6|dns|http|link|vlan|ipv6)-/.test(f)) continue;
      for (const pkt of readCapture(join(dir, f)).slice(0, 40)) {
        const loc = locateL4(pkt);
        if (loc && !loc.fragment && PROTOS.includes(loc.proto)) {
          samples.push({ bytes: pkt.data.slice(loc.off, loc.end), proto: loc.proto, v6: loc.netType === 6 });
        }
      }
    }
    expect(samples.length).toBeGreaterThan(100);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: samples.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        fc.constantFrom(...MODES),
        (i, edits, cut, mode) => {
          const s = samples[i]!;
          const bytes = s.bytes.slice();
          for (const [pos, v] of edits) if (bytes.length) bytes[pos % bytes.length] = v;
          const end = bytes.length ? cut % (bytes.length + 1) : 0;
          const d = decode(bytes, 0, end, s.proto, mode, s.v6);
          expect(d.inner).toBe(0);
        },
      ),
      { numRuns: 4000 },
    );
  });
});
