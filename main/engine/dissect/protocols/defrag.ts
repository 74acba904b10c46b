/**
 * IP fragment reassembly (IPv4 and IPv6 share it; the key says which). State spans packets, so the engine
 * owns one instance per pass and hands it to the decoders through `d.defrag`.
 *
 * Feed every frame once, in capture order. Memory is bounded three ways: total bytes held across unfinished
 * datagrams (oldest dropped first), a per-datagram fragment count, and a timeout measured in packet time (not
 * wall time, so reading a file is deterministic). Overlapping fragments keep the bytes that arrived first,
 * like Wireshark's default.
 *
 * On-demand re-dissection: a frame that completed a datagram can only be shown again by replaying its
 * fragments. `completedBy(frame)` (or the `onComplete` callback) gives the frame numbers; `replayDefrag`
 * below rebuilds a fresh defragmenter from them.
 */
import type { Defragmenter, FrameMeta } from '../dissection';
import { Dissection, MODE_INDEX } from '../dissection';
import { dissectFrame } from '../frame';

export interface IpDefragOptions {
  /** Bytes held across all unfinished datagrams before the oldest are dropped. Default 32 MiB. */
  maxBytes?: number;
  /** Largest reassembled payload accepted. Default 65535 (an IPv6 payload length; IPv4 needs less). */
  maxDatagram?: number;
  /** Most fragments one datagram may have before it is dropped (guards against 8-byte-fragment floods). */
  maxFragments?: number;
  /** Unfinished datagrams older than this many seconds of packet time are dropped. Default 60. */
  timeoutSec?: number;
  /** Current packet time in seconds, e.g. `() => d.frame.tsSec + d.frame.tsNsec / 1e9`. Without it no timeout. */
  clock?: () => number;
  /** Keep `completedBy`/`reassembledIn` maps for the whole pass. Default true. */
  record?: boolean;
  /** Called when `completingFrame` finishes a datagram made of `frames` (in arrival order, it included). */
  onComplete?: (frames: readonly number[], completingFrame: number, key: string) => void;
}

/** One fragment of the datagram last completed, for the detail tree's fragment list. */
export interface FragmentRecord {
  readonly frame: number;
  readonly offset: number;
  readonly length: number;
}

export interface DefragStats {
  completed: number;
  /** Datagrams dropped to stay under maxBytes / maxFragments. */
  evicted: number;
  timedOut: number;
  /** Fragments that reached past maxDatagram (the datagram is dropped). */
  tooLong: number;
  /** Fragments that overlapped bytes already held (first arrival kept). */
  overlaps: number;
}

interface Piece {
  readonly offset: number;
  readonly data: Uint8Array;
}

interface Pending {
  readonly created: number;
  readonly pieces: Piece[];
  readonly frags: FragmentRecord[];
  /** Datagram length once the last fragment (more=false) is seen, else -1. */
  total: number;
  held: number;
}

const NO_TIME = Number.NaN;

export class IpDefragmenter implements Defragmenter {
  private readonly pending = new Map<string, Pending>();
  private held = 0;
  private readonly maxBytes: number;
  private readonly maxDatagram: number;
  private readonly maxFragments: number;
  private readonly timeoutSec: number;
  private readonly clock: (() => number) | null;
  private readonly record: boolean;
  private readonly onComplete: IpDefragOptions['onComplete'];
  private readonly completed = new Map<number, number[]>();
  private readonly inFrame = new Map<number, number>();

  /** Frames (arrival order) of the datagram completed by the latest `add` that returned data. */
  lastCompleted: number[] = [];
  /** The same datagram's fragments with their offsets and lengths, sorted by offset. */
  lastFragments: FragmentRecord[] = [];
  readonly stats: DefragStats = { completed: 0, evicted: 0, timedOut: 0, tooLong: 0, overlaps: 0 };

  constructor(opts: IpDefragOptions = {}) {
    this.maxBytes = opts.maxBytes ?? 32 * 1024 * 1024;
    this.maxDatagram = opts.maxDatagram ?? 65535;
    this.maxFragments = opts.maxFragments ?? 4096;
    this.timeoutSec = opts.timeoutSec ?? 60;
    this.clock = opts.clock ?? null;
    this.record = opts.record ?? true;
    this.onComplete = opts.onComplete;
  }

