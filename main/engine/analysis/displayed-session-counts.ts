/**
 * Per-session packet and byte counts per direction, and first/last time, over the packets a display filter
 * shows: the session tree's numbers when it is limited to the display filter (Wireshark's "Limit to display
 * filter"). Filled incrementally from the displayed packet numbers — only numbers not yet seen are read — so a
 * filter still running, or a capture still growing, costs the new packets only.
 */
import type { PacketStore } from '../store/packet-store';
import { SF_DIR_BA } from '../store/packet-store';

/** The per-session columns the session tree reads; a SessionTable has them (all packets of each session). */
export interface SessionCounts {
  readonly pktsAB: Float64Array;
  readonly pktsBA: Float64Array;
  readonly bytesAB: Float64Array;
  readonly bytesBA: Float64Array;
  readonly firstSec: Float64Array;
  readonly firstNsec: Uint32Array;
  readonly lastSec: Float64Array;
  readonly lastNsec: Uint32Array;
  /** Number of the first packet counted per session (1-based). */
  readonly firstPacket: Uint32Array;
}

export class DisplayedSessionCounts implements SessionCounts {
  pktsAB = new Float64Array(0);
  pktsBA = new Float64Array(0);
  bytesAB = new Float64Array(0);
  bytesBA = new Float64Array(0);
  firstSec = new Float64Array(0);
  firstNsec = new Uint32Array(0);
  lastSec = new Float64Array(0);
  lastNsec = new Uint32Array(0);
  firstPacket = new Uint32Array(0);
  /** Displayed numbers [0, consumed) have been counted. */
  consumed = 0;

  /**
   * Counts displayed numbers [consumed, count) of `numbers` (ascending 1-based packet numbers; the list only
   * grows). `sessions` is the session table's current count (every session id in the store is below it).
   */
  update(store: PacketStore, numbers: Uint32Array, count: number, sessions: number): void {
    if (sessions > this.pktsAB.length) this.grow(sessions);
    const sess = store.session;
    const flags = store.flags;
    const len = store.len;
    const tsSec = store.tsSec;
    const tsNsec = store.tsNsec;
    for (let k = this.consumed; k < count; k++) {
      const n = numbers[k]!;
      const i = n - 1;
      const sid = sess[i]!;
      if (sid < 0) continue;
      const l = len[i]!;
      if ((flags[i]! & SF_DIR_BA) !== 0) {
        this.pktsBA[sid]!++;
        this.bytesBA[sid]! += l;
      } else {
        this.pktsAB[sid]!++;
        this.bytesAB[sid]! += l;
      }
      const s = tsSec[i]!;
      const ns = tsNsec[i]!;
      if (this.firstPacket[sid] === 0) {
        this.firstPacket[sid] = n;
        this.firstSec[sid] = s;
        this.firstNsec[sid] = ns;
        this.lastSec[sid] = s;
        this.lastNsec[sid] = ns;
        continue;
      }
      // Timestamps may go backwards (merged files): the span is earliest to latest, as for the whole session.
      if (s > this.lastSec[sid]! || (s === this.lastSec[sid] && ns > this.lastNsec[sid]!)) {
        this.lastSec[sid] = s;
        this.lastNsec[sid] = ns;
      } else if (s < this.firstSec[sid]! || (s === this.firstSec[sid] && ns < this.firstNsec[sid]!)) {
        this.firstSec[sid] = s;
        this.firstNsec[sid] = ns;
      }
    }
    this.consumed = Math.max(this.consumed, count);
  }

  private grow(n: number): void {
    const cap = Math.max(n, this.pktsAB.length * 2, 1024);
    const f = (old: Float64Array): Float64Array<ArrayBuffer> => {
      const a = new Float64Array(cap);
      a.set(old);
      return a;
    };
    const u = (old: Uint32Array): Uint32Array<ArrayBuffer> => {
      const a = new Uint32Array(cap);
      a.set(old);
      return a;
    };
    this.pktsAB = f(this.pktsAB);
    this.pktsBA = f(this.pktsBA);
    this.bytesAB = f(this.bytesAB);
    this.bytesBA = f(this.bytesBA);
    this.firstSec = f(this.firstSec);
    this.lastSec = f(this.lastSec);
    this.firstNsec = u(this.firstNsec);
    this.lastNsec = u(this.lastNsec);
    this.firstPacket = u(this.firstPacket);
  }
}
