/**
 * The index pass: reads packets in file order, dissects each in INDEX mode (or SUMMARY when a consumer
 * wants text), assigns sessions, and appends the fixed-width columns to the store. Works in steps so a
 * worker can report progress, follow a growing file and stay cancellable.
 */
import '../classify/filter-fields'; // app, app.category, geo.country, geo.asn in display filters
import type { CaptureReader, PacketRecord } from '../readers/record';
import { Dissection, Defragmenter, FieldScope, MODE_INDEX, MODE_TREE, NET_IPV4, NET_IPV6 } from '../dissect/dissection';
import { dissectFrame } from '../dissect/frame';
import { PacketStore, SF_DIR_BA, SF_HAS_PORTS } from '../store/packet-store';
import { EndpointTable, EP_IPV4, EP_IPV6, EP_MAC, EP_OTHER } from '../store/endpoints';
import { DEFAULT_TIMEOUTS, IdleTimeouts, SessionTable } from '../sessions/session-table';
import { SessionTracker } from '../sessions/session-tracker';
import { IpDefragmenter } from '../dissect/protocols/defrag';
import { createAppState } from '../dissect/protocols/dns-transactions';
import { RS_SHIFT, TA_FLAGS_MASK } from '../dissect/protocols/tcp-analysis';
import { TcpReassembler } from '../sessions/tcp-reassembly';
import { OWNER_MASK, Partitioner, SHARED } from './partition';

/** A consumer fed every packet right after dissection (session enrichment: app classification, GeoIP). */
export interface PacketEnricher {
  attach(index: CaptureIndex): void;
  /** `rec` is the packet's record (valid during the call only), for consumers that need more than `d`. */
  onPacket(d: Dissection, rec: PacketRecord): void;
  finish(): void;
}

export interface IndexOptions {
  timeouts?: IdleTimeouts;
  /** Dissection mode for the pass (MODE_INDEX unless a consumer wants Info text as it goes). */
  mode?: number;
  /** Called after each packet is dissected and stored (e.g. the CLI printing rows as it reads). */
  onPacket?: (d: Dissection, rec: PacketRecord, index: number) => void;
  /** IP reassembly state (default: a new IpDefragmenter); null dissects fragments one by one. */
  defrag?: Defragmenter | null;
  /** Keep no per-packet columns (a pure streaming consumer such as `list`). */
  noStore?: boolean;
  /** TCP stream reassembly state (default: a new TcpReassembler); null decodes only messages inside one segment. */
  streams?: TcpReassembler | null;
  /** Session enrichment run per packet after dissection (see sessions/session-enrichment.ts). */
  enrich?: PacketEnricher;
  /** More per-packet consumers run after `enrich` (statistics accumulators riding the same pass). */
  also?: readonly PacketEnricher[];
  /**
   * With mode MODE_TREE: build only these fields (Dissection.want), plus the Info text. A streaming filter
   * (`list -Y`) then decides and prints each packet from the pass's own dissection.
   */
  want?: FieldScope | null;
  /**
   * One of several workers sharing the file (see capture/partition.ts): only packets this worker owns are
   * dissected and given to `onPacket`, plus the shared ones every worker dissects for their state. The store
   * still holds a row for every packet (frame numbers, times and lengths), so its indexes stay packet numbers.
   */
  partition?: { index: number; partitioner: Partitioner } | null;
  /**
   * Dissect no application layer and keep no TCP reassembly (Dissection.transportOnly): for consumers of the
   * sessions alone. Re-dissections through PacketAccess then lack the application state of this pass.
   */
  transportOnly?: boolean;
  /** Called with every record read, before any dissection (also for packets another worker owns). */
  onRecord?: (rec: PacketRecord) => void;
}

