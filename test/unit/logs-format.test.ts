/**
 * Output shapes of `wirelens logs`: text (tab-separated, header line, "-" unset, "(empty)" empty list),
 * CSV (header, quoting, lists in one cell), JSON lines (every column on every line), -Y and the exit codes.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DNS_COLUMNS, headerLine, recordLine, TLS_COLUMNS } from '../../main/engine/logs';
import { CAPS, ROOT } from './logs-helpers';

const CLI = path.join(ROOT, 'bin/wirelens.js');
const built = fs.existsSync(path.join(ROOT, 'dist/main/cli/commands/logs.js'));
if (!built) console.log('logs-format: dist/ has no logs command (run `npm run build`): CLI tests skipped');

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A minimal RFC 4180 reader (quoted cells with commas and doubled quotes). */
function csvRow(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell);
  return out;
}

const REC = { ts: '1.000000000', uid: 'S0', query: 'a\tb', answers: ['1.2.3.4', 'x"y'], TTLs: [], rtt: null, AA: true };
const COLS = ['ts', 'uid', 'query', 'answers', 'TTLs', 'rtt', 'AA'];

describe('log formats', () => {
  it('text: tab-separated, Zeek conventions for unset, empty lists and tabs', () => {
    expect(headerLine(COLS, 'text')).toBe(COLS.join('\t'));
    expect(recordLine(COLS, REC, 'text').split('\t')).toEqual(['1.000000000', 'S0', 'a\\x09b', '1.2.3.4,x"y', '(empty)', '-', 'true']);
  });

  it('csv: header, quoting, lists joined in one cell, unset empty', () => {
    expect(headerLine(COLS, 'csv')).toBe(COLS.join(','));
    expect(csvRow(recordLine(COLS, REC, 'csv'))).toEqual(['1.000000000', 'S0', 'a\tb', '1.2.3.4,x"y', '', '', 'true']);
  });

  it('json: no header, every column, lists as arrays, unset as null', () => {
    expect(headerLine(COLS, 'json')).toBeNull();
    const o = JSON.parse(recordLine(COLS, REC, 'json')) as Record<string, unknown>;
    expect(Object.keys(o)).toEqual(COLS);
    expect(o).toEqual({ ...REC });
  });
});

describe.runIf(built)('wirelens logs', () => {
  const dns = path.join(CAPS, 'dns-many-mdns-llmnr__pcapplusplus__DnsPackets.pcap');

  it('text, csv and json agree on the records', () => {
    const text = run(['logs', 'dns', dns]);
    const csv = run(['logs', 'dns', dns, '--csv']);
    const json = run(['logs', 'dns', dns, '--json']);
    for (const r of [text, csv, json]) expect(r.code).toBe(0);
    const tl = text.stdout.trimEnd().split('\n');
    const cl = csv.stdout.trimEnd().split('\n');
    const jl = json.stdout.trimEnd().split('\n');
    expect(tl[0]).toBe(DNS_COLUMNS.join('\t'));
    expect(cl[0]).toBe(DNS_COLUMNS.join(','));
    expect(tl.length).toBe(jl.length + 1);
    expect(cl.length).toBe(jl.length + 1);
    jl.forEach((line, k) => {
      const o = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(o)).toEqual([...DNS_COLUMNS]);
      const cells = csvRow(cl[k + 1] as string);
      expect(cells[DNS_COLUMNS.indexOf('query')]).toBe(o.query ?? '');
      expect(cells[DNS_COLUMNS.indexOf('answers')]).toBe((o.answers as string[]).join(','));
      expect((tl[k + 1] as string).split('\t')[DNS_COLUMNS.indexOf('uid')]).toBe(o.uid);
    });
  });

  it('-Y keeps the transactions with a matching message', () => {
    const all = run(['logs', 'dns', dns, '--json']).stdout.trimEnd().split('\n');
    const some = run(['logs', 'dns', dns, '--json', '-Y', 'dns.qry.name contains "google"']);
    expect(some.code).toBe(0);
    const kept = some.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { query: string });
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(all.length);
    expect(kept.every((r) => r.query.includes('google'))).toBe(true);
  });

  it('-Y on the tls log keeps sessions (filter terms on handshake fields work after the index pass)', () => {
    const f = path.join(CAPS, 'tls13-ech-sni__zeek__tls13-ech.pcap');
    const r = run(['logs', 'tls', f, '--json', '-Y', 'tls.handshake.type == 2']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { established: boolean });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => x.established)).toBe(true);
  });

  it('usage errors and unavailable logs exit 2 with one clear line', () => {
    expect(run(['logs', 'smtp', dns]).code).toBe(2);
    expect(run(['logs', 'apps', dns, '--idle', 'soon']).code).toBe(2);
    const apps = run(['logs', 'apps', dns]);
    expect(apps.code, apps.stderr).toBe(0);
    expect(apps.stdout.split('\n')[0]).toMatch(/^ts\tend\tduration\torig_h\tapp\t/);
    const sip = run(['logs', 'sip', path.join(CAPS, 'sip-tcp-register__suricata-verify__sip-tcp.pcap')]);
    if (sip.code !== 0) expect(sip.stderr).toMatch(/^wirelens: sip log: not available yet: /);
    expect(run(['logs', 'dns', '/nonexistent.pcap']).code).toBe(2);
  });
});
