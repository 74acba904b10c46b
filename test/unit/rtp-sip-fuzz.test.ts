/**
 * Robustness: mutated SIP (with SDP bodies), RTP, RTCP and RTP event payloads never make the decoders throw,
 * in any mode, including the SDP learning path and the TCP stream framing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../../main/engine/dissect/protocols';
import { Dissection, MODE_INDEX, MODE_SUMMARY, MODE_TREE, NET_IPV4 } from '../../main/engine/dissect/dissection';
import { createAppState } from '../../main/engine/dissect/protocols/dns-transactions';
import { dissectSipMessage } from '../../main/engine/dissect/protocols/sip';
import { sipMessageLength } from '../../main/engine/dissect/protocols/sip-scan';
import { dissectRtp } from '../../main/engine/dissect/protocols/rtp';
import { dissectRtcp } from '../../main/engine/dissect/protocols/rtcp';
import { parseAddress } from '../../main/engine/dissect/protocols/sdp';

const SIP = [
  'INVITE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;rport',
  'From: "Alice" <sip:alice@example.com>;tag=1928301774',
  't: <sip:bob@example.com>;tag=abc',
  'i: a84b4c76e66710@pc33.example.com',
  'CSeq: 314159 INVITE',
  'm: <sip:alice@10.0.0.1:5060>;expires=0, <sip:a2@10.0.0.1>',
  'Expires: 0',
  'c: application/sdp',
  'l: 140',
  '',
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 10.0.0.1',
  's=-',
  'c=IN IP4 10.0.0.1',
  't=0 0',
  'm=audio 49170 RTP/AVP 0 8 101',
  'a=rtpmap:101 telephone-event/8000',
  'a=rtcp:49171',
  'm=image 49172 udptl t38',
  'c=IN IP6 fd00::1',
  '',
].join('\r\n');
const SIP_BYTES = new TextEncoder().encode(SIP);
const RTP = Uint8Array.from([0x90, 0xe5, 0x00, 0x01, 0, 0, 0, 160, 0x12, 0x34, 0x56, 0x78, 0xbe, 0xde, 0, 1, 1, 2, 3, 4, 0x0a, 0x80, 0, 160]);
const RTCP = Uint8Array.from([0x81, 200, 0, 12, 1, 2, 3, 4, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 9, 9, 9, 9, 1, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6,
  0x81, 202, 0, 3, 1, 2, 3, 4, 1, 3, 0x61, 0x62, 0x63, 0, 0, 0, 0x81, 203, 0, 2, 1, 2, 3, 4, 3, 0x62, 0x79, 0x65]);

function mutate(base: Uint8Array) {
  return fc
    .record({
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
      cut: fc.nat(),
      tail: fc.uint8Array({ maxLength: 16 }),
    })
    .map(({ edits, cut, tail }) => {
      const b = base.slice();
      for (const [at, v] of edits) b[at % b.length] = v;
      const n = cut % (b.length + 1);
      const out = new Uint8Array(n + tail.length);
      out.set(b.subarray(0, n));
      out.set(tail, n);
      return out;
    });
}

function run(bytes: Uint8Array, decode: (d: Dissection) => void): void {
  const app = createAppState();
  let frame = 0;
  for (const mode of [MODE_INDEX, MODE_SUMMARY, MODE_TREE]) {
    const d = new Dissection();
    d.appState = app;
    d.reset(bytes, mode);
    d.frame.number = ++frame;
    d.netType = NET_IPV4;
    d.netDst.set([10, 0, 0, 1]);
    d.sport = 40000;
    d.dport = 49170;
    decode(d);
  }
}

describe('SIP/SDP/RTP/RTCP decoders never throw on mutated input', () => {
  it('SIP with SDP (and its TCP framing)', () => {
    fc.assert(
      fc.property(mutate(SIP_BYTES), (b) => {
        expect(() => run(b, (d) => dissectSipMessage(d, 0, b.length))).not.toThrow();
        expect(() => sipMessageLength(b, 0, b.length)).not.toThrow();
      }),
      { numRuns: 400 },
    );
  });
  it('RTP and RTP events', () => {
    fc.assert(fc.property(mutate(RTP), (b) => {
        expect(() => run(b, (d) => dissectRtp(d, 0, b.length, null))).not.toThrow();
      }), { numRuns: 400 });
  });
  it('RTCP compound packets', () => {
    fc.assert(fc.property(mutate(RTCP), (b) => {
        expect(() => run(b, (d) => dissectRtcp(d, 0, b.length, null))).not.toThrow();
      }), { numRuns: 400 });
  });
  it('the unmutated SIP message learns its media and names its fields', () => {
    const app = createAppState();
    const d = new Dissection();
    d.appState = app;
    d.reset(SIP_BYTES, MODE_TREE);
    d.frame.number = 1;
    dissectSipMessage(d, 0, SIP_BYTES.length);
    expect(d.protocolName()).toBe('SIP/SDP');
    expect(d.info).toBe('Request: INVITE sip:bob@example.com, in-dialog | ');
    // The SDP announced 10.0.0.1:49170 (RTP) and :49171 (RTCP): a later packet there is RTP.
    const r = new Dissection();
    r.appState = app;
    r.reset(RTP, MODE_SUMMARY);
    r.frame.number = 2;
    r.netType = NET_IPV4;
    r.netDst.set([10, 0, 0, 1]);
    r.sport = 40000;
    r.dport = 49170;
    const media = app.get('rtp') as { lookup(x: Dissection): { frame: number; kind: number } | null };
    expect(media.lookup(r)?.frame).toBe(1);
    expect(parseAddress('fd00::1')?.[15]).toBe(1);
    expect(parseAddress('10.0.0.1')?.length).toBe(4);
  });
});
