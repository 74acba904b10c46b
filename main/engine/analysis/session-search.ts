/**
 * The session tree's quick search: a session matches when the text occurs (case-insensitively) in either
 * address, either port, its protocol, application, category, SNI/host name, or either endpoint's country or
 * ASN. Each distinct value is tested once per search (addresses per endpoint, ports through a 64 K table,
 * applications per id), so a search over 300 000 sessions formats no per-session string.
 */
import type { SessionEnrichment } from '../sessions/session-enrichment';
import type { SessionTable } from '../sessions/session-table';
import { protoName, type SessionLabels } from './session-labels';

export class SessionSearch {
  readonly needle: string;
  /** Per port: -1 not tested yet, 0 no match, 1 match (tested when first seen: most ports never are). */
  private readonly ports = new Int8Array(65536).fill(-1);
  /** Per endpoint: 0 not tested, 1 no match, 2 match. */
  private eps = new Uint8Array(1024);
  private readonly apps: number[] = [];
  private readonly protos = new Int8Array(256).fill(-1);

  constructor(
    text: string,
    private readonly s: SessionTable,
    private readonly labels: SessionLabels,
    private readonly enrichment: SessionEnrichment | null,
  ) {
    this.needle = text.trim().toLowerCase();
  }

  matches(sid: number): boolean {
    const s = this.s;
    const a = s.epA[sid]!;
    const b = s.epB[sid]!;
    if (this.ep(a) || this.ep(b)) return true;
    if (this.port(s.portA[sid]!) || this.port(s.portB[sid]!)) return true;
    const proto = s.proto[sid]!;
    if (this.protos[proto] === -1) this.protos[proto] = protoName(proto).toLowerCase().includes(this.needle) ? 1 : 0;
    if (this.protos[proto] === 1) return true;
    const app = this.labels.appOf(sid);
    let m = this.apps[app];
    if (m === undefined) {
      const name = `${this.labels.appNames[app]} ${this.labels.appCategories[app]}`.toLowerCase();
      m = name.includes(this.needle) ? 1 : 0;
      this.apps[app] = m;
    }
    if (m === 1) return true;
    if (this.enrichment !== null) {
      if (this.enrichment.category(sid).toLowerCase().includes(this.needle)) return true;
      const name = this.enrichment.names.get(sid);
      if (name !== undefined && name.toLowerCase().includes(this.needle)) return true;
    }
    return false;
  }

  private port(p: number): boolean {
    let v = this.ports[p]!;
    if (v < 0) {
      v = String(p).includes(this.needle) ? 1 : 0;
      this.ports[p] = v;
    }
    return v === 1;
  }

  private ep(ep: number): boolean {
    if (ep >= this.eps.length) {
      const a = new Uint8Array(Math.max(ep + 1, this.eps.length * 2));
      a.set(this.eps);
      this.eps = a;
    }
    let v = this.eps[ep]!;
    if (v === 0) {
      const l = this.labels;
      const country = l.countryNames[l.countryOf(ep)] ?? '';
      const asn = l.asnOf(ep);
      const text = `${l.endpoint(ep)} ${country} ${asn !== 0 ? `as${asn} ${l.orgOf(ep)}` : ''}`.toLowerCase();
      v = text.includes(this.needle) ? 2 : 1;
      this.eps[ep] = v;
    }
    return v === 2;
  }
}
