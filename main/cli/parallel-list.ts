/**
 * `wirelens list` on several cores. Each worker process reads the whole file but dissects only the packets
 * whose address pair it owns (engine/capture/partition.ts); this process merges their rows back into
 * packet order.
 *
 * Why this is exact: a worker dissects every packet of its address pairs in file order, plus the shared SIP
 * packets whose SDP announces media anywhere, so each packet is dissected with the same state as in one pass.
 * `test/unit/parallel-list.test.ts` compares the two on every fixture. What would not be the same is refused
 * here and runs in one pass: session and stream numbers (`--json`'s "session", `session`, `tcp.stream` in a
 * filter), which count sessions of all workers, and the application/GeoIP fields, which the pass of `list`
 * does not compute anyway.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { CompiledFilter } from '../engine/filter';
import { fields } from '../engine/dissect/fields';
import type { ParsedArgs } from './args';
import { Output } from './output';
import type { RowChunk } from './row-chunks';

/** Below this size one pass is about as fast: starting a worker costs a few hundred milliseconds of CPU. */
const MIN_BYTES = 48 << 20;
/** Each worker reads the whole file: past a few workers the reading, not the dissection, dominates. */
const MAX_WORKERS = 4;
/** How far (in packets) one worker may run ahead of the slowest: bounds the rows this process holds. */
const AHEAD_WINDOW = 65536;

/** Frame kinds a worker writes (see list-worker.ts). */
export const FRAME_ROWS = 1;
export const FRAME_DONE = 2;
export const FRAME_FAILED = 3;
const HEADER = 16;

/** What a worker process is told (as JSON in WIRELENS_LIST_PART). */
export interface WorkerSetup {
  positional: string[];
  flags: string[];
  options: [string, string][];
  index: number;
  count: number;
}

/**
 * How many workers `list` should use: 1 (one pass) for small files, --json, a non-regular file, or a filter
 * whose answer depends on all workers' sessions. WIRELENS_WORKERS=N overrides the size and core count.
 */
export function listWorkers(file: string, filter: CompiledFilter | null, args: ParsedArgs): number {
  if (args.flags.has('--json')) return 1;
  if (filter !== null && !partitionSafe(filter)) return 1;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return 1; // one pass reports the error
  }
  if (!stat.isFile()) return 1;
  const forced = process.env.WIRELENS_WORKERS;
  if (forced !== undefined && forced !== '') return Math.max(1, Math.min(16, Math.floor(Number(forced)) || 1));
  if (stat.size < MIN_BYTES) return 1;
  return workersFor(os.availableParallelism());
}

/**
 * Workers for a machine of `cores` cores: one core is left to the merge and the rest of the machine. On a
 * 2-core machine that means one pass: there, two workers made `list` on big-1m only 6 % faster (filter-cheap
 * 20 %) for 1.8× the memory (bench/run.js with WIRELENS_WORKERS=1 and 2, same hour).
 */
export function workersFor(cores: number): number {
  const n = Math.min(cores - 1, MAX_WORKERS);
  return n >= 2 ? n : 1;
}

/**
 * False when the filter reads a field whose value counts across address pairs: session and stream numbers,
 * the time since the previous displayed packet, application and GeoIP fields. A filter whose fields are not
 * known (layer operators) is not risked either.
 */
export function partitionSafe(filter: CompiledFilter): boolean {
  const scope = filter.scope;
  if (scope === null) return false;
  for (const f of fields.all()) {
    if (scope.fields[f.id] !== 1) continue;
    const n = f.name;
    if (n === 'session' || n.endsWith('.stream') || n === 'app' || n.startsWith('app.') || n.startsWith('geo.')) return false;
    if (n.endsWith('_displayed')) return false;
  }
  return true;
}

/** Runs `count` worker processes over the file and writes their rows to stdout in packet order. */
export function listInParallel(args: ParsedArgs, count: number): Promise<number> {
  if (process.env.WIRELENS_DEBUG) process.stderr.write(`wirelens: list split over ${count} worker processes\n`);
  const out = new Output();
  const children: ChildProcess[] = [];
  let failed: { message: string; code: number } | null = null;
  let code = 0;
  let running = count;
  // Leaving early (a closed stdout: `wirelens list F | head`) must not leave the workers reading.
  const killAll = (): void => {
    for (const c of children) if (c.exitCode === null) c.kill();
  };
  process.once('exit', killAll);

  const merger = new RowMerger(count);
  const drain = (): void => {
    merger.drain(out);
    // A worker far ahead of the slowest is not read until the others catch up; its pipe fills and it waits.
    for (let w = 0; w < count; w++) {
      const stdout = children[w]?.stdout;
      if (!stdout) continue;
      if (merger.tooFarAhead(w)) stdout.pause();
      else if (stdout.isPaused()) stdout.resume();
    }
  };

  return new Promise<number>((resolve) => {
    const finish = (): void => {
      if (--running > 0) return;
      process.removeListener('exit', killAll);
      for (let w = 0; w < count; w++) merger.end(w);
      drain();
      out.flush();
      if (failed !== null) {
        process.stderr.write(`wirelens: ${failed.message}\n`);
        resolve(failed.code);
      } else resolve(code);
    };
    for (let index = 0; index < count; index++) {
      const setup: WorkerSetup = { positional: args.positional, flags: [...args.flags], options: [...args.options], index, count };
      const child = spawn(process.execPath, [...process.execArgv, path.join(__dirname, 'list-worker.js')], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, WIRELENS_LIST_PART: JSON.stringify(setup) },
      });
      children.push(child);
      const frames = new FrameReader((kind, value, chunk) => {
        if (kind === FRAME_ROWS) merger.push(index, chunk, value === 0xffffffff ? Infinity : value);
        else if (kind === FRAME_DONE) {
          merger.end(index);
          code = Math.max(code, value);
        } else {
          merger.end(index);
          failed ??= { message: new TextDecoder().decode(chunk.bytes), code: value };
        }
        drain();
      });
      child.stdout!.on('data', (b: Buffer) => frames.feed(b));
      // 'close', not 'exit': the process may end while its last frames still wait in the pipe.
      child.on('close', (status, signal) => {
        if (!merger.ended(index)) {
          failed ??= { message: `internal error: list worker ${index} ended (${signal ?? `exit ${status}`})`, code: 70 };
          killAll();
        }
        merger.end(index);
        finish();
      });
    }
  });
}

