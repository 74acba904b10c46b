/**
 * BOOTP (RFC 951) and DHCP (RFC 2131/2132) on UDP 67/68: the fixed header and the options after the magic
 * cookie. The common options get their Wireshark fields (message type, requested address, server id, lease
 * time, host name, parameter request list, vendor class, client id, subnet mask, router, DNS servers,
 * domain name); the others are shown as raw values. Protocol "DHCP" when option 53 is present, else
 * "BOOTP", with tshark's Info ("DHCP Discover - Transaction ID 0x…", "Boot Request from <MAC> (<MAC>)").
 */
import { fields } from '../fields';
import { MODE_INDEX, MODE_SUMMARY, type Dissection } from '../dissection';
import { udpPortTable } from '../tables';
import { protocolNames } from '../protocols-registry';
import { formatIPv4, formatMac } from '../../base/addr';
import { reportedEnd } from './tcp-ports';
import { linkProtocolColumn } from '../protocol-presence';

export const PROTO_DHCP = protocolNames.id('DHCP');
export const PROTO_BOOTP = protocolNames.id('BOOTP');

const fDhcp = fields.register('dhcp', 'protocol', 'Dynamic Host Configuration Protocol');
linkProtocolColumn(PROTO_DHCP, fDhcp);
linkProtocolColumn(PROTO_BOOTP, fDhcp);
const fType = fields.register('dhcp.type', 'uint', 'Message type');
const fHwType = fields.register('dhcp.hw.type', 'uint', 'Hardware type', 'hex');
const fHwLen = fields.register('dhcp.hw.len', 'uint', 'Hardware address length');
const fHops = fields.register('dhcp.hops', 'uint', 'Hops');
const fId = fields.register('dhcp.id', 'uint', 'Transaction ID', 'hex');
const fSecs = fields.register('dhcp.secs', 'uint', 'Seconds elapsed');
const fFlags = fields.register('dhcp.flags', 'uint', 'Bootp flags', 'hex');
const fBroadcast = fields.register('dhcp.flags.bc', 'bool', 'Broadcast flag');
const fCiaddr = fields.register('dhcp.ip.client', 'ipv4', 'Client IP address');
const fYiaddr = fields.register('dhcp.ip.your', 'ipv4', 'Your (client) IP address');
const fSiaddr = fields.register('dhcp.ip.server', 'ipv4', 'Next server IP address');
const fGiaddr = fields.register('dhcp.ip.relay', 'ipv4', 'Relay agent IP address');
const fChaddr = fields.register('dhcp.hw.mac_addr', 'ether', 'Client MAC address');
const fChaddrBytes = fields.register('dhcp.hw.addr', 'bytes', 'Client hardware address');
const fSname = fields.register('dhcp.server', 'string', 'Server host name');
const fFile = fields.register('dhcp.file', 'string', 'Boot file name');
const fCookie = fields.register('dhcp.cookie', 'ipv4', 'Magic cookie');
const fOption = fields.register('dhcp.option.type', 'uint', 'Option');
const fOptLen = fields.register('dhcp.option.length', 'uint', 'Length');
const fOptValue = fields.register('dhcp.option.value', 'bytes', 'Value');
const fOptEnd = fields.register('dhcp.option.end', 'uint', 'Option End');
const fOptPad = fields.register('dhcp.option.padding', 'bytes', 'Padding');
const fMsgType = fields.register('dhcp.option.dhcp', 'uint', 'DHCP');
const fSubnet = fields.register('dhcp.option.subnet_mask', 'ipv4', 'Subnet Mask');
const fRouter = fields.register('dhcp.option.router', 'ipv4', 'Router');
const fDnsServer = fields.register('dhcp.option.domain_name_server', 'ipv4', 'Domain Name Server');
const fHostname = fields.register('dhcp.option.hostname', 'string', 'Host Name');
const fDomain = fields.register('dhcp.option.domain_name', 'string', 'Domain Name');
const fRequestedIp = fields.register('dhcp.option.requested_ip_address', 'ipv4', 'Requested IP Address');
const fLease = fields.register('dhcp.option.ip_address_lease_time', 'uint', 'IP Address Lease Time');
const fServerId = fields.register('dhcp.option.dhcp_server_id', 'ipv4', 'DHCP Server Identifier');
const fRequestItem = fields.register('dhcp.option.request_list_item', 'uint', 'Parameter Request List Item');
const fVendorClass = fields.register('dhcp.option.vendor_class_id', 'string', 'Vendor class identifier');
const fClientIdType = fields.register('dhcp.option.client_id.type', 'uint', 'Hardware type', 'hex');
const fClientId = fields.register('dhcp.client_id', 'bytes', 'Client Identifier');
const fRenewal = fields.register('dhcp.option.renewal_time_value', 'uint', 'Renewal Time Value');
const fRebinding = fields.register('dhcp.option.rebinding_time_value', 'uint', 'Rebinding Time Value');

