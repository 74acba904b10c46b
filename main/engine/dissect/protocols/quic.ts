/**
 * QUIC (RFC 9000 §17) versions 1 and 2 (RFC 9369) on UDP: every packet of a datagram (they may be
 * coalesced) gets its header decoded; Initial packets are decrypted with the public Initial keys
 * (quic-keys.ts), their frames parsed, and the CRYPTO stream reassembled to read the TLS ClientHello and
 * ServerHello inside (SNI, ALPN, JA3, JA4 with the "q" prefix) through the same code as TLS over TCP.
 *
 * State across packets (the client's original DCID, which both sides' Initial keys derive from; connection
 * IDs for short headers; CRYPTO data that arrives over several Initials) lives on `d.appState`, keyed by the
 * session (or UDP 4-tuple when there is none). Without it each datagram is decoded alone: the client's Initials
 * still decrypt (their DCID is their key), the server's cannot.
 *
 * That state is frame-versioned: a datagram is learnt the first time it is decoded (the index pass, in file
 * order), which records the connection's state at its start when it changed since the last record (CRYPTO
 * chunks are shared, not copied: they are never modified); decoding it again later starts from that record
 * on a scratch copy and does not touch the connection, so it gives the same answer as the first time.
 *
 * Info as tshark: each packet of a datagram replaces the previous one's text ("Initial, DCID=…, SCID=…,
 * PKN: 0, CRYPTO, PADDING"), so the datagram shows its last packet.
 */
import { fields } from '../fields';
import { MODE_SUMMARY, PF_MALFORMED, type Dissection } from '../dissection';
import { protocolNames } from '../protocols-registry';
import { udpHeuristics, udpPortTable } from '../tables';
import { connKey, markAt, stateFor, withBuffer, type ConnKey, type FrameMark } from './tls-conn';
import { walkHandshakes, type HandshakeContext } from './tls-handshake';
import { headerMask, initialKeys, isSupportedVersion, openPayload, QUIC_V2, type PacketKeys } from './quic-keys';
import { parseFrames, readVarint, type CryptoChunk } from './quic-frames';
import { linkProtocolColumn } from '../protocol-presence';

export const PROTO_QUIC = protocolNames.id('QUIC');

const fQuic = fields.register('quic', 'protocol', 'QUIC IETF');
const fHeaderForm = fields.register('quic.header_form', 'uint', 'Header Form');
const fLongType = fields.register('quic.long.packet_type', 'uint', 'Packet Type');
const fVersion = fields.register('quic.version', 'uint', 'Version', 'hex');
const fDcil = fields.register('quic.dcil', 'uint', 'Destination Connection ID Length');
const fDcid = fields.register('quic.dcid', 'bytes', 'Destination Connection ID');
const fScil = fields.register('quic.scil', 'uint', 'Source Connection ID Length');
const fScid = fields.register('quic.scid', 'bytes', 'Source Connection ID');
const fTokenLen = fields.register('quic.token_length', 'uint', 'Token Length');
const fToken = fields.register('quic.token', 'bytes', 'Token');
const fLength = fields.register('quic.length', 'uint', 'Length');
const fPacketNumber = fields.register('quic.packet_number', 'uint', 'Packet Number');
const fPacketLength = fields.register('quic.packet_length', 'uint', 'Packet Length');
const fPayload = fields.register('quic.remaining_payload', 'bytes', 'Remaining Payload');
const fSupported = fields.register('quic.supported_version', 'uint', 'Supported Version', 'hex');
const fTls = fields.register('tls', 'protocol', 'Transport Layer Security');
// QUIC's CRYPTO frames carry the TLS handshake: tls.* fields sit in QUIC packets.
linkProtocolColumn(PROTO_QUIC, fQuic, fTls);

const LONG_TYPES_V1 = ['Initial', '0-RTT', 'Handshake', 'Retry'];
const LONG_TYPES_V2 = ['Retry', 'Initial', '0-RTT', 'Handshake'];
const MAX_CID = 20;
/** Bound on buffered CRYPTO bytes per direction: a ClientHello with post-quantum key shares is a few KiB. */
const MAX_CRYPTO = 0x10000;

interface CryptoStream {
  chunks: Map<number, Uint8Array>;
  /** Bytes of the stream already decoded as handshake messages. */
  delivered: number;
}

