// Robustness: `wirelens list FILE --json` over tcpdump's 830 test captures (many fuzzed or
// malformed). It must never crash (no stack trace, no signal, exit 0 or the damaged-input code),
// and it must list as many packets as tshark did wherever tshark read the file.
//
// One CLI process per file, WIRELENS_DIFF_JOBS (default: 2) at a time.
import * as os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliRun,
  type ListPacket,
  cliMissingReason,
  damagedExitCodes,
  describeRun,
  pool,
  runCliAsync,
  stackTraceLines,
} from './cli';
import { droppedRecords } from './known-differences';
import { type CaptureCase, loadErr, loadFieldsOracle, tcpdumpCaptures } from './oracle';
import { writeReport } from './report';

const skipReason = cliMissingReason();
if (skipReason) console.log(skipReason);

const JOBS = Number(process.env.WIRELENS_DIFF_JOBS ?? Math.max(2, Math.min(4, os.cpus().length)));
const PER_FILE_TIMEOUT_MS = 60_000;
const LIST_LIMIT = 40;

interface Outcome {
  c: CaptureCase;
  run: CliRun<ListPacket>;
  /** tshark's packet count (rows minus known non-packet records); undefined when tshark refused the file. */
  expected: number | undefined;
  tsharkErr: string | null;
}

const outcomes: Outcome[] = [];
let wallMs = 0;

function capped(lines: string[]): string[] {
  return lines.length > LIST_LIMIT ? [...lines.slice(0, LIST_LIMIT), `… and ${lines.length - LIST_LIMIT} more`] : lines;
}

describe.skipIf(!!skipReason)('robustness on tcpdump test captures', () => {
  beforeAll(async () => {
    const cases = tcpdumpCaptures();
    const t0 = Date.now();
    const runs = await pool(cases, JOBS, (c) => runCliAsync<ListPacket>(['list', c.capture, '--json'], PER_FILE_TIMEOUT_MS));
    wallMs = Date.now() - t0;
    cases.forEach((c, i) => {
      const oracle = loadFieldsOracle(c.oracleBase);
      const dropped = droppedRecords(c.name);
      outcomes.push({
        c,
        run: runs[i],
        expected: oracle ? oracle.rows.filter((r) => !dropped.has(r.number)).length : undefined,
        tsharkErr: loadErr(c.oracleBase),
      });
    });
    const slow = [...outcomes].sort((a, b) => b.run.ms - a.run.ms).slice(0, 5);
    console.log(
      `[test/diff] robustness: ${outcomes.length} files in ${(wallMs / 1000).toFixed(1)} s with ${JOBS} parallel processes; ` +
        `slowest: ${slow.map((o) => `${o.c.name} ${o.run.ms} ms`).join(', ')}`,
    );
  }, 900_000);

  afterAll(() => {
    const lines: string[] = [`wall time ${(wallMs / 1000).toFixed(1)} s, ${JOBS} jobs`];
    for (const o of outcomes) {
      const ok = o.expected === undefined || o.expected === o.run.records.length;
      lines.push(
        `${o.c.name}: ${ok && stackTraceLines(o.run.stderr).length === 0 ? 'OK' : 'DIFF'} ours=${o.run.records.length} tshark=${o.expected ?? 'refused'} exit=${o.run.status}` +
          (o.run.stderr.trim() ? ` stderr=${JSON.stringify(o.run.stderr.trim().split('\n')[0].slice(0, 160))}` : ''),
      );
    }
    writeReport('robustness', lines);
  });

  it('never crashes: no stack trace, no signal/timeout, exit 0 or the damaged-input code', () => {
    const allowed = damagedExitCodes();
    const bad = outcomes
      .filter((o) => stackTraceLines(o.run.stderr).length > 0 || o.run.signal !== null || !allowed.includes(o.run.status ?? -1))
      .map((o) => {
        const st = stackTraceLines(o.run.stderr);
        const msg = o.run.stderr.trim().split('\n').find((l) => l.trim() !== '') ?? '';
        return `${o.c.name}: exit=${o.run.status}${o.run.signal ? ` signal=${o.run.signal}` : ''} ${msg.slice(0, 160)}${st.length ? ` ${st[0].trim()}` : ''}`;
      });
    expect(capped(bad), `${bad.length} of ${outcomes.length} files crashed or used an unexpected exit code`).toEqual([]);
  });

  it('a non-zero exit comes with exactly one error line or warnings on stderr, and JSON-only stdout', () => {
    const bad = outcomes
      .filter((o) => (o.run.status !== 0 && o.run.stderr.trim() === '') || o.run.badLines.length > 0)
      .map((o) => `${o.c.name}: ${describeRun(o.run)}${o.run.badLines.length ? ` first non-JSON line: ${o.run.badLines[0].slice(0, 100)}` : ''}`);
    expect(capped(bad)).toEqual([]);
  });

  it('lists as many packets as tshark (where tshark read the file)', () => {
    const withOracle = outcomes.filter((o) => o.expected !== undefined);
    const bad = withOracle
      .filter((o) => o.run.records.length !== o.expected)
      .map((o) => `${o.c.name}: ours=${o.run.records.length} tshark=${o.expected} ${describeRun(o.run).replace(/^exit=/, 'exit=')}`);
    const refused = outcomes.filter((o) => o.expected === undefined);
    console.log(
      `[test/diff] robustness: packet counts compared on ${withOracle.length} files; ${refused.length} files have no tshark rows ` +
        `(tshark refused them: ${refused.map((o) => `${o.c.name} (${(o.tsharkErr ?? 'no .err').split('\n').find((l) => l.startsWith('(')) ?? ''})`).join(', ')})`,
    );
    expect(capped(bad), `${bad.length} of ${withOracle.length} files differ in packet count`).toEqual([]);
  });
});

it.skipIf(!skipReason)('robustness tests need the built CLI', () => {
  console.log(skipReason);
});
