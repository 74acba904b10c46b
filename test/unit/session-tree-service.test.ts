/**
 * The sessions view's service handlers (main/service/views/sessions.ts) over a real CaptureSession: the tree
 * limited to a display filter keeps counting under that filter after a node selection replaced the capture's
 * filter, a filter the capture never applied is applied by the tree itself (in slices, `complete` says when),
 * a node export writes exactly the node's packets, and bad input is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CaptureSession } from '../../main/service/capture-session';
import { sessionsHandlers } from '../../main/service/views/sessions';
import { ServiceError } from '../../main/service/errors';
import { openCapture } from '../../main/engine/readers/open';
import { selectPackets } from '../../main/engine/capture/select';
import { compileFilter } from '../../main/engine/filter';
import type { Results } from '../../shared/contract';
import { sessionsMethods } from '../../shared/views/sessions';

const FILE = path.join(__dirname, '../fixtures/captures/mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng');
const open: CaptureSession[] = [];
afterEach(() => {
  for (const cs of open.splice(0)) cs.close();
});

async function session(): Promise<CaptureSession> {
  const cs = new CaptureSession(FILE, { follow: false }, () => undefined);
  open.push(cs);
  while (cs.indexing) await new Promise((r) => setTimeout(r, 5));
  return cs;
}

function handlers(cs: CaptureSession, dir: string | null = null) {
  return sessionsHandlers({
    current: () => cs,
    session: () => cs,
    policy: () => ({ root: dir, allowPaths: dir !== null, downloads: false }),
  });
}

type Tree = Results['sessions.tree'];
const ask = (h: ReturnType<typeof handlers>, p: Record<string, unknown>): Tree =>
  h['sessions.tree'](sessionsMethods['sessions.tree'].parse({ groupBy: 'protocol', start: 0, count: 500, ...p }), new AbortController().signal) as Tree;

/** Packet counts per session row key, with every protocol open. */
function sessionPackets(h: ReturnType<typeof handlers>, filter: string): Map<string, number> {
  const top = ask(h, { filter });
  const t = ask(h, { filter, expanded: top.rows.map((r) => r.key) });
  return new Map(t.rows.filter((r) => r.kind === 'session').map((r) => [r.key, r.packets]));
}

/** The same, computed from the packets a filter selects (independently of the tree). */
function expectedPackets(cs: CaptureSession, filter: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of selectPackets(cs.index, compileFilter(filter))) {
    const sid = cs.index.store.session[n - 1]!;
    if (sid < 0) continue;
    const key = `p${cs.index.sessions.proto[sid]}/s${sid}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

describe('sessions service', () => {
  it('keeps counting under the base filter after a node selection replaced the capture filter', async () => {
    const cs = await session();
    const h = handlers(cs);
    await cs.applyFilter('dns', new AbortController().signal);
    const limited = sessionPackets(h, 'dns');
    expect(Object.fromEntries(limited)).toEqual(Object.fromEntries(expectedPackets(cs, 'dns')));
    const node = ask(h, { filter: 'dns', expanded: ['p17'] }).rows.find((r) => r.kind === 'session')!;
    // The renderer writes (base) && (node) into the bar; the tree still asks with the base filter.
    await cs.applyFilter(`(dns) && (${node.filter})`, new AbortController().signal);
    expect(cs.displayed).toBe(node.packets);
    const after = ask(h, { filter: 'dns' });
    expect(after.complete).toBe(true);
    expect(Object.fromEntries(sessionPackets(h, 'dns'))).toEqual(Object.fromEntries(limited));
    // Unlimited, every session with all its packets.
    const all = sessionPackets(h, '');
    expect([...all.values()].reduce((a, b) => a + b, 0)).toBe(Array.from(cs.index.store.session.subarray(0, cs.index.store.count)).filter((s) => s >= 0).length);
  });

  it('applies a filter the capture never applied itself, and says when it is complete', async () => {
    const cs = await session();
    const h = handlers(cs);
    let t = ask(h, { filter: 'tcp.len > 0' });
    for (let k = 0; k < 1000 && !t.complete; k++) t = ask(h, { filter: 'tcp.len > 0' });
    expect(t.complete).toBe(true);
    expect(Object.fromEntries(sessionPackets(h, 'tcp.len > 0'))).toEqual(Object.fromEntries(expectedPackets(cs, 'tcp.len > 0')));
  });

  it("exports exactly a node's packets", async () => {
    const cs = await session();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-st-'));
    const h = handlers(cs, dir);
    const host = ask(h, { groupBy: 'host' }).rows[0]!;
    const out = path.join(dir, 'node.pcapng');
    const p = sessionsMethods['sessions.export'].parse({ groupBy: 'host', key: host.key, format: 'pcapng', path: out });
    const r = h['sessions.export'](p, new AbortController().signal) as Results['sessions.export'];
    expect(r.written).toBe(host.packets);
    const reader = openCapture(out);
    const want = selectPackets(cs.index, compileFilter(host.filter));
    let n = 0;
    for (let rec = reader.next(); rec !== null; rec = reader.next()) n++;
    reader.close();
    expect(n).toBe(want.length);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses unknown nodes, bad filters and malformed keys', async () => {
    const cs = await session();
    const h = handlers(cs, os.tmpdir());
    const p = sessionsMethods['sessions.export'].parse({ groupBy: 'host', key: 'h999999', format: 'pcap', path: path.join(os.tmpdir(), 'x.pcap') });
    expect(() => h['sessions.export'](p, new AbortController().signal)).toThrow(ServiceError);
    expect(() => ask(h, { filter: 'ip.addr ==' })).toThrow(/filter/);
    expect(sessionsMethods['sessions.tree'].safeParse({ groupBy: 'host', start: 0, count: 10, expanded: ['h1/../x'] }).success).toBe(false);
    expect(sessionsMethods['sessions.tree'].safeParse({ groupBy: 'host', start: 0, count: 100_000 }).success).toBe(false);
    expect(sessionsMethods['sessions.tree'].safeParse({ groupBy: 'nope', start: 0, count: 10 }).success).toBe(false);
  });
});
