/**
 * The display filter equivalent to a session-tree node, written the way Wireshark writes them (so selecting a
 * node teaches the filter): a host `ip.addr == X`, a pair `ip.addr == X && ip.addr == Y`, a TCP/UDP session as
 * Wireshark's conversation filter `ip.addr == A && tcp.port == p && ip.addr == B && tcp.port == q`, an
 * application `app == "Name"`, a country `geo.country == "US"`, a protocol `tcp`.
 *
 * A conversation filter matches every session whose address pair and port pair are the same sets: the same
 * tuple split into several sessions (an idle timeout, a port reused after FIN/RST) or the mirrored ports
 * (A:p↔B:q and A:q↔B:p). Only for such sessions the stream index (`tcp.stream == N`, which our engine numbers
 * per session) or our `session == N` is added, so a node's filter selects exactly its packets.
 */
import type { SessionTable } from '../sessions/session-table';
import { icmpIsEcho, type SessionLabels } from './session-labels';

/** A double-quoted display-filter string literal. */
export function filterString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Filters longer than this are not written (filter.apply accepts 10 000 characters). */
const MAX_FILTER = 8000;

export class SessionNodeFilters {
  /**
   * Open-addressing table of conversation keys (sid + 1 per slot, 0 empty): one session per distinct key; a
   * session whose key is already there marks both as shared. Typed arrays, so indexing 300 000 sessions takes
   * milliseconds and no per-session object.
   */
  private table = new Int32Array(1024);
  private mask = 1023;
  private sharedFlag = new Uint8Array(1024);
  /** Sessions [0, indexed) are in the table. */
  private indexed = 0;

  constructor(
    private readonly s: SessionTable,
    private readonly labels: SessionLabels,
  ) {}

  host(ep: number): string {
    return `${this.labels.addrField(ep)} == ${this.labels.endpoint(ep)}`;
  }

  pair(x: number, y: number): string {
    if (x === y) return this.host(x);
    return `${this.host(x)} && ${this.host(y)}`;
  }

  app(appId: number): string {
    const name = this.labels.appNames[appId] ?? '';
    return name === '' ? '(ip || ipv6) && !app' : `app == ${filterString(name)}`;
  }

  appHost(appId: number, ep: number): string {
    return `${this.app(appId)} && ${this.host(ep)}`;
  }

  /** `eps`: the group's endpoints, to name them when the country is unknown (no value to compare). */
  country(countryId: number, eps: Iterable<number>): string {
    const name = this.labels.countryNames[countryId] ?? '';
    if (name !== '') return `geo.country == ${filterString(name)}`;
    const v4: string[] = [];
    const v6: string[] = [];
    for (const ep of eps) (this.labels.addrField(ep) === 'ip.addr' ? v4 : v6).push(this.labels.endpoint(ep));
    const parts: string[] = [];
    if (v4.length > 0) parts.push(v4.length === 1 ? `ip.addr == ${v4[0]}` : `ip.addr in {${v4.join(' ')}}`);
    if (v6.length > 0) parts.push(v6.length === 1 ? `ipv6.addr == ${v6[0]}` : `ipv6.addr in {${v6.join(' ')}}`);
    const f = parts.join(' || ');
    // Too many addresses to name: packets where neither endpoint has a country (close, not exact).
    return f !== '' && f.length <= MAX_FILTER ? f : '(ip || ipv6) && !geo.country';
  }

  protocol(proto: number): string {
    if (proto === 6) return 'tcp';
    if (proto === 17) return 'udp';
    if (proto === 1) return 'icmp';
    if (proto === 58) return 'icmpv6';
    return `ip.proto == ${proto} || ipv6.nxt == ${proto}`;
  }

