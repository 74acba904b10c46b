/**
 * One `flows` row per session of an indexed capture, in FLOWS column order (see schema.ts), built on demand
 * so an import holds one batch of rows at a time.
 */
import type { CaptureIndex } from '../capture/capture-index';
import { EV_DNS, EV_NAME, EV_PAYLOAD, EV_PORT, type SessionEnrichment } from '../sessions/session-enrichment';
import { STATE_NAMES, TS_HANDSHAKE } from '../sessions/session-table';
import type { TlsRecord, LogTable } from '../logs';
import type { DbValue } from './flow-db';
import { FlowPackets } from './flow-packets';
import { FLOWS, insertColumns } from './schema';

const PROTO_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'esp', 58: 'icmpv6', 132: 'sctp' };
const EVIDENCE_NAMES: Record<number, string> = { [EV_PORT]: 'port', [EV_DNS]: 'dns', [EV_PAYLOAD]: 'payload', [EV_NAME]: 'name' };

/** What a flow row takes from the TLS log (one record per TLS/QUIC session). */
interface TlsFacts {
  sni: string | null;
  ja3: string | null;
  ja3s: string | null;
  ja4: string | null;
  version: string | null;
}

export class FlowRows {
  private readonly packets: FlowPackets;
  private readonly tls = new Map<number, TlsFacts>();
  private readonly columns = insertColumns(FLOWS).map((c) => c.name);

  constructor(
    private readonly index: CaptureIndex,
    private readonly enrich: SessionEnrichment | null,
    tlsLog: LogTable<TlsRecord> | null,
    private readonly label: string | null,
  ) {
    this.packets = new FlowPackets(index.store, index.sessions);
    if (tlsLog !== null) {
      tlsLog.records.forEach((rec, k) => {
        const sid = tlsLog.evidence[k]?.sessions[0];
        if (sid === undefined || this.tls.has(sid)) return;
        this.tls.set(sid, { sni: rec.server_name, ja3: rec.ja3, ja3s: rec.ja3s, ja4: rec.ja4, version: rec.version });
      });
    }
  }

  get count(): number {
    return this.index.sessions.count;
  }

  /** The row of session `sid` for trace `traceId`, in insertColumns(FLOWS) order. */
  row(traceId: number, sid: number): DbValue[] {
    const s = this.index.sessions;
    const ep = this.index.endpoints;
    const e = this.enrich;
    const proto = s.proto[sid] as number;
    const start = (s.firstSec[sid] as number) + (s.firstNsec[sid] as number) / 1e9;
    const end = (s.lastSec[sid] as number) + (s.lastNsec[sid] as number) / 1e9;
    const durNs = ((s.lastSec[sid] as number) - (s.firstSec[sid] as number)) * 1e9 + ((s.lastNsec[sid] as number) - (s.firstNsec[sid] as number));
    const tls = this.tls.get(sid);
    const epA = s.epA[sid] as number;
    const epB = s.epB[sid] as number;
    const values: Record<string, DbValue> = {
      trace_id: traceId,
      flow_no: sid,
      proto,
      proto_name: PROTO_NAMES[proto] ?? `ip-${proto}`,
      stream: s.protoIndex[sid] as number,
      addr_a: ep.format(epA),
      port_a: s.portA[sid] as number,
      addr_b: ep.format(epB),
      port_b: s.portB[sid] as number,
      start_time: start,
      end_time: end,
      duration: durNs / 1e9,
      first_frame: s.firstPacket[sid] as number,
      last_frame: s.lastPacket[sid] as number,
      packets_ab: s.pktsAB[sid] as number,
      bytes_ab: s.bytesAB[sid] as number,
      packets_ba: s.pktsBA[sid] as number,
      bytes_ba: s.bytesBA[sid] as number,
      state: STATE_NAMES[s.state[sid] as number] ?? 'new',
      handshake: proto === 6 && ((s.tcpEvents[sid] as number) & TS_HANDSHAKE) !== 0 ? 1 : 0,
      app: e === null ? null : orNull(e.app(sid)),
      category: e === null ? null : orNull(e.category(sid)),
      app_evidence: e === null ? null : (EVIDENCE_NAMES[e.evidence(sid)] ?? null),
      host_name: e === null ? null : orNull(e.name(sid)),
      sni: tls?.sni ?? null,
      ja3: tls?.ja3 ?? null,
      ja3s: tls?.ja3s ?? null,
      ja4: tls?.ja4 ?? null,
      tls_version: tls?.version ?? null,
      country_a: e === null ? null : orNull(e.country(epA)),
      country_b: e === null ? null : orNull(e.country(epB)),
      asn_a: e === null ? null : e.asn(epA) || null,
      asn_b: e === null ? null : e.asn(epB) || null,
      label: this.label,
      lengths: this.packets.lengths(sid),
      times_us: this.packets.timesUs(sid),
    };
    return this.columns.map((c) => values[c] ?? null);
  }
}

function orNull(s: string): string | null {
  return s === '' ? null : s;
}