  /** Bytes currently held for unfinished datagrams. */
  get heldBytes(): number {
    return this.held;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Frames that made up the datagram completed in `frame` (arrival order, `frame` last), if any. */
  completedBy(frame: number): readonly number[] | undefined {
    return this.completed.get(frame);
  }

  /** The frame that completed the datagram `frame` was a fragment of, if it was completed. */
  reassembledIn(frame: number): number | undefined {
    return this.inFrame.get(frame);
  }

  /** Drops all unfinished datagrams (e.g. at the start of a new pass). Recorded completions are kept. */
  clear(): void {
    this.pending.clear();
    this.held = 0;
  }

  add(key: string, offset: number, more: boolean, data: Uint8Array, frame: number): Uint8Array | null {
    const now = this.clock ? this.clock() : NO_TIME;
    if (this.clock) this.expire(now);
    const end = offset + data.length;
    if (offset < 0 || end > this.maxDatagram) {
      this.stats.tooLong++;
      this.drop(key);
      return null;
    }
    let p = this.pending.get(key);
    if (!p) {
      p = { created: now, pieces: [], frags: [], total: -1, held: 0 };
      this.pending.set(key, p);
    }
    if (!more) {
      // The first tail seen fixes the length; a conflicting later tail is ignored (first wins).
      if (p.total < 0) p.total = end;
    }
    p.frags.push({ frame, offset, length: data.length });
    if (p.frags.length > this.maxFragments) {
      this.stats.evicted++;
      this.drop(key);
      return null;
    }
    if (data.length > 0) {
      const covered = coveredWithin(p.pieces, offset, end);
      if (covered > 0) this.stats.overlaps++;
      if (covered < data.length) {
        // Copy: the frame buffer belongs to the reader and is reused for the next packet.
        p.pieces.push({ offset, data: data.slice() });
        p.held += data.length;
        this.held += data.length;
      }
    }
    if (p.total >= 0 && isComplete(p.pieces, p.total)) return this.finish(key, p, frame);
    this.enforceBudget(key);
    return null;
  }

  private finish(key: string, p: Pending, frame: number): Uint8Array {
    const out = new Uint8Array(p.total);
    // Later arrivals first so that, for overlapping bytes, the earliest fragment is written last and wins.
    for (let i = p.pieces.length - 1; i >= 0; i--) {
      const piece = p.pieces[i] as Piece;
      if (piece.offset >= p.total) continue;
      const n = Math.min(piece.data.length, p.total - piece.offset);
      out.set(n === piece.data.length ? piece.data : piece.data.subarray(0, n), piece.offset);
    }
    this.drop(key);
    const frames: number[] = [];
    for (const f of p.frags) if (!frames.includes(f.frame)) frames.push(f.frame);
    this.lastCompleted = frames;
    this.lastFragments = p.frags.slice().sort((a, b) => a.offset - b.offset);
    this.stats.completed++;
    if (this.record) {
      const prev = this.completed.get(frame);
      this.completed.set(frame, prev ? prev.concat(frames.filter((f) => !prev.includes(f))) : frames);
      for (const f of frames) this.inFrame.set(f, frame);
    }
    this.onComplete?.(frames, frame, key);
    return out;
  }

  private drop(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.held -= p.held;
    this.pending.delete(key);
  }

  /** Map iteration is insertion order, so the oldest datagrams are at the front. */
  private expire(now: number): void {
    for (const [key, p] of this.pending) {
      if (!(now - p.created > this.timeoutSec)) break;
      this.stats.timedOut++;
      this.drop(key);
    }
  }

  private enforceBudget(keep: string): void {
    if (this.held <= this.maxBytes) return;
    for (const key of this.pending.keys()) {
      if (this.held <= this.maxBytes) break;
      if (key === keep) continue;
      this.stats.evicted++;
      this.drop(key);
    }
    // A single datagram bigger than the budget cannot be kept either.
    if (this.held > this.maxBytes) {
      this.stats.evicted++;
      this.drop(keep);
    }
  }
}

/** How many bytes of [start, end) the pieces already cover. */
function coveredWithin(pieces: readonly Piece[], start: number, end: number): number {
  if (pieces.length === 0) return 0;
  const ranges: [number, number][] = [];
  for (const p of pieces) {
    const s = Math.max(start, p.offset);
    const e = Math.min(end, p.offset + p.data.length);
    if (s < e) ranges.push([s, e]);
  }
  return unionLength(ranges);
}

function unionLength(ranges: [number, number][]): number {
  ranges.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curS = -1;
  let curE = -1;
  for (const [s, e] of ranges) {
    if (s > curE) {
      total += curE - curS;
      curS = s;
      curE = e;
    } else if (e > curE) curE = e;
  }
  return total + (curE - curS);
}

function isComplete(pieces: readonly Piece[], total: number): boolean {
  if (total === 0) return true;
  const sorted = pieces.slice().sort((a, b) => a.offset - b.offset);
  let reach = 0;
  for (const p of sorted) {
    if (p.offset > reach) return false;
    const e = p.offset + p.data.length;
    if (e > reach) reach = e;
    if (reach >= total) return true;
  }
  return reach >= total;
}

/** A frame's bytes and metadata, as the engine's store returns them. */
export interface StoredFrame {
  readonly data: Uint8Array;
  readonly meta: FrameMeta;
}

/**
 * Rebuilds reassembly state for an on-demand re-dissection of `target`: dissects the other frames of its
 * datagram(s) in index mode (no hooks, so the session layer is not touched twice) into a fresh defragmenter,
 * which is returned ready for `target` itself. Usage:
 *
 *   const frames = passDefrag.completedBy(n);
 *   if (frames) d.defrag = replayDefrag(frames, n, (f) => store.frame(f));
 *   d.reset(bytes, MODE_TREE); ...; dissectFrame(d);
 */
export function replayDefrag(frames: readonly number[], target: number, load: (frame: number) => StoredFrame | null, opts: IpDefragOptions = {}): IpDefragmenter {
  const df = new IpDefragmenter({ ...opts, record: false, clock: undefined, onComplete: undefined });
  const d = new Dissection();
  for (const f of frames) {
    if (f === target) continue;
    const stored = load(f);
    if (!stored) continue;
    d.reset(stored.data, MODE_INDEX);
    Object.assign(d.frame, stored.meta);
    d.hooks = null;
    d.defrag = df;
    dissectFrame(d);
  }
  return df;
}
