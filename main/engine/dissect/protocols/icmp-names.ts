/**
 * ICMP and ICMPv6 type and code names, spelled as Wireshark's value strings so the Info column and tree
 * match tshark's output.
 */

export const ICMP_TYPES: Record<number, string> = {
  0: 'Echo (ping) reply',
  1: 'Reserved',
  2: 'Reserved',
  3: 'Destination unreachable',
  4: 'Source quench (flow control)',
  5: 'Redirect',
  6: 'Alternate host address',
  8: 'Echo (ping) request',
  9: 'Router advertisement',
  10: 'Router solicitation',
  11: 'Time-to-live exceeded',
  12: 'Parameter problem',
  13: 'Timestamp request',
  14: 'Timestamp reply',
  15: 'Information request',
  16: 'Information reply',
  17: 'Address mask request',
  18: 'Address mask reply',
  19: 'Reserved (for security)',
  30: 'Traceroute',
  31: 'Datagram Conversion Error',
  32: 'Mobile Host Redirect',
  33: 'IPv6 Where-Are-You',
  34: 'IPv6 I-Am-Here',
  35: 'Mobile Registration Request',
  36: 'Mobile Registration Reply',
  37: 'Domain Name Request',
  38: 'Domain Name Reply',
  39: 'SKIP',
  40: 'Photuris',
  41: 'Experimental mobility protocols',
  42: 'Extended Echo request',
  43: 'Extended Echo reply',
};

const UNREACH: Record<number, string> = {
  0: 'Network unreachable',
  1: 'Host unreachable',
  2: 'Protocol unreachable',
  3: 'Port unreachable',
  4: 'Fragmentation needed',
  5: 'Source route failed',
  6: 'Destination network unknown',
  7: 'Destination host unknown',
  8: 'Source host isolated',
  9: 'Network administratively prohibited',
  10: 'Host administratively prohibited',
  11: 'Network unreachable for TOS',
  12: 'Host unreachable for TOS',
  13: 'Communication administratively filtered',
  14: 'Host precedence violation',
  15: 'Precedence cutoff in effect',
};

const REDIRECT: Record<number, string> = {
  0: 'Redirect for network',
  1: 'Redirect for host',
  2: 'Redirect for TOS and network',
  3: 'Redirect for TOS and host',
};

const TTL_EXCEEDED: Record<number, string> = {
  0: 'Time to live exceeded in transit',
  1: 'Fragment reassembly time exceeded',
};

const PARAM_PROBLEM: Record<number, string> = {
  0: 'Pointer indicates the error',
  1: 'Required option missing',
  2: 'Bad length',
};

const ALT_HOST: Record<number, string> = { 0: 'Alternate address for host' };

const ROUTER_ADVERT: Record<number, string> = {
  0: 'Normal router advertisement',
  16: 'Does not route common traffic',
};

const PHOTURIS: Record<number, string> = {
  0: 'Bad SPI',
  1: 'Authentication Failed',
  2: 'Decompression Failed',
  3: 'Decryption Failed',
  4: 'Need Authentication',
  5: 'Need Authorization',
};

const EXT_ECHO_REPLY: Record<number, string> = {
  0: 'No Error',
  1: 'Malformed Query',
  2: 'No Such Interface',
  3: 'No Such Table Entry',
  4: 'Multiple Interfaces Satisfy Query',
};

/** The code's name for types whose codes have names; null for types without ("Echo (ping) request"). */
export function icmpCodeName(type: number, code: number): string | null {
  let table: Record<number, string> | null;
  switch (type) {
    case 3:
      table = UNREACH;
      break;
    case 5:
      table = REDIRECT;
      break;
    case 6:
      table = ALT_HOST;
      break;
    case 9:
      table = ROUTER_ADVERT;
      break;
    case 11:
      table = TTL_EXCEEDED;
      break;
    case 12:
      table = PARAM_PROBLEM;
      break;
    case 40:
      table = PHOTURIS;
      break;
    case 43:
      table = EXT_ECHO_REPLY;
      break;
    default:
      table = null;
  }
  if (table === null) return null;
  return table[code] ?? `Unknown code: ${code}`;
}

