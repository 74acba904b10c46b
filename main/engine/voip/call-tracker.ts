/**
 * SIP dialogs of an indexed capture, assembled incrementally: every SIP message joins the dialog of its
 * Call-ID (state machine in call-state.ts), and every RTP/RTCP packet joins the dialog whose SDP set up its
 * stream (the Call-ID that the SDP learning in rtp-media.ts recorded with the announcement).
 *
 * Why re-dissect instead of hooking the index pass: the pass keeps no SIP text (MODE_INDEX), and the store's
 * Protocol column already says which packets are SIP/SIP-SDP/RTP/RTCP — a few per cent of a capture at most
 * (big-1m: 5.9k SIP + 11k RTP of 1M). Reading just those again costs far less than making the pass build SIP
 * trees for everyone, needs no change to the pass, and works the same on a finished file and on a live
 * capture: `advance` takes up where it stopped (`next`), in time slices, whenever someone asks.
 *
 * Per dialog only aggregates and typed arrays of packet numbers are kept (SIP frames for the ladder, media
 * frames and the fragments / TCP segments the SIP messages came in for the export); the ladder re-dissects
 * the dialog's SIP frames on demand (call-flow.ts).
 *
 * Cost: SIP over UDP is read from the datagram's bytes (sip-message-scan.ts) and RTP headers directly, the
 * UDP payload found by udp-locate.ts (common encapsulations; a MODE_INDEX dissection otherwise); one RtpMedia
 * lookup per media packet finds its announcement. SIP over TCP goes through the detail tree (messages may be
 * reassembled or several to a segment). Dissections run without the capture's application state, so the RTP
 * decoder does not run again on media packets (the store already says they are RTP).
 */
import type { CaptureIndex } from '../capture/capture-index';
import { PacketAccess } from '../capture/packet-access';
import { Dissection, MODE_INDEX, MODE_TREE, NET_IPV4 } from '../dissect/dissection';
import type { TreeNode } from '../dissect/tree';
import { IpDefragmenter } from '../dissect/protocols/defrag';
import { PROTO_RTCP } from '../dissect/protocols/rtcp';
import { PROTO_RTP, PROTO_RTP_EVENT, payloadMapOf, readRtpHeader, type RtpHeader } from '../dissect/protocols/rtp';
import { RtpMedia, RTP_STATE_KEY } from '../dissect/protocols/rtp-media';
import { scanSipMessage } from './sip-message-scan';
import { locateUdp } from './udp-locate';
import { PROTO_SIP, PROTO_SIP_SDP } from '../dissect/protocols/sip';
import { RtpStreamAnalyzer } from '../analysis/rtp-streams';
import { EP_IPV6 } from '../store/endpoints';
import { SF_HAS_PORTS } from '../store/packet-store';
import { applySipMessage, EV_ANSWER, EV_END, newDialogState, type DialogState } from './call-state';
import { PacketList } from './packet-list';
import { emptySipMessage, readSipMessage, sipNodes, type SipMessage } from './sip-message';

const TRANSPORT_NAMES: Record<number, string> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' };
/** SDP frames remembered per dialog for its display filter (a long call re-INVITEs; the filter stays short). */
const MAX_SDP_FRAMES = 64;

/** One dialog: everything with one Call-ID. */
export class Call {
  from = '';
  to = '';
  userAgent = '';
  readonly dialog: DialogState = newDialogState();
  /** Store indices (0-based) of the first message, the first INVITE, the answer, the BYE, the last packet. */
  firstIndex = -1;
  inviteIndex = -1;
  answerIndex = -1;
  endIndex = -1;
  lastIndex = -1;
  messages = 0;
  /** Caller / callee signalling endpoints of the first request ("IP:port"). */
  caller = '';
  callee = '';
  transports: string[] = [];
  /** Frames holding this dialog's SIP messages (each once), in capture order. */
  readonly sip = new PacketList();
  /** RTP, RTP event and RTCP frames of the dialog's streams. */
  readonly media = new PacketList();
  /** Other frames the SIP messages came in: IP fragments, earlier TCP segments of a reassembled message. */
  readonly carriers = new PacketList();
  readonly sdpFrames: number[] = [];
  readonly rtp = new RtpStreamAnalyzer();

  constructor(
    readonly id: number,
    readonly callId: string,
  ) {}
}

export class CallTracker {
  readonly calls: Call[] = [];
  /** Bumped whenever a dialog is added or changes (list caches key on it). */
  version = 0;
  private readonly byCallId = new Map<string, Call>();
  private readonly access: PacketAccess;
  private readonly msg: SipMessage = emptySipMessage();
  private readonly hdr: RtpHeader = { marker: false, pt: 0, seq: 0, timestamp: 0, ssrc: 0, payloadOff: 0, payloadEnd: 0 };
  private readonly nodes: TreeNode[] = [];
  /** The fields udp-locate.ts fills (a Dissection, so RtpMedia.lookup can read it). */
  private readonly quick = new Dissection();
  /** Next store index to look at. */
  private next = 0;
  /** Packets left out because dissecting them threw, and the first reason (for a bug report). */
  skipped = 0;
  firstSkip = '';

