// Collects the per-capture mismatch summaries of a run into one text file outside the repo
// (default: $TMPDIR/wirelens-diff/<name>.txt; WIRELENS_DIFF_REPORT_DIR overrides), and prints its path.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function reportDir(): string {
  return process.env.WIRELENS_DIFF_REPORT_DIR ?? path.join(os.tmpdir(), 'wirelens-diff');
}

export function writeReport(name: string, sections: readonly string[]): string {
  const dir = reportDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.txt`);
  const ok = sections.filter((s) => /: OK\b/.test(s.split('\n')[0])).length;
  const body = `# ${name}: ${sections.length} captures, ${ok} without differences (${new Date().toISOString()})\n\n` +
    sections.join('\n') + '\n';
  fs.writeFileSync(file, body);
  console.log(`[test/diff] ${name} report: ${file}`);
  return file;
}
