/**
 * Presentation of TCP sequence analysis (Wireshark's tcp.analysis.*) and of stream reassembly: the bit
 * layout stored per packet in the store's `analysis` column, the fields registered for the detail tree and the
 * display filter, and the Info prefixes tshark prints.
 *
 * The analysis itself needs state across packets and lives in the session layer (sessions/tcp-analyzer.ts);
 * the decoder only reads the current packet's bits through the hooks, so an on-demand re-dissection (whose
 * hooks read the store) shows the same flags without any state.
 */
import { fields } from '../fields';
import type { Dissection, FlowHooks, StreamReassembler } from '../dissection';

// ---- analysis bits (low 13 bits of the store's `analysis` column) ----
export const TA_RETRANSMISSION = 1 << 0;
export const TA_FAST_RETRANSMISSION = 1 << 1;
export const TA_SPURIOUS_RETRANSMISSION = 1 << 2;
export const TA_OUT_OF_ORDER = 1 << 3;
/** "Previous segment not captured". */
export const TA_LOST_SEGMENT = 1 << 4;
/** "ACKed unseen segment". */
export const TA_ACK_LOST_SEGMENT = 1 << 5;
export const TA_DUPLICATE_ACK = 1 << 6;
export const TA_ZERO_WINDOW = 1 << 7;
export const TA_ZERO_WINDOW_PROBE = 1 << 8;
export const TA_ZERO_WINDOW_PROBE_ACK = 1 << 9;
export const TA_WINDOW_UPDATE = 1 << 10;
export const TA_KEEP_ALIVE = 1 << 11;
export const TA_KEEP_ALIVE_ACK = 1 << 12;
export const TA_FLAGS_MASK = (1 << 13) - 1;

// ---- reassembly state of the packet's stream payload (bits 13-14) ----
/** The payload was handed to the stream protocol as decodeWholeMessages would (or there was none). */
export const RS_NORMAL = 0;
/** Bytes were kept for a message that later packets complete: "[TCP segment of a reassembled PDU]". */
export const RS_SEGMENT = 1;
/** The index pass recorded exactly what this packet decoded (reassembled messages, offsets): replay it. */
export const RS_RECORDED = 2;
/** Nothing of the payload reached the stream protocol (retransmitted bytes, raw direction, given up). */
export const RS_NOT_DELIVERED = 3;
export const RS_SHIFT = 13;
export const RS_MASK = 3 << RS_SHIFT;

/** The hooks tell the TCP decoder the current packet's analysis (index pass: computed; replay: stored). */
export interface TcpAnalysisHooks extends FlowHooks {
  /** TA_* bits of the current packet (0 when unknown). */
  readonly tcpAnalysis: number;
  /** For TA_DUPLICATE_ACK: the frame whose ACK is repeated, and how many times it has been so far. */
  readonly dupAckFrame: number;
  readonly dupAckNum: number;
}

/** A stream reassembler that says what it did with the current packet's payload (RS_* value). */
export interface TcpStreamStateSource extends StreamReassembler {
  readonly frameState: number;
}

export function analysisHooksOf(d: Dissection): TcpAnalysisHooks | null {
  const h = d.hooks;
  return h !== null && 'tcpAnalysis' in h ? (h as TcpAnalysisHooks) : null;
}

export function streamStateOf(d: Dissection): number {
  const s = d.streams;
  return s !== null && 'frameState' in s ? (s as TcpStreamStateSource).frameState : RS_NORMAL;
}

const fAnalysis = fields.register('tcp.analysis', 'none', 'SEQ/ACK analysis');
const fFlags = fields.register('tcp.analysis.flags', 'none', 'TCP Analysis Flags');
const fRetrans = fields.register('tcp.analysis.retransmission', 'none', 'Retransmission');
const fFastRetrans = fields.register('tcp.analysis.fast_retransmission', 'none', 'Fast retransmission');
const fSpurious = fields.register('tcp.analysis.spurious_retransmission', 'none', 'Spurious retransmission');
const fOoo = fields.register('tcp.analysis.out_of_order', 'none', 'Out-Of-Order segment');
const fLost = fields.register('tcp.analysis.lost_segment', 'none', 'Previous segment(s) not captured (common at capture start)');
const fAckLost = fields.register('tcp.analysis.ack_lost_segment', 'none', 'ACKed segment that wasn\'t captured (common at capture start)');
const fDupAck = fields.register('tcp.analysis.duplicate_ack', 'none', 'Duplicate ACK');
const fDupAckNum = fields.register('tcp.analysis.duplicate_ack_num', 'uint', 'Duplicate ACK #');
const fDupAckFrame = fields.register('tcp.analysis.duplicate_ack_frame', 'uint', 'Duplicate to the ACK in frame');
const fZeroWin = fields.register('tcp.analysis.zero_window', 'none', 'Zero window');
const fZwp = fields.register('tcp.analysis.zero_window_probe', 'none', 'Zero window probe');
const fZwpAck = fields.register('tcp.analysis.zero_window_probe_ack', 'none', 'Zero window probe Ack');
const fWinUpdate = fields.register('tcp.analysis.window_update', 'none', 'Window update');
const fKeepAlive = fields.register('tcp.analysis.keep_alive', 'none', 'Keep-Alive');
const fKeepAliveAck = fields.register('tcp.analysis.keep_alive_ack', 'none', 'Keep-Alive ACK');

