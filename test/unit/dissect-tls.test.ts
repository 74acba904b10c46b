/**
 * TLS record and handshake decoding on crafted records (several records per segment, several messages per
 * record, a message spanning records), and the X.509 reader against node:crypto's X509Certificate on every
 * certificate the fixture captures carry.
 */
import { X509Certificate } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dissection, MODE_INDEX, MODE_SUMMARY, MODE_TREE, NET_IPV4 } from '../../main/engine/dissect/dissection';
import { decodeRecord, tlsMessageLength } from '../../main/engine/dissect/protocols/tls';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { clientHello, collect, decodeFile, record } from './dissect-tls-helpers';
import { hex } from './helpers/pcap-lite';

function run(d: Dissection, data: Uint8Array, mode: number): void {
  d.reset(data, mode);
  d.netType = NET_IPV4;
  d.netSrc.set([10, 0, 0, 1]);
  d.netDst.set([10, 0, 0, 2]);
  d.ipProto = 6;
  d.sport = 50000;
  d.dport = 443;
  let off = 0;
  while (off < data.length) {
    const n = tlsMessageLength(data, off, data.length);
    if (n <= 0 || off + n > data.length) break;
    decodeRecord(d, off, off + n);
    off += n;
  }
}

function names(nodes: readonly TreeNode[] | null, name: string): string[] {
  return collect(nodes, name);
}

describe('TLS records', () => {
  it('reads several records per segment and several messages per record into one Info line', () => {
    const hello = clientHello();
    const seg = Uint8Array.from([...record(22, hello, 0x0301), ...record(20, [1]), ...record(23, new Array(40).fill(9)), ...record(21, [2, 40])]);
    const d = new Dissection();
    run(d, seg, MODE_TREE);
    expect(d.info).toBe('Client Hello, Change Cipher Spec, Application Data, Alert (Level: Fatal, Description: Handshake Failure)');
    expect(names(d.tree, 'tls.record.content_type')).toEqual(['22', '20', '23', '21']);
    expect(names(d.tree, 'tls.handshake.extensions_server_name')).toEqual(['a.example']);
    expect(names(d.tree, 'tls.handshake.extensions_alpn_str')).toEqual(['h2']);
    // JA3 drops the GREASE cipher and group: 771,4865-49199,0-16-10,29,
    expect(names(d.tree, 'tls.handshake.ja3_full')).toEqual(['771,4865-49199,0-16-10,29,']);
    expect(names(d.tree, 'tls.handshake.ja4')[0]).toMatch(/^t12d0203h2_/);
    const two = Uint8Array.from([...record(22, [...hello, ...hello])]);
    run(d, two, MODE_SUMMARY);
    expect(d.info).toBe('Client Hello, Client Hello');
  });

  it('joins a handshake message that spans two records when the engine keeps state', () => {
    const hello = clientHello('split.example');
    const cut = 40;
    const d = new Dissection();
    d.appState = new Map();
    run(d, record(22, hello.subarray(0, cut)), MODE_TREE);
    expect(names(d.tree, 'tls.handshake.extensions_server_name')).toEqual([]);
    run(d, record(22, hello.subarray(cut)), MODE_TREE);
    expect(names(d.tree, 'tls.handshake.extensions_server_name')).toEqual(['split.example']);
    expect(d.info).toBe('Client Hello');
  });

  it('calls handshake records after ChangeCipherSpec encrypted, and unknown types too', () => {
    const d = new Dissection();
    d.appState = new Map();
    run(d, Uint8Array.from([...record(20, [1]), ...record(22, new Array(40).fill(0xee))]), MODE_SUMMARY);
    expect(d.info).toBe('Change Cipher Spec, Encrypted Handshake Message');
    run(d, record(21, new Array(26).fill(3)), MODE_SUMMARY);
    expect(d.info).toBe('Encrypted Alert');
  });

  it('rejects what is not a record header', () => {
    expect(tlsMessageLength(hex('1603010005'), 0, 5)).toBe(10);
    expect(tlsMessageLength(hex('47455420'), 0, 4)).toBe(-1);
    expect(tlsMessageLength(hex('1605'), 0, 2)).toBe(-1);
    expect(tlsMessageLength(hex('16'), 0, 1)).toBe(0);
    expect(tlsMessageLength(hex('17030350ff'), 0, 5)).toBe(-1);
  });

  it('decodes the same in INDEX mode without text', () => {
    const d = new Dissection();
    run(d, record(22, clientHello(), 0x0301), MODE_INDEX);
    expect(d.info).toBe('');
    expect(d.protocolName()).toBe('TLSv1');
  });
});

describe('X.509 reader', () => {
  it('agrees with node:crypto on every certificate in the fixtures', () => {
    const dir = join(__dirname, '..', 'fixtures', 'captures');
    let checked = 0;
    for (const f of readdirSync(dir).filter((x) => /^(tls|mixed)/.test(x))) {
      for (const g of decodeFile(join(dir, f))) {
        const certs: TreeNode[] = [];
        const walk = (ns: readonly TreeNode[] | null): void => {
          for (const n of ns ?? []) {
            if (n.field.name === 'tls.handshake.certificate') certs.push(n);
            walk(n.children);
          }
        };
        walk(g.tree);
        for (const c of certs) {
          const x = new X509Certificate(Buffer.from(c.value as Uint8Array));
          const cn = /^CN=(.*)$/m.exec(x.subject)?.[1];
          const subject = collect(c.children, 'x509af.subject')[0] ?? '';
          if (cn !== undefined) expect(subject).toContain(`CN=${cn}`);
          const sans = (x.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
          expect(collect(c.children, 'x509ce.dNSName')).toEqual(sans);
          const nb = collect(c.children, 'x509af.notBefore')[0] ?? '';
          expect(new Date(nb.replace(' (UTC)', 'Z').replace(' ', 'T')).getTime()).toBe(new Date(x.validFrom).getTime());
          checked++;
        }
      }
    }
    console.log(`X.509: ${checked} certificates checked against node:crypto`);
    expect(checked).toBeGreaterThan(0);
  });
});
