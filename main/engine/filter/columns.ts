/**
 * The cheap evaluation tier: field values answered from the store's per-packet columns, without reading or
 * re-dissecting the packet. A provider says how much it knows:
 *  - COMPLETE: these are all occurrences the detail tree would hold (the answer is exact);
 *  - PARTIAL: these occur, but the tree may hold more (an ICMP error quotes another IP/TCP header), so only
 *    "some value matches" is decidable; a negative answer needs the tree;
 *  - UNKNOWN: nothing can be said (the caller re-dissects).
 */
import type { PacketStore } from '../store/packet-store';
import { SF_HAS_PORTS } from '../store/packet-store';
import type { EndpointTable } from '../store/endpoints';
import { EP_IPV4, EP_IPV6 } from '../store/endpoints';
import { PF_ALT_NET_ADDR, PF_MALFORMED, PF_TRUNCATED, PF_UNSUPPORTED_LINK } from '../dissect/dissection';
import type { InterfaceInfo } from '../readers/record';
import { protocolNames } from '../dissect/protocols-registry';
import { fields } from '../dissect/fields';
import { protocolPresenceBit } from '../dissect/protocol-presence';
import type { RtValue } from './values';

export const UNKNOWN = 0;
export const PARTIAL = 1;
export const COMPLETE = 2;
export type Completeness = typeof UNKNOWN | typeof PARTIAL | typeof COMPLETE;

/**
 * Flag bit reserved for dissectors to mark a packet carrying more than one IP header outside an ICMP
 * quote (IP-in-IP, 6in4, GRE …): the store keeps only the last header's addresses, so the column tier must
 * not answer "absent" for ip.* on such packets. Bits 10 and 12–13 are unused by PF_* and SF_* (bit 11 is
 * PF_ALT_NET_ADDR).
 */
export const PF_NESTED_IP = 1 << 10;

/** What the column tier reads; a CaptureIndex satisfies it. */
export interface FilterContext {
  readonly store: PacketStore;
  readonly endpoints: EndpointTable;
  readonly sessions: { readonly proto: Uint8Array };
  /** Time of the first packet (frame.time_relative is measured from it). */
  readonly firstSec: number;
  readonly firstNsec: number;
  /**
   * The capture's interfaces, indexed by the store's global interface id: frame.interface_id is the index within
   * the pcapng section. Absent (e.g. a bare store in tests): the global id is used, which is the same for a
   * single section.
   */
  readonly reader?: { readonly interfaces: readonly Pick<InterfaceInfo, 'indexInSection'>[] };
}

export interface ColumnProvider {
  /**
   * True for the engine's own fields: the columns are the truth even when a tree is at hand (the tree may
   * lack them: frame.time_relative, session).
   */
  readonly engine: boolean;
  values(ctx: FilterContext, i: number, out: RtValue[]): Completeness;
  /** Presence for protocols, whose value (their bytes) the columns do not hold. */
  exists?(ctx: FilterContext, i: number): boolean | undefined;
}

const BAD = PF_TRUNCATED | PF_MALFORMED | PF_UNSUPPORTED_LINK | PF_NESTED_IP;
/** Highest-layer protocols whose packets may carry quoted or tunnelled headers besides the outer ones. */
const NESTING = new Set(['ICMP', 'ICMPv6', 'GRE', 'VXLAN', 'Teredo', 'GTP', 'GTPv2', 'L2TP', 'ERSPAN', 'Geneve']);
const UDPLITE = 136;
const NESTING_IP_PROTO = new Set([1, 4, 41, 47, 58, 115]);

function sessionProto(ctx: FilterContext, i: number): number {
  const s = ctx.store.session[i] as number;
  return s >= 0 ? (ctx.sessions.proto[s] as number) : -1;
}

/** True when the columns describe every network/transport header of the packet. */
function simple(ctx: FilterContext, i: number): boolean {
  if (((ctx.store.flags[i] as number) & BAD) !== 0) return false;
  if (NESTING_IP_PROTO.has(sessionProto(ctx, i))) return false;
  return !NESTING.has(protocolNames.name(ctx.store.proto[i] as number));
}

const single = (f: (ctx: FilterContext, i: number) => RtValue): ColumnProvider => ({
  engine: true,
  values(ctx, i, out) {
    out.push(f(ctx, i));
    return COMPLETE;
  },
});

const absTime = (ctx: FilterContext, i: number): number => (ctx.store.tsSec[i] as number) + (ctx.store.tsNsec[i] as number) / 1e9;
// Differences in integer nanoseconds first, so 0.1 s stays 0.1 and not 0.09999990463.
const diff = (s1: number, n1: number, s0: number, n0: number): number => ((s1 - s0) * 1e9 + (n1 - n0)) / 1e9;

/** frame.interface_id as the tree holds it: the global id mapped to its index within the pcapng section. */
function interfaceIndexInSection(ctx: FilterContext, i: number): number {
  const id = ctx.store.ifId[i] as number;
  const iface = ctx.reader?.interfaces[id];
  return iface ? iface.indexInSection : id;
}

function addresses(kind: number, which: 'src' | 'dst' | 'addr'): ColumnProvider {
  return {
    engine: false,
    values(ctx, i, out) {
      const st = ctx.store;
      // The stored endpoints are the Home Address / final destination, not the header's ipv6.src/ipv6.dst.
      if (kind === EP_IPV6 && ((st.flags[i] as number) & PF_ALT_NET_ADDR) !== 0) return UNKNOWN;
      const src = st.srcEp[i] as number;
      const dst = st.dstEp[i] as number;
      const ep = ctx.endpoints;
      const full = simple(ctx, i) ? COMPLETE : PARTIAL;
      if (src === 0 || ep.kind(src) !== kind) return full === COMPLETE ? COMPLETE : UNKNOWN;
      if (which !== 'dst') out.push(ep.bytes(src));
      if (which !== 'src' && dst !== 0) out.push(ep.bytes(dst));
      return full;
    },
  };
}

