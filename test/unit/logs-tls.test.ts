/**
 * The TLS log against tshark's recorded fields, per session: the ClientHello's SNI, ALPN list and JA3, the
 * ServerHello's JA3S and selected ALPN; every session where tshark saw a ClientHello has a record.
 */
import { describe, expect, it } from 'vitest';
import { LogSource } from '../../main/engine/logs/log-source';
import { buildTlsLog } from '../../main/engine/logs/tls-log';
import { fixtures, hasOracle, indexOf, list, oracle } from './logs-helpers';

const CAPTURES = fixtures('tls', 'quic-', 'mixed-', 'link-sll2-tls').filter((c) => hasOracle(c, 'fields'));

describe('tls log', () => {
  it('has fixtures to check', () => expect(CAPTURES.length).toBeGreaterThanOrEqual(8));

  for (const capture of CAPTURES) {
    it(capture, () => {
      const index = indexOf(capture);
      const log = buildTlsLog(new LogSource(index));
      const tshark = oracle(capture, 'fields');
      const bySession = new Map<number, (typeof log.records)[number]>();
      log.records.forEach((r, k) => bySession.set(log.evidence[k]?.sessions[0] as number, r));
      const seenClient = new Set<number>();
      const seenServer = new Set<number>();
      for (const [frame, row] of tshark) {
        const types = list(row, 'tls.handshake.type');
        const sid = index.store.session[frame - 1] as number;
        if (types.includes('1') && !seenClient.has(sid)) {
          seenClient.add(sid);
          const rec = bySession.get(sid);
          expect(rec, `session of ClientHello frame ${frame}`).toBeDefined();
          expect(rec?.server_name ?? '', `SNI, frame ${frame}`).toBe(row.get('tls.handshake.extensions_server_name'));
          expect(rec?.ja3 ?? '', `JA3, frame ${frame}`).toBe(list(row, 'tls.handshake.ja3')[0] ?? '');
          // A frame with only a ClientHello: its ALPN values are the client's list.
          if (types.every((t) => t === '1')) expect(rec?.client_alpn.join(',')).toBe(row.get('tls.handshake.extensions_alpn_str'));
        }
        if (types.includes('2') && !seenServer.has(sid) && seenClient.has(sid)) {
          seenServer.add(sid);
          const rec = bySession.get(sid);
          expect(rec?.established, `ServerHello frame ${frame}`).toBe(true);
          expect(rec?.ja3s ?? '', `JA3S, frame ${frame}`).toBe(list(row, 'tls.handshake.ja3s')[0] ?? '');
          // Where tshark had the session keys (a pcapng with a decryption secrets block) it also read the
          // encrypted EncryptedExtensions (type 8), whose ALPN nothing here can see.
          if (!types.includes('1') && !types.includes('8')) expect(rec?.next_protocol ?? '', `ALPN, frame ${frame}`).toBe(row.get('tls.handshake.extensions_alpn_str'));
        }
      }
      // No session without a handshake message, and no ServerHello we invented.
      expect(log.records.filter((r) => r.server_name !== null || r.ja3 !== null).length).toBe(seenClient.size);
      expect(log.records.filter((r) => r.established).length).toBeGreaterThanOrEqual(seenServer.size);
    });
  }

  it('reads the server certificate of a TLS 1.2 handshake', () => {
    const log = buildTlsLog(new LogSource(indexOf('tls12-handshake-sni__zeek__tls12-decryption.pcap')));
    expect(log.records).toHaveLength(1);
    expect(log.records[0]).toMatchObject({
      uid: 'S0',
      proto: 'tcp',
      'id.orig_h': '192.168.100.70',
      'id.resp_p': 443,
      version: 'TLSv12',
      cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      server_name: 'heise.de',
      next_protocol: 'http/1.1',
      client_version: 'TLSv13',
      client_alpn: ['h2', 'http/1.1'],
      established: true,
      subject: 'CN=heise.de',
      issuer: "O=Let's Encrypt, CN=R3",
    });
    expect(log.records[0]?.ja4).toMatch(/^t13d/);
  });

  it('logs QUIC handshakes with proto udp', () => {
    const log = buildTlsLog(new LogSource(indexOf('quic-v1-chromium-sni__zeek__chromium-115.0.5790.110-api-cirrus-com.pcap')));
    expect(log.records[0]).toMatchObject({ proto: 'udp', server_name: 'api.cirrus-ci.com', version: 'TLSv13', established: true, client_alpn: ['h3'] });
    expect(log.records[0]?.ja4).toMatch(/^q13/);
  });
});
