/**
 * Follow stream: the payload of one TCP or UDP session in both directions, in the order tshark's
 * `-z follow,tcp|udp,…` (and Wireshark's Follow Stream dialog) presents it.
 *
 * The walk reads only the session's own packets (the store's session column, between the session's first and
 * last packet), re-dissects each one for its sequence number and payload position, and keeps per chunk only
 * WHERE its bytes are (frame, offset inside the transport payload, length) in typed arrays: no payload bytes
 * are held, so a gigabyte stream costs a few dozen bytes per segment. `read` re-dissects the frames of the
 * chunks asked for and copies their bytes out.
 *
 * TCP ordering follows Wireshark 4.0's follow_tcp_tap_listener / check_follow_fragments (packet-tcp.c):
 *  - the client (node 0) is the sender of the session's first packet;
 *  - per direction the next expected sequence number starts at the first segment seen in that direction;
 *  - a segment at the expected number is appended (a retransmission that starts earlier but carries new bytes
 *    contributes only those); one that starts later is held as a "fragment" until the gap before it fills;
 *  - held fragments are retried in arrival order after every in-order segment; one that now starts before the
 *    expected number contributes only its unseen tail; fully seen data is dropped (first copy wins);
 *  - when the other side acknowledges past the lowest held fragment, the missing bytes were lost by the capture,
 *    not the network: a "[N bytes missing in capture file]" marker is emitted and the stream jumps the gap.
 * UDP is simpler: every datagram of the session is one chunk, in capture order (empty ones included, as tshark).
 *
 * The walk is incremental (`advance` until a deadline), so a huge stream is served page by page while the rest
 * is still being read, and a live session keeps growing from where the walk stopped.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { PacketAccess } from '../capture/packet-access';
import { MODE_INDEX } from '../dissect/dissection';
import { SF_DIR_BA, SF_HAS_PORTS } from '../store/packet-store';

export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

/** Chunk kinds: payload bytes, or tshark's marker for bytes the receiver acknowledged but the capture lacks. */
export const CHUNK_DATA = 0;
export const CHUNK_MISSING = 1;

const TH_SYN = 0x02;
const TH_ACK = 0x10;

/** Wrap-around sequence comparisons (Wireshark's GT_SEQ/LT_SEQ/EQ_SEQ). */
const seqDiff = (a: number, b: number): number => (a - b) | 0;

/** A segment held until the gap before it fills: where its bytes are, not the bytes. */
interface Fragment {
  seq: number;
  frame: number;
  /** Offset of the fragment's first byte in the frame's captured TCP payload. */
  skip: number;
  len: number;
}

export interface FollowNode {
  /** Address as the packet list shows it ("10.0.0.1", "2001:db8::1"). */
  host: string;
  port: number;
}

/** One chunk as `read` returns it. `dir` 0 is client → server (node 0 → node 1), 1 server → client. */
export interface FollowChunk {
  dir: number;
  /** Frame the bytes came from (for the missing marker: the frame whose ACK revealed the gap). */
  frame: number;
  /** Bytes of the same direction before this chunk (data chunks only; markers add nothing). */
  offset: number;
  /** The payload bytes (empty for a missing marker). */
  data: Uint8Array;
  /** For a missing marker: how many bytes the capture lacks (as tshark computes it, may be inexact). */
  missing?: number;
}

/** Growable columns of the chunk list (typed arrays, doubled on demand). */
class ChunkColumns {
  count = 0;
  frame = new Uint32Array(64);
  dir = new Uint8Array(64);
  kind = new Uint8Array(64);
  skip = new Uint32Array(64);
  /** Data length, or the missing byte count (signed, as tshark prints it) for a marker. */
  len = new Int32Array(64);
  offset = new Float64Array(64);