export class CaptureIndex {
  readonly store = new PacketStore();
  readonly endpoints = new EndpointTable();
  readonly sessions: SessionTable;
  readonly tracker: SessionTracker;
  /** The pass's reassembly state; it remembers which frames made up each datagram for on-demand replay. */
  readonly defrag: Defragmenter | null;
  /**
   * Cross-packet application state (DNS/HTTP transactions, TLS/QUIC connections), learnt in file order by this
   * pass and read again by on-demand re-dissections.
   */
  readonly appState = createAppState();
  /** The pass's TCP reassembly; it records what each frame decoded for on-demand replay. */
  readonly streams: TcpReassembler | null;
  readonly enrichment: PacketEnricher | null;
  /** `enrich` then `also`, in that order: every consumer fed each packet. */
  private readonly consumers: readonly PacketEnricher[];
  private readonly d = new Dissection();
  private readonly mode: number;
  private readonly onPacket: IndexOptions['onPacket'];
  private readonly noStore: boolean;
  private readonly partition: IndexOptions['partition'];
  private readonly onRecord: IndexOptions['onRecord'];
  packets = 0;
  bytes = 0;
  firstSec = 0;
  firstNsec = 0;
  lastSec = 0;
  lastNsec = 0;

  constructor(
    readonly reader: CaptureReader,
    opts: IndexOptions = {},
  ) {
    this.sessions = new SessionTable(opts.timeouts ?? DEFAULT_TIMEOUTS);
    this.tracker = new SessionTracker(this.sessions, this.endpoints);
    this.mode = opts.mode ?? MODE_INDEX;
    this.onPacket = opts.onPacket;
    this.noStore = opts.noStore ?? false;
    this.partition = opts.partition ?? null;
    this.onRecord = opts.onRecord;
    this.d.hooks = this.tracker;
    const d = this.d;
    if (this.mode >= MODE_TREE && opts.want) {
      d.want = opts.want;
      d.wantTextToo = true;
    }
    this.defrag = opts.defrag !== undefined ? opts.defrag : new IpDefragmenter({ clock: () => d.frame.tsSec + d.frame.tsNsec / 1e9 });
    d.defrag = this.defrag;
    d.appState = this.appState;
    d.transportOnly = opts.transportOnly ?? false;
    this.streams = d.transportOnly ? null : opts.streams !== undefined ? opts.streams : new TcpReassembler({ record: !this.noStore });
    d.streams = this.streams;
    this.enrichment = opts.enrich ?? null;
    this.consumers = [...(this.enrichment !== null ? [this.enrichment] : []), ...(opts.also ?? [])];
    // The names decoders note (SNI, HTTP Host, DNS answers) feed the enrichment alone.
    d.noteAppNames = this.enrichment !== null;
    for (const c of this.consumers) c.attach(this);
  }

  /** Indexes up to `max` more packets; returns how many were read (0: no more data for now). */
  step(max = 65536): number {
    const d = this.d;
    const reader = this.reader;
    let n = 0;
    while (n < max) {
      const rec = reader.next();
      if (rec === null) break;
      n++;
      if (this.onRecord) this.onRecord(rec);
      let mine = true;
      if (this.partition) {
        const owner = this.partition.partitioner.ownerOf(rec.data, rec.linkType);
        mine = (owner & OWNER_MASK) === this.partition.index;
        if (!mine && (owner & SHARED) === 0) {
          this.account(rec);
          if (!this.noStore) this.appendOthers(rec);
          continue;
        }
      }
      d.reset(rec.data, this.mode);
      const f = d.frame;
      f.number = rec.number;
      f.tsSec = rec.tsSec;
      f.tsNsec = rec.tsNsec;
      f.caplen = rec.caplen;
      f.len = rec.len;
      f.ifId = rec.ifId;
      const iface = reader.interfaces[rec.ifId];
      f.ifIndexInSection = iface ? iface.indexInSection : rec.ifId;
      f.linkType = rec.linkType;
      this.tracker.tcpAnalysis = 0;
      this.streams?.beginFrame();
      dissectFrame(d);
      if (d.sessionId < 0) this.tracker.onNetworkOnly(d);
      // The other direction's data up to this ACK has been received: lets reassembly skip capture gaps.
      if (this.streams !== null && d.ipProto === 6 && d.sessionId >= 0 && (d.tcpFlags & 0x10) !== 0) {
        this.streams.onAck(d.sessionId, d.direction ^ 1, d.tcpAck);
      }
      for (let c = 0; c < this.consumers.length; c++) this.consumers[c]!.onPacket(d, rec);
      this.account(rec);
      const index = this.noStore ? -1 : this.append(rec);
      if (this.onPacket && mine) this.onPacket(d, rec, index);
    }
    return n;
  }

