/**
 * GeoIP per endpoint id, cached: each address of the capture is resolved at most once, into typed arrays
 * indexed by the EndpointTable's ids (an address is an endpoint id, so this is the per-address cache).
 */
import { EP_IPV4, EP_IPV6, type EndpointTable } from '../store/endpoints';
import type { GeoInfo, GeoResolver } from './geo-resolver';

const NONE: GeoInfo = { label: '', country: '', city: '', asn: 0, org: '' };

export class EndpointGeo {
  /** 0: not resolved yet; else 1 + index into `infos` (many endpoints share one label-only record). */
  private slot = new Uint32Array(1024);
  private readonly infos: GeoInfo[] = [];
  private readonly labels = new Map<string, number>();
  hits = 0;
  misses = 0;

  constructor(
    readonly resolver: GeoResolver,
    private readonly endpoints: EndpointTable,
  ) {}

  info(ep: number): GeoInfo {
    if (ep <= 0 || ep >= this.endpoints.size) return NONE;
    const kind = this.endpoints.kind(ep);
    if (kind !== EP_IPV4 && kind !== EP_IPV6) return NONE;
    if (ep >= this.slot.length) {
      const bigger = new Uint32Array(Math.max(ep + 1, this.slot.length * 2));
      bigger.set(this.slot);
      this.slot = bigger;
    }
    const s = this.slot[ep]!;
    if (s !== 0) {
      this.hits++;
      return this.infos[s - 1]!;
    }
    this.misses++;
    const info = this.resolver.lookup(this.endpoints.bytes(ep));
    let idx: number;
    if (info.country === '' && info.asn === 0) {
      // Label-only answers (private, loopback …) are shared: one record per label.
      const known = this.labels.get(info.label);
      if (known !== undefined) idx = known;
      else {
        idx = this.infos.push(info) - 1;
        this.labels.set(info.label, idx);
      }
    } else idx = this.infos.push(info) - 1;
    this.slot[ep] = idx + 1;
    return this.infos[idx]!;
  }

  /** What the country column shows: the code, the range label for special addresses, '' when unknown. */
  country(ep: number): string {
    const i = this.info(ep);
    return i.country !== '' ? i.country : i.label === 'public' ? '' : i.label;
  }

  asn(ep: number): number {
    return this.info(ep).asn;
  }
}