interface QuicConn {
  /** The client's first DCID: both sides' Initial keys derive from it. */
  originalDcid: Uint8Array | null;
  /** Which connectionOf() side is the client; -1 unknown. */
  clientSide: number;
  /** Connection ID each side chose (its SCID), for reading short headers; indexed by side. */
  cid: [Uint8Array | null, Uint8Array | null];
  /** CRYPTO stream of Initial packets: [client, server]. */
  crypto: [CryptoStream, CryptoStream];
  /** Bumped by every change; `markedRev` is the revision of the last mark. */
  rev: number;
  markedRev: number;
  /** States at the start of frames, when they changed (live connections only). */
  marks: QuicMark[] | null;
}

interface QuicMark extends FrameMark {
  state: QuicConn;
}

interface ConnEntry {
  conn: QuicConn;
  /** First frame this key found the connection (a migrated 4-tuple becomes an alias later). */
  since: number;
}

const QUIC_STATE_KEY = 'quic';

/** QUIC connections of one capture, by session (or 4-tuple) and by the connection IDs they chose. */
class QuicState {
  readonly conns = new Map<ConnKey, ConnEntry>();
  readonly cids = new Map<string, QuicConn>();
  /** Highest frame learnt. */
  seen = 0;

  /** True when `frame` was already learnt: it must be replayed from marks, not learnt again. */
  replaying(frame: number): boolean {
    return frame > 0 && frame <= this.seen;
  }
}

function quicState(d: Dissection): QuicState | null {
  return d.appState === null ? null : stateFor(d, QUIC_STATE_KEY, () => new QuicState());
}

function newConn(): QuicConn {
  return {
    originalDcid: null,
    clientSide: -1,
    cid: [null, null],
    crypto: [
      { chunks: new Map(), delivered: 0 },
      { chunks: new Map(), delivered: 0 },
    ],
    rev: 0,
    markedRev: 0,
    marks: null,
  };
}

/** A copy of the small state (connection ids and CRYPTO chunks are shared: they are replaced, never modified). */
function copyConn(c: QuicConn): QuicConn {
  return {
    originalDcid: c.originalDcid,
    clientSide: c.clientSide,
    cid: [c.cid[0], c.cid[1]],
    crypto: [
      { chunks: new Map(c.crypto[0].chunks), delivered: c.crypto[0].delivered },
      { chunks: new Map(c.crypto[1].chunks), delivered: c.crypto[1].delivered },
    ],
    rev: 0,
    markedRev: 0,
    marks: null,
  };
}

function markConn(conn: QuicConn, frame: number): void {
  if (conn.rev === conn.markedRev) return;
  conn.markedRev = conn.rev;
  const m: QuicMark = { frame, state: copyConn(conn) };
  if (conn.marks === null) conn.marks = [m];
  else conn.marks.push(m);
}

function hexOf(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i].toString(16).padStart(2, '0');
  return s;
}

function cidText(dcid: Uint8Array, scid: Uint8Array | null): string {
  let s = '';
  if (dcid.length > 0) s += `, DCID=${hexOf(dcid)}`;
  if (scid !== null && scid.length > 0) s += `, SCID=${hexOf(scid)}`;
  return s;
}

export function dissectQuic(d: Dissection, off: number, end: number): void {
  if (d.inner > 0) return;
  d.setProtocol(PROTO_QUIC);
  const st = quicState(d);
  const c = st === null ? null : connKey(d, 'quic');
  const frame = d.frame.number;
  let conn: QuicConn | null = null;
  // Where new connection ids are registered: only while learning a frame.
  let learn: QuicState | null = null;
  if (st !== null && c !== null) {
    if (st.replaying(frame)) {
      // Seen before: a scratch copy of the connection as this frame found it.
      const e = st.conns.get(c.key);
      if (e !== undefined && e.since <= frame) {
        const m = markAt(e.conn.marks, frame);
        conn = m === null ? newConn() : copyConn(m.state);
      }
    } else {
      learn = st;
      conn = byCid(st, c.key, d, off, end);
      if (conn === null) {
        const e = st.conns.get(c.key);
        if (e !== undefined) conn = e.conn;
        else st.conns.set(c.key, { conn: (conn = newConn()), since: frame });
      }
      if (frame > 0) {
        st.seen = frame;
        markConn(conn, frame);
      }
    }
  }
  const side = c === null ? 0 : c.side;
  // Without engine state, a per-datagram one still joins CRYPTO frames spread over coalesced packets.
  const local = conn ?? newConn();
  let p = off;
  while (p < end) {
    // After the first packet, a zero byte is padding after the last packet (RFC 9000 §12.2), which tshark
    // leaves undecoded too. (The fixed bit alone cannot tell: RFC 9287 lets peers grease it.)
    if (p > off && (d.buf[p] & 0xc0) === 0 && !(conn !== null && shortDcid(d, p, end, conn, side) !== null)) break;
    const next = (d.buf[p] & 0x80) !== 0 ? longHeader(d, p, end, local, side, learn) : shortHeader(d, p, end, local, side, conn !== null);
    if (next <= p) break;
    p = next;
  }
}

