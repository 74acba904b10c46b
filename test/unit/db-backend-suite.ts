/**
 * The flow-database tests, run once per backend (db-sqlite.test.ts, db-postgres.test.ts): schema, import of
 * fixtures compared with tshark's conversation tables, idempotent re-import, an import killed halfway, the
 * ready queries of docs/database.md, and `db query`'s output modes.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { sharedRules } from '../../main/engine/classify/load-rules';
import { openFlowDb, type FlowDb } from '../../main/engine/db/flow-db';
import { importCapture, type ImportOptions } from '../../main/engine/db/importer';
import { HTTP_LOG, TABLES, insertColumns, type Dialect } from '../../main/engine/db/schema';
import { GeoResolver } from '../../main/engine/geo/geo-resolver';
import { readGeoSettings } from '../../main/engine/geo/geo-settings';
import { openCapture } from '../../main/engine/readers/open';
import { SessionEnrichment } from '../../main/engine/sessions/session-enrichment';
import type { IdleTimeouts } from '../../main/engine/sessions/session-table';
import type { Conversation } from '../diff/oracle';
import { CAPS, CLI, CLI_BUILT, readyQueries, tsharkConversations, tsharkFields, tsharkMissing, writeManyFlowsPcap } from './db-helpers';

/** tshark never splits a conversation on idle time. */
export const NO_TIMEOUTS: IdleTimeouts = { tcp: Infinity, udp: Infinity, icmp: Infinity, other: Infinity };

/** Fixtures whose TCP/UDP sessions are compared with tshark (IPv4 and IPv6, TCP, UDP, QUIC, SIP/RTP, DNS). */
export const FIXTURES = [
  'mixed-real-traffic__zui__sample.pcapng',
  'tls-84-clienthellos-sni__foxio-ja4__tls-sni.pcapng',
  'dns-tcp__tcpdump__dns_tcp.pcap',
  'http-pipelined__zeek__pipelined-requests.pcap',
  'link-rawip-ipv6-http-4streams__pcapplusplus__four_ipv6_http_streams.pcap',
  'sip-udp-register-invite-rtp__ndpi__sip.pcap',
  'tcp-retransmit-fast__zeek__retransmit-fast009.pcap',
];

const LABEL = 'fixture';

export interface BackendTarget {
  dialect: Dialect;
  /** Why the backend cannot be tested here (printed), or null. */
  skipReason(): string | null;
  /** URL of a new empty database. */
  newDatabase(): Promise<string>;
}

function importOptions(extra: Partial<ImportOptions> = {}): ImportOptions {
  return { timeouts: NO_TIMEOUTS, classify: { rules: sharedRules(), geo: new GeoResolver(readGeoSettings()) }, version: 'test', label: LABEL, ...extra };
}

async function rows(db: FlowDb, sql: string): Promise<Record<string, unknown>[]> {
  const r = await db.query(sql);
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, k) => [c.name, row[k]])));
}

async function count(db: FlowDb, sql: string): Promise<number> {
  return Number((await db.query(sql)).rows[0]?.[0]);
}

