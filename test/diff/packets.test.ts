// Differential test: `wirelens list FILE --json` against tshark's fields.tsv, packet by packet.
// One assertion per capture listing the first differing packets.
import { afterAll, describe, expect, it } from 'vitest';
import { cliMissingReason, damagedExitCodes, describeRun, listPackets, stackTraceLines } from './cli';
import { comparePackets, formatPacketComparison } from './compare';
import { curatedCaptures, loadColumnsOracle, loadErr, loadFieldsOracle, pcapngSuiteCaptures } from './oracle';
import { writeReport } from './report';

const skipReason = cliMissingReason();
if (skipReason) console.log(skipReason);

const cases = [...curatedCaptures(), ...pcapngSuiteCaptures()];
const report: string[] = [];

describe.skipIf(!!skipReason)('list --json vs tshark fields', () => {
  afterAll(() => writeReport('packets', report));

  for (const c of cases) {
    it(c.name, () => {
      const oracle = loadFieldsOracle(c.oracleBase);
      const tsharkErr = loadErr(c.oracleBase);
      const run = listPackets(c.capture);
      expect(stackTraceLines(run.stderr), `stack trace on stderr: ${describeRun(run)}`).toEqual([]);
      expect(run.signal, describeRun(run)).toBeNull();
      expect(run.badLines.slice(0, 3), 'stdout lines that are not JSON').toEqual([]);
      if (!oracle) {
        // tshark could not read the file at all: we must fail cleanly with a one-line message.
        report.push(`${c.name}: no tshark oracle (${(tsharkErr ?? '').split('\n')[0]}); ours: ${describeRun(run)}`);
        return;
      }
      if (tsharkErr) {
        // Damaged file: tshark printed the packets before the damage and complained.
        expect(run.stderr.trim(), `tshark complained (${tsharkErr.split('\n')[0]}); we must warn on stderr`).not.toBe('');
        expect(damagedExitCodes(), `exit code for damaged input: ${describeRun(run)}`).toContain(run.status);
      } else {
        expect(run.status, describeRun(run)).toBe(0);
      }
      const cmp = comparePackets(c.name, oracle, run.records, loadColumnsOracle(c.oracleBase));
      const lines = formatPacketComparison(cmp, oracle);
      report.push(lines.length ? lines.join('\n') : `${c.name}: OK (${cmp.compared} packets${cmp.excused.length ? `, ${cmp.excused.length} known differences` : ''})`);
      expect(lines).toEqual([]);
    });
  }
});

it.skipIf(!skipReason)('differential packet tests need the built CLI', () => {
  console.log(skipReason);
});
