/**
 * IPv6 Neighbour Discovery options (RFC 4861 §4.6, RFC 8106 RDNSS/DNSSL, RFC 4191 route information),
 * carried by RS/RA/NS/NA/Redirect. Decoded for the tree and for the bits tshark puts in Info:
 * " from <source link-layer address>" and " is at <target link-layer address>".
 * Call only in SUMMARY/TREE modes (it builds strings).
 */
import { fields } from '../fields';
import { PF_MALFORMED, PF_TRUNCATED, type Dissection } from '../dissection';
import { etherTypeTable } from '../tables';
import { formatIPv6, formatMac } from '../../base/addr';
import { hexColon } from '../dissection';
import { ND_OPTION_NAMES } from './icmp-names';

const fOpt = fields.register('icmpv6.opt', 'none', 'ICMPv6 Option');
const fOptType = fields.register('icmpv6.opt.type', 'uint', 'Type');
const fOptLen = fields.register('icmpv6.opt.length', 'uint', 'Length');
const fLinkAddr = fields.register('icmpv6.opt.linkaddr', 'ether', 'Link-layer address');
const fSrcLinkAddr = fields.register('icmpv6.opt.src_linkaddr', 'ether', 'Source Link-layer address');
const fTgtLinkAddr = fields.register('icmpv6.opt.target_linkaddr', 'ether', 'Target Link-layer address');
const fPrefixLen = fields.register('icmpv6.opt.prefix.length', 'uint', 'Prefix Length');
const fPrefixFlag = fields.register('icmpv6.opt.prefix.flag', 'uint', 'Flag', 'hex');
const fPrefixL = fields.register('icmpv6.opt.prefix.flag.l', 'bool', 'On-link flag(L)');
const fPrefixA = fields.register('icmpv6.opt.prefix.flag.a', 'bool', 'Autonomous address-configuration flag(A)');
const fPrefixR = fields.register('icmpv6.opt.prefix.flag.r', 'bool', 'Router address flag(R)');
const fPrefixValid = fields.register('icmpv6.opt.prefix.valid_lifetime', 'uint', 'Valid Lifetime');
const fPrefixPreferred = fields.register('icmpv6.opt.prefix.preferred_lifetime', 'uint', 'Preferred Lifetime');
const fPrefix = fields.register('icmpv6.opt.prefix', 'ipv6', 'Prefix');
const fMtu = fields.register('icmpv6.opt.mtu', 'uint', 'MTU');
const fRdnssLifetime = fields.register('icmpv6.opt.rdnss.lifetime', 'uint', 'Lifetime');
const fRdnss = fields.register('icmpv6.opt.rdnss', 'ipv6', 'Recursive DNS Servers');
const fDnsslLifetime = fields.register('icmpv6.opt.dnssl.lifetime', 'uint', 'Lifetime');
const fDnssl = fields.register('icmpv6.opt.dnssl', 'string', 'Domain Names');
const fRouteLifetime = fields.register('icmpv6.opt.route_lifetime', 'uint', 'Route Lifetime');
const fAdvInt = fields.register('icmpv6.opt.advint', 'uint', 'Advertisement Interval');
const fNonce = fields.register('icmpv6.opt.nonce', 'bytes', 'Nonce');
const fRedirected = fields.register('icmpv6.opt.redirected_packet', 'bytes', 'Redirected packet');
const fOptData = fields.register('icmpv6.opt.data', 'bytes', 'Data');

const OPT_SLLA = 1;
const OPT_TLLA = 2;
const OPT_PREFIX = 3;
const OPT_REDIRECTED = 4;
const OPT_MTU = 5;
const OPT_ADVINT = 7;
const OPT_NONCE = 14;
const OPT_ROUTE_INFO = 24;
const OPT_RDNSS = 25;
const OPT_DNSSL = 31;

function linkAddr(d: Dissection, at: number, n: number): string {
  return n === 6 ? formatMac(d.buf, at) : hexColon(d.buf.subarray(at, at + n));
}

/** RFC 1035 names packed in a DNSSL option; stops at the zero padding or on a bad label. */
function dnsNames(b: Uint8Array, p: number, end: number): string {
  const names: string[] = [];
  let cur = '';
  while (p < end) {
    const l = b[p] as number;
    p++;
    if (l === 0) {
      if (!cur) break;
      names.push(cur);
      cur = '';
      continue;
    }
    if (l > 63 || p + l > end) break;
    let label = '';
    for (let i = 0; i < l; i++) label += String.fromCharCode(b[p + i] as number);
    cur += cur ? `.${label}` : label;
    p += l;
  }
  return names.join(', ');
}

