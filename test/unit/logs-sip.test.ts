/**
 * sip.log. Until the SIP decoder is in the build the log must refuse with "not available yet" (first test);
 * once it registers its fields the same file checks methods, Call-IDs and final status codes against
 * tshark's recorded fields, so landing the decoder switches this test over by itself.
 */
import { describe, expect, it } from 'vitest';
import { buildLog, logUnavailable, LogUnavailableError } from '../../main/engine/logs';
import { LogSource } from '../../main/engine/logs/log-source';
import { buildSipLog, sipAvailable } from '../../main/engine/logs/sip-log';
import { fixtures, hasOracle, indexOf, list, oracle } from './logs-helpers';

const CAPTURES = fixtures('sip-', 'link-rawip4-228-sip').filter((c) => hasOracle(c, 'fields'));
const available = sipAvailable() === null;
if (available) console.log('logs-sip: the "not available yet" case is skipped: the SIP decoder is in the build');

describe('sip log', () => {
  it.skipIf(available)('says it is not available yet while the SIP decoder is missing', () => {
    expect(logUnavailable('sip')).toMatch(/SIP decoder/);
    const index = indexOf(CAPTURES[0] as string);
    expect(() => buildLog('sip', index)).toThrow(LogUnavailableError);
    expect(() => buildLog('sip', index)).toThrow(/sip log: not available yet: /);
  });

  for (const capture of CAPTURES) {
    it.runIf(available)(capture, () => {
      const index = indexOf(capture);
      const log = buildSipLog(new LogSource(index));
      const tshark = oracle(capture, 'fields');
      const requests = new Set<string>();
      const finals = new Map<string, number>();
      for (const [frame, row] of tshark) {
        const sid = index.store.session[frame - 1] as number;
        const callIds = list(row, 'sip.Call-ID');
        const methods = list(row, 'sip.Method');
        const codes = list(row, 'sip.Status-Code');
        const cseqs = list(row, 'sip.CSeq');
        methods.forEach((m, k) => requests.add(`${callIds[k]}|${m}`));
        codes.forEach((c, k) => {
          const key = `${sid}|${callIds[methods.length + k] ?? callIds[k]}|${cseqs[methods.length + k] ?? cseqs[k]}`;
          // The outcome: the last final response, else the last provisional one.
          const prev = finals.get(key);
          if (prev === undefined || Number(c) >= 200 || prev < 200) finals.set(key, Number(c));
        });
      }
      expect(new Set(log.records.filter((r) => r.method !== null).map((r) => `${r.call_id}|${r.method}`))).toEqual(requests);
      log.records.forEach((r, k) => {
        const want = finals.get(`${log.evidence[k]?.sessions[0]}|${r.call_id}|${r.seq}`);
        if (want !== undefined) expect(r.status_code, `${r.call_id} ${r.seq}`).toBe(want);
      });
    });
  }
});
