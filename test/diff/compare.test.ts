// Self-test of the comparison logic (no CLI needed): output synthesized from the oracle itself
// must compare clean, and a single injected error must be reported exactly once.
import { describe, expect, it } from 'vitest';
import type { ListPacket, SessionRecord } from './cli';
import {
  compareSessionAssignment,
  comparePackets,
  compareSessions,
  expectedAddress,
  expectedPorts,
  formatPacketComparison,
  mergeSplitConversations,
  nsToString,
  toNs,
} from './compare';
import { droppedRecords } from './known-differences';
import { type CaptureCase, type FieldsOracle, curatedCaptures, loadColumnsOracle, loadConvOracle, loadFieldsOracle, pcapngSuiteCaptures } from './oracle';

function synthesizePackets(c: CaptureCase, o: FieldsOracle): ListPacket[] {
  const dropped = droppedRecords(c.name);
  return o.rows
    .filter((r) => !dropped.has(r.number))
    .map((r, i) => {
      const ports = expectedPorts(r);
      const stream = r.first('tcp.stream') ?? r.first('udp.stream');
      return {
        number: i + 1,
        ts: r.timeEpoch,
        len: r.len,
        caplen: r.capLen,
        iface: r.interfaceId ?? 0,
        section: 0,
        src: expectedAddress(r, 'src') ?? null,
        dst: expectedAddress(r, 'dst') ?? null,
        sport: ports.sport,
        dport: ports.dport,
        proto: r.protocol,
        info: r.info,
        session: ports.sport !== null && stream !== undefined ? Number(stream) * 2 + (r.has('tcp.stream') ? 0 : 1) : null,
      };
    });
}

describe('expectedAddress', () => {
  it('prefers the recorded Source/Destination columns (IPv6 Home Address option, routing header)', () => {
    const c = curatedCaptures().find((x) => x.name.startsWith('ipv6-routing-header__'))!;
    const o = loadFieldsOracle(c.oracleBase)!;
    const cols = loadColumnsOracle(c.oracleBase)!;
    const row = o.rows[0];
    expect(expectedAddress(row, 'dst')).toBe(row.first('ipv6.dst'));
    expect(expectedAddress(row, 'dst', cols)).toBe(cols.get(row.number)!.dst);
    expect(expectedAddress(row, 'dst', cols)).not.toBe(row.first('ipv6.dst'));
  });
});