  session(sid: number): string {
    const s = this.s;
    const proto = s.proto[sid]!;
    const a = s.epA[sid]!;
    const b = s.epB[sid]!;
    const af = this.labels.addrField(a);
    if (af === '') return `session == ${sid}`;
    const A = `${af} == ${this.labels.endpoint(a)}`;
    const B = `${af} == ${this.labels.endpoint(b)}`;
    let f: string;
    let stream = `session == ${sid}`;
    if (proto === 6 || proto === 17) {
      const t = proto === 6 ? 'tcp' : 'udp';
      f = `${A} && ${t}.port == ${s.portA[sid]} && ${B} && ${t}.port == ${s.portB[sid]}`;
      stream = `${t}.stream == ${s.protoIndex[sid]}`;
    } else if (proto === 1 || proto === 58) {
      const v6 = proto === 58;
      if (icmpIsEcho(s, sid)) f = `${A} && ${B} && ${v6 ? 'icmpv6.echo.identifier' : 'icmp.ident'} == ${s.portA[sid]}`;
      else {
        const tc = s.portA[sid]!;
        const p = v6 ? 'icmpv6' : 'icmp';
        f = `${A} && ${B} && ${p}.type == ${tc >> 8} && ${p}.code == ${tc & 0xff}`;
      }
    } else if (af === 'ip.addr') {
      f = `${A} && ${B} && ip.proto == ${proto}`;
    } else {
      // IPv6 extension headers stand between ipv6.nxt and the protocol: only our session id is exact.
      return `session == ${sid}`;
    }
    return this.shared(sid) ? `${f} && ${stream}` : f;
  }

  /** True when another session has the same address set, protocol and port set (the filter can't tell them apart). */
  shared(sid: number): boolean {
    this.index();
    return this.sharedFlag[sid] === 1;
  }

  private index(): void {
    const n = this.s.count;
    if (n === this.indexed) return;
    if (n > this.sharedFlag.length) {
      const f = new Uint8Array(Math.max(n, this.sharedFlag.length * 2));
      f.set(this.sharedFlag);
      this.sharedFlag = f;
    }
    if (n * 2 > this.mask) {
      // Grow and re-insert (only the first session of each key is in the table; flags are kept).
      let size = this.mask + 1;
      while (n * 2 > size - 1) size *= 2;
      this.table = new Int32Array(size);
      this.mask = size - 1;
      for (let sid = 0; sid < this.indexed; sid++) this.insert(sid);
    }
    for (let sid = this.indexed; sid < n; sid++) this.insert(sid);
    this.indexed = n;
  }

  private insert(sid: number): void {
    let slot = this.hashOf(sid) & this.mask;
    for (;;) {
      const other = this.table[slot]! - 1;
      if (other < 0) {
        this.table[slot] = sid + 1;
        return;
      }
      if (other === sid) return;
      if (this.sameKey(other, sid)) {
        this.sharedFlag[other] = 1;
        this.sharedFlag[sid] = 1;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  private hashOf(sid: number): number {
    const s = this.s;
    const a = s.epA[sid]!;
    const b = s.epB[sid]!;
    const p = s.portA[sid]!;
    const q = s.portB[sid]!;
    let h = Math.imul(s.proto[sid]! + 1, 0x9e3779b1);
    h = Math.imul(h ^ Math.min(a, b), 0x85ebca6b);
    h = Math.imul(h ^ Math.max(a, b), 0xc2b2ae35);
    h = Math.imul(h ^ ((Math.min(p, q) << 16) | Math.max(p, q)), 0x27d4eb2f);
    h ^= h >>> 15;
    return h >>> 0;
  }

  private sameKey(x: number, y: number): boolean {
    const s = this.s;
    if (s.proto[x] !== s.proto[y]) return false;
    const ax = s.epA[x]!;
    const bx = s.epB[x]!;
    const ay = s.epA[y]!;
    const by = s.epB[y]!;
    if (!((ax === ay && bx === by) || (ax === by && bx === ay))) return false;
    const px = s.portA[x]!;
    const qx = s.portB[x]!;
    const py = s.portA[y]!;
    const qy = s.portB[y]!;
    return (px === py && qx === qy) || (px === qy && qx === py);
  }
}
