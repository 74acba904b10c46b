/**
 * TCP options (RFC 9293 §3.1, RFC 7323, RFC 2018): MSS, window scale, SACK permitted, SACK blocks,
 * timestamps, NOP, EOL; anything else is shown as an unknown option.
 *
 * Two entry points so the index path stays allocation-free: `scanWindowScale` (a plain byte walk, used on
 * SYNs so the session layer can learn the scale) and `decodeTcpOptions` (tree nodes and the Info suffix,
 * only in SUMMARY/TREE modes).
 */
import { fields } from '../fields';
import { PF_MALFORMED, type Dissection } from '../dissection';

const fOptions = fields.register('tcp.options', 'bytes', 'Options');
const fKind = fields.register('tcp.option_kind', 'uint', 'Kind');
const fLen = fields.register('tcp.option_len', 'uint', 'Length');
const fNop = fields.register('tcp.options.nop', 'bytes', 'TCP Option - No-Operation (NOP)');
const fEol = fields.register('tcp.options.eol', 'bytes', 'TCP Option - End of Option List (EOL)');
const fMss = fields.register('tcp.options.mss', 'bytes', 'TCP Option - Maximum segment size');
const fMssVal = fields.register('tcp.options.mss_val', 'uint', 'MSS Value');
const fWscale = fields.register('tcp.options.wscale', 'bytes', 'TCP Option - Window scale');
const fWsShift = fields.register('tcp.options.wscale.shift', 'uint', 'Shift count');
const fWsMult = fields.register('tcp.options.wscale.multiplier', 'uint', 'Multiplier');
const fSackPerm = fields.register('tcp.options.sack_perm', 'bytes', 'TCP Option - SACK permitted');
const fSack = fields.register('tcp.options.sack', 'bytes', 'TCP Option - SACK');
const fSackLe = fields.register('tcp.options.sack_le', 'uint', 'left edge');
const fSackRe = fields.register('tcp.options.sack_re', 'uint', 'right edge');
const fSackCount = fields.register('tcp.options.sack.count', 'uint', 'TCP SACK Count');
const fTs = fields.register('tcp.options.timestamp', 'bytes', 'TCP Option - Timestamps');
const fTsVal = fields.register('tcp.options.timestamp.tsval', 'uint', 'Timestamp value');
const fTsEcr = fields.register('tcp.options.timestamp.tsecr', 'uint', 'Timestamp echo reply');
const fUnknown = fields.register('tcp.options.unknown', 'bytes', 'TCP Option - Unknown');
const fUnknownPayload = fields.register('tcp.options.unknown.payload', 'bytes', 'Payload');

const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WS = 3;
const OPT_SACK_PERM = 4;
const OPT_SACK = 5;
const OPT_TS = 8;

/** Names as Wireshark's tcp option table spells them (the Options summary line lists them). */
const OPTION_NAMES: Record<number, string> = {
  0: 'End of Option List (EOL)',
  1: 'No-Operation (NOP)',
  2: 'Maximum segment size',
  3: 'Window scale',
  4: 'SACK permitted',
  5: 'SACK',
  6: 'Echo',
  7: 'Echo reply',
  8: 'Timestamps',
  9: 'Partial Order Connection Permitted',
  10: 'Partial Order Service Profile',
  11: 'CC',
  12: 'CC.NEW',
  13: 'CC.ECHO',
  14: 'TCP Alternate Checksum Request',
  15: 'TCP Alternate Checksum Data',
  16: 'Skeeter',
  17: 'Bubba',
  18: 'Trailer Checksum Option',
  19: 'MD5 signature',
  20: 'SCPS capabilities',
  21: 'Selective Negative Acknowledgements',
  22: 'Record Boundaries',
  23: 'Corruption experienced',
  24: 'SNAP',
  26: 'TCP Compressed Filter',
  27: 'Quick-Start Response',
  28: 'User Timeout',
  29: 'TCP AO',
  30: 'Multipath TCP',
  34: 'TCP Fast Open Cookie',
  69: 'Encryption Negotiation (TCP-ENO)',
  172: 'Accurate ECN Order 0 (AccECN0)',
  174: 'Accurate ECN Order 1 (AccECN1)',
  253: 'RFC3692-style Experiment 1',
  254: 'RFC3692-style Experiment 2',
};

