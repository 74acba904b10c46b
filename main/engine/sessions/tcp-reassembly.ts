/**
 * TCP stream reassembly for stream protocols (StreamProtocol: DNS over TCP, HTTP, TLS, SIP over TCP …), per
 * session and direction, kept by the index pass:
 *
 *  - bytes are delivered in sequence order; a segment beyond the next expected sequence number is held (a
 *    copy) until the gap fills; bytes already delivered or held are dropped (first copy wins, Wireshark's
 *    default), so retransmissions, overlaps and duplicates never reach the protocol twice;
 *  - the protocol frames messages with `messageLength`; a message wholly inside the current segment is decoded
 *    on the frame's own buffer, one that spans segments is decoded when its last byte arrives, on a
 *    reassembled buffer ("Reassembled TCP"); -1 stops framing that direction for good (raw data);
 *  - memory is bounded: `maxPerDirection` bytes held per direction (pending message + out-of-order segments)
 *    and `maxTotal` across all; past either bound the direction gives up what it holds, counts a gap and
 *    resynchronises at the current segment. A message longer than the per-direction bound is skipped.
 *
 * What each frame did is its RS_* state (stored in the packet's analysis column). Frames whose decoding
 * cannot be redone from their own bytes (RS_RECORDED: reassembled messages, or messages not starting at the
 * payload's start) get a record listing, per decoded message, the frames and byte ranges it came from;
 * `TcpStreamReplay` below replays it for an on-demand re-dissection, like replayDefrag for IP fragments.
 *
 * Packets that carry no stream-protocol payload never reach this class (tcp.ts only calls `deliver` for
 * them), and a segment that is in order and holds whole messages allocates nothing.
 */
import type { Dissection } from '../dissect/dissection';
import type { StreamProtocol } from '../dissect/tables';
import { RS_NORMAL, RS_NOT_DELIVERED, RS_RECORDED, RS_SEGMENT, TcpStreamStateSource } from '../dissect/protocols/tcp-analysis';

const TH_SYN = 0x02;

export interface TcpReassemblyOptions {
  /** Bytes held per direction (pending message + out-of-order segments). Default 1 MiB. */
  maxPerDirection?: number;
  /** Bytes held across all directions. Default 64 MiB. */
  maxTotal?: number;
  /** Keep per-frame records for on-demand replay (off for pure streaming consumers). Default true. */
  record?: boolean;
}

/** Bytes of one frame that make up (part of) a message. */
export interface StreamPiece {
  readonly frame: number;
  /** Offset of the bytes in the frame's captured data (unused when `bytes` is set). */
  readonly at: number;
  readonly len: number;
  /** A copy, when the bytes cannot be found again in the frame's data (TCP inside a reassembled IP datagram). */
  readonly bytes: Uint8Array | null;
}

/** One message decoded while dissecting a frame: inside its own payload, or reassembled from pieces. */
export type StreamDelivery =
  | { readonly kind: 'frame'; /** relative to the TCP payload's start */ readonly off: number; readonly len: number }
  | { readonly kind: 'pieces'; readonly pieces: readonly StreamPiece[] };

export interface TcpReassemblyStats {
  /** Messages decoded from a reassembled buffer. */
  reassembled: number;
  /** Bytes dropped because they were already delivered or held (retransmissions, overlaps). */
  duplicateBytes: number;
  /** Times a direction gave up what it held to stay within the memory bounds. */
  gaps: number;
  /** Messages skipped because they were longer than the per-direction bound. */
  skipped: number;
}

/** An out-of-order segment held until the gap before it fills. */
interface Held {
  seq: number;
  data: Uint8Array;
  frame: number;
  /** Offset of `data` in the frame's captured bytes, -1 when it came from a reassembled IP buffer. */
  at: number;
}

/** Mutable pieces list of the message in progress. */
interface PendPiece {
  frame: number;
  at: number;
  len: number;
  bytes: Uint8Array | null;
}

class Direction {
  /** Next sequence number to deliver (raw, 32-bit). */
  nextSeq = 0;
  started = false;
  raw = false;
  /** Bytes still to skip of a message too long to hold. */
  skip = 0;
  /** The message in progress: its bytes so far, their pieces, and its length once known (0 unknown). */
  pend: Uint8Array = new Uint8Array(0);
  pendLen = 0;
  pieces: PendPiece[] = [];
  msgLen = 0;
  /** Out-of-order segments, sorted by sequence number, never overlapping each other. */
  held: Held[] = [];
  heldBytes = 0;
  /** Highest ACK the other side sent for this direction's data (valid when peerAckSet). */
  peerAck = 0;
  peerAckSet = false;
}