export function backendSuite(target: BackendTarget): void {
  const d = target.dialect;
  const tsharkWhy = tsharkMissing();

  describe(`flow database on ${d}`, () => {
    let db: FlowDb;
    const traceOf = new Map<string, number>();

    beforeAll(async () => {
      if (target.skipReason() !== null) return;
      db = await openFlowDb(await target.newDatabase());
      await db.ensureSchema();
      for (const f of FIXTURES) {
        const r = await importCapture(db, path.join(CAPS, f), importOptions());
        expect(r.status).toBe('imported');
        traceOf.set(f, r.traceId);
      }
    }, 240_000);

    afterAll(async () => {
      await db?.close();
    });

    it('creates every table, column and index of the schema (and creating it again changes nothing)', async (ctx) => {
      if (target.skipReason() !== null) return ctx.skip();
      await db.ensureSchema();
      for (const t of TABLES) {
        const cols =
          d === 'sqlite'
            ? (await rows(db, `SELECT name FROM pragma_table_info('${t.name}') ORDER BY cid`)).map((r) => r.name)
            : (await rows(db, `SELECT column_name FROM information_schema.columns WHERE table_name = '${t.name}' AND table_schema = current_schema() ORDER BY ordinal_position`)).map((r) => r.column_name);
        expect(cols, t.name).toEqual(t.columns.map((c) => c.name));
        const indexes =
          d === 'sqlite'
            ? (await rows(db, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '${t.name}'`)).map((r) => r.name)
            : (await rows(db, `SELECT indexname FROM pg_indexes WHERE tablename = '${t.name}'`)).map((r) => r.indexname);
        for (const ix of t.indexes) expect(indexes, t.name).toContain(ix.name);
      }
      // The sequence columns are arrays on PostgreSQL and JSON text on SQLite.
      if (d === 'postgres') {
        const types = await rows(db, `SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = 'flows' AND column_name IN ('lengths', 'times_us') ORDER BY column_name`);
        expect(types).toEqual([
          { column_name: 'lengths', udt_name: '_int4' },
          { column_name: 'times_us', udt_name: '_int8' },
        ]);
      } else {
        expect(await count(db, `SELECT count(*) FROM flows WHERE json_valid(lengths) = 0 OR json_valid(times_us) = 0`)).toBe(0);
      }
      expect(await count(db, 'SELECT count(*) FROM wirelens_schema')).toBe(1);
    });

    for (const fixture of FIXTURES) {
      it(`flows of ${fixture} match tshark -z conv,tcp -z conv,udp`, async (ctx) => {
        if (target.skipReason() !== null) return ctx.skip();
        if (tsharkWhy !== null) {
          console.log(`skipped: ${tsharkWhy}`);
          return ctx.skip();
        }
        const id = traceOf.get(fixture) as number;
        const conv = tsharkConversations(path.join(CAPS, fixture));
        const first = await count(db, `SELECT first_time FROM traces WHERE id = ${id}`);
        const ours = await rows(
          db,
          `SELECT proto_name, addr_a, port_a, addr_b, port_b, packets_ab, bytes_ab, packets_ba, bytes_ba, start_time, duration
           FROM flows WHERE trace_id = ${id} AND proto IN (6, 17)`,
        );
        expect(conv.length).toBeGreaterThan(0);
        expect(ours.length).toBe(conv.length);
        // Side A may differ (tshark orders some pairs its own way): look each conversation up both ways.
        const key = (p: unknown, a: unknown, ap: unknown, b: unknown, bp: unknown): string => `${p} ${a}:${ap} ${b}:${bp}`;
        const byKey = new Map<string, Record<string, unknown>[]>();
        for (const r of ours) {
          const k = key(r.proto_name, r.addr_a, r.port_a, r.addr_b, r.port_b);
          byKey.set(k, [...(byKey.get(k) ?? []), r]);
        }
        const problems: string[] = [];
        for (const c of conv) {
          const fwd = byKey.get(key(c.kind, c.a, c.aport, c.b, c.bport));
          const rev = byKey.get(key(c.kind, c.b, c.bport, c.a, c.aport));
          const relStart = Number(c.relStart);
          // Several flows on one tuple (a port reused after FIN): the one starting when tshark's does.
          const pick = (list: Record<string, unknown>[] | undefined): Record<string, unknown> | undefined =>
            list?.find((r) => Math.abs((r.start_time as number) - first - relStart) < 2e-6);
          const r = pick(fwd) ?? pick(rev);
          if (r === undefined) {
            problems.push(`missing: ${c.line}`);
            continue;
          }
          const swapped = pick(fwd) === undefined;
          const [pab, bab, pba, bba] = swapped ? [r.packets_ba, r.bytes_ba, r.packets_ab, r.bytes_ab] : [r.packets_ab, r.bytes_ab, r.packets_ba, r.bytes_ba];
          if (pab !== c.framesAB || pba !== c.framesBA) problems.push(`frames ${pab}/${pba}: ${c.line}`);
          if (!bytesAgree(bab as number, c.bytesAB) || !bytesAgree(bba as number, c.bytesBA)) problems.push(`bytes ${bab}/${bba}: ${c.line}`);
          // tshark prints the duration with 4 decimals.
          if (Math.abs((r.duration as number) - Number(c.duration)) > 0.00006) problems.push(`duration ${r.duration}: ${c.line}`);
        }
        expect(problems).toEqual([]);
      });
    }

    it('stores packet-length sequences that add up to the per-direction counters', async (ctx) => {
      if (target.skipReason() !== null) return ctx.skip();
      // Sums of the positive/negative lengths and their counts, computed in SQL from the sequences.
      const sql =
        d === 'sqlite'
          ? `SELECT count(*) FROM flows f WHERE
               packets_ab <> (SELECT count(*) FROM json_each(f.lengths) WHERE value > 0) OR
               packets_ba <> (SELECT count(*) FROM json_each(f.lengths) WHERE value < 0) OR
               bytes_ab <> (SELECT coalesce(sum(value), 0) FROM json_each(f.lengths) WHERE value > 0) OR
               bytes_ba <> (SELECT coalesce(-sum(value), 0) FROM json_each(f.lengths) WHERE value < 0) OR
               json_array_length(f.lengths) <> json_array_length(f.times_us) OR
               (SELECT min(value) FROM json_each(f.times_us)) < 0`
          : `SELECT count(*) FROM flows f WHERE
               packets_ab <> (SELECT count(*) FROM unnest(f.lengths) v WHERE v > 0) OR
               packets_ba <> (SELECT count(*) FROM unnest(f.lengths) v WHERE v < 0) OR
               bytes_ab <> (SELECT coalesce(sum(v), 0) FROM unnest(f.lengths) v WHERE v > 0) OR
               bytes_ba <> (SELECT coalesce(-sum(v), 0) FROM unnest(f.lengths) v WHERE v < 0) OR
               cardinality(f.lengths) <> cardinality(f.times_us) OR
               (SELECT min(v) FROM unnest(f.times_us) v) < 0`;
      expect(await count(db, 'SELECT count(*) FROM flows')).toBeGreaterThan(100);
      expect(await count(db, sql)).toBe(0);
    });

    it('stores text and list values with any characters unchanged', async (ctx) => {
      if (target.skipReason() !== null) return ctx.skip();
      const nasty = ['tab\there', 'new\nline\r\n', 'back\\slash \\N', 'quote " and \'', '{braces},commas', 'NULL', '', 'ünïcödé ✓ 𝄞'];
      const trace = { sha256: 'test-only', file_name: 'x', file_path: 'x', file_size: 0, format: 'pcap', link_types: '', packets: 0, bytes: 0, flows: 0, log_records: 0, timeouts: '', imported_at: '', wirelens_version: '' };
      await db.begin();
      try {
        const id = await db.insertTrace(trace);
        const cols = insertColumns(HTTP_LOG);
        const rowsIn = nasty.map((text, k) => cols.map((c) => {
          if (c.name === 'trace_id') return id;
          if (c.name === 'row_no') return k;
          if (c.name === 'ts') return 1.5;
          if (c.name === 'resp_mime_types') return [text, 'plain', text];
          if (c.name === 'user_agent') return text;
          return null;
        }));
        await db.insertRows(HTTP_LOG, rowsIn);
        const got = await rows(db, `SELECT user_agent, resp_mime_types, method FROM http_log WHERE trace_id = ${id} ORDER BY row_no`);
        expect(got).toEqual(nasty.map((text) => ({ user_agent: text, resp_mime_types: [text, 'plain', text], method: null })));
      } finally {
        await db.rollback();
      }
      expect(await count(db, `SELECT count(*) FROM traces WHERE sha256 = 'test-only'`)).toBe(0);
    });

    it('re-importing a file is a no-op that reports the existing trace', async (ctx) => {
      if (target.skipReason() !== null) return ctx.skip();
      const before = [await count(db, 'SELECT count(*) FROM traces'), await count(db, 'SELECT count(*) FROM flows'), await count(db, 'SELECT count(*) FROM dns_log')];
      const f = FIXTURES[0] as string;
      // The same content under another name is the same trace.
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-db-'));
      const copy = path.join(tmp, 'renamed.pcapng');
      fs.copyFileSync(path.join(CAPS, f), copy);
      try {
        for (const file of [path.join(CAPS, f), copy]) {
          const r = await importCapture(db, file, importOptions({ label: 'other' }));
          expect(r.status).toBe('already-imported');
          expect(r.traceId).toBe(traceOf.get(f));
        }
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
      const after = [await count(db, 'SELECT count(*) FROM traces'), await count(db, 'SELECT count(*) FROM flows'), await count(db, 'SELECT count(*) FROM dns_log')];
      expect(after).toEqual(before);
      expect(await count(db, `SELECT count(*) FROM flows WHERE label = 'other'`)).toBe(0);
    });

    it('links log rows to their flows and the flows to the TLS log fingerprints', async (ctx) => {
      if (target.skipReason() !== null) return ctx.skip();
      // Every log row with a flow finds it; the flow's SNI/JA3/JA4 are its TLS log record's.
      for (const t of ['dns_log', 'http_log', 'tls_log', 'sip_log']) {
        expect(await count(db, `SELECT count(*) FROM ${t} l LEFT JOIN flows f ON f.trace_id = l.trace_id AND f.flow_no = l.flow_no WHERE l.flow_no IS NOT NULL AND f.flow_no IS NULL`), t).toBe(0);
      }
      expect(await count(db, 'SELECT count(*) FROM dns_log')).toBeGreaterThan(0);
      expect(await count(db, 'SELECT count(*) FROM http_log')).toBeGreaterThan(0);
      expect(await count(db, 'SELECT count(*) FROM sip_log')).toBeGreaterThan(0);
      const tls = await count(db, 'SELECT count(*) FROM tls_log');
      expect(tls).toBeGreaterThan(50);
      expect(
        await count(
          db,
          `SELECT count(*) FROM tls_log l JOIN flows f ON f.trace_id = l.trace_id AND f.flow_no = l.flow_no
           WHERE f.sni = l.server_name AND f.ja4 = l.ja4 AND f.ja3 = l.ja3`,
        ),
      ).toBe(tls);
      // JA4 of the fixture's first ClientHello as tshark computes it (tshark 4.0 has no ja4 field: JA3 then).
      if (tsharkWhy === null) {
        const id = traceOf.get('tls-84-clienthellos-sni__foxio-ja4__tls-sni.pcapng') as number;
        const hellos = tsharkFields(path.join(CAPS, 'tls-84-clienthellos-sni__foxio-ja4__tls-sni.pcapng'), 'tls.handshake.type == 1 and tcp', [
          'tcp.stream',
          'tls.handshake.extensions_server_name',
          'tls.handshake.ja3',
        ]);
        // A flow keeps its first ClientHello's fingerprint (a second one follows a HelloRetryRequest).
        const want = new Map<number, string>();
        for (const [stream, sni, ja3] of hellos) if (!want.has(Number(stream))) want.set(Number(stream), `${sni} ${ja3}`);
        const ours = await rows(db, `SELECT stream, sni, ja3 FROM flows WHERE trace_id = ${id} AND proto = 6 AND sni IS NOT NULL`);
        expect(want.size).toBeGreaterThan(10);
        expect(new Map(ours.map((r) => [r.stream as number, `${r.sni} ${r.ja3}`]))).toEqual(want);
      }
    });

    describe('ready queries of docs/database.md', () => {
      const queries = readyQueries(d);

      it('has the documented queries for this backend', () => {
        expect([...queries.keys()].sort()).toEqual(['flows-per-app-label', 'site-packets', 'site-sequences', 'top-snis', 'unknown-snis']);
      });

      it('flows-per-app-label counts what the classifier says, per label', async (ctx) => {
        if (target.skipReason() !== null) return ctx.skip();
        // Independent of the database: index each fixture again and count the enrichment's apps.
        const want = new Map<string, number>();
        for (const f of FIXTURES) {
          const enrich = new SessionEnrichment({ rules: sharedRules(), geo: null });
          const reader = openCapture(path.join(CAPS, f));
          const index = new CaptureIndex(reader, { timeouts: NO_TIMEOUTS, enrich });
          index.runToEnd();
          reader.close();
          for (let s = 0; s < index.sessions.count; s++) {
            const k = `${LABEL}|${enrich.app(s) || 'NULL'}`;
            want.set(k, (want.get(k) ?? 0) + 1);
          }
        }
        const got = await rows(db, queries.get('flows-per-app-label') as string);
        expect(new Map(got.map((r) => [`${r.label}|${r.app ?? 'NULL'}`, r.flows]))).toEqual(want);
        const flows = got.map((r) => r.flows as number);
        expect(flows).toEqual([...flows].sort((a, b) => b - a));
      });

      it('top-snis and unknown-snis agree with the server names tshark reads', async (ctx) => {
        if (target.skipReason() !== null) return ctx.skip();
        if (tsharkWhy !== null) {
          console.log(`skipped: ${tsharkWhy}`);
          return ctx.skip();
        }
        // Flows per SNI from tshark: distinct (file, tcp/udp stream) with a ClientHello naming it.
        const perSni = new Map<string, Set<string>>();
        const unknown = new Map<string, number>();
        const rules = sharedRules();
        for (const f of FIXTURES) {
          const seen = new Set<string>();
          for (const [sni, tcp, udp, sport, dport, usport, udport] of tsharkFields(path.join(CAPS, f), 'tls.handshake.type == 1', [
            'tls.handshake.extensions_server_name',
            'tcp.stream',
            'udp.stream',
            'tcp.srcport',
            'tcp.dstport',
            'udp.srcport',
            'udp.dstport',
          ])) {
            if (!sni) continue;
            const stream = `${f} ${tcp ? `tcp ${tcp}` : `udp ${udp}`}`;
            if (seen.has(stream)) continue;
            seen.add(stream);
            perSni.set(sni, (perSni.get(sni) ?? new Set()).add(stream));
            const q = { name: sni, url: '', proto: tcp ? 6 : 17, sport: Number(tcp ? sport : usport), dport: Number(tcp ? dport : udport) };
            if (rules.matchName(q) === null) unknown.set(sni, (unknown.get(sni) ?? 0) + 1);
          }
        }
        expect(perSni.size).toBeGreaterThan(20);
        const top = await rows(db, queries.get('top-snis') as string);
        expect(top.length).toBe(Math.min(20, perSni.size));
        for (const r of top) expect(r.flows, String(r.sni)).toBe(perSni.get(r.sni as string)?.size);
        // A top-20: nothing left out counts more than the last row kept.
        const last = top[top.length - 1]?.flows as number;
        const kept = new Set(top.map((r) => r.sni));
        for (const [sni, s] of perSni) if (!kept.has(sni)) expect(s.size, sni).toBeLessThanOrEqual(last);
        const unk = await rows(db, queries.get('unknown-snis') as string);
        expect(unknown.size).toBeGreaterThan(0);
        expect(new Map(unk.map((r) => [r.sni, r.flows]))).toEqual(unknown);
      });

      it('site-sequences and site-packets give the frame lengths and times tshark shows for that site', async (ctx) => {
        if (target.skipReason() !== null) return ctx.skip();
        if (tsharkWhy !== null) {
          console.log(`skipped: ${tsharkWhy}`);
          return ctx.skip();
        }
        // The site's streams per tshark, and each stream's frames: signed length (+ from the stream's first sender).
        const expected: { lengths: number[]; times: number[] }[] = [];
        for (const f of FIXTURES) {
          const file = path.join(CAPS, f);
          const streams = tsharkFields(file, 'tls.handshake.extensions_server_name == "news.ycombinator.com"', ['tcp.stream']).map((r) => r[0]);
          for (const s of [...new Set(streams)]) {
            const frames = tsharkFields(file, `tcp.stream == ${s}`, ['frame.len', 'ip.src', 'tcp.srcport', 'frame.time_epoch']);
            const a = `${frames[0]?.[1]}:${frames[0]?.[2]}`;
            const ns = frames.map((r) => {
              const [sec, frac = ''] = (r[3] as string).split('.');
              return BigInt(sec as string) * 1_000_000_000n + BigInt(frac.padEnd(9, '0'));
            });
            const t0 = ns.reduce((m, v) => (v < m ? v : m));
            expected.push({
              lengths: frames.map((r) => (`${r[1]}:${r[2]}` === a ? 1 : -1) * Number(r[0])),
              times: ns.map((v) => Math.round(Number(v - t0) / 1000)),
            });
          }
        }
        expect(expected.length).toBeGreaterThan(0);
        const seq = await rows(db, queries.get('site-sequences') as string);
        expect(seq.map((r) => ({ lengths: r.lengths, times: r.times_us }))).toEqual(expected);
        const packets = await rows(db, queries.get('site-packets') as string);
        expect(packets.map((r) => r.length)).toEqual(expected.flatMap((e) => e.lengths));
        expect(packets.map((r) => r.time_us)).toEqual(expected.flatMap((e) => e.times));
        expect(packets.map((r) => r.n)).toEqual(expected.flatMap((e) => e.lengths.map((_, k) => k + 1)));
      });
    });

    describe('wirelens db (the CLI)', () => {
      const cliWhy = (): string | null => target.skipReason() ?? (fs.existsSync(CLI_BUILT) ? null : `the CLI is not built (${CLI_BUILT} missing): npm run build`);
      let url = '';
      let tmp = '';
      let big = '';
      const FLOWS_IN_BIG = 120_000;

      beforeAll(async () => {
        if (cliWhy() !== null) return;
        url = await target.newDatabase();
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-db-cli-'));
        big = path.join(tmp, 'many-flows.pcap');
        writeManyFlowsPcap(big, FLOWS_IN_BIG);
      });

      afterAll(() => {
        if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
      });

      it('leaves no trace and no flow of an import killed halfway, and imports the file afterwards', async (ctx) => {
        const why = cliWhy();
        if (why !== null) {
          console.log(`skipped: ${why}`);
          return ctx.skip();
        }
        const child = spawn(process.execPath, [CLI, 'db', 'import', big, '--db', url, '--label', 'killed'], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        let killedAt = '';
        const exit = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (chunk: string) => {
          stderr += chunk;
          const m = /writing flows (\d+)\/(\d+)/.exec(stderr);
          if (m && killedAt === '') {
            killedAt = m[0];
            child.kill('SIGKILL');
          }
        });
        const signal = await exit;
        expect(signal, `the import ended before it could be killed:\n${stderr}`).toBe('SIGKILL');
        // Killed after writing some but not all flows inside the transaction.
        const [, done, total] = /(\d+)\/(\d+)/.exec(killedAt) as RegExpExecArray;
        expect(Number(done)).toBeLessThan(Number(total));
        const db = await openFlowDb(url);
        try {
          expect(await count(db, 'SELECT count(*) FROM traces')).toBe(0);
          expect(await count(db, 'SELECT count(*) FROM flows')).toBe(0);
          if (d === 'sqlite') expect((await db.query('PRAGMA integrity_check')).rows).toEqual([['ok']]);
        } finally {
          await db.close();
        }
        const again = spawnSync(process.execPath, [CLI, 'db', 'import', big, '--db', url, '--label', 'again'], { encoding: 'utf8' });
        expect(again.status, again.stderr).toBe(0);
        expect(again.stdout).toMatch(/imported as trace \d+/);
        const db2 = await openFlowDb(url);
        try {
          expect(await rows(db2, 'SELECT flows, packets, label FROM traces')).toEqual([{ flows: FLOWS_IN_BIG, packets: FLOWS_IN_BIG, label: 'again' }]);
          expect(await count(db2, 'SELECT count(*) FROM flows')).toBe(FLOWS_IN_BIG);
          expect(await count(db2, `SELECT count(*) FROM flows WHERE label = 'again' AND packets_ab = 1 AND bytes_ab = 64`)).toBe(FLOWS_IN_BIG);
        } finally {
          await db2.close();
        }
        // And a third run only says so.
        const third = spawnSync(process.execPath, [CLI, 'db', 'import', big, '--db', url], { encoding: 'utf8' });
        expect(third.status, third.stderr).toBe(0);
        expect(third.stdout).toMatch(/already imported \(trace \d+, sha256 [0-9a-f]{64}\)/);
      }, 180_000);

      it('two imports of the same file at once store it once', async (ctx) => {
        const why = cliWhy();
        if (why !== null) {
          console.log(`skipped: ${why}`);
          return ctx.skip();
        }
        const fresh = await target.newDatabase();
        const file = path.join(CAPS, FIXTURES[1] as string);
        const run = (): Promise<{ code: number | null; out: string; err: string }> =>
          new Promise((resolve) => {
            const c = spawn(process.execPath, [CLI, 'db', 'import', file, '--db', fresh], { stdio: ['ignore', 'pipe', 'pipe'] });
            let out = '';
            let err = '';
            c.stdout.on('data', (b: Buffer) => (out += b.toString()));
            c.stderr.on('data', (b: Buffer) => (err += b.toString()));
            c.on('close', (code) => resolve({ code, out, err }));
          });
        const results = await Promise.all([run(), run()]);
        for (const r of results) expect(r.code, r.err).toBe(0);
        const outs = results.map((r) => r.out).sort();
        expect(outs.filter((o) => /imported as trace 1\b/.test(o)).length, outs.join('')).toBe(1);
        expect(outs.filter((o) => /already imported \(trace 1,/.test(o)).length, outs.join('')).toBe(1);
        const db2 = await openFlowDb(fresh);
        try {
          expect(await count(db2, 'SELECT count(*) FROM traces')).toBe(1);
          expect(await count(db2, 'SELECT count(*) FROM flows')).toBe(await count(db2, 'SELECT flows FROM traces'));
        } finally {
          await db2.close();
        }
      }, 60_000);

      it('db query prints the same result as a table, as CSV and as JSON lines', async (ctx) => {
        const why = cliWhy();
        if (why !== null) {
          console.log(`skipped: ${why}`);
          return ctx.skip();
        }
        const f = FIXTURES[0] as string;
        const imp = spawnSync(process.execPath, [CLI, 'db', 'import', path.join(CAPS, f), '--db', url, '--site', 'lab', '--machine', 'm1', '--comment', 'a, "quoted" comment'], { encoding: 'utf8' });
        expect(imp.status, imp.stderr).toBe(0);
        const sql = `SELECT t.site, t.machine, t.comment, f.flow_no, f.addr_a, f.port_a, f.app, f.lengths FROM flows f JOIN traces t ON t.id = f.trace_id WHERE t.file_name = '${f}' ORDER BY f.flow_no`;
        const run = (...extra: string[]): string => {
          const r = spawnSync(process.execPath, [CLI, 'db', 'query', '--db', url, sql, ...extra], { encoding: 'utf8' });
          expect(r.status, r.stderr).toBe(0);
          return r.stdout;
        };
        const db = await openFlowDb(url);
        const want = await rows(db, sql);
        await db.close();
        expect(want.length).toBeGreaterThan(10);
        const json = run('--json')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(json).toEqual(want);
        expect(Array.isArray(json[0]?.lengths)).toBe(true);
        const csv = parseCsv(run('--csv'));
        expect(csv[0]).toEqual(['site', 'machine', 'comment', 'flow_no', 'addr_a', 'port_a', 'app', 'lengths']);
        expect(csv.slice(1)).toEqual(want.map((r) => [r.site, r.machine, r.comment, String(r.flow_no), r.addr_a, String(r.port_a), r.app ?? '', JSON.stringify(r.lengths)]));
        const table = run().trimEnd().split('\n');
        expect(table[table.length - 1]).toBe(`(${want.length} rows)`);
        const cells = table.slice(2, -1).map((l) => l.split(' | ').map((c) => c.trim()));
        expect(table[0]?.split(' | ').map((c) => c.trim())).toEqual(['site', 'machine', 'comment', 'flow_no', 'addr_a', 'port_a', 'app', 'lengths']);
        expect(cells.map((c) => c.slice(0, 7))).toEqual(want.map((r) => [r.site, r.machine, r.comment, String(r.flow_no), r.addr_a, String(r.port_a), r.app ?? '']));
        // All data lines as wide as the header: the columns are aligned.
        for (const l of table.slice(2, -1)) expect(l.length).toBeLessThanOrEqual((table[1] as string).length);
      });

      it('db query reports a bad statement and a bad URL with an error, not a stack trace', async (ctx) => {
        const why = cliWhy();
        if (why !== null) {
          console.log(`skipped: ${why}`);
          return ctx.skip();
        }
        const bad = spawnSync(process.execPath, [CLI, 'db', 'query', '--db', url, 'SELECT nope FROM flows'], { encoding: 'utf8' });
        expect(bad.status).toBe(1);
        expect(bad.stderr).toMatch(/^wirelens: .*nope/);
        expect(bad.stderr).not.toMatch(/\n\s+at /);
        const badUrl = spawnSync(process.execPath, [CLI, 'db', 'query', '--db', 'mysql://x/y', 'SELECT 1'], { encoding: 'utf8' });
        expect(badUrl.status).toBe(2);
        expect(badUrl.stderr).toMatch(/unsupported database URL/);
      });
    });
  });
}

/**
 * tshark prints a byte count exactly ("520 bytes") or cut down to whole SI units ("29 kB" for 29 269 bytes:
 * the value divided by 1000, rounded down).
 */
function bytesAgree(ours: number, theirs: Conversation['bytesAB']): boolean {
  if (theirs.exact !== undefined) return ours === theirs.exact;
  const [num, unit] = theirs.text.split(' ');
  const scale = { kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 }[unit as string];
  return scale !== undefined && Math.floor(ours / scale) === Number((num as string).replace(/,/g, ''));
}

/** RFC 4180 CSV (quoted cells may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      out.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) out.push([...row, cell]);
  return out;
}