/**
 * Info prefixes in the order tshark prints them. Wireshark prepends each one in turn ahead of a column
 * fence, so its later checks come first on screen: "[TCP ACKed unseen segment] [TCP Fast Retransmission] ".
 */
export function analysisInfoPrefix(bits: number, dupFrame: number, dupNum: number): string {
  if ((bits & TA_FLAGS_MASK) === 0) return '';
  let s = '';
  if (bits & TA_ZERO_WINDOW_PROBE_ACK) s += '[TCP ZeroWindowProbeAck] ';
  if (bits & TA_ZERO_WINDOW) s += '[TCP ZeroWindow] ';
  if (bits & TA_ZERO_WINDOW_PROBE) s += '[TCP ZeroWindowProbe] ';
  if (bits & TA_DUPLICATE_ACK) s += `[TCP Dup ACK ${dupFrame}#${dupNum}] `;
  if (bits & TA_KEEP_ALIVE_ACK) s += '[TCP Keep-Alive ACK] ';
  if (bits & TA_WINDOW_UPDATE) s += '[TCP Window Update] ';
  if (bits & TA_KEEP_ALIVE) s += '[TCP Keep-Alive] ';
  if (bits & TA_ACK_LOST_SEGMENT) s += '[TCP ACKed unseen segment] ';
  if (bits & TA_LOST_SEGMENT) s += '[TCP Previous segment not captured] ';
  if (bits & TA_SPURIOUS_RETRANSMISSION) s += '[TCP Spurious Retransmission] ';
  if (bits & TA_OUT_OF_ORDER) s += '[TCP Out-Of-Order] ';
  if (bits & TA_RETRANSMISSION) s += '[TCP Retransmission] ';
  if (bits & TA_FAST_RETRANSMISSION) s += '[TCP Fast Retransmission] ';
  return s;
}

export const SEGMENT_OF_PDU = ' [TCP segment of a reassembled PDU]';

/**
 * The "[SEQ/ACK analysis]" subtree. Called inside the open TCP tree. Like Wireshark, fast (and, we assume,
 * spurious) retransmissions also carry `tcp.analysis.retransmission` (filters for
 * retransmissions find them) while the Info column names only the specific kind.
 */
export function addAnalysisTree(d: Dissection, bits: number, dupFrame: number, dupNum: number): void {
  d.open(fAnalysis, 0, 0, '[SEQ/ACK analysis]');
  if ((bits & TA_FLAGS_MASK) !== 0) {
    d.open(fFlags, 0, 0, '[TCP Analysis Flags]');
    if (bits & TA_FAST_RETRANSMISSION) flag(d, fFastRetrans, 'This frame is a (suspected) fast retransmission');
    if (bits & TA_SPURIOUS_RETRANSMISSION) flag(d, fSpurious, 'This frame is a (suspected) spurious retransmission');
    if (bits & TA_OUT_OF_ORDER) flag(d, fOoo, 'This frame is a (suspected) out-of-order segment');
    if (bits & (TA_RETRANSMISSION | TA_FAST_RETRANSMISSION | TA_SPURIOUS_RETRANSMISSION)) flag(d, fRetrans, 'This frame is a (suspected) retransmission');
    if (bits & TA_LOST_SEGMENT) flag(d, fLost, 'Previous segment(s) not captured (common at capture start)');
    if (bits & TA_ACK_LOST_SEGMENT) flag(d, fAckLost, 'ACKed segment that wasn\'t captured (common at capture start)');
    if (bits & TA_KEEP_ALIVE) flag(d, fKeepAlive, 'This is a TCP keep-alive segment');
    if (bits & TA_WINDOW_UPDATE) flag(d, fWinUpdate, 'This is a TCP window update');
    if (bits & TA_KEEP_ALIVE_ACK) flag(d, fKeepAliveAck, 'ACK to a TCP keep-alive segment');
    if (bits & TA_DUPLICATE_ACK) {
      flag(d, fDupAck, 'This is a TCP duplicate ack');
      d.add(fDupAckNum, 0, 0, dupNum, `[Duplicate ACK #: ${dupNum}]`);
      d.add(fDupAckFrame, 0, 0, dupFrame, `[Duplicate to the ACK in frame: ${dupFrame}]`);
    }
    if (bits & TA_ZERO_WINDOW_PROBE) flag(d, fZwp, 'This is a TCP zero-window-probe');
    if (bits & TA_ZERO_WINDOW) flag(d, fZeroWin, 'This is a ZeroWindow segment');
    if (bits & TA_ZERO_WINDOW_PROBE_ACK) flag(d, fZwpAck, 'This is an ACK to a TCP zero-window-probe');
    d.close();
  }
  d.close();
}

function flag(d: Dissection, f: typeof fFlags, label: string): void {
  d.add(f, 0, 0, null, `[${label}]`);
}
