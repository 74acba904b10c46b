/**
 * Interns addresses (IPv4, IPv6, MAC, other link addresses) into small integer ids, so a packet stores two
 * 4-byte endpoint ids instead of address strings. Open addressing over a flat byte arena: interning a known
 * address allocates nothing.
 */
import { formatIPv4, formatIPv6, formatMac } from '../base/addr';

export const EP_NONE = 0;
export const EP_IPV4 = 4;
export const EP_IPV6 = 6;
export const EP_MAC = 1;
export const EP_OTHER = 2;

const SLOT = 18; // kind, length, up to 16 address bytes
/**
 * Formatted addresses are remembered for the first this-many endpoints: a session table or a screen of rows
 * formats the same few thousand addresses over and over, while a scan's millions of endpoints must not turn
 * into millions of kept strings.
 */
const TEXT_CACHE = 1 << 16;

export class EndpointTable {
  /** Arena of SLOT-byte entries; entry 0 is reserved for "no endpoint". */
  private arena = new Uint8Array(SLOT * 1024);
  private count = 1;
  private table = new Int32Array(2048).fill(-1);
  private mask = 2047;
  private readonly texts: (string | undefined)[] = [];

  get size(): number {
    return this.count;
  }

  /** Returns the id of the address `len` bytes at `buf[off]` of the given kind, adding it when new. */
  intern(kind: number, buf: Uint8Array, off: number, len: number): number {
    let h = 2166136261 ^ kind;
    for (let i = 0; i < len; i++) h = Math.imul(h ^ (buf[off + i] as number), 16777619);
    let slot = (h >>> 0) & this.mask;
    for (;;) {
      const id = this.table[slot] as number;
      if (id < 0) break;
      if (this.equals(id, kind, buf, off, len)) return id;
      slot = (slot + 1) & this.mask;
    }
    const id = this.count++;
    if ((id + 1) * SLOT > this.arena.length) {
      const bigger = new Uint8Array(this.arena.length * 2);
      bigger.set(this.arena);
      this.arena = bigger;
    }
    const base = id * SLOT;
    this.arena[base] = kind;
    this.arena[base + 1] = len;
    for (let i = 0; i < len; i++) this.arena[base + 2 + i] = buf[off + i] as number;
    this.table[slot] = id;
    if (this.count * 2 > this.mask) this.rehash();
    return id;
  }

  kind(id: number): number {
    return this.arena[id * SLOT] as number;
  }

  /** The address bytes (a view into the arena; copy it to keep it). */
  bytes(id: number): Uint8Array {
    const base = id * SLOT;
    return this.arena.subarray(base + 2, base + 2 + (this.arena[base + 1] as number));
  }

  /** Formats as tshark prints it with name resolution off. */
  format(id: number): string {
    if (id <= 0 || id >= this.count) return '';
    if (id < TEXT_CACHE) {
      const known = this.texts[id];
      if (known !== undefined) return known;
      // Filled densely (undefined, not holes), so the array stays a plain list.
      while (this.texts.length < id) this.texts.push(undefined);
      const text = this.formatUncached(id);
      if (this.texts.length === id) this.texts.push(text);
      else this.texts[id] = text;
      return text;
    }
    return this.formatUncached(id);
  }

  private formatUncached(id: number): string {
    const base = id * SLOT;
    const kind = this.arena[base];
    const len = this.arena[base + 1] as number;
    if (kind === EP_IPV4) return formatIPv4(this.arena, base + 2);
    if (kind === EP_IPV6) return formatIPv6(this.arena, base + 2);
    if (kind === EP_MAC && len === 6) return formatMac(this.arena, base + 2);
    let s = '';
    for (let i = 0; i < len; i++) s += (i ? ':' : '') + (this.arena[base + 2 + i] as number).toString(16).padStart(2, '0');
    return s;
  }

  private equals(id: number, kind: number, buf: Uint8Array, off: number, len: number): boolean {
    const base = id * SLOT;
    if (this.arena[base] !== kind || this.arena[base + 1] !== len) return false;
    for (let i = 0; i < len; i++) if (this.arena[base + 2 + i] !== buf[off + i]) return false;
    return true;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    this.table = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let id = 1; id < this.count; id++) {
      const base = id * SLOT;
      const len = this.arena[base + 1] as number;
      let h = 2166136261 ^ (this.arena[base] as number);
      for (let i = 0; i < len; i++) h = Math.imul(h ^ (this.arena[base + 2 + i] as number), 16777619);
      let slot = (h >>> 0) & this.mask;
      while ((this.table[slot] as number) >= 0) slot = (slot + 1) & this.mask;
      this.table[slot] = id;
    }
  }
}
