/**
 * What the application decoders call to record the names a packet carries (`Dissection.appNames`). Lives here,
 * not in the decoders, so each decoder gains one call and the classification owns its input format. Runs in
 * every dissection mode; each helper allocates only when the packet really carries a name.
 */
import type { AppNames, Dissection } from '../dissect/dissection';
import { skipName } from '../dissect/protocols/dns-names';

/** DNS answers kept per message: a response listing hundreds of addresses names them all the same anyway. */
const MAX_ANSWERS = 64;

function names(d: Dissection): AppNames {
  return (d.appNames ??= {});
}

/** TLS or QUIC ClientHello server_name (host_name type). The first one of a packet wins. */
export function noteSni(d: Dissection, name: string): void {
  if (d.inner > 0 || !d.noteAppNames || name === '') return;
  const n = names(d);
  if (n.sni === undefined) n.sni = name.toLowerCase();
}

/** An HTTP/1.x request's header block [off, he) of `buf`: records its Host header (port removed). */
export function noteHttpHost(d: Dissection, buf: Uint8Array, off: number, he: number): void {
  if (d.inner > 0 || !d.noteAppNames) return;
  let p = off;
  while (p < he) {
    let e = p;
    while (e < he && buf[e] !== 0x0a) e++;
    // "host:" case-insensitively at the start of a line.
    if (e - p > 5 && (buf[p] | 0x20) === 0x68 && (buf[p + 1] | 0x20) === 0x6f && (buf[p + 2] | 0x20) === 0x73 && (buf[p + 3] | 0x20) === 0x74 && buf[p + 4] === 0x3a) {
      let s = p + 5;
      let t = e;
      while (s < t && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
      while (t > s && (buf[t - 1] === 0x0d || buf[t - 1] === 0x20 || buf[t - 1] === 0x09)) t--;
      let host = '';
      for (let i = s; i < t; i++) host += String.fromCharCode(buf[i]);
      host = stripPort(host).toLowerCase();
      if (host !== '') {
        const n = names(d);
        n.host ??= host;
        n.url ??= requestTarget(buf, off, he);
      }
      return;
    }
    p = e + 1;
  }
}

/** The request line's target ("/watch?v=1"), for URL rules. */
function requestTarget(buf: Uint8Array, off: number, he: number): string {
  let s = off;
  while (s < he && buf[s] !== 0x20) s++;
  let e = ++s;
  while (e < he && buf[e] !== 0x20 && buf[e] !== 0x0d && buf[e] !== 0x0a) e++;
  let t = '';
  for (let i = s; i < e && i - s < 2048; i++) t += String.fromCharCode(buf[i]);
  return t;
}

/** "[::1]:8080" → "::1", "example.com:8080" → "example.com". */
function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close > 0 ? host.slice(1, close) : host;
  }
  const colon = host.indexOf(':');
  return colon >= 0 && host.indexOf(':', colon + 1) < 0 ? host.slice(0, colon) : host;
}

/**
 * A DNS response [msg, end): every A/AAAA answer is recorded with the name the client asked for (the
 * question), as ntopng does — the CNAME chain's last owner is a CDN name that says less about the app.
 * Messages without a question (mDNS announcements) name each address by its record's owner. The records are
 * walked without decoding names first: most responses in bulk traffic carry no address worth a string.
 */
export function noteDnsAnswers(d: Dissection, msg: number, end: number): void {
  if (d.inner > 0 || !d.noteAppNames) return;
  const buf = d.buf;
  if (end - msg < 12 || (buf[msg + 2] & 0x80) === 0) return;
  const an = (buf[msg + 6] << 8) | buf[msg + 7];
  if (an === 0) return;
  const qd = (buf[msg + 4] << 8) | buf[msg + 5];
  let p = msg + 12;
  const qnameAt = qd > 0 ? p : -1;
  for (let i = 0; i < qd; i++) {
    p = skipName(buf, end, p) + 4;
    if (p > end) return;
  }
  let out: { name: string; addr: Uint8Array }[] | null = null;
  let qname: string | null = null;
  for (let i = 0; i < an && p < end; i++) {
    const owner = p;
    p = skipName(buf, end, p);
    if (p + 10 > end) break;
    const type = (buf[p] << 8) | buf[p + 1];
    const rdLen = (buf[p + 8] << 8) | buf[p + 9];
    const rd = p + 10;
    p = rd + rdLen;
    if (p > end) break;
    if ((type === 1 && rdLen === 4) || (type === 28 && rdLen === 16)) {
      qname ??= qnameAt >= 0 ? nameAt(buf, msg, end, qnameAt) : '';
      const name = qname !== '' ? qname : nameAt(buf, msg, end, owner);
      if (name === '') continue;
      out ??= [];
      out.push({ name, addr: buf.slice(rd, rd + rdLen) });
      if (out.length >= MAX_ANSWERS) break;
    }
  }
  if (out !== null) names(d).dnsAnswers = out;
}

/**
 * The lower-case name at `at` of the message [msg, end), '' when malformed. Pointers must go backwards and
 * are bounded, as in dns-names.ts; a plain per-byte loop is much cheaper than the presentation formatting
 * there, and rule matching needs no escapes (a name with odd bytes matches no rule either way).
 */
function nameAt(buf: Uint8Array, msg: number, end: number, at: number): string {
  let p = at;
  let floor = at;
  let jumps = 0;
  let name = '';
  while (p < end) {
    const len = buf[p];
    if (len === 0) return name;
    if ((len & 0xc0) === 0xc0) {
      if (p + 1 >= end) return '';
      const target = msg + (((len & 0x3f) << 8) | buf[p + 1]);
      if (target >= floor || ++jumps > 64) return '';
      floor = target;
      p = target;
      continue;
    }
    if ((len & 0xc0) !== 0 || p + 1 + len > end || name.length + len > 255) return '';
    if (name !== '') name += '.';
    for (let i = p + 1; i <= p + len; i++) {
      const c = buf[i];
      name += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
    }
    p += 1 + len;
  }
  return '';
}
