/**
 * On-demand re-dissection of stored packets: the rows on screen, the detail tree, costly filter terms. The
 * bytes are read back from the file at the stored offset; session facts come from the store instead of the
 * tracker, so dissecting a packet again never changes the session table.
 */
import { Defragmenter, Dissection, FieldScope, FlowHooks, FrameMeta, MODE_TREE } from '../dissect/dissection';
import { dissectFrame } from '../dissect/frame';
import { IpDefragmenter, replayDefrag } from '../dissect/protocols/defrag';
import { SF_DIR_BA } from '../store/packet-store';
import { RS_MASK, RS_SHIFT, TA_DUPLICATE_ACK, TA_FLAGS_MASK, TcpAnalysisHooks } from '../dissect/protocols/tcp-analysis';
import { TcpStreamReplay } from '../sessions/tcp-reassembly';
import type { CaptureIndex } from './capture-index';

class ReplayHooks implements FlowHooks, TcpAnalysisHooks {
  index = 0;
  // The stored TCP analysis of the packet being re-dissected (set by `dissect`).
  tcpAnalysis = 0;
  dupAckFrame = 0;
  dupAckNum = 0;
  constructor(private readonly capture: CaptureIndex) {}

  onTransport(d: Dissection): void {
    if (d.inner !== 0) return;
    this.tcpAnalysis = 0;
    const store = this.capture.store;
    const sessions = this.capture.sessions;
    const id = store.session[this.index] as number;
    if (id < 0) return;
    const dir = ((store.flags[this.index] as number) & SF_DIR_BA) !== 0 ? 1 : 0;
    d.sessionId = id;
    d.streamIndex = sessions.protoIndex[id] as number;
    d.direction = dir;
    if (sessions.proto[id] !== 6) return;
    d.tcpSeqBase = (dir === 0 ? sessions.baseA[id] : sessions.baseB[id]) as number;
    d.tcpAckBase = (dir === 0 ? sessions.baseB[id] : sessions.baseA[id]) as number;
    const wsA = sessions.wsA[id] as number;
    const wsB = sessions.wsB[id] as number;
    d.tcpWinScale = wsA === -1 || wsB === -1 ? -1 : wsA === -2 || wsB === -2 ? -2 : dir === 0 ? wsA : wsB;
    const bits = (store.analysis[this.index] as number) & TA_FLAGS_MASK;
    this.tcpAnalysis = bits;
    if ((bits & TA_DUPLICATE_ACK) !== 0) {
      const dup = this.capture.tracker.tcpAnalyzer.dupAckOf(this.index + 1);
      this.dupAckFrame = dup !== null ? dup[0] : 0;
      this.dupAckNum = dup !== null ? dup[1] : 0;
    }
  }
}

/**
 * Bytes read at once when a packet is not in the read-ahead window: a filter or a log walks the packets in
 * file order, and one read per packet (a system call and a small copy each) cost more than dissecting them.
 */
const WINDOW = 256 * 1024;

/**
 * Holds every fragment and completes none: a fragment whose datagram the index pass did not complete with it
 * is shown as a fragment, not handed to the transport decoder as a partial datagram.
 */
const HOLD_FRAGMENTS: Defragmenter = { add: () => null };

export class PacketAccess {
  private readonly d = new Dissection();
  private readonly hooks: ReplayHooks;
  // The read-ahead window: file bytes [winStart, winStart + win.length). A fresh buffer per refill, so views
  // handed out earlier (tree values, frameData) stay valid.
  private win: Uint8Array = new Uint8Array(0);
  private winStart = 0;
  /** Reused for every packet (set per packet): the TCP stream replay reads other frames' bytes through `bytes`. */
  private readonly replay = new TcpStreamReplay(0, undefined, (f) => (f >= 1 && f <= this.capture.store.count ? this.bytes(f - 1) : null));

  constructor(private readonly capture: CaptureIndex) {
    this.hooks = new ReplayHooks(capture);
    this.d.hooks = this.hooks;
  }

