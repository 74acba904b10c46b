/**
 * 802.1Q VLAN tags (0x8100, and the pre-standard Q-in-Q 0x9100) and 802.1ad service tags (0x88a8). Stacked
 * tags (QinQ) are walked in a loop rather than by re-dispatching, so a frame made of thousands of tags costs
 * no stack depth. As in Wireshark, 802.1ad tags produce ieee8021ad.* fields and 802.1Q tags vlan.* fields.
 */
import type { Dissection } from '../dissection';
import { fields } from '../fields';
import { etherTypeTable } from '../tables';
import { decodeLlc } from './llc';
import { dispatchEtherType, etherTypeLabel, ETH_QINQ, ETH_QINQ_OLD, ETH_VLAN, netLayer, tooShort } from './l2-common';

const fVlan = fields.register('vlan', 'protocol', '802.1Q Virtual LAN');
const fPri = fields.register('vlan.priority', 'uint', 'Priority');
const fDei = fields.register('vlan.dei', 'bool', 'DEI');
const fId = fields.register('vlan.id', 'uint', 'ID');
const fEtype = fields.register('vlan.etype', 'uint', 'Type', 'hex');
const fLen = fields.register('vlan.len', 'uint', 'Length');

const fAd = fields.register('ieee8021ad', 'protocol', 'IEEE 802.1ad');
const fAdPri = fields.register('ieee8021ad.priority', 'uint', 'Priority');
const fAdDei = fields.register('ieee8021ad.dei', 'uint', 'DEI');
const fAdId = fields.register('ieee8021ad.id', 'uint', 'ID');

const TAG = 4;
const MAX_8023_LEN = 1500;

function isTag(type: number): boolean {
  return type === ETH_VLAN || type === ETH_QINQ || type === ETH_QINQ_OLD;
}

/** Decodes the tag starting at `off` whose own ethertype (the one that led here) is `tagType`. */
function decodeTags(d: Dissection, tagType: number, off: number, end: number): void {
  let type = tagType;
  let p = off;
  while (isTag(type)) {
    if (end - p < TAG) {
      tooShort(d, '802.1Q');
      return;
    }
    const tci = d.dv.getUint16(p);
    const next = d.dv.getUint16(p + 2);
    const pri = tci >> 13;
    const dei = (tci >> 12) & 1;
    const id = tci & 0xfff;
    if (d.wantText) d.info = `PRI: ${pri}  DEI: ${dei}  ID: ${id}`;
    if (d.tree !== null) {
      if (type === ETH_QINQ) {
        d.open(fAd, p, TAG, `IEEE 802.1ad, ID: ${id}`);
        d.add(fAdPri, p, 2, pri);
        d.add(fAdDei, p, 2, dei);
        d.add(fAdId, p, 2, id);
      } else {
        d.open(fVlan, p, TAG, `802.1Q Virtual LAN, PRI: ${pri}, DEI: ${dei}, ID: ${id}`);
        d.add(fPri, p, 2, pri);
        d.add(fDei, p, 2, dei === 1);
        d.add(fId, p, 2, id);
        if (next <= MAX_8023_LEN) d.add(fLen, p + 2, 2, next);
        else d.add(fEtype, p + 2, 2, next, `Type: ${etherTypeLabel(next)}`);
      }
      d.close();
    }
    type = next;
    p += TAG;
  }
  if (type <= MAX_8023_LEN) {
    // 802.3 length framing inside the tag (CDP and STP on trunk ports).
    const llcEnd = Math.min(end, p + type);
    decodeLlc(d, p, llcEnd);
    if (d.tree !== null && netLayer.end < 0) netLayer.end = llcEnd;
    return;
  }
  dispatchEtherType(d, type, p, end);
}

etherTypeTable.register(ETH_VLAN, (d, off, end) => decodeTags(d, ETH_VLAN, off, end));
etherTypeTable.register(ETH_QINQ, (d, off, end) => decodeTags(d, ETH_QINQ, off, end));
etherTypeTable.register(ETH_QINQ_OLD, (d, off, end) => decodeTags(d, ETH_QINQ_OLD, off, end));
