/**
 * Bidirectional sessions keyed by (protocol, endpoints, ports) — ICMP by echo id or type/code — held in
 * typed-array columns with an open-addressing index: a packet of a known session allocates nothing.
 *
 * A session's A side is the sender of its first packet (for TCP, the sender of the SYN when the handshake
 * was seen), as in tshark's conversation tables. An idle gap longer than the protocol's timeout, or a new SYN
 * on a closed TCP session, starts a new session on the same tuple.
 */

export const ST_SYN_SENT = 1;
export const ST_SYN_RECEIVED = 2;
export const ST_ESTABLISHED = 3;
/** Data seen without the handshake (capture started mid-connection). */
export const ST_MIDSTREAM = 4;
/** One side sent FIN. */
export const ST_CLOSING = 5;
/** Both sides sent FIN. */
export const ST_CLOSED = 6;
export const ST_RESET = 7;
export const ST_TIMED_OUT = 8;
/** Non-TCP session that is still within its idle timeout. */
export const ST_ACTIVE = 9;

export const STATE_NAMES: Record<number, string> = {
  [ST_SYN_SENT]: 'syn-sent',
  [ST_SYN_RECEIVED]: 'syn-received',
  [ST_ESTABLISHED]: 'established',
  [ST_MIDSTREAM]: 'midstream',
  [ST_CLOSING]: 'closing',
  [ST_CLOSED]: 'closed-fin',
  [ST_RESET]: 'closed-rst',
  [ST_TIMED_OUT]: 'timed-out',
  [ST_ACTIVE]: 'active',
};

// TCP event bits kept per session.
export const TS_SYN_A = 1;
export const TS_SYNACK_B = 2;
export const TS_HANDSHAKE = 4; // the three-way handshake was seen completely
export const TS_FIN_A = 8;
export const TS_FIN_B = 16;
export const TS_RST = 32;

export interface IdleTimeouts {
  /** Seconds of silence after which the same tuple starts a new session. */
  tcp: number;
  udp: number;
  icmp: number;
  other: number;
}

/** Defaults close to Zeek's inactivity timeouts; tshark never splits on idle time (use Infinity to match it). */
export const DEFAULT_TIMEOUTS: IdleTimeouts = { tcp: 3600, udp: 300, icmp: 60, other: 300 };

export class SessionTable {
  count = 0;
  private cap = 0;
  proto = new Uint8Array(0);
  epA = new Uint32Array(0);
  epB = new Uint32Array(0);
  portA = new Uint16Array(0);
  portB = new Uint16Array(0);
  pktsAB = new Float64Array(0);
  pktsBA = new Float64Array(0);
  bytesAB = new Float64Array(0);
  bytesBA = new Float64Array(0);
  firstSec = new Float64Array(0);
  firstNsec = new Uint32Array(0);
  lastSec = new Float64Array(0);
  lastNsec = new Uint32Array(0);
  firstPacket = new Uint32Array(0);
  lastPacket = new Uint32Array(0);
  state = new Uint8Array(0);
  tcpEvents = new Uint8Array(0);
  /** Base sequence numbers for relative numbering per direction (A→B, B→A); -1 when not known yet. */
  baseA = new Float64Array(0);
  baseB = new Float64Array(0);
  /** Window-scale shift each side announced in its SYN: -1 not seen yet, -2 SYN seen without the option. */
  /** Ordinal among sessions of the same IP protocol: what Wireshark calls tcp.stream / udp.stream. */
  protoIndex = new Uint32Array(0);
  private readonly perProto = new Uint32Array(256);
  wsA = new Int8Array(0);
  wsB = new Int8Array(0);

  private index = new Int32Array(1024).fill(-1);
  private mask = 1023;

  constructor(readonly timeouts: IdleTimeouts = DEFAULT_TIMEOUTS) {
    this.grow(1024);
  }