describe('comparePackets', () => {
  const cases = [...curatedCaptures(), ...pcapngSuiteCaptures()];

  it('finds no differences in output synthesized from the oracle', () => {
    for (const c of cases) {
      const o = loadFieldsOracle(c.oracleBase);
      if (!o) continue;
      const ours = synthesizePackets(c, o);
      const cmp = comparePackets(c.name, o, ours);
      expect(formatPacketComparison(cmp, o), c.name).toEqual([]);
      expect(compareSessionAssignment(c.name, o, ours), c.name).toEqual([]);
    }
  });

  it('reports injected differences, per packet and field, with the count', () => {
    const c = cases.find((x) => x.name.startsWith('dns-tcp__'))!;
    const o = loadFieldsOracle(c.oracleBase)!;
    const ours = synthesizePackets(c, o);
    ours[3] = { ...ours[3], src: '10.9.9.9', sport: null };
    const cmp = comparePackets(c.name, o, ours.slice(0, 10));
    expect(cmp.diffs.map((d) => [d.frame, d.field])).toEqual([
      [0, 'count'],
      [4, 'src'],
      [4, 'sport'],
    ]);
    const text = formatPacketComparison(cmp, o).join('\n');
    expect(text).toMatch(/1 of 10 compared packets differ; packet count ours=10 tshark=11/);
    expect(text).toMatch(/frame 4 \[DNS: Standard query.*src: ours="10.9.9.9" tshark="192.168.1.11"; sport: ours=null tshark=33779/);
  });

  it('drops pcapng custom blocks (known differences) from the alignment', () => {
    const c = cases.find((x) => x.name === 'pcapng-suite/le/test202.pcapng')!;
    const o = loadFieldsOracle(c.oracleBase)!;
    const cmp = comparePackets(c.name, o, synthesizePackets(c, o));
    expect(cmp.expectedCount).toBe(8);
    expect(cmp.dropped).toEqual([1, 7, 10]);
  });

  it('expects no ports on ICMP errors that quote a TCP header, and on non-final fragments', () => {
    const o = loadFieldsOracle(curatedCaptures().find((c) => c.name.startsWith('mixed-dns-tls-http-icmp'))!.oracleBase)!;
    const icmp = o.rows.find((r) => r.number === 32)!;
    expect(expectedPorts(icmp)).toEqual({ sport: null, dport: null });
    expect(expectedAddress(icmp, 'src')).toBe('70.28.69.142');
    const frag = loadFieldsOracle(curatedCaptures().find((c) => c.name.startsWith('ipv4-frag-nfs'))!.oracleBase)!;
    expect(expectedPorts(frag.rows[0])).toEqual({ sport: null, dport: null });
    expect(expectedPorts(frag.rows[5])).toEqual({ sport: 789, dport: 2049 });
  });
});

describe('compareSessions', () => {
  it('finds no differences in sessions synthesized from the conv tables, in either orientation', () => {
    for (const c of curatedCaptures()) {
      const conv = loadConvOracle(c.oracleBase);
      const fields = loadFieldsOracle(c.oracleBase);
      if (!conv || !fields) continue;
      if (fields.rows.length === 0) continue;
      const firstTs = fields.rows[0].timeEpoch || '0';
      let id = 0;
      const ours: SessionRecord[] = (['tcp', 'udp'] as const).flatMap((proto) =>
        mergeSplitConversations(c.name, proto, conv[proto]).map((t, i): SessionRecord => {
          const flip = i % 2 === 1; // report half of them from B's side
          return {
            id: id++,
            proto,
            a: flip ? t.b : t.a,
            aport: (flip ? t.bport : t.aport) ?? null,
            b: flip ? t.a : t.b,
            bport: (flip ? t.aport : t.bport) ?? null,
            packets_ab: flip ? t.framesBA : t.framesAB,
            bytes_ab: (flip ? t.bytesBA : t.bytesAB).exact ?? 0,
            packets_ba: flip ? t.framesAB : t.framesBA,
            bytes_ba: (flip ? t.bytesAB : t.bytesBA).exact ?? 0,
            start: nsToString(toNs(firstTs) + toNs(t.relStart)),
            duration: Number(t.duration),
            state: 'unknown',
          };
        }),
      );
      const cmp = compareSessions(c.name, conv, ours, firstTs);
      expect(cmp.diffs, c.name).toEqual([]);
    }
  });

  it('reports missing, extra and miscounted conversations', () => {
    const c = curatedCaptures().find((x) => x.name.startsWith('dns-tcp__'))!;
    const conv = loadConvOracle(c.oracleBase)!;
    const t = conv.tcp[0];
    const base: SessionRecord = {
      id: 0, proto: 'tcp', a: t.a, aport: t.aport!, b: t.b, bport: t.bport!,
      packets_ab: 6, bytes_ab: 402, packets_ba: 4, bytes_ba: 460,
      start: '1591780863.720289000', duration: 0.381, state: 'closed-fin',
    };
    const extra: SessionRecord = { ...base, id: 1, proto: 'udp', aport: 1, bport: 2 };
    const cmp = compareSessions(c.name, conv, [base, extra], '1591780863.720289000');
    expect(cmp.diffs.map((d) => `${d.table} ${d.field} ${d.ours} ${d.tshark}`)).toEqual([
      'tcp frames 6/4 6/5',
      'tcp bytes 402/460 402 bytes/520 bytes',
      'udp presence present absent',
    ]);
  });

  it('converts decimal seconds exactly', () => {
    expect(toNs('1.000001234')).toBe(1_000_001_234n);
    expect(toNs('-0.5')).toBe(-500_000_000n);
    expect(nsToString(-500_000_000n)).toBe('-0.500000000');
    expect(nsToString(toNs('4294967296.123456789'))).toBe('4294967296.123456789');
  });
});

describe('known-differences.ts', () => {
  it('every entry names an existing capture and oracle frame / conversation, with a reason', async () => {
    const { KNOWN_PACKET_DIFFERENCES, KNOWN_SESSION_DIFFERENCES } = await import('./known-differences');
    const { tcpdumpCaptures } = await import('./oracle');
    const all = new Map([...curatedCaptures(), ...pcapngSuiteCaptures(), ...tcpdumpCaptures()].map((c) => [c.name, c]));
    for (const d of KNOWN_PACKET_DIFFERENCES) {
      const c = all.get(d.capture);
      expect(c, d.capture).toBeDefined();
      expect(d.reason.length).toBeGreaterThan(20);
      const row = loadFieldsOracle(c!.oracleBase)!.rows.find((r) => r.number === d.frame);
      expect(row, `${d.capture} frame ${d.frame}`).toBeDefined();
      // A custom-block entry must point at tshark's "PCAPNG" pseudo-frame, not at a real packet.
      if (d.field === 'record' && /Custom Block/.test(d.reason)) expect(row!.protocol, `${d.capture} frame ${d.frame}`).toBe('PCAPNG');
      // A Simple Packet Block 'ts' entry must point at a frame without a timestamp.
      if (d.field === 'ts' && /Simple Packet Block/.test(d.reason)) expect(row!.timeEpoch, `${d.capture} frame ${d.frame}`).toBe('');
    }
    for (const d of KNOWN_SESSION_DIFFERENCES) {
      const c = all.get(d.capture);
      expect(c, d.capture).toBeDefined();
      const conv = loadConvOracle(c!.oracleBase)![d.table];
      if (d.field === 'presence') continue; // may name a conversation only wirelens has
      expect(conv.some((x) => `${x.a}:${x.aport} <-> ${x.b}:${x.bport}` === d.conversation ||
        `${x.b}:${x.bport} <-> ${x.a}:${x.aport}` === d.conversation), d.conversation).toBe(true);
    }
  });
});