  /** Frame metadata of the packet at 0-based store index `i`. */
  meta(i: number): FrameMeta {
    return this.fillMeta(i, { number: 0, tsSec: 0, tsNsec: 0, caplen: 0, len: 0, ifId: 0, ifIndexInSection: 0, linkType: 0 });
  }

  /** Writes packet `i`'s frame metadata into `f` (in place: `dissect` runs for every packet a filter reads). */
  private fillMeta(i: number, f: FrameMeta): FrameMeta {
    const s = this.capture.store;
    const ifId = s.ifId[i] as number;
    const iface = this.capture.reader.interfaces[ifId];
    f.number = i + 1;
    f.tsSec = s.tsSec[i] as number;
    f.tsNsec = s.tsNsec[i] as number;
    f.caplen = s.caplen[i] as number;
    f.len = s.len[i] as number;
    f.ifId = ifId;
    f.ifIndexInSection = iface ? iface.indexInSection : ifId;
    f.linkType = iface ? iface.linkType : -1;
    return f;
  }

  /** The captured bytes of packet `i` (a fresh copy, safe to keep). */
  bytes(i: number): Uint8Array {
    const s = this.capture.store;
    return this.capture.reader.readAt(s.fileOffset[i] as number, s.caplen[i] as number);
  }

  /** Packet `i`'s bytes for dissecting it: a view into the read-ahead window (not to be written to). */
  private frameBytes(i: number): Uint8Array {
    const s = this.capture.store;
    const off = s.fileOffset[i] as number;
    const n = s.caplen[i] as number;
    let at = off - this.winStart;
    if (at < 0 || at + n > this.win.length) {
      if (n > WINDOW / 4) return this.bytes(i);
      this.win = this.capture.reader.readAt(off, WINDOW);
      this.winStart = off;
      at = 0;
      // A file cut short (or a growing spool) may hold less than the packet: give what is there.
      if (n > this.win.length) return this.win;
    }
    return this.win.subarray(at, at + n);
  }

  /**
   * Dissects packet `i` again in `mode` (MODE_SUMMARY for the Info column, MODE_TREE for the detail tree).
   * With `want`, a TREE dissection keeps only those fields (see Dissection.want). `data`, when given, is the
   * packet's captured bytes already at hand (the index pass's record), saving the read. `text`: a limited tree
   * also gets the Info text (a full TREE or SUMMARY dissection always has it).
   * The returned Dissection is reused by the next call.
   */
  dissect(i: number, mode: number, want: FieldScope | null = null, data?: Uint8Array, text = false): Dissection {
    const d = this.d;
    d.want = mode >= MODE_TREE ? want : null;
    d.wantTextToo = text;
    d.reset(data ?? this.frameBytes(i), mode);
    this.fillMeta(i, d.frame);
    this.hooks.index = i;
    const s = this.capture.store;
    d.defrag = null;
    d.appState = this.capture.appState;
    const pass = this.capture.defrag;
    if (pass instanceof IpDefragmenter) {
      // A fragment that did not complete a datagram must still be shown as a fragment: an empty
      // defragmenter holds it instead of letting the transport decoder read a partial datagram.
      const frames = pass.completedBy(i + 1);
      d.defrag = frames
        ? replayDefrag(frames, i + 1, (f) => ({ data: this.bytes(f - 1), meta: this.meta(f - 1) }))
        : HOLD_FRAGMENTS;
    }
    // TCP stream payload: replay what the index pass decoded for this frame (reassembled messages are
    // rebuilt from the recorded frames' bytes).
    const streams = this.capture.streams;
    if (streams === null) d.streams = null;
    else {
      this.replay.set(((s.analysis[i] as number) & RS_MASK) >> RS_SHIFT, streams.recordOf(i + 1));
      d.streams = this.replay;
    }
    dissectFrame(d);
    return d;
  }
}