  push(frame: number, dir: number, kind: number, skip: number, len: number, offset: number): number {
    if (this.count === this.frame.length) this.grow();
    const k = this.count++;
    this.frame[k] = frame;
    this.dir[k] = dir;
    this.kind[k] = kind;
    this.skip[k] = skip;
    this.len[k] = len;
    this.offset[k] = offset;
    return k;
  }

  private grow(): void {
    const n = this.frame.length * 2;
    const g = <T extends Uint32Array | Uint8Array | Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.frame = g(this.frame, (k) => new Uint32Array(k));
    this.dir = g(this.dir, (k) => new Uint8Array(k));
    this.kind = g(this.kind, (k) => new Uint8Array(k));
    this.skip = g(this.skip, (k) => new Uint32Array(k));
    this.len = g(this.len, (k) => new Int32Array(k));
    this.offset = g(this.offset, (k) => new Float64Array(k));
  }
}

/** A growable list of chunk ids (the chunks of one direction). */
class IdList {
  count = 0;
  ids = new Uint32Array(64);
  push(id: number): void {
    if (this.count === this.ids.length) {
      const b = new Uint32Array(this.ids.length * 2);
      b.set(this.ids);
      this.ids = b;
    }
    this.ids[this.count++] = id;
  }
}

/** Which chunks a page covers: both directions, or one (0 client → server, 1 server → client). */
export type FollowDirection = 'both' | 0 | 1;

/**
 * A view of the capture for the walk: no application-protocol state (nothing is decoded above the transport that
 * matters here, and the index pass's own state must not be disturbed), no TCP stream replay.
 */
function walkView(index: CaptureIndex): CaptureIndex {
  return Object.create(index, { appState: { value: null }, streams: { value: null } }) as CaptureIndex;
}

export class FollowIndex {
  readonly proto: number;
  /** 0-based store index of the next packet to look at. */
  private next: number;
  private readonly chunks = new ChunkColumns();
  private readonly perDir = [new IdList(), new IdList()];
  /** Payload bytes per direction (client → server, server → client). */
  readonly bytes = [0, 0];
  /** Packets of the session read so far (with a usable transport header). */
  packets = 0;
  /** Node 0 (the client: first packet's sender) and node 1; null until the first packet is read. */
  nodes: [FollowNode, FollowNode] | null = null;
  /** The store direction bit (SF_DIR_BA set or not) of the client's packets. */
  private clientBA = false;
  private readonly access: PacketAccess;

  // TCP state (tshark's follow_info): next expected sequence number, bytes appended, and held fragments.
  private readonly seq = [0, 0];
  private readonly started = [false, false];
  private readonly written = [0, 0];
  private readonly fragments: Fragment[][] = [[], []];

  constructor(
    private readonly index: CaptureIndex,
    readonly session: number,
  ) {
    if (session < 0 || session >= index.sessions.count) throw new RangeError(`no session ${session}`);
    this.proto = index.sessions.proto[session] as number;
    if (this.proto !== PROTO_TCP && this.proto !== PROTO_UDP) throw new RangeError(`session ${session} is neither TCP nor UDP`);
    this.next = (index.sessions.firstPacket[session] as number) - 1;
    this.access = new PacketAccess(walkView(index));
  }

  /** The display filter that isolates the stream, as Wireshark writes it. */
  get filter(): string {
    return `${this.proto === PROTO_TCP ? 'tcp' : 'udp'}.stream eq ${this.index.sessions.protoIndex[this.session] as number}`;
  }

  /** Every packet of the session indexed so far has been read (more may come while the capture grows). */
  get caughtUp(): boolean {
    return this.next >= this.lastIndex();
  }

  /** Chunks known so far in `dir`. */
  chunkCount(dir: FollowDirection): number {
    return dir === 'both' ? this.chunks.count : (this.perDir[dir] as IdList).count;
  }

