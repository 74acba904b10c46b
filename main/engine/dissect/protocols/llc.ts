/**
 * IEEE 802.2 Logical Link Control, found after 802.3 length framing (and Linux SLL protocol 4). SNAP
 * (DSAP=SSAP=0xAA, UI) adds an OUI and protocol id: OUI 0 carries an ethertype, which goes back through the
 * ethertype table; other OUIs (Cisco's CDP/VTP/PVST+ ...) and plain SAPs (STP, NetBIOS ...) dispatch through
 * the two tables below, which decoders for those protocols register in.
 */
import type { Dissection } from '../dissection';
import { fields } from '../fields';
import { protocolNames } from '../protocols-registry';
import { DispatchTable } from '../tables';
import { addData, dispatchEtherType, etherTypeLabel, tooShort } from './l2-common';

/** Keyed by DSAP (for non-SNAP frames). */
export const llcSapTable = new DispatchTable('LLC SAP');
/** Keyed by `oui * 0x10000 + pid` for SNAP frames whose OUI is not an encapsulated ethertype. */
export const snapTable = new DispatchTable('SNAP OUI/PID');

const fLlc = fields.register('llc', 'protocol', 'Logical-Link Control');
const fDsap = fields.register('llc.dsap', 'uint', 'DSAP', 'hex');
const fSsap = fields.register('llc.ssap', 'uint', 'SSAP', 'hex');
const fControl = fields.register('llc.control', 'uint', 'Control', 'hex');
const fOui = fields.register('llc.oui', 'uint', 'Organization Code', 'hex');
const fPid = fields.register('llc.pid', 'uint', 'Protocol ID', 'hex');
const fType = fields.register('llc.type', 'uint', 'Type', 'hex');

const LLC = protocolNames.id('LLC');
const SAP_SNAP = 0xaa;
const U_UI = 0x03;
/** OUIs whose PID is an ethertype: RFC 1042 (0) and Cisco's 802.1H-compatible encapsulation. */
const OUI_ENCAP = 0x000000;
const OUI_CISCO_90 = 0x0000f8;

const SAP_NAMES: ReadonlyMap<number, string> = new Map([
  [0x00, 'NULL LSAP'],
  [0x02, 'LLC Sub-Layer Management Individual'],
  [0x04, 'SNA Path Control Individual'],
  [0x06, 'TCP/IP'],
  [0x0e, 'PROWAY (IEC955) Network Management and Initialization'],
  [0x34, 'ISO Network Layer (unofficial?)'],
  [0x42, 'Spanning Tree BPDU'],
  [0x80, 'XNS'],
  [0x98, 'ARP'],
  [0xaa, 'SNAP'],
  [0xe0, 'NetWare'],
  [0xf0, 'NetBIOS'],
  [0xf4, 'IBM Net Management'],
  [0xfe, 'ISO Network Layer'],
  [0xff, 'Global LSAP'],
]);

const U_NAMES: ReadonlyMap<number, string> = new Map([
  [0x03, 'UI'],
  [0x6f, 'SABME'],
  [0x43, 'DISC'],
  [0x63, 'UA'],
  [0x0f, 'DM'],
  [0x87, 'FRMR'],
  [0xaf, 'XID'],
  [0xe3, 'TEST'],
]);
const S_NAMES = ['RR', 'RNR', 'REJ', 'SREJ'];

export function decodeLlc(d: Dissection, off: number, end: number): void {
  d.setProtocol(LLC);
  if (end - off < 3) {
    tooShort(d, 'LLC');
    return;
  }
  const buf = d.buf;
  const dsap = buf[off] as number;
  const ssap = buf[off + 1] as number;
  const c0 = buf[off + 2] as number;
  // U frames have a 1-byte control field; I and S frames use the 2-byte (modulo-128) form.
  const isU = (c0 & 3) === 3;
  const ctlLen = isU ? 1 : 2;
  if (end - off < 2 + ctlLen) {
    tooShort(d, 'LLC');
    return;
  }
  const control = isU ? c0 : d.dv.getUint16(off + 2, true);
  const isSnap = dsap === SAP_SNAP && ssap === SAP_SNAP && control === U_UI;
  const hdrLen = 2 + ctlLen + (isSnap ? 5 : 0);
  if (end - off < hdrLen) {
    tooShort(d, 'LLC SNAP');
    return;
  }
  const oui = isSnap ? ((buf[off + 3] as number) << 16) | ((buf[off + 4] as number) << 8) | (buf[off + 5] as number) : -1;
  const pid = isSnap ? d.dv.getUint16(off + 6) : -1;
  const ethertypeEncap = isSnap && (oui === OUI_ENCAP || oui === OUI_CISCO_90);

  if (d.wantText) {
    let text = controlText(control, isU);
    if (isSnap) text += `; SNAP, OUI 0x${oui.toString(16).toUpperCase().padStart(6, '0')}${oui === 0x00000c ? ' (Cisco Systems, Inc)' : ''}, PID 0x${pid.toString(16).toUpperCase().padStart(4, '0')}`;
    else text += `; DSAP ${sapText(dsap & 0xfe)} ${dsap & 1 ? 'Group' : 'Individual'}, SSAP ${sapText(ssap & 0xfe)} ${ssap & 1 ? 'Response' : 'Command'}`;
    d.info = text;
  }
  if (d.tree !== null) {
    d.open(fLlc, off, hdrLen, 'Logical-Link Control');
    d.add(fDsap, off, 1, dsap, `DSAP: ${sapText(dsap & 0xfe)} (0x${hex2(dsap)})`);
    d.add(fSsap, off + 1, 1, ssap, `SSAP: ${sapText(ssap & 0xfe)} (0x${hex2(ssap)})`);
    d.add(fControl, off + 2, ctlLen, control, `Control field: ${controlText(control, isU)} (0x${control.toString(16).padStart(2 * ctlLen, '0')})`);
    if (isSnap) {
      d.add(fOui, off + 3, 3, oui, `Organization Code: 0x${oui.toString(16).padStart(6, '0')}`);
      if (ethertypeEncap) d.add(fType, off + 6, 2, pid, `Type: ${etherTypeLabel(pid)}`);
      else d.add(fPid, off + 6, 2, pid, `PID: 0x${pid.toString(16).padStart(4, '0')}`);
    }
    d.close();
  }

  const payload = off + hdrLen;
  if (ethertypeEncap) {
    dispatchEtherType(d, pid, payload, end);
    return;
  }
  const decode = isSnap ? snapTable.get(oui * 0x10000 + pid) : llcSapTable.get(dsap & 0xfe);
  if (decode) decode(d, payload, end);
  else addData(d, payload, end);
}

function controlText(control: number, isU: boolean): string {
  if (isU) {
    const name = U_NAMES.get(control & 0xef);
    return `U, func=${name ?? 'Unknown'}${control & 0x10 ? ', P' : ''}`;
  }
  if ((control & 1) === 0) return `I, N(R)=${control >> 9}, N(S)=${(control >> 1) & 0x7f}`;
  return `S, func=${S_NAMES[(control >> 2) & 3] as string}, N(R)=${control >> 9}`;
}

function sapText(sap: number): string {
  return SAP_NAMES.get(sap) ?? `0x${hex2(sap)}`;
}

function hex2(v: number): string {
  return v.toString(16).padStart(2, '0');
}
