/**
 * IPv4 (RFC 791). The datagram ends at the total length, not at the end of the frame: Ethernet padding and
 * trailers are not payload. The header checksum is verified (tshark leaves it "unverified" by default).
 * Fragments go through `d.defrag`; the fragment that completes a datagram decodes the reassembled payload
 * from a switched buffer, the others stop here with tshark's "Fragmented IP protocol" Info.
 */
import type { Dissection } from '../dissection';
import { NET_IPV4, PF_BAD_CHECKSUM, PF_MALFORMED } from '../dissection';
import { fields } from '../fields';
import { protocolNames } from '../protocols-registry';
import { etherTypeTable, ipProtoTable } from '../tables';
import { formatIPv4 } from '../../base/addr';
import { ipProtoName } from './ip-proto-names';
import { dispatchIpPayload, fragmentInfo4, IPPROTO_IPIP, offerFragment, onesSum, type ReassemblyFields } from './ip-common';
import { addData, copyInto, ETH_IPV4, noteNetEnd, tooShort } from './l2-common';

const fIp = fields.register('ip', 'protocol', 'Internet Protocol Version 4');
const fVersion = fields.register('ip.version', 'uint', 'Version');
const fHdrLen = fields.register('ip.hdr_len', 'uint', 'Header Length');
const fDsfield = fields.register('ip.dsfield', 'uint', 'Differentiated Services Field', 'hex');
const fDscp = fields.register('ip.dsfield.dscp', 'uint', 'Differentiated Services Codepoint');
const fEcn = fields.register('ip.dsfield.ecn', 'uint', 'Explicit Congestion Notification');
const fLen = fields.register('ip.len', 'uint', 'Total Length');
const fId = fields.register('ip.id', 'uint', 'Identification', 'hex');
const fFlags = fields.register('ip.flags', 'uint', 'Flags', 'hex');
const fRb = fields.register('ip.flags.rb', 'bool', 'Reserved bit');
const fDf = fields.register('ip.flags.df', 'bool', "Don't fragment");
const fMf = fields.register('ip.flags.mf', 'bool', 'More fragments');
const fFragOff = fields.register('ip.frag_offset', 'uint', 'Fragment Offset');
const fTtl = fields.register('ip.ttl', 'uint', 'Time to Live');
const fProto = fields.register('ip.proto', 'uint', 'Protocol');
const fChecksum = fields.register('ip.checksum', 'uint', 'Header Checksum', 'hex');
const fChecksumStatus = fields.register('ip.checksum.status', 'uint', 'Header checksum status');
const fSrc = fields.register('ip.src', 'ipv4', 'Source Address');
const fDst = fields.register('ip.dst', 'ipv4', 'Destination Address');
const fAddr = fields.register('ip.addr', 'ipv4', 'Source or Destination Address');
const fOptions = fields.register('ip.options', 'none', 'Options');
const fOpt = fields.register('ip.opt', 'none', 'IP Option');
const fOptType = fields.register('ip.opt.type', 'uint', 'Type');
const fOptLen = fields.register('ip.opt.len', 'uint', 'Length');
const fOptPtr = fields.register('ip.opt.ptr', 'uint', 'Pointer');
const fOptAddr = fields.register('ip.opt.addr', 'ipv4', 'IP Address');
const fOptRa = fields.register('ip.opt.ra', 'uint', 'Router Alert');
const REASM: ReassemblyFields = {
  fragments: fields.register('ip.fragments', 'bytes', 'IPv4 Fragments'),
  fragment: fields.register('ip.fragment', 'uint', 'IPv4 Fragment'),
  count: fields.register('ip.fragment.count', 'uint', 'Fragment count'),
  length: fields.register('ip.reassembled.length', 'uint', 'Reassembled IPv4 length'),
  name: 'IPv4',
};

const IPV4 = protocolNames.id('IPv4');
const MIN_HEADER = 20;
const FLAG_RB = 0x8000;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const OFFSET_MASK = 0x1fff;
/** Checksum status values, as Wireshark's ip.checksum.status. */
const CHECKSUM_BAD = 0;
const CHECKSUM_GOOD = 1;