const seqDiff = (a: number, b: number): number => (a - b) | 0;

export class TcpReassembler implements TcpStreamStateSource {
  readonly stats: TcpReassemblyStats = { reassembled: 0, duplicateBytes: 0, gaps: 0, skipped: 0 };
  frameState = RS_NORMAL;
  private readonly maxPerDirection: number;
  private readonly maxTotal: number;
  private readonly record: boolean;
  private readonly dirs = new Map<number, Direction>();
  private readonly records = new Map<number, StreamDelivery[]>();
  /** Bytes held across all directions. */
  heldTotal = 0;

  // Per-deliver scratch (one packet at a time).
  private d: Dissection | null = null;
  private p: StreamProtocol | null = null;
  private payloadOff = 0;
  private deliveries: StreamDelivery[] | null = null;
  /** Whether the current frame's decoding so far is what decodeWholeMessages(payload) would do. */
  private plain = true;
  private plainNext = 0;
  private decoded = 0;
  private accepted = false;

  constructor(opts: TcpReassemblyOptions = {}) {
    this.maxPerDirection = opts.maxPerDirection ?? 1 << 20;
    this.maxTotal = opts.maxTotal ?? 64 << 20;
    this.record = opts.record ?? true;
  }

  /** Call before each packet so `frameState` never describes an earlier one. */
  beginFrame(): void {
    this.frameState = RS_NORMAL;
  }

  /** What frame `frame` decoded, when the index pass recorded it (RS_RECORDED frames). */
  recordOf(frame: number): readonly StreamDelivery[] | undefined {
    return this.records.get(frame);
  }

  /** Bytes the direction holds (for the memory-bound tests). */
  heldIn(sessionId: number, direction: number): number {
    const st = this.dirs.get(sessionId * 2 + direction);
    return st === undefined ? 0 : st.pendLen + st.heldBytes;
  }

  deliver(d: Dissection, protocol: StreamProtocol, off: number, end: number): void {
    this.frameState = RS_NORMAL;
    if (d.sessionId < 0) {
      // No session to keep state in: decode what lies wholly in the segment.
      decodeInSegment(d, protocol, off, end);
      return;
    }
    const key = d.sessionId * 2 + d.direction;
    let st = this.dirs.get(key);
    if (st === undefined) {
      st = new Direction();
      this.dirs.set(key, st);
    }
    // SYN takes one sequence number: data on a SYN (TCP Fast Open) starts after it.
    const seq = (d.tcpSeq + ((d.tcpFlags & TH_SYN) !== 0 ? 1 : 0)) >>> 0;
    if (!st.started) {
      st.started = true;
      // From the ISN when the handshake was seen (data before the first one seen is then detected as
      // missing), else from this segment.
      st.nextSeq = d.tcpSeqBase >= 0 && (d.tcpFlags & TH_SYN) === 0 && seqDiff(seq, (d.tcpSeqBase + 1) >>> 0) >= 0 ? (d.tcpSeqBase + 1) >>> 0 : seq;
    }
    if (st.raw) {
      this.frameState = RS_NOT_DELIVERED;
      return;
    }

    this.d = d;
    this.p = protocol;
    this.payloadOff = off;
    this.deliveries = null;
    this.plain = true;
    this.plainNext = off;
    this.decoded = 0;
    this.accepted = false;
    const origBuf = d.buf;
    const origSource = d.source;
    try {
      this.segment(st, seq, off, end);
    } finally {
      if (d.buf !== origBuf) {
        d.switchBuffer(origBuf, origSource ?? '');
        d.source = origSource;
      }
      this.d = null;
      this.p = null;
    }

    if (this.decoded === 0) this.frameState = this.accepted ? RS_SEGMENT : RS_NOT_DELIVERED;
    else if (this.plain) this.frameState = RS_NORMAL;
    else {
      this.frameState = RS_RECORDED;
      if (this.record && this.deliveries !== null) this.records.set(d.frame.number, this.deliveries);
    }
  }