  private readonly media: RtpMedia | null;

  constructor(readonly index: CaptureIndex) {
    const state = index.appState.get(RTP_STATE_KEY);
    this.media = state instanceof RtpMedia ? state : null;
    // Everything but appState from the index itself: without RtpMedia the RTP heuristic declines at once, and
    // the SDP decoder (which only learns when it has one) never touches the pass's announcements.
    const bare = Object.create(index, { appState: { value: new Map<string, unknown>(), enumerable: true } }) as CaptureIndex;
    this.access = new PacketAccess(bare);
  }

  /** Packets indexed but not looked at yet. */
  get pending(): number {
    return this.index.store.count - this.next;
  }

  byId(id: number): Call | undefined {
    return this.calls[id];
  }

  /**
   * Looks at the packets indexed since the last call until caught up or `deadline` (performance.now() ms) has
   * passed. Returns true when caught up.
   */
  advance(deadline = Infinity): boolean {
    const store = this.index.store;
    const proto = store.proto;
    let k = 0;
    while (this.next < store.count) {
      const i = this.next++;
      const p = proto[i] as number;
      if (p === PROTO_SIP || p === PROTO_SIP_SDP || p === PROTO_RTP || p === PROTO_RTP_EVENT || p === PROTO_RTCP) {
        try {
          if (p === PROTO_SIP || p === PROTO_SIP_SDP) this.onSip(i);
          else this.onMedia(i, p);
        } catch (err) {
          // One packet the decoders choke on (an engine bug) must not stop the list: it is left out, counted.
          this.skipped++;
          if (this.firstSkip === '') this.firstSkip = `packet ${i + 1}: ${err instanceof Error ? err.message : String(err)}`;
        }
      } else if ((++k & 4095) !== 0) continue;
      if (performance.now() >= deadline) break;
    }
    return this.next >= store.count;
  }

  /** Seconds between store indices a and b (b later), exact to the nanosecond. */
  interval(a: number, b: number): number {
    const s = this.index.store;
    return ((s.tsSec[b] as number) - (s.tsSec[a] as number)) + ((s.tsNsec[b] as number) - (s.tsNsec[a] as number)) / 1e9;
  }

  /** Seconds from the capture's first packet to store index i. */
  relTime(i: number): number {
    const s = this.index.store;
    return ((s.tsSec[i] as number) - this.index.firstSec) + ((s.tsNsec[i] as number) - this.index.firstNsec) / 1e9;
  }

  /** "IP:port" of the packet's source (dir 0) or destination (dir 1); IPv6 in brackets. */
  endpointOf(i: number, dir: number): string {
    const s = this.index.store;
    const ep = dir === 0 ? (s.srcEp[i] as number) : (s.dstEp[i] as number);
    const addr = this.index.endpoints.format(ep);
    if (((s.flags[i] as number) & SF_HAS_PORTS) === 0) return addr;
    const port = dir === 0 ? (s.sport[i] as number) : (s.dport[i] as number);
    return this.index.endpoints.kind(ep) === EP_IPV6 ? `[${addr}]:${port}` : `${addr}:${port}`;
  }

  /** Number key of the packet's source endpoint and port (the caller test of call-state.ts). */
  private srcKey(i: number): number {
    const s = this.index.store;
    return (s.srcEp[i] as number) * 65536 + (s.sport[i] as number);
  }

  /**
   * The packet's UDP payload found without dissecting (null: not a plain encapsulation, or not the UDP header
   * the index pass decoded — its stored ports and addresses must match).
   */
  private locate(i: number): Dissection | null {
    const s = this.index.store;
    if (((s.flags[i] as number) & SF_HAS_PORTS) === 0) return null;
    const iface = this.index.reader.interfaces[s.ifId[i] as number];
    const q = this.quick;
    if (iface === undefined || !locateUdp(this.access.bytes(i), iface.linkType, q)) return null;
    if (q.sport !== s.sport[i] || q.dport !== s.dport[i]) return null;
    const n = q.netType === NET_IPV4 ? 4 : 16;
    if (!sameAddress(this.index.endpoints.bytes(s.srcEp[i] as number), q.netSrc, n)) return null;
    if (!sameAddress(this.index.endpoints.bytes(s.dstEp[i] as number), q.netDst, n)) return null;
    q.frame.number = i + 1;
    return q;
  }

