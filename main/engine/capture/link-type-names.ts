/** LINKTYPE_* names (tcpdump.org link-layer header types) for display. */
const NAMES: Record<number, string> = {
  0: 'NULL (BSD loopback)',
  1: 'Ethernet',
  12: 'Raw IP',
  14: 'Raw IP',
  101: 'Raw IP',
  108: 'OpenBSD loopback',
  113: 'Linux cooked (SLL)',
  127: 'IEEE 802.11 radiotap',
  228: 'Raw IPv4',
  229: 'Raw IPv6',
  253: 'Linux netlink',
  276: 'Linux cooked v2 (SLL2)',
};

export function linkTypeName(linkType: number): string {
  return NAMES[linkType] ?? `link type ${linkType}`;
}