/** Wireshark's DHCP message type names (opt53_text). */
const MSG_TYPES = [
  '', 'Discover', 'Offer', 'Request', 'Decline', 'ACK', 'NAK', 'Release', 'Inform', 'Force Renew', 'Lease query',
  'Lease Unassigned', 'Lease Unknown', 'Lease Active', 'Bulk Lease Query', 'Lease Query Done', 'Active LeaseQuery',
  'Lease Query Status', 'TLS',
];

const OPTION_NAMES: Record<number, string> = {
  1: 'Subnet Mask', 3: 'Router', 6: 'Domain Name Server', 12: 'Host Name', 15: 'Domain Name', 50: 'Requested IP Address',
  51: 'IP Address Lease Time', 53: 'DHCP Message Type', 54: 'DHCP Server Identifier', 55: 'Parameter Request List',
  58: 'Renewal Time Value', 59: 'Rebinding Time Value', 60: 'Vendor class identifier', 61: 'Client identifier',
  81: 'Client Fully Qualified Domain Name', 82: 'Agent Information Option',
};

const FIXED = 236;
const COOKIE = 0x63825363;

export function dissectDhcp(d: Dissection, off: number, end: number): void {
  const buf = d.buf;
  const dv = d.dv;
  // Wireshark scans the options for the message type first: it decides the protocol name and the Info.
  const msgType = end - off >= FIXED + 4 && dv.getUint32(off + FIXED) === COOKIE ? findMessageType(buf, off + FIXED + 4, end) : -1;
  d.setProtocol(msgType >= 0 ? PROTO_DHCP : PROTO_BOOTP);
  if (d.mode === MODE_INDEX) return;
  const op = buf[off] as number;
  const short = end - off < FIXED;
  const cut = short && reportedEnd(d, end) > end;
  let info: string;
  if (msgType >= 0) {
    const name = MSG_TYPES[msgType] ?? `Unknown Message Type (0x${msgType.toString(16).padStart(2, '0')})`;
    info = `DHCP ${name.padEnd(8)} - Transaction ID 0x${dv.getUint32(off + 4).toString(16)}`;
  } else if (op === 1 && end - off >= 34) {
    const mac = formatMac(buf, off + 28);
    info = `Boot Request from ${mac} (${mac})`;
  } else if (op === 2) {
    info = 'Boot Reply';
  } else {
    info = `Unknown BOOTP message type (${op})`;
  }
  if (short) {
    note(d, `BOOTP header needs ${FIXED} bytes, ${end - off} present`);
    info += cut ? '[Packet size limited during capture]' : '[Malformed Packet]';
  }
  if (d.tree === null) {
    if (!short) info += options(d, off, end, false);
    if (d.wantText) d.info = info;
    return;
  }
  d.open(fDhcp, off, end - off, 'Dynamic Host Configuration Protocol' + (msgType >= 0 ? ` (${MSG_TYPES[msgType] ?? msgType})` : ''));
  // A header cut by the snapshot length still shows the fields that were captured (as tshark does).
  const has = (n: number): boolean => end - off >= n;
  {
    d.add(fType, off, 1, op, `Message type: ${op === 1 ? 'Boot Request' : op === 2 ? 'Boot Reply' : 'Unknown'} (${op})`);
    if (has(4)) {
      d.add(fHwType, off + 1, 1, buf[off + 1] as number);
      d.add(fHwLen, off + 2, 1, buf[off + 2] as number);
      d.add(fHops, off + 3, 1, buf[off + 3] as number);
    }
    if (has(8)) {
      const xid = dv.getUint32(off + 4);
      d.add(fId, off + 4, 4, xid, `Transaction ID: 0x${xid.toString(16).padStart(8, '0')}`);
    }
    if (has(12)) {
      d.add(fSecs, off + 8, 2, dv.getUint16(off + 8));
      const flags = dv.getUint16(off + 10);
      d.open(fFlags, off + 10, 2, `Bootp flags: 0x${flags.toString(16).padStart(4, '0')} (${flags & 0x8000 ? 'Broadcast' : 'Unicast'})`, flags);
      d.add(fBroadcast, off + 10, 2, (flags & 0x8000) !== 0, `${flags & 0x8000 ? '1' : '0'}... .... .... .... = Broadcast flag: ${flags & 0x8000 ? 'Broadcast' : 'Unicast'}`);
      d.close();
    }
    if (has(16)) d.add(fCiaddr, off + 12, 4, formatIPv4(buf, off + 12));
    if (has(20)) d.add(fYiaddr, off + 16, 4, formatIPv4(buf, off + 16));
    if (has(24)) d.add(fSiaddr, off + 20, 4, formatIPv4(buf, off + 20));
    if (has(28)) d.add(fGiaddr, off + 24, 4, formatIPv4(buf, off + 24));
    if (has(34) && buf[off + 1] === 1 && buf[off + 2] === 6) {
      d.add(fChaddr, off + 28, 6, formatMac(buf, off + 28));
    } else if (has(44)) {
      const hl = Math.min(16, buf[off + 2] as number);
      d.add(fChaddrBytes, off + 28, hl, buf.subarray(off + 28, off + 28 + hl));
    }
    if (has(108)) {
      const sname = cString(buf, off + 44, off + 108);
      d.add(fSname, off + 44, 64, sname, sname ? `Server host name: ${sname}` : 'Server host name not given');
    }
    if (has(FIXED)) {
      const file = cString(buf, off + 108, off + 236);
      d.add(fFile, off + 108, 128, file, file ? `Boot file name: ${file}` : 'Boot file name not given');
    }
    if (!short) info += options(d, off, end, true);
  }
  d.close();
  if (d.wantText) d.info = info;
}

