/**
 * The session layer's hook into dissection (FlowHooks): when a transport decoder has read addresses and
 * ports, the tracker finds or creates the packet's session, counts it, advances the TCP state, and hands the
 * decoder the base sequence numbers for Wireshark-style relative numbering.
 */
import {
  Dissection,
  FlowHooks,
  NET_IPV4,
  NET_IPV6,
  PF_FRAGMENT,
} from '../dissect/dissection';
import { EndpointTable, EP_IPV4, EP_IPV6 } from '../store/endpoints';
import type { TcpAnalysisHooks } from '../dissect/protocols/tcp-analysis';
import { TcpAnalyzer } from './tcp-analyzer';
import {
  SessionTable,
  ST_CLOSED,
  ST_CLOSING,
  ST_ESTABLISHED,
  ST_MIDSTREAM,
  ST_RESET,
  ST_SYN_RECEIVED,
  ST_SYN_SENT,
  ST_TIMED_OUT,
  TS_FIN_A,
  TS_FIN_B,
  TS_HANDSHAKE,
  TS_RST,
  TS_SYNACK_B,
  TS_SYN_A,
} from './session-table';

const TH_FIN = 0x01;
const TH_SYN = 0x02;
const TH_RST = 0x04;
const TH_ACK = 0x10;

export class SessionTracker implements FlowHooks, TcpAnalysisHooks {
  private readonly out = { dir: 0 };
  /** tcp.analysis state; the current packet's result is in tcpAnalysis / dupAck* (reset by `onTransport`). */
  readonly tcpAnalyzer = new TcpAnalyzer();
  tcpAnalysis = 0;
  dupAckFrame = 0;
  dupAckNum = 0;
  /** Endpoint ids of the current packet's network addresses (valid after `endpointsOf`). */
  srcEp = 0;
  dstEp = 0;

  constructor(
    readonly sessions: SessionTable,
    readonly endpoints: EndpointTable,
  ) {}

  onTransport(d: Dissection): void {
    if (d.inner !== 0) return;
    this.tcpAnalysis = 0;
    if (!this.endpointsOf(d)) return;
    let sport = d.sport;
    let dport = d.dport;
    const proto = d.ipProto;
    if (proto === 1 || proto === 58) {
      // ICMP: echo (and timestamp) by identifier, everything else by type/code.
      if (d.icmpId >= 0) {
        sport = d.icmpId;
        dport = d.icmpId;
      } else {
        sport = ((d.icmpType & 0xff) << 8) | (d.icmpCode & 0xff);
        dport = 0;
      }
    }
    if (sport < 0 || dport < 0) return;
    this.count(d, proto, sport, dport);
  }

  /**
   * For IP packets no transport decoder claimed (GRE, ESP, an unknown protocol): a session per address pair
   * and protocol. Non-final fragments stay outside sessions, as in tshark's conversation tables.
   */
  onNetworkOnly(d: Dissection): void {
    if (d.sessionId >= 0 || d.inner !== 0 || d.ipProto < 0 || (d.flags & PF_FRAGMENT) !== 0) return;
    if (d.ipProto === 6 || d.ipProto === 17 || d.ipProto === 1 || d.ipProto === 58) return; // truncated transport
    if (!this.endpointsOf(d)) return;
    this.count(d, d.ipProto, 0, 0);
  }

  private endpointsOf(d: Dissection): boolean {
    if (d.netType === NET_IPV4) {
      this.srcEp = this.endpoints.intern(EP_IPV4, d.netSrc, 0, 4);
      this.dstEp = this.endpoints.intern(EP_IPV4, d.netDst, 0, 4);
      return true;
    }
    if (d.netType === NET_IPV6) {
      this.srcEp = this.endpoints.intern(EP_IPV6, d.netSrc, 0, 16);
      this.dstEp = this.endpoints.intern(EP_IPV6, d.netDst, 0, 16);
      return true;
    }
    return false;
  }

