/** The text table of `wirelens sessions`: columns at fixed widths, the same values as --json. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'wirelens.js');
const built = fs.existsSync(path.join(ROOT, 'dist', 'main', 'cli', 'wirelens.js'));
if (!built) console.log('[sessions-text] dist/ is missing: run `npm run build` first; skipped');

const run = (...a: string[]): string => spawnSync(process.execPath, [CLI, ...a], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;

describe.skipIf(!built)('sessions text table', () => {
  for (const extra of [[], ['--no-classify']]) {
    it(`pads every column as the header does ${extra.join(' ')}`, () => {
      const cap = path.join(ROOT, 'test', 'fixtures', 'captures', 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng');
      const text = run('sessions', cap, ...extra).split('\n').filter(Boolean);
      const rows = run('sessions', cap, '--json', ...extra)
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, string | number>);
      expect(rows.length).toBeGreaterThan(10);
      const want = rows.map(
        (r) =>
          `${String(r.proto).padEnd(7)}${String(r.a).padStart(40)}:${String(r.aport).padEnd(6)} ${String(r.b).padStart(40)}:${String(r.bport).padEnd(6)}` +
          `${String(r.packets_ab).padStart(10)}${String(r.bytes_ab).padStart(13)}${String(r.packets_ba).padStart(10)}${String(r.bytes_ba).padStart(13)}  ` +
          `${String(r.start).padEnd(21)}${(r.duration as number).toFixed(6).padStart(13)}  ${String(r.state).padEnd(12)}` +
          `${String(r.app).padEnd(22)}${String(r.category).padEnd(18)}${`${r.country_a}→${r.country_b}`.padEnd(12)}${String(r.asn_b).padEnd(8)}${r.sni}`,
      );
      expect(text.slice(1)).toEqual(want);
      // With classification the table ends in the SNI column, which must hold something here.
      if (extra.length === 0) expect(rows.some((r) => r.sni !== '')).toBe(true);
    });
  }
});