/** One long-header packet at `off`; returns where the next coalesced packet starts. */
function longHeader(d: Dissection, off: number, end: number, conn: QuicConn, side: 0 | 1, learn: QuicState | null): number {
  const buf = d.buf;
  const tree = d.tree !== null;
  if (end - off < 7) return malformed(d, off, end, 'QUIC long header truncated');
  const first = buf[off];
  const version = ((buf[off + 1] << 24) | (buf[off + 2] << 16) | (buf[off + 3] << 8) | buf[off + 4]) >>> 0;
  const dcil = buf[off + 5];
  if (dcil > MAX_CID && version !== 0) return malformed(d, off, end, `QUIC DCID length ${dcil} > ${MAX_CID}`);
  if (off + 6 + dcil + 1 > end) return malformed(d, off, end, 'QUIC long header truncated');
  const dcid = buf.subarray(off + 6, off + 6 + dcil);
  const scil = buf[off + 6 + dcil];
  const scidOff = off + 7 + dcil;
  if ((scil > MAX_CID && version !== 0) || scidOff + scil > end) return malformed(d, off, end, 'QUIC long header truncated');
  const scid = buf.subarray(scidOff, scidOff + scil);
  let p = scidOff + scil;

  if (version === 0) {
    if (d.wantText) d.info = `Version Negotiation${cidText(dcid, scid)}`;
    if (tree) {
      d.open(fQuic, off, end - off, 'QUIC IETF');
      d.add(fVersion, off + 1, 4, 0, 'Version: Negotiation (0x00000000)');
      headerIds(d, off, dcid, scid, scidOff);
      for (let q = p; q + 4 <= end; q += 4) d.add(fSupported, q, 4, ((buf[q] << 24) | (buf[q + 1] << 16) | (buf[q + 2] << 8) | buf[q + 3]) >>> 0);
      d.close();
    }
    return end;
  }

  const typeBits = (first >> 4) & 3;
  const typeName = (version === QUIC_V2 ? LONG_TYPES_V2 : LONG_TYPES_V1)[typeBits] as string;
  if (scil > 0 && (conn.cid[side] === null || !sameBytes(conn.cid[side] as Uint8Array, scid))) {
    conn.cid[side] = scid.slice();
    conn.rev++;
    // Short headers after a migration arrive on a new 4-tuple: find the connection by the CID they carry.
    if (learn !== null) learn.cids.set(hexOf(scid), conn);
  }

  if (typeName === 'Retry' || !isSupportedVersion(version)) {
    // A Retry runs to the end of the datagram; an unknown version's layout past the CIDs is unknown.
    if (d.wantText) d.info = `${typeName === 'Retry' || isSupportedVersion(version) ? typeName : 'Long Header'}${cidText(dcid, scid)}`;
    if (tree) {
      d.open(fQuic, off, end - off, 'QUIC IETF');
      d.add(fHeaderForm, off, 1, 1, 'Header Form: Long Header (1)');
      d.add(fVersion, off + 1, 4, version, `Version: 0x${version.toString(16).padStart(8, '0')}`);
      headerIds(d, off, dcid, scid, scidOff);
      d.close();
    }
    return end;
  }

  let tokenOff = p;
  let tokenLen = 0;
  if (typeName === 'Initial') {
    const t = readVarint(buf, p, end);
    if (t === null || p + t[1] + t[0] > end) return malformed(d, off, end, 'QUIC token runs past the datagram');
    tokenOff = p + t[1];
    tokenLen = t[0];
    p = tokenOff + tokenLen;
  }
  const l = readVarint(buf, p, end);
  if (l === null) return malformed(d, off, end, 'QUIC length truncated');
  const pnOff = p + l[1];
  let pktEnd = pnOff + l[0];
  if (pktEnd > end) {
    d.problem(PF_MALFORMED, d.mode >= MODE_SUMMARY ? `QUIC packet length ${l[0]} runs past the datagram` : '');
    pktEnd = end;
  }

  let info = `${typeName}${cidText(dcid, scid)}`;
  if (tree) {
    d.open(fQuic, off, pktEnd - off, `QUIC IETF, ${typeName}`);
    d.add(fPacketLength, off, 0, pktEnd - off, `[Packet Length: ${pktEnd - off}]`);
    d.add(fHeaderForm, off, 1, 1, 'Header Form: Long Header (1)');
    d.add(fLongType, off, 1, typeBits, `Packet Type: ${typeName} (${typeBits})`);
    d.add(fVersion, off + 1, 4, version, `Version: ${version === QUIC_V2 ? '2' : '1'} (0x${version.toString(16).padStart(8, '0')})`);
    headerIds(d, off, dcid, scid, scidOff);
    if (typeName === 'Initial') {
      d.add(fTokenLen, tokenOff - 1, 1, tokenLen);
      if (tokenLen > 0) d.add(fToken, tokenOff, tokenLen, buf.subarray(tokenOff, tokenOff + tokenLen));
    }
    d.add(fLength, p, l[1], l[0]);
  }

  if (typeName === 'Initial') {
    const opened = decryptInitial(d, off, pnOff, pktEnd, version, dcid, conn, side);
    if (opened !== null) {
      info += `, PKN: ${opened.pn}`;
      const names: string[] = [];
      const chunks: CryptoChunk[] = [];
      if (tree) d.add(fPacketNumber, pnOff, opened.pnLen, opened.pn);
      withBuffer(d, opened.plain, 'Decrypted QUIC', () => {
        if (!parseFrames(d, 0, opened.plain.length, names, chunks)) d.problem(PF_MALFORMED, d.mode >= MODE_SUMMARY ? 'Malformed QUIC frame' : '');
      });
      if (names.length > 0) info += `, ${names.join(', ')}`;
      const dir = conn.clientSide === -1 || conn.clientSide === side ? 0 : 1;
      if (chunks.length > 0 && cryptoData(d, conn.crypto[dir], chunks)) conn.rev++;
    } else if (tree) {
      d.add(fPayload, pnOff, pktEnd - pnOff, buf.subarray(pnOff, pktEnd), `Remaining Payload: ${pktEnd - pnOff} bytes`);
    }
  } else if (tree) {
    d.add(fPayload, pnOff, pktEnd - pnOff, buf.subarray(pnOff, pktEnd), `Remaining Payload: ${pktEnd - pnOff} bytes`);
  }
  if (tree) d.close();
  if (d.wantText) d.info = info;
  return pktEnd;
}

