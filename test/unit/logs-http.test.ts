/**
 * http.log against tshark's recorded fields: each request frame's methods, URIs and hosts (several per frame
 * when pipelined), and each final response's status code on the record of the request tshark paired it with.
 */
import { describe, expect, it } from 'vitest';
import { buildHttpLog } from '../../main/engine/logs/http-log';
import { LogSource } from '../../main/engine/logs/log-source';
import { protocolNames } from '../../main/engine/dissect/protocols-registry';
import { fixtures, hasOracle, indexOf, list, oracle } from './logs-helpers';

const CAPTURES = fixtures('http', 'mixed-', 'vlan-8021q-http', 'vlan-qinq-http', 'link-null-loopback-http', 'link-rawip-ipv6-http', 'fmt-pcap-be-nsec-http').filter((c) =>
  hasOracle(c, 'app'),
);

describe('http log', () => {
  it('has fixtures to check', () => expect(CAPTURES.length).toBeGreaterThanOrEqual(5));

  for (const capture of CAPTURES) {
    it(capture, () => {
      const index = indexOf(capture);
      const log = buildHttpLog(new LogSource(index));
      const tshark = oracle(capture, 'app');
      // Requests: ours grouped by the frame that carried them, in message order.
      const ours = new Map<number, { method: string | null; uri: string | null; host: string | null }[]>();
      log.records.forEach((r, k) => {
        const frame = log.evidence[k]?.frames[0] as number;
        if (r.method === null) return;
        const l = ours.get(frame) ?? [];
        l.push({ method: r.method, uri: r.uri, host: r.host });
        ours.set(frame, l);
      });
      let requests = 0;
      for (const [frame, row] of tshark) {
        const methods = list(row, 'http.request.method');
        // SSDP (HTTP over UDP) has no decoder here: not an HTTP transaction.
        if (methods.length === 0 || row.get('_ws.col.Protocol') === 'SSDP') continue;
        requests += methods.length;
        const mine = ours.get(frame) ?? [];
        expect(mine.map((m) => m.method), `methods of frame ${frame}`).toEqual(methods);
        // URIs may contain commas (tshark joins values with commas too): compare the joined text.
        expect(mine.map((m) => m.uri).join(','), `URIs of frame ${frame}`).toBe(row.get('http.request.uri'));
        const hosts = list(row, 'http.host');
        expect(mine.filter((m) => m.host !== null).map((m) => m.host), `hosts of frame ${frame}`).toEqual(hosts);
      }
      expect(log.records.filter((r) => r.method !== null).length).toBe(requests);

      // Final responses: (request frame, status) pairs as tshark matched them.
      // Only responses the HTTP decoder produced: one framed by the connection's close is not decoded yet
      // (http.ts: a message without length waits for more data), which is the decoder's business, not the log's.
      const decoded = (frame: number): boolean => protocolNames.name(index.store.proto[frame - 1] as number).startsWith('HTTP');
      const expected: string[] = [];
      for (const [frame, row] of tshark) {
        if (!decoded(frame)) continue;
        const codes = list(row, 'http.response.code').map(Number).filter((c) => c >= 200);
        const from = list(row, 'http.request_in');
        codes.forEach((c, k) => {
          if (from[k] !== undefined) expected.push(`${from[k]}:${c}`);
        });
      }
      const got: string[] = [];
      log.records.forEach((r, k) => {
        if (r.method !== null && r.status_code !== null) got.push(`${log.evidence[k]?.frames[0]}:${r.status_code}`);
      });
      expect(got.sort()).toEqual(expected.sort());
    });
  }

  it('keeps pipelined requests in order with their depth, and 100 Continue as info_code', () => {
    const piped = buildHttpLog(new LogSource(indexOf('http-pipelined__zeek__pipelined-requests.pcap')));
    const depths = piped.records.filter((r) => r.uid === piped.records[0]?.uid).map((r) => r.trans_depth);
    expect(depths).toEqual(depths.map((_, k) => k + 1));
    expect(piped.records.every((r) => r.status_code === 200)).toBe(true);
    const cont = buildHttpLog(new LogSource(indexOf('http-100-continue__zeek__100-continue.pcap')));
    expect(cont.records).toHaveLength(1);
    expect(cont.records[0]).toMatchObject({ method: 'POST', status_code: 200, info_code: 100, info_msg: 'Continue', version: '1.1', resp_mime_types: ['text/html'] });
  });
});
