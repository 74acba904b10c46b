/**
 * One classification rule: a single alternative of a rule line, whatever format it came from. Every condition
 * present must hold. A rule with a host or URL pattern is a name rule, one with payload conditions (and no
 * name) a payload rule, one with only protocol/ports a port rule.
 */
import type { HostPattern } from './host-pattern';
import type { PayloadCondition } from './payload-condition';
import type { PortSet } from './ports';

export const PROTO_ANY = 0;

export interface RuleSpec {
  readonly app: string;
  readonly category: string;
  /** "file:line" — what `why` cites. */
  readonly source: string;
  /** The alternative as written. */
  readonly text: string;
  /** IP protocol (6, 17) or PROTO_ANY. */
  readonly proto: number;
  readonly sport: PortSet | null;
  readonly dport: PortSet | null;
  readonly host: HostPattern | null;
  readonly url: HostPattern | null;
  readonly payload: PayloadCondition | null;
  /** Bytes the payload must contain (OpenAppFilter search_str). */
  readonly search: Uint8Array | null;
}

export interface Rule extends RuleSpec {
  /** Position in the loaded rule list: the rule id kept per session. */
  readonly id: number;
}

export type RuleKind = 'name' | 'payload' | 'port';

export function ruleKind(r: RuleSpec): RuleKind {
  if (r.host !== null || r.url !== null) return 'name';
  if (r.payload !== null || r.search !== null) return 'payload';
  return 'port';
}

export function protoNumber(text: string, where: string, onError: (msg: string, where: string) => never): number {
  const t = text.trim().toLowerCase();
  if (t === '' || t === '*' || t === 'any' || t === 'all') return PROTO_ANY;
  if (t === 'tcp') return 6;
  if (t === 'udp') return 17;
  return onError(`unknown protocol "${text}" (want tcp, udp or empty)`, where);
}
