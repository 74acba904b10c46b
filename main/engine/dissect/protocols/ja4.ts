/**
 * JA4 TLS client fingerprint (FoxIO, BSD-3-Clause; https://github.com/FoxIO-LLC/ja4, technical details):
 *
 *   ja4_a = transport (t TCP, q QUIC, d DTLS) + version + SNI (d domain / i no SNI) + cipher count (2 digits)
 *           + extension count (2 digits) + first and last character of the first ALPN value ("00" none)
 *   ja4_b = first 12 hex digits of SHA-256 of the sorted cipher suites (4-digit hex, comma-joined)
 *   ja4_c = first 12 hex digits of SHA-256 of the sorted extensions without SNI (0) and ALPN (16),
 *           then "_" and the signature algorithms in their original order
 *
 * GREASE values are ignored everywhere. An empty list hashes to "000000000000". Only the client
 * fingerprint is here: JA4S, JA4H, JA4X and the rest of the suite are under FoxIO's non-commercial licence.
 */
import { createHash } from 'node:crypto';
import type { HelloFacts } from './tls-extensions';
import { isGrease } from './tls-names';

export type Ja4Transport = 't' | 'q' | 'd';

function versionCode(v: number): string {
  switch (v) {
    case 0x0304:
      return '13';
    case 0x0303:
      return '12';
    case 0x0302:
      return '11';
    case 0x0301:
      return '10';
    case 0x0300:
      return 's3';
    case 0x0002:
      return 's2';
    case 0xfeff:
      return 'd1';
    case 0xfefd:
      return 'd2';
    case 0xfefc:
      return 'd3';
    default:
      return '00';
  }
}

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/** First and last character of the first ALPN value; hex digits of the outer bytes when either is not alphanumeric. */
function alpnCode(alpn: readonly Uint8Array[]): string {
  const first = alpn[0];
  if (first === undefined || first.length === 0) return '00';
  const a = first[0] as number;
  const z = first[first.length - 1] as number;
  if (isAlnum(a) && isAlnum(z)) return String.fromCharCode(a, z);
  return a.toString(16).padStart(2, '0')[0] + z.toString(16).padStart(2, '0')[1];
}

function two(n: number): string {
  return String(n > 99 ? 99 : n).padStart(2, '0');
}

function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}

function sha12(s: string): string {
  if (s === '') return '000000000000';
  return createHash('sha256').update(s, 'latin1').digest('hex').slice(0, 12);
}

export function ja4(h: HelloFacts, transport: Ja4Transport): string {
  const ciphers = h.ciphers.filter((v) => !isGrease(v));
  const exts = h.extensions.filter((v) => !isGrease(v));
  const versions = h.versions.filter((v) => !isGrease(v));
  const version = versions.length > 0 ? Math.max(...versions) : h.legacyVersion;
  const sni = exts.includes(0) ? 'd' : 'i';
  const a = `${transport}${versionCode(version)}${sni}${two(ciphers.length)}${two(exts.length)}${alpnCode(h.alpn)}`;
  const b = sha12(ciphers.map(hex4).sort().join(','));
  const extList = exts.filter((v) => v !== 0 && v !== 16).map(hex4).sort().join(',');
  const sigs = h.sigAlgs.filter((v) => !isGrease(v)).map(hex4).join(',');
  const c = sha12(sigs === '' ? extList : `${extList}_${sigs}`);
  return `${a}_${b}_${c}`;
}