  private count(d: Dissection, proto: number, sport: number, dport: number): void {
    const s = this.sessions;
    const f = d.frame;
    const tcpFlags = proto === 6 ? d.tcpFlags : 0;
    const id = s.lookup(proto, this.srcEp, sport, this.dstEp, dport, f.tsSec, f.tsNsec, f.number, tcpFlags, this.out);
    const dir = this.out.dir;
    d.sessionId = id;
    d.streamIndex = s.protoIndex[id] as number;
    d.direction = dir;
    if (dir === 0) {
      s.pktsAB[id]++;
      s.bytesAB[id] += f.len;
    } else {
      s.pktsBA[id]++;
      s.bytesBA[id] += f.len;
    }
    // Packets are mostly in time order, but timestamps can go backwards (merged interfaces, clock steps):
    // like tshark's conversations, a session spans its earliest to its latest timestamp, so `first` only moves
    // back and `last` only forward, and duration = last - first covers every packet.
    if (f.tsSec > (s.lastSec[id] as number) || (f.tsSec === s.lastSec[id] && f.tsNsec > (s.lastNsec[id] as number))) {
      s.lastSec[id] = f.tsSec;
      s.lastNsec[id] = f.tsNsec;
    } else if (f.tsSec < (s.firstSec[id] as number) || (f.tsSec === s.firstSec[id] && f.tsNsec < (s.firstNsec[id] as number))) {
      s.firstSec[id] = f.tsSec;
      s.firstNsec[id] = f.tsNsec;
    }
    s.lastPacket[id] = f.number;
    if (proto === 6) this.tcp(d, id, dir);
  }

  private tcp(d: Dissection, id: number, dir: number): void {
    const s = this.sessions;
    const flags = d.tcpFlags;
    let ev = s.tcpEvents[id] as number;
    // Relative sequence numbers as Wireshark computes them: the ISN when the SYN was seen, else one less
    // than the first sequence number seen in that direction (so the first segment shows Seq=1).
    const fwdBase = dir === 0 ? s.baseA : s.baseB;
    const revBase = dir === 0 ? s.baseB : s.baseA;
    if ((fwdBase[id] as number) < 0) fwdBase[id] = (flags & TH_SYN) !== 0 ? d.tcpSeq : (d.tcpSeq - 1) >>> 0;
    if ((revBase[id] as number) < 0 && (flags & TH_ACK) !== 0 && (flags & TH_SYN) === 0) revBase[id] = (d.tcpAck - 1) >>> 0;
    d.tcpSeqBase = fwdBase[id] as number;
    d.tcpAckBase = revBase[id] as number;

    // Window scaling applies only when both SYNs carried the option (RFC 7323), as Wireshark computes it.
    if ((flags & TH_SYN) !== 0) {
      const ws = d.tcpWsOption >= 0 ? d.tcpWsOption : -2;
      if (dir === 0) s.wsA[id] = ws;
      else s.wsB[id] = ws;
    }
    const wsA = s.wsA[id] as number;
    const wsB = s.wsB[id] as number;
    d.tcpWinScale = wsA === -1 || wsB === -1 ? -1 : wsA === -2 || wsB === -2 ? -2 : dir === 0 ? wsA : wsB;

    let st = s.state[id] as number;
    if ((flags & TH_RST) !== 0) {
      ev |= TS_RST;
      st = ST_RESET;
    } else if ((flags & (TH_SYN | TH_ACK)) === TH_SYN) {
      if (dir === 0) ev |= TS_SYN_A;
      if (st === 0) st = ST_SYN_SENT;
    } else if ((flags & (TH_SYN | TH_ACK)) === (TH_SYN | TH_ACK)) {
      if (dir === 1) ev |= TS_SYNACK_B;
      if (st === 0 || st === ST_SYN_SENT) st = ST_SYN_RECEIVED;
      // The SYN/ACK fixes the responder's ISN even when an earlier packet guessed it.
      revBase[id] = (d.tcpAck - 1) >>> 0;
      fwdBase[id] = d.tcpSeq;
      d.tcpSeqBase = d.tcpSeq;
      d.tcpAckBase = revBase[id] as number;
    } else {
      if (st === ST_SYN_RECEIVED && dir === 0 && (flags & TH_ACK) !== 0) {
        st = ST_ESTABLISHED;
        if ((ev & (TS_SYN_A | TS_SYNACK_B)) === (TS_SYN_A | TS_SYNACK_B)) ev |= TS_HANDSHAKE;
      } else if (st === 0) {
        st = ST_MIDSTREAM;
      }
      if ((flags & TH_FIN) !== 0 && st !== ST_RESET) {
        ev |= dir === 0 ? TS_FIN_A : TS_FIN_B;
        st = (ev & (TS_FIN_A | TS_FIN_B)) === (TS_FIN_A | TS_FIN_B) ? ST_CLOSED : ST_CLOSING;
      }
    }
    if (st === ST_TIMED_OUT) st = ST_MIDSTREAM;
    s.state[id] = st;
    s.tcpEvents[id] = ev;

    const a = this.tcpAnalyzer;
    this.tcpAnalysis = a.analyze(d, id, dir);
    this.dupAckFrame = a.lastDupAckFrame;
    this.dupAckNum = a.lastDupAckNum;
  }
}

