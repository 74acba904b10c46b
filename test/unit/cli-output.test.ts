import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Output } from '../../main/cli/output';

function written(lines: string[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wl-out-')), 'out.txt');
  const fd = fs.openSync(file, 'w');
  const out = new Output(fd);
  for (const l of lines) out.line(l);
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
});
