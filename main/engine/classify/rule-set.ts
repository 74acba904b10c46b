/**
 * The loaded rules, compiled for the per-session questions the enrichment asks: which rule names this host,
 * which payload signature this first payload packet matches, which port rule fits this tuple. Tiers are tried
 * in order (user files before the default file), so a user rule always wins over a default one.
 */
import { containsBytes } from './payload-condition';
import { ruleKind, type Rule, type RuleSpec } from './rule';

export interface NameQuery {
  readonly name: string;
  /** HTTP request target when the name is an HTTP Host ('' otherwise). */
  readonly url: string;
  readonly proto: number;
  /** Client (A side) and server (B side) ports. */
  readonly sport: number;
  readonly dport: number;
}

interface Tier {
  /** Suffix/exact rules by their domain. */
  readonly byDomain: Map<string, Rule[]>;
  /** Other name rules (wildcard, regex, substring, URL-only), in file order. */
  readonly scanned: Rule[];
  readonly payload: Rule[];
  /** Port rules by proto * 65536 + listed port; the rest (ranges, negation) in `portScan`. */
  readonly byPort: Map<number, Rule[]>;
  readonly portScan: Rule[];
}

function newTier(): Tier {
  return { byDomain: new Map(), scanned: [], payload: [], byPort: new Map(), portScan: [] };
}

function push<K>(m: Map<K, Rule[]>, k: K, r: Rule): void {
  const list = m.get(k);
  if (list) list.push(r);
  else m.set(k, [r]);
}

export class RuleSet {
  readonly rules: Rule[] = [];
  /** App name → category (the first tier that names the app decides). */
  readonly categories = new Map<string, string>();
  private readonly tiers: Tier[] = [];

  /** Adds a tier below the existing ones. `apps` gives categories the rules lack. */
  addTier(specs: readonly RuleSpec[], apps: ReadonlyMap<string, string>): void {
    const tier = newTier();
    for (const [app, cat] of apps) if (cat !== '' && !this.categories.has(app)) this.categories.set(app, cat);
    for (const spec of specs) {
      const rule: Rule = { ...spec, id: this.rules.length, category: spec.category || this.categoryOf(spec.app) };
      this.rules.push(rule);
      const kind = ruleKind(rule);
      if (kind === 'name') {
        if (rule.host !== null && (rule.host.kind === 'suffix' || rule.host.kind === 'exact') && rule.payload === null && rule.search === null) {
          push(tier.byDomain, rule.host.key, rule);
        } else if (rule.payload === null && rule.search === null) tier.scanned.push(rule);
        else tier.payload.push(rule);
      } else if (kind === 'payload') tier.payload.push(rule);
      else if (rule.dport?.exact && rule.sport === null) {
        for (const p of rule.dport.exact) {
          if (rule.proto === 0) {
            push(tier.byPort, 6 * 65536 + p, rule);
            push(tier.byPort, 17 * 65536 + p, rule);
          } else push(tier.byPort, rule.proto * 65536 + p, rule);
        }
      } else tier.portScan.push(rule);
    }
    this.tiers.push(tier);
  }

  categoryOf(app: string): string {
    return this.categories.get(app) ?? 'Unknown';
  }

  get size(): number {
    return this.rules.length;
  }

  /** The rule naming this host, or null. Within a tier the longest matching domain wins. */
  matchName(q: NameQuery): Rule | null {
    const name = q.name;
    for (const tier of this.tiers) {
      // Each label boundary, longest suffix first: "a.b.c" → "a.b.c", "b.c", "c".
      for (let start = 0; ; ) {
        const list = tier.byDomain.get(start === 0 ? name : name.slice(start));
        if (list !== undefined) {
          for (const r of list) if ((r.host!.kind !== 'exact' || start === 0) && portsFit(r, q.proto, q.sport, q.dport)) return r;
        }
        const dot = name.indexOf('.', start);
        if (dot < 0) break;
        start = dot + 1;
      }
      for (const r of tier.scanned) {
        if (!portsFit(r, q.proto, q.sport, q.dport)) continue;
        if (r.host !== null && !r.host.test(name)) continue;
        if (r.url !== null && (q.url === '' || !r.url.test(q.url))) continue;
        return r;
      }
    }
    return null;
  }

  /**
   * The payload rule matching one packet's payload [off, end) of `buf`, sent from `sport` to `dport`; `name` is
   * the session's name so far (rules that combine a host with payload conditions need both).
   */
  matchPayload(proto: number, sport: number, dport: number, buf: Uint8Array, off: number, end: number, name: string): Rule | null {
    for (const tier of this.tiers) {
      for (const r of tier.payload) {
        if (!portsFit(r, proto, sport, dport)) continue;
        if (r.payload !== null && !r.payload.test(buf, off, end)) continue;
        if (r.search !== null && !containsBytes(buf, off, end, r.search)) continue;
        if (r.host !== null && (name === '' || !r.host.test(name))) continue;
        if (r.url !== null) continue;
        return r;
      }
    }
    return null;
  }

  /** The port rule for a session (its B side is taken as the server, then its A side). */
  matchPort(proto: number, portA: number, portB: number): Rule | null {
    for (const tier of this.tiers) {
      const hit = firstFit(tier.byPort.get(proto * 65536 + portB), proto, portA, portB) ?? firstFit(tier.byPort.get(proto * 65536 + portA), proto, portB, portA);
      if (hit !== null) return hit;
      for (const r of tier.portScan) {
        if (portsFit(r, proto, portA, portB)) return r;
        if (portsFit(r, proto, portB, portA)) return r;
      }
    }
    return null;
  }
}

function firstFit(list: Rule[] | undefined, proto: number, sport: number, dport: number): Rule | null {
  if (list === undefined) return null;
  for (const r of list) if (portsFit(r, proto, sport, dport)) return r;
  return null;
}

function portsFit(r: Rule, proto: number, sport: number, dport: number): boolean {
  if (r.proto !== 0 && r.proto !== proto) return false;
  if (r.sport !== null && !r.sport.test(sport)) return false;
  if (r.dport !== null && !r.dport.test(dport)) return false;
  return true;
}
