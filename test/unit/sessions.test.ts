import { describe, expect, it } from 'vitest';
import { SessionTable, ST_ACTIVE, ST_TIMED_OUT, DEFAULT_TIMEOUTS } from '../../main/engine/sessions/session-table';
import { SessionTracker } from '../../main/engine/sessions/session-tracker';
import { EndpointTable } from '../../main/engine/store/endpoints';
import { Dissection, MODE_INDEX, NET_IPV4 } from '../../main/engine/dissect/dissection';
import { STATE_NAMES } from '../../main/engine/sessions/session-table';

const out = { dir: -1 };

describe('session table', () => {
  it('finds the same session from both directions and tells the direction', () => {
    const t = new SessionTable();
    const a = t.lookup(17, 1, 5000, 2, 53, 100, 0, 1, 0, out);
    expect(out.dir).toBe(0);
    const b = t.lookup(17, 2, 53, 1, 5000, 100, 5, 2, 0, out);
    expect(b).toBe(a);
    expect(out.dir).toBe(1);
    const c = t.lookup(17, 1, 5001, 2, 53, 100, 9, 3, 0, out);
    expect(c).not.toBe(a);
    expect(t.count).toBe(2);
  });

  it('splits a tuple after the idle timeout and marks the old session timed out', () => {
    const t = new SessionTable({ ...DEFAULT_TIMEOUTS, udp: 10 });
    const a = t.lookup(17, 1, 5000, 2, 53, 100, 0, 1, 0, out);
    expect(t.lookup(17, 1, 5000, 2, 53, 109, 0, 2, 0, out)).toBe(a); // lookup does not move `last`; the tracker does
    const b = t.lookup(17, 1, 5000, 2, 53, 111, 0, 3, 0, out);
    expect(b).not.toBe(a);
    expect(t.state[a]).toBe(ST_TIMED_OUT);
    expect(t.state[b]).toBe(ST_ACTIVE);
    // The index now points at the new session.
    expect(t.lookup(17, 2, 53, 1, 5000, 111, 1, 4, 0, out)).toBe(b);
  });

  it('survives rehashing with many sessions', () => {
    const t = new SessionTable();
    const ids: number[] = [];
    for (let i = 0; i < 50000; i++) ids.push(t.lookup(6, i + 1, 40000 + (i % 1000), 1_000_000, 443, 0, 0, i, 0, out));
    for (let i = 0; i < 50000; i += 997) {
      expect(t.lookup(6, 1_000_000, 443, i + 1, 40000 + (i % 1000), 0, 0, i, 0x10, out)).toBe(ids[i]);
      expect(out.dir).toBe(1);
    }
    expect(t.count).toBe(50000);
  });
});

function tcpPacket(d: Dissection, n: number, src: number, sport: number, dst: number, dport: number, flags: number, seq: number, ack: number): void {
  d.reset(new Uint8Array(60), MODE_INDEX);
  d.frame.number = n;
  d.frame.tsSec = 1000 + n;
  d.frame.len = 60;
  d.netType = NET_IPV4;
  d.netSrc.set([10, 0, 0, src]);
  d.netDst.set([10, 0, 0, dst]);
  d.ipProto = 6;
  d.sport = sport;
  d.dport = dport;
  d.tcpFlags = flags;
  d.tcpSeq = seq;
  d.tcpAck = ack;
}

describe('session tracker (TCP)', () => {
  it('follows the handshake and FIN close, counting per direction, with Wireshark relative bases', () => {
    const t = new SessionTable();
    const tr = new SessionTracker(t, new EndpointTable());
    const d = new Dissection();
    tcpPacket(d, 1, 1, 1234, 2, 80, 0x02, 1000, 0);
    tr.onTransport(d);
    expect(d.tcpSeqBase).toBe(1000);
    tcpPacket(d, 2, 2, 80, 1, 1234, 0x12, 5000, 1001);
    tr.onTransport(d);
    expect(d.direction).toBe(1);
    expect(d.tcpSeqBase).toBe(5000);
    expect(d.tcpAckBase).toBe(1000);
    tcpPacket(d, 3, 1, 1234, 2, 80, 0x10, 1001, 5001);
    tr.onTransport(d);
    expect(STATE_NAMES[t.state[0] as number]).toBe('established');
    tcpPacket(d, 4, 1, 1234, 2, 80, 0x11, 1001, 5001);
    tr.onTransport(d);
    expect(STATE_NAMES[t.state[0] as number]).toBe('closing');
    tcpPacket(d, 5, 2, 80, 1, 1234, 0x11, 5001, 1002);
    tr.onTransport(d);
    expect(STATE_NAMES[t.state[0] as number]).toBe('closed-fin');
    expect([t.pktsAB[0], t.pktsBA[0], t.bytesAB[0], t.bytesBA[0]]).toEqual([3, 2, 180, 120]);
    // A new SYN on the closed tuple opens a new session.
    tcpPacket(d, 6, 1, 1234, 2, 80, 0x02, 9000, 0);
    tr.onTransport(d);
    expect(d.sessionId).toBe(1);
  });

  it('uses seq-1 as the base for a connection seen midstream, as Wireshark does', () => {
    const t = new SessionTable();
    const tr = new SessionTracker(t, new EndpointTable());
    const d = new Dissection();
    tcpPacket(d, 1, 1, 22, 2, 5555, 0x18, 2865673674, 2813042623);
    tr.onTransport(d);
    expect(((d.tcpSeq - d.tcpSeqBase) >>> 0)).toBe(1);
    expect(((d.tcpAck - d.tcpAckBase) >>> 0)).toBe(1);
    expect(STATE_NAMES[t.state[0] as number]).toBe('midstream');
  });
});

describe('endpoint table', () => {
  it('interns addresses to stable ids and formats them', () => {
    const e = new EndpointTable();
    const a = e.intern(4, new Uint8Array([10, 0, 0, 1]), 0, 4);
    const v6 = new Uint8Array(16);
    v6[0] = 0x20;
    v6[1] = 0x01;
    v6[15] = 1;
    const b = e.intern(6, v6, 0, 16);
    expect(e.intern(4, new Uint8Array([9, 10, 0, 0, 1]), 1, 4)).toBe(a);
    expect(e.format(a)).toBe('10.0.0.1');
    expect(e.format(b)).toBe('2001::1');
    for (let i = 0; i < 10000; i++) e.intern(4, new Uint8Array([1, 2, i >> 8, i & 255]), 0, 4);
    expect(e.intern(4, new Uint8Array([10, 0, 0, 1]), 0, 4)).toBe(a);
    expect(e.size).toBe(10003);
  });
});
