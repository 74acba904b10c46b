/** Zeek's ssl.log spellings of protocol versions ("TLSv12") and cipher suites (IANA names). */
import { CIPHER_SUITES } from '../dissect/protocols/tls-names';

const VERSIONS: Record<number, string> = {
  0x0002: 'SSLv2',
  0x0300: 'SSLv3',
  0x0301: 'TLSv10',
  0x0302: 'TLSv11',
  0x0303: 'TLSv12',
  0x0304: 'TLSv13',
  0xfeff: 'DTLSv10',
  0xfefd: 'DTLSv12',
  0xfefc: 'DTLSv13',
};

export function zeekVersionName(v: number): string {
  if (VERSIONS[v] !== undefined) return VERSIONS[v] as string;
  // TLS 1.3 drafts (0x7fxx) still appear in old captures.
  if (v >> 8 === 0x7f) return `TLSv13-draft${v & 0xff}`;
  return `unknown-${v}`;
}

export function zeekCipherName(c: number): string {
  return CIPHER_SUITES[c] ?? `unknown-${c}`;
}
