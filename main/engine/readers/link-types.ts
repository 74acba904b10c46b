/**
 * Link-layer header types (LINKTYPE_* values as stored in pcap/pcapng headers).
 * Unknown values are not errors: the record carries the number and the dissector decides what to do.
 */

/** Link types the dissectors handle: NULL, ETHERNET, RAW (12 and 101), LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2. */
export const SUPPORTED_LINK_TYPES: ReadonlySet<number> = new Set([0, 1, 12, 14, 101, 108, 113, 228, 229, 276]);

/**
 * The pcap header's "network" field also carries FCS information in its upper bits (bits 28-31: FCS length in
 * 16-bit words, bit 26: FCS-length-present flag), so the link type proper is the lower bits only.
 * Bits 16-25 are reserved (must be zero) and are kept, so a damaged header does not alias a real link type.
 */
export function linkTypeFromPcapHeader(network: number): number {
  return network & 0x03ffffff;
}

/** FCS length in bytes announced in a pcap header's network field, or undefined when not announced. */
export function fcsLengthFromPcapHeader(network: number): number | undefined {
  return network & 0x04000000 ? ((network >>> 28) & 0xf) * 2 : undefined;
}

const NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'NULL'],
  [1, 'ETHERNET'],
  [12, 'RAW'],
  [14, 'RAW'],
  [101, 'RAW'],
  [108, 'LOOP'],
  [113, 'LINUX_SLL'],
  [228, 'IPV4'],
  [229, 'IPV6'],
  [253, 'NETLINK'],
  [276, 'LINUX_SLL2'],
]);

/** Short name for messages and summaries ("LINKTYPE_123" when unknown). */
export function linkTypeName(linkType: number): string {
  return NAMES.get(linkType) ?? `LINKTYPE_${linkType}`;
}
