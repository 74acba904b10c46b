/**
 * NTP (RFC 5905) on UDP 123: the 48-byte header (leap indicator, version, mode, stratum, poll, precision,
 * root delay/dispersion, reference id and the four timestamps). Control (mode 6) and private (mode 7)
 * messages have another layout: only their first byte is shown. Info as tshark: "NTP Version 4, client".
 * Extension fields and MACs after the header are left as data.
 */
import { fields } from '../fields';
import { MODE_INDEX, MODE_SUMMARY, type Dissection } from '../dissection';
import { udpPortTable } from '../tables';
import { protocolNames } from '../protocols-registry';
import { formatIPv4 } from '../../base/addr';
import { reportedEnd } from './tcp-ports';
import { linkProtocolColumn } from '../protocol-presence';

export const PROTO_NTP = protocolNames.id('NTP');

const fNtp = fields.register('ntp', 'protocol', 'Network Time Protocol');
linkProtocolColumn(PROTO_NTP, fNtp);
const fFlags = fields.register('ntp.flags', 'uint', 'Flags', 'hex');
const fLi = fields.register('ntp.flags.li', 'uint', 'Leap Indicator');
const fVn = fields.register('ntp.flags.vn', 'uint', 'Version number');
const fMode = fields.register('ntp.flags.mode', 'uint', 'Mode');
const fStratum = fields.register('ntp.stratum', 'uint', 'Peer Clock Stratum');
const fPoll = fields.register('ntp.ppoll', 'int', 'Peer Polling Interval');
const fPrecision = fields.register('ntp.precision', 'int', 'Peer Clock Precision');
const fRootDelay = fields.register('ntp.rootdelay', 'float', 'Root Delay');
const fRootDisp = fields.register('ntp.rootdispersion', 'float', 'Root Dispersion');
const fRefId = fields.register('ntp.refid', 'bytes', 'Reference ID');
const fRefTime = fields.register('ntp.reftime', 'time', 'Reference Timestamp');
const fOrg = fields.register('ntp.org', 'time', 'Origin Timestamp');
const fRec = fields.register('ntp.rec', 'time', 'Receive Timestamp');
const fXmt = fields.register('ntp.xmt', 'time', 'Transmit Timestamp');

const MODES = ['unspecified', 'symmetric active', 'symmetric passive', 'client', 'server', 'broadcast', 'control', 'private'];
const MODE_LABELS = ['reserved', 'symmetric active', 'symmetric passive', 'client', 'server', 'broadcast', 'reserved for NTP control message', 'reserved for private use'];
const LI = ['no warning', 'last minute of the day has 61 seconds', 'last minute of the day has 59 seconds', 'unknown (clock unsynchronized)'];
const HDR = 48;
/** Seconds from the NTP era 0 epoch (1900) to the Unix epoch. */
const NTP_UNIX = 2208988800;

export function dissectNtp(d: Dissection, off: number, end: number): void {
  d.setProtocol(PROTO_NTP);
  if (d.mode === MODE_INDEX || end <= off) return;
  const dv = d.dv;
  const b0 = d.buf[off] as number;
  const li = b0 >> 6;
  const vn = (b0 >> 3) & 7;
  const mode = b0 & 7;
  let info = `NTP Version ${vn}, ${MODES[mode]}`;
  const full = mode !== 6 && mode !== 7;
  const short = full && end - off < HDR;
  if (short) {
    const cut = reportedEnd(d, end) > end;
    note(d, `NTP header needs ${HDR} bytes, ${end - off} present`);
    info += cut ? '[Packet size limited during capture]' : '[Malformed Packet]';
  }
  if (d.wantText) d.info = info;
  if (d.tree === null) return;
  d.open(fNtp, off, end - off, 'Network Time Protocol' + (full ? ` (NTP Version ${vn}, ${MODES[mode]})` : ''));
  d.open(fFlags, off, 1, `Flags: 0x${b0.toString(16).padStart(2, '0')}, Leap Indicator: ${LI[li]}, Version number: NTP Version ${vn}, Mode: ${MODES[mode]}`, b0);
  d.add(fLi, off, 1, li, `${li.toString(2).padStart(2, '0')}.. .... = Leap Indicator: ${LI[li]} (${li})`);
  d.add(fVn, off, 1, vn, `..${vn.toString(2).padStart(3, '0')} ... = Version number: NTP Version ${vn} (${vn})`);
  d.add(fMode, off, 1, mode, `.... .${mode.toString(2).padStart(3, '0')} = Mode: ${MODE_LABELS[mode]} (${mode})`);
  d.close();
  if (full && !short) {
    const stratum = d.buf[off + 1] as number;
    d.add(fStratum, off + 1, 1, stratum);
    const poll = dv.getInt8(off + 2);
    d.add(fPoll, off + 2, 1, poll, `Peer Polling Interval: ${poll} (${2 ** poll} seconds)`);
    const prec = dv.getInt8(off + 3);
    d.add(fPrecision, off + 3, 1, prec, `Peer Clock Precision: ${(2 ** prec).toFixed(6)} seconds`);
    d.add(fRootDelay, off + 4, 4, dv.getUint32(off + 4) / 65536, `Root Delay: ${(dv.getUint32(off + 4) / 65536).toFixed(6)} seconds`);
    d.add(fRootDisp, off + 8, 4, dv.getUint32(off + 8) / 65536, `Root Dispersion: ${(dv.getUint32(off + 8) / 65536).toFixed(6)} seconds`);
    // Stratum 0/1: a 4-character code ("GPS", "LOCL"); above, the server's IPv4 address (or a hash for v6).
    const ref = d.buf.subarray(off + 12, off + 16);
    const refText = stratum <= 1 ? String.fromCharCode(...Array.from(ref).filter((c) => c !== 0)) : formatIPv4(ref);
    d.add(fRefId, off + 12, 4, ref, `Reference ID: ${refText}`);
    timestamp(d, fRefTime, off + 16, 'Reference Timestamp');
    timestamp(d, fOrg, off + 24, 'Origin Timestamp');
    timestamp(d, fRec, off + 32, 'Receive Timestamp');
    timestamp(d, fXmt, off + 40, 'Transmit Timestamp');
  }
  d.close();
}

function timestamp(d: Dissection, field: typeof fOrg, at: number, name: string): void {
  const sec = d.dv.getUint32(at);
  const frac = d.dv.getUint32(at + 4);
  if (sec === 0 && frac === 0) {
    d.add(field, at, 8, 0, `${name}: (0)NULL`);
    return;
  }
  // Era 0 until 2036; seconds below 2^31 are taken as era 1 (RFC 5905 §6), as Wireshark does.
  const unix = sec - NTP_UNIX + (sec < 0x80000000 ? 2 ** 32 : 0);
  const value = unix + frac / 2 ** 32;
  const date = new Date(Math.floor(value * 1000));
  const text = Number.isNaN(date.getTime()) ? `${value}` : `${date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')}.${String(Math.floor((frac / 2 ** 32) * 1e9)).padStart(9, '0')} UTC`;
  d.add(field, at, 8, value, `${name}: ${text}`);
}

udpPortTable.register(123, dissectNtp);

/**
 * Records an application-layer problem as text only. The packet flags are a summary column that the index
 * pass (MODE_INDEX, where this decoder returns early) must produce identically, so problems found only
 * while building Info/tree do not set PF_MALFORMED/PF_TRUNCATED.
 */
function note(d: Dissection, text: string): void {
  if (d.mode >= MODE_SUMMARY && d.inner === 0) d.problems.push(text);
}
