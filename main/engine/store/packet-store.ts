/**
 * Per-packet fixed-width columns in typed arrays: 56 bytes a packet, no JS object per packet. Everything else
 * (Info text, the detail tree, filter fields not held here) is re-dissected on demand from the bytes at
 * `fileOffset`.
 */

/** Store-level flag bits, above the dissection's PF_* bits (which use the low 10 bits). */
export const SF_HAS_PORTS = 1 << 14;
/** Set when the packet goes from the session's B side to its A side. */
export const SF_DIR_BA = 1 << 15;

export const BYTES_PER_PACKET = 8 + 8 + 4 + 4 + 4 + 2 + 2 + 2 + 4 + 4 + 2 + 2 + 4 + 2 + 4;

export class PacketStore {
  count = 0;
  private cap = 0;
  fileOffset = new Float64Array(0);
  tsSec = new Float64Array(0);
  tsNsec = new Uint32Array(0);
  caplen = new Uint32Array(0);
  len = new Uint32Array(0);
  ifId = new Uint16Array(0);
  proto = new Uint16Array(0);
  flags = new Uint16Array(0);
  srcEp = new Uint32Array(0);
  dstEp = new Uint32Array(0);
  sport = new Uint16Array(0);
  dport = new Uint16Array(0);
  /** Session id, -1 when the packet belongs to none (ARP, a non-final fragment …). */
  session = new Int32Array(0);
  /**
   * TCP analysis bits (TA_* of dissect/protocols/tcp-analysis.ts) and the stream reassembly state (RS_* <<
   * RS_SHIFT): computed once by the index pass so a re-dissection shows the same flags without state.
   */
  analysis = new Uint16Array(0);
  /** Application protocols present (Dissection.protoMask, see dissect/protocol-presence.ts). */
  protos = new Uint32Array(0);

  constructor(initialCapacity = 1024) {
    this.grow(initialCapacity);
  }

  /** Reserves room for one more packet and returns its 0-based index. */
  add(): number {
    if (this.count === this.cap) this.grow(this.cap * 2);
    return this.count++;
  }

  /** Bytes held by the columns (capacity, not count: what the process really pays). */
  get memoryBytes(): number {
    return this.cap * BYTES_PER_PACKET;
  }

  private grow(cap: number): void {
    const n = Math.max(cap, 16);
    this.fileOffset = resize(this.fileOffset, new Float64Array(n));
    this.tsSec = resize(this.tsSec, new Float64Array(n));
    this.tsNsec = resize(this.tsNsec, new Uint32Array(n));
    this.caplen = resize(this.caplen, new Uint32Array(n));
    this.len = resize(this.len, new Uint32Array(n));
    this.ifId = resize(this.ifId, new Uint16Array(n));
    this.proto = resize(this.proto, new Uint16Array(n));
    this.flags = resize(this.flags, new Uint16Array(n));
    this.srcEp = resize(this.srcEp, new Uint32Array(n));
    this.dstEp = resize(this.dstEp, new Uint32Array(n));
    this.sport = resize(this.sport, new Uint16Array(n));
    this.dport = resize(this.dport, new Uint16Array(n));
    this.session = resize(this.session, new Int32Array(n));
    this.analysis = resize(this.analysis, new Uint16Array(n));
    this.protos = resize(this.protos, new Uint32Array(n));
    this.cap = n;
  }
}

function resize<T extends Float64Array | Uint32Array | Uint16Array | Int32Array>(old: T, fresh: T): T {
  fresh.set(old);
  return fresh;
}