function headerIds(d: Dissection, off: number, dcid: Uint8Array, scid: Uint8Array, scidOff: number): void {
  d.add(fDcil, off + 5, 1, dcid.length);
  if (dcid.length > 0) d.add(fDcid, off + 6, dcid.length, dcid, `Destination Connection ID: ${hexOf(dcid)}`);
  d.add(fScil, scidOff - 1, 1, scid.length);
  if (scid.length > 0) d.add(fScid, scidOff, scid.length, scid, `Source Connection ID: ${hexOf(scid)}`);
}

/** A short-header (1-RTT) packet: always the last of its datagram; its payload cannot be decrypted here. */
function shortHeader(d: Dissection, off: number, end: number, conn: QuicConn, side: 0 | 1, stateful: boolean): number {
  const dcid = stateful ? shortDcid(d, off, end, conn, side) : null;
  // The key phase bit is under header protection; without 1-RTT keys Wireshark reports phase 0.
  if (d.wantText) d.info = `Protected Payload (KP0)${dcid !== null ? `, DCID=${hexOf(dcid)}` : ''}`;
  if (d.tree !== null) {
    d.open(fQuic, off, end - off, 'QUIC IETF, Protected Payload');
    d.add(fHeaderForm, off, 1, 0, 'Header Form: Short Header (0)');
    if (dcid !== null) d.add(fDcid, off + 1, dcid.length, dcid, `Destination Connection ID: ${hexOf(dcid)}`);
    const pay = off + 1 + (dcid?.length ?? 0);
    if (pay < end) d.add(fPayload, pay, end - pay, d.buf.subarray(pay, end), `Remaining Payload: ${end - pay} bytes`);
    d.close();
  }
  return end;
}