/** Decodes the options in [off, end) and returns the Info suffix (" from …", " is at …"). */
export function decodeNdOptions(d: Dissection, off: number, end: number): string {
  const dv = d.dv;
  const tree = d.tree !== null;
  let info = '';
  let p = off;
  while (p < end) {
    if (end - p < 2) {
      d.problem(PF_TRUNCATED, 'ICMPv6 option truncated');
      break;
    }
    const type = dv.getUint8(p);
    const units = dv.getUint8(p + 1);
    const name = ND_OPTION_NAMES[type] ?? 'Unknown';
    if (units === 0) {
      // A zero length would loop forever; RFC 4861 §4.6 says to drop the packet.
      d.problem(PF_MALFORMED, `Invalid ICMPv6 option length 0 (${name})`);
      break;
    }
    const len = units * 8;
    if (p + len > end) {
      d.problem(PF_TRUNCATED, `ICMPv6 option ${name} runs past the end (${len} bytes, ${end - p} left)`);
      break;
    }
    const node = tree ? d.open(fOpt, p, len, `ICMPv6 Option (${name})`) : null;
    if (tree) {
      d.add(fOptType, p, 1, type, `Type: ${name} (${type})`);
      d.add(fOptLen, p + 1, 1, units, `Length: ${units} (${len} bytes)`);
    }
    const body = p + 2;
    const bodyLen = len - 2;
    switch (type) {
      case OPT_SLLA:
      case OPT_TLLA: {
        // Ethernet uses 6 of the 6 bytes; other links may pad, so trailing zero bytes are not part of it.
        const n = bodyLen >= 6 && bodyLen < 14 ? 6 : bodyLen;
        const addr = linkAddr(d, body, n);
        info += type === OPT_SLLA ? ` from ${addr}` : ` is at ${addr}`;
        if (tree && node) {
          node.label = `ICMPv6 Option (${name} : ${addr})`;
          d.add(fLinkAddr, body, n, addr, `Link-layer address: ${addr}`);
          d.addHidden(type === OPT_SLLA ? fSrcLinkAddr : fTgtLinkAddr, addr, body, n);
        }
        break;
      }
      case OPT_PREFIX:
        if (tree && bodyLen >= 30) {
          const plen = dv.getUint8(body);
          const flags = dv.getUint8(body + 1);
          const prefix = formatIPv6(d.buf, body + 14);
          node!.label = `ICMPv6 Option (${name} : ${prefix}/${plen})`;
          d.add(fPrefixLen, body, 1, plen);
          d.open(fPrefixFlag, body + 1, 1, `Flag: 0x${flags.toString(16).padStart(2, '0')}`, flags);
          d.add(fPrefixL, body + 1, 1, (flags & 0x80) !== 0);
          d.add(fPrefixA, body + 1, 1, (flags & 0x40) !== 0);
          d.add(fPrefixR, body + 1, 1, (flags & 0x20) !== 0);
          d.close();
          d.add(fPrefixValid, body + 2, 4, dv.getUint32(body + 2));
          d.add(fPrefixPreferred, body + 6, 4, dv.getUint32(body + 6));
          d.add(fPrefix, body + 14, 16, prefix, `Prefix: ${prefix}`);
        }
        break;
      case OPT_MTU:
        if (tree && bodyLen >= 6) {
          const mtu = dv.getUint32(body + 2);
          node!.label = `ICMPv6 Option (${name} : ${mtu})`;
          d.add(fMtu, body + 2, 4, mtu);
        }
        break;
      case OPT_ADVINT:
        if (tree && bodyLen >= 6) d.add(fAdvInt, body + 2, 4, dv.getUint32(body + 2));
        break;
      case OPT_NONCE:
        if (tree) d.add(fNonce, body, bodyLen, d.buf.subarray(body, body + bodyLen));
        break;
      case OPT_ROUTE_INFO:
        if (tree && bodyLen >= 6) {
          d.add(fPrefixLen, body, 1, dv.getUint8(body));
          d.add(fRouteLifetime, body + 2, 4, dv.getUint32(body + 2));
          // The prefix field holds only as many bytes as the option length allows (0, 8 or 16).
          if (bodyLen >= 22) d.add(fPrefix, body + 6, 16, formatIPv6(d.buf, body + 6), `Prefix: ${formatIPv6(d.buf, body + 6)}`);
        }
        break;
      case OPT_RDNSS:
        if (tree && bodyLen >= 6) {
          d.add(fRdnssLifetime, body + 2, 4, dv.getUint32(body + 2));
          const servers: string[] = [];
          for (let q = body + 6; q + 16 <= p + len; q += 16) {
            const a = formatIPv6(d.buf, q);
            servers.push(a);
            d.add(fRdnss, q, 16, a, `Recursive DNS Servers: ${a}`);
          }
          node!.label = `ICMPv6 Option (${name} ${servers.join(' ')})`;
        }
        break;
      case OPT_DNSSL:
        if (tree && bodyLen >= 6) {
          d.add(fDnsslLifetime, body + 2, 4, dv.getUint32(body + 2));
          const names = dnsNames(d.buf, body + 6, p + len);
          d.add(fDnssl, body + 6, len - 8, names, `Domain Names: ${names}`);
        }
        break;
      case OPT_REDIRECTED:
        if (tree && bodyLen > 6) {
          // 6 reserved bytes, then as much of the redirected packet as fits: an IPv6 header for the tree.
          const inner = body + 6;
          const ip6 = etherTypeTable.get(0x86dd);
          d.add(fRedirected, inner, p + len - inner, d.buf.subarray(inner, p + len), `Redirected packet (${p + len - inner} bytes)`);
          if (ip6 && p + len - inner >= 40 && dv.getUint8(inner) >> 4 === 6) {
            d.inner++;
            try {
              ip6(d, inner, p + len);
            } finally {
              d.inner--;
            }
          }
        }
        break;
      default:
        if (tree && bodyLen > 0) d.add(fOptData, body, bodyLen, d.buf.subarray(body, body + bodyLen));
    }
    if (tree) d.close();
    p += len;
  }
  return info;
}
