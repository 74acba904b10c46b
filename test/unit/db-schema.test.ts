/**
 * The flow database without a backend: docs/database.md documents every table, column and index of the
 * schema; every log column has a place; URLs; the query output formats.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDbUrl, FlowDbError, parseDbUrl, redactUrl } from '../../main/engine/db/flow-db';
import { formatResult } from '../../main/engine/db/result-format';
import { LOG_TABLES, TABLES, schemaStatements, sqlColumnOf } from '../../main/engine/db/schema';
import { DNS_COLUMNS, HTTP_COLUMNS, SIP_COLUMNS, TLS_COLUMNS } from '../../main/engine/logs';
import { ROOT } from './db-helpers';

const docs = fs.readFileSync(path.join(ROOT, 'docs/database.md'), 'utf8');

/** The documentation of one table: from its heading to the next table's. */
function section(table: string): string {
  const heading = /^\w+_log$/.test(table) ? `**${table}**` : `### ${table}`;
  const start = docs.indexOf(heading);
  expect(start, `docs/database.md has no section "${heading}"`).toBeGreaterThanOrEqual(0);
  const rest = docs.slice(start + heading.length);
  const end = rest.search(/\n(### |\*\*\w+_log\*\*|## )/);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('docs/database.md', () => {
  const logHead = section('Log tables — dns_log, http_log, tls_log, sip_log');
  for (const t of TABLES) {
    it(`documents every column and index of ${t.name}`, () => {
      const text = t.name.endsWith('_log') ? logHead + section(t.name) : section(t.name);
      const documented = new Set([...text.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]));
      expect(t.columns.map((c) => c.name).filter((c) => !documented.has(c))).toEqual([]);
      // No documented column that the schema lacks.
      expect([...documented].filter((c) => !t.columns.some((col) => col.name === c))).toEqual([]);
      for (const ix of t.indexes) expect(docs, ix.name).toContain(ix.name.endsWith('_flow') ? '<table>_flow' : ix.name);
    });
  }
});

describe('schema', () => {
  it('gives every log column a column of its table', () => {
    const logs = { dns: DNS_COLUMNS, tls: TLS_COLUMNS, http: HTTP_COLUMNS, sip: SIP_COLUMNS };
    for (const [kind, cols] of Object.entries(logs)) {
      const table = LOG_TABLES[kind as keyof typeof LOG_TABLES];
      const have = new Set(table.columns.map((c) => c.name));
      expect(cols.map(sqlColumnOf).filter((c) => !have.has(c)), kind).toEqual([]);
      // And nothing beyond the log's columns and the four head columns.
      expect(table.columns.length).toBe(cols.length + 4);
    }
  });

  it('writes the same tables and indexes for both dialects, lists as arrays only on PostgreSQL', () => {
    const names = (stmts: string[]): string[] => stmts.map((s) => /(TABLE|INDEX) IF NOT EXISTS (\w+)/.exec(s)?.[2] ?? s);
    const lite = schemaStatements('sqlite');
    const pg = schemaStatements('postgres');
    expect(names(lite)).toEqual(names(pg));
    const flowsPg = pg.find((s) => s.includes('TABLE IF NOT EXISTS flows')) as string;
    const flowsLite = lite.find((s) => s.includes('TABLE IF NOT EXISTS flows')) as string;
    expect(flowsPg).toMatch(/lengths integer\[\] NOT NULL/);
    expect(flowsPg).toMatch(/times_us bigint\[\] NOT NULL/);
    expect(flowsLite).toMatch(/lengths JSON_TEXT NOT NULL/);
  });
});

describe('database URLs', () => {
  it('reads sqlite: and postgres: URLs and refuses others', () => {
    expect(parseDbUrl('sqlite:/tmp/x.sqlite')).toEqual({ dialect: 'sqlite', target: '/tmp/x.sqlite' });
    expect(parseDbUrl('sqlite://rel/x.sqlite')).toEqual({ dialect: 'sqlite', target: 'rel/x.sqlite' });
    expect(parseDbUrl('postgres://u@h/db').dialect).toBe('postgres');
    expect(parseDbUrl('postgresql://u@h:5433/db').dialect).toBe('postgres');
    expect(() => parseDbUrl('mysql://u:secret@h/db')).toThrow(FlowDbError);
    expect(() => parseDbUrl('mysql://u:secret@h/db')).not.toThrow(/secret/);
  });

  it('never prints a password', () => {
    expect(redactUrl('postgres://wl:s3cr3t@db.example:5432/flows')).toBe('postgres://wl:***@db.example:5432/flows');
    expect(redactUrl('postgres://wl@db/flows')).toBe('postgres://wl@db/flows');
  });

  it('defaults to WIRELENS_DB, else a file in the data directory', () => {
    expect(defaultDbUrl({ WIRELENS_DB: 'postgres://x@y/z' })).toBe('postgres://x@y/z');
    expect(defaultDbUrl({ XDG_DATA_HOME: '/data' })).toBe('sqlite:/data/wirelens/flows.sqlite');
  });
});

describe('query output', () => {
  const result = {
    columns: [
      { name: 'app', list: false },
      { name: 'flows', list: false },
      { name: 'lengths', list: true },
    ],
    rows: [
      ['Google', 12, [60, -1514]],
      [null, 3, []],
      ['a, "b"\nc', 1000, [1]],
    ],
    changes: null,
  };

  it('aligns a table: text left, numbers right, NULL empty, lists as JSON', () => {
    expect(formatResult(result, 'table')).toEqual([
      'app       | flows | lengths',
      '----------+-------+-----------',
      'Google    |    12 | [60,-1514]',
      '          |     3 | []',
      'a, "b"\\nc |  1000 | [1]',
      '(3 rows)',
    ]);
  });

  it('cuts long cells in the table only', () => {
    const long = { columns: [{ name: 'x', list: false }], rows: [['y'.repeat(200)]], changes: null };
    expect((formatResult(long, 'table')[2] as string).length).toBe(80);
    expect((formatResult(long, 'csv')[1] as string).length).toBe(200);
  });

  it('quotes CSV cells as RFC 4180 says', () => {
    expect(formatResult(result, 'csv')).toEqual(['app,flows,lengths', 'Google,12,"[60,-1514]"', ',3,[]', '"a, ""b""\nc",1000,[1]']);
  });

  it('prints one JSON object per row with lists as arrays', () => {
    expect(formatResult(result, 'json').map((l) => JSON.parse(l) as unknown)).toEqual([
      { app: 'Google', flows: 12, lengths: [60, -1514] },
      { app: null, flows: 3, lengths: [] },
      { app: 'a, "b"\nc', flows: 1000, lengths: [1] },
    ]);
  });
});