  /**
   * Reads the session's packets until `deadline` (performance.now() milliseconds) or until `wanted` chunks of
   * `dir` exist. Returns true when it caught up with the index.
   */
  advance(deadline: number, dir: FollowDirection = 'both', wanted = Infinity): boolean {
    const store = this.index.store;
    const sessions = store.session;
    const last = this.lastIndex();
    let n = 0;
    while (this.next < last) {
      const i = this.next++;
      if (sessions[i] !== this.session) continue;
      this.packet(i);
      // Check the clock every few packets: performance.now() is not free.
      if ((++n & 15) === 0 && (performance.now() >= deadline || this.chunkCount(dir) >= wanted)) break;
    }
    return this.next >= last;
  }

  /** Chunks [start, start+count) of `dir` with their bytes, stopping early past `maxBytes` (at least one). */
  read(dir: FollowDirection, start: number, count: number, maxBytes: number): FollowChunk[] {
    const out: FollowChunk[] = [];
    const c = this.chunks;
    const total = this.chunkCount(dir);
    let bytes = 0;
    let cached = -1;
    let payload: Uint8Array = new Uint8Array(0);
    for (let k = start; k < Math.min(total, start + count); k++) {
      const id = dir === 'both' ? k : ((this.perDir[dir] as IdList).ids[k] as number);
      const frame = c.frame[id] as number;
      const chunkDir = c.dir[id] as number;
      if (c.kind[id] === CHUNK_MISSING) {
        out.push({ dir: chunkDir, frame, offset: c.offset[id] as number, data: new Uint8Array(0), missing: c.len[id] as number });
        continue;
      }
      const len = c.len[id] as number;
      if (out.length > 0 && bytes + len > maxBytes) break;
      if (cached !== frame) {
        payload = this.payloadOf(frame - 1);
        cached = frame;
      }
      const skip = c.skip[id] as number;
      // A frame that cannot be read back the same way (file changed under us) yields what is there.
      const data = payload.slice(Math.min(skip, payload.length), Math.min(skip + len, payload.length));
      out.push({ dir: chunkDir, frame, offset: c.offset[id] as number, data });
      bytes += len;
    }
    return out;
  }

  private lastIndex(): number {
    // lastPacket is a frame number; the store may not have indexed that far (never beyond count).
    return Math.min(this.index.store.count, this.index.sessions.lastPacket[this.session] as number);
  }

  /** The captured transport payload of store packet `i` (a view into the reused dissection: copy to keep). */
  private payloadOf(i: number): Uint8Array {
    const d = this.access.dissect(i, MODE_INDEX);
    if (d.sport < 0 || d.payloadEnd <= d.payloadOff) return new Uint8Array(0);
    return d.buf.subarray(d.payloadOff, d.payloadEnd);
  }

  private packet(i: number): void {
    const store = this.index.store;
    const d = this.access.dissect(i, MODE_INDEX);
    // A fragment that did not complete its datagram, or a header too short for ports: nothing to follow (tshark
    // sees the payload once, with the reassembled datagram).
    if (d.sport < 0 || d.ipProto !== this.proto || ((store.flags[i] as number) & SF_HAS_PORTS) === 0) return;
    const ba = ((store.flags[i] as number) & SF_DIR_BA) !== 0;
    if (this.nodes === null) {
      this.clientBA = ba;
      const ep = this.index.endpoints;
      this.nodes = [
        { host: ep.format(store.srcEp[i] as number), port: d.sport },
        { host: ep.format(store.dstEp[i] as number), port: d.dport },
      ];
    }
    this.packets++;
    const dir = ba === this.clientBA ? 0 : 1;
    const frame = i + 1;
    const captured = Math.max(0, d.payloadEnd - d.payloadOff);
    if (this.proto === PROTO_UDP) {
      this.append(frame, dir, 0, captured);
      return;
    }
    this.tcpSegment(frame, dir, d.tcpSeq, d.tcpAck, d.tcpFlags, d.tcpPayloadLen, captured);
  }

