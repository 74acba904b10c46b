/**
 * The split as one JSON document, streamed session by session:
 *
 *   {"source": "trace.pcap", "sessions": [
 *     {"id": 0, "protocol": "tcp", "a": {"ip": "10.0.0.1", "port": 51000}, "b": {"ip": "10.0.0.2", "port": 443},
 *      "app": "…", "category": "…", "sni": "…", "first": 1081889803.830079000, "last": 1081889804.1,
 *      "timestamps": [1081889803.830079000, …], "lengths": [74, -74, …], "payloads": ["", "FgMB…", …]}, …]}
 *
 * `id`, protocol, endpoints, app, category and sni are the session table's (`wirelens sessions --json`); `a`
 * is the initiator. Times are epoch seconds written with all nine fractional digits as JSON number literals
 * (exact in the text; a reader parsing them into doubles keeps about microseconds). `lengths` are frame
 * lengths on the wire, positive from a to b and negative from b to a; `payloads` (optional) are base64
 * transport payloads (see payloads.ts). Only the session's own packets are listed, as the table counts them
 * (IP fragments that did not complete a datagram are in the session's capture file but not here).
 */
import * as path from 'node:path';
import type { CaptureIndex } from '../capture/capture-index';
import { protoName } from '../export/session-rows';
import type { TextSink } from '../export/text-sink';
import type { SessionEnrichment } from '../sessions/session-enrichment';
import { SF_DIR_BA } from '../store/packet-store';
import type { Pacer } from './pacer';
import { PayloadReader } from './payloads';
import type { SplitPlan } from './split-plan';

export interface SplitJsonOptions {
  /** The capture's path; the document names only its file name. */
  source: string;
  payloads: boolean;
  enrich: SessionEnrichment | null;
}

export interface SplitJsonResult {
  sessions: number;
  packets: number;
}

export async function writeSplitJson(index: CaptureIndex, plan: SplitPlan, opts: SplitJsonOptions, out: TextSink, pacer: Pacer): Promise<SplitJsonResult> {
  const payloads = opts.payloads ? new PayloadReader(index) : null;
  const e = opts.enrich;
  const ep = index.endpoints;
  const result: SplitJsonResult = { sessions: 0, packets: 0 };
  out.write(`{"source":${JSON.stringify(path.basename(opts.source))},"sessions":[`);
  const units = plan.unitSession.length;
  for (let u = 0; u < units; u++) {
    const sid = plan.unitSession[u] as number;
    if (sid < 0) continue;
    await pacer.tick();
    const s = index.sessions;
    const store = index.store;
    const from = plan.unitStart[u] as number;
    const to = plan.unitStart[u + 1] as number;
    out.write(result.sessions === 0 ? '\n' : ',\n');
    out.write(
      `{"id":${sid},"protocol":"${protoName(s.proto[sid] as number)}",` +
        `"a":{"ip":${JSON.stringify(ep.format(s.epA[sid] as number))},"port":${s.portA[sid]}},` +
        `"b":{"ip":${JSON.stringify(ep.format(s.epB[sid] as number))},"port":${s.portB[sid]}},` +
        `"app":${JSON.stringify(e?.app(sid) ?? '')},"category":${JSON.stringify(e?.category(sid) ?? '')},"sni":${JSON.stringify(e?.name(sid) ?? '')},` +
        `"first":${epoch(s.firstSec[sid] as number, s.firstNsec[sid] as number)},"last":${epoch(s.lastSec[sid] as number, s.lastNsec[sid] as number)},`,
    );
    // Three passes over the unit's packets (timestamps, lengths, payloads) keep each array one stream of text.
    let sep = '';
    out.write('"timestamps":[');
    for (let k = from; k < to; k++) {
      const i = plan.order[k] as number;
      if (store.session[i] !== sid) continue;
      out.write(sep + epoch(store.tsSec[i] as number, store.tsNsec[i] as number));
      sep = ',';
      result.packets++;
    }
    sep = '';
    out.write('],"lengths":[');
    for (let k = from; k < to; k++) {
      const i = plan.order[k] as number;
      if (store.session[i] !== sid) continue;
      const len = store.len[i] as number;
      out.write(sep + (((store.flags[i] as number) & SF_DIR_BA) !== 0 ? -len : len));
      sep = ',';
    }
    out.write(']');
    if (payloads !== null) {
      sep = '';
      out.write(',"payloads":[');
      for (let k = from; k < to; k++) {
        const i = plan.order[k] as number;
        if (store.session[i] !== sid) continue;
        const p = payloads.payload(i);
        out.write(`${sep}"${Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('base64')}"`);
        sep = ',';
      }
      out.write(']');
    }
    out.write('}');
    result.sessions++;
  }
  out.write(result.sessions === 0 ? ']}\n' : '\n]}\n');
  out.flush();
  return result;
}

/** Epoch seconds as an exact JSON number literal with nine fractional digits. */
function epoch(sec: number, nsec: number): string {
  return `${sec}.${String(nsec).padStart(9, '0')}`;
}
