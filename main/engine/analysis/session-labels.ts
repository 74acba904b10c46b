/**
 * Small integer ids for the session tree's text-valued groupings (application, country) and the texts the
 * tree shows for sessions, endpoints and protocols. Ids only grow during a capture's life, so a node key that
 * names one ("a:3", "c:12") stays valid while the capture is open.
 */
import type { SessionEnrichment } from '../sessions/session-enrichment';
import type { SessionTable } from '../sessions/session-table';
import { EP_IPV4, EP_IPV6, type EndpointTable } from '../store/endpoints';

const PROTO_NAMES: Record<number, string> = {
  1: 'ICMP',
  2: 'IGMP',
  6: 'TCP',
  17: 'UDP',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPv6',
  89: 'OSPF',
  103: 'PIM',
  112: 'VRRP',
  132: 'SCTP',
};

export function protoName(proto: number): string {
  return PROTO_NAMES[proto] ?? `IP proto ${proto}`;
}

/** True when an ICMP session is keyed by an echo identifier (both "ports" hold it), not by type/code. */
export function icmpIsEcho(s: SessionTable, sid: number): boolean {
  return s.portA[sid] === s.portB[sid];
}

export class SessionLabels {
  /** Application names by id; id 0 is "no application". */
  readonly appNames: string[] = [''];
  /** Category of each application id (the first rule seen for it decides). */
  readonly appCategories: string[] = [''];
  private readonly appIds = new Map<string, number>([['', 0]]);
  /** Rule id → app id + 1 (0: not looked at yet). */
  private ruleApp = new Int32Array(64);
  /** Country codes or range labels by id; id 0 is "unknown". */
  readonly countryNames: string[] = [''];
  private readonly countryIds = new Map<string, number>([['', 0]]);
  /** Endpoint id → country id + 1 (0: not resolved yet). */
  private epCountry = new Int32Array(1024);
  private readonly epText: string[] = [];

  constructor(
    private readonly sessions: SessionTable,
    private readonly endpoints: EndpointTable,
    private readonly enrichment: SessionEnrichment | null,
  ) {}

  appOf(sid: number): number {
    const rule = this.enrichment?.ruleOf(sid) ?? null;
    if (rule === null) return 0;
    if (rule.id >= this.ruleApp.length) {
      const a = new Int32Array(Math.max(rule.id + 1, this.ruleApp.length * 2));
      a.set(this.ruleApp);
      this.ruleApp = a;
    }
    const known = this.ruleApp[rule.id]!;
    if (known !== 0) return known - 1;
    let id = this.appIds.get(rule.app);
    if (id === undefined) {
      id = this.appNames.push(rule.app) - 1;
      this.appCategories.push(rule.category);
      this.appIds.set(rule.app, id);
    }
    this.ruleApp[rule.id] = id + 1;
    return id;
  }

  appId(name: string): number | undefined {
    return this.appIds.get(name);
  }

  countryOf(ep: number): number {
    if (ep >= this.epCountry.length) {
      const a = new Int32Array(Math.max(ep + 1, this.epCountry.length * 2));
      a.set(this.epCountry);
      this.epCountry = a;
    }
    const known = this.epCountry[ep]!;
    if (known !== 0) return known - 1;
    const name = this.enrichment?.country(ep) ?? '';
    let id = this.countryIds.get(name);
    if (id === undefined) {
      id = this.countryNames.push(name) - 1;
      this.countryIds.set(name, id);
    }
    this.epCountry[ep] = id + 1;
    return id;
  }

  asnOf(ep: number): number {
    return this.enrichment?.asn(ep) ?? 0;
  }

  orgOf(ep: number): string {
    return this.enrichment?.geo?.info(ep).org ?? '';
  }

  /** The address as tshark prints it (cached: the tree formats the same hosts over and over). */
  endpoint(ep: number): string {
    let t = this.epText[ep];
    if (t === undefined) {
      t = this.endpoints.format(ep);
      this.epText[ep] = t;
    }
    return t;
  }

  /** The display-filter field of an endpoint's addresses: ip.addr or ipv6.addr ('' for non-IP). */
  addrField(ep: number): string {
    const k = this.endpoints.kind(ep);
    return k === EP_IPV4 ? 'ip.addr' : k === EP_IPV6 ? 'ipv6.addr' : '';
  }

  /** "A:p → B:q" (TCP/UDP), "A → B (echo id N)" / "A → B (type T code C)" (ICMP), "A → B" otherwise. */
  sessionLabel(sid: number): string {
    const s = this.sessions;
    const a = this.endpoint(s.epA[sid]!);
    const b = this.endpoint(s.epB[sid]!);
    const proto = s.proto[sid]!;
    if (proto === 6 || proto === 17 || proto === 132) return `${hostPort(a, s.portA[sid]!)} → ${hostPort(b, s.portB[sid]!)}`;
    if (proto === 1 || proto === 58) {
      if (icmpIsEcho(s, sid)) return `${a} → ${b} (echo id ${s.portA[sid]})`;
      const tc = s.portA[sid]!;
      return `${a} → ${b} (type ${tc >> 8} code ${tc & 0xff})`;
    }
    return `${a} → ${b}`;
  }
}

function hostPort(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}