export function decodeIPv4(d: Dissection, off: number, end: number): void {
  d.setProtocol(IPV4);
  if (d.wantText) d.info = '';
  const avail = end - off;
  if (avail < 1) {
    tooShort(d, 'IPv4');
    return;
  }
  const dv = d.dv;
  const vhl = d.buf[off] as number;
  const version = vhl >> 4;
  const hdrLen = (vhl & 0x0f) * 4;
  if (version !== 4) {
    d.problem(PF_MALFORMED, `Bogus IP version (${version})`);
    if (d.wantText) d.info = `Bogus IP version (${version})`;
    return;
  }
  if (hdrLen < MIN_HEADER) {
    d.problem(PF_MALFORMED, `Bogus IP header length (${hdrLen}, must be at least ${MIN_HEADER})`);
    if (d.wantText) d.info = `Bogus IP header length (${hdrLen}, must be at least ${MIN_HEADER})`;
    return;
  }
  if (avail < hdrLen) {
    tooShort(d, 'IPv4');
    return;
  }
  let totalLen = dv.getUint16(off + 2);
  // 0 is what TCP segmentation offload leaves in outgoing packets: the frame is the datagram.
  if (totalLen === 0) totalLen = avail;
  if (totalLen < hdrLen) {
    d.problem(PF_MALFORMED, `Bogus IP length (${totalLen}, less than header length ${hdrLen})`);
    if (d.wantText) d.info = `Bogus IP length (${totalLen}, less than header length ${hdrLen})`;
    return;
  }
  const ipEnd = Math.min(end, off + totalLen);
  const id = dv.getUint16(off + 4);
  const flagsOff = dv.getUint16(off + 6);
  const more = (flagsOff & FLAG_MF) !== 0;
  const fragOff = (flagsOff & OFFSET_MASK) * 8;
  const proto = d.buf[off + 9] as number;
  const checksum = dv.getUint16(off + 10);
  const checksumOk = onesSum(d.buf, off, off + hdrLen) === 0xffff;
  const payloadOff = off + hdrLen;
  noteNetEnd(d, ipEnd);

  if (d.inner === 0) {
    d.netType = NET_IPV4;
    copyInto(d.netSrc, d.buf, off + 12, 4);
    copyInto(d.netDst, d.buf, off + 16, 4);
    d.ipProto = proto;
    d.payloadOff = payloadOff;
    d.payloadEnd = ipEnd;
  }
  if (!checksumOk) d.problem(PF_BAD_CHECKSUM, `Bad IPv4 header checksum 0x${checksum.toString(16).padStart(4, '0')}`);
  if (d.wants(fIp)) addTree(d, off, hdrLen, totalLen, checksumOk);

  if (more || fragOff > 0) {
    const key = `4:${dv.getUint32(off + 12)}:${dv.getUint32(off + 16)}:${id}:${proto}`;
    const whole = offerFragment(d, key, fragOff, more, payloadOff, ipEnd, REASM);
    if (whole !== null) {
      d.switchBuffer(whole, 'Reassembled IPv4');
      if (d.inner === 0) {
        d.payloadOff = 0;
        d.payloadEnd = whole.length;
      }
      dispatchIpPayload(d, proto, 0, whole.length, false);
      return;
    }
    // Without reassembly the first fragment still carries the transport header, as tshark shows it then;
    // with reassembly on, tshark waits for the whole datagram.
    if (fragOff > 0 || (d.defrag !== null && d.inner === 0)) {
      if (d.wantText) d.info = fragmentInfo4(proto, fragOff, id);
      addData(d, payloadOff, ipEnd);
      return;
    }
  }
  dispatchIpPayload(d, proto, payloadOff, ipEnd, false);
}

