// Runs the built wirelens CLI (bin/wirelens.js -> dist/main/cli/wirelens.js) and parses its JSON lines.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './oracle';

export const CLI_BIN = path.join(REPO_ROOT, 'bin', 'wirelens.js');
export const CLI_DIST = path.join(REPO_ROOT, 'dist', 'main', 'cli', 'wirelens.js');

/**
 * Exit codes accepted for damaged input (the packets before the damage are printed, plus a warning
 * on stderr): 0, and the CLI's documented EXIT_DAMAGED code, read from main/cli/open-file.ts so the
 * tests follow the lead's choice (falls back to 2, the code named in the test brief).
 */
export function damagedExitCodes(): number[] {
  const codes = new Set<number>([0]);
  try {
    const src = fs.readFileSync(path.join(REPO_ROOT, 'main', 'cli', 'open-file.ts'), 'utf8');
    const m = /export const EXIT_DAMAGED\s*=\s*(\d+)/.exec(src);
    codes.add(m ? Number(m[1]) : 2);
  } catch {
    codes.add(2);
  }
  return [...codes];
}

export function cliAvailable(): boolean {
  return fs.existsSync(CLI_DIST);
}

/** Skip reason printed by the differential tests while the CLI is not built. */
export function cliMissingReason(): string | undefined {
  if (cliAvailable()) return undefined;
  return `[test/diff] ${path.relative(REPO_ROOT, CLI_DIST)} is missing: differential tests against tshark are skipped (run \`npm run build\` first)`;
}

export interface ListPacket {
  number: number;
  ts: string;
  len: number;
  caplen: number;
  /** Interface index within its pcapng section (tshark's frame.interface_id). */
  iface: number;
  /** pcapng section number, 0-based (0 for classic pcap). */
  section: number;
  src: string | null;
  dst: string | null;
  sport: number | null;
  dport: number | null;
  proto: string;
  info: string;
  session: number | null;
}

export interface SessionRecord {
  id: number;
  proto: string;
  a: string;
  aport: number | null;
  b: string;
  bport: number | null;
  packets_ab: number;
  bytes_ab: number;
  packets_ba: number;
  bytes_ba: number;
  start: string;
  duration: number;
  state: string;
}

export interface CliRun<T> {
  args: string[];
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  records: T[];
  /** stdout lines that were not valid JSON. */
  badLines: string[];
  ms: number;
}

export function parseJsonLines<T>(stdout: string): { records: T[]; badLines: string[] } {
  const records: T[] = [];
  const badLines: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      badLines.push(line);
    }
  }
  return { records, badLines };
}

function finish<T>(args: string[], status: number | null, signal: string | null, stdout: string, stderr: string, t0: number): CliRun<T> {
  const { records, badLines } = parseJsonLines<T>(stdout);
  return { args, status, signal, stdout, stderr, records, badLines, ms: Date.now() - t0 };
}

export function runCli<T = unknown>(args: string[], timeoutMs = 120_000): CliRun<T> {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI_BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: timeoutMs,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw r.error;
  return finish<T>(args, r.status, r.signal, r.stdout ?? '', r.stderr ?? '', t0);
}

/** Asynchronous variant, for running several CLI processes in parallel. */
export function runCliAsync<T = unknown>(args: string[], timeoutMs = 120_000): Promise<CliRun<T>> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: REPO_ROOT });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve(
        finish<T>(args, status, signal, Buffer.concat(out).toString('utf8'), Buffer.concat(err).toString('utf8'), t0),
      );
    });
  });
}

/** Runs jobs with at most `width` in flight, keeping result order. */
export async function pool<I, O>(items: readonly I[], width: number, fn: (item: I) => Promise<O>): Promise<O[]> {
  const out = new Array<O>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
  return out;
}

/**
 * tshark's conversations never time out: sessions are compared with wirelens' idle timeouts off
 * (otherwise e.g. a DNS client port reused after 338 s would be two sessions for us, one for tshark).
 */
export const NO_TIMEOUTS = ['--timeouts', 'tcp=none,udp=none,icmp=none,other=none'];

export function listPackets(file: string, extra: string[] = []): CliRun<ListPacket> {
  return runCli<ListPacket>(['list', file, '--json', ...extra]);
}

export function listSessions(file: string, extra: string[] = NO_TIMEOUTS): CliRun<SessionRecord> {
  return runCli<SessionRecord>(['sessions', file, '--json', ...extra]);
}

/** stderr lines that look like a JavaScript stack trace ("    at foo (file:1:2)"). */
export function stackTraceLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^\s{4}at /.test(l));
}

/** A short one-line description of a run for assertion messages. */
export function describeRun(r: CliRun<unknown>): string {
  const err = r.stderr.trim().split('\n').slice(0, 3).join(' | ');
  return `exit=${r.status}${r.signal ? ` signal=${r.signal}` : ''} records=${r.records.length}` +
    `${r.badLines.length ? ` non-JSON lines=${r.badLines.length}` : ''}${err ? ` stderr: ${err.slice(0, 300)}` : ''}`;
}