  /**
   * Finds the session for a tuple (allocation-free), or creates one. `dir` of the packet is written to
   * `out.dir` (0: A→B). Splits the tuple into a new session when the old one timed out or was closed and a
   * new TCP SYN opens it again.
   */
  lookup(
    proto: number,
    srcEp: number,
    sport: number,
    dstEp: number,
    dport: number,
    tsSec: number,
    tsNsec: number,
    frame: number,
    tcpFlags: number,
    out: { dir: number },
  ): number {
    const h = tupleHash(proto, srcEp, sport, dstEp, dport);
    let slot = h & this.mask;
    for (;;) {
      const id = this.index[slot] as number;
      if (id < 0) break;
      if (this.proto[id] === proto) {
        if (this.epA[id] === srcEp && this.portA[id] === sport && this.epB[id] === dstEp && this.portB[id] === dport) {
          out.dir = 0;
        } else if (this.epA[id] === dstEp && this.portA[id] === dport && this.epB[id] === srcEp && this.portB[id] === sport) {
          out.dir = 1;
        } else {
          slot = (slot + 1) & this.mask;
          continue;
        }
        if (!this.mustSplit(id, tsSec, tsNsec, tcpFlags)) return id;
        // Same tuple, new session: it replaces the old one in the index.
        if (this.state[id] !== ST_CLOSED && this.state[id] !== ST_RESET) this.state[id] = ST_TIMED_OUT;
        const fresh = this.create(proto, srcEp, sport, dstEp, dport, tsSec, tsNsec, frame);
        this.index[slot] = fresh;
        out.dir = 0;
        return fresh;
      }
      slot = (slot + 1) & this.mask;
    }
    const id = this.create(proto, srcEp, sport, dstEp, dport, tsSec, tsNsec, frame);
    this.index[slot] = id;
    out.dir = 0;
    if (this.count * 2 > this.mask) this.rehash();
    return id;
  }

  /** Seconds between a session's last packet and `tsSec/tsNsec`. */
  idleAt(id: number, tsSec: number, tsNsec: number): number {
    return tsSec - (this.lastSec[id] as number) + (tsNsec - (this.lastNsec[id] as number)) / 1e9;
  }

  timeoutFor(proto: number): number {
    if (proto === 6) return this.timeouts.tcp;
    if (proto === 17) return this.timeouts.udp;
    if (proto === 1 || proto === 58) return this.timeouts.icmp;
    return this.timeouts.other;
  }

  /** Marks sessions idle for longer than their timeout at the capture's end as timed out. */
  finish(endSec: number, endNsec: number): void {
    for (let id = 0; id < this.count; id++) {
      const st = this.state[id];
      if (st === ST_CLOSED || st === ST_RESET || st === ST_TIMED_OUT) continue;
      if (this.idleAt(id, endSec, endNsec) > this.timeoutFor(this.proto[id] as number)) this.state[id] = ST_TIMED_OUT;
    }
  }

  private mustSplit(id: number, tsSec: number, tsNsec: number, tcpFlags: number): boolean {
    const proto = this.proto[id] as number;
    if (this.idleAt(id, tsSec, tsNsec) > this.timeoutFor(proto)) return true;
    // A new connection reusing the ports of a finished one: a bare SYN after FIN/RST.
    if (proto === 6 && (tcpFlags & 0x12) === 0x02) {
      const st = this.state[id];
      return st === ST_CLOSED || st === ST_RESET;
    }
    return false;
  }

