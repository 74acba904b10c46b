/**
 * An in-page fake engine (enabled by `?mock=N`): N synthetic packets produced on demand, so the packet list can
 * be exercised with ten million rows without a capture that size. It speaks the real contract through the
 * same Transport interface; the main end-to-end tests use the real engine through `wirelens serve`.
 */
import type { Transport } from '../../shared/client';
import type { ClientMessage, DetailNode, Row, ServerMessage, Status } from '../../shared/contract';

const BASE_TS = 1_700_000_000;
const FRAME_LEN = 74;

export function mockTransport(total: number): Transport {
  const handlers = new Set<(m: ServerMessage) => void>();
  let filter = '';
  // With a filter applied, the mock displays the odd-numbered packets: easy to compute for any position.
  const displayed = (): number => (filter ? Math.ceil(total / 2) : total);
  const numberAt = (i: number): number => (filter ? 2 * i + 1 : i + 1);

  const status = (): Status => ({
    path: `/mock/${total}-packets.pcap`,
    format: 'pcap',
    fileSize: total * (FRAME_LEN + 16),
    bytesRead: total * (FRAME_LEN + 16),
    packets: total,
    sessions: Math.ceil(total / 10),
    displayed: displayed(),
    filter,
    indexing: false,
    filtering: false,
    live: false,
    firstTs: `${BASE_TS}.000000`,
    error: null,
  });

  const row = (i: number): Row => {
    const n = numberAt(i);
    const us = n * 1000;
    const prevUs = filter ? us - 2000 : us - 1000;
    const tcp = n % 2 === 1;
    return {
      number: n,
      ts: `${BASE_TS + Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`,
      rel: (us / 1e6).toFixed(6),
      delta: (n === 1 ? 0 : (us - prevUs) / 1e6).toFixed(6),
      src: `10.0.${(n >> 8) & 255}.${n & 255}`,
      dst: '192.168.1.1',
      proto: tcp ? 'TCP' : 'UDP',
      len: FRAME_LEN,
      info: tcp ? `${40000 + (n % 20000)} → 443 [ACK] Seq=${n}` : `${50000 + (n % 10000)} → 53 Len=32`,
      color: tcp ? 'TCP' : 'UDP',
    };
  };

  const detail = (n: number): { number: number; tree: DetailNode[]; sources: { name: string; bytes: string }[] } => {
    const bytes = new Uint8Array(FRAME_LEN);
    for (let i = 0; i < FRAME_LEN; i++) bytes[i] = (i * 7 + n) & 255;
    const field = (label: string, f: string, start: number, length: number, value: string): DetailNode => ({
      label: `${label}: ${value}`,
      field: f,
      start,
      length,
      source: 0,
      value,
      filter: `${f} == ${value}`,
    });
    const tree: DetailNode[] = [
      { label: `Frame ${n}: ${FRAME_LEN} bytes on wire`, field: 'frame', start: 0, length: FRAME_LEN, source: 0, children: [field('Frame Number', 'frame.number', 0, 0, String(n))] },
      {
        label: 'Ethernet II',
        field: 'eth',
        start: 0,
        length: 14,
        source: 0,
        children: [field('Destination', 'eth.dst', 0, 6, '00:11:22:33:44:55'), field('Source', 'eth.src', 6, 6, '66:77:88:99:aa:bb'), field('Type', 'eth.type', 12, 2, '0x0800')],
      },
      {
        label: 'Internet Protocol Version 4',
        field: 'ip',
        start: 14,
        length: 20,
        source: 0,
        children: [field('Time to Live', 'ip.ttl', 22, 1, '64'), field('Source Address', 'ip.src', 26, 4, row(0).src), field('Destination Address', 'ip.dst', 30, 4, '192.168.1.1')],
      },
    ];
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return { number: n, tree, sources: [{ name: 'Frame', bytes: btoa(bin) }] };
  };

  const reply = (m: ServerMessage): void => {
    setTimeout(() => {
      for (const h of handlers) h(m);
    }, 1);
  };

  const checkExpr = (expr: string): { ok: boolean; error?: { message: string; start: number; end: number } } => {
    if (/^\s*$|^[a-z][a-z0-9.]*(\s*(==|!=)\s*\S+)?\s*$/i.test(expr)) return { ok: true };
    return { ok: false, error: { message: 'mock engine: unexpected token', start: 0, end: expr.length } };
  };

  const handle = (msg: ClientMessage): void => {
    if (msg.kind === 'cancel') return;
    const ok = (result: unknown): void => reply({ kind: 'response', id: msg.id, ok: true, result });
    const p = (msg.params ?? {}) as Record<string, unknown>;
    switch (msg.method) {
      case 'capture.status':
      case 'capture.open':
        return ok(status());
      case 'packets.rows': {
        const start = Number(p.start);
        const end = Math.min(displayed(), start + Number(p.count));
        const rows: Row[] = [];
        for (let i = start; i < end; i++) rows.push(row(i));
        return ok({ start, rows, displayed: displayed() });
      }
      case 'packets.indexOf': {
        const n = Number(p.number);
        const idx = n > total || (filter && n % 2 === 0) ? -1 : filter ? (n - 1) / 2 : n - 1;
        return ok({ index: idx });
      }
      case 'packet.detail':
        return ok(detail(Number(p.number)));
      case 'filter.check':
        return ok(checkExpr(String(p.expr)));
      case 'filter.apply': {
        const c = checkExpr(String(p.expr));
        if (c.ok) filter = String(p.expr).trim();
        ok({ ...c, displayed: displayed() });
        return reply({ kind: 'event', event: 'status', data: status() });
      }
      case 'live.interfaces':
        return ok({ available: false, reason: 'mock engine: no live capture', interfaces: [] });
      default:
        return reply({ kind: 'response', id: msg.id, ok: false, error: { code: 'unavailable', message: `mock engine: ${msg.method} not supported` } });
    }
  };

  setTimeout(() => reply({ kind: 'event', event: 'status', data: status() }), 10);

  return {
    state: 'open',
    send: handle,
    onMessage(cb) {
      handlers.add(cb);
      return () => handlers.delete(cb);
    },
  };
}
