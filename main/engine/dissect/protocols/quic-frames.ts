/**
 * Frames inside a decrypted QUIC Initial packet (RFC 9000 §19): an Initial may only carry PADDING, PING,
 * ACK, CRYPTO and CONNECTION_CLOSE (§17.2.2), so those are parsed; anything else ends the walk as malformed.
 * CRYPTO frame data is returned with its offset for the caller to reassemble (the ClientHello is often cut
 * into several frames, out of order, across packets). A run of PADDING bytes is one frame, as in Wireshark.
 */
import { fields } from '../fields';
import type { Dissection } from '../dissection';

const fFrame = fields.register('quic.frame', 'none', 'Frame');
const fFrameType = fields.register('quic.frame_type', 'uint', 'Frame Type', 'hex');
const fPaddingLen = fields.register('quic.padding_length', 'uint', 'Padding Length');
const fAckLargest = fields.register('quic.ack.largest_acknowledged', 'uint', 'Largest Acknowledged');
const fAckDelay = fields.register('quic.ack.ack_delay', 'uint', 'ACK Delay');
const fAckRanges = fields.register('quic.ack.ack_range_count', 'uint', 'ACK Range Count');
const fCryptoOffset = fields.register('quic.crypto.offset', 'uint', 'Offset');
const fCryptoLength = fields.register('quic.crypto.length', 'uint', 'Length');
const fCryptoData = fields.register('quic.crypto.crypto_data', 'bytes', 'Crypto Data');
const fCcError = fields.register('quic.cc.error_code', 'uint', 'Error code');
const fCcReason = fields.register('quic.cc.reason_phrase', 'string', 'Reason phrase');

/** RFC 9000 §16 variable-length integer at `off`: [value, bytes used], or null past `end`. */
export function readVarint(buf: Uint8Array, off: number, end: number): [number, number] | null {
  if (off >= end) return null;
  const n = 1 << (buf[off] >> 6);
  if (off + n > end) return null;
  let v = buf[off] & 0x3f;
  for (let i = 1; i < n; i++) v = v * 256 + buf[off + i];
  return [v, n];
}

export interface CryptoChunk {
  offset: number;
  data: Uint8Array;
}

/** Walks frames in [off, end) of `d.buf`; pushes Info names and CRYPTO chunks. Returns false on a bad frame. */
export function parseFrames(d: Dissection, off: number, end: number, names: string[], crypto: CryptoChunk[]): boolean {
  const buf = d.buf;
  const tree = d.tree !== null;
  let p = off;
  while (p < end) {
    const start = p;
    const type = buf[p];
    if (type === 0x00) {
      while (p < end && buf[p] === 0) p++;
      names.push('PADDING');
      if (tree) {
        d.open(fFrame, start, p - start, `PADDING Length: ${p - start}`);
        d.add(fFrameType, start, 1, 0, 'Frame Type: PADDING (0x0000000000000000)');
        d.add(fPaddingLen, start, p - start, p - start, `[Padding Length: ${p - start}]`);
        d.close();
      }
      continue;
    }
    p++;
    if (type === 0x01) {
      names.push('PING');
      if (tree) d.add(fFrameType, start, 1, 1, 'PING');
      continue;
    }
    if (type === 0x02 || type === 0x03) {
      const largest = readVarint(buf, p, end);
      if (largest === null) return false;
      p += largest[1];
      const delay = readVarint(buf, p, end);
      if (delay === null) return false;
      p += delay[1];
      const count = readVarint(buf, p, end);
      if (count === null) return false;
      p += count[1];
      const first = readVarint(buf, p, end);
      if (first === null) return false;
      p += first[1];
      // Each further range is a gap and a length; ECN adds three counts.
      const more = count[0] * 2 + (type === 0x03 ? 3 : 0);
      for (let i = 0; i < more; i++) {
        const v = readVarint(buf, p, end);
        if (v === null) return false;
        p += v[1];
      }
      names.push(type === 0x03 ? 'ACK_ECN' : 'ACK');
      if (tree) {
        d.open(fFrame, start, p - start, type === 0x03 ? 'ACK_ECN' : 'ACK');
        d.add(fFrameType, start, 1, type);
        d.add(fAckLargest, start + 1, largest[1], largest[0]);
        d.add(fAckDelay, start + 1 + largest[1], delay[1], delay[0]);
        d.add(fAckRanges, start + 1 + largest[1] + delay[1], count[1], count[0]);
        d.close();
      }
      continue;
    }
    if (type === 0x06) {
      const o = readVarint(buf, p, end);
      if (o === null) return false;
      const l = readVarint(buf, p + o[1], end);
      if (l === null) return false;
      const dataOff = p + o[1] + l[1];
      if (dataOff + l[0] > end) return false;
      crypto.push({ offset: o[0], data: buf.subarray(dataOff, dataOff + l[0]) });
      names.push('CRYPTO');
      if (tree) {
        d.open(fFrame, start, dataOff + l[0] - start, `CRYPTO Offset: ${o[0]} Length: ${l[0]}`);
        d.add(fFrameType, start, 1, type, 'Frame Type: CRYPTO (0x0000000000000006)');
        d.add(fCryptoOffset, p, o[1], o[0]);
        d.add(fCryptoLength, p + o[1], l[1], l[0]);
        d.add(fCryptoData, dataOff, l[0], buf.subarray(dataOff, dataOff + l[0]), `Crypto Data (${l[0]} bytes)`);
        d.close();
      }
      p = dataOff + l[0];
      continue;
    }
    if (type === 0x1c || type === 0x1d) {
      const code = readVarint(buf, p, end);
      if (code === null) return false;
      p += code[1];
      if (type === 0x1c) {
        const ft = readVarint(buf, p, end);
        if (ft === null) return false;
        p += ft[1];
      }
      const rl = readVarint(buf, p, end);
      if (rl === null || p + rl[1] + rl[0] > end) return false;
      const reason = new TextDecoder('utf-8', { fatal: false }).decode(buf.subarray(p + rl[1], p + rl[1] + rl[0]));
      p += rl[1] + rl[0];
      names.push('CC');
      if (tree) {
        d.open(fFrame, start, p - start, 'CONNECTION_CLOSE');
        d.add(fFrameType, start, 1, type);
        d.add(fCcError, start + 1, code[1], code[0]);
        d.add(fCcReason, p - rl[0], rl[0], reason);
        d.close();
      }
      continue;
    }
    return false;
  }
  return true;
}
