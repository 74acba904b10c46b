/**
 * A minimal X.509 reader for the certificates a TLS ≤ 1.2 server sends in clear: subject and issuer
 * (CN and O), validity, and the subjectAltName dNSNames — what an analyst looks for, without an ASN.1
 * library. Only DER's definite lengths are accepted; anything unexpected ends the walk quietly (the bytes
 * stay visible as the certificate field), so a damaged certificate never throws.
 */
import { fields } from '../fields';
import type { Dissection } from '../dissection';

const fCert = fields.register('x509af.signedCertificate_element', 'none', 'signedCertificate');
const fSerial = fields.register('x509af.serialNumber', 'bytes', 'serialNumber');
const fIssuer = fields.register('x509af.issuer', 'string', 'issuer');
const fSubject = fields.register('x509af.subject', 'string', 'subject');
const fCommonName = fields.register('x509sat.CommonName', 'string', 'CommonName');
const fOrg = fields.register('x509sat.OrganizationName', 'string', 'OrganizationName');
const fNotBefore = fields.register('x509af.notBefore', 'string', 'notBefore');
const fNotAfter = fields.register('x509af.notAfter', 'string', 'notAfter');
const fUtcTime = fields.register('x509af.utcTime', 'string', 'utcTime');
const fGenTime = fields.register('x509af.generalizedTime', 'string', 'generalizedTime');
const fDnsName = fields.register('x509ce.dNSName', 'string', 'dNSName');

interface Tlv {
  tag: number;
  /** Value bytes [start, end). */
  start: number;
  end: number;
}

/** One DER element at `off` within [off, limit), or null when it is not well formed. */
export function readTlv(buf: Uint8Array, off: number, limit: number): Tlv | null {
  if (off + 2 > limit) return null;
  const tag = buf[off];
  // Multi-byte tags never occur in certificates; refusing them keeps the reader tiny.
  if ((tag & 0x1f) === 0x1f) return null;
  let len = buf[off + 1];
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i];
    p += n;
  }
  if (p + len > limit) return null;
  return { tag, start: p, end: p + len };
}

const OID_CN = '550403';
const OID_O = '55040a';
const OID_SAN = '551d11';

function hexOf(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += buf[i].toString(16).padStart(2, '0');
  return s;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: false });

function str(buf: Uint8Array, t: Tlv): string {
  const bytes = buf.subarray(t.start, t.end);
  // BMPString (0x1e) is UTF-16BE; the rest are ASCII subsets or UTF-8.
  if (t.tag === 0x1e) {
    let s = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
    return s;
  }
  return t.tag === 0x0c ? utf8.decode(bytes) : latin1.decode(bytes);
}

interface NameParts {
  text: string;
  cn: Tlv | null;
  o: Tlv | null;
}

/** RDNSequence → "CN=…, O=…" text (only CN and O are named; other attributes are skipped). */
function readName(buf: Uint8Array, name: Tlv): NameParts {
  const out: NameParts = { text: '', cn: null, o: null };
  const parts: string[] = [];
  let p = name.start;
  while (p < name.end) {
    const set = readTlv(buf, p, name.end);
    if (set === null || set.tag !== 0x31) break;
    let q = set.start;
    while (q < set.end) {
      const atv = readTlv(buf, q, set.end);
      if (atv === null || atv.tag !== 0x30) break;
      const oid = readTlv(buf, atv.start, atv.end);
      const val = oid === null ? null : readTlv(buf, oid.end, atv.end);
      if (oid !== null && oid.tag === 0x06 && val !== null) {
        const id = hexOf(buf, oid.start, oid.end);
        if (id === OID_CN) {
          out.cn ??= val;
          parts.push(`CN=${str(buf, val)}`);
        } else if (id === OID_O) {
          out.o ??= val;
          parts.push(`O=${str(buf, val)}`);
        }
      }
      q = atv.end;
    }
    p = set.end;
  }
  out.text = parts.join(', ');
  return out;
}

/** "YYMMDDHHMMSSZ" / "YYYYMMDDHHMMSSZ" → "YYYY-MM-DD HH:MM:SS (UTC)" as Wireshark prints them. */
function timeText(buf: Uint8Array, t: Tlv): string {
  const s = latin1.decode(buf.subarray(t.start, t.end));
  const m = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s);
  if (m === null) return s;
  let year = m[1] as string;
  // RFC 5280 §4.1.2.5.1: two-digit years ≥ 50 are 19xx.
  if (year.length === 2) year = (Number(year) >= 50 ? '19' : '20') + year;
  return `${year}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'} (UTC)`;
}

export interface CertSummary {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  dnsNames: string[];
}

