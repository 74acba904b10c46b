/**
 * Link-Local Multicast Name Resolution (RFC 4795) on UDP 5355: the DNS wire format, with the C (conflict)
 * and T (tentative) flags in place of AA and RD, which the shared decoder shows for this flavour.
 */
import type { Dissection } from '../dissection';
import { udpPortTable } from '../tables';
import { dissectDnsMessage, FLAVOR_LLMNR } from './dns';

export function dissectLlmnr(d: Dissection, off: number, end: number): void {
  dissectDnsMessage(d, off, end, FLAVOR_LLMNR, false);
}

udpPortTable.register(5355, dissectLlmnr);
