/**
 * Packets and bytes per endpoint (sent / received) and per session over a scope of packets, from the store's
 * columns: what top talkers, countries/ASNs and applications are built from. For the whole capture the
 * counts are kept and extended as packets are indexed (remembering how far they got); for a display filter
 * they are counted afresh over the displayed packet numbers (one pass over typed arrays).
 */
import type { CaptureIndex } from '../capture/capture-index';
import { PF_FRAGMENT } from '../dissect/dissection';
import { EP_IPV6 } from '../store/endpoints';

export class ScopeCounts {
  /** Store indices [0, processed) are counted (whole-capture counts only). */
  processed = 0;
  packets = 0;
  bytes = 0;
  /** Per endpoint id (EndpointTable), each packet counting for its source and its destination. */
  txPackets: Float64Array = new Float64Array(1024);
  txBytes: Float64Array = new Float64Array(1024);
  rxPackets: Float64Array = new Float64Array(1024);
  rxBytes: Float64Array = new Float64Array(1024);
  /** Per session id. */
  sessionPackets: Float64Array = new Float64Array(1024);
  sessionBytes: Float64Array = new Float64Array(1024);
  /** Packets of no session (ARP, non-final fragments …). */
  loosePackets = 0;
  looseBytes = 0;

  /** Counts store indices [processed, store.count): the whole capture, incrementally. */
  extend(index: CaptureIndex): void {
    const end = index.store.count;
    if (this.processed >= end) return;
    this.fit(index);
    this.addRange(index, null, this.processed, end);
    this.processed = end;
  }

  /** Counts the given 1-based packet numbers (a display filter's list). */
  static over(index: CaptureIndex, numbers: Uint32Array): ScopeCounts {
    const c = new ScopeCounts();
    c.fit(index);
    c.addRange(index, numbers, 0, numbers.length);
    c.processed = index.store.count;
    return c;
  }

  /**
   * Adds store indices [from, to), or the packets numbers[from, to) name. One tight loop over local copies
   * of the columns: this runs over a million packets on the first ask.
   */
  private addRange(index: CaptureIndex, numbers: Uint32Array | null, from: number, to: number): void {
    const s = index.store;
    const count = s.count;
    const lens = s.len;
    const srcs = s.srcEp;
    const dsts = s.dstEp;
    const sessions = s.session;
    const flags = s.flags;
    const eps = index.endpoints;
    const txP = this.txPackets;
    const txB = this.txBytes;
    const rxP = this.rxPackets;
    const rxB = this.rxBytes;
    const sP = this.sessionPackets;
    const sB = this.sessionBytes;
    let packets = 0;
    let bytes = 0;
    let looseP = 0;
    let looseB = 0;
    for (let k = from; k < to; k++) {
      const i = numbers === null ? k : numbers[k]! - 1;
      if (i >= count) continue;
      const len = lens[i]!;
      const src = srcs[i]!;
      const dst = dsts[i]!;
      const sid = sessions[i]!;
      packets++;
      bytes += len;
      // tshark's IPv6 endpoints leave out fragments that do not complete a datagram (IPv4's count them).
      if ((flags[i]! & PF_FRAGMENT) === 0 || eps.kind(src) !== EP_IPV6) {
        txP[src]! += 1;
        txB[src]! += len;
        rxP[dst]! += 1;
        rxB[dst]! += len;
      }
      if (sid >= 0) {
        sP[sid]! += 1;
        sB[sid]! += len;
      } else {
        looseP++;
        looseB += len;
      }
    }
    this.packets += packets;
    this.bytes += bytes;
    this.loosePackets += looseP;
    this.looseBytes += looseB;
  }

  get endpointCount(): number {
    return this.txPackets.length;
  }

  /** Grows the per-endpoint and per-session arrays to the index's current sizes. */
  private fit(index: CaptureIndex): void {
    const eps = index.endpoints.size;
    if (eps > this.txPackets.length) {
      const n = Math.max(eps, this.txPackets.length * 2);
      this.txPackets = grow(this.txPackets, n);
      this.txBytes = grow(this.txBytes, n);
      this.rxPackets = grow(this.rxPackets, n);
      this.rxBytes = grow(this.rxBytes, n);
    }
    const sessions = index.sessions.count;
    if (sessions > this.sessionPackets.length) {
      const n = Math.max(sessions, this.sessionPackets.length * 2);
      this.sessionPackets = grow(this.sessionPackets, n);
      this.sessionBytes = grow(this.sessionBytes, n);
    }
  }
}

function grow(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