  /** Indexes everything available, then closes the session table (idle sessions become timed out). */
  runToEnd(): void {
    while (this.step() > 0) {
      /* keep reading */
    }
    this.finish();
  }

  finish(): void {
    this.sessions.finish(this.lastSec, this.lastNsec);
    for (const c of this.consumers) c.finish();
  }

  private account(rec: PacketRecord): void {
    if (this.packets === 0) {
      this.firstSec = rec.tsSec;
      this.firstNsec = rec.tsNsec;
    }
    if (rec.tsSec > this.lastSec || (rec.tsSec === this.lastSec && rec.tsNsec > this.lastNsec)) {
      this.lastSec = rec.tsSec;
      this.lastNsec = rec.tsNsec;
    }
    this.packets++;
    this.bytes += rec.len;
  }

  /** The row of a packet another worker dissects: what the record says, no protocol, no session. */
  private appendOthers(rec: PacketRecord): void {
    const s = this.store;
    const i = s.add();
    s.fileOffset[i] = rec.dataOffset;
    s.tsSec[i] = rec.tsSec;
    s.tsNsec[i] = rec.tsNsec;
    s.caplen[i] = rec.caplen;
    s.len[i] = rec.len;
    s.ifId[i] = rec.ifId;
    s.proto[i] = 0;
    s.protos[i] = 0;
    s.flags[i] = 0;
    s.sport[i] = 0;
    s.dport[i] = 0;
    s.session[i] = -1;
    s.analysis[i] = 0;
    s.srcEp[i] = 0;
    s.dstEp[i] = 0;
  }

  private append(rec: PacketRecord): number {
    const d = this.d;
    const s = this.store;
    const i = s.add();
    s.fileOffset[i] = rec.dataOffset;
    s.tsSec[i] = rec.tsSec;
    s.tsNsec[i] = rec.tsNsec;
    s.caplen[i] = rec.caplen;
    s.len[i] = rec.len;
    s.ifId[i] = rec.ifId;
    s.proto[i] = d.protocol;
    s.protos[i] = d.protoMask;
    let flags = d.flags & 0x3fff;
    if (d.sport >= 0 && d.dport >= 0) {
      flags |= SF_HAS_PORTS;
      s.sport[i] = d.sport;
      s.dport[i] = d.dport;
    } else {
      s.sport[i] = 0;
      s.dport[i] = 0;
    }
    if (d.direction === 1) flags |= SF_DIR_BA;
    s.flags[i] = flags;
    s.session[i] = d.sessionId;
    s.analysis[i] = (this.tracker.tcpAnalysis & TA_FLAGS_MASK) | (this.streams !== null ? this.streams.frameState << RS_SHIFT : 0);
    const ep = this.endpoints;
    if (d.netType === NET_IPV4) {
      s.srcEp[i] = ep.intern(EP_IPV4, d.netSrc, 0, 4);
      s.dstEp[i] = ep.intern(EP_IPV4, d.netDst, 0, 4);
    } else if (d.netType === NET_IPV6) {
      s.srcEp[i] = ep.intern(EP_IPV6, d.netSrc, 0, 16);
      s.dstEp[i] = ep.intern(EP_IPV6, d.netDst, 0, 16);
    } else {
      // ARP and non-IP frames: tshark's Source/Destination columns show the link-layer addresses.
      s.srcEp[i] = linkEndpoint(ep, d, d.linkSrcOff);
      s.dstEp[i] = linkEndpoint(ep, d, d.linkDstOff);
    }
    return i;
  }
}

function linkEndpoint(ep: EndpointTable, d: Dissection, off: number): number {
  const len = d.linkAddrLen;
  if (off < 0 || len <= 0 || len > 16 || off + len > d.frameData.length) return 0;
  return ep.intern(len === 6 ? EP_MAC : EP_OTHER, d.frameData, off, len);
}
