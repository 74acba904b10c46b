/**
 * QUIC Initial protection against the RFC test vectors (RFC 9001 Appendix A.1, RFC 9369 Appendix A.1),
 * what a stateless decode can and cannot do, and fast-check: mutated Initials from the fixtures never throw.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dissection, MODE_INDEX, MODE_SUMMARY, MODE_TREE, NET_IPV4 } from '../../main/engine/dissect/dissection';
import { initialKeys, QUIC_V1, QUIC_V2 } from '../../main/engine/dissect/protocols/quic-keys';
import { dissectQuic } from '../../main/engine/dissect/protocols/quic';
import { collect, decodeFile } from './dissect-tls-helpers';
import { hex } from './helpers/pcap-lite';
import { readCapture } from './helpers/l4-pcap-lite';
import { locateL4 } from './helpers/l4-pcap-lite';

const CAPTURES = join(__dirname, '..', 'fixtures', 'captures');
const DCID = hex('8394c8f03e515708');

function keyHex(v: number, server: boolean): string[] {
  const k = initialKeys(v, DCID, server);
  return [k.key.toString('hex'), k.iv.toString('hex'), k.hp.toString('hex')];
}

describe('Initial keys', () => {
  it('match RFC 9001 A.1 (v1)', () => {
    expect(keyHex(QUIC_V1, false)).toEqual(['1f369613dd76d5467730efcbe3b1a22d', 'fa044b2f42a3fd3b46fb255c', '9f50449e04a0e810283a1e9933adedd2']);
    expect(keyHex(QUIC_V1, true)).toEqual(['cf3a5331653c364c88f0f379b6067e37', '0ac1493ca1905853b0bba03e', 'c206b8d9b9f0f37644430b490eeaa314']);
  });
  it('match RFC 9369 A.1 (v2)', () => {
    expect(keyHex(QUIC_V2, false)).toEqual(['8b1a0bc121284290a29e0971b5cd045d', '91f73e2351d8fa91660e909f', '45b95e15235d6f45a6b19cbcb0294ba9']);
    expect(keyHex(QUIC_V2, true)).toEqual(['82db637861d55e1d011f19ea71d5d2a7', 'dd13c276499c0249d3310652', 'edf6d05c83121201b436e16877593c3a']);
  });
});

describe('state', () => {
  const file = join(CAPTURES, 'quic-null-handshake__tcpdump__quic_handshake.pcap');
  it('decrypts client Initials alone; server Initials need the connection state', () => {
    const alone = decodeFile(file, MODE_TREE, false);
    expect(collect(alone[0]?.tree ?? null, 'tls.handshake.extensions_server_name')).toEqual(['localhost']);
    expect(collect(alone[0]?.tree ?? null, 'tls.handshake.ja4')[0]).toMatch(/^q13d/);
    expect(alone[1]?.info).toBe('Initial, SCID=51d1e44dc57a579e');
    const pass = decodeFile(file, MODE_TREE, true);
    expect(pass[1]?.info).toBe('Initial, SCID=51d1e44dc57a579e, PKN: 0, CRYPTO, ACK');
    expect(collect(pass[1]?.tree ?? null, 'tls.handshake.type')).toEqual(['2']);
  });
  it('joins CRYPTO frames over several Initials', () => {
    const got = decodeFile(join(CAPTURES, 'quic-v1-crypto-split-initials__zeek__quic-multiple-initial-fragmented-crypto.pcap'));
    const sni = got.map((g) => collect(g.tree, 'tls.handshake.extensions_server_name').join(','));
    expect(sni.slice(0, 4)).toEqual(['', '', 'googleads.g.doubleclick.net', '']);
  });
});

describe('fuzz', () => {
  const samples: Uint8Array[] = [];
  for (const f of ['quic-null-handshake__tcpdump__quic_handshake.pcap', 'quic-v2-http3__zeek__quicv2-http3-443.pcap', 'quic-v1-chromium-sni__zeek__chromium-115.0.5790.110-api-cirrus-com.pcap']) {
    for (const pkt of readCapture(join(CAPTURES, f)).slice(0, 4)) {
      const loc = locateL4(pkt);
      if (loc && loc.proto === 17) samples.push(pkt.data.slice(loc.off + 8, loc.end));
    }
  }

  it('mutated, truncated and extended Initials never throw in any mode', () => {
    expect(samples.length).toBeGreaterThan(4);
    const d = new Dissection();
    fc.assert(
      fc.property(
        fc.nat(samples.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        fc.constantFrom(MODE_INDEX, MODE_SUMMARY, MODE_TREE),
        fc.boolean(),
        (i, muts, cut, mode, stateful) => {
          const src = samples[i] as Uint8Array;
          const b = src.slice(0, src.length - (cut % 64 === 0 ? cut % src.length : 0));
          for (const [at, v] of muts) if (b.length > 0) b[at % b.length] = v;
          d.reset(b, mode);
          d.appState = stateful ? new Map() : null;
          d.netType = NET_IPV4;
          d.ipProto = 17;
          d.sport = 50000;
          d.dport = 443;
          dissectQuic(d, 0, b.length);
        },
      ),
      { numRuns: 400 },
    );
  });
});