function netPresence(kind: number): ColumnProvider {
  return {
    engine: false,
    values: () => UNKNOWN,
    exists(ctx, i) {
      const src = ctx.store.srcEp[i] as number;
      if (src !== 0 && ctx.endpoints.kind(src) === kind) return true;
      return simple(ctx, i) ? false : undefined;
    },
  };
}

function ports(ipProtos: readonly number[], which: 'src' | 'dst' | 'port'): ColumnProvider {
  return {
    engine: false,
    values(ctx, i, out) {
      const st = ctx.store;
      const p = sessionProto(ctx, i);
      const ok = simple(ctx, i);
      if (p === UDPLITE) return UNKNOWN; // UDP-Lite reuses udp.* field names
      if (((st.flags[i] as number) & SF_HAS_PORTS) !== 0 && ipProtos.includes(p)) {
        if (which !== 'dst') out.push(st.sport[i] as number);
        if (which !== 'src') out.push(st.dport[i] as number);
        return ok ? COMPLETE : PARTIAL;
      }
      // A session of this protocol without ports should not happen; do not guess.
      if (ipProtos.includes(p)) return UNKNOWN;
      return ok ? COMPLETE : UNKNOWN;
    },
  };
}

function transportPresence(ipProto: number): ColumnProvider {
  return {
    engine: false,
    values: () => UNKNOWN,
    exists(ctx, i) {
      const p = sessionProto(ctx, i);
      if (p === ipProto) return true;
      if (p === UDPLITE) return undefined;
      return simple(ctx, i) ? false : undefined;
    },
  };
}

const PROVIDERS = new Map<string, ColumnProvider>([
  ['frame.number', single((_ctx, i) => i + 1)],
  ['frame.len', single((ctx, i) => ctx.store.len[i] as number)],
  ['frame.cap_len', single((ctx, i) => ctx.store.caplen[i] as number)],
  ['frame.interface_id', single(interfaceIndexInSection)],
  ['frame.time', single(absTime)],
  ['frame.time_epoch', single(absTime)],
  [
    'frame.time_relative',
    single((ctx, i) => diff(ctx.store.tsSec[i] as number, ctx.store.tsNsec[i] as number, ctx.firstSec, ctx.firstNsec)),
  ],
  [
    'frame.time_delta',
    single((ctx, i) =>
      i === 0 ? 0 : diff(ctx.store.tsSec[i] as number, ctx.store.tsNsec[i] as number, ctx.store.tsSec[i - 1] as number, ctx.store.tsNsec[i - 1] as number),
    ),
  ],
  [
    'session',
    {
      engine: true,
      values(ctx, i, out) {
        const s = ctx.store.session[i] as number;
        if (s >= 0) out.push(s);
        return COMPLETE;
      },
    },
  ],
  ['frame', { engine: true, values: () => UNKNOWN, exists: () => true }],
  ['ip.src', addresses(EP_IPV4, 'src')],
  ['ip.dst', addresses(EP_IPV4, 'dst')],
  ['ip.addr', addresses(EP_IPV4, 'addr')],
  ['ipv6.src', addresses(EP_IPV6, 'src')],
  ['ipv6.dst', addresses(EP_IPV6, 'dst')],
  ['ipv6.addr', addresses(EP_IPV6, 'addr')],
  ['ip', netPresence(EP_IPV4)],
  ['ipv6', netPresence(EP_IPV6)],
  ['tcp.srcport', ports([6], 'src')],
  ['tcp.dstport', ports([6], 'dst')],
  ['tcp.port', ports([6], 'port')],
  ['udp.srcport', ports([17], 'src')],
  ['udp.dstport', ports([17], 'dst')],
  ['udp.port', ports([17], 'port')],
  ['tcp', transportPresence(6)],
  ['udp', transportPresence(17)],
  ['icmp', transportPresence(1)],
  ['icmpv6', transportPresence(58)],
]);

/**
 * For a field no column holds: a test that packet `i` cannot hold it, because the presence bit of the field's
 * protocol (`dns` for `dns.qry.name`) is clear in the store and the packet has no quoted or tunnelled headers
 * (whose protocols the bits do not record). Undefined when the protocol has no presence bit: every packet must
 * then be dissected. A true answer is exact; false means "dissect to know".
 */
export function protocolAbsence(name: string): ((ctx: FilterContext, i: number) => boolean) | undefined {
  const dot = name.indexOf('.');
  const proto = fields.get(dot < 0 ? name : name.slice(0, dot));
  if (proto === undefined || proto.type !== 'protocol') return undefined;
  const bit = protocolPresenceBit(proto.id);
  if (bit === 0) return undefined;
  return (ctx, i) => ((ctx.store.protos[i] as number) & bit) === 0 && simple(ctx, i);
}

/**
 * Lets a layer above the filter (the classifier) answer engine fields of its own (`app`, `geo.country` …)
 * from the columns, without the filter importing it.
 */
export function registerColumnProvider(name: string, provider: ColumnProvider): void {
  PROVIDERS.set(name, provider);
}

export function columnProvider(name: string): ColumnProvider | undefined {
  return PROVIDERS.get(name);
}
