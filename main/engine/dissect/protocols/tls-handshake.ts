/**
 * TLS handshake messages (RFC 8446 §4, RFC 5246 §7.4): several may share a record, one may span records.
 * ClientHello and ServerHello are read in full (they carry the fingerprints: JA3, JA3S, JA4), Certificate
 * for TLS ≤ 1.2 is handed to the X.509 reader, everything else is named only. Shared by TLS over TCP and
 * by QUIC's CRYPTO frames (RFC 9001 §4), which carry the same messages without the record layer.
 */
import { fields } from '../fields';
import type { Dissection } from '../dissection';
import { emptyFacts, parseExtensions, type HelloFacts } from './tls-extensions';
import { CIPHER_SUITES, HANDSHAKE_TYPES, hex4, nameOf, versionName } from './tls-names';
import { ja3Full, ja3sFull, md5Hex } from './ja3';
import { ja4, type Ja4Transport } from './ja4';
import { dissectCertificate } from './x509';

const fTls = fields.register('tls', 'protocol', 'Transport Layer Security');
const fHandshake = fields.register('tls.handshake', 'none', 'Handshake Protocol');
const fType = fields.register('tls.handshake.type', 'uint', 'Handshake Type');
const fLength = fields.register('tls.handshake.length', 'uint', 'Length');
const fVersion = fields.register('tls.handshake.version', 'uint', 'Version', 'hex');
const fRandom = fields.register('tls.handshake.random', 'bytes', 'Random');
const fSessionIdLen = fields.register('tls.handshake.session_id_length', 'uint', 'Session ID Length');
const fSessionId = fields.register('tls.handshake.session_id', 'bytes', 'Session ID');
const fCipherLen = fields.register('tls.handshake.cipher_suites_length', 'uint', 'Cipher Suites Length');
const fCipher = fields.register('tls.handshake.ciphersuite', 'uint', 'Cipher Suite', 'hex');
const fCompLen = fields.register('tls.handshake.comp_methods_length', 'uint', 'Compression Methods Length');
const fComp = fields.register('tls.handshake.comp_method', 'uint', 'Compression Method');
const fExtLen = fields.register('tls.handshake.extensions_length', 'uint', 'Extensions Length');
const fJa3Full = fields.register('tls.handshake.ja3_full', 'string', 'JA3 Fullstring');
const fJa3 = fields.register('tls.handshake.ja3', 'string', 'JA3');
const fJa3sFull = fields.register('tls.handshake.ja3s_full', 'string', 'JA3S Fullstring');
const fJa3s = fields.register('tls.handshake.ja3s', 'string', 'JA3S');
const fJa4 = fields.register('tls.handshake.ja4', 'string', 'JA4');
const fCertsLen = fields.register('tls.handshake.certificates_length', 'uint', 'Certificates Length');
const fCertLen = fields.register('tls.handshake.certificate_length', 'uint', 'Certificate Length');
const fCert = fields.register('tls.handshake.certificate', 'bytes', 'Certificate');
const fFragment = fields.register('tls.handshake.fragment', 'bytes', 'Handshake message fragment');
const fEncrypted = fields.register('tls.handshake.encrypted', 'bytes', 'Encrypted Handshake Message');

/** SHA-256("HelloRetryRequest"): a ServerHello with this random is a HelloRetryRequest (RFC 8446 §4.1.3). */
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

/** Types a real handshake message may have when it does not fit its record (it continues in the next). */
const SPANNING = new Set([1, 2, 4, 8, 11, 12, 13, 16, 22, 25]);

export interface HandshakeContext {
  readonly transport: Ja4Transport;
  /** Info column parts, one per message ("Client Hello"). */
  readonly names: string[];
  /** Set from a ServerHello: the negotiated version (supported_versions, else the legacy version); 0 none. */
  negotiated: number;
  /** Set by a ClientHello: what was read (tests and QUIC use it). */
  client: HelloFacts | null;
}

