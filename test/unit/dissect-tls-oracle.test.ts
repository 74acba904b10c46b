/**
 * TLS and QUIC decoders against tshark 4.0 (test/fixtures/oracle/<capture>.fields.tsv): per packet, the
 * handshake types, SNI, ALPN, JA3, JA3S, QUIC versions, and the Protocol and Info columns of every packet
 * either side calls TLS/SSL/QUIC. Whole captures go through dissectFrame with session hooks and an appState
 * map, as in an engine pass, in TREE and SUMMARY modes (which must agree).
 *
 * Pending, not skipped: TCP segments whose payload is not a run of whole TLS records need the stream
 * layer's reassembly (being finished by the TCP owner): those that differ from tshark are listed with the
 * reason and their differences; every other packet must match. Once reassembly lands the list empties.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODE_SUMMARY, MODE_TREE } from '../../main/engine/dissect/dissection';
import { readCapture, readOracle } from './helpers/pcap-lite';
import { collect, decodeFrames, type Decoded } from './dissect-tls-helpers';

const FIX = join(__dirname, '..', 'fixtures');
const CAPTURES = join(FIX, 'captures');
const ORACLE = join(FIX, 'oracle');
const FIELDS = [
  'tls.handshake.type',
  'tls.handshake.extensions_server_name',
  'tls.handshake.extensions_alpn_str',
  'tls.handshake.ja3',
  'tls.handshake.ja3s',
  'quic.version',
] as const;
const RATED = ['tls.handshake.extensions_server_name', 'tls.handshake.extensions_alpn_str', 'tls.handshake.ja3', 'tls.handshake.ja3s'] as const;

const PENDING_REASON = 'TLS record spans TCP segments: needs the stream layer reassembly';
/**
 * This capture's pcapng carries the session's TLS secrets, so tshark also decrypts 0-RTT, Handshake and
 * 1-RTT packets (frames, HTTP/3). We decrypt Initials only (their keys are public): our Info must be the
 * start of tshark's, and the handshake fields are compared on the Initial-only packet 1.
 */
const DECRYPTED_WITH_KEYLOG = new Set(['quic-v2-sll__ndpi__quic-v2.pcapng']);

const files = readdirSync(CAPTURES).filter((f) => /^(tls|tls12|tls13|quic|mixed|link-sll2-tls)/.test(f)).sort();

const totals = { pending: [] as string[], rated: new Map<string, [number, number]>() };

function isApp(p: string): boolean {
  return /^(TLS|SSL|QUIC|HTTP3)/.test(p);
}

describe.each(files)('%s', (file) => {
  it('matches tshark per packet', () => {
    const frames = readCapture(join(CAPTURES, file));
    const oracle = readOracle(join(ORACLE, `${file}.fields.tsv`));
    const tree = decodeFrames(frames, MODE_TREE);
    const summary = decodeFrames(frames, MODE_SUMMARY);
    const keylog = DECRYPTED_WITH_KEYLOG.has(file);
    const mismatches: string[] = [];
    tree.forEach((g: Decoded, i) => {
      const s = summary[i] as Decoded;
      expect(s.info, `#${g.number} SUMMARY vs TREE info`).toBe(g.info);
      expect(s.protocol, `#${g.number} SUMMARY vs TREE protocol`).toBe(g.protocol);
      expect(g.problems.filter((p) => p.startsWith('Dissector bug')), `#${g.number}`).toEqual([]);
      const row = oracle.get(g.number);
      if (!row) return;
      const theirProto = row['_ws.col.Protocol'] ?? '';
      const theirInfo = row['_ws.col.Info'] ?? '';
      const diffs: string[] = [];
      for (const name of FIELDS) {
        if (keylog && g.number !== 1 && name !== 'quic.version') continue;
        const ours = collect(g.tree, name).join(',');
        const theirs = row[name] ?? '';
        // tshark counts a version per QUIC packet it decrypted too (e.g. 1-RTT with the keylog): compare ours as a prefix there.
        if (keylog && name === 'quic.version' ? !theirs.startsWith(ours) : ours !== theirs) diffs.push(`${name}: ours=${ours} tshark=${theirs}`);
      }
      if (isApp(theirProto) || isApp(g.protocol)) {
        if (keylog) {
          if (!theirInfo.startsWith(g.info) || g.protocol !== 'QUIC') diffs.push(`Info: ours=${g.protocol} | ${g.info} tshark=${theirProto} | ${theirInfo}`);
        } else if (theirProto !== g.protocol || theirInfo !== g.info) {
          diffs.push(`columns: ours=${g.protocol} | ${g.info} tshark=${theirProto} | ${theirInfo}`);
        }
      }
      if (g.wholeRecords === false && diffs.length > 0) {
        totals.pending.push(`${file} #${g.number}: ${PENDING_REASON}; ${diffs.join('; ')}`);
        return;
      }
      for (const name of RATED) {
        const theirs = row[name] ?? '';
        if (theirs === '' || (keylog && g.number !== 1)) continue;
        const r = totals.rated.get(name) ?? [0, 0];
        r[1]++;
        if (collect(g.tree, name).join(',') === theirs) r[0]++;
        totals.rated.set(name, r);
      }
      mismatches.push(...diffs.map((x) => `#${g.number} ${x}`));
    });
    expect(mismatches).toEqual([]);
  });
});

describe('summary', () => {
  it('reports match rates and pending packets', () => {
    for (const [name, [ok, all]] of totals.rated) console.log(`${name}: ${ok}/${all} packets match tshark`);
    console.log(`pending (${totals.pending.length} packets):\n${totals.pending.join('\n')}`);
    expect(totals.rated.size).toBeGreaterThan(0);
  });
});
