/**
 * TLS record layer (RFC 8446 §5, RFC 5246 §6.2) as a TCP stream protocol: the stream layer hands over one
 * whole record at a time (several per segment, or one reassembled from several segments), so `decode` sees
 * exactly [header, body). Records of one packet add to one Info line ("Server Hello, Change Cipher Spec,
 * Application Data") as tshark prints it.
 *
 * The Protocol column follows Wireshark: the session's version once a ServerHello negotiated one (or a
 * non-handshake record revealed it mid-stream), else the record's own version ("TLSv1" for most
 * ClientHellos, whose record says 1.0). That needs state across packets, kept on `d.appState` when the
 * engine provides it, as is the buffer of a handshake message that spans records.
 *
 * That state is frame-versioned: a frame is learnt the first time it is decoded (the index pass, in file
 * order), which records the connection's state at its start when it changed (see FrameMark in tls-conn.ts);
 * decoding it again (Info/tree on demand, after the whole file) starts from that record on a scratch copy
 * and leaves the connection alone, so it gives the same answer as the first time.
 */
import { fields } from '../fields';
import { MODE_SUMMARY, PF_MALFORMED, type Dissection } from '../dissection';
import { protocolNames } from '../protocols-registry';
import { tcpStreamHeuristics, tcpStreamTable, type StreamProtocol } from '../tables';
import { connKey, markAt, stateFor, withBuffer, type ConnKey, type FrameMark } from './tls-conn';
import { fragmentNode, walkHandshakes, type HandshakeContext } from './tls-handshake';
import { ALERT_DESCRIPTIONS, ALERT_LEVELS, CONTENT_TYPES, hex4, nameOf, versionName, versionShortName } from './tls-names';
import { linkProtocolColumn } from '../protocol-presence';

const PROTO_IDS = new Map<string, number>();
for (const n of ['SSL', 'SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']) PROTO_IDS.set(n, protocolNames.id(n));
const TLS_PROTOCOLS = new Set(PROTO_IDS.values());
const VERSION_OF_PROTO = new Map<number, number>([
  [PROTO_IDS.get('SSLv3') as number, 0x0300],
  [PROTO_IDS.get('TLSv1') as number, 0x0301],
  [PROTO_IDS.get('TLSv1.1') as number, 0x0302],
  [PROTO_IDS.get('TLSv1.2') as number, 0x0303],
  [PROTO_IDS.get('TLSv1.3') as number, 0x0304],
]);

const fTls = fields.register('tls', 'protocol', 'Transport Layer Security');
for (const id of TLS_PROTOCOLS) linkProtocolColumn(id, fTls);
const fRecord = fields.register('tls.record', 'none', 'Record Layer');
const fContentType = fields.register('tls.record.content_type', 'uint', 'Content Type');
const fVersion = fields.register('tls.record.version', 'uint', 'Version', 'hex');
const fLength = fields.register('tls.record.length', 'uint', 'Length');
const fAppData = fields.register('tls.app_data', 'bytes', 'Encrypted Application Data');
const fCcs = fields.register('tls.change_cipher_spec', 'none', 'Change Cipher Spec Message');
const fAlertLevel = fields.register('tls.alert_message.level', 'uint', 'Level');
const fAlertDesc = fields.register('tls.alert_message.desc', 'uint', 'Description');
const fAlertEnc = fields.register('tls.alert_message', 'bytes', 'Alert Message');

const HDR = 5;
/** RFC 8446 §5.2: a record body is at most 2^14 + 256 bytes (RFC 5246 allowed +2048); beyond that it is not TLS. */
const MAX_BODY = 16384 + 2048;

interface TlsSession {
  /** Negotiated (or observed) version, 0 unknown. */
  version: number;
  /** A ChangeCipherSpec went this way: later handshake records are encrypted (TLS ≤ 1.2). Index: side. */
  ccs: [boolean, boolean];
  /** Start of a handshake message that continues in the next handshake record, per side. */
  pending: [Uint8Array | null, Uint8Array | null];
  /** States at the start of frames, when they changed (pending buffers are shared: they are never modified). */
  marks: TlsMark[] | null;
}

interface TlsMark extends FrameMark {
  version: number;
  ccs0: boolean;
  ccs1: boolean;
  p0: Uint8Array | null;
  p1: Uint8Array | null;
}

const TLS_STATE_KEY = 'tls';

function newSession(): TlsSession {
  return { version: 0, ccs: [false, false], pending: [null, null], marks: null };
}

/** TLS connections of one capture, and which one the packet being decoded uses. */
class TlsState {
  readonly conns = new Map<ConnKey, TlsSession>();
  /** Highest frame learnt. */
  private seen = 0;
  /** The frame being decoded, its session (live, or a scratch copy when replaying) and side. */
  private frame = -1;
  sess: TlsSession | null = null;
  side: 0 | 1 = 0;

