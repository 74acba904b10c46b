/**
 * RTP stream statistics, as tshark's `-z rtp,streams` (ui/tap-rtp-analysis.c rtppacket_analyse): per stream
 * (source and destination address:port, SSRC) the packets, expected and lost packets, sequence errors, min /
 * mean / max delta between packets and min / mean / max jitter (RFC 3550 §6.4.1 interarrival jitter,
 * J += (|D| - J) / 16, in ms, using the payload type's clock rate: 8000 for G.711/G.729 …, the SDP rtpmap's
 * rate for dynamic types, none for telephone events).
 *
 * Two ways in: `RtpStreamAnalyzer.add` takes packets one by one (any consumer that already has RTP headers),
 * and `analyzeRtpStreams` runs over an indexed capture: it re-dissects the packets the index pass classified
 * as RTP (or, with `heuristic`, every UDP packet, as tshark's rtp.heuristic_rtp) in MODE_INDEX and reads
 * the RTP header itself.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { PacketAccess } from '../capture/packet-access';
import { MODE_INDEX, NET_IPV4, NET_IPV6, type Dissection } from '../dissect/dissection';
import { protocolNames } from '../dissect/protocols-registry';
import { PROTO_RTP, PROTO_RTP_EVENT, readRtpHeader, payloadMapOf, type RtpHeader } from '../dissect/protocols/rtp';
import { RtpMedia, RTP_STATE_KEY } from '../dissect/protocols/rtp-media';
import { dynamicClockRate, payloadShortName, staticClockRate } from '../dissect/protocols/rtp-names';

/** One RTP packet as the analysis needs it. */
export interface RtpPacketInfo {
  frame: number;
  /** Arrival time, seconds (any origin; the capture's first packet for tshark-like start/end times). */
  time: number;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  ssrc: number;
  pt: number;
  seq: number;
  timestamp: number;
  marker: boolean;
  /** Encoding name an SDP rtpmap gave this payload type ('' none). */
  encoding: string;
  /** Clock rate from the rtpmap (0: none given). */
  rate: number;
  /** Frame of the SDP that announced the stream (0: found by heuristic). */
  setupFrame: number;
  callId: string;
}

/** What one stream adds up to; times in ms except start/end (seconds, as `time` was given). */
export interface RtpStreamStats {
  src: string;
  sport: number;
  dst: string;
  dport: number;
  ssrc: number;
  /** Payload types seen, in order of appearance, and tshark's names for them ("g711A", "CN", "RTPType-101"). */
  payloadTypes: number[];
  payloadNames: string[];
  firstFrame: number;
  lastFrame: number;
  start: number;
  end: number;
  packets: number;
  /** Extended highest − lowest sequence number + 1. */
  expected: number;
  /** expected − packets (negative with duplicates, as in tshark). */
  lost: number;
  lostPercent: number;
  /** Sequence numbers that did not follow the previous one (lost, late or duplicate). */
  sequenceErrors: number;
  minDelta: number;
  meanDelta: number;
  maxDelta: number;
  /** Frame where the max delta ended. */
  maxDeltaFrame: number;
  minJitter: number;
  meanJitter: number;
  maxJitter: number;
  /** Clock rate used for the jitter (0: none known, jitter not computed). */
  clockRate: number;
  /** tshark's "Problems?" mark: a sequence error or a timestamp going backwards. */
  problem: boolean;
  setupFrame: number;
  callId: string;
}

const PT_CN = 13;
const PT_CN_OLD = 19;

const F_FIRST = 1;
const F_MARKER = 2;
const F_WRONG_SEQ = 4;
const F_PT_CN = 8;
const F_FOLLOW_PT_CN = 16;
const F_WRONG_TIMESTAMP = 32;

/** Running state of one stream (mirrors tap_rtp_stat_t). */
class StreamState {
  readonly stats: RtpStreamStats;
  private seqNum = 0;
  private extSeq = -1;
  private startSeq = 0;
  private stopSeq = 0;
  private extTs = -1;
  private seqTimestamp = 0;
  private time = 0;
  private delta = 0;
  private jitter = 0;
  private pt = -1;
  private minDeltaSet = false;
  private minJitterSet = false;

