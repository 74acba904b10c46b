/**
 * Export formats: the session table as CSV, JSON lines and Parquet (CLI and service), and every log as CSV and
 * JSON lines. DuckDB is the independent reader: its CSV parser must read back exactly the JSON-lines values
 * (so quoting is right), and the Parquet file must hold the CSV's values with the documented column types.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Method, Params, ParsedParams, Results } from '../../shared/contract';
import { methods } from '../../shared/contract';
import { EngineService } from '../../main/service/engine-service';
import { takeDownload } from '../../main/service/downloads';
import { epochMicros } from '../../main/engine/export/session-export';

const ROOT = path.join(__dirname, '../..');
const CLI = path.join(ROOT, 'bin/wirelens.js');
const CAPS = path.join(ROOT, 'test/fixtures/captures');
const built = fs.existsSync(path.join(ROOT, 'dist/main/engine/export/session-export.js'));
if (!built) console.log('export-formats: dist/ lacks the export module (run `npm run build`): CLI tests skipped');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelens-export-formats-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

type Cell = string | number | boolean | null;

async function query(sql: string): Promise<Record<string, Cell>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`SET TimeZone = 'UTC'`);
    const r = await conn.runAndReadAll(sql);
    return r.getRowObjectsJson() as Record<string, Cell>[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function lines(text: string): Record<string, Cell>[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, Cell>);
}

const SESSION_FIXTURES = ['mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng', 'tls-84-clienthellos-sni__foxio-ja4__tls-sni.pcapng', 'link-rawip-ipv6-http-4streams__pcapplusplus__four_ipv6_http_streams.pcap'];

describe.skipIf(!built)('sessions as CSV, JSON lines and Parquet (CLI)', () => {
  for (const name of SESSION_FIXTURES) {
    it(`${name}: DuckDB reads the CSV back as the JSON lines, and the Parquet as the CSV`, async () => {
      const file = path.join(CAPS, name);
      const csvText = run(['sessions', file, '--csv']).stdout;
      const csv = path.join(work, `${name}.csv`);
      fs.writeFileSync(csv, csvText);
      const jsonl = lines(run(['sessions', file, '--jsonl']).stdout);
      // --jsonl is --json: one object per line.
      expect(jsonl).toEqual(lines(run(['sessions', file, '--json']).stdout));
      expect(jsonl.length).toBeGreaterThan(0);
      const header = csvText.split('\n')[0]?.split(',') ?? [];
      const fromCsv = await query(`SELECT * FROM read_csv(${sql(csv)}, header = true, all_varchar = true)`);
      expect(fromCsv.length).toBe(jsonl.length);
      fromCsv.forEach((row, k) => {
        const j = jsonl[k] as Record<string, Cell>;
        for (const c of header) expect(row[c] ?? '', `${c} of row ${k}`).toBe(String(j[c]));
      });

      const parquet = path.join(work, `${name}.parquet`);
      const r = run(['sessions', file, '--parquet', parquet]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`wrote ${jsonl.length} sessions`);
      const schema = await query(`SELECT name, type, converted_type, logical_type FROM parquet_schema(${sql(parquet)}) WHERE name <> 'duckdb_schema'`);
      expect(schema.map((s) => s.name)).toEqual(header);
      const type = (n: string): Record<string, Cell> => schema.find((s) => s.name === n) as Record<string, Cell>;
      expect(type('id').type).toBe('INT64');
      expect(type('packets_ab').type).toBe('INT64');
      expect(type('aport').type).toBe('INT32');
      expect(type('handshake').type).toBe('BOOLEAN');
      expect(type('duration').type).toBe('DOUBLE');
      expect(type('start').converted_type).toBe('TIMESTAMP_MICROS');
      expect(String(type('start').logical_type)).toContain('isAdjustedToUTC=1');
      const fromParquet = await query(`SELECT *, epoch_us(start) AS start_us FROM ${sql(parquet)}`);
      expect(fromParquet.length).toBe(jsonl.length);
      fromParquet.forEach((row, k) => {
        const j = jsonl[k] as Record<string, Cell>;
        for (const c of header) {
          if (c === 'start') expect(Number(row.start_us)).toBe(epochMicros(String(j.start)));
          else if (c === 'asn_b') expect(row.asn_b).toBe(j.asn_b === '' ? null : j.asn_b);
          else if (c === 'duration') expect(row.duration).toBeCloseTo(j.duration as number, 9);
          else expect(typeof row[c] === 'string' && typeof j[c] === 'number' ? Number(row[c]) : row[c], `${c} of row ${k}`).toBe(j[c]);
        }
      });
    });
  }

  it('--parquet with -Y writes only the matching sessions', async () => {
    const file = path.join(CAPS, SESSION_FIXTURES[0] as string);
    const parquet = path.join(work, 'dns.parquet');
    expect(run(['sessions', file, '-Y', 'dns', '--parquet', parquet]).code).toBe(0);
    const want = lines(run(['sessions', file, '-Y', 'dns', '--jsonl']).stdout).map((r) => r.id);
    expect((await query(`SELECT id FROM ${sql(parquet)} ORDER BY id`)).map((r) => Number(r.id))).toEqual(want);
  });
});

const LOG_FIXTURES: [string, string][] = [
  ['dns', 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng'],
  ['http', 'http-pipelined__zeek__pipelined-requests.pcap'],
  ['tls', 'tls-84-clienthellos-sni__foxio-ja4__tls-sni.pcapng'],
  ['sip', 'sip-udp-register-invite-rtp__ndpi__sip.pcap'],
  ['apps', 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng'],
];

describe.skipIf(!built)('every log as CSV and JSON lines (CLI)', () => {
  for (const [kind, name] of LOG_FIXTURES) {
    it(`${kind}: the CSV (read by DuckDB) and the JSON lines hold the same records`, async () => {
      const file = path.join(CAPS, name);
      const csvText = run(['logs', kind, file, '--csv']).stdout;
      const json = lines(run(['logs', kind, file, '--json']).stdout);
      expect(json.length, `${kind} log of ${name}`).toBeGreaterThan(0);
      const header = csvText.split('\n')[0]?.split(',') ?? [];
      expect(header).toEqual(Object.keys(json[0] as object));
      const csv = path.join(work, `${kind}.csv`);
      fs.writeFileSync(csv, csvText);
      const rows = await query(`SELECT * FROM read_csv(${sql(csv)}, header = true, all_varchar = true)`);
      expect(rows.length).toBe(json.length);
      rows.forEach((row, k) => {
        const j = json[k] as Record<string, Cell | Cell[]>;
        for (const c of header) {
          const v = j[c];
          const text = v === null ? '' : Array.isArray(v) ? v.map(String).join(',') : String(v);
          expect(row[c] ?? '', `${kind} ${c} of record ${k}`).toBe(text);
        }
      });
    });
  }
});

async function request<M extends Method>(service: EngineService, method: M, params: Params<M>): Promise<Results[M]> {
  return service.handle(method, methods[method].parse(params) as ParsedParams<M>, new AbortController().signal);
}

function downloaded(url: string | undefined): string {
  const token = /^\/download\/([A-Za-z0-9_-]+)$/.exec(url ?? '')?.[1];
  const d = takeDownload(token as string);
  expect(d).not.toBeNull();
  return (d as { path: string }).path;
}

describe.skipIf(!built)('data.exportSessions / data.exportLog (service) write what the CLI prints', () => {
  it('sessions as CSV, JSON lines and Parquet; the displayed subset; a log', async () => {
    const file = path.join(CAPS, SESSION_FIXTURES[0] as string);
    const service = new EngineService({ root: null, allowPaths: false, downloads: true, live: null, spoolDir: path.join(work, 'spool') });
    await request(service, 'capture.open', { path: file });
    for (let i = 0; i < 500 && service.status().indexing; i++) await new Promise((r) => setTimeout(r, 10));
    const csv = await request(service, 'data.exportSessions', { format: 'csv' });
    expect(fs.readFileSync(downloaded(csv.downloadUrl), 'utf8')).toBe(run(['sessions', file, '--csv']).stdout);
    const jsonl = await request(service, 'data.exportSessions', { format: 'jsonl' });
    const cliRows = lines(run(['sessions', file, '--jsonl']).stdout).map(({ rule: _r, why: _w, ...rest }) => rest);
    expect(lines(fs.readFileSync(downloaded(jsonl.downloadUrl), 'utf8'))).toEqual(cliRows);
    expect(jsonl.written).toBe(cliRows.length);
    const pq = await request(service, 'data.exportSessions', { format: 'parquet' });
    const pqPath = downloaded(pq.downloadUrl);
    expect(pqPath.endsWith('.parquet')).toBe(true);
    expect((await query(`SELECT count(*) AS n FROM ${sql(pqPath)}`))[0]?.n).toBe(String(cliRows.length));
    await request(service, 'filter.apply', { expr: 'tls.handshake.type == 1' });
    const shown = await request(service, 'data.exportSessions', { format: 'jsonl', displayed: true });
    const want = lines(run(['sessions', file, '-Y', 'tls.handshake.type == 1', '--jsonl']).stdout).map((r) => r.id);
    expect(lines(fs.readFileSync(downloaded(shown.downloadUrl), 'utf8')).map((r) => r.id)).toEqual(want);
    const dns = await request(service, 'data.exportLog', { kind: 'dns', format: 'csv' });
    expect(fs.readFileSync(downloaded(dns.downloadUrl), 'utf8')).toBe(run(['logs', 'dns', file, '--csv']).stdout);
    const dnsJson = await request(service, 'data.exportLog', { kind: 'dns', format: 'jsonl' });
    expect(fs.readFileSync(downloaded(dnsJson.downloadUrl), 'utf8')).toBe(run(['logs', 'dns', file, '--json']).stdout);
    await service.dispose();
  });
});

function sql(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