/** Fixed lengths of the options we decode; SACK is variable (2 + 8n). */
function expectedLength(kind: number, len: number): boolean {
  switch (kind) {
    case OPT_MSS:
      return len === 4;
    case OPT_WS:
      return len === 3;
    case OPT_SACK_PERM:
      return len === 2;
    case OPT_TS:
      return len === 10;
    case OPT_SACK:
      return len >= 10 && (len - 2) % 8 === 0;
    default:
      return true;
  }
}

/** Shift count of the Window Scale option in [off, end), or -1. Allocation-free; stops at malformed bytes. */
export function scanWindowScale(dv: DataView, off: number, end: number): number {
  while (off < end) {
    const kind = dv.getUint8(off);
    if (kind === OPT_EOL) return -1;
    if (kind === OPT_NOP) {
      off++;
      continue;
    }
    if (off + 1 >= end) return -1;
    const len = dv.getUint8(off + 1);
    if (len < 2 || off + len > end) return -1;
    if (kind === OPT_WS && len === 3) return dv.getUint8(off + 2);
    off += len;
  }
  return -1;
}

/**
 * Decodes the options in [off, end) into the tree (when built) and returns the Info suffix tshark appends
 * (" MSS=1460 SACK_PERM TSval=… WS=128"), in the order the options appear. `ackBase` makes SACK edges
 * relative (the peer's initial sequence number, -1 when unknown). Call only in SUMMARY/TREE modes.
 */