  constructor(p: RtpPacketInfo) {
    this.stats = {
      src: p.src, sport: p.sport, dst: p.dst, dport: p.dport, ssrc: p.ssrc, payloadTypes: [], payloadNames: [],
      firstFrame: p.frame, lastFrame: p.frame, start: p.time, end: p.time, packets: 0, expected: 0, lost: 0,
      lostPercent: 0, sequenceErrors: 0, minDelta: 0, meanDelta: 0, maxDelta: 0, maxDeltaFrame: 0, minJitter: 0,
      meanJitter: 0, maxJitter: 0, clockRate: 0, problem: false, setupFrame: p.setupFrame, callId: p.callId,
    };
  }

  /** The RTP dissector's extended sequence number (wraps counted from the previous packet). */
  private extend(prev: number, raw: number, bits: number): number {
    if (prev < 0) return raw;
    const span = 2 ** bits;
    let v = Math.floor(prev / span) * span + raw;
    if (v + span / 2 < prev) v += span;
    else if (prev + span / 2 < v && v >= span) v -= span;
    return v;
  }

  add(p: RtpPacketInfo): void {
    const s = this.stats;
    if (!s.payloadTypes.includes(p.pt)) {
      s.payloadTypes.push(p.pt);
      s.payloadNames.push(p.pt >= 96 && p.encoding !== '' ? p.encoding : payloadShortName(p.pt));
    }
    const extSeq = (this.extSeq = this.extend(this.extSeq, p.seq, 16));
    const extTs = (this.extTs = this.extend(this.extTs, p.timestamp, 32));
    const now = p.time * 1000;
    s.lastFrame = p.frame;
    s.end = p.time;
    if (s.packets === 0) {
      this.startSeq = this.stopSeq = extSeq;
      this.seqNum = p.seq;
      this.seqTimestamp = extTs;
      this.time = now;
      this.pt = p.pt;
      s.packets = 1;
      this.finish();
      return;
    }
    let flags = 0;
    const inTime = this.seqTimestamp <= extTs;
    if (!inTime) flags |= F_WRONG_TIMESTAMP;
    if (inTime && (this.seqNum + 1 === p.seq || (this.seqNum === 65535 && p.seq === 0))) {
      this.seqNum = p.seq;
    } else if (inTime && (this.seqNum + 1 < p.seq || this.seqNum - p.seq > 0xff00)) {
      this.seqNum = p.seq;
      s.sequenceErrors++;
      flags |= F_WRONG_SEQ;
    } else if (this.seqNum + 1 > p.seq) {
      s.sequenceErrors++;
      flags |= F_WRONG_SEQ;
    }
    if (p.pt === PT_CN || p.pt === PT_CN_OLD) flags |= F_PT_CN;
    if (this.pt === PT_CN || this.pt === PT_CN_OLD) flags |= F_FOLLOW_PT_CN;
    this.pt = p.pt;
    let rate: number;
    if (p.pt < 96) rate = staticClockRate(p.pt);
    else if (p.encoding === '') rate = 0;
    else if (p.encoding.toLowerCase().startsWith('telephone-event')) rate = 0;
    else rate = p.rate !== 0 ? p.rate : dynamicClockRate(p.encoding);
    let currentJitter = 0;
    if (rate !== 0) {
      s.clockRate = rate;
      const nominalDiff = (extTs - this.seqTimestamp) / (rate / 1000);
      const expectedTime = this.time + nominalDiff;
      const diff = Math.abs(now - expectedTime);
      currentJitter = (15 * this.jitter + diff) / 16;
      this.delta = now - this.time;
      this.jitter = currentJitter;
    } else {
      this.delta = now - this.time;
    }
    if (p.marker) flags |= F_MARKER;
    const regular = (flags & (F_FIRST | F_MARKER | F_PT_CN | F_WRONG_TIMESTAMP | F_FOLLOW_PT_CN)) === 0;
    if (regular) {
      if (this.delta > s.maxDelta) {
        s.maxDelta = this.delta;
        s.maxDeltaFrame = p.frame;
      }
      if (!this.minDeltaSet || this.delta < s.minDelta) {
        s.minDelta = this.delta;
        this.minDeltaSet = true;
      }
      // Averages over the deltas (and diffs) between packets: `packets` counts the packets before this one.
      s.meanDelta = (s.meanDelta * (s.packets - 1) + this.delta) / s.packets;
      if (rate !== 0) {
        if (this.jitter > s.maxJitter) s.maxJitter = this.jitter;
        s.meanJitter = (s.meanJitter * (s.packets - 1) + currentJitter) / s.packets;
        if (!this.minJitterSet || this.jitter < s.minJitter) {
          s.minJitter = this.jitter;
          this.minJitterSet = true;
        }
      }
    }
    if (inTime) {
      this.time = now;
      this.seqTimestamp = extTs;
    }
    this.startSeq = Math.min(this.startSeq, extSeq);
    this.stopSeq = Math.max(this.stopSeq, extSeq);
    s.packets++;
    if ((flags & (F_WRONG_SEQ | F_WRONG_TIMESTAMP)) !== 0) s.problem = true;
    this.finish();
  }

