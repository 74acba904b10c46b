/**
 * Wireshark-like TCP sequence analysis (tcp.analysis.*), run by the session tracker on every top-level TCP
 * segment of the index pass. State is per session and direction in typed arrays (no per-packet allocation):
 * next expected sequence number, highest contiguous sequence number, last ACK and window, dup-ACK counter …
 *
 * The checks follow the order of Wireshark's tcp_analyze_sequence_number() (packet-tcp.c, 4.0), on relative
 * sequence numbers as Wireshark uses them (0 doubles as "not seen yet", exactly as there), so the same
 * captures get the same flags. The result is stored per packet (PacketStore.analysis), never recomputed.
 */
import type { Dissection } from '../dissect/dissection';
import {
  TA_ACK_LOST_SEGMENT,
  TA_DUPLICATE_ACK,
  TA_FAST_RETRANSMISSION,
  TA_KEEP_ALIVE,
  TA_KEEP_ALIVE_ACK,
  TA_LOST_SEGMENT,
  TA_OUT_OF_ORDER,
  TA_RETRANSMISSION,
  TA_SPURIOUS_RETRANSMISSION,
  TA_WINDOW_UPDATE,
  TA_ZERO_WINDOW,
  TA_ZERO_WINDOW_PROBE,
  TA_ZERO_WINDOW_PROBE_ACK,
} from '../dissect/protocols/tcp-analysis';

const TH_FIN = 0x01;
const TH_SYN = 0x02;
const TH_RST = 0x04;
const TH_ACK = 0x10;

/** Wireshark's initial window value: "no window seen yet" must never equal a real one (nor zero). */
const NO_WINDOW = 0xffffffff;
/** A retransmission within this many ns of the reverse direction's last dup ACK is a fast retransmission. */
const FAST_RETRANS_NS = 20_000_000;
/** Out-of-order threshold when no handshake RTT is known (Wireshark's 3 ms). */
const DEFAULT_OOO_NS = 3_000_000;

const gt = (a: number, b: number): boolean => ((a - b) | 0) > 0;
const lt = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const le = (a: number, b: number): boolean => ((a - b) | 0) <= 0;

export class TcpAnalyzer {
  /** Sessions whose state is initialised (ids below this). */
  private sessions = 0;
  private cap = 0;
  // Per direction, at [session * 2 + dir].
  private nextSeq = new Uint32Array(0);
  private nextSeqSec = new Float64Array(0);
  private nextSeqNsec = new Uint32Array(0);
  private maxSeqToBeAcked = new Uint32Array(0);
  private lastAck = new Uint32Array(0);
  private lastAckSec = new Float64Array(0);
  private lastAckNsec = new Uint32Array(0);
  private window = new Float64Array(0);
  private dupAckNum = new Uint32Array(0);
  private lastNonDupAck = new Uint32Array(0);
  private lastSegFlags = new Uint16Array(0);
  // Per session: time of the latest bare SYN and the handshake RTT (SYN to first ACK), 0 unknown.
  private synSec = new Float64Array(0);
  private synNsec = new Uint32Array(0);
  private firstRttNs = new Float64Array(0);

  // Sparse log of duplicate ACKs for the "[TCP Dup ACK 12#1]" text: frame numbers increase in the pass.
  private dupCount = 0;
  private dupFrame = new Uint32Array(64);
  private dupOf = new Uint32Array(64);
  private dupNum = new Uint32Array(64);

  /** Set by `analyze` for TA_DUPLICATE_ACK. */
  lastDupAckFrame = 0;
  lastDupAckNum = 0;

