import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Output } from '../../main/cli/output';

function written(lines: string[]): string {
  return writtenBy((out) => {
    for (const l of lines) out.line(l);
  });
}

function writtenBy(write: (out: Output) => void): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wl-out-')), 'out.txt');
  const fd = fs.openSync(file, 'w');
  const out = new Output(fd);
  write(out);
  out.flush();
  fs.closeSync(fd);
  return fs.readFileSync(file, 'utf8');
}

describe('Output (buffered stdout)', () => {
  it('writes every line in order across buffer flushes, multi-byte characters intact', () => {
    const lines = Array.from({ length: 40000 }, (_, i) => `${i} 10.0.0.1 → 10.0.0.2 TCP ${'é'.repeat(i % 7)} ✓`);
    expect(written(lines)).toBe(lines.join('\n') + '\n');
  });

  it('writes a line longer than its buffer whole', () => {
    const long = 'ab→'.repeat(600000);
    expect(written(['first', long, 'last'])).toBe(`first\n${long}\nlast\n`);
  });

  it('writes lines from pieces exactly as the template string would be', () => {
    const arrow = Buffer.from(' → ', 'utf8');
    const rows: [number, boolean, number, number, number, string, string][] = [];
    for (let i = 0; i < 30000; i++) {
      // Numbers of every width (0, past the pad width, past 2^32), times both signs, ASCII and not.
      const n = i === 0 ? 0 : i * 7919 * (i % 50 === 0 ? 1e6 : 1);
      rows.push([n, i % 3 === 0, Math.floor(i / 7) * (i % 11 === 0 ? 1e7 : 1), (i * 104729) % 1e9, i % 2 === 0 ? 6 : 9, `10.0.${i % 256}.1`, i % 5 === 0 ? `Standard query A é${i}.example` : `Len=${i}`]);
    }
    const expected = rows
      .map(([n, neg, whole, ns, digits, src, info]) => {
        const frac = digits === 9 ? ns : Math.floor(ns / 1000);
        const t = `${neg ? '-' : ''}${whole}.${String(frac).padStart(digits, '0')}`;
        return `${String(n).padStart(6)} ${t.padStart(digits + 5)} ${src} → ${info}\n`;
      })
      .join('');
    const got = writtenBy((out) => {
      for (const [n, neg, whole, ns, digits, src, info] of rows) {
        out.int(n, 6);
        out.text(' ');
        out.fixed(neg, whole, digits === 9 ? ns : Math.floor(ns / 1000), digits, digits + 5);
        out.text(' ');
        out.text(src);
        out.bytes(arrow);
        out.text(info);
        out.end();
      }
    });
    expect(got).toBe(expected);
  });
});
