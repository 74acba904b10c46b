/** `wirelens sessions FILE [--json|--csv]`: the session table. */
import { CaptureIndex } from '../../engine/capture/capture-index';
import { epochString } from '../../engine/capture/columns';
import { STATE_NAMES, SessionTable, TS_HANDSHAKE } from '../../engine/sessions/session-table';
import type { EndpointTable } from '../../engine/store/endpoints';
import { ParsedArgs, UsageError } from '../args';
import { Output } from '../output';
import { openForCli, reportReaderErrors } from '../open-file';
import { timeoutsFrom } from './timeouts-option';
import { filterFrom } from '../filter-option';
import { selectPackets } from '../../engine/capture/select';

const PROTO_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'esp', 58: 'icmpv6', 132: 'sctp' };

export const SESSION_COLUMNS = [
  'id',
  'proto',
  'a',
  'aport',
  'b',
  'bport',
  'packets_ab',
  'bytes_ab',
  'packets_ba',
  'bytes_ba',
  'start',
  'duration',
  'state',
  'handshake',
] as const;

export type SessionRow = Record<(typeof SESSION_COLUMNS)[number], string | number | boolean>;

export function sessionRow(s: SessionTable, ep: EndpointTable, id: number): SessionRow {
  const proto = s.proto[id] as number;
  const durNs = ((s.lastSec[id] as number) - (s.firstSec[id] as number)) * 1e9 + ((s.lastNsec[id] as number) - (s.firstNsec[id] as number));
  return {
    id,
    proto: PROTO_NAMES[proto] ?? `ip-${proto}`,
    a: ep.format(s.epA[id] as number),
    aport: s.portA[id] as number,
    b: ep.format(s.epB[id] as number),
    bport: s.portB[id] as number,
    packets_ab: s.pktsAB[id] as number,
    bytes_ab: s.bytesAB[id] as number,
    packets_ba: s.pktsBA[id] as number,
    bytes_ba: s.bytesBA[id] as number,
    start: epochString(s.firstSec[id] as number, s.firstNsec[id] as number),
    duration: Math.round(durNs) / 1e9,
    state: STATE_NAMES[s.state[id] as number] ?? 'new',
    handshake: proto === 6 && ((s.tcpEvents[id] as number) & TS_HANDSHAKE) !== 0,
  };
}

export function sessionsCommand(args: ParsedArgs): number {
  const path = args.positional[0];
  if (!path) throw new UsageError('sessions needs a capture file');
  const filter = filterFrom(args);
  const reader = openForCli(path);
  const index = new CaptureIndex(reader, { noStore: filter === null, timeouts: timeoutsFrom(args) });
  index.runToEnd();
  // With -Y, only sessions having at least one matching packet are listed.
  let keep: Uint8Array | null = null;
  if (filter !== null) {
    keep = new Uint8Array(index.sessions.count);
    for (const n of selectPackets(index, filter)) {
      const sid = index.store.session[n - 1] as number;
      if (sid >= 0) keep[sid] = 1;
    }
  }
  reader.close();
  const out = new Output();
  const s = index.sessions;
  const format = args.flags.has('--json') ? 'json' : args.flags.has('--csv') ? 'csv' : 'text';
  if (format === 'csv') out.line(SESSION_COLUMNS.join(','));
  if (format === 'text') {
    out.line(
      `${'proto'.padEnd(7)}${'a'.padStart(40)}:${'port'.padEnd(6)} ${'b'.padStart(40)}:${'port'.padEnd(6)}` +
        `${'pkts a→b'.padStart(10)}${'bytes a→b'.padStart(13)}${'pkts b→a'.padStart(10)}${'bytes b→a'.padStart(13)}  ${'start'.padEnd(21)}${'duration'.padStart(13)}  state`,
    );
  }
  for (let id = 0; id < s.count; id++) {
    if (keep !== null && keep[id] === 0) continue;
    const r = sessionRow(s, index.endpoints, id);
    if (format === 'json') out.line(JSON.stringify(r));
    else if (format === 'csv') out.line(SESSION_COLUMNS.map((c) => csvCell(r[c])).join(','));
    else {
      out.line(
        `${String(r.proto).padEnd(7)}${String(r.a).padStart(40)}:${String(r.aport).padEnd(6)} ${String(r.b).padStart(40)}:${String(r.bport).padEnd(6)}` +
          `${String(r.packets_ab).padStart(10)}${String(r.bytes_ab).padStart(13)}${String(r.packets_ba).padStart(10)}${String(r.bytes_ba).padStart(13)}  ` +
          `${String(r.start).padEnd(21)}${(r.duration as number).toFixed(6).padStart(13)}  ${r.state}`,
      );
    }
  }
  out.flush();
  return reportReaderErrors(reader);
}

function csvCell(v: string | number | boolean): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