/** Value of option 53 among the options in [p, end), -1 when absent. */
function findMessageType(buf: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const code = buf[p] as number;
    if (code === 255) return -1;
    if (code === 0) {
      p++;
      continue;
    }
    if (p + 2 > end) return -1;
    const len = buf[p + 1] as number;
    if (code === 53 && len >= 1 && p + 3 <= end) return buf[p + 2] as number;
    p += 2 + len;
  }
  return -1;
}

/** Decodes the options (tree) and checks their lengths; returns an Info suffix when they run out of bytes. */
function options(d: Dissection, off: number, end: number, tree: boolean): string {
  const buf = d.buf;
  const dv = d.dv;
  let p = off + FIXED;
  if (end - p < 4) return '';
  if (tree) d.add(fCookie, p, 4, formatIPv4(buf, p), dv.getUint32(p) === COOKIE ? 'Magic cookie: DHCP' : `Magic cookie: ${formatIPv4(buf, p)}`);
  if (dv.getUint32(p) !== COOKIE) return '';
  p += 4;
  while (p < end) {
    const code = buf[p] as number;
    if (code === 0) {
      let q = p;
      while (q < end && buf[q] === 0) q++;
      if (tree) d.add(fOptPad, p, q - p, buf.subarray(p, q));
      p = q;
      continue;
    }
    if (code === 255) {
      if (tree) d.add(fOptEnd, p, 1, 255, 'Option: (255) End');
      p++;
      if (tree && p < end) d.add(fOptPad, p, end - p, buf.subarray(p, end));
      return '';
    }
    if (p + 2 > end || p + 2 + (buf[p + 1] as number) > end) {
      const cut = reportedEnd(d, end) > end;
      note(d, `DHCP option ${code} runs past the end of the message`);
      return cut ? '[Packet size limited during capture]' : '[Malformed Packet]';
    }
    const len = buf[p + 1] as number;
    const v = p + 2;
    if (tree) option(d, code, p, v, len);
    p = v + len;
  }
  return '';
}

