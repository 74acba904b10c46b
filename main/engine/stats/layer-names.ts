/**
 * Protocol layer names as tshark's protocol hierarchy prints them ("eth", "ip", "tcp", "tls", "data"),
 * interned to small ids, and the translation of what the dissection records (link type, Protocol column ids
 * of its trail) into those names. Each translation is computed once per id, never per packet.
 */
import { protocolNames } from '../dissect/protocols-registry';

export class LayerNames {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }

  name(id: number): string {
    return this.names[id] ?? '?';
  }

  get size(): number {
    return this.names.length;
  }
}

export const layerNames = new LayerNames();

export const L_DATA = layerNames.id('data');
export const L_ETH = layerNames.id('eth');
export const L_VLAN = layerNames.id('vlan');
export const L_8021AD = layerNames.id('ieee8021ad');
export const L_IP = layerNames.id('ip');
export const L_IPV6 = layerNames.id('ipv6');
export const L_TCP = layerNames.id('tcp');
export const L_UDP = layerNames.id('udp');
export const L_SHORT = layerNames.id('_ws.short');
export const L_MALFORMED = layerNames.id('_ws.malformed');
/** tshark puts a packet's pcapng comments in front of every layer. */
export const L_COMMENT = layerNames.id('pkt_comment');

/** Link-layer layer of a link type, -1 when the link type itself carries no layer (raw IPv4/IPv6). */
const LINK_LAYERS: ReadonlyMap<number, number> = new Map([
  [0, layerNames.id('null')],
  [108, layerNames.id('null')],
  [1, L_ETH],
  [12, layerNames.id('raw')],
  [14, layerNames.id('raw')],
  [101, layerNames.id('raw')],
  // tshark names both Linux cooked headers "sll".
  [113, layerNames.id('sll')],
  [276, layerNames.id('sll')],
  [127, layerNames.id('radiotap')],
  [253, layerNames.id('netlink')],
  [228, -1],
  [229, -1],
]);

/** LINK_LAYERS as a flat table for the per-packet lookup: -2 for link types not listed. */
const LINK_TABLE = new Int32Array(512).fill(-2);
for (const [type, layer] of LINK_LAYERS) LINK_TABLE[type] = layer;

/** The layer a link type starts with; undefined for link types nobody decodes (tshark shows "data"). */
export function linkLayer(linkType: number): number | undefined {
  const layer = linkType >= 0 && linkType < LINK_TABLE.length ? LINK_TABLE[linkType]! : -2;
  return layer === -2 ? undefined : layer;
}

/**
 * IP protocols tshark dissects that we do not, named as tshark's hierarchy does, so their packets land under
 * the protocol rather than under "data".
 */
const IP_PROTO_LAYERS: ReadonlyMap<number, number> = new Map([
  [2, layerNames.id('igmp')],
  [4, L_IP],
  [41, L_IPV6],
  [47, layerNames.id('gre')],
  [50, layerNames.id('esp')],
  [51, layerNames.id('ah')],
  [89, layerNames.id('ospf')],
  [103, layerNames.id('pim')],
  [112, layerNames.id('vrrp')],
  [132, layerNames.id('sctp')],
]);

export function ipProtoLayer(proto: number): number | undefined {
  return IP_PROTO_LAYERS.get(proto);
}

/** Protocol column name → the layers it stands for (a column name can carry two: "SIP/SDP"). */
const COLUMN_LAYERS: Record<string, readonly string[]> = {
  LLC: ['llc'],
  ARP: ['arp'],
  RARP: ['arp'],
  DRARP: ['arp'],
  'Inverse ARP': ['arp'],
  IPv4: ['ip'],
  IPv6: ['ipv6'],
  MIPv6: ['mipv6'],
  // The link layer is taken from the link type; null/raw headers that carry nothing known end in data.
  SLL: [],
  'N/A': ['data'],
  Unsupported: ['data'],
  TCP: ['tcp'],
  UDP: ['udp'],
  UDPlite: ['udplite'],
  ICMP: ['icmp'],
  ICMPv6: ['icmpv6'],
  DNS: ['dns'],
  MDNS: ['mdns'],
  LLMNR: ['llmnr'],
  SSL: ['tls'],
  SSLv2: ['tls'],
  SSLv3: ['tls'],
  TLSv1: ['tls'],
  'TLSv1.1': ['tls'],
  'TLSv1.2': ['tls'],
  'TLSv1.3': ['tls'],
  QUIC: ['quic'],
  HTTP: ['http'],
  'HTTP/XML': ['http', 'xml'],
  'HTTP/JSON': ['http', 'json'],
  NTP: ['ntp'],
  DHCP: ['dhcp'],
  BOOTP: ['dhcp'],
  SIP: ['sip'],
  // The SDP body is inside SIP's tree, not a layer of its own in tshark's hierarchy (HTTP media types are).
  'SIP/SDP': ['sip'],
  RTCP: ['rtcp'],
  RTP: ['rtp'],
  'RTP EVENT': ['rtp', 'rtpevent'],
};

const EMPTY: readonly number[] = [];
const byColumnId: (readonly number[] | undefined)[] = [];

/** Layers of a Protocol column id (see protocolNames), cached per id. */
export function columnLayers(protocolId: number): readonly number[] {
  let layers = byColumnId[protocolId];
  if (layers === undefined) {
    const name = protocolNames.name(protocolId);
    const known = COLUMN_LAYERS[name];
    if (known !== undefined) layers = known.map((n) => layerNames.id(n));
    // "0x88cc": an ethertype nobody decodes; tshark shows its payload as data.
    else if (/^0x[0-9a-f]{4}$/.test(name)) layers = [L_DATA];
    else if (name === '') layers = EMPTY;
    // A protocol added later without an entry here: its column name, lower case, is the best guess.
    else layers = [layerNames.id(name.toLowerCase())];
    byColumnId[protocolId] = layers;
  }
  return layers;
}
