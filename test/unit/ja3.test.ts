/**
 * JA3/JA3S strings (Salesforce spec): decimal values, '-'-joined lists, GREASE dropped everywhere,
 * empty lists left empty; the hash is MD5 of the string. tshark's values are checked in dissect-tls-oracle.
 */
import { describe, expect, it } from 'vitest';
import { ja3Full, ja3sFull, md5Hex } from '../../main/engine/dissect/protocols/ja3';
import { emptyFacts } from '../../main/engine/dissect/protocols/tls-extensions';

describe('JA3', () => {
  it('builds the client string without GREASE', () => {
    const h = { ...emptyFacts(true), legacyVersion: 0x0303, ciphers: [0x1a1a, 0x1301, 0xc02f], extensions: [0x2a2a, 0, 10, 11], groups: [0x3a3a, 29, 23], pointFormats: [0] };
    expect(ja3Full(h)).toBe('771,4865-49199,0-10-11,29-23,0');
    expect(md5Hex(ja3Full(h))).toMatch(/^[0-9a-f]{32}$/);
  });
  it('leaves absent lists empty and builds JA3S', () => {
    expect(ja3Full({ ...emptyFacts(true), legacyVersion: 0x0301, ciphers: [47] })).toBe('769,47,,,');
    expect(ja3sFull({ ...emptyFacts(false), legacyVersion: 0x0303, ciphers: [0x1301], extensions: [43, 51] })).toBe('771,4865,43-51');
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });
});
