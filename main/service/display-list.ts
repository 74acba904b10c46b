/**
 * The displayed packets under a display filter: a growable list of 1-based packet numbers in capture order,
 * filled incrementally (in time slices, so requests interleave) and extended as indexing appends packets.
 */
import type { CaptureIndex } from '../engine/capture/capture-index';
import type { PacketAccess } from '../engine/capture/packet-access';
import { packetMatches } from '../engine/capture/select';
import type { CompiledFilter } from '../engine/filter';

export class DisplayList {
  private numbers = new Uint32Array(1024);
  count = 0;
  /** Store indices [0, scanned) have been decided. */
  scanned = 0;

  constructor(readonly filter: CompiledFilter) {}

  /** Packet number at displayed position k (caller checks k < count). */
  at(k: number): number {
    return this.numbers[k] as number;
  }

  /** Displayed position of packet `number`, or -1. */
  indexOf(number: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.numbers[mid] as number;
      if (v === number) return mid;
      if (v < number) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The numbers found so far (a view: copy before keeping). */
  view(): Uint32Array {
    return this.numbers.subarray(0, this.count);
  }

  /**
   * Decides packets from `scanned` up to the store's current count, stopping at `deadline` (performance.now()
   * time). Returns true when every indexed packet has been decided.
   */
  advance(index: CaptureIndex, access: PacketAccess, deadline: number): boolean {
    const end = index.store.count;
    let i = this.scanned;
    while (i < end) {
      if (packetMatches(index, access, this.filter, i)) this.push(i + 1);
      i++;
      // Reading the clock costs more than deciding a packet by columns: look every 64 packets.
      if ((i & 63) === 0 && performance.now() >= deadline) break;
    }
    this.scanned = i;
    return i >= end;
  }

  private push(n: number): void {
    if (this.count === this.numbers.length) {
      const bigger = new Uint32Array(this.numbers.length * 2);
      bigger.set(this.numbers);
      this.numbers = bigger;
    }
    this.numbers[this.count++] = n;
  }
}