/**
 * Walks the messages in [off, end) of `d.buf`. Returns where an incomplete message starts (end when the
 * data ended on a message boundary), or -1 when the bytes are not plaintext handshake messages.
 */
export function walkHandshakes(d: Dissection, off: number, end: number, ctx: HandshakeContext): number {
  const buf = d.buf;
  let p = off;
  while (p < end) {
    if (end - p < 4) return p;
    const type = buf[p];
    const len = (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
    const known = HANDSHAKE_TYPES[type] !== undefined;
    if (!known) {
      // Only the first message of a record can be an encrypted Finished (Wireshark's rule); later garbage is left alone.
      if (p === off) encrypted(d, off, end, ctx);
      return p === off ? -1 : end;
    }
    if (p + 4 + len > end) {
      if (p === off && (!SPANNING.has(type) || len > 0x20000)) {
        encrypted(d, off, end, ctx);
        return -1;
      }
      return p;
    }
    message(d, type, p, p + 4 + len, ctx);
    p += 4 + len;
  }
  return end;
}

/** Tree node for the start of a message that continues in a later record (no state to join them). */
export function fragmentNode(d: Dissection, off: number, end: number): void {
  if (d.wants(fTls)) d.add(fFragment, off, end - off, d.buf.subarray(off, end), `Handshake message fragment (${end - off} bytes)`);
}

function encrypted(d: Dissection, off: number, end: number, ctx: HandshakeContext): void {
  ctx.names.push('Encrypted Handshake Message');
  if (d.wants(fTls)) d.add(fEncrypted, off, end - off, d.buf.subarray(off, end), 'Handshake Protocol: Encrypted Handshake Message');
}

function message(d: Dissection, type: number, off: number, end: number, ctx: HandshakeContext): void {
  const buf = d.buf;
  let name = HANDSHAKE_TYPES[type] as string;
  if (type === 2 && end - off >= 38 && hexRange(buf, off + 6, off + 38) === HRR_RANDOM) name = 'Hello Retry Request';
  ctx.names.push(name);
  const tree = d.wants(fTls);
  if (tree) {
    d.open(fHandshake, off, end - off, `Handshake Protocol: ${name}`);
    d.add(fType, off, 1, type, `Handshake Type: ${name} (${type})`);
    d.add(fLength, off + 1, 3, end - off - 4);
  }
  const body = off + 4;
  if (type === 1) clientHello(d, body, end, ctx);
  else if (type === 2) serverHello(d, body, end, ctx);
  else if (type === 11) certificates(d, body, end);
  if (tree) d.close();
}

function hexRange(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += buf[i].toString(16).padStart(2, '0');
  return s;
}

/** version(2) random(32) session_id<0..32>: shared by both hellos. Returns the offset after it, or -1. */
function helloStart(d: Dissection, off: number, end: number, h: HelloFacts): number {
  const buf = d.buf;
  if (end - off < 35) return -1;
  h.legacyVersion = (buf[off] << 8) | buf[off + 1];
  const sidLen = buf[off + 34];
  if (off + 35 + sidLen > end) return -1;
  if (d.wants(fTls)) {
    d.add(fVersion, off, 2, h.legacyVersion, `Version: ${versionName(h.legacyVersion)} (0x${hex4(h.legacyVersion)})`);
    d.add(fRandom, off + 2, 32, buf.subarray(off + 2, off + 34));
    d.add(fSessionIdLen, off + 34, 1, sidLen);
    if (sidLen > 0) d.add(fSessionId, off + 35, sidLen, buf.subarray(off + 35, off + 35 + sidLen));
  }
  return off + 35 + sidLen;
}

function clientHello(d: Dissection, off: number, end: number, ctx: HandshakeContext): void {
  const buf = d.buf;
  const tree = d.wants(fTls);
  const h = emptyFacts(true);
  let p = helloStart(d, off, end, h);
  if (p < 0 || p + 2 > end) return;
  const csLen = (buf[p] << 8) | buf[p + 1];
  if (p + 2 + csLen > end) return;
  if (tree) d.add(fCipherLen, p, 2, csLen);
  for (let q = p + 2; q + 2 <= p + 2 + csLen; q += 2) {
    const c = (buf[q] << 8) | buf[q + 1];
    h.ciphers.push(c);
    if (tree) d.add(fCipher, q, 2, c, `Cipher Suite: ${nameOf(CIPHER_SUITES, c)} (0x${hex4(c)})`);
  }
  p += 2 + csLen;
  if (p + 1 > end) return;
  const compLen = buf[p];
  if (p + 1 + compLen > end) return;
  if (tree) {
    d.add(fCompLen, p, 1, compLen);
    for (let i = 0; i < compLen; i++) d.add(fComp, p + 1 + i, 1, buf[p + 1 + i], `Compression Method: ${buf[p + 1 + i] === 0 ? 'null' : 'Unknown'} (${buf[p + 1 + i]})`);
  }
  p += 1 + compLen;
  if (p + 2 <= end) {
    const extLen = (buf[p] << 8) | buf[p + 1];
    if (tree) d.add(fExtLen, p, 2, extLen);
    parseExtensions(d, p + 2, Math.min(end, p + 2 + extLen), h);
  }
  ctx.client = h;
  if (tree) {
    const full = ja3Full(h);
    d.add(fJa3Full, 0, 0, full, `[JA3 Fullstring: ${full}]`);
    d.add(fJa3, 0, 0, md5Hex(full), `[JA3: ${md5Hex(full)}]`);
    const j4 = ja4(h, ctx.transport);
    d.add(fJa4, 0, 0, j4, `[JA4: ${j4}]`);
  }
}

function serverHello(d: Dissection, off: number, end: number, ctx: HandshakeContext): void {
  const buf = d.buf;
  const tree = d.wants(fTls);
  const h = emptyFacts(false);
  let p = helloStart(d, off, end, h);
  if (p < 0 || p + 3 > end) return;
  const c = (buf[p] << 8) | buf[p + 1];
  h.ciphers.push(c);
  if (tree) {
    d.add(fCipher, p, 2, c, `Cipher Suite: ${nameOf(CIPHER_SUITES, c)} (0x${hex4(c)})`);
    d.add(fComp, p + 2, 1, buf[p + 2], `Compression Method: ${buf[p + 2] === 0 ? 'null' : 'Unknown'} (${buf[p + 2]})`);
  }
  p += 3;
  if (p + 2 <= end) {
    const extLen = (buf[p] << 8) | buf[p + 1];
    if (tree) d.add(fExtLen, p, 2, extLen);
    parseExtensions(d, p + 2, Math.min(end, p + 2 + extLen), h);
  }
  ctx.negotiated = h.versions.length > 0 ? (h.versions[0] as number) : h.legacyVersion;
  if (tree) {
    const full = ja3sFull(h);
    d.add(fJa3sFull, 0, 0, full, `[JA3S Fullstring: ${full}]`);
    d.add(fJa3s, 0, 0, md5Hex(full), `[JA3S: ${md5Hex(full)}]`);
  }
}

/** TLS ≤ 1.2 Certificate: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
function certificates(d: Dissection, off: number, end: number): void {
  const buf = d.buf;
  if (end - off < 3) return;
  const total = (buf[off] << 16) | (buf[off + 1] << 8) | buf[off + 2];
  // A TLS 1.3 Certificate starts with a request-context length byte, so its first 3 bytes do not add up.
  if (off + 3 + total !== end) return;
  if (d.wants(fTls)) d.add(fCertsLen, off, 3, total);
  let p = off + 3;
  while (p + 3 <= end) {
    const len = (buf[p] << 16) | (buf[p + 1] << 8) | buf[p + 2];
    if (p + 3 + len > end) return;
    if (d.wants(fTls)) {
      d.add(fCertLen, p, 3, len);
      d.open(fCert, p + 3, len, `Certificate (${len} bytes)`, buf.subarray(p + 3, p + 3 + len));
      dissectCertificate(d, p + 3, p + 3 + len);
      d.close();
    }
    p += 3 + len;
  }
}
