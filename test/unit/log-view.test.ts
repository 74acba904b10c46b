/**
 * The logs view's engine side (LogStore over a real index, as the logs worker runs it): what its rows say is
 * checked against tshark's fields at the rows' own frames (DNS names/rcodes, HTTP host/uri/status, TLS SNI/JA3,
 * JA4 against FoxIO's oracle), the display filter against tshark's selection, quick search and sort against
 * their definitions, the per-row filters against tshark (each must select the row's packets), CSV/JSON lines
 * export, and the rebuild throttle of a growing capture.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CAPS, indexOf, ROOT } from './logs-helpers';
import { LogStore, REBUILD_MS, type LogQuery } from '../../main/service/views/logs-store';
import type { LogRow, LogRowsResult } from '../../shared/views/logs';
import { compileFilter } from '../../main/engine/filter';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { openCapture } from '../../main/engine/readers/open';
import { SessionEnrichment } from '../../main/engine/sessions/session-enrichment';
import { sharedRules } from '../../main/engine/classify/load-rules';

const TSHARK = '/usr/bin/tshark';
const MIXED = 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng';
const HTTP = 'http1-many-requests__foxio-ja4__http1.pcapng';

/** tshark's fields per frame number (multi-value cells as tshark prints them, comma-joined). */
function tsharkFields(capture: string, fields: string[], filter?: string): Map<number, string[]> {
  const args = ['-r', path.join(CAPS, capture), '-T', 'fields', '-E', 'separator=\t', '-e', 'frame.number'];
  for (const f of fields) args.push('-e', f);
  if (filter !== undefined) args.push('-Y', filter);
  const out = execFileSync(TSHARK, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  const m = new Map<number, string[]>();
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const cells = line.split('\t');
    m.set(Number(cells[0]), cells.slice(1));
  }
  return m;
}

function storeOf(capture: string): LogStore {
  const index = indexOf(capture);
  return new LogStore({ index, refresh: () => undefined });
}

function allRows(store: LogStore, q: Partial<LogQuery> & Pick<LogQuery, 'kind'>): LogRowsResult & { all: LogRow[] } {
  const query: LogQuery = { search: '', filter: '', ...q };
  const first = store.rows(query, 0, 1000, false);
  const all = [...first.rows];
  while (all.length < first.total) all.push(...store.rows(query, all.length, 1000, false).rows);
  return { ...first, all };
}

const cell = (r: LogRowsResult, row: LogRow, column: string): unknown => row.cells[r.columns.indexOf(column)];

