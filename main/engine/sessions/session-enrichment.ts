/**
 * Session enrichment fed by the index pass: classifies every session into an application and a category
 * (with the rule that matched and why) and resolves its endpoints' country and ASN.
 *
 * Per packet it does work only when the packet names something (SNI, HTTP Host, DNS answers: the decoders'
 * `d.appNames`), when a session is first seen (port rule, DNS-learned name), or for a session's first payload
 * packets per direction while it has no better answer than a port rule (payload signatures). Evidence ranks
 * port < DNS-learned name < payload signature < the session's own SNI/Host; stronger evidence replaces weaker.
 * GeoIP is resolved lazily, per endpoint, when asked.
 */
import type { Dissection } from '../dissect/dissection';
import type { EndpointTable } from '../store/endpoints';
import type { SessionTable } from './session-table';
import type { Rule } from '../classify/rule';
import type { RuleSet } from '../classify/rule-set';
import { EndpointGeo } from '../geo/endpoint-geo';
import type { GeoResolver } from '../geo/geo-resolver';
import { formatIPv6 } from '../base/addr';
import { EP_IPV4, EP_IPV6 } from '../store/endpoints';

export const EV_NONE = 0;
export const EV_PORT = 1;
export const EV_DNS = 2;
export const EV_PAYLOAD = 3;
export const EV_NAME = 4;

/** Payload packets per direction tried against signatures (the first ones carry the handshakes). */
const PAYLOAD_TRIES = 2;

export interface EnrichmentOptions {
  rules: RuleSet;
  /** Null: no GeoIP columns. */
  geo?: GeoResolver | null;
}

interface Attachable {
  readonly sessions: SessionTable;
  readonly endpoints: EndpointTable;
}

interface Learned {
  name: string;
  sec: number;
  frame: number;
}

const SRC_SNI = 1;
const SRC_HOST = 2;
/** DNS evidence: the answer named the session's A side (else its B side). */
const SRC_DNS_A = 3;

const bySessions = new WeakMap<SessionTable, SessionEnrichment>();

/** The enrichment attached to a capture's session table (how filter fields find it from a FilterContext). */
export function enrichmentOf(sessions: object): SessionEnrichment | undefined {
  return bySessions.get(sessions as SessionTable);
}

export class SessionEnrichment {
  readonly rules: RuleSet;
  private sessions: SessionTable | null = null;
  private endpoints: EndpointTable | null = null;
  geo: EndpointGeo | null = null;
  private readonly resolver: GeoResolver | null;
  /** Per session: matched rule id (-1 none), evidence level, first-seen flag, payload packets tried per direction. */
  private rule = new Int32Array(1024).fill(-1);
  private level = new Uint8Array(1024);
  private seen = new Uint8Array(1024);
  private tries = new Uint8Array(1024);
  /**
   * What `why` is composed from, on demand (a string per session would cost more than the classification):
   * the frame of the DNS answer or payload that decided, and for names which field it was (SRC_*), or for
   * DNS which endpoint the answer named.
   */
  private whyFrame = new Uint32Array(1024);
  private whySrc = new Uint8Array(1024);
  /** The name each session carried (SNI, Host or DNS-learned): few sessions have one, so a side map. */
  readonly names = new Map<number, string>();
  /** Answered address → the asked name and when; IPv4 keyed by its 32-bit value, IPv6 by its text. */
  private readonly learned4 = new Map<number, Learned>();
  private readonly learned6 = new Map<string, Learned>();
  /** Names no rule knows, with how many sessions carried them: what a user may want to write rules for. */
  readonly unknownNames = new Map<string, number>();

  constructor(opts: EnrichmentOptions) {
    this.rules = opts.rules;
    this.resolver = opts.geo ?? null;
  }

  attach(index: Attachable): void {
    this.sessions = index.sessions;
    this.endpoints = index.endpoints;
    if (this.resolver !== null) this.geo = new EndpointGeo(this.resolver, index.endpoints);
    bySessions.set(index.sessions, this);
  }

  onPacket(d: Dissection): void {
    const an = d.appNames;
    if (an !== null && an.dnsAnswers !== undefined) {
      const sec = d.frame.tsSec + d.frame.tsNsec / 1e9;
      for (const a of an.dnsAnswers) {
        const l: Learned = { name: a.name, sec, frame: d.frame.number };
        if (a.addr.length === 4) this.learned4.set(v4Key(a.addr), l);
        else this.learned6.set(formatIPv6(a.addr), l);
      }
    }
    const sid = d.sessionId;
    if (sid < 0 || this.sessions === null) return;
    if (sid >= this.rule.length) this.grow(sid);
    if (this.seen[sid] === 0) this.firstSight(sid);
    if (an !== null && this.level[sid]! < EV_NAME) {
      if (an.sni !== undefined) this.byName(sid, an.sni, SRC_SNI, '');
      else if (an.host !== undefined) this.byName(sid, an.host, SRC_HOST, an.url ?? '');
    }
    if (this.level[sid]! < EV_PAYLOAD && d.payloadEnd > d.payloadOff) this.byPayload(sid, d);
  }

  finish(): void {
    /* Everything is decided as packets arrive; kept for the CaptureIndex contract. */
  }

  // ---- per-session answers ----

  ruleOf(sid: number): Rule | null {
    const r = sid >= 0 && sid < this.rule.length ? this.rule[sid]! : -1;
    return r >= 0 ? this.rules.rules[r]! : null;
  }

  app(sid: number): string {
    return this.ruleOf(sid)?.app ?? '';
  }