export const ICMPV6_TYPES: Record<number, string> = {
  1: 'Destination Unreachable',
  2: 'Packet Too Big',
  3: 'Time Exceeded',
  4: 'Parameter Problem',
  100: 'Private experimentation',
  101: 'Private experimentation',
  127: 'Reserved for expansion of ICMPv6 error messages',
  128: 'Echo (ping) request',
  129: 'Echo (ping) reply',
  130: 'Multicast Listener Query',
  131: 'Multicast Listener Report',
  132: 'Multicast Listener Done',
  133: 'Router Solicitation',
  134: 'Router Advertisement',
  135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement',
  137: 'Redirect',
  138: 'Router Renumbering',
  139: 'ICMP Node Information Query',
  140: 'ICMP Node Information Response',
  141: 'Inverse Neighbor Discovery Solicitation Message',
  142: 'Inverse Neighbor Discovery Advertisement Message',
  143: 'Multicast Listener Report Message v2',
  144: 'Home Agent Address Discovery Request Message',
  145: 'Home Agent Address Discovery Reply Message',
  146: 'Mobile Prefix Solicitation',
  147: 'Mobile Prefix Advertisement',
  148: 'Certification Path Solicitation Message',
  149: 'Certification Path Advertisement Message',
  150: 'Experimental Mobility Protocols',
  151: 'Multicast Router Advertisement',
  152: 'Multicast Router Solicitation',
  153: 'Multicast Router Termination',
  154: 'FMIPv6 Messages',
  155: 'RPL Control Message',
  156: 'ILNPv6 Locator Update Message',
  157: 'Duplicate Address Request',
  158: 'Duplicate Address Confirmation',
  159: 'MPL Control Message',
  160: 'Extended Echo request',
  161: 'Extended Echo reply',
  200: 'Private experimentation',
  201: 'Private experimentation',
  255: 'Reserved for expansion of ICMPv6 informational messages',
};

const V6_UNREACH: Record<number, string> = {
  0: 'no route to destination',
  1: 'Administratively prohibited',
  2: 'Beyond scope of source address',
  3: 'Address unreachable',
  4: 'Port unreachable',
  5: 'Source address failed ingress/egress policy',
  6: 'Reject route to destination',
  7: 'Error in Source Routing Header',
};

const V6_TIME_EXCEEDED: Record<number, string> = {
  0: 'hop limit exceeded in transit',
  1: 'fragment reassembly time exceeded',
};

const V6_PARAM_PROBLEM: Record<number, string> = {
  0: 'erroneous header field encountered',
  1: 'unrecognized Next Header type encountered',
  2: 'unrecognized IPv6 option encountered',
  3: 'IPv6 First Fragment has incomplete IPv6 Header Chain',
};

/** Code names of the ICMPv6 error types; null for types whose code is just a number. */
export function icmpv6CodeName(type: number, code: number): string | null {
  const table = type === 1 ? V6_UNREACH : type === 3 ? V6_TIME_EXCEEDED : type === 4 ? V6_PARAM_PROBLEM : null;
  if (table === null) return null;
  // tshark's fallbacks differ per table: plain "Unknown" for unreachable codes, "Unknown (N)" for the others.
  return table[code] ?? (type === 1 ? 'Unknown' : `Unknown (${code})`);
}

/** Neighbour Discovery option names (RFC 4861 §4.6 and later IANA registrations). */
export const ND_OPTION_NAMES: Record<number, string> = {
  1: 'Source link-layer address',
  2: 'Target link-layer address',
  3: 'Prefix information',
  4: 'Redirected header',
  5: 'MTU',
  6: 'NBMA Shortcut Limit Option',
  7: 'Advertisement Interval',
  8: 'Home Agent Information',
  9: 'Source Address List',
  10: 'Target Address List',
  11: 'CGA',
  12: 'RSA Signature',
  13: 'Timestamp',
  14: 'Nonce',
  15: 'Trust Anchor',
  16: 'Certificate',
  17: 'IP Address/Prefix Option',
  18: 'New Router Prefix Information',
  19: 'Link-layer Address',
  20: 'Neighbor Advertisement Acknowledgment',
  23: 'MAP',
  24: 'Route Information',
  25: 'Recursive DNS Server',
  26: 'RA Flags Extension',
  27: 'Handover Key Request',
  28: 'Handover Key Reply',
  29: 'Handover Assist Information',
  30: 'Mobile Node Identifier Option',
  31: 'DNS Search List Option',
  32: 'Proxy Signature (PS)',
  33: 'Address Registration Option',
  34: '6LoWPAN Context Option',
  35: 'Authoritative Border Router',
  37: 'DHCP Captive-Portal',
  38: 'PREF64 Option',
  253: 'Experimental 1',
  254: 'Experimental 2',
};
