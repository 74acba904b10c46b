/**
 * Link types whose frames are bare IP datagrams: RAW (12 on most systems, 14 on OpenBSD, 101 as
 * LINKTYPE_RAW) carry either version and are told apart by the version nibble; LINKTYPE_IPV4 (228) and
 * LINKTYPE_IPV6 (229) fix it.
 */
import type { Dissection } from '../dissection';
import { PF_MALFORMED } from '../dissection';
import { protocolNames } from '../protocols-registry';
import { linkTypeTable } from '../tables';
import { decodeIPv4 } from './ipv4';
import { decodeIPv6 } from './ipv6';
import { addData, tooShort } from './l2-common';

const NA = protocolNames.id('N/A');

export function decodeRawIp(d: Dissection, off: number, end: number): void {
  if (end - off < 1) {
    d.setProtocol(NA);
    tooShort(d, 'Raw IP');
    return;
  }
  const version = (d.buf[off] as number) >> 4;
  if (version === 4) decodeIPv4(d, off, end);
  else if (version === 6) decodeIPv6(d, off, end);
  else {
    // tshark: Protocol "N/A", Info "Raw packet data[Malformed Packet]".
    d.setProtocol(NA);
    d.problem(PF_MALFORMED, `Raw IP packet with IP version ${version}`);
    if (d.wantText) d.info = 'Raw packet data[Malformed Packet]';
    addData(d, off, end);
  }
}

linkTypeTable.register(12, decodeRawIp);
linkTypeTable.register(14, decodeRawIp);
linkTypeTable.register(101, decodeRawIp);
linkTypeTable.register(228, decodeIPv4);
linkTypeTable.register(229, decodeIPv6);
