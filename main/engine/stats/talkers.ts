/**
 * Top talkers: IPv4/IPv6 endpoints with packets and bytes sent and received (tshark -z endpoints,ip and
 * endpoints,ipv6 count the same way: every packet counts for its source's Tx and its destination's Rx), plus
 * the sessions each took part in, the applications of those sessions by bytes, and where the address is
 * (special range, country, AS). Sorting works on typed arrays of endpoint ids; only the requested page is
 * turned into rows.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { EP_IPV4, EP_IPV6 } from '../store/endpoints';
import { addressLabel } from '../geo/special-ranges';
import type { SessionEnrichment } from '../sessions/session-enrichment';
import type { AppShare, TalkerRow } from '../../../shared/views/stats';
import type { ScopeCounts } from './scope-counts';

export type TalkerSort = 'address' | 'packets' | 'bytes' | 'txPackets' | 'txBytes' | 'rxPackets' | 'rxBytes' | 'sessions';
export type Family = 'all' | 'ipv4' | 'ipv6';

/** Most applications listed per host. */
const APPS_PER_HOST = 4;

/** Sessions per endpoint over the sessions that have packets in the scope (a session counts once per side). */
export function sessionsPerHost(index: CaptureIndex, counts: ScopeCounts): Float64Array {
  const out = new Float64Array(counts.endpointCount);
  const s = index.sessions;
  const n = Math.min(s.count, counts.sessionPackets.length);
  for (let sid = 0; sid < n; sid++) {
    if (counts.sessionPackets[sid] === 0) continue;
    const a = s.epA[sid]!;
    const b = s.epB[sid]!;
    out[a]! += 1;
    if (b !== a) out[b]! += 1;
  }
  return out;
}

/** Endpoint ids of the family that sent or received something in the scope. */
export function hostIds(index: CaptureIndex, counts: ScopeCounts, family: Family): Uint32Array {
  const eps = index.endpoints;
  const n = Math.min(eps.size, counts.endpointCount);
  const ids = new Uint32Array(n);
  let k = 0;
  for (let ep = 1; ep < n; ep++) {
    if (counts.txPackets[ep] === 0 && counts.rxPackets[ep] === 0) continue;
    const kind = eps.kind(ep);
    if (kind === EP_IPV4 ? family === 'ipv6' : kind === EP_IPV6 ? family === 'ipv4' : true) continue;
    ids[k++] = ep;
  }
  return ids.subarray(0, k);
}

/** Sorts `ids` in place by the column; ties by address so pages are stable. */
export function sortHosts(index: CaptureIndex, counts: ScopeCounts, sessions: Float64Array, ids: Uint32Array, sort: TalkerSort, desc: boolean): void {
  const eps = index.endpoints;
  const byAddress = (a: number, b: number): number => {
    const ka = eps.kind(a);
    const kb = eps.kind(b);
    if (ka !== kb) return ka - kb;
    const x = eps.bytes(a);
    const y = eps.bytes(b);
    for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };
  if (sort === 'address') {
    ids.sort(desc ? (a, b) => byAddress(b, a) : byAddress);
    return;
  }
  const key = keyColumn(counts, sessions, sort);
  const sign = desc ? -1 : 1;
  ids.sort((a, b) => {
    const d = key(a) - key(b);
    return d !== 0 ? sign * d : byAddress(a, b);
  });
}

function keyColumn(c: ScopeCounts, sessions: Float64Array, sort: Exclude<TalkerSort, 'address'>): (ep: number) => number {
  switch (sort) {
    case 'packets':
      return (ep) => c.txPackets[ep]! + c.rxPackets[ep]!;
    case 'bytes':
      return (ep) => c.txBytes[ep]! + c.rxBytes[ep]!;
    case 'txPackets':
      return (ep) => c.txPackets[ep]!;
    case 'txBytes':
      return (ep) => c.txBytes[ep]!;
    case 'rxPackets':
      return (ep) => c.rxPackets[ep]!;
    case 'rxBytes':
      return (ep) => c.rxBytes[ep]!;
    case 'sessions':
      return (ep) => sessions[ep]!;
  }
}

/** Rows for the endpoint ids of one page. */
export function talkerRows(index: CaptureIndex, enrichment: SessionEnrichment, counts: ScopeCounts, sessions: Float64Array, page: Uint32Array): TalkerRow[] {
  const eps = index.endpoints;
  const apps = appMix(index, enrichment, counts, page);
  const rows: TalkerRow[] = [];
  for (let k = 0; k < page.length; k++) {
    const ep = page[k]!;
    const geo = enrichment.geo?.info(ep);
    rows.push({
      address: eps.format(ep),
      family: eps.kind(ep) === EP_IPV6 ? 6 : 4,
      packets: counts.txPackets[ep]! + counts.rxPackets[ep]!,
      bytes: counts.txBytes[ep]! + counts.rxBytes[ep]!,
      txPackets: counts.txPackets[ep]!,
      txBytes: counts.txBytes[ep]!,
      rxPackets: counts.rxPackets[ep]!,
      rxBytes: counts.rxBytes[ep]!,
      sessions: sessions[ep]!,
      range: geo?.label ?? addressLabel(eps.bytes(ep).slice()),
      country: geo?.country ?? '',
      asn: geo?.asn ?? 0,
      org: geo?.org ?? '',
      apps: apps[k]!,
    });
  }
  return rows;
}

/** Per page host: the bytes of its scope sessions by application, largest first. */
function appMix(index: CaptureIndex, enrichment: SessionEnrichment, counts: ScopeCounts, page: Uint32Array): AppShare[][] {
  const at = new Map<number, number>();
  for (let k = 0; k < page.length; k++) at.set(page[k]!, k);
  const sums = page.length > 0 ? Array.from({ length: page.length }, () => new Map<string, number>()) : [];
  const s = index.sessions;
  const n = Math.min(s.count, counts.sessionBytes.length);
  for (let sid = 0; sid < n; sid++) {
    const bytes = counts.sessionBytes[sid]!;
    if (bytes === 0) continue;
    const ka = at.get(s.epA[sid]!);
    const kb = at.get(s.epB[sid]!);
    if (ka === undefined && kb === undefined) continue;
    const app = enrichment.app(sid);
    if (ka !== undefined) sums[ka]!.set(app, (sums[ka]!.get(app) ?? 0) + bytes);
    if (kb !== undefined && kb !== ka) sums[kb]!.set(app, (sums[kb]!.get(app) ?? 0) + bytes);
  }
  return sums.map((m) =>
    [...m]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, APPS_PER_HOST)
      .map(([app, bytes]) => ({ app, bytes })),
  );
}