function addTree(d: Dissection, off: number, hdrLen: number, totalLen: number, checksumOk: boolean): void {
  const b = d.buf;
  const dv = d.dv;
  const src = formatIPv4(b, off + 12);
  const dst = formatIPv4(b, off + 16);
  const ds = b[off + 1] as number;
  const flagsOff = dv.getUint16(off + 6);
  const proto = b[off + 9] as number;
  const checksum = dv.getUint16(off + 10);
  d.open(fIp, off, hdrLen, `Internet Protocol Version 4, Src: ${src}, Dst: ${dst}`);
  d.add(fVersion, off, 1, 4, '0100 .... = Version: 4');
  d.add(fHdrLen, off, 1, hdrLen, `.... ${((hdrLen / 4) & 15).toString(2).padStart(4, '0')} = Header Length: ${hdrLen} bytes (${hdrLen / 4})`);
  d.open(fDsfield, off + 1, 1, `Differentiated Services Field: 0x${ds.toString(16).padStart(2, '0')} (DSCP: ${ds >> 2}, ECN: ${ds & 3})`, ds);
  d.add(fDscp, off + 1, 1, ds >> 2);
  d.add(fEcn, off + 1, 1, ds & 3);
  d.close();
  d.add(fLen, off + 2, 2, totalLen);
  d.add(fId, off + 4, 2, dv.getUint16(off + 4), `Identification: 0x${dv.getUint16(off + 4).toString(16).padStart(4, '0')} (${dv.getUint16(off + 4)})`);
  const flags = flagsOff >> 13;
  const flagText = flagsOff & FLAG_DF ? ", Don't fragment" : flagsOff & FLAG_MF ? ', More fragments' : '';
  d.open(fFlags, off + 6, 1, `Flags: 0x${flags.toString(16)}${flagText}`, flags);
  d.add(fRb, off + 6, 1, (flagsOff & FLAG_RB) !== 0);
  d.add(fDf, off + 6, 1, (flagsOff & FLAG_DF) !== 0);
  d.add(fMf, off + 6, 1, (flagsOff & FLAG_MF) !== 0);
  d.close();
  // Like Wireshark, the field holds the 13-bit value (8-byte units); the label shows bytes.
  d.add(fFragOff, off + 6, 2, flagsOff & OFFSET_MASK, `Fragment Offset: ${(flagsOff & OFFSET_MASK) * 8}`);
  d.add(fTtl, off + 8, 1, b[off + 8] as number);
  d.add(fProto, off + 9, 1, proto, `Protocol: ${ipProtoName(proto)} (${proto})`);
  d.add(fChecksum, off + 10, 2, checksum, `Header Checksum: 0x${checksum.toString(16).padStart(4, '0')} [${checksumOk ? 'correct' : 'incorrect'}]`);
  d.add(fChecksumStatus, off + 10, 0, checksumOk ? CHECKSUM_GOOD : CHECKSUM_BAD, `[Header checksum status: ${checksumOk ? 'Good' : 'Bad'}]`);
  d.add(fSrc, off + 12, 4, b.slice(off + 12, off + 16), `Source Address: ${src}`);
  d.addHidden(fAddr, b.slice(off + 12, off + 16), off + 12, 4);
  d.add(fDst, off + 16, 4, b.slice(off + 16, off + 20), `Destination Address: ${dst}`);
  d.addHidden(fAddr, b.slice(off + 16, off + 20), off + 16, 4);
  if (hdrLen > MIN_HEADER) addOptions(d, off + MIN_HEADER, off + hdrLen);
  d.close();
}

const OPTION_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'End of Options List (EOL)'],
  [1, 'No-Operation (NOP)'],
  [7, 'Record Route (RR)'],
  [25, 'Quick-Start (QS)'],
  [68, 'Time Stamp (TS)'],
  [82, 'Traceroute'],
  [130, 'Security (SEC)'],
  [131, 'Loose Source Route (LSR)'],
  [133, 'Extended Security (ESEC)'],
  [134, 'Commercial Security'],
  [136, 'Stream ID (SID)'],
  [137, 'Strict Source Route (SSR)'],
  [148, 'Router Alert'],
]);

/** Lists the options in the tree; a bad option length ends the walk (the rest is shown as one blob). */
function addOptions(d: Dissection, start: number, end: number): void {
  const b = d.buf;
  d.open(fOptions, start, end - start, `Options: (${end - start} bytes)`);
  let p = start;
  while (p < end) {
    const type = b[p] as number;
    const name = OPTION_NAMES.get(type) ?? `Unknown (0x${type.toString(16).padStart(2, '0')})`;
    if (type === 0 || type === 1) {
      d.open(fOpt, p, 1, `IP Option - ${name}`);
      d.add(fOptType, p, 1, type);
      d.close();
      p++;
      if (type === 0) break;
      continue;
    }
    const len = p + 1 < end ? (b[p + 1] as number) : 0;
    if (len < 2 || p + len > end) {
      d.problem(PF_MALFORMED, `IPv4 option ${name} has a bad length ${len}`);
      d.open(fOpt, p, end - p, `IP Option - ${name} (bad length ${len})`);
      d.add(fOptType, p, 1, type);
      d.close();
      break;
    }
    d.open(fOpt, p, len, `IP Option - ${name} (${len} bytes)`);
    d.add(fOptType, p, 1, type);
    d.add(fOptLen, p + 1, 1, len);
    if ((type === 7 || type === 131 || type === 137) && len >= 3) {
      d.add(fOptPtr, p + 2, 1, b[p + 2] as number);
      for (let a = p + 3; a + 4 <= p + len; a += 4) d.add(fOptAddr, a, 4, b.slice(a, a + 4), `Address: ${formatIPv4(b, a)}`);
    } else if (type === 148 && len === 4) {
      d.add(fOptRa, p + 2, 2, d.dv.getUint16(p + 2));
    }
    d.close();
    p += len;
  }
  d.close();
}

etherTypeTable.register(ETH_IPV4, decodeIPv4);
ipProtoTable.register(IPPROTO_IPIP, decodeIPv4);