/** Reads the DER certificate [off, end) of `d.buf`, adding tree nodes when a tree is wanted. */
export function dissectCertificate(d: Dissection, off: number, end: number): CertSummary | null {
  const buf = d.buf;
  const cert = readTlv(buf, off, end);
  if (cert === null || cert.tag !== 0x30) return null;
  const tbs = readTlv(buf, cert.start, cert.end);
  if (tbs === null || tbs.tag !== 0x30) return null;
  let p = tbs.start;
  let el = readTlv(buf, p, tbs.end);
  if (el !== null && el.tag === 0xa0) {
    p = el.end; // explicit version
    el = readTlv(buf, p, tbs.end);
  }
  if (el === null || el.tag !== 0x02) return null;
  const serial = el;
  const sigAlg = readTlv(buf, serial.end, tbs.end);
  const issuer = sigAlg === null ? null : readTlv(buf, sigAlg.end, tbs.end);
  const validity = issuer === null ? null : readTlv(buf, issuer.end, tbs.end);
  const subject = validity === null ? null : readTlv(buf, validity.end, tbs.end);
  if (issuer === null || validity === null || subject === null || issuer.tag !== 0x30 || subject.tag !== 0x30) return null;
  const nb = readTlv(buf, validity.start, validity.end);
  const na = nb === null ? null : readTlv(buf, nb.end, validity.end);
  const iss = readName(buf, issuer);
  const sub = readName(buf, subject);
  const summary: CertSummary = {
    subject: sub.text,
    issuer: iss.text,
    notBefore: nb === null ? '' : timeText(buf, nb),
    notAfter: na === null ? '' : timeText(buf, na),
    dnsNames: [],
  };
  // Extensions: [3] EXPLICIT SEQUENCE OF Extension, after subjectPublicKeyInfo and the optional unique ids.
  const sanAt: Tlv[] = [];
  let q = subject.end;
  while (q < tbs.end) {
    const x = readTlv(buf, q, tbs.end);
    if (x === null) break;
    if (x.tag === 0xa3) {
      const seq = readTlv(buf, x.start, x.end);
      if (seq !== null && seq.tag === 0x30) {
        let r = seq.start;
        while (r < seq.end) {
          const ext = readTlv(buf, r, seq.end);
          if (ext === null || ext.tag !== 0x30) break;
          const oid = readTlv(buf, ext.start, ext.end);
          if (oid !== null && oid.tag === 0x06 && hexOf(buf, oid.start, oid.end) === OID_SAN) {
            let v = readTlv(buf, oid.end, ext.end);
            if (v !== null && v.tag === 0x01) v = readTlv(buf, v.end, ext.end); // critical flag
            const names = v !== null && v.tag === 0x04 ? readTlv(buf, v.start, v.end) : null;
            if (names !== null && names.tag === 0x30) {
              let s = names.start;
              while (s < names.end) {
                const gn = readTlv(buf, s, names.end);
                if (gn === null) break;
                if (gn.tag === 0x82) {
                  summary.dnsNames.push(latin1.decode(buf.subarray(gn.start, gn.end)));
                  sanAt.push(gn);
                }
                s = gn.end;
              }
            }
          }
          r = ext.end;
        }
      }
    }
    q = x.end;
  }
  if (d.tree !== null) {
    d.open(fCert, tbs.start, tbs.end - tbs.start, `signedCertificate: ${summary.subject || '(no CN/O)'}`);
    d.add(fSerial, serial.start, serial.end - serial.start, buf.subarray(serial.start, serial.end));
    d.add(fIssuer, issuer.start, issuer.end - issuer.start, summary.issuer);
    if (iss.cn !== null) d.addHidden(fCommonName, str(buf, iss.cn), iss.cn.start, iss.cn.end - iss.cn.start);
    if (iss.o !== null) d.addHidden(fOrg, str(buf, iss.o), iss.o.start, iss.o.end - iss.o.start);
    if (nb !== null) {
      d.add(fNotBefore, nb.start, nb.end - nb.start, summary.notBefore);
      d.addHidden(nb.tag === 0x18 ? fGenTime : fUtcTime, summary.notBefore, nb.start, nb.end - nb.start);
    }
    if (na !== null) {
      d.add(fNotAfter, na.start, na.end - na.start, summary.notAfter);
      d.addHidden(na.tag === 0x18 ? fGenTime : fUtcTime, summary.notAfter, na.start, na.end - na.start);
    }
    d.add(fSubject, subject.start, subject.end - subject.start, summary.subject);
    if (sub.cn !== null) d.addHidden(fCommonName, str(buf, sub.cn), sub.cn.start, sub.cn.end - sub.cn.start);
    if (sub.o !== null) d.addHidden(fOrg, str(buf, sub.o), sub.o.start, sub.o.end - sub.o.start);
    for (let i = 0; i < sanAt.length; i++) {
      const gn = sanAt[i] as Tlv;
      d.add(fDnsName, gn.start, gn.end - gn.start, summary.dnsNames[i] as string);
    }
    d.close();
  }
  return summary;
}
