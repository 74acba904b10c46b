/**
 * ARP and RARP (RFC 826, RFC 903; also DRARP and Inverse ARP opcodes). The summary's network addresses are
 * the sender and target protocol addresses, so ARP rows get Source/Destination like tshark's columns, and
 * the Info text follows tshark's wording (Who has / is at / Gratuitous / Announcement / Probe).
 */
import type { Dissection } from '../dissection';
import { NET_ARP } from '../dissection';
import { fields } from '../fields';
import { protocolNames } from '../protocols-registry';
import { etherTypeTable } from '../tables';
import { formatIPv4, formatMac } from '../../base/addr';
import { hexColon } from '../dissection';
import { copyInto, ETH_ARP, ETH_IPV4, ETH_RARP, noteNetEnd, tooShort } from './l2-common';

const fArp = fields.register('arp', 'protocol', 'Address Resolution Protocol');
const fHwType = fields.register('arp.hw.type', 'uint', 'Hardware type');
const fProtoType = fields.register('arp.proto.type', 'uint', 'Protocol type', 'hex');
const fHwSize = fields.register('arp.hw.size', 'uint', 'Hardware size');
const fProtoSize = fields.register('arp.proto.size', 'uint', 'Protocol size');
const fOpcode = fields.register('arp.opcode', 'uint', 'Opcode');
const fGratuitous = fields.register('arp.isgratuitous', 'bool', 'Is gratuitous');
const fProbe = fields.register('arp.isprobe', 'bool', 'Is probe');
const fAnnounce = fields.register('arp.isannouncement', 'bool', 'Is announcement');
const fSrcHw = fields.register('arp.src.hw', 'bytes', 'Sender hardware address');
const fSrcMac = fields.register('arp.src.hw_mac', 'ether', 'Sender MAC address');
const fSrcProto = fields.register('arp.src.proto', 'bytes', 'Sender protocol address');
const fSrcIp = fields.register('arp.src.proto_ipv4', 'ipv4', 'Sender IP address');
const fDstHw = fields.register('arp.dst.hw', 'bytes', 'Target hardware address');
const fDstMac = fields.register('arp.dst.hw_mac', 'ether', 'Target MAC address');
const fDstProto = fields.register('arp.dst.proto', 'bytes', 'Target protocol address');
const fDstIp = fields.register('arp.dst.proto_ipv4', 'ipv4', 'Target IP address');

const ARP = protocolNames.id('ARP');
const RARP = protocolNames.id('RARP');
const DRARP = protocolNames.id('DRARP');
const INARP = protocolNames.id('Inverse ARP');

const OP_REQUEST = 1;
const OP_REPLY = 2;
const OP_RREQUEST = 3;
const OP_RREPLY = 4;
const OP_DRARP_REQUEST = 5;
const OP_DRARP_REPLY = 6;
const OP_DRARP_ERROR = 7;
const OP_IREQUEST = 8;
const OP_IREPLY = 9;

const OPCODE_NAMES: ReadonlyMap<number, string> = new Map([
  [OP_REQUEST, 'request'],
  [OP_REPLY, 'reply'],
  [OP_RREQUEST, 'reverse request'],
  [OP_RREPLY, 'reverse reply'],
  [OP_DRARP_REQUEST, 'DRARP-Request'],
  [OP_DRARP_REPLY, 'DRARP-Reply'],
  [OP_DRARP_ERROR, 'DRARP-Error'],
  [OP_IREQUEST, 'inverse request'],
  [OP_IREPLY, 'inverse reply'],
]);

function protocolFor(op: number): number {
  if (op === OP_RREQUEST || op === OP_RREPLY) return RARP;
  if (op >= OP_DRARP_REQUEST && op <= OP_DRARP_ERROR) return DRARP;
  if (op === OP_IREQUEST || op === OP_IREPLY) return INARP;
  return ARP;
}

function equalBytes(b: Uint8Array, a: number, c: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[a + i] !== b[c + i]) return false;
  return true;
}

function allZero(b: Uint8Array, a: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[a + i] !== 0) return false;
  return true;
}

