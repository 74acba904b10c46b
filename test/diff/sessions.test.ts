// Differential test: `wirelens sessions FILE --json` against tshark's conv,tcp / conv,udp tables,
// and the packet->session assignment of `list --json` against tcp.stream / udp.stream.
import { afterAll, describe, expect, it } from 'vitest';
import { NO_TIMEOUTS, cliMissingReason, describeRun, listPackets, listSessions, stackTraceLines } from './cli';
import { compareSessionAssignment, compareSessions, formatSessionComparison } from './compare';
import { curatedCaptures, loadColumnsOracle, loadConvOracle, loadFieldsOracle } from './oracle';
import { writeReport } from './report';

const skipReason = cliMissingReason();
if (skipReason) console.log(skipReason);

const cases = curatedCaptures();
const report: string[] = [];
const assignmentReport: string[] = [];

describe.skipIf(!!skipReason)('sessions --json vs tshark conv,tcp / conv,udp', () => {
  afterAll(() => writeReport('sessions', report));

  for (const c of cases) {
    it(c.name, () => {
      const conv = loadConvOracle(c.oracleBase);
      const fields = loadFieldsOracle(c.oracleBase);
      const run = listSessions(c.capture);
      expect(stackTraceLines(run.stderr), `stack trace on stderr: ${describeRun(run)}`).toEqual([]);
      expect(run.signal, describeRun(run)).toBeNull();
      expect(run.badLines.slice(0, 3), 'stdout lines that are not JSON').toEqual([]);
      if (!conv) {
        report.push(`${c.name}: no tshark conversation oracle; ours: ${describeRun(run)}`);
        return;
      }
      // tshark's "Relative Start" is relative to the first frame, whose time counts as 0 when it
      // has none (a pcapng custom block or simple packet block).
      const firstTs = fields && fields.rows.length ? fields.rows[0].timeEpoch || '0' : undefined;
      const cmp = compareSessions(c.name, conv, run.records, firstTs);
      const lines = formatSessionComparison(cmp);
      report.push(
        lines.length
          ? lines.join('\n')
          : `${c.name}: OK (tcp ${cmp.counts.tcp.tshark}, udp ${cmp.counts.udp.tshark}${cmp.excused.length ? `, ${cmp.excused.length} known differences` : ''})`,
      );
      expect(lines).toEqual([]);
    });
  }
});

describe.skipIf(!!skipReason)('list --json session assignment vs tshark tcp.stream / udp.stream', () => {
  afterAll(() => writeReport('session-assignment', assignmentReport));

  for (const c of cases) {
    it(c.name, () => {
      const fields = loadFieldsOracle(c.oracleBase);
      if (!fields) return;
      const run = listPackets(c.capture, NO_TIMEOUTS);
      const lines = compareSessionAssignment(c.name, fields, run.records, loadColumnsOracle(c.oracleBase));
      assignmentReport.push(
        lines.length ? `${c.name}:\n  ${lines.slice(0, 10).join('\n  ')}${lines.length > 10 ? `\n  … and ${lines.length - 10} more` : ''}` : `${c.name}: OK`,
      );
      expect(lines.slice(0, 10)).toEqual([]);
    });
  }
});

it.skipIf(!skipReason)('differential session tests need the built CLI', () => {
  console.log(skipReason);
});
