/**
 * Packet list colouring: the engine names the colouring rule that matched (Row.color); the UI owns the palette.
 * Names and colours follow Wireshark's default colouring rules, matched loosely ("TCP SYN/FIN", "tcp-syn-fin"
 * and "tcp_syn_fin" are the same rule) because the engine may spell them either way.
 */
export interface RowColors {
  background: string;
  color: string;
}

const DARK = '#12272e';

const palette: Record<string, RowColors> = {
  badtcp: { background: '#12272e', color: '#f78787' },
  hsrpstatechange: { background: '#12272e', color: '#fff600' },
  spanningtreetopologychange: { background: '#12272e', color: '#fff600' },
  ospfstatechange: { background: '#12272e', color: '#fff600' },
  icmperrors: { background: '#12272e', color: '#b7f774' },
  arp: { background: '#fafff0', color: DARK },
  icmp: { background: '#fce0ff', color: DARK },
  tcprst: { background: '#a40000', color: '#fffc9c' },
  sctpabort: { background: '#a40000', color: '#fffc9c' },
  ttllow: { background: '#a40000', color: '#fffc9c' },
  ttllowvorunexpected: { background: '#a40000', color: '#fffc9c' },
  ttlloworunexpected: { background: '#a40000', color: '#fffc9c' },
  checksumerrors: { background: '#12272e', color: '#f78787' },
  smb: { background: '#feffd0', color: DARK },
  http: { background: '#e4ffc7', color: DARK },
  dcerpc: { background: '#c797ff', color: DARK },
  routing: { background: '#fff3d6', color: DARK },
  tcpsynfin: { background: '#a0a0a0', color: DARK },
  tcp: { background: '#e7e6ff', color: DARK },
  udp: { background: '#daeeff', color: DARK },
  broadcast: { background: '#ffffff', color: '#babdb6' },
  systemevent: { background: '#ffffff', color: DARK },
  // Not in Wireshark's defaults, but common enough in the engine's protocols to deserve a colour.
  dns: { background: '#daeeff', color: DARK },
  quic: { background: '#daeeff', color: DARK },
  tls: { background: '#e7e6ff', color: DARK },
  icmpv6: { background: '#fce0ff', color: DARK },
  ipv6: { background: '#f4f4f4', color: DARK },
  malformed: { background: '#12272e', color: '#f78787' },
};

function key(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Colours for a rule name, or null for the grid's default (no rule, or one we have no colour for). */
export function rowColors(rule: string): RowColors | null {
  if (!rule) return null;
  return palette[key(rule)] ?? null;
}