  /** follow_tcp_tap_listener, on positions instead of bytes. */
  private tcpSegment(frame: number, dir: number, rawSeq: number, ack: number, flags: number, segLen: number, captured: number): void {
    let sequence = (flags & TH_SYN) !== 0 ? (rawSeq + 1) >>> 0 : rawSeq;
    let length = segLen;
    let skip = 0;
    let dataLen = captured;
    const other = dir ^ 1;
    // This packet may acknowledge bytes of the other direction that the capture lost (Wireshark bug 592). Only
    // a packet with ACK set carries an acknowledgement number.
    if ((flags & TH_ACK) !== 0 && (this.fragments[other] as Fragment[]).length > 0) {
      while (this.checkFragments(other, ack, frame, true));
    }
    if (!this.started[dir] && this.written[dir] === 0) {
      this.started[dir] = true;
      this.seq[dir] = sequence;
    }
    const expected = this.seq[dir] as number;
    if (seqDiff(sequence, expected) < 0) {
      // Starts before what was seen: keep only the new tail of a retransmission that carries more.
      const nextSeq = (sequence + length) >>> 0;
      if (seqDiff(nextSeq, expected) > 0) {
        skip = seqDiff(expected, sequence);
        dataLen = dataLen <= skip ? 0 : dataLen - skip;
        sequence = expected;
        length = seqDiff(nextSeq, expected);
      }
    }
    if (dataLen === 0 || seqDiff(sequence, this.seq[dir] as number) < 0) return;
    if (sequence === this.seq[dir]) {
      this.seq[dir] = (this.seq[dir] as number) + length >>> 0;
      this.written[dir] = (this.written[dir] as number) + dataLen;
      this.append(frame, dir, skip, dataLen);
      while (this.checkFragments(dir, 0, frame, false));
    } else {
      (this.fragments[dir] as Fragment[]).push({ seq: sequence, frame, skip, len: dataLen });
    }
  }

  /** check_follow_fragments: applies at most one held fragment of `dir`; true when it did something. */
  private checkFragments(dir: number, acknowledged: number, frame: number, useAck: boolean): boolean {
    const list = this.fragments[dir] as Fragment[];
    if (list.length === 0) return false;
    let lowest = (list[0] as Fragment).seq;
    for (let k = 0; k < list.length; k++) {
      const f = list[k] as Fragment;
      if (seqDiff(lowest, f.seq) > 0) lowest = f.seq;
      const expected = this.seq[dir] as number;
      if (seqDiff(f.seq, expected) < 0) {
        const newSeq = (f.seq + f.len) >>> 0;
        if (seqDiff(newSeq, expected) > 0) {
          const newPos = seqDiff(expected, f.seq);
          if (f.len > newPos) this.append(f.frame, dir, f.skip + newPos, f.len - newPos);
          this.seq[dir] = (expected + (f.len - newPos)) >>> 0;
        }
        list.splice(k, 1);
        return true;
      }
      if (f.seq === expected) {
        if (f.len > 0) this.append(f.frame, dir, f.skip, f.len);
        this.seq[dir] = (expected + f.len) >>> 0;
        list.splice(k, 1);
        return true;
      }
    }
    if (useAck && seqDiff(acknowledged, lowest) > 0) {
      // The receiver got bytes the capture does not have: mark the gap and jump it.
      this.chunks.push(frame, dir, CHUNK_MISSING, 0, seqDiff(lowest, this.seq[dir] as number), this.bytes[dir] as number);
      (this.perDir[dir] as IdList).push(this.chunks.count - 1);
      this.seq[dir] = lowest;
      return true;
    }
    return false;
  }

  private append(frame: number, dir: number, skip: number, len: number): void {
    const id = this.chunks.push(frame, dir, CHUNK_DATA, skip, len, this.bytes[dir] as number);
    (this.perDir[dir] as IdList).push(id);
    this.bytes[dir] = (this.bytes[dir] as number) + len;
  }
}

/** tshark's text for a missing-bytes marker (it is part of tshark's stream output, NUL included). */
export function missingText(n: number): string {
  return `[${n} bytes missing in capture file]`;
}
