/**
 * DNS value names as Wireshark 4.0 prints them (record types, classes, opcodes, rcodes, EDNS options, SVCB
 * keys): the Info column and the tree labels use these words, so they are copied, not invented.
 */

const TYPES: Record<number, string> = {
  1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR', 10: 'NULL', 11: 'WKS',
  12: 'PTR', 13: 'HINFO', 14: 'MINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB', 19: 'X25', 20: 'ISDN',
  21: 'RT', 22: 'NSAP', 23: 'NSAP-PTR', 24: 'SIG', 25: 'KEY', 26: 'PX', 27: 'GPOS', 28: 'AAAA', 29: 'LOC',
  30: 'NXT', 31: 'EID', 32: 'NIMLOC', 33: 'SRV', 34: 'ATMA', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 38: 'A6',
  39: 'DNAME', 40: 'SINK', 41: 'OPT', 42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG',
  47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID', 50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA', 53: 'SMIMEA', 55: 'HIP',
  56: 'NINFO', 57: 'RKEY', 58: 'TALINK', 59: 'CDS', 60: 'CDNSKEY', 61: 'OPENPGPKEY', 62: 'CSYNC', 63: 'ZONEMD',
  64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 100: 'UINFO', 101: 'UID', 102: 'GID', 103: 'UNSPEC', 104: 'NID',
  105: 'L32', 106: 'L64', 107: 'LP', 108: 'EUI48', 109: 'EUI64', 249: 'TKEY', 250: 'TSIG', 251: 'IXFR',
  252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: 'ANY', 256: 'URI', 257: 'CAA', 258: 'AVC', 259: 'DOA',
  260: 'AMTRELAY', 32768: 'TA', 32769: 'DLV', 65534: 'Private use', 65535: 'Reserved',
};

export function dnsTypeName(t: number): string {
  return TYPES[t] ?? (t === 0 ? 'Unused' : `Unknown (${t})`);
}

const CLASSES: Record<number, string> = { 1: 'IN', 2: 'CSNET', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

export function dnsClassName(c: number): string {
  return CLASSES[c] ?? `Unknown (0x${c.toString(16).padStart(4, '0')})`;
}

const OPCODES = ['Standard query', 'Inverse query', 'Server status request', 'Unknown operation (3)', 'Zone change notification', 'Dynamic update', 'DNS Stateful operations (DSO)'];

export function dnsOpcodeName(op: number): string {
  return OPCODES[op] ?? `Unknown operation (${op})`;
}

const RCODES = [
  'No error', 'Format error', 'Server failure', 'No such name', 'Not implemented', 'Refused', 'Name exists',
  'RRset exists', 'RRset does not exist', 'Not authoritative', 'Name out of zone', 'DSO-Type not implemented',
];

export function dnsRcodeName(rc: number): string {
  return RCODES[rc] ?? `Unknown error (${rc})`;
}

const OPT_CODES: Record<number, string> = {
  1: 'LLQ', 2: 'UL', 3: 'NSID', 5: 'DAU', 6: 'DHU', 7: 'N3U', 8: 'CSUBNET - Client subnet', 9: 'EDNS EXPIRE',
  10: 'COOKIE', 11: 'EDNS TCP KEEPALIVE', 12: 'PADDING', 13: 'CHAIN', 14: 'EDNS KEY TAG', 15: 'Extended DNS Error',
  16: 'EDNS CLIENT TAG', 17: 'EDNS SERVER TAG', 20292: 'DeviceID',
};

export function ednsOptionName(code: number): string {
  return OPT_CODES[code] ?? `Unknown (${code})`;
}

const SVC_KEYS = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint', 'dohpath', 'ohttp'];

export function svcKeyName(k: number): string {
  if (k === 65535) return 'key65535 (invalid key)';
  return SVC_KEYS[k] ?? `key${k}`;
}
