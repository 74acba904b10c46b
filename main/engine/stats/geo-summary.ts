/**
 * Countries and autonomous systems: the IP hosts of a scope grouped by country (or by what their address is
 * when no database locates it: private, loopback, multicast …) and by AS, with hosts, packets and bytes.
 * A host's packets and bytes are its sent plus received, as in the endpoints table; GeoIP answers come from
 * the session enrichment's per-endpoint cache, so each address is looked up once per capture.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { addressLabel, LABEL_PUBLIC } from '../geo/special-ranges';
import type { GeoInfo } from '../geo/geo-resolver';
import type { SessionEnrichment } from '../sessions/session-enrichment';
import type { AsnRow, GeoResult, GeoRow, StatsScope } from '../../../shared/views/stats';
import type { ScopeCounts } from './scope-counts';
import { hostIds } from './talkers';

export function geoSummary(index: CaptureIndex, enrichment: SessionEnrichment, counts: ScopeCounts, scope: StatsScope, limit: number, indexing: boolean): GeoResult {
  const countries = new Map<string, GeoRow>();
  const asns = new Map<number, AsnRow>();
  const result: GeoResult = {
    scope,
    countries: [],
    asns: [],
    publicHosts: 0,
    privateHosts: 0,
    publicBytes: 0,
    privateBytes: 0,
    hostBytes: 0,
    indexing,
  };
  const ids = hostIds(index, counts, 'all');
  const geo = enrichment.geo;
  for (let k = 0; k < ids.length; k++) {
    const ep = ids[k]!;
    const tx = counts.txBytes[ep]!;
    const rx = counts.rxBytes[ep]!;
    const packets = counts.txPackets[ep]! + counts.rxPackets[ep]!;
    // Without GeoIP the special ranges still say what an address is.
    const info: GeoInfo = geo !== null ? geo.info(ep) : { label: addressLabel(index.endpoints.bytes(ep).slice()), country: '', city: '', asn: 0, org: '' };
    const label = info.label;
    const key = info.country !== '' ? info.country : label === LABEL_PUBLIC ? '' : label;
    let c = countries.get(key);
    if (c === undefined) countries.set(key, (c = { key, hosts: 0, packets: 0, bytes: 0, txBytes: 0, rxBytes: 0 }));
    c.hosts++;
    c.packets += packets;
    c.bytes += tx + rx;
    c.txBytes += tx;
    c.rxBytes += rx;
    const asn = info.asn;
    let a = asns.get(asn);
    if (a === undefined) asns.set(asn, (a = { asn, org: info.org, hosts: 0, packets: 0, bytes: 0, txBytes: 0, rxBytes: 0 }));
    if (a.org === '') a.org = info.org;
    a.hosts++;
    a.packets += packets;
    a.bytes += tx + rx;
    a.txBytes += tx;
    a.rxBytes += rx;
    if (label === LABEL_PUBLIC) {
      result.publicHosts++;
      result.publicBytes += tx + rx;
    } else {
      result.privateHosts++;
      result.privateBytes += tx + rx;
    }
    result.hostBytes += tx + rx;
  }
  const byBytes = <T extends { bytes: number; hosts: number }>(x: T, y: T): number => y.bytes - x.bytes || y.hosts - x.hosts;
  result.countries = [...countries.values()].sort((x, y) => byBytes(x, y) || (x.key < y.key ? -1 : 1)).slice(0, limit);
  result.asns = [...asns.values()].sort((x, y) => byBytes(x, y) || x.asn - y.asn).slice(0, limit);
  return result;
}