  private create(
    proto: number,
    srcEp: number,
    sport: number,
    dstEp: number,
    dport: number,
    tsSec: number,
    tsNsec: number,
    frame: number,
  ): number {
    // 1.5x: the columns are ~200 bytes a session, and doubling left up to half of them unused.
    if (this.count === this.cap) this.grow(Math.ceil(this.cap * 1.5));
    const id = this.count++;
    this.proto[id] = proto;
    this.epA[id] = srcEp;
    this.portA[id] = sport;
    this.epB[id] = dstEp;
    this.portB[id] = dport;
    this.pktsAB[id] = 0;
    this.pktsBA[id] = 0;
    this.bytesAB[id] = 0;
    this.bytesBA[id] = 0;
    this.firstSec[id] = tsSec;
    this.firstNsec[id] = tsNsec;
    this.lastSec[id] = tsSec;
    this.lastNsec[id] = tsNsec;
    this.firstPacket[id] = frame;
    this.lastPacket[id] = frame;
    this.state[id] = proto === 6 ? 0 : ST_ACTIVE;
    this.tcpEvents[id] = 0;
    this.baseA[id] = -1;
    this.baseB[id] = -1;
    this.wsA[id] = -1;
    this.wsB[id] = -1;
    this.protoIndex[id] = this.perProto[proto & 0xff]++;
    return id;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    const index = new Int32Array(size).fill(-1);
    const mask = size - 1;
    // Only the newest session of each tuple is indexed; later sessions of a tuple overwrite earlier ones.
    for (let id = 0; id < this.count; id++) {
      const h = tupleHash(this.proto[id] as number, this.epA[id] as number, this.portA[id] as number, this.epB[id] as number, this.portB[id] as number);
      let slot = h & mask;
      for (;;) {
        const other = index[slot] as number;
        if (other < 0) break;
        if (
          this.proto[other] === this.proto[id] &&
          this.epA[other] === this.epA[id] &&
          this.portA[other] === this.portA[id] &&
          this.epB[other] === this.epB[id] &&
          this.portB[other] === this.portB[id]
        ) break;
        if (
          this.proto[other] === this.proto[id] &&
          this.epA[other] === this.epB[id] &&
          this.portA[other] === this.portB[id] &&
          this.epB[other] === this.epA[id] &&
          this.portB[other] === this.portA[id]
        ) break;
        slot = (slot + 1) & mask;
      }
      index[slot] = id;
    }
    this.index = index;
    this.mask = mask;
  }

  private grow(cap: number): void {
    const n = Math.max(cap, 16);
    const g = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array | Int8Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.proto = g(this.proto, new Uint8Array(n));
    this.epA = g(this.epA, new Uint32Array(n));
    this.epB = g(this.epB, new Uint32Array(n));
    this.portA = g(this.portA, new Uint16Array(n));
    this.portB = g(this.portB, new Uint16Array(n));
    this.pktsAB = g(this.pktsAB, new Float64Array(n));
    this.pktsBA = g(this.pktsBA, new Float64Array(n));
    this.bytesAB = g(this.bytesAB, new Float64Array(n));
    this.bytesBA = g(this.bytesBA, new Float64Array(n));
    this.firstSec = g(this.firstSec, new Float64Array(n));
    this.firstNsec = g(this.firstNsec, new Uint32Array(n));
    this.lastSec = g(this.lastSec, new Float64Array(n));
    this.lastNsec = g(this.lastNsec, new Uint32Array(n));
    this.firstPacket = g(this.firstPacket, new Uint32Array(n));
    this.lastPacket = g(this.lastPacket, new Uint32Array(n));
    this.state = g(this.state, new Uint8Array(n));
    this.tcpEvents = g(this.tcpEvents, new Uint8Array(n));
    this.baseA = g(this.baseA, new Float64Array(n));
    this.baseB = g(this.baseB, new Float64Array(n));
    this.protoIndex = g(this.protoIndex, new Uint32Array(n));
    this.wsA = g(this.wsA, new Int8Array(n));
    this.wsB = g(this.wsB, new Int8Array(n));
    this.cap = n;
  }
}

/** Direction-independent hash: both directions of a tuple land in the same probe chain. */
function tupleHash(proto: number, ep1: number, p1: number, ep2: number, p2: number): number {
  const a = Math.imul(ep1 ^ (p1 << 16), 0x9e3779b1) ^ Math.imul(ep2 ^ (p2 << 16), 0x9e3779b1);
  let h = (a ^ Math.imul(proto + 1, 0x85ebca6b)) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}
