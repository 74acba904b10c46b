/**
 * Helpers shared by the link-layer and network-layer decoders: ethertype dispatch (with tshark's "0x88cc"
 * Protocol column for ethertypes nobody decodes), the truncated-vs-malformed decision, the undecoded-data
 * node, and the network layer's "where my datagram ends" note that Ethernet uses to split padding/trailer.
 */
import type { Dissection } from '../dissection';
import { PF_MALFORMED, PF_TRUNCATED } from '../dissection';
import { fields } from '../fields';
import { protocolNames } from '../protocols-registry';
import { etherTypeTable } from '../tables';

export const ETH_IPV4 = 0x0800;
export const ETH_ARP = 0x0806;
export const ETH_RARP = 0x8035;
export const ETH_VLAN = 0x8100;
export const ETH_QINQ = 0x88a8;
export const ETH_QINQ_OLD = 0x9100;
export const ETH_IPV6 = 0x86dd;

// 'data' is a protocol in Wireshark, but the ICMP decoders register it as bytes; the registry needs one type.
const fData = fields.register('data', 'bytes', 'Data');
const fDataData = fields.register('data.data', 'bytes', 'Data');
const fDataLen = fields.register('data.len', 'int', 'Length');

/**
 * Set by the outermost network layer (IPv4/IPv6/ARP) to the end of its datagram within the frame, so the
 * link layer can show the bytes after it as padding/trailer. Module state is safe because a dissection runs
 * synchronously from start to end; -1 means "not known".
 */
export const netLayer = { end: -1 };

/** Records the datagram end once: the outermost header wins over tunnelled ones. */
export function noteNetEnd(d: Dissection, end: number): void {
  if (d.inner === 0 && d.source === undefined && netLayer.end < 0) netLayer.end = end;
}

/**
 * A header that does not fit in the bytes we have. tshark distinguishes a capture cut by the snap length
 * ("[Packet size limited during capture]", a ReportedBoundsError) from a packet that is itself too short
 * ("[Malformed Packet]"); we mirror that with PF_TRUNCATED vs PF_MALFORMED.
 */
export function tooShort(d: Dissection, what: string): void {
  const snapped = d.source === undefined && d.frame.caplen < d.frame.len;
  if (snapped) {
    d.problem(PF_TRUNCATED, `${what}: packet size limited during capture`);
    if (d.wantText) d.info += '[Packet size limited during capture]';
  } else {
    d.problem(PF_MALFORMED, `${what}: header runs past the end of the packet`);
    if (d.wantText) d.info += '[Malformed Packet]';
  }
}

/** A field value that is impossible: always malformed. */
export function malformed(d: Dissection, text: string): void {
  d.problem(PF_MALFORMED, text);
  if (d.wantText) d.info += '[Malformed Packet]';
}

/** Adds the generic "Data (n bytes)" node for bytes no decoder claimed (tree mode only). */
export function addData(d: Dissection, off: number, end: number): void {
  if (d.tree === null || end <= off) return;
  d.open(fData, off, end - off, `Data (${end - off} byte${end - off === 1 ? '' : 's'})`, null);
  d.add(fDataData, off, end - off, d.buf.slice(off, end), `Data: ${hexString(d.buf, off, Math.min(end, off + 32))}${end - off > 32 ? '…' : ''}`);
  d.add(fDataLen, off, 0, end - off, `[Length: ${end - off}]`);
  d.close();
}

function hexString(b: Uint8Array, off: number, end: number): string {
  let s = '';
  for (let i = off; i < end; i++) s += (b[i] as number).toString(16).padStart(2, '0');
  return s;
}

// Protocol ids for ethertypes nobody decodes, interned once per value so the index path does not format a
// string per packet.
const unknownEtherProto = new Map<number, number>();

/** Protocol column id "0x0c0d" for an undecoded ethertype, as tshark shows it. */
export function unknownEtherTypeProtocol(type: number): number {
  let id = unknownEtherProto.get(type);
  if (id === undefined) {
    id = protocolNames.id('0x' + type.toString(16).padStart(4, '0'));
    unknownEtherProto.set(type, id);
  }
  return id;
}

/** Hands [off, end) to the decoder registered for `type`; undecoded payloads get tshark's hex Protocol. */
export function dispatchEtherType(d: Dissection, type: number, off: number, end: number): void {
  const decode = etherTypeTable.get(type);
  if (decode) {
    decode(d, off, end);
    return;
  }
  d.setProtocol(unknownEtherTypeProtocol(type));
  addData(d, off, end);
}

const ETHERTYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0800, 'IPv4'],
  [0x0806, 'ARP'],
  [0x0842, 'Wake on LAN'],
  [0x22f0, 'IEEE 1722 Audio Video Bridging Transport Protocol'],
  [0x22f3, 'TRILL'],
  [0x6002, 'DEC DNA Remote Console'],
  [0x8035, 'RARP'],
  [0x809b, 'AppleTalk LLAP bridging'],
  [0x80f3, 'AARP'],
  [0x8100, '802.1Q Virtual LAN'],
  [0x8137, 'Netware IPX/SPX'],
  [0x86dd, 'IPv6'],
  [0x8808, 'MAC Control'],
  [0x8809, 'Slow Protocols'],
  [0x8847, 'MPLS label switched packet'],
  [0x8848, 'MPLS multicast label switched packet'],
  [0x8863, 'PPPoE Discovery'],
  [0x8864, 'PPPoE Session'],
  [0x888e, '802.1X Authentication'],
  [0x8892, 'PROFINET'],
  [0x88a8, '802.1ad Provider Bridge (Q-in-Q)'],
  [0x88cc, '802.1 Link Layer Discovery Protocol (LLDP)'],
  [0x88e5, '802.1AE (MACsec)'],
  [0x88f7, 'PTPv2 over Ethernet (IEEE1588)'],
  [0x8906, 'Fibre Channel over Ethernet'],
  [0x8914, 'FCoE Initialization Protocol'],
  [0x9000, 'Configuration Test Protocol (loopback)'],
  [0x9100, 'VLAN-tagged frame (Q-in-Q)'],
]);

/** "IPv4 (0x0800)" as in Wireshark's eth.type label; only called in tree mode. */
export function etherTypeLabel(type: number): string {
  const hex = '0x' + type.toString(16).padStart(4, '0');
  const name = ETHERTYPE_NAMES.get(type);
  return name ? `${name} (${hex})` : `Unknown (${hex})`;
}

/** Copies `n` bytes of `src` at `off` into the start of `dst` without allocating. */
export function copyInto(dst: Uint8Array, src: Uint8Array, off: number, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = src[off + i] as number;
}