  private finish(): void {
    const s = this.stats;
    s.expected = this.stopSeq - this.startSeq + 1;
    s.lost = s.expected - s.packets;
    s.lostPercent = s.expected > 0 ? (s.lost * 100) / s.expected : 0;
  }
}

/** Accumulates packets into streams keyed by source, destination and SSRC (tshark's rtpstream_id). */
export class RtpStreamAnalyzer {
  private readonly byKey = new Map<string, StreamState>();

  add(p: RtpPacketInfo): void {
    const key = `${p.src}|${p.sport}|${p.dst}|${p.dport}|${p.ssrc}`;
    let st = this.byKey.get(key);
    if (st === undefined) this.byKey.set(key, (st = new StreamState(p)));
    st.add(p);
  }

  /** Streams in order of their first packet. */
  streams(): RtpStreamStats[] {
    return [...this.byKey.values()].map((s) => s.stats);
  }
}

export interface AnalyzeOptions {
  /** Also count UDP payloads that look like RTP without an SDP announcement (tshark -o rtp.heuristic_rtp:TRUE). */
  heuristic?: boolean;
}

/**
 * Runs the analysis over an indexed capture (after `runToEnd`). Times are relative to the capture's first
 * packet, like tshark's Start/End columns.
 */
export function analyzeRtpStreams(capture: CaptureIndex, opts: AnalyzeOptions = {}): RtpStreamStats[] {
  const heuristic = opts.heuristic ?? false;
  const access = new PacketAccess(capture);
  const analyzer = new RtpStreamAnalyzer();
  const store = capture.store;
  const udp = protocolNames.id('UDP');
  const state = capture.appState.get(RTP_STATE_KEY);
  const media = state instanceof RtpMedia ? state : null;
  const before = media?.heuristic ?? false;
  if (media !== null) media.heuristic = heuristic;
  const h: RtpHeader = { marker: false, pt: 0, seq: 0, timestamp: 0, ssrc: 0, payloadOff: 0, payloadEnd: 0 };
  const t0 = capture.firstSec + capture.firstNsec / 1e9;
  try {
    for (let i = 0; i < store.count; i++) {
      const proto = store.proto[i] as number;
      if (proto !== PROTO_RTP && proto !== PROTO_RTP_EVENT && !(heuristic && proto === udp)) continue;
      const d = access.dissect(i, MODE_INDEX);
      if (d.protocol !== PROTO_RTP && d.protocol !== PROTO_RTP_EVENT) continue;
      if (!readRtpHeader(d.buf, d.payloadOff, d.payloadEnd, h)) continue;
      const setup = media?.lookup(d) ?? null;
      const map = payloadMapOf(setup, h.pt);
      analyzer.add({
        frame: i + 1,
        time: d.frame.tsSec + d.frame.tsNsec / 1e9 - t0,
        src: addrText(d, d.netSrc),
        sport: d.sport,
        dst: addrText(d, d.netDst),
        dport: d.dport,
        ssrc: h.ssrc,
        pt: h.pt,
        seq: h.seq,
        timestamp: h.timestamp,
        marker: h.marker,
        encoding: map?.name ?? '',
        rate: map?.rate ?? 0,
        setupFrame: setup?.frame ?? 0,
        callId: setup?.callId ?? '',
      });
    }
  } finally {
    if (media !== null) media.heuristic = before;
  }
  return analyzer.streams();
}

function addrText(d: Dissection, a: Uint8Array): string {
  if (d.netType === NET_IPV4) return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
  if (d.netType !== NET_IPV6) return '';
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((a[i] as number) << 8) | (a[i + 1] as number)).toString(16));
  // RFC 5952: the longest run of zero groups (two or more) becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