function option(d: Dissection, code: number, p: number, v: number, len: number): void {
  const buf = d.buf;
  const dv = d.dv;
  const name = OPTION_NAMES[code] ?? 'Unknown';
  const node = d.open(fOption, p, 2 + len, `Option: (${code}) ${name}`, code);
  d.add(fOptLen, p + 1, 1, len);
  const ips = (field: typeof fRouter): void => {
    for (let i = v; i + 4 <= v + len; i += 4) d.add(field, i, 4, formatIPv4(buf, i));
  };
  switch (code) {
    case 53:
      if (len >= 1) {
        const t = buf[v] as number;
        d.add(fMsgType, v, 1, t, `DHCP: ${MSG_TYPES[t] ?? 'Unknown'} (${t})`);
        node.label += ` (${MSG_TYPES[t] ?? 'Unknown'})`;
      }
      break;
    case 1:
      if (len === 4) d.add(fSubnet, v, 4, formatIPv4(buf, v));
      break;
    case 3:
      ips(fRouter);
      break;
    case 6:
      ips(fDnsServer);
      break;
    case 50:
      if (len === 4) d.add(fRequestedIp, v, 4, formatIPv4(buf, v));
      break;
    case 54:
      if (len === 4) d.add(fServerId, v, 4, formatIPv4(buf, v));
      break;
    case 51:
    case 58:
    case 59:
      if (len === 4) d.add(code === 51 ? fLease : code === 58 ? fRenewal : fRebinding, v, 4, dv.getUint32(v));
      break;
    case 12:
      d.add(fHostname, v, len, latin1(buf, v, v + len));
      break;
    case 15:
      d.add(fDomain, v, len, cString(buf, v, v + len));
      break;
    case 60:
      d.add(fVendorClass, v, len, latin1(buf, v, v + len));
      break;
    case 55:
      for (let i = v; i < v + len; i++) {
        const item = buf[i] as number;
        d.add(fRequestItem, i, 1, item, `Parameter Request List Item: (${item}) ${OPTION_NAMES[item] ?? 'Unknown'}`);
      }
      break;
    case 61:
      if (len >= 1) {
        d.add(fClientIdType, v, 1, buf[v] as number);
        if (buf[v] === 1 && len === 7) d.add(fChaddr, v + 1, 6, formatMac(buf, v + 1), `Client MAC address: ${formatMac(buf, v + 1)}`);
        d.add(fClientId, v, len, buf.subarray(v, v + len));
      }
      break;
    default:
      if (len > 0) d.add(fOptValue, v, len, buf.subarray(v, v + len));
  }
  d.close();
}

function cString(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e && buf[i] !== 0; i++) out += String.fromCharCode(buf[i] as number);
  return out;
}

function latin1(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i] as number);
  return out;
}

udpPortTable.register(67, dissectDhcp);
udpPortTable.register(68, dissectDhcp);

/**
 * Records an application-layer problem as text only. The packet flags are a summary column that the index
 * pass (MODE_INDEX, where this decoder returns early) must produce identically, so problems found only
 * while building Info/tree do not set PF_MALFORMED/PF_TRUNCATED.
 */
function note(d: Dissection, text: string): void {
  if (d.mode >= MODE_SUMMARY && d.inner === 0) d.problems.push(text);
}