export function decodeArp(d: Dissection, off: number, end: number): void {
  if (d.wantText) d.info = '';
  if (end - off < 8) {
    d.setProtocol(ARP);
    tooShort(d, 'ARP');
    return;
  }
  const dv = d.dv;
  const buf = d.buf;
  const hwType = dv.getUint16(off);
  const protoType = dv.getUint16(off + 2);
  const hl = buf[off + 4] as number;
  const pl = buf[off + 5] as number;
  const op = dv.getUint16(off + 6);
  d.setProtocol(protocolFor(op));
  const total = 8 + 2 * (hl + pl);
  if (end - off < total) {
    tooShort(d, 'ARP');
    return;
  }
  const sha = off + 8;
  const spa = sha + hl;
  const tha = spa + pl;
  const tpa = tha + hl;
  noteNetEnd(d, off + total);
  if (d.inner === 0) {
    d.netType = NET_ARP;
    const n = pl < 16 ? pl : 16;
    d.netSrc.fill(0);
    d.netDst.fill(0);
    copyInto(d.netSrc, buf, spa, n);
    copyInto(d.netDst, buf, tpa, n);
    d.payloadOff = off + total;
    d.payloadEnd = off + total;
  }
  const isIp = protoType === ETH_IPV4 && pl === 4;
  const isMac = hl === 6;
  const isGratuitous = pl > 0 && equalBytes(buf, spa, tpa, pl);
  const isProbe = op === OP_REQUEST && pl > 0 && allZero(buf, spa, pl);
  const isAnnouncement = op === OP_REQUEST && isGratuitous && !isProbe && allZero(buf, tha, hl);

  if (d.wantText || d.tree !== null) {
    const hwStr = (at: number): string => (isMac ? formatMac(buf, at) : hexColon(buf.subarray(at, at + hl)));
    const prStr = (at: number): string => (isIp ? formatIPv4(buf, at) : hexColon(buf.subarray(at, at + pl)));
    if (d.wantText) d.info = infoText(op, hwStr(sha), prStr(spa), hwStr(tha), prStr(tpa), isGratuitous, isProbe, isAnnouncement);
    if (d.tree !== null) {
      const kind = isProbe ? ' (ARP Probe)' : isAnnouncement ? ' (ARP Announcement)' : isGratuitous ? ' (gratuitous ARP)' : '';
      const name = op === OP_RREQUEST || op === OP_RREPLY ? 'Reverse Address Resolution Protocol' : 'Address Resolution Protocol';
      d.open(fArp, off, total, `${name} (${OPCODE_NAMES.get(op) ?? 'opcode ' + op})${kind}`);
      d.add(fHwType, off, 2, hwType);
      d.add(fProtoType, off + 2, 2, protoType);
      d.add(fHwSize, off + 4, 1, hl);
      d.add(fProtoSize, off + 5, 1, pl);
      d.add(fOpcode, off + 6, 2, op, `Opcode: ${OPCODE_NAMES.get(op) ?? 'Unknown'} (${op})`);
      if (isGratuitous) d.add(fGratuitous, off + 6, 0, true, '[Is gratuitous: True]');
      if (isProbe) d.add(fProbe, off + 6, 0, true, '[Is probe: True]');
      if (isAnnouncement) d.add(fAnnounce, off + 6, 0, true, '[Is announcement: True]');
      addAddr(d, isMac ? fSrcMac : fSrcHw, sha, hl, `Sender MAC address: ${hwStr(sha)}`);
      addAddr(d, isIp ? fSrcIp : fSrcProto, spa, pl, `Sender IP address: ${prStr(spa)}`);
      addAddr(d, isMac ? fDstMac : fDstHw, tha, hl, `Target MAC address: ${hwStr(tha)}`);
      addAddr(d, isIp ? fDstIp : fDstProto, tpa, pl, `Target IP address: ${prStr(tpa)}`);
      d.close();
    }
  }
}

function addAddr(d: Dissection, f: (typeof fSrcHw), at: number, len: number, label: string): void {
  if (len > 0) d.add(f, at, len, d.buf.slice(at, at + len), label);
}

function infoText(op: number, sha: string, spa: string, tha: string, tpa: string, grat: boolean, probe: boolean, announce: boolean): string {
  switch (op) {
    case OP_REQUEST:
      if (probe) return `Who has ${tpa}? (ARP Probe)`;
      if (announce) return `ARP Announcement for ${tpa}`;
      if (grat) return `Gratuitous ARP for ${tpa} (Request)`;
      return `Who has ${tpa}? Tell ${spa}`;
    case OP_REPLY:
      if (grat) return `Gratuitous ARP for ${spa} (Reply)`;
      return `${spa} is at ${sha}`;
    case OP_RREQUEST:
    case OP_DRARP_REQUEST:
    case OP_IREQUEST:
      return `Who is ${tha}? Tell ${sha}`;
    case OP_RREPLY:
    case OP_DRARP_REPLY:
      return `${tha} is at ${tpa}`;
    case OP_DRARP_ERROR:
      return 'DRARP Error';
    case OP_IREPLY:
      return `${sha} is at ${spa}`;
    default:
      return `Unknown ARP opcode 0x${op.toString(16).padStart(4, '0')}`;
  }
}

etherTypeTable.register(ETH_ARP, decodeArp);
etherTypeTable.register(ETH_RARP, decodeArp);
