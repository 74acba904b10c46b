/**
 * A growable list of packet numbers in a Uint32Array (doubled on demand): what a call keeps of its SIP and
 * RTP packets — four bytes a packet, no JS object per packet (the engine's scale rule).
 */
export class PacketList {
  private data: Uint32Array;
  length = 0;

  constructor(capacity = 8) {
    this.data = new Uint32Array(capacity);
  }

  push(n: number): void {
    if (this.length === this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = n;
  }

  /** The last number pushed, or 0 when empty (packet numbers start at 1). */
  last(): number {
    return this.length > 0 ? (this.data[this.length - 1] as number) : 0;
  }

  at(i: number): number {
    return this.data[i] as number;
  }

  /** The numbers pushed so far (a view: valid until the next push). */
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

/** The union of several lists, ascending and without duplicates (what an export writes). */
export function mergePacketLists(lists: readonly PacketList[]): Uint32Array {
  let total = 0;
  for (const l of lists) total += l.length;
  const all = new Uint32Array(total);
  let k = 0;
  for (const l of lists) {
    all.set(l.view(), k);
    k += l.length;
  }
  all.sort();
  let w = 0;
  for (let r = 0; r < all.length; r++) {
    if (w === 0 || all[r] !== all[w - 1]) all[w++] = all[r] as number;
  }
  return all.slice(0, w);
}