/** The DCID's length is not in a short header: it is the CID the receiving side chose in its long headers. */
function shortDcid(d: Dissection, off: number, end: number, conn: QuicConn, side: 0 | 1): Uint8Array | null {
  const cid = conn.cid[side === 0 ? 1 : 0];
  if (cid === null || off + 1 + cid.length > end) return null;
  for (let i = 0; i < cid.length; i++) if (d.buf[off + 1 + i] !== cid[i]) return null;
  return cid;
}

function malformed(d: Dissection, off: number, end: number, text: string): number {
  d.problem(PF_MALFORMED, d.mode >= MODE_SUMMARY ? text : '');
  if (d.tree !== null) d.add(fQuic, off, end - off, null, `QUIC IETF [Malformed: ${text}]`);
  return end;
}

interface Opened {
  pn: number;
  pnLen: number;
  plain: Uint8Array;
}

/**
 * Tries the keys this packet can have been protected with: the connection's client keys (from its first
 * DCID, or this DCID for a new connection or one restarted by Retry), or its server keys.
 */
function decryptInitial(d: Dissection, off: number, pnOff: number, end: number, version: number, dcid: Uint8Array, conn: QuicConn, side: 0 | 1): Opened | null {
  const attempts: { keys: PacketKeys; client: boolean; dcid: Uint8Array }[] = [];
  const orig = conn.originalDcid;
  if (orig !== null && conn.clientSide !== -1) {
    if (conn.clientSide === side) {
      attempts.push({ keys: initialKeys(version, orig, false), client: true, dcid: orig });
      if (!sameBytes(orig, dcid)) attempts.push({ keys: initialKeys(version, dcid, false), client: true, dcid });
    } else {
      attempts.push({ keys: initialKeys(version, orig, true), client: false, dcid: orig });
    }
  } else {
    attempts.push({ keys: initialKeys(version, dcid, false), client: true, dcid });
  }
  for (const a of attempts) {
    const opened = unprotect(d.buf, off, pnOff, end, a.keys);
    if (opened === null) continue;
    if (a.client && (orig === null || !sameBytes(orig, a.dcid))) {
      // First client Initial of this connection (or after a Retry): remember whose keys these are.
      conn.originalDcid = a.dcid.slice();
      conn.clientSide = side;
      conn.rev++;
      if (orig !== null) conn.crypto[0] = { chunks: new Map(), delivered: 0 };
    }
    return opened;
  }
  return null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** RFC 9001 §5.4: remove header protection, then open the AEAD payload. */
function unprotect(buf: Uint8Array, off: number, pnOff: number, end: number, keys: PacketKeys): Opened | null {
  // The sample starts 4 bytes past the packet number's start, whatever its real length (§5.4.2).
  if (pnOff + 4 + 16 > end) return null;
  const mask = headerMask(keys.hp, buf.subarray(pnOff + 4, pnOff + 20));
  const first = buf[off] ^ (mask[0] & 0x0f);
  const pnLen = (first & 3) + 1;
  const header = buf.slice(off, pnOff + pnLen);
  header[0] = first;
  let pn = 0;
  for (let i = 0; i < pnLen; i++) {
    const b = buf[pnOff + i] ^ mask[1 + i];
    header[pnOff - off + i] = b;
    pn = pn * 256 + b;
  }
  const plain = openPayload(keys, pn, header, buf.subarray(pnOff + pnLen, end));
  return plain === null ? null : { pn, pnLen, plain };
}

/** Adds CRYPTO frames to the direction's stream and decodes every handshake message now complete. True: `s` changed. */
function cryptoData(d: Dissection, s: CryptoStream, chunks: readonly CryptoChunk[]): boolean {
  let changed = false;
  let held = 0;
  for (const v of s.chunks.values()) held += v.length;
  for (const c of chunks) {
    if (c.offset + c.data.length <= s.delivered || held + c.data.length > MAX_CRYPTO || c.offset > MAX_CRYPTO) continue;
    const prev = s.chunks.get(c.offset);
    if (prev === undefined || prev.length < c.data.length) {
      s.chunks.set(c.offset, c.data.slice());
      held += c.data.length;
      changed = true;
    }
  }
  // Contiguous bytes from 0 (frames may overlap or arrive out of order).
  let contig = 0;
  for (let grew = true; grew; ) {
    grew = false;
    for (const [o, v] of s.chunks) {
      if (o <= contig && o + v.length > contig) {
        contig = o + v.length;
        grew = true;
      }
    }
  }
  if (contig <= s.delivered) return changed;
  const stream = new Uint8Array(contig);
  for (const [o, v] of s.chunks) if (o < contig) stream.set(v.subarray(0, Math.min(v.length, contig - o)), o);
  const ctx: HandshakeContext = { transport: 'q', names: [], negotiated: 0, client: null };
  withBuffer(d, stream, 'Reassembled QUIC CRYPTO', () => {
    if (d.tree !== null) d.open(fTls, s.delivered, contig - s.delivered, 'Transport Layer Security');
    const stop = walkHandshakes(d, s.delivered, contig, ctx);
    if (d.tree !== null) d.close();
    // A message still incomplete waits for more frames; bytes that are not handshake messages end the stream.
    s.delivered = stop < 0 ? MAX_CRYPTO + 1 : stop;
  });
  return true;
}

/**
 * QUIC elsewhere than 443: a client Initial of a version we know (padded to 1200 bytes, RFC 9000 §14.1,
 * which keeps this from firing on noise), or any datagram of a connection already seen.
 */
function heuristic(d: Dissection, off: number, end: number): boolean {
  const buf = d.buf;
  if (end - off < 7) return false;
  let claim = known(d, off, end);
  if (!claim && (buf[off] & 0x80) !== 0) {
    const version = ((buf[off + 1] << 24) | (buf[off + 2] << 16) | (buf[off + 3] << 8) | buf[off + 4]) >>> 0;
    const typeBits = (buf[off] >> 4) & 3;
    const initial = version === QUIC_V2 ? typeBits === 1 : typeBits === 0;
    claim = initial && isSupportedVersion(version) && buf[off + 5] <= MAX_CID && end - off >= 1200;
  }
  if (claim) dissectQuic(d, off, end);
  return claim;
}

function known(d: Dissection, off: number, end: number): boolean {
  const st = quicState(d);
  if (st === null) return false;
  const c = connKey(d, 'quic');
  if (c === null) return false;
  const frame = d.frame.number;
  if (st.replaying(frame)) {
    // As when the frame was learnt: the key was known then (or became an alias in that frame).
    const e = st.conns.get(c.key);
    return e !== undefined && e.since <= frame;
  }
  return st.conns.has(c.key) || byCid(st, c.key, d, off, end) !== null;
}

/**
 * A short header on a 4-tuple not seen before (the client migrated, RFC 9000 §9): its DCID, whose length the
 * header does not give, is one a known connection chose. The 4-tuple then becomes an alias of that connection.
 */
function byCid(st: QuicState, key: ConnKey, d: Dissection, off: number, end: number): QuicConn | null {
  if (st.cids.size === 0 || st.conns.has(key) || (d.buf[off] & 0x80) !== 0) return null;
  let h = '';
  for (let n = 1; n <= MAX_CID && off + 1 + n <= end; n++) {
    h += d.buf[off + n].toString(16).padStart(2, '0');
    const conn = st.cids.get(h);
    if (conn !== undefined) {
      st.conns.set(key, { conn, since: d.frame.number });
      return conn;
    }
  }
  return null;
}

/**
 * UDP 443: Wireshark binds no port to QUIC by default and relies on its heuristic, so 443 traffic that is
 * neither a long header of a version we know nor part of a known connection stays plain UDP (gQUIC, or
 * a connection whose handshake was not captured).
 */
function on443(d: Dissection, off: number, end: number): void {
  const buf = d.buf;
  if (end - off < 7) return;
  if ((buf[off] & 0x80) !== 0) {
    const version = ((buf[off + 1] << 24) | (buf[off + 2] << 16) | (buf[off + 3] << 8) | buf[off + 4]) >>> 0;
    if (isSupportedVersion(version) || version === 0) dissectQuic(d, off, end);
    return;
  }
  if (known(d, off, end)) dissectQuic(d, off, end);
}

udpPortTable.register(443, on443);
udpHeuristics.push({ name: 'QUIC', decode: heuristic });
