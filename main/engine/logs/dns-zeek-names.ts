/**
 * The names Zeek's dns.log prints for classes and response codes ("C_INTERNET", "NXDOMAIN"): they differ from
 * Wireshark's ("IN", "No such name"), and the log follows Zeek so existing zeek-cut/jq habits carry over.
 * Query types keep Wireshark's names (dnsTypeName), which are the IANA mnemonics Zeek prints too.
 */

const CLASSES: Record<number, string> = { 1: 'C_INTERNET', 3: 'C_CHAOS', 4: 'C_HESIOD', 254: 'C_NONE', 255: 'C_ANY' };

export function zeekClassName(c: number): string {
  return CLASSES[c] ?? `?(${c})`;
}

const RCODES = [
  'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH',
  'NOTZONE',
];
const EXTENDED: Record<number, string> = { 16: 'BADVERS', 17: 'BADKEY', 18: 'BADTIME', 19: 'BADMODE', 20: 'BADNAME', 21: 'BADALG', 22: 'BADTRUNC', 23: 'BADCOOKIE' };

export function zeekRcodeName(rc: number): string {
  return RCODES[rc] ?? EXTENDED[rc] ?? `?(${rc})`;
}
