/**
 * What IPv4 and IPv6 share: handing the payload to the protocol table (with tshark's Info text when nobody
 * claims it), and offering fragments to the engine's defragmenter.
 */
import type { Dissection } from '../dissection';
import { PF_FRAGMENT, PF_REASSEMBLED } from '../dissection';
import type { FieldDef } from '../fields';
import { ipProtoTable } from '../tables';
import type { FragmentRecord } from './defrag';
import { ipProtoName } from './ip-proto-names';
import { addData } from './l2-common';

export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_IPIP = 4;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_AH = 51;
export const IPPROTO_NONE = 59;
export const IPPROTO_DSTOPTS = 60;
export const IPPROTO_MOBILITY = 135;

/** Passes [off, end) to the decoder for `proto`; unclaimed payloads get tshark's Info text and a Data node. */
export function dispatchIpPayload(d: Dissection, proto: number, off: number, end: number, v6: boolean): void {
  const decode = ipProtoTable.get(proto);
  if (decode) {
    decode(d, off, end);
    return;
  }
  if (d.wantText) d.info = v6 ? `Unknown IP Protocol: ${ipProtoName(proto)} (${proto})` : `${ipProtoName(proto)} (${proto})`;
  addData(d, off, end);
}

/** Fields of one IP version's reassembly summary (ip.fragments / ipv6.fragments ...). */
export interface ReassemblyFields {
  readonly fragments: FieldDef;
  readonly fragment: FieldDef;
  readonly count: FieldDef;
  readonly length: FieldDef;
  readonly name: string;
}

/** Optional detail a defragmenter can expose (IpDefragmenter does) to list the fragments in the tree. */
interface FragmentHistory {
  readonly lastFragments: readonly FragmentRecord[];
}

function hasHistory(x: object): x is FragmentHistory {
  return Array.isArray((x as Partial<FragmentHistory>).lastFragments);
}

/**
 * Offers one fragment (payload bytes [dataOff, dataEnd) of `d.buf`) to `d.defrag`. Returns the reassembled
 * payload when this fragment completes the datagram (PF_REASSEMBLED set), else null (PF_FRAGMENT set).
 * Without a defragmenter, or inside an ICMP-quoted header, every fragment is left alone and null returned.
 */
export function offerFragment(
  d: Dissection,
  key: string,
  fragOff: number,
  more: boolean,
  dataOff: number,
  dataEnd: number,
  f: ReassemblyFields,
): Uint8Array | null {
  const defrag = d.defrag;
  if (defrag === null || d.inner > 0) {
    if (d.inner === 0) d.flags |= PF_FRAGMENT;
    return null;
  }
  const whole = defrag.add(key, fragOff, more, d.buf.subarray(dataOff, dataEnd), d.frame.number);
  if (whole === null) {
    d.flags |= PF_FRAGMENT;
    return null;
  }
  d.flags |= PF_REASSEMBLED;
  if (d.tree !== null && hasHistory(defrag)) {
    const list = defrag.lastFragments;
    let label = `[${list.length} ${f.name} Fragments (${whole.length} bytes): `;
    for (let i = 0; i < list.length; i++) {
      const r = list[i] as FragmentRecord;
      label += `${i ? ', ' : ''}#${r.frame}(${r.length})`;
    }
    d.open(f.fragments, 0, 0, label + ']');
    for (const r of list) {
      d.add(f.fragment, 0, 0, r.frame, `[Frame: ${r.frame}, payload: ${r.offset}-${r.offset + r.length - 1} (${r.length} bytes)]`);
    }
    d.add(f.count, 0, 0, list.length, `[Fragment Count: ${list.length}]`);
    d.add(f.length, 0, 0, whole.length, `[Reassembled ${f.name} length: ${whole.length}]`);
    d.close();
  }
  return whole;
}

/** tshark's Info for a fragment it does not decode further. */
export function fragmentInfo4(proto: number, fragOff: number, id: number): string {
  return `Fragmented IP protocol (proto=${ipProtoName(proto)} ${proto}, off=${fragOff}, ID=${id.toString(16).padStart(4, '0')})`;
}

export function fragmentInfo6(fragOff: number, more: boolean, ident: number, nxt: number): string {
  return `IPv6 fragment (off=${fragOff} more=${more ? 'y' : 'n'} ident=0x${ident.toString(16).padStart(8, '0')} nxt=${nxt})`;
}

/** 16-bit one's-complement sum over [off, end) of `b` (RFC 1071). */
export function onesSum(b: Uint8Array, off: number, end: number): number {
  let sum = 0;
  let i = off;
  for (; i + 1 < end; i += 2) sum += ((b[i] as number) << 8) | (b[i + 1] as number);
  if (i < end) sum += (b[i] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}
