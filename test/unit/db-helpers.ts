/**
 * Shared by the flow-database tests: a PostgreSQL server to test against, a synthetic capture with many
 * flows, tshark's conversation tables, and the ready queries of docs/database.md.
 *
 * PostgreSQL: WIRELENS_TEST_PG_URL (set by .ci/run, which starts a server) names a server where each test
 * file creates and drops its own database. Without it, a throwaway cluster is made with initdb in a temp
 * directory on a free port (as the `postgres` user when running as root) and removed afterwards. When neither
 * works, `skipReason` says why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { parseConvTxt, type Conversation } from '../diff/oracle';

export const ROOT = path.join(__dirname, '../..');
export const CAPS = path.join(ROOT, 'test/fixtures/captures');
export const CLI = path.join(ROOT, 'bin/wirelens.js');
export const CLI_BUILT = path.join(ROOT, 'dist/main/cli/commands/db.js');

export interface PgServer {
  /** URL of a new, empty database on the server (each is dropped by stop()). */
  newDatabase(): Promise<string>;
  stop(): Promise<void>;
}

export type PgStart = { server: PgServer; skipReason: null } | { server: null; skipReason: string };

export async function startPg(): Promise<PgStart> {
  const shared = process.env.WIRELENS_TEST_PG_URL;
  if (shared) {
    try {
      return { server: await databasesOn(shared, async () => undefined), skipReason: null };
    } catch (err) {
      return { server: null, skipReason: `WIRELENS_TEST_PG_URL=${shared} is not usable: ${(err as Error).message}` };
    }
  }
  const bin = pgBinDir();
  if (bin === null) return { server: null, skipReason: 'no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) and no WIRELENS_TEST_PG_URL' };
  const asRoot = process.getuid?.() === 0;
  if (asRoot && spawnSync('id', ['-u', 'postgres']).status !== 0) return { server: null, skipReason: 'running as root without a "postgres" user to run initdb as' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-pg-'));
  const run = (cmd: string, args: string[]): void => {
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
    execFileSync(full[0] as string, full[1] as string[], { stdio: 'pipe' });
  };
  try {
    if (asRoot) execFileSync('chown', ['postgres', dir]);
    run('initdb', ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    const port = await freePort();
    // The socket lives in the temp directory (the default /var/run/postgresql may not exist); fsync off: a test server.
    run('pg_ctl', ['-D', path.join(dir, 'data'), '-l', path.join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
    const stopCluster = async (): Promise<void> => {
      try {
        run('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    return { server: await databasesOn(`postgres://postgres@127.0.0.1:${port}/postgres`, stopCluster), skipReason: null };
  } catch (err) {
    const log = fs.existsSync(path.join(dir, 'log')) ? fs.readFileSync(path.join(dir, 'log'), 'utf8').slice(-500) : '';
    fs.rmSync(dir, { recursive: true, force: true });
    const e = err as Error & { stderr?: Buffer };
    return { server: null, skipReason: `could not start a throwaway PostgreSQL cluster: ${e.message} ${e.stderr?.toString() ?? ''} ${log}`.trim() };
  }
}

/** Test databases made on the server at `url` (checked reachable now) and dropped by stop(). */
async function databasesOn(url: string, after: () => Promise<void>): Promise<PgServer> {
  const admin = async <T>(f: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await f(c);
    } finally {
      await c.end();
    }
  };
  await admin((c) => c.query('SELECT 1'));
  const made: string[] = [];
  return {
    newDatabase: async () => {
      const name = `wl_test_${process.pid}_${Date.now().toString(36)}_${made.length}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      made.push(name);
      const u = new URL(url);
      u.pathname = `/${name}`;
      return u.toString();
    },
    stop: async () => {
      try {
        await admin(async (c) => {
          for (const name of made) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        });
      } finally {
        await after();
      }
    },
  };
}

function pgBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(base, versions[0] as string, 'bin') : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

// ---- tshark ----

export function tsharkMissing(): string | null {
  return spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0 ? null : 'tshark is not installed';
}

/** tshark's TCP and UDP conversation tables of a capture. */
export function tsharkConversations(file: string): Conversation[] {
  const text = execFileSync('tshark', ['-n', '-q', '-r', file, '-z', 'conv,tcp', '-z', 'conv,udp'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const t = parseConvTxt(text, file);
  return [...t.tcp, ...t.udp];
}

/** tshark -T fields output as rows of cells. */
export function tsharkFields(file: string, filter: string, fields: string[]): string[][] {
  const text = execFileSync('tshark', ['-n', '-r', file, '-Y', filter, '-T', 'fields', '-E', 'separator=\t', ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 28,
  });
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

// ---- a capture with many flows ----

/**
 * A classic pcap of `flows` one-packet UDP flows (10.x.y.z:port → 192.0.2.1:9999, a 64-byte frame each,
 * 1 ms apart): big enough for an import to spend a while writing, so it can be killed halfway.
 */
export function writeManyFlowsPcap(file: string, flows: number): void {
  const frame = 14 + 20 + 8 + 22;
  const rec = 16 + frame;
  const buf = Buffer.alloc(24 + flows * rec);
  buf.writeUInt32LE(0xa1b2c3d4, 0);
  buf.writeUInt16LE(2, 4);
  buf.writeUInt16LE(4, 6);
  buf.writeUInt32LE(65535, 16);
  buf.writeUInt32LE(1, 20);
  for (let i = 0; i < flows; i++) {
    let p = 24 + i * rec;
    buf.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), p);
    buf.writeUInt32LE((i % 1000) * 1000, p + 4);
    buf.writeUInt32LE(frame, p + 8);
    buf.writeUInt32LE(frame, p + 12);
    p += 16;
    buf.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00], p);
    const ip = p + 14;
    buf.set([0x45, 0, 0, 50, 0, 0, 0x40, 0, 64, 17, 0, 0], ip);
    const src = 0x0a000000 + 1 + Math.floor(i / 50000);
    buf.writeUInt32BE(src >>> 0, ip + 12);
    buf.writeUInt32BE(0xc0000201, ip + 16);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += buf.readUInt16BE(ip + k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    buf.writeUInt16BE(~sum & 0xffff, ip + 10);
    const udp = ip + 20;
    buf.writeUInt16BE(10000 + (i % 50000), udp);
    buf.writeUInt16BE(9999, udp + 2);
    buf.writeUInt16BE(30, udp + 4);
    buf.fill(0x61, udp + 8, udp + 30);
  }
  fs.writeFileSync(file, buf);
}

// ---- the ready queries of docs/database.md ----

export interface ReadyQuery {
  name: string;
  sql: string;
}

/**
 * The queries under `<!-- query: NAME -->` (both backends) or `<!-- query: NAME sqlite|postgres -->` markers,
 * each followed by a ```sql block.
 */
export function readyQueries(dialect: 'sqlite' | 'postgres'): Map<string, string> {
  const text = fs.readFileSync(path.join(ROOT, 'docs/database.md'), 'utf8');
  const out = new Map<string, string>();
  const re = /<!-- query: (\S+)(?: (sqlite|postgres))? -->\s*```sql\n([\s\S]*?)```/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[2] === undefined || m[2] === dialect) out.set(m[1] as string, (m[3] as string).trim());
  }
  return out;
}
