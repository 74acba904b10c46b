/**
 * JA3 / JA3S TLS fingerprints (Salesforce, BSD-3): the decimal values of a hello joined as
 * "SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats" (JA3S: "SSLVersion,Cipher,
 * Extensions"), each list joined with '-', GREASE values (RFC 8701) dropped, then MD5 of that string.
 * The same strings as Wireshark's tls.handshake.ja3_full / ja3s_full, so tshark's hashes are the oracle.
 */
import { createHash } from 'node:crypto';
import type { HelloFacts } from './tls-extensions';
import { isGrease } from './tls-names';

function list(values: readonly number[]): string {
  let s = '';
  for (const v of values) {
    if (isGrease(v)) continue;
    s += s === '' ? String(v) : `-${v}`;
  }
  return s;
}

export function ja3Full(h: HelloFacts): string {
  return `${h.legacyVersion},${list(h.ciphers)},${list(h.extensions)},${list(h.groups)},${list(h.pointFormats)}`;
}

export function ja3sFull(h: HelloFacts): string {
  return `${h.legacyVersion},${h.ciphers.length > 0 ? (h.ciphers[0] as number) : ''},${list(h.extensions)}`;
}

export function md5Hex(s: string): string {
  return createHash('md5').update(s, 'latin1').digest('hex');
}