  private onSip(i: number): void {
    const m = this.msg;
    const sid = this.index.store.session[i] as number;
    if (sid < 0 || this.index.sessions.proto[sid] !== 6) {
      const q = this.locate(i);
      if (q !== null) {
        if (scanSipMessage(q.buf, q.payloadOff, q.payloadEnd, m)) this.onMessage(i, m);
        return;
      }
      const d = this.access.dissect(i, MODE_INDEX);
      if (d.ipProto === 17 && (d.protocol === PROTO_SIP || d.protocol === PROTO_SIP_SDP)) {
        if (scanSipMessage(d.buf, d.payloadOff, d.payloadEnd, m)) this.onMessage(i, m);
        return;
      }
    }
    const d = this.access.dissect(i, MODE_TREE);
    const nodes = this.nodes;
    nodes.length = 0;
    sipNodes(d.tree, nodes);
    for (const node of nodes) if (readSipMessage(node, m)) this.onMessage(i, m);
  }

  private onMessage(i: number, m: SipMessage): void {
    const frame = i + 1;
    let call = this.byCallId.get(m.callId);
    if (call === undefined) {
      call = new Call(this.calls.length, m.callId);
      this.calls.push(call);
      this.byCallId.set(m.callId, call);
      call.firstIndex = i;
    }
    this.version++;
    call.messages++;
    call.lastIndex = i;
    if (call.sip.last() !== frame) {
      call.sip.push(frame);
      this.addCarriers(call, frame);
    }
    const transport = this.transportOf(i);
    if (!call.transports.includes(transport)) call.transports.push(transport);
    if (m.sdp && call.sdpFrames.length < MAX_SDP_FRAMES && !call.sdpFrames.includes(frame)) call.sdpFrames.push(frame);
    const first = call.dialog.method === '' && m.method !== '';
    if (first) {
      call.from = m.from;
      call.to = m.to;
      call.caller = this.endpointOf(i, 0);
      call.callee = this.endpointOf(i, 1);
    } else if (call.from === '' && m.method === '') {
      // A dialog seen from its middle (the capture started late): name it from its first response.
      call.from = m.from;
      call.to = m.to;
      call.caller = this.endpointOf(i, 1);
      call.callee = this.endpointOf(i, 0);
    }
    if (call.userAgent === '' && m.userAgent !== '') call.userAgent = m.userAgent;
    if (m.method === 'INVITE' && call.inviteIndex < 0) call.inviteIndex = i;
    const ev = applySipMessage(call.dialog, m, this.srcKey(i));
    if (ev === EV_ANSWER) call.answerIndex = i;
    else if (ev === EV_END) call.endIndex = i;
  }

  private onMedia(i: number, proto: number): void {
    if (this.media === null) return;
    const d = this.locate(i) ?? this.access.dissect(i, MODE_INDEX);
    const setup = this.media.lookup(d);
    if (setup === null || setup.callId === '') return;
    const call = this.byCallId.get(setup.callId);
    if (call === undefined) return;
    this.version++;
    call.media.push(i + 1);
    call.lastIndex = i;
    if (proto === PROTO_RTCP || (d !== this.quick && d.ipProto !== 17)) return;
    const h = this.hdr;
    if (!readRtpHeader(d.buf, d.payloadOff, d.payloadEnd, h)) return;
    const map = payloadMapOf(setup, h.pt);
    const s = this.index.store;
    call.rtp.add({
      frame: i + 1,
      // As analyzeRtpStreams: seconds since the first packet, so start/end and jitter match it (and tshark).
      time: (s.tsSec[i] as number) + (s.tsNsec[i] as number) / 1e9 - (this.index.firstSec + this.index.firstNsec / 1e9),
      src: this.index.endpoints.format(s.srcEp[i] as number),
      sport: d.sport,
      dst: this.index.endpoints.format(s.dstEp[i] as number),
      dport: d.dport,
      ssrc: h.ssrc,
      pt: h.pt,
      seq: h.seq,
      timestamp: h.timestamp,
      marker: h.marker,
      encoding: map?.name ?? '',
      rate: map?.rate ?? 0,
      setupFrame: setup.frame,
      callId: setup.callId,
    });
  }

  /** The fragments and earlier TCP segments a SIP frame's messages were reassembled from (for the export). */
  private addCarriers(call: Call, frame: number): void {
    const defrag = this.index.defrag;
    if (defrag instanceof IpDefragmenter) {
      const frames = defrag.completedBy(frame);
      if (frames) for (const f of frames) if (f !== frame) call.carriers.push(f);
    }
    const deliveries = this.index.streams?.recordOf(frame);
    if (deliveries === undefined) return;
    for (const del of deliveries) {
      if (del.kind !== 'pieces') continue;
      for (const piece of del.pieces) if (piece.frame !== frame && piece.frame !== call.carriers.last()) call.carriers.push(piece.frame);
    }
  }

  private transportOf(i: number): string {
    const sid = this.index.store.session[i] as number;
    if (sid < 0) return 'IP';
    const p = this.index.sessions.proto[sid] as number;
    return TRANSPORT_NAMES[p] ?? `IP proto ${p}`;
  }
}

function sameAddress(a: Uint8Array, b: Uint8Array, n: number): boolean {
  if (a.length !== n) return false;
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return false;
  return true;
}