  private segment(st: Direction, seq: number, off: number, end: number): void {
    const d = this.d as Dissection;
    const len = end - off;
    let rel = seqDiff(seq, st.nextSeq);
    if (rel > 0) {
      // Beyond a gap: hold a copy, unless that breaks a memory bound.
      if (st.heldBytes + st.pendLen + len > this.maxPerDirection || this.heldTotal + len > this.maxTotal) {
        this.giveUp(st, seq);
        rel = 0;
      } else {
        this.hold(st, seq, off, end);
        // The receiver acknowledged bytes past the gap: they were lost to the capture, not to the network,
        // and will never come. Resynchronise at the held data instead of waiting for a bound.
        while (st.held.length > 0 && st.peerAckSet && seqDiff(st.peerAck, st.nextSeq) > 0 && !st.raw) {
          this.skipGap(st, (st.held[0] as Held).seq);
          this.drain(st);
        }
        return;
      }
    }
    if (rel + len <= 0) {
      this.stats.duplicateBytes += len;
      return;
    }
    if (rel < 0) this.stats.duplicateBytes -= rel;
    const from = off - rel;
    this.accepted = true;
    this.feed(st, d.buf, from, end, d.frame.number, d.buf === d.frameData ? from : -1, true);
    st.nextSeq = (seq + len) >>> 0;
    this.drain(st);
  }

  /** Delivers held segments that the next expected sequence number has reached. */
  private drain(st: Direction): void {
    while (st.held.length > 0 && !st.raw) {
      const h = st.held[0] as Held;
      const rel = seqDiff(h.seq, st.nextSeq);
      if (rel > 0) break;
      st.held.shift();
      st.heldBytes -= h.data.length;
      this.heldTotal -= h.data.length;
      if (rel + h.data.length <= 0) continue;
      this.plain = false;
      this.feed(st, h.data, -rel, h.data.length, h.frame, h.at < 0 ? -1 : h.at - rel, false);
      st.nextSeq = (h.seq + h.data.length) >>> 0;
    }
  }

  /** Keeps the parts of [seq, seq+len) no held segment covers yet (first copy wins). */
  private hold(st: Direction, seq: number, off: number, end: number): void {
    const d = this.d as Dissection;
    const frame = d.frame.number;
    const inFrame = d.buf === d.frameData;
    let s = 0;
    const len = end - off;
    let i = 0;
    const held = st.held;
    while (s < len) {
      // First held segment that ends after seq+s.
      while (i < held.length && seqDiff(((held[i] as Held).seq + (held[i] as Held).data.length) >>> 0, (seq + s) >>> 0) <= 0) i++;
      const next = held[i];
      let e = len;
      if (next !== undefined) {
        const startRel = seqDiff(next.seq, seq);
        if (startRel <= s) {
          // Covered: skip to its end.
          const covEnd = startRel + next.data.length;
          this.stats.duplicateBytes += Math.min(covEnd, len) - s;
          s = covEnd;
          i++;
          continue;
        }
        e = Math.min(len, startRel);
      }
      const data = d.buf.slice(off + s, off + e);
      held.splice(i, 0, { seq: (seq + s) >>> 0, data, frame, at: inFrame ? off + s : -1 });
      i++;
      st.heldBytes += data.length;
      this.heldTotal += data.length;
      this.accepted = true;
      s = e;
    }
  }

  /** Drops what the direction holds and restarts at `seq` (a gap the protocol will see as a new start). */
  private giveUp(st: Direction, seq: number): void {
    this.stats.gaps++;
    this.heldTotal -= st.heldBytes;
    st.held = [];
    st.heldBytes = 0;
    this.clearPend(st);
    st.skip = 0;
    st.nextSeq = seq;
    this.plain = false;
  }

  /** Jumps over missing bytes to `seq`; the message in progress lost its tail and is dropped. */
  private skipGap(st: Direction, seq: number): void {
    this.stats.gaps++;
    this.clearPend(st);
    st.skip = 0;
    st.nextSeq = seq;
    this.plain = false;
  }

  /**
   * The other side acknowledged `ack` for a direction's data (every TCP packet with ACK, from the index
   * pass): lets a gap the receiver has already got past be skipped instead of held until a bound.
   */
  onAck(sessionId: number, direction: number, ack: number): void {
    const st = this.dirs.get(sessionId * 2 + direction);
    if (st === undefined) return;
    if (!st.peerAckSet || seqDiff(ack, st.peerAck) > 0) st.peerAck = ack;
    st.peerAckSet = true;
  }

  private clearPend(st: Direction): void {
    this.heldTotal -= st.pendLen;
    st.pendLen = 0;
    st.msgLen = 0;
    st.pieces = [];
    releasePend(st);
  }

