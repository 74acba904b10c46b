/**
 * Hello extensions (RFC 8446 §4.2 and friends): every extension gets its type and length in the tree, the
 * ones that identify a client or a server (SNI, ALPN, groups, point formats, signature algorithms, versions,
 * key share, PSK, ECH) are read into `HelloFacts` because JA3/JA4 and the Info column need them.
 * Bounds are checked against the extension's own length so a lying inner length cannot read past it.
 */
import { fields } from '../fields';
import { noteSni } from '../../classify/app-names';
import type { Dissection } from '../dissection';
import { EXTENSION_TYPES, GROUPS, SIG_ALGS, hex4, nameOf, versionName } from './tls-names';

export interface HelloFacts {
  client: boolean;
  legacyVersion: number;
  ciphers: number[];
  extensions: number[];
  groups: number[];
  pointFormats: number[];
  sigAlgs: number[];
  /** Client: the supported_versions list; server: the selected version (one entry). */
  versions: number[];
  sni: string | null;
  /** ALPN protocol names as raw bytes (JA4 looks at bytes, not text). */
  alpn: Uint8Array[];
}

export function emptyFacts(client: boolean): HelloFacts {
  return { client, legacyVersion: 0, ciphers: [], extensions: [], groups: [], pointFormats: [], sigAlgs: [], versions: [], sni: null, alpn: [] };
}

const fTls = fields.register('tls', 'protocol', 'Transport Layer Security');
const fExt = fields.register('tls.handshake.extension', 'none', 'Extension');
const fExtType = fields.register('tls.handshake.extension.type', 'uint', 'Type');
const fExtLen = fields.register('tls.handshake.extension.len', 'uint', 'Length');
const fExtData = fields.register('tls.handshake.extension.data', 'bytes', 'Data');
const fSni = fields.register('tls.handshake.extensions_server_name', 'string', 'Server Name');
const fSniType = fields.register('tls.handshake.extensions_server_name_type', 'uint', 'Server Name Type');
const fAlpn = fields.register('tls.handshake.extensions_alpn_str', 'string', 'ALPN Next Protocol');
const fGroup = fields.register('tls.handshake.extensions_supported_group', 'uint', 'Supported Group', 'hex');
const fPointFmt = fields.register('tls.handshake.extensions_ec_point_format', 'uint', 'EC point format');
const fSigAlg = fields.register('tls.handshake.sig_hash_alg', 'uint', 'Signature Algorithm', 'hex');
const fSupVer = fields.register('tls.handshake.extensions.supported_version', 'uint', 'Supported Version', 'hex');
const fKeyShareGroup = fields.register('tls.handshake.extensions_key_share_group', 'uint', 'Group', 'hex');
const fPskIdentity = fields.register('tls.handshake.extensions.psk.identity.identity', 'bytes', 'Identity');
const fEchConfigId = fields.register('tls.ech.config_id', 'uint', 'Config Id');
const fEchEnc = fields.register('tls.ech.enc', 'bytes', 'Enc');
const fEchPayload = fields.register('tls.ech.payload', 'bytes', 'Payload');
const fEchType = fields.register('tls.ech.client_hello_type', 'uint', 'Client Hello type');

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function text(b: Uint8Array): string {
  return utf8.decode(b);
}

/** Reads the extension block [off, end) (after its 2-byte length) into `h`, adding tree nodes when wanted. */
export function parseExtensions(d: Dissection, off: number, end: number, h: HelloFacts): void {
  const buf = d.buf;
  const tree = d.wants(fTls);
  while (off + 4 <= end) {
    const type = (buf[off] << 8) | buf[off + 1];
    const len = (buf[off + 2] << 8) | buf[off + 3];
    const dataOff = off + 4;
    const dataEnd = dataOff + len;
    if (dataEnd > end) {
      if (tree) d.add(fExtType, off, 2, type, `Extension: ${nameOf(EXTENSION_TYPES, type)} (len=${len}) [malformed: runs past the extensions]`);
      h.extensions.push(type);
      return;
    }
    h.extensions.push(type);
    if (tree) {
      d.open(fExt, off, 4 + len, `Extension: ${nameOf(EXTENSION_TYPES, type)} (len=${len})`);
      d.add(fExtType, off, 2, type, `Type: ${nameOf(EXTENSION_TYPES, type)} (${type})`);
      d.add(fExtLen, off + 2, 2, len);
    }
    extension(d, type, dataOff, dataEnd, h);
    if (tree) {
      if (len > 0) d.addHidden(fExtData, buf.subarray(dataOff, dataEnd), dataOff, len);
      d.close();
    }
    off = dataEnd;
  }
}

