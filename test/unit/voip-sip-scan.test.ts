/**
 * The call list's fast path (voip/sip-message-scan.ts: SIP facts read from a UDP datagram's bytes) against the
 * SIP decoder's detail tree (voip/sip-message.ts readSipMessage): every SIP-over-UDP message of every SIP
 * fixture must give the same method, status, reason, Call-ID, CSeq, From/To URIs and tags, User-Agent and
 * "carries SDP"; plus crafted messages for compact forms, folding and missing headers.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { PacketAccess } from '../../main/engine/capture/packet-access';
import { MODE_INDEX, MODE_TREE } from '../../main/engine/dissect/dissection';
import { PROTO_SIP, PROTO_SIP_SDP } from '../../main/engine/dissect/protocols/sip';
import { openCapture } from '../../main/engine/readers/open';
import { emptySipMessage, readSipMessage, sipNodes } from '../../main/engine/voip/sip-message';
import { scanSipMessage } from '../../main/engine/voip/sip-message-scan';

const CAPS = join(__dirname, '..', 'fixtures', 'captures');
const SHARED = join(__dirname, '..', '..', '..', 'shared', 'captures', 'sip');

const files = [
  ...readdirSync(CAPS).filter((f) => f.includes('sip')).map((f) => join(CAPS, f)),
  ...(existsSync(SHARED) ? readdirSync(SHARED).map((f) => join(SHARED, f)) : []),
];

describe('SIP message scan = SIP decoder tree', () => {
  for (const file of files) {
    it(file.split('/').pop() as string, () => {
      const index = new CaptureIndex(openCapture(file));
      index.runToEnd();
      const access = new PacketAccess(index);
      let compared = 0;
      for (let i = 0; i < index.store.count; i++) {
        const p = index.store.proto[i];
        if (p !== PROTO_SIP && p !== PROTO_SIP_SDP) continue;
        const tree = access.dissect(i, MODE_TREE).tree;
        const nodes = sipNodes(tree);
        const d = access.dissect(i, MODE_INDEX);
        if (d.ipProto !== 17) continue;
        expect(nodes).toHaveLength(1);
        const fromTree = emptySipMessage();
        const okTree = readSipMessage(nodes[0]!, fromTree);
        const fromBytes = emptySipMessage();
        const okBytes = scanSipMessage(d.buf, d.payloadOff, d.payloadEnd, fromBytes);
        expect(okBytes, `frame ${i + 1}`).toBe(okTree);
        if (okTree) expect(fromBytes, `frame ${i + 1}`).toEqual(fromTree);
        compared++;
      }
      if (compared === 0) console.log(`${file}: no SIP over UDP to compare`);
    });
  }

  const enc = (s: string): Uint8Array => new TextEncoder().encode(s.replace(/\n/g, '\r\n'));
  const scan = (s: string) => {
    const m = emptySipMessage();
    const ok = scanSipMessage(enc(s), 0, enc(s).length, m);
    return { ok, m };
  };

  it('compact header forms, odd spacing and case', () => {
    const { ok, m } = scan(
      'INVITE sip:b@x SIP/2.0\nv: SIP/2.0/UDP h\nf : "A" <sip:a@x;transport=udp>;tag=11\nT:sip:b@x;tag=22\ni:  abc@x \nCSEQ: 7 INVITE\nc: application/SDP\nl: 4\n\nv=0\n',
    );
    expect(ok).toBe(true);
    expect(m).toMatchObject({ method: 'INVITE', callId: 'abc@x', cseq: 7, cseqMethod: 'INVITE', from: 'sip:a@x;transport=udp', fromTag: '11', to: 'sip:b@x', toTag: '22', sdp: true });
  });

  it('folded headers, first occurrence wins, body beyond Content-Length is not SDP', () => {
    const { m } = scan('SIP/2.0 180 Ringing\nCall-ID: one\n two\nCall-ID: three\nCSeq: 3 INVITE\nContent-Type: application/sdp\nContent-Length: 0\n\nv=0\n');
    expect(m.callId).toBe('one two');
    expect(m.status).toBe(180);
    expect(m.reason).toBe('Ringing');
    expect(m.sdp).toBe(false);
  });

  it('refuses what is not SIP or has no Call-ID', () => {
    expect(scan('GET / HTTP/1.1\nHost: x\n\n').ok).toBe(false);
    expect(scan('OPTIONS sip:x SIP/2.0\nCSeq: 1 OPTIONS\n\n').ok).toBe(false);
  });
});