  category(sid: number): string {
    return this.ruleOf(sid)?.category ?? '';
  }

  /** Why the session got its app: the evidence, the rule as written, and where it is written. */
  why(sid: number): string {
    const r = this.ruleOf(sid);
    const s = this.sessions;
    if (r === null || s === null) return '';
    const rule = `${r.text} (${r.source})`;
    const frame = this.whyFrame[sid]!;
    switch (this.level[sid]) {
      case EV_PORT:
        return `${protoName(s.proto[sid]!)} port ${s.portA[sid]}→${s.portB[sid]} matched ${rule}`;
      case EV_DNS: {
        const ep = this.whySrc[sid] === SRC_DNS_A ? s.epA[sid]! : s.epB[sid]!;
        return `DNS answer in frame ${frame} named ${this.endpoints!.format(ep)} "${this.name(sid)}", matched ${rule}`;
      }
      case EV_PAYLOAD:
        return `payload of frame ${frame} matched ${rule}`;
      default:
        return `${this.whySrc[sid] === SRC_SNI ? 'tls.sni' : 'http.host'} "${this.name(sid)}" matched ${rule}`;
    }
  }

  name(sid: number): string {
    return this.names.get(sid) ?? '';
  }

  evidence(sid: number): number {
    return sid >= 0 && sid < this.level.length ? this.level[sid]! : EV_NONE;
  }

  country(ep: number): string {
    return this.geo?.country(ep) ?? '';
  }

  asn(ep: number): number {
    return this.geo?.asn(ep) ?? 0;
  }

  /** Unknown names, most frequent first. */
  unknownNameList(): [string, number][] {
    return [...this.unknownNames].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  }

  // ---- evidence ----

  private firstSight(sid: number): void {
    const s = this.sessions!;
    this.seen[sid] = 1;
    const proto = s.proto[sid]!;
    const r = this.rules.matchPort(proto, s.portA[sid]!, s.portB[sid]!);
    if (r !== null) this.set(sid, r, EV_PORT, 0, 0);
    if (this.learned4.size === 0 && this.learned6.size === 0) return;
    // Flows to an address a DNS response named, after that response (as ntopng does); the B side first.
    const start = s.firstSec[sid]! + s.firstNsec[sid]! / 1e9;
    for (let side = 0; side < 2; side++) {
      const l = this.learnedFor(side === 0 ? s.epB[sid]! : s.epA[sid]!);
      if (l === undefined || l.sec > start) continue;
      this.names.set(sid, l.name);
      const rule = this.rules.matchName({ name: l.name, url: '', proto, sport: s.portA[sid]!, dport: s.portB[sid]! });
      if (rule !== null) this.set(sid, rule, EV_DNS, l.frame, side === 0 ? 0 : SRC_DNS_A);
      return;
    }
  }

  private learnedFor(ep: number): Learned | undefined {
    const eps = this.endpoints!;
    const kind = eps.kind(ep);
    if (kind === EP_IPV4) return this.learned4.size > 0 ? this.learned4.get(v4Key(eps.bytes(ep))) : undefined;
    if (kind === EP_IPV6) return this.learned6.size > 0 ? this.learned6.get(eps.format(ep)) : undefined;
    return undefined;
  }

  private byName(sid: number, name: string, source: number, url: string): void {
    const s = this.sessions!;
    const had = this.names.get(sid);
    const rule = this.rules.matchName({ name, url, proto: s.proto[sid]!, sport: s.portA[sid]!, dport: s.portB[sid]! });
    if (rule === null) {
      // Keep a DNS-learned name that did match: the session's own unknown name is listed, not shown instead.
      if (had === undefined) this.names.set(sid, name);
      if (had !== name) this.unknownNames.set(name, (this.unknownNames.get(name) ?? 0) + 1);
      return;
    }
    this.names.set(sid, name);
    this.set(sid, rule, EV_NAME, 0, source);
  }

  private byPayload(sid: number, d: Dissection): void {
    const shift = d.direction === 1 ? 4 : 0;
    const t = this.tries[sid]!;
    const n = (t >> shift) & 0xf;
    if (n >= PAYLOAD_TRIES) return;
    this.tries[sid] = (t & ~(0xf << shift)) | ((n + 1) << shift);
    const end = Math.min(d.payloadEnd, d.buf.length);
    const rule = this.rules.matchPayload(this.sessions!.proto[sid]!, d.sport, d.dport, d.buf, d.payloadOff, end, this.names.get(sid) ?? '');
    if (rule !== null) this.set(sid, rule, EV_PAYLOAD, d.frame.number, 0);
  }

  private set(sid: number, rule: Rule, level: number, frame: number, src: number): void {
    if (level < this.level[sid]!) return;
    this.rule[sid] = rule.id;
    this.level[sid] = level;
    this.whyFrame[sid] = frame;
    this.whySrc[sid] = src;
  }

  private grow(sid: number): void {
    const n = Math.max(sid + 1, this.rule.length * 2);
    const rule = new Int32Array(n).fill(-1);
    rule.set(this.rule);
    this.rule = rule;
    const frames = new Uint32Array(n);
    frames.set(this.whyFrame);
    this.whyFrame = frames;
    for (const k of ['level', 'seen', 'tries', 'whySrc'] as const) {
      const a = new Uint8Array(n);
      a.set(this[k]);
      this[k] = a;
    }
  }
}

function protoName(p: number): string {
  return p === 6 ? 'tcp' : p === 17 ? 'udp' : `ip-${p}`;
}

function v4Key(a: Uint8Array): number {
  return ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
}