  /**
   * Frames bytes [pos, end) of `src`, in sequence. `at` is where `src[pos]` lies in `frame`'s captured data
   * (-1: not there). `current` says `src` is the current packet's buffer, where whole messages are decoded
   * in place.
   */
  private feed(st: Direction, src: Uint8Array, pos: number, end: number, frame: number, at: number, current: boolean): void {
    const p = this.p as StreamProtocol;
    const atBase = at < 0 ? -1 : at - pos;
    while (pos < end && !st.raw) {
      if (st.skip > 0) {
        const n = Math.min(st.skip, end - pos);
        st.skip -= n;
        pos += n;
        this.plain = false;
        continue;
      }
      if (st.pendLen === 0 && current) {
        const len = p.messageLength(src, pos, end);
        if (len < 0) {
          st.raw = true;
          return;
        }
        if (len > 0 && pos + len <= end) {
          this.decodeInFrame(pos, len);
          pos += len;
          continue;
        }
        if (len > this.maxPerDirection) {
          this.stats.skipped++;
          st.skip = len;
          continue;
        }
      }
      // Accumulate into the message in progress; take no more than it needs once its length is known.
      let take = end - pos;
      if (st.msgLen > 0) take = Math.min(take, st.msgLen - st.pendLen);
      if (st.pendLen + take > this.maxPerDirection || this.heldTotal + take > this.maxTotal) {
        // The message cannot be held: skip it when its length is known, else stop framing.
        this.stats.skipped++;
        if (st.msgLen > 0) st.skip = st.msgLen - st.pendLen;
        else st.raw = true;
        this.clearPend(st);
        this.plain = false;
        continue;
      }
      this.append(st, src, pos, take, frame, atBase < 0 ? -1 : atBase + pos);
      pos += take;
      // Frame what the pending bytes hold now.
      for (;;) {
        if (st.msgLen === 0) {
          const len = p.messageLength(st.pend, 0, st.pendLen);
          if (len < 0) {
            st.raw = true;
            this.clearPend(st);
            return;
          }
          if (len === 0) break;
          st.msgLen = len;
        }
        if (st.pendLen < st.msgLen) {
          if (st.msgLen > this.maxPerDirection) {
            this.stats.skipped++;
            st.skip = st.msgLen - st.pendLen;
            this.clearPend(st);
          }
          break;
        }
        const leftover = st.pendLen - st.msgLen;
        this.decodePending(st, st.msgLen);
        if (leftover === 0) {
          this.clearPend(st);
          break;
        }
        if (current && leftover <= take) {
          // The rest came from this packet: frame it again in place.
          this.clearPend(st);
          pos -= leftover;
          break;
        }
        this.shiftPending(st, st.msgLen);
      }
    }
  }

  private append(st: Direction, src: Uint8Array, pos: number, n: number, frame: number, at: number): void {
    if (st.pendLen + n > st.pend.length) {
      const grown = new Uint8Array(Math.max(st.pendLen + n, st.pend.length * 2, 256));
      grown.set(st.pend.subarray(0, st.pendLen));
      st.pend = grown;
    }
    st.pend.set(src.subarray(pos, pos + n), st.pendLen);
    st.pendLen += n;
    this.heldTotal += n;
    const last = st.pieces[st.pieces.length - 1];
    if (last !== undefined && last.frame === frame && last.bytes === null && at >= 0 && last.at + last.len === at) last.len += n;
    else st.pieces.push({ frame, at, len: n, bytes: at < 0 ? src.slice(pos, pos + n) : null });
  }

  /** Removes the first `n` pending bytes (a decoded message) and their pieces. */
  private shiftPending(st: Direction, n: number): void {
    st.pend.copyWithin(0, n, st.pendLen);
    st.pendLen -= n;
    if (st.pendLen === 0) releasePend(st);
    this.heldTotal -= n;
    st.msgLen = 0;
    let left = n;
    while (left > 0 && st.pieces.length > 0) {
      const pc = st.pieces[0] as PendPiece;
      if (pc.len <= left) {
        left -= pc.len;
        st.pieces.shift();
      } else {
        pc.at = pc.at < 0 ? -1 : pc.at + left;
        if (pc.bytes !== null) pc.bytes = pc.bytes.subarray(left);
        pc.len -= left;
        left = 0;
      }
    }
  }

  private decodeInFrame(pos: number, len: number): void {
    const d = this.d as Dissection;
    if (pos !== this.plainNext) this.plain = false;
    this.plainNext = pos + len;
    this.decoded++;
    this.recordDelivery({ kind: 'frame', off: pos - this.payloadOff, len });
    (this.p as StreamProtocol).decode(d, pos, pos + len);
  }