  /**
   * Analyses one top-level TCP segment after the tracker set the session, direction, sequence bases and
   * window scale on `d` (`d.tcpWin` is still the raw header value). Returns the TA_* bits.
   */
  analyze(d: Dissection, id: number, dir: number): number {
    this.ensure(id);
    const fw = id * 2 + dir;
    const rv = id * 2 + (dir ^ 1);
    const flags = d.tcpFlags;
    const seq = d.tcpSeqBase >= 0 ? (d.tcpSeq - d.tcpSeqBase) >>> 0 : d.tcpSeq;
    // Wireshark reads the ACK number as 0 when the ACK flag is clear.
    const ack = (flags & TH_ACK) === 0 ? 0 : d.tcpAckBase >= 0 ? (d.tcpAck - d.tcpAckBase) >>> 0 : d.tcpAck;
    const seglen = d.tcpPayloadLen;
    const scale = d.tcpWinScale;
    const window = (flags & TH_SYN) === 0 && scale >= 0 ? d.tcpWin * 2 ** scale : d.tcpWin;
    const sec = d.frame.tsSec;
    const nsec = d.frame.tsNsec;
    const frame = d.frame.number;

    if ((flags & (TH_SYN | TH_ACK)) === TH_SYN) {
      this.synSec[id] = sec;
      this.synNsec[id] = nsec;
    } else if ((flags & (TH_SYN | TH_ACK)) === TH_ACK && this.firstRttNs[id] === 0 && (this.synSec[id] !== 0 || this.synNsec[id] !== 0)) {
      this.firstRttNs[id] = (sec - (this.synSec[id] as number)) * 1e9 + (nsec - (this.synNsec[id] as number));
    }

    const nextSeq = this.nextSeq[fw] as number;
    const lastAck = this.lastAck[fw] as number;
    const noSfr = (flags & (TH_SYN | TH_FIN | TH_RST)) === 0;
    let ta = 0;

    fwd: {
      // Zero window probe: one byte at the next expected sequence number into a closed window.
      if (seglen === 1 && seq === nextSeq && this.window[rv] === 0) {
        ta |= TA_ZERO_WINDOW_PROBE;
        break fwd;
      }
      if (window === 0 && noSfr) ta |= TA_ZERO_WINDOW;
      // Data beyond the highest sequence number seen: a segment before it was not captured.
      if (nextSeq !== 0 && gt(seq, nextSeq) && (flags & TH_RST) === 0) ta |= TA_LOST_SEGMENT;
      // Keep-alive: 0 or 1 byte starting one before the next expected sequence number.
      if ((seglen === 0 || seglen === 1) && seq === ((nextSeq - 1) >>> 0) && noSfr) ta |= TA_KEEP_ALIVE;
      const sameSeqAck = seglen === 0 && seq === nextSeq && ack === lastAck && noSfr;
      if (sameSeqAck && window !== 0 && window !== this.window[fw]) ta |= TA_WINDOW_UPDATE;
      if (sameSeqAck && window !== 0 && window === this.window[fw] && ((this.lastSegFlags[rv] as number) & TA_KEEP_ALIVE) !== 0) {
        ta |= TA_KEEP_ALIVE_ACK;
        break fwd;
      }
      if (sameSeqAck && window === 0 && window === this.window[fw] && ((this.lastSegFlags[rv] as number) & TA_ZERO_WINDOW_PROBE) !== 0) {
        ta |= TA_ZERO_WINDOW_PROBE_ACK;
        break fwd;
      }
      if (sameSeqAck && window !== 0 && window === this.window[fw]) {
        const n = ((this.dupAckNum[fw] as number) + 1) >>> 0;
        this.dupAckNum[fw] = n;
        ta |= TA_DUPLICATE_ACK;
        this.logDupAck(frame, this.lastNonDupAck[fw] as number, n);
      }
    }

    // A new ACK value resets the dup-ACK count.
    if (ack !== lastAck) {
      this.lastNonDupAck[fw] = frame;
      this.dupAckNum[fw] = 0;
    }

    // ACK beyond what the other side is known to have sent contiguously: its segment was not captured.
    const revMax = this.maxSeqToBeAcked[rv] as number;
    if (revMax !== 0 && gt(ack, revMax) && (flags & TH_ACK) !== 0) {
      ta |= TA_ACK_LOST_SEGMENT;
      this.maxSeqToBeAcked[rv] = this.nextSeq[rv] as number;
    }

    // Data (or SYN/FIN) that does not advance the sequence number: which kind of repeat is it?
    if (seglen > 0 || (flags & (TH_SYN | TH_FIN)) !== 0) {
      retrans: {
        // More than one byte starting one before the next expected number adds new data (it follows a
        // zero-window probe): not a repeat.
        const notAdvanced = nextSeq !== 0 && lt(seq, nextSeq) && !(seglen > 1 && seq === ((nextSeq - 1) >>> 0));
        if ((ta & TA_KEEP_ALIVE) !== 0) break retrans;
        let t = (sec - (this.lastAckSec[rv] as number)) * 1e9 + (nsec - (this.lastAckNsec[rv] as number));
        if (notAdvanced && (this.dupAckNum[rv] as number) >= 2 && this.lastAck[rv] === seq && t < FAST_RETRANS_NS) {
          ta |= TA_FAST_RETRANSMISSION;
          break retrans;
        }
        t = (sec - (this.nextSeqSec[fw] as number)) * 1e9 + (nsec - (this.nextSeqNsec[fw] as number));
        const rtt = this.firstRttNs[id] as number;
        const oooThreshold = rtt !== 0 ? rtt : DEFAULT_OOO_NS;
        // tshark 4.0 counts the SYN/FIN sequence number here (a repeated FIN is a retransmission, not OOO).
        const end = (seq + seglen + ((flags & (TH_SYN | TH_FIN)) !== 0 ? 1 : 0)) >>> 0;
        if (notAdvanced && t < oooThreshold && nextSeq !== end) {
          ta |= TA_OUT_OF_ORDER;
          break retrans;
        }
        const revAck = this.lastAck[rv] as number;
        if (seglen > 0 && revAck !== 0 && le((seq + seglen) >>> 0, revAck)) {
          ta |= TA_SPURIOUS_RETRANSMISSION;
          break retrans;
        }
        if (notAdvanced) ta |= TA_RETRANSMISSION;
      }
    }

    let next = (seq + seglen) >>> 0;
    if ((flags & (TH_SYN | TH_FIN)) !== 0) next = (next + 1) >>> 0; // SYN and FIN take one sequence number
    // The highest sequence number seen; a zero-window probe's byte does not count.
    const zwp = (ta & TA_ZERO_WINDOW_PROBE) !== 0;
    if ((gt(next, this.nextSeq[fw] as number) || this.nextSeq[fw] === 0) && !zwp) {
      this.nextSeq[fw] = next;
      this.nextSeqSec[fw] = sec;
      this.nextSeqNsec[fw] = nsec;
    }
    // The highest contiguous sequence number ('max seq to be acked') for the ACKed-unseen check.
    if ((seq === this.maxSeqToBeAcked[fw] || this.maxSeqToBeAcked[fw] === 0) && !zwp) this.maxSeqToBeAcked[fw] = this.nextSeq[fw] as number;

    this.window[fw] = window;
    this.lastAck[fw] = ack;
    this.lastAckSec[fw] = sec;
    this.lastAckNsec[fw] = nsec;
    this.lastSegFlags[fw] = ta;
    return ta;
  }

