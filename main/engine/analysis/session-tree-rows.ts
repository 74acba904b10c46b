/**
 * A node of the session tree as the row the view shows: a group row from its level's sums plus its label,
 * main application, only protocol, host name, country/ASN and display filter; a session row from the
 * per-session counts and the session's enrichment. Also the per-row values the sort keys share (relative
 * times, the endpoint whose country a session shows, a group's label).
 */
import type { GroupFacts } from './session-group-facts';
import { protoName } from './session-labels';
import { SEG, type Level } from './session-tree-level';
import type { TreeInput, TreeRow } from './session-tree-types';

export class TreeRows {
  constructor(
    private readonly t: TreeInput,
    private readonly facts: GroupFacts,
  ) {}

  row(level: Level, i: number, expanded: boolean): TreeRow {
    return level.kind === 'session' ? this.sessionRow(level, i) : this.groupRow(level, i, expanded);
  }

  /** A time in seconds since the capture's first packet. */
  rel(sec: number, nsec: number): number {
    return sec - this.t.originSec + (nsec - this.t.originNsec) / 1e9;
  }

  /** The endpoint whose country/ASN a session row shows: B (the responder) unless only A has a country. */
  geoEndpoint(sid: number): number {
    const s = this.t.sessions;
    const L = this.t.labels;
    const b = s.epB[sid]!;
    const a = s.epA[sid]!;
    if (isCode(L.countryNames[L.countryOf(b)]!)) return b;
    if (isCode(L.countryNames[L.countryOf(a)]!)) return a;
    return b;
  }

  groupLabel(level: Level, i: number): string {
    const L = this.t.labels;
    const id = level.ids[i]!;
    switch (level.kind) {
      case 'host':
      case 'peer':
        return L.endpoint(id);
      case 'app':
        return L.appNames[id] || 'Unclassified';
      case 'country':
        return L.countryNames[id] || 'Unknown';
      default:
        return protoName(id);
    }
  }

  private groupFilter(level: Level, i: number): string {
    const F = this.t.filters;
    const id = level.ids[i]!;
    switch (level.kind) {
      case 'host':
        return level.parentKind === 'app' ? F.appHost(level.ctx, id) : F.host(id);
      case 'peer':
        return F.pair(level.ctx, id);
      case 'app':
        return F.app(id);
      case 'country': {
        const eps = new Set<number>();
        const s = this.t.sessions;
        const L = this.t.labels;
        for (const sid of level.membersOf(i)) {
          if (L.countryOf(s.epA[sid]!) === id) eps.add(s.epA[sid]!);
          if (L.countryOf(s.epB[sid]!) === id) eps.add(s.epB[sid]!);
        }
        return F.country(id, eps);
      }
      default:
        return F.protocol(id);
    }
  }

  private groupRow(level: Level, i: number, expanded: boolean): TreeRow {
    const L = this.t.labels;
    const id = level.ids[i]!;
    const isHost = level.kind === 'host' || level.kind === 'peer';
    const app = level.kind === 'app' ? id : this.facts.topApp(level, i);
    const proto = level.kind === 'protocol' ? id : this.facts.onlyProto(level, i);
    const first = level.tFirst[i]!;
    const last = level.tLast[i]!;
    return {
      key: `${level.prefix}${SEG[level.kind]}${id}`,
      depth: level.depth,
      kind: level.kind,
      label: this.groupLabel(level, i),
      hasChildren: true,
      expanded,
      sessions: level.sessions[i]!,
      packets: level.packets[i]!,
      bytes: level.bytes[i]!,
      pktsOut: level.pktsOut[i]!,
      bytesOut: level.bytesOut[i]!,
      pktsIn: level.pktsIn[i]!,
      bytesIn: level.bytesIn[i]!,
      start: first,
      end: last,
      duration: last - first,
      proto: proto >= 0 ? protoName(proto) : '',
      app: L.appNames[app] ?? '',
      apps: level.kind === 'app' ? (id === 0 ? 0 : 1) : (level.appCount?.[i] ?? 0),
      category: L.appCategories[app] ?? '',
      name: isHost ? this.facts.hostName(level, i) : '',
      country: isHost ? (L.countryNames[L.countryOf(id)] ?? '') : level.kind === 'country' ? (L.countryNames[id] ?? '') : '',
      asn: isHost ? L.asnOf(id) : 0,
      org: isHost ? L.orgOf(id) : '',
      filter: this.groupFilter(level, i),
      firstPacket: level.firstPacket[i]!,
    };
  }

  private sessionRow(level: Level, i: number): TreeRow {
    const t = this.t;
    const c = t.counts;
    const e = t.enrichment;
    const L = t.labels;
    const sid = level.ids[i]!;
    const first = this.rel(c.firstSec[sid]!, c.firstNsec[sid]!);
    const last = this.rel(c.lastSec[sid]!, c.lastNsec[sid]!);
    const geo = this.geoEndpoint(sid);
    return {
      key: `${level.prefix}s${sid}`,
      depth: level.depth,
      kind: 'session',
      label: L.sessionLabel(sid),
      hasChildren: false,
      expanded: false,
      sessions: 1,
      packets: c.pktsAB[sid]! + c.pktsBA[sid]!,
      bytes: c.bytesAB[sid]! + c.bytesBA[sid]!,
      pktsOut: c.pktsAB[sid]!,
      bytesOut: c.bytesAB[sid]!,
      pktsIn: c.pktsBA[sid]!,
      bytesIn: c.bytesBA[sid]!,
      start: first,
      end: last,
      duration: last - first,
      proto: protoName(t.sessions.proto[sid]!),
      app: e?.app(sid) ?? '',
      apps: e !== null && e.app(sid) !== '' ? 1 : 0,
      category: e?.category(sid) ?? '',
      name: e?.name(sid) ?? '',
      country: L.countryNames[L.countryOf(geo)] ?? '',
      asn: L.asnOf(geo),
      org: L.orgOf(geo),
      filter: t.filters.session(sid),
      firstPacket: c.firstPacket[sid]!,
    };
  }
}

/** An ISO 3166 alpha-2 code (not a range label such as "private"). */
function isCode(c: string): boolean {
  return c.length === 2 && c === c.toUpperCase();
}