function extension(d: Dissection, type: number, off: number, end: number, h: HelloFacts): void {
  const buf = d.buf;
  const tree = d.wants(fTls);
  switch (type) {
    case 0: {
      // server_name: a list of (type, name); a server's echo is empty.
      if (end - off < 2) return;
      let p = off + 2;
      const listEnd = Math.min(end, p + ((buf[off] << 8) | buf[off + 1]));
      while (p + 3 <= listEnd) {
        const nt = buf[p];
        const nl = (buf[p + 1] << 8) | buf[p + 2];
        if (p + 3 + nl > listEnd) return;
        const name = text(buf.subarray(p + 3, p + 3 + nl));
        if (nt === 0 && h.sni === null) h.sni = name;
        if (nt === 0 && h.client) noteSni(d, name);
        if (tree) {
          d.add(fSniType, p, 1, nt, `Server Name Type: ${nt === 0 ? 'host_name' : 'Unknown'} (${nt})`);
          d.add(fSni, p + 3, nl, name);
        }
        p += 3 + nl;
      }
      return;
    }
    case 16: {
      if (end - off < 2) return;
      let p = off + 2;
      const listEnd = Math.min(end, p + ((buf[off] << 8) | buf[off + 1]));
      while (p + 1 <= listEnd) {
        const l = buf[p];
        if (p + 1 + l > listEnd) return;
        const raw = buf.subarray(p + 1, p + 1 + l);
        h.alpn.push(raw);
        if (tree) d.add(fAlpn, p + 1, l, text(raw));
        p += 1 + l;
      }
      return;
    }
    case 10:
      u16List(d, off, end, 2, h.groups, fGroup, GROUPS, 'Supported Group');
      return;
    case 13:
      u16List(d, off, end, 2, h.sigAlgs, fSigAlg, SIG_ALGS, 'Signature Algorithm');
      return;
    case 11: {
      if (end - off < 1) return;
      const n = Math.min(buf[off], end - off - 1);
      for (let i = 0; i < n; i++) {
        const v = buf[off + 1 + i];
        h.pointFormats.push(v);
        if (tree) d.add(fPointFmt, off + 1 + i, 1, v, `EC point format: ${v === 0 ? 'uncompressed' : v === 1 ? 'ansiX962_compressed_prime' : v === 2 ? 'ansiX962_compressed_char2' : 'Unknown'} (${v})`);
      }
      return;
    }
    case 43: {
      if (!h.client) {
        // ServerHello / HelloRetryRequest: the selected version alone.
        if (end - off < 2) return;
        const v = (buf[off] << 8) | buf[off + 1];
        h.versions.push(v);
        if (tree) d.add(fSupVer, off, 2, v, `Supported Version: ${versionName(v)} (0x${hex4(v)})`);
        return;
      }
      if (end - off < 1) return;
      const listEnd = Math.min(end, off + 1 + buf[off]);
      for (let p = off + 1; p + 2 <= listEnd; p += 2) {
        const v = (buf[p] << 8) | buf[p + 1];
        h.versions.push(v);
        if (tree) d.add(fSupVer, p, 2, v, `Supported Version: ${versionName(v)} (0x${hex4(v)})`);
      }
      return;
    }
    case 51: {
      if (!tree) return;
      if (!h.client) {
        // ServerHello: one entry; HelloRetryRequest: the group alone.
        if (end - off >= 2) d.add(fKeyShareGroup, off, 2, (buf[off] << 8) | buf[off + 1], `Group: ${nameOf(GROUPS, (buf[off] << 8) | buf[off + 1])} (${(buf[off] << 8) | buf[off + 1]})`);
        return;
      }
      if (end - off < 2) return;
      let p = off + 2;
      const listEnd = Math.min(end, p + ((buf[off] << 8) | buf[off + 1]));
      while (p + 4 <= listEnd) {
        const g = (buf[p] << 8) | buf[p + 1];
        const kl = (buf[p + 2] << 8) | buf[p + 3];
        d.add(fKeyShareGroup, p, 2, g, `Key Share Entry: Group: ${nameOf(GROUPS, g)} (${g}), Key Exchange length: ${kl}`);
        p += 4 + kl;
      }
      return;
    }
    case 41: {
      // pre_shared_key: only the client's identities are interesting (the server sends an index).
      if (!tree || !h.client || end - off < 2) return;
      let p = off + 2;
      const idsEnd = Math.min(end, p + ((buf[off] << 8) | buf[off + 1]));
      while (p + 2 <= idsEnd) {
        const il = (buf[p] << 8) | buf[p + 1];
        if (p + 2 + il + 4 > idsEnd) return;
        d.add(fPskIdentity, p + 2, il, buf.subarray(p + 2, p + 2 + il), `Identity (len=${il})`);
        p += 2 + il + 4;
      }
      return;
    }
    case 0xfe0d: {
      // Encrypted Client Hello: the outer hello's SNI is the public name; the real one is in `payload`.
      if (!tree || !h.client || end - off < 1) return;
      const kind = buf[off];
      d.add(fEchType, off, 1, kind, `Client Hello type: ${kind === 0 ? 'Outer Client Hello' : kind === 1 ? 'Inner Client Hello' : 'Unknown'} (${kind})`);
      if (kind !== 0 || end - off < 8) return;
      let p = off + 5;
      d.add(fEchConfigId, p, 1, buf[p]);
      p += 1;
      const el = (buf[p] << 8) | buf[p + 1];
      if (p + 2 + el + 2 > end) return;
      d.add(fEchEnc, p + 2, el, buf.subarray(p + 2, p + 2 + el));
      p += 2 + el;
      const pl = (buf[p] << 8) | buf[p + 1];
      if (p + 2 + pl > end) return;
      d.add(fEchPayload, p + 2, pl, buf.subarray(p + 2, p + 2 + pl), `Payload (${pl} bytes)`);
      return;
    }
    default:
      return;
  }
}

function u16List(
  d: Dissection,
  off: number,
  end: number,
  lenBytes: number,
  out: number[],
  field: ReturnType<typeof fields.register>,
  names: Record<number, string>,
  what: string,
): void {
  const buf = d.buf;
  if (end - off < lenBytes) return;
  const listEnd = Math.min(end, off + lenBytes + ((buf[off] << 8) | buf[off + 1]));
  for (let p = off + lenBytes; p + 2 <= listEnd; p += 2) {
    const v = (buf[p] << 8) | buf[p + 1];
    out.push(v);
    if (d.wants(fTls)) d.add(field, p, 2, v, `${what}: ${nameOf(names, v)} (0x${hex4(v)})`);
  }
}