  /** Called for every record; picks the session at the packet's first record. */
  begin(d: Dissection, first: boolean): void {
    const frame = d.frame.number;
    if (!first && frame === this.frame) return;
    this.frame = frame;
    const c = connKey(d, 'tls');
    if (c === null) {
      this.sess = null;
      return;
    }
    this.side = c.side;
    const live = this.conns.get(c.key);
    if (frame > 0 && frame <= this.seen) {
      // Seen before: replay from the state this frame started with; the connection is not touched.
      const m = live === undefined ? null : markAt(live.marks, frame);
      this.sess = m === null ? newSession() : { version: m.version, ccs: [m.ccs0, m.ccs1], pending: [m.p0, m.p1], marks: null };
      return;
    }
    let s = live;
    if (s === undefined) {
      s = newSession();
      this.conns.set(c.key, s);
    }
    if (frame > 0) {
      // Frames without a number (crafted tests) are always learnt and never replayed.
      this.seen = frame;
      mark(s, frame);
    }
    this.sess = s;
  }
}

function mark(s: TlsSession, frame: number): void {
  const last = s.marks === null ? null : (s.marks[s.marks.length - 1] as TlsMark);
  const same =
    last === null
      ? s.version === 0 && !s.ccs[0] && !s.ccs[1] && s.pending[0] === null && s.pending[1] === null
      : last.version === s.version && last.ccs0 === s.ccs[0] && last.ccs1 === s.ccs[1] && last.p0 === s.pending[0] && last.p1 === s.pending[1];
  if (same) return;
  const m: TlsMark = { frame, version: s.version, ccs0: s.ccs[0], ccs1: s.ccs[1], p0: s.pending[0], p1: s.pending[1] };
  if (s.marks === null) s.marks = [m];
  else s.marks.push(m);
}

export function tlsMessageLength(buf: Uint8Array, off: number, end: number): number {
  const n = end - off;
  if (n < 1) return 0;
  const ct = buf[off];
  if (ct < 20 || ct > 24) return -1;
  if (n < 2) return 0;
  if (buf[off + 1] !== 3) return -1;
  if (n < 3) return 0;
  if (buf[off + 2] > 4) return -1;
  if (n < HDR) return 0;
  const len = (buf[off + 3] << 8) | buf[off + 4];
  if (len > MAX_BODY) return -1;
  return HDR + len;
}

export const TLS_STREAM: StreamProtocol = { name: 'TLS', messageLength: tlsMessageLength, decode: decodeRecord };

export function decodeRecord(d: Dissection, off: number, end: number): void {
  const buf = d.buf;
  if (end - off < HDR) return;
  const ct = buf[off];
  const recVersion = (buf[off + 1] << 8) | buf[off + 2];
  const len = (buf[off + 3] << 8) | buf[off + 4];
  const bodyOff = off + HDR;
  const bodyEnd = Math.min(end, bodyOff + len);
  const firstInPacket = !TLS_PROTOCOLS.has(d.protocol);
  const state = d.appState === null ? null : stateFor(d, TLS_STATE_KEY, () => new TlsState());
  if (state !== null) state.begin(d, firstInPacket);
  const side = state === null ? 0 : state.side;
  const sess = state === null ? null : state.sess;

  const tree = d.wants(fTls);
  let recordNode = null;
  if (tree) {
    d.open(fTls, off, end - off, 'Transport Layer Security');
    recordNode = d.open(fRecord, off, end - off, 'Record Layer');
    d.add(fContentType, off, 1, ct, `Content Type: ${nameOf(CONTENT_TYPES, ct)} (${ct})`);
    d.add(fVersion, off + 1, 2, recVersion, `Version: ${versionName(recVersion)} (0x${hex4(recVersion)})`);
    d.add(fLength, off + 3, 2, len);
  }
  if (bodyOff + len > end) d.problem(PF_MALFORMED, d.mode >= MODE_SUMMARY ? `TLS record length ${len} runs past the data` : '');

  const ctx: HandshakeContext = { transport: 't', names: [], negotiated: 0, client: null };
  switch (ct) {
    case 20:
      ctx.names.push('Change Cipher Spec');
      if (sess !== null) sess.ccs[side] = true;
      if (tree) d.add(fCcs, bodyOff, bodyEnd - bodyOff, null, 'Change Cipher Spec Message');
      break;
    case 21:
      alert(d, bodyOff, bodyEnd, sess !== null && sess.ccs[side], ctx.names);
      break;
    case 22:
      handshakeRecord(d, bodyOff, bodyEnd, sess, side, ctx);
      break;
    case 23:
      ctx.names.push('Application Data');
      if (tree) d.add(fAppData, bodyOff, bodyEnd - bodyOff, buf.subarray(bodyOff, bodyEnd), `Encrypted Application Data: ${bodyEnd - bodyOff} bytes`);
      break;
    default:
      ctx.names.push(nameOf(CONTENT_TYPES, ct));
      break;
  }

  // Wireshark learns the session version from a ServerHello, or from any non-handshake record seen first.
  if (sess !== null) {
    if (ctx.negotiated !== 0) sess.version = ctx.negotiated;
    else if (sess.version === 0 && ct !== 22) sess.version = recVersion;
  }
  const version =
    (sess !== null ? sess.version : 0) || ctx.negotiated || (firstInPacket ? 0 : (VERSION_OF_PROTO.get(d.protocol) ?? 0)) || recVersion;
  const short = versionShortName(version) ?? 'SSL';
  d.setProtocol(PROTO_IDS.get(short) ?? (PROTO_IDS.get('SSL') as number));

  if (recordNode !== null) {
    recordNode.label = `${versionShortName(recVersion) ?? 'SSL'} Record Layer: ${nameOf(CONTENT_TYPES, ct)} Protocol: ${ctx.names.join(', ') || 'fragment'}`;
    d.close();
    d.close();
  }
  if (d.wantText && ctx.names.length > 0) {
    const text = ctx.names.join(', ');
    d.info = firstInPacket || d.info === '' ? text : `${d.info}, ${text}`;
  }
}