  /** For a frame flagged TA_DUPLICATE_ACK: [frame whose ACK it repeats, count], or null. */
  dupAckOf(frame: number): readonly [number, number] | null {
    let lo = 0;
    let hi = this.dupCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const f = this.dupFrame[mid] as number;
      if (f === frame) return [this.dupOf[mid] as number, this.dupNum[mid] as number];
      if (f < frame) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }

  private logDupAck(frame: number, of: number, num: number): void {
    this.lastDupAckFrame = of;
    this.lastDupAckNum = num;
    const i = this.dupCount;
    if (i > 0 && (this.dupFrame[i - 1] as number) >= frame) return; // a frame analysed twice keeps its first entry
    if (i === this.dupFrame.length) {
      this.dupFrame = grown(this.dupFrame, i * 2);
      this.dupOf = grown(this.dupOf, i * 2);
      this.dupNum = grown(this.dupNum, i * 2);
    }
    this.dupFrame[i] = frame;
    this.dupOf[i] = of;
    this.dupNum[i] = num;
    this.dupCount = i + 1;
  }

  private ensure(id: number): void {
    if (id < this.sessions) return;
    if (id >= this.cap) this.grow(Math.max(1024, Math.ceil(this.cap * 1.5), id + 1));
    // Fresh sessions (ids are handed out in order; non-TCP ids in between are initialised too, harmlessly).
    for (let s = this.sessions; s <= id; s++) {
      this.synSec[s] = 0;
      this.synNsec[s] = 0;
      this.firstRttNs[s] = 0;
      for (let k = s * 2; k < s * 2 + 2; k++) {
        this.nextSeq[k] = 0;
        this.nextSeqSec[k] = 0;
        this.nextSeqNsec[k] = 0;
        this.maxSeqToBeAcked[k] = 0;
        this.lastAck[k] = 0;
        this.lastAckSec[k] = 0;
        this.lastAckNsec[k] = 0;
        this.window[k] = NO_WINDOW;
        this.dupAckNum[k] = 0;
        this.lastNonDupAck[k] = 0;
        this.lastSegFlags[k] = 0;
      }
    }
    this.sessions = id + 1;
  }

  private grow(cap: number): void {
    const n2 = cap * 2;
    this.nextSeq = grown(this.nextSeq, n2);
    this.nextSeqSec = grownF(this.nextSeqSec, n2);
    this.nextSeqNsec = grown(this.nextSeqNsec, n2);
    this.maxSeqToBeAcked = grown(this.maxSeqToBeAcked, n2);
    this.lastAck = grown(this.lastAck, n2);
    this.lastAckSec = grownF(this.lastAckSec, n2);
    this.lastAckNsec = grown(this.lastAckNsec, n2);
    this.window = grownF(this.window, n2);
    this.dupAckNum = grown(this.dupAckNum, n2);
    this.lastNonDupAck = grown(this.lastNonDupAck, n2);
    const f = new Uint16Array(n2);
    f.set(this.lastSegFlags);
    this.lastSegFlags = f;
    this.synSec = grownF(this.synSec, cap);
    this.synNsec = grown(this.synNsec, cap);
    this.firstRttNs = grownF(this.firstRttNs, cap);
    this.cap = cap;
  }
}

function grown(old: Uint32Array, n: number): Uint32Array<ArrayBuffer> {
  const a = new Uint32Array(n);
  a.set(old);
  return a;
}

function grownF(old: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const a = new Float64Array(n);
  a.set(old);
  return a;
}
