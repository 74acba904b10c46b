/**
 * Multicast DNS (RFC 6762) on UDP 5353: the DNS wire format with the "QU" bit in the question class and the
 * cache-flush bit in the record class, which the shared decoder shows for this flavour.
 */
import type { Dissection } from '../dissection';
import { udpPortTable } from '../tables';
import { dissectDnsMessage, FLAVOR_MDNS } from './dns';

export function dissectMdns(d: Dissection, off: number, end: number): void {
  dissectDnsMessage(d, off, end, FLAVOR_MDNS, false);
}

udpPortTable.register(5353, dissectMdns);
