/**
 * Wireshark-like default colouring rules, evaluated with the display filter engine. A row's colour is the
 * name of the first rule that matches; the renderer maps names to colours.
 *
 * A rule is a list of alternatives joined with `||`. Alternatives naming fields no dissector registers yet
 * (tcp.analysis.*, smb, http ...) are dropped at compile time, so a rule like HTTP still works through
 * `tcp.port == 80` today and picks up `http` the day a decoder registers it. An alternative may itself be
 * a list of variants tried in order (the first that compiles is used), for filter syntax the engine may lack.
 */
import type { CaptureIndex } from '../engine/capture/capture-index';
import { CompiledFilter, compileFilter } from '../engine/filter';
import type { DissectedPacket } from '../engine/filter';
import { fields } from '../engine/dissect/fields';
import type { FieldScope } from '../engine/dissect/dissection';
import { mergeScopes } from '../engine/dissect/field-scope';

type Alternative = string | readonly string[];

export interface ColorRuleDef {
  readonly name: string;
  readonly any: readonly Alternative[];
}

export const DEFAULT_COLOR_RULES: readonly ColorRuleDef[] = [
  { name: 'Bad TCP', any: ['tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack'] },
  { name: 'HSRP State Change', any: ['hsrp.state != 8 && hsrp.state != 16'] },
  { name: 'Spanning Tree Topology Change', any: ['stp.type == 0x80'] },
  { name: 'OSPF State Change', any: ['ospf.msg != 1'] },
  { name: 'ICMP errors', any: ['icmp.type in {3..5 11}', 'icmpv6.type in {1..4}'] },
  { name: 'ARP', any: ['arp'] },
  { name: 'ICMP', any: ['icmp', 'icmpv6'] },
  { name: 'TCP RST', any: ['tcp.flags.reset == 1'] },
  { name: 'SCTP ABORT', any: ['sctp.chunk_type == 6'] },
  {
    name: 'TTL low or unexpected',
    any: [
      ['ip.dst != 224.0.0.0/4 && ip.ttl < 5 && !pim && !ospf', 'ip.dst != 224.0.0.0/4 && ip.ttl < 5'],
      ['ip.dst == 224.0.0.0/24 && ip.dst != 224.0.0.251 && ip.ttl != 1 && !(vrrp || carp)', 'ip.dst == 224.0.0.0/24 && ip.dst != 224.0.0.251 && ip.ttl != 1'],
    ],
  },
  // Checksum status 0 is "Bad" (Wireshark's PROTO_CHECKSUM_E_BAD).
  { name: 'Checksum Errors', any: ['eth.fcs.status == 0', 'ip.checksum.status == 0', 'tcp.checksum.status == 0', 'udp.checksum.status == 0', 'icmp.checksum.status == 0', 'icmpv6.checksum.status == 0', 'sctp.checksum.status == 0'] },
  { name: 'SMB', any: ['smb', 'nbss', 'nbns', 'netbios', 'smb2'] },
  { name: 'HTTP', any: ['http', 'tcp.port == 80', 'http2'] },
  { name: 'DCERPC', any: ['dcerpc'] },
  { name: 'Routing', any: ['hsrp', 'eigrp', 'ospf', 'bgp', 'cdp', 'vrrp', 'carp', 'gvrp', 'igmp', 'ismp'] },
  { name: 'TCP SYN/FIN', any: [['tcp.flags & 0x02', 'tcp.flags.syn == 1'], 'tcp.flags.fin == 1'] },
  { name: 'TCP', any: ['tcp'] },
  { name: 'UDP', any: ['udp'] },
  { name: 'Broadcast', any: [['eth[0] & 1', 'eth.dst == ff:ff:ff:ff:ff:ff']] },
];

export interface ColorRule {
  readonly name: string;
  readonly filter: CompiledFilter;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'xor', 'in', 'contains', 'matches', 'bitwise_and', 'any', 'all', 'eq', 'ne', 'gt', 'lt', 'ge', 'le']);

/**
 * Field and protocol names in `expr` (quoted strings removed; literals start with a digit). The filter
 * checker accepts known protocol names that no decoder produces yet (`http`); an alternative naming one would
 * only cost a tree dissection per row without ever matching, so it is dropped like an unknown field.
 */
export function namesIn(expr: string): string[] {
  const bare = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  // Not after or before ':' — hex groups of address literals (ff02::1, ff:ff:...) are not names.
  return (bare.match(/(?<![\w.:])[A-Za-z_][\w.-]*(?![\w.:-])/g) ?? []).filter((w) => !KEYWORDS.has(w.toLowerCase()));
}

function compiles(expr: string): boolean {
  if (!namesIn(expr).every((n) => fields.get(n) !== undefined)) return false;
  try {
    compileFilter(expr);
    return true;
  } catch {
    return false;
  }
}

/** Compiles the rules, keeping the alternatives whose fields exist and dropping rules left with none. */
export function compileColorRules(defs: readonly ColorRuleDef[] = DEFAULT_COLOR_RULES): ColorRule[] {
  const rules: ColorRule[] = [];
  for (const def of defs) {
    const kept: string[] = [];
    for (const alt of def.any) {
      const variant = (typeof alt === 'string' ? [alt] : alt).find(compiles);
      if (variant !== undefined) kept.push(`(${variant})`);
    }
    if (kept.length === 0) continue;
    try {
      rules.push({ name: def.name, filter: compileFilter(kept.join(' || ')) });
    } catch {
      // Each part compiled alone; a failure together would be a filter engine bug: go without the rule.
    }
  }
  return rules;
}

let defaults: ColorRule[] | null = null;

/** The default rules, compiled once per process (after every dissector has registered its fields). */
export function defaultColorRules(): ColorRule[] {
  defaults ??= compileColorRules();
  return defaults;
}

const scopes = new WeakMap<readonly ColorRule[], FieldScope | null>();

/**
 * The fields the rules read (a limited tree for colouring a row), null when one needs the whole tree. Worked out
 * once per rule list.
 */
export function colorScope(rules: readonly ColorRule[]): FieldScope | null {
  let scope = scopes.get(rules);
  if (scope === undefined) {
    scope = rules.length === 0 ? null : rules.map((r) => r.filter.scope).reduce((a, b) => mergeScopes(a, b));
    scopes.set(rules, scope ?? null);
  }
  return scope ?? null;
}

/**
 * Whether colouring packet `i` needs its tree: some rule the columns cannot decide comes before the first
 * rule they decide as matching. Lets the caller dissect once, in the right mode.
 */
export function colorNeedsTree(rules: readonly ColorRule[], index: CaptureIndex, i: number): boolean {
  for (const rule of rules) {
    const hit = rule.filter.evaluateColumns(index, i);
    if (hit === undefined) return true;
    if (hit) return false;
  }
  return false;
}

/**
 * Name of the first rule matching packet `i`, or ''. The column tier answers most rules; `tree()` is called
 * (at most once, by the caller's caching) only when a rule needs the dissected packet.
 */
export function colorOf(rules: readonly ColorRule[], index: CaptureIndex, i: number, tree: () => DissectedPacket): string {
  let packet: DissectedPacket | null = null;
  for (const rule of rules) {
    let hit = rule.filter.evaluateColumns(index, i);
    if (hit === undefined) {
      packet ??= tree();
      hit = rule.filter.evaluateTree(packet.tree, index, i, packet.data);
    }
    if (hit) return rule.name;
  }
  return '';
}
