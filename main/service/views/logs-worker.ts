/**
 * The logs worker: builds and serves the protocol logs of one capture file off the engine's thread. Building a
 * log re-dissects every DNS/HTTP/TLS/SIP packet in tree mode (about a minute for the DNS log of a million-packet
 * capture), which would stall every other request if it ran in the engine worker.
 *
 * It keeps its own index of the file (the same pass as the engine's, with session enrichment for the apps log),
 * so session ids and frame numbers are the engine's; a live capture's file is followed and read further on each
 * request.
 *
 * workerData: { path: string, follow: boolean }. Messages: LogsWorkerRequest in, LogsWorkerReply out (one reply
 * per request, in order).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CaptureIndex } from '../../engine/capture/capture-index';
import { sharedRules } from '../../engine/classify/load-rules';
import { GeoResolver } from '../../engine/geo/geo-resolver';
import { readGeoSettings } from '../../engine/geo/geo-settings';
import { openCapture } from '../../engine/readers/open';
import { SessionEnrichment } from '../../engine/sessions/session-enrichment';
import { LogStore, LogStoreError, type LogCapture } from './logs-store';
import type { LogsWorkerReply, LogsWorkerRequest } from './logs-host';

/** The worker's own index of the file, read up to its current end on each refresh. */
function fileCapture(path: string, follow: boolean): LogCapture {
  const reader = openCapture(path, { follow });
  const enrich = new SessionEnrichment({ rules: sharedRules(), geo: new GeoResolver(readGeoSettings()) });
  const index = new CaptureIndex(reader, { enrich });
  let finished = false;
  return {
    index,
    refresh() {
      if (finished) return;
      while (index.step(65536) > 0) {
        /* read what is there */
      }
      if (!follow) {
        index.finish();
        finished = true;
      }
    },
  };
}

if (parentPort) {
  const port = parentPort;
  const data = workerData as { path: string; follow: boolean };
  let store: LogStore | null = null;
  let openError: string | null = null;
  try {
    store = new LogStore(fileCapture(data.path, data.follow));
  } catch (err) {
    openError = err instanceof Error ? err.message : String(err);
  }
  port.on('message', (m: LogsWorkerRequest) => {
    let reply: LogsWorkerReply;
    try {
      if (store === null) throw new LogStoreError('failed', `logs: cannot read ${data.path}: ${openError ?? 'unknown error'}`);
      const q = { kind: m.params.kind, search: m.params.search, filter: m.params.filter, sort: m.params.sort };
      const result = m.op === 'rows' ? store.rows(q, m.params.start, m.params.count, m.growing) : { written: store.export(q, m.params.format, m.params.out) };
      reply = { id: m.id, ok: true, result };
    } catch (err) {
      const code = err instanceof LogStoreError ? err.code : 'failed';
      reply = { id: m.id, ok: false, code, message: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply);
  });
}