export function decodeTcpOptions(d: Dissection, off: number, end: number, ackBase: number): string {
  const dv = d.dv;
  const tree = d.tree !== null;
  let info = '';
  let names = '';
  const optNode = tree ? d.open(fOptions, off, end - off, '', d.buf.subarray(off, end)) : null;
  let p = off;
  while (p < end) {
    const kind = dv.getUint8(p);
    const name = OPTION_NAMES[kind] ?? `Unknown (0x${kind.toString(16).padStart(2, '0')})`;
    names += names ? `, ${name}` : name;
    if (kind === OPT_EOL || kind === OPT_NOP) {
      if (tree) d.add(kind === OPT_EOL ? fEol : fNop, p, 1, d.buf.subarray(p, p + 1), `TCP Option - ${name}`);
      p++;
      // Bytes after EOL are padding: nothing more to read.
      if (kind === OPT_EOL) break;
      continue;
    }
    if (p + 1 >= end) {
      d.problem(PF_MALFORMED, `TCP option ${name} goes past end of options`);
      break;
    }
    const len = dv.getUint8(p + 1);
    if (len < 2) {
      d.problem(PF_MALFORMED, `TCP option ${name} has a bogus length ${len} (must be at least 2)`);
      break;
    }
    if (p + len > end) {
      d.problem(PF_MALFORMED, `TCP option ${name} goes past end of options`);
      break;
    }
    if (!expectedLength(kind, len)) {
      d.problem(PF_MALFORMED, `TCP option ${name} has a bogus length ${len}`);
      if (tree) {
        d.open(fUnknown, p, len, `TCP Option - ${name} (with option length = ${len} bytes; bogus)`, d.buf.subarray(p, p + len));
        d.add(fKind, p, 1, kind);
        d.add(fLen, p + 1, 1, len);
        d.close();
      }
      p += len;
      continue;
    }
    switch (kind) {
      case OPT_MSS: {
        const mss = dv.getUint16(p + 2);
        info += ` MSS=${mss}`;
        if (tree) {
          d.open(fMss, p, len, `TCP Option - Maximum segment size: ${mss} bytes`, d.buf.subarray(p, p + len));
          d.add(fKind, p, 1, kind);
          d.add(fLen, p + 1, 1, len);
          d.add(fMssVal, p + 2, 2, mss);
          d.close();
        }
        break;
      }
      case OPT_WS: {
        const shift = dv.getUint8(p + 2);
        // RFC 7323 §2.3: a shift above 14 is treated as 14 (Wireshark shows the clamped multiplier).
        const mult = 1 << (shift > 14 ? 14 : shift);
        info += ` WS=${mult}`;
        if (tree) {
          d.open(fWscale, p, len, `TCP Option - Window scale: ${shift} (multiply by ${mult})`, d.buf.subarray(p, p + len));
          d.add(fKind, p, 1, kind);
          d.add(fLen, p + 1, 1, len);
          d.add(fWsShift, p + 2, 1, shift);
          d.add(fWsMult, p + 2, 1, mult);
          d.close();
        }
        break;
      }
      case OPT_SACK_PERM:
        info += ' SACK_PERM';
        if (tree) {
          d.open(fSackPerm, p, len, 'TCP Option - SACK permitted', d.buf.subarray(p, p + len));
          d.add(fKind, p, 1, kind);
          d.add(fLen, p + 1, 1, len);
          d.close();
        }
        break;
      case OPT_SACK: {
        const n = (len - 2) >> 3;
        let label = 'TCP Option - SACK';
        if (tree) {
          d.open(fSack, p, len, label, d.buf.subarray(p, p + len));
          d.add(fKind, p, 1, kind);
          d.add(fLen, p + 1, 1, len);
        }
        for (let i = 0; i < n; i++) {
          const q = p + 2 + 8 * i;
          const le = dv.getUint32(q);
          const re = dv.getUint32(q + 4);
          // Edges acknowledge the peer's bytes, so they are relative to the peer's ISN.
          const rle = ackBase >= 0 ? (le - ackBase) >>> 0 : le;
          const rre = ackBase >= 0 ? (re - ackBase) >>> 0 : re;
          info += ` SLE=${rle} SRE=${rre}`;
          label += ` ${rle}-${rre}`;
          if (tree) {
            d.add(fSackLe, q, 4, rle, `left edge = ${rle}${ackBase >= 0 ? ' (relative)' : ''}`);
            d.add(fSackRe, q + 4, 4, rre, `right edge = ${rre}${ackBase >= 0 ? ' (relative)' : ''}`);
          }
        }
        if (tree) {
          d.addHidden(fSackCount, n);
          d.close();
          // The option's own line lists the blocks, as Wireshark's "TCP Option - SACK 1-100".
          const sackNode = optNode?.children?.[optNode.children.length - 1];
          if (sackNode) sackNode.label = label;
        }
        break;
      }
      case OPT_TS: {
        const tsval = dv.getUint32(p + 2);
        const tsecr = dv.getUint32(p + 6);
        info += ` TSval=${tsval} TSecr=${tsecr}`;
        if (tree) {
          d.open(fTs, p, len, `TCP Option - Timestamps: TSval ${tsval}, TSecr ${tsecr}`, d.buf.subarray(p, p + len));
          d.add(fKind, p, 1, kind);
          d.add(fLen, p + 1, 1, len);
          d.add(fTsVal, p + 2, 4, tsval);
          d.add(fTsEcr, p + 6, 4, tsecr);
          d.close();
        }
        break;
      }
      default:
        if (tree) {
          d.open(fUnknown, p, len, `TCP Option - ${name}`, d.buf.subarray(p, p + len));
          d.add(fKind, p, 1, kind);
          d.add(fLen, p + 1, 1, len);
          if (len > 2) d.add(fUnknownPayload, p + 2, len - 2, d.buf.subarray(p + 2, p + len));
          d.close();
        }
    }
    p += len;
  }
  if (optNode) {
    optNode.label = `Options: (${end - off} bytes)${names ? ', ' + names : ''}`;
    d.close();
  }
  return info;
}
