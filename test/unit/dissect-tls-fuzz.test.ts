/**
 * fast-check: mutated and truncated ClientHellos, records and decrypted QUIC Initial payloads never make
 * the decoders throw, in every mode, with and without engine state. (Mutated encrypted Initials are in
 * dissect-quic.test.ts; they mostly stop at the AEAD check, so the plaintext paths are driven here.)
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Dissection, MODE_INDEX, MODE_SUMMARY, MODE_TREE, NET_IPV4 } from '../../main/engine/dissect/dissection';
import { decodeRecord, tlsMessageLength } from '../../main/engine/dissect/protocols/tls';
import { walkHandshakes } from '../../main/engine/dissect/protocols/tls-handshake';
import { parseFrames } from '../../main/engine/dissect/protocols/quic-frames';
import { dissectCertificate } from '../../main/engine/dissect/protocols/x509';
import { clientHello, decodeFile, record } from './dissect-tls-helpers';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { join } from 'node:path';

const modes = fc.constantFrom(MODE_INDEX, MODE_SUMMARY, MODE_TREE);
const mutations = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 });

function prepare(d: Dissection, b: Uint8Array, mode: number, stateful: boolean): void {
  d.reset(b, mode);
  d.appState = stateful ? new Map() : null;
  d.netType = NET_IPV4;
  d.ipProto = 6;
  d.sport = 443;
  d.dport = 50001;
}

function mutate(src: Uint8Array, muts: [number, number][], cut: number): Uint8Array {
  const b = src.slice(0, Math.max(0, src.length - (cut % (src.length + 1))));
  for (const [at, v] of muts) if (b.length > 0) b[at % b.length] = v;
  return b;
}

describe('TLS never throws', () => {
  const hello = clientHello('fuzz.example');
  const base = Uint8Array.from([...record(22, hello, 0x0301), ...record(20, [1]), ...record(23, [1, 2, 3]), ...record(21, [1, 0])]);

  it('on mutated records (walked as the stream layer would)', () => {
    const d = new Dissection();
    fc.assert(
      fc.property(mutations, fc.nat(), modes, fc.boolean(), (muts, cut, mode, stateful) => {
        const b = mutate(base, muts, cut % 4 === 0 ? cut : 0);
        prepare(d, b, mode, stateful);
        let off = 0;
        while (off < b.length) {
          const n = tlsMessageLength(b, off, b.length);
          if (n <= 0) break;
          // The stream layer never hands over a record past the data; a cut one is decoded as far as it goes.
          decodeRecord(d, off, Math.min(b.length, off + n));
          off += n;
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('on mutated handshake messages, TCP and QUIC flavour', () => {
    const d = new Dissection();
    fc.assert(
      fc.property(mutations, fc.nat(), modes, fc.constantFrom('t' as const, 'q' as const), (muts, cut, mode, transport) => {
        const b = mutate(hello, muts, cut % 3 === 0 ? cut : 0);
        prepare(d, b, mode, false);
        walkHandshakes(d, 0, b.length, { transport, names: [], negotiated: 0, client: null });
      }),
      { numRuns: 1500 },
    );
  });

  it('on arbitrary bytes as records and as QUIC frames', () => {
    const d = new Dissection();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), modes, (b, mode) => {
        prepare(d, b, mode, true);
        if (b.length >= 5) decodeRecord(d, 0, b.length);
        parseFrames(d, 0, b.length, [], []);
      }),
      { numRuns: 1500 },
    );
  });

  it('on mutated X.509 certificates', () => {
    let cert: Uint8Array | null = null;
    const find = (ns: readonly TreeNode[] | null): void => {
      for (const n of ns ?? []) {
        if (cert === null && n.field.name === 'tls.handshake.certificate') cert = n.value as Uint8Array;
        find(n.children);
      }
    };
    for (const g of decodeFile(join(__dirname, '..', 'fixtures', 'captures', 'tls12-handshake-sni__zeek__tls12-decryption.pcap'))) find(g.tree);
    if (cert === null) throw new Error('no certificate in the fixture');
    const src: Uint8Array = cert;
    const d = new Dissection();
    fc.assert(
      fc.property(mutations, fc.nat(), (muts, cut) => {
        const b = mutate(src, muts, cut % 2 === 0 ? cut : 0);
        prepare(d, b, MODE_TREE, false);
        dissectCertificate(d, 0, b.length);
      }),
      { numRuns: 1000 },
    );
  });
});
