/**
 * Each flow's packets, gathered in one pass over the store's columns into a compressed-row layout (offsets
 * per session into one array of packet indexes: 4 bytes a packet, no object per packet), from which a flow's
 * packet-length and packet-time sequences are read when its row is written.
 */
import type { PacketStore } from '../store/packet-store';
import { SF_DIR_BA } from '../store/packet-store';
import type { SessionTable } from '../sessions/session-table';

export class FlowPackets {
  /** Packets of session s are `packets[offsets[s] .. offsets[s+1])`, in capture order. */
  private readonly offsets: Float64Array;
  private readonly packets: Uint32Array;

  constructor(
    private readonly store: PacketStore,
    private readonly sessions: SessionTable,
  ) {
    const n = sessions.count;
    const offsets = new Float64Array(n + 1);
    const session = store.session;
    for (let i = 0; i < store.count; i++) {
      const sid = session[i] as number;
      if (sid >= 0 && sid < n) offsets[sid + 1]++;
    }
    for (let s = 0; s < n; s++) offsets[s + 1] = (offsets[s + 1] as number) + (offsets[s] as number);
    const packets = new Uint32Array(offsets[n] as number);
    const fill = offsets.slice(0, n);
    for (let i = 0; i < store.count; i++) {
      const sid = session[i] as number;
      if (sid >= 0 && sid < n) packets[fill[sid]++] = i;
    }
    this.offsets = offsets;
    this.packets = packets;
  }

  /** Frame lengths on the wire, positive from A to B and negative from B to A. */
  lengths(sid: number): number[] {
    const { store } = this;
    const from = this.offsets[sid] as number;
    const to = this.offsets[sid + 1] as number;
    const out = new Array<number>(to - from);
    for (let k = from; k < to; k++) {
      const i = this.packets[k] as number;
      const len = store.len[i] as number;
      out[k - from] = ((store.flags[i] as number) & SF_DIR_BA) !== 0 ? -len : len;
    }
    return out;
  }

  /**
   * Microseconds from the flow's start (its earliest packet) to each packet, rounded; negative never, since
   * the start is the earliest timestamp, but not always increasing when the capture's clock stepped back.
   */
  timesUs(sid: number): number[] {
    const { store, sessions } = this;
    const from = this.offsets[sid] as number;
    const to = this.offsets[sid + 1] as number;
    const sec0 = sessions.firstSec[sid] as number;
    const nsec0 = sessions.firstNsec[sid] as number;
    const out = new Array<number>(to - from);
    for (let k = from; k < to; k++) {
      const i = this.packets[k] as number;
      out[k - from] = Math.round(((store.tsSec[i] as number) - sec0) * 1e6 + ((store.tsNsec[i] as number) - nsec0) / 1e3);
    }
    return out;
  }
}
