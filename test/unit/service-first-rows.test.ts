/**
 * The first screenful of a big capture (issue #4): capture.open answers with rows already indexed, and a rows
 * request sent right behind it (as the UI does, without waiting for the open's answer) gets a full first block.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Method, Params, Results, ServerMessage } from '../../shared/contract';
import { Connection } from '../../main/service/connection';
import { EngineService } from '../../main/service/engine-service';

const SSH = path.join(__dirname, '../fixtures/captures/tcp-dups-ssh__zeek__ssh-dups.pcap');

type Response = Extract<ServerMessage, { kind: 'response' }>;

/** Sends requests without waiting for earlier answers (the UI pipelines capture.open and packets.rows). */
class Client {
  private readonly waiters = new Map<number, (r: Response) => void>();
  private nextId = 1;
  readonly conn: Connection;

  constructor(readonly service: EngineService) {
    this.conn = new Connection(service, (m) => {
      if (m.kind !== 'response') return;
      const w = this.waiters.get(m.id);
      this.waiters.delete(m.id);
      w?.(JSON.parse(JSON.stringify(m)) as Response);
    });
  }

  send<M extends Method>(method: M, params: Params<M>): Promise<Results[M]> {
    const id = this.nextId++;
    const p = new Promise<Response>((resolve) => this.waiters.set(id, resolve));
    this.conn.receive({ kind: 'request', id, method, params });
    return p.then((r) => {
      if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
      return r.result as Results[M];
    });
  }
}

/** A classic pcap with `copies` × the records of `source`, timestamps shifted to keep them in order. */
function bigPcap(source: string, copies: number, out: string): number {
  const buf = fs.readFileSync(source);
  const records: Buffer[] = [];
  for (let p = 24; p + 16 <= buf.length; ) {
    const caplen = buf.readUInt32LE(p + 8);
    records.push(buf.subarray(p, p + 16 + caplen));
    p += 16 + caplen;
  }
  const span = records[records.length - 1]!.readUInt32LE(0) - records[0]!.readUInt32LE(0) + 1;
  const chunks: Buffer[] = [buf.subarray(0, 24)];
  for (let c = 0; c < copies; c++) {
    for (const r of records) {
      const copy = Buffer.from(r);
      copy.writeUInt32LE(r.readUInt32LE(0) + c * span, 0);
      chunks.push(copy);
    }
  }
  fs.writeFileSync(out, Buffer.concat(chunks));
  return copies * records.length;
}

let tmp: string;
let big: string;
let bigCount: number;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelens-first-rows-'));
  big = path.join(tmp, 'big.pcap');
  bigCount = bigPcap(SSH, 1500, big);
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('first rows of a big capture', () => {
  it('capture.open answers with a first block indexed; rows asked right behind it come whole', async () => {
    const c = new Client(new EngineService({ root: null, allowPaths: false, downloads: false, spoolDir: path.join(tmp, 'spool'), live: null }));
    const opened = c.send('capture.open', { path: big });
    const first = c.send('packets.rows', { start: 0, count: 50 });
    const status = await opened;
    expect(status.indexing).toBe(true);
    expect(status.packets).toBeLessThan(bigCount);
    // The list's first block is 50 rows: the open answer already has them, so the list can ask at once.
    expect(status.displayed).toBeGreaterThanOrEqual(50);
    const rows = await first;
    expect(rows.rows.map((r) => r.number)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(rows.displayed).toBeGreaterThanOrEqual(status.displayed);
    await c.service.dispose();
  });
});