describe('DNS log rows against tshark', () => {
  const store = storeOf(MIXED);
  const r = allRows(store, { kind: 'dns' });
  const t = tsharkFields(MIXED, ['dns.qry.name', 'dns.flags.rcode', 'dns.flags.response', 'dns.id']);

  it('every query name is tshark dns.qry.name at the row first frame, every rcode its response frame', () => {
    expect(r.all.length).toBeGreaterThan(10);
    let answered = 0;
    for (const row of r.all) {
      const first = t.get(row.frames[0] as number);
      expect(first, `tshark sees DNS in frame ${row.frames[0]}`).toBeDefined();
      expect(cell(r, row, 'query')).toBe(first?.[0]);
      expect(cell(r, row, 'trans_id')).toBe(Number(first?.[3]));
      const resp = row.frames.map((f) => t.get(f)).find((x) => x?.[2] === '1');
      if (resp !== undefined) {
        answered++;
        expect(cell(r, row, 'rcode')).toBe(Number(resp[1]));
      } else expect(cell(r, row, 'rcode')).toBeNull();
    }
    expect(answered).toBeGreaterThan(5);
  });

  it('a display filter keeps the records with a matching packet, as tshark selects them', () => {
    const f = allRows(store, { kind: 'dns', filter: 'dns.qry.type == 65' });
    const https = new Set(tsharkFields(MIXED, [], 'dns.qry.type == 65').keys());
    expect(f.total).toBeGreaterThan(0);
    expect(f.total).toBeLessThan(r.total);
    for (const row of f.all) expect(row.frames.some((fr) => https.has(fr))).toBe(true);
    const kept = new Set(f.all.map((x) => x.record));
    for (const row of r.all) if (!kept.has(row.record)) expect(row.frames.some((fr) => https.has(fr))).toBe(false);
  });

  it('a bad display filter says where, and leaves the rows unfiltered', () => {
    const bad = store.rows({ kind: 'dns', search: '', filter: 'dns.qry.nme == 1' }, 0, 10, false);
    expect(bad.filterError?.message).toMatch(/dns\.qry\.nme/);
    expect(bad.total).toBe(r.total);
  });

  it('quick search keeps exactly the rows whose text contains it, case-insensitively', () => {
    const needle = 'AppDynamics';
    const s = allRows(store, { kind: 'dns', search: needle });
    const contains = (row: LogRow): boolean => JSON.stringify(row.cells).toLowerCase().includes(needle.toLowerCase());
    expect(s.total).toBeGreaterThan(0);
    expect(s.all.every(contains)).toBe(true);
    expect(s.total).toBe(r.all.filter(contains).length);
  });

  it('sorts by a column both ways, unset cells last', () => {
    for (const desc of [false, true]) {
      const s = allRows(store, { kind: 'dns', sort: { column: 'query', desc } });
      const names = s.all.map((row) => cell(s, row, 'query') as string | null);
      const set = names.filter((n): n is string => n !== null).map((n) => n.toLowerCase());
      const sorted = [...set].sort();
      if (desc) sorted.reverse();
      expect(set).toEqual(sorted);
      expect(names.slice(set.length).every((n) => n === null)).toBe(true);
      expect(s.total).toBe(r.total);
    }
  });

  it("each row's filters compile here and select the row's packets in tshark", () => {
    for (const row of r.all.slice(0, 4)) {
      expect(row.filters.length).toBeGreaterThanOrEqual(2);
      for (const f of row.filters) {
        expect(() => compileFilter(f.expr), f.expr).not.toThrow();
        const selected = new Set(tsharkFields(MIXED, [], f.expr).keys());
        for (const fr of row.frames) expect(selected.has(fr), `${f.label}: ${f.expr} selects ${fr}`).toBe(true);
      }
    }
  });

  it('exports the view as CSV with a header and as JSON lines with every column', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-logs-'));
    const csv = path.join(dir, 'dns.csv');
    const jsonl = path.join(dir, 'dns.jsonl');
    const q: LogQuery = { kind: 'dns', search: 'appdynamics', filter: '' };
    const shown = allRows(store, q);
    expect(store.export(q, 'csv', csv)).toBe(shown.total);
    const lines = fs.readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(shown.columns.join(','));
    expect(lines.length).toBe(shown.total + 1);
    expect(store.export(q, 'jsonl', jsonl)).toBe(shown.total);
    const objs = fs.readFileSync(jsonl, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs.map((o) => o['query'])).toEqual(shown.all.map((row) => cell(shown, row, 'query')));
    expect(Object.keys(objs[0] ?? {})).toEqual(shown.columns);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('HTTP and TLS log rows against tshark', () => {
  it('HTTP host, uri and status are tshark http.host / http.request.uri / http.response.code at the row frames', () => {
    const r = allRows(storeOf(HTTP), { kind: 'http' });
    const t = tsharkFields(HTTP, ['http.host', 'http.request.uri', 'http.response.code']);
    expect(r.all.length).toBeGreaterThan(3);
    let statuses = 0;
    for (const row of r.all) {
      const req = t.get(row.frames[0] as number);
      expect(cell(r, row, 'host')).toBe(req?.[0] || null);
      expect(cell(r, row, 'uri')).toBe(req?.[1] || null);
      const resp = row.frames.slice(1).map((f) => t.get(f)?.[2]).find((c) => c !== undefined && c !== '');
      if (resp !== undefined) {
        statuses++;
        expect(cell(r, row, 'status_code')).toBe(Number(resp));
      }
    }
    expect(statuses).toBeGreaterThan(0);
  });

  it('TLS server name and JA3 are tshark fields of the ClientHello, JA4 is FoxIO ja4 oracle of the stream', () => {
    const store = storeOf(MIXED);
    const r = allRows(store, { kind: 'tls' });
    const hellos = tsharkFields(MIXED, ['tls.handshake.extensions_server_name', 'tls.handshake.ja3', 'tcp.stream'], 'tls.handshake.type == 1');
    const oracle = fs
      .readFileSync(path.join(ROOT, 'test/fixtures/ja4/foxio_latest.pcapng.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'));
    let ja4 = 0;
    for (const row of r.all) {
      const hello = row.frames.map((f) => hellos.get(f)).find((x) => x !== undefined);
      expect(hello, `row with frames ${row.frames.join(',')} has a ClientHello`).toBeDefined();
      expect(cell(r, row, 'server_name')).toBe(hello?.[0] || null);
      expect(cell(r, row, 'ja3')).toBe(hello?.[1]);
      const o = oracle.find((x) => x[0] === hello?.[2] && x[1] === 'tcp');
      if (o !== undefined) {
        ja4++;
        expect(cell(r, row, 'ja4')).toBe(o[7]);
      }
    }
    expect(ja4).toBeGreaterThan(3);
  });
});

describe('apps log and rebuilds', () => {
  it('the apps log needs the session enrichment, which the open capture has', () => {
    const index = new CaptureIndex(openCapture(path.join(CAPS, MIXED)), { enrich: new SessionEnrichment({ rules: sharedRules() }) });
    index.runToEnd();
    const r = allRows(new LogStore({ index, refresh: () => undefined }), { kind: 'apps' });
    expect(r.unavailable).toBeUndefined();
    expect(r.total).toBeGreaterThan(0);
    for (const row of r.all) {
      expect(row.filters.some((f) => /\.stream (eq|in)/.test(f.expr))).toBe(true);
      // Linked to packets through its sessions' first packets, which belong to those sessions.
      expect(row.frames.length).toBe(row.sessions.length);
      for (const f of row.frames) expect(row.sessions).toContain(index.store.session[f - 1]);
    }
    // Without enrichment the log says why instead of being empty.
    expect(storeOf(MIXED).rows({ kind: 'apps', search: '', filter: '' }, 0, 10, false).unavailable).toMatch(/enrichment/);
  });

  it('a growing capture is rebuilt at most every REBUILD_MS, a finished one at once', () => {
    const index = new CaptureIndex(openCapture(path.join(CAPS, MIXED)));
    index.step(50);
    let now = 1_000_000;
    const store = new LogStore({ index, refresh: () => undefined }, () => now);
    const q: LogQuery = { kind: 'dns', search: '', filter: '' };
    const a = store.rows(q, 0, 1000, true);
    expect(a.packets).toBe(50);
    index.step(100);
    const b = store.rows(q, 0, 1000, true);
    expect(b.packets).toBe(50);
    expect(b.stale).toBe(true);
    now += REBUILD_MS;
    const c = store.rows(q, 0, 1000, true);
    expect(c.packets).toBe(150);
    expect(c.total).toBeGreaterThanOrEqual(a.total);
    index.runToEnd();
    const d = store.rows(q, 0, 1000, false);
    expect(d.packets).toBe(index.store.count);
    expect(d.stale).toBe(false);
  });
});