/** Cuts a worker's stdout into frames: 16-byte header (kind, value, rows, bytes), numbers, starts, bytes. */
class FrameReader {
  private parts: Buffer[] = [];
  private have = 0;

  constructor(private readonly onFrame: (kind: number, value: number, chunk: RowChunk) => void) {}

  feed(b: Buffer): void {
    this.parts.push(b);
    this.have += b.length;
    for (;;) {
      if (this.have < HEADER) return;
      const head = this.peek(HEADER);
      const rows = head.readUInt32LE(8);
      const bytes = head.readUInt32LE(12);
      const size = HEADER + rows * 8 + bytes;
      if (this.have < size) return;
      const all = this.take(size);
      const numbers = new Uint32Array(rows);
      const starts = new Uint32Array(rows);
      new Uint8Array(numbers.buffer).set(all.subarray(HEADER, HEADER + rows * 4));
      new Uint8Array(starts.buffer).set(all.subarray(HEADER + rows * 4, HEADER + rows * 8));
      this.onFrame(head.readUInt32LE(0), head.readUInt32LE(4), { numbers, starts, bytes: all.subarray(HEADER + rows * 8, size) });
    }
  }

  private peek(n: number): Buffer {
    if (this.parts[0]!.length < n) this.parts = [Buffer.concat(this.parts, this.have)];
    return this.parts[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.parts[0]!;
    let all: Buffer;
    if (first.length >= n) {
      all = first.subarray(0, n);
      if (first.length === n) this.parts.shift();
      else this.parts[0] = first.subarray(n);
    } else {
      const joined = Buffer.concat(this.parts, this.have);
      all = joined.subarray(0, n);
      this.parts = joined.length > n ? [joined.subarray(n)] : [];
    }
    this.have -= n;
    return all;
  }
}

/** Puts the workers' rows back into packet order. */
export class RowMerger {
  private readonly queues: RowQueue[];

  constructor(readonly count: number) {
    this.queues = Array.from({ length: count }, () => new RowQueue());
  }

  /** Rows of worker `w`, which has now sent every row up to packet `upto`. */
  push(w: number, chunk: RowChunk, upto: number): void {
    const q = this.queues[w]!;
    q.push(chunk);
    q.upto = upto;
  }

  /** Worker `w` will send nothing more. */
  end(w: number): void {
    this.queues[w]!.done = true;
  }

  ended(w: number): boolean {
    return this.queues[w]!.done;
  }

  /** True when worker `w` has read so far past the slowest running one that its rows should wait. */
  tooFarAhead(w: number): boolean {
    let slowest = Infinity;
    for (let v = 0; v < this.count; v++) if (v !== w && !this.queues[v]!.done) slowest = Math.min(slowest, this.queues[v]!.upto);
    return this.queues[w]!.upto > slowest + AHEAD_WINDOW;
  }

  /** Writes every row whose place is certain: no worker can still send an earlier one. */
  drain(out: { bytes(b: Uint8Array): void }): void {
    const queues = this.queues;
    for (;;) {
      let best = -1;
      let bestNumber = Infinity;
      for (let w = 0; w < this.count; w++) {
        const n = queues[w]!.headNumber();
        if (n < bestNumber) {
          bestNumber = n;
          best = w;
        }
      }
      if (best < 0) return;
      // The rows of `best` may go out while they precede whatever the others can still send.
      let limit = Infinity;
      for (let w = 0; w < this.count; w++) {
        if (w === best) continue;
        const q = queues[w]!;
        const bound = q.headNumber() !== Infinity ? q.headNumber() : q.done ? Infinity : q.upto + 1;
        if (bound < limit) limit = bound;
      }
      if (bestNumber >= limit) return;
      queues[best]!.writeBefore(limit, out);
    }
  }
}

/** One worker's rows not yet written, in packet order. */
class RowQueue {
  private readonly chunks: RowChunk[] = [];
  private row = 0;
  /** Every row of a packet up to this number has been received. */
  upto = 0;
  done = false;

  push(c: RowChunk): void {
    if (c.numbers.length > 0) this.chunks.push(c);
  }

  /** Packet number of the next row, Infinity when none is queued. */
  headNumber(): number {
    const c = this.chunks[0];
    return c === undefined ? Infinity : c.numbers[this.row]!;
  }

  /** Writes the queued rows numbered below `limit` (whole runs at a time: one copy per run, not per row). */
  writeBefore(limit: number, out: { bytes(b: Uint8Array): void }): void {
    for (;;) {
      const c = this.chunks[0];
      if (c === undefined) return;
      const from = this.row;
      let to = from;
      while (to < c.numbers.length && c.numbers[to]! < limit) to++;
      if (to === from) return;
      const end = to < c.numbers.length ? c.starts[to]! : c.bytes.length;
      out.bytes(c.bytes.subarray(c.starts[from]!, end));
      if (to < c.numbers.length) {
        this.row = to;
        return;
      }
      this.chunks.shift();
      this.row = 0;
    }
  }
}