  private decodePending(st: Direction, n: number): void {
    const d = this.d as Dissection;
    this.plain = false;
    this.decoded++;
    this.stats.reassembled++;
    // Pieces of exactly the first n bytes (the list may run past the message).
    const pieces: StreamPiece[] = [];
    let left = n;
    for (const pc of st.pieces) {
      if (left <= 0) break;
      const k = Math.min(pc.len, left);
      pieces.push({ frame: pc.frame, at: pc.at, len: k, bytes: pc.bytes === null ? null : pc.bytes.subarray(0, k) });
      left -= k;
    }
    this.recordDelivery({ kind: 'pieces', pieces });
    // A copy: the decoder's tree may keep views of the message after the pending buffer is reused.
    decodeReassembled(d, this.p as StreamProtocol, st.pend.slice(0, n));
  }

  private recordDelivery(x: StreamDelivery): void {
    if (!this.record) return;
    (this.deliveries ??= []).push(x);
  }
}

function decodeInSegment(d: Dissection, p: StreamProtocol, off: number, end: number): void {
  while (off < end) {
    const len = p.messageLength(d.buf, off, end);
    if (len <= 0 || off + len > end) return;
    p.decode(d, off, off + len);
    off += len;
  }
}

/** Decodes one whole message held in `msg`, then returns to the buffer the packet was being decoded on. */
function decodeReassembled(d: Dissection, p: StreamProtocol, msg: Uint8Array): void {
  const buf = d.buf;
  const source = d.source;
  d.switchBuffer(msg, 'Reassembled TCP');
  try {
    p.decode(d, 0, msg.length);
  } finally {
    d.switchBuffer(buf, source ?? '');
    d.source = source;
  }
}

/**
 * On-demand replay of one frame's stream payload (PacketAccess): does exactly what the index pass did for
 * it, from its RS_* state and record, reading other frames' bytes through `load` (captured data by frame
 * number). Holds no state across packets.
 */
export class TcpStreamReplay implements TcpStreamStateSource {
  constructor(
    public frameState: number,
    private record: readonly StreamDelivery[] | undefined,
    private readonly load: (frame: number) => Uint8Array | null,
  ) {}

  /** Points the replay at another frame (one instance serves every re-dissection of a PacketAccess). */
  set(frameState: number, record: readonly StreamDelivery[] | undefined): void {
    this.frameState = frameState;
    this.record = record;
  }

  deliver(d: Dissection, protocol: StreamProtocol, off: number, end: number): void {
    const state = this.frameState;
    if (state === RS_NORMAL) {
      decodeInSegment(d, protocol, off, end);
      return;
    }
    if (state !== RS_RECORDED || this.record === undefined) return;
    for (const x of this.record) {
      if (x.kind === 'frame') {
        protocol.decode(d, off + x.off, off + x.off + x.len);
        continue;
      }
      const msg = replayPieces(x.pieces, d.frame.number, d.frameData, this.load);
      if (msg !== null) decodeReassembled(d, protocol, msg);
    }
  }
}

/** Rebuilds a reassembled message from its pieces (null when a frame cannot be read back). */
export function replayPieces(pieces: readonly StreamPiece[], self: number, selfData: Uint8Array, load: (frame: number) => Uint8Array | null): Uint8Array | null {
  let total = 0;
  for (const pc of pieces) total += pc.len;
  const out = new Uint8Array(total);
  let o = 0;
  const cache = new Map<number, Uint8Array | null>();
  for (const pc of pieces) {
    let src: Uint8Array | null = pc.bytes;
    let at = 0;
    if (src === null) {
      if (pc.frame === self) src = selfData;
      else {
        if (!cache.has(pc.frame)) cache.set(pc.frame, load(pc.frame));
        src = cache.get(pc.frame) ?? null;
      }
      at = pc.at;
    }
    if (src === null || at + pc.len > src.length) return null;
    out.set(src.subarray(at, at + pc.len), o);
    o += pc.len;
  }
  return out;
}

/** Pending buffers kept when empty; a larger one is dropped (tens of thousands of idle streams each kept
 * the capacity of their largest message: ~100 MB on a 1M-packet capture). */
const KEEP_PEND_BYTES = 4096;
const NO_PEND = new Uint8Array(0);

function releasePend(st: Direction): void {
  if (st.pend.length > KEEP_PEND_BYTES) st.pend = NO_PEND;
}