function alert(d: Dissection, off: number, end: number, afterCcs: boolean, names: string[]): void {
  const buf = d.buf;
  const level = buf[off];
  if (end - off === 2 && !afterCcs && (level === 1 || level === 2)) {
    const desc = buf[off + 1];
    names.push(`Alert (Level: ${nameOf(ALERT_LEVELS, level)}, Description: ${nameOf(ALERT_DESCRIPTIONS, desc)})`);
    if (d.wants(fTls)) {
      d.add(fAlertLevel, off, 1, level, `Level: ${nameOf(ALERT_LEVELS, level)} (${level})`);
      d.add(fAlertDesc, off + 1, 1, desc, `Description: ${nameOf(ALERT_DESCRIPTIONS, desc)} (${desc})`);
    }
    return;
  }
  names.push('Encrypted Alert');
  if (d.wants(fTls)) d.add(fAlertEnc, off, end - off, buf.subarray(off, end), 'Alert Message: Encrypted Alert');
}

function handshakeRecord(d: Dissection, off: number, end: number, sess: TlsSession | null, side: 0 | 1, ctx: HandshakeContext): void {
  const buf = d.buf;
  const pending = sess !== null ? sess.pending[side] : null;
  if (sess !== null && pending !== null) {
    // The previous record ended inside a message: join them and decode the result as its own data source.
    sess.pending[side] = null;
    const joined = new Uint8Array(pending.length + (end - off));
    joined.set(pending, 0);
    joined.set(buf.subarray(off, end), pending.length);
    withBuffer(d, joined, 'Reassembled TLS handshake', () => {
      const stop = walkHandshakes(d, 0, joined.length, ctx);
      if (stop >= 0 && stop < joined.length) keepPending(d, sess, side, joined, stop);
    });
    return;
  }
  if (sess !== null && sess.ccs[side]) {
    // After ChangeCipherSpec (TLS ≤ 1.2) handshake records are encrypted, unless one is exactly a known message
    // (TLS 1.3's middlebox-compatibility CCS is followed by a plaintext second ClientHello).
    const type = buf[off];
    const len = end - off >= 4 ? (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3] : -1;
    if (!(type === 1 && off + 4 + len === end)) {
      ctx.names.push('Encrypted Handshake Message');
      if (d.wants(fTls)) fragmentNode(d, off, end);
      return;
    }
  }
  const stop = walkHandshakes(d, off, end, ctx);
  if (stop >= 0 && stop < end) {
    if (sess !== null) keepPending(d, sess, side, buf, stop, end);
    else fragmentNode(d, stop, end);
  }
}

function keepPending(d: Dissection, sess: TlsSession, side: 0 | 1, buf: Uint8Array, start: number, end = buf.length): void {
  // Bound what a bogus length can make us hold: no real handshake message needs more than 128 KiB.
  if (end - start > 0x20000) return;
  sess.pending[side] = buf.slice(start, end);
  fragmentNode(d, start, end);
}

/** TLS on a port not in the table: the first bytes of the direction must look like a record header. */
function detect(buf: Uint8Array, off: number, end: number): StreamProtocol | null {
  if (end - off < HDR) return null;
  const ct = buf[off];
  if (ct < 20 || ct > 23) return null;
  return tlsMessageLength(buf, off, end) > HDR ? TLS_STREAM : null;
}

for (const port of [443, 465, 636, 853, 993, 995, 5061, 8443]) tcpStreamTable.set(port, TLS_STREAM);
tcpStreamHeuristics.push({ name: 'TLS', detect });
