/** Shared by the logs tests: indexing a fixture and reading tshark's recorded per-frame fields. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { openCapture } from '../../main/engine/readers/open';

export const ROOT = path.join(__dirname, '../..');
export const CAPS = path.join(ROOT, 'test/fixtures/captures');
const ORACLE = path.join(ROOT, 'test/fixtures/oracle');

/** An indexed fixture; its reader stays open (logs re-read packets from the file). */
export function indexOf(capture: string): CaptureIndex {
  const index = new CaptureIndex(openCapture(path.join(CAPS, capture)));
  index.runToEnd();
  return index;
}

export type Row = Map<string, string>;

/** tshark's fields for each frame, by frame number: `fields` (oracle/X.fields.tsv) or `app` (oracle/app/X.tsv). */
export function oracle(capture: string, kind: 'fields' | 'app'): Map<number, Row> {
  const file = kind === 'fields' ? path.join(ORACLE, `${capture}.fields.tsv`) : path.join(ORACLE, 'app', `${capture}.tsv`);
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  const head = (lines[0] as string).split('\t');
  const out = new Map<number, Row>();
  for (const line of lines.slice(1)) {
    const cells = line.split('\t');
    const row: Row = new Map();
    head.forEach((h, k) => row.set(h, cells[k] ?? ''));
    out.set(Number(row.get('frame.number')), row);
  }
  return out;
}

export function hasOracle(capture: string, kind: 'fields' | 'app'): boolean {
  return fs.existsSync(kind === 'fields' ? path.join(ORACLE, `${capture}.fields.tsv`) : path.join(ORACLE, 'app', `${capture}.tsv`));
}

/** A tshark multi-value cell ("a,b") as a list; empty cell → []. */
export function list(row: Row | undefined, field: string): string[] {
  const v = row?.get(field) ?? '';
  return v === '' ? [] : v.split(',');
}

/** Fixtures whose name starts with one of the prefixes. */
export function fixtures(...prefixes: string[]): string[] {
  return fs
    .readdirSync(CAPS)
    .filter((f) => prefixes.some((p) => f.startsWith(p)))
    .sort();
}
