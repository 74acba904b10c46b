/**
 * Engine-side handlers of the stream view's contract methods (shared/views/stream.ts): Follow stream.
 *
 * A FollowIndex per (open capture, session) is kept for the few sessions followed last, so paging through a
 * stream (or coming back to it) continues the walk instead of starting over. A request walks only as far as the
 * page it asks for, in time slices that let other requests through; a growing (live) session is walked further
 * on the next request.
 */
import * as fs from 'node:fs';
import type { FollowResult, StreamChunk, streamMethods } from '../../../shared/views/stream';
import { asciiText, missingMarker } from '../../../shared/follow-text';
import { FollowIndex, PROTO_TCP, PROTO_UDP, type FollowDirection } from '../../engine/stream/follow';
import type { CaptureSession } from '../capture-session';
import { cancelled, ServiceError } from '../errors';
import type { HandlersOf, ViewContext } from '../handler';
import { derivedName, outputResult, outputTarget } from '../output-target';

/** Longest walk before letting other requests in. */
const SLICE_MS = 12;
/** Data bytes per page at most (a page always holds at least one chunk). */
const PAGE_BYTES = 1 << 20;
/** Sessions whose walk is kept per capture. */
const KEEP = 8;

const indexes = new WeakMap<CaptureSession, Map<number, FollowIndex>>();

function followOf(s: CaptureSession, session: number): FollowIndex {
  let m = indexes.get(s);
  if (m === undefined) {
    m = new Map();
    indexes.set(s, m);
  }
  let f = m.get(session);
  if (f !== undefined) {
    // Most recently used last.
    m.delete(session);
    m.set(session, f);
    return f;
  }
  const sessions = s.index.sessions;
  if (session >= sessions.count) throw new ServiceError('invalid', `there is no session ${session} (${sessions.count} so far)`);
  const proto = sessions.proto[session] as number;
  if (proto !== PROTO_TCP && proto !== PROTO_UDP) throw new ServiceError('invalid', `session ${session} is neither TCP nor UDP: only those can be followed`);
  f = new FollowIndex(s.index, session);
  m.set(session, f);
  if (m.size > KEEP) m.delete(m.keys().next().value as number);
  return f;
}

function dirOf(d: 'both' | 'client' | 'server'): FollowDirection {
  return d === 'both' ? 'both' : d === 'client' ? 0 : 1;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Walks `f` until `wanted` chunks of `dir` exist or it caught up, yielding between slices. */
async function walk(ctx: ViewContext, s: CaptureSession, f: FollowIndex, dir: FollowDirection, wanted: number, signal: AbortSignal): Promise<void> {
  for (;;) {
    const caught = f.advance(performance.now() + SLICE_MS, dir, wanted);
    if (caught || f.chunkCount(dir) >= wanted) return;
    await nextTurn();
    if (signal.aborted) throw cancelled();
    if (ctx.session() !== s) throw new ServiceError('failed', 'the capture was closed');
  }
}

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

export function streamHandlers(ctx: ViewContext): HandlersOf<keyof typeof streamMethods> {
  return {
    'stream.sessionOf': (p) => {
      const s = ctx.current();
      const store = s.index.store;
      if (p.number > store.count) throw new ServiceError('invalid', `packet ${p.number} does not exist (yet): ${store.count} indexed`);
      const sid = store.session[p.number - 1] as number;
      const proto = sid >= 0 ? (s.index.sessions.proto[sid] as number) : -1;
      if (proto !== PROTO_TCP && proto !== PROTO_UDP) return { session: null, proto: null, stream: null, filter: null };
      const name = proto === PROTO_TCP ? 'tcp' : 'udp';
      const stream = s.index.sessions.protoIndex[sid] as number;
      return { session: sid, proto: name, stream, filter: `${name}.stream eq ${stream}` };
    },

    'stream.follow': async (p, signal) => {
      const s = ctx.current();
      const f = followOf(s, p.session);
      const dir = dirOf(p.direction);
      await walk(ctx, s, f, dir, p.start + p.count, signal);
      const chunks: StreamChunk[] = f.read(dir, p.start, p.count, PAGE_BYTES).map((c) => {
        const out: StreamChunk = { dir: c.dir === 0 ? 0 : 1, frame: c.frame, offset: c.offset, data: base64(c.data) };
        if (c.missing !== undefined) out.missing = c.missing;
        return out;
      });
      const result: FollowResult = {
        session: p.session,
        proto: f.proto === PROTO_TCP ? 'tcp' : 'udp',
        filter: f.filter,
        nodes: f.nodes,
        bytes: [f.bytes[0] as number, f.bytes[1] as number],
        total: f.chunkCount(dir),
        start: p.start,
        chunks,
        complete: f.caughtUp && !s.indexing,
      };
      return result;
    },

    'stream.save': async (p, signal) => {
      const s = ctx.current();
      const f = followOf(s, p.session);
      const dir = dirOf(p.direction);
      await walk(ctx, s, f, dir, Infinity, signal);
      const stream = s.index.sessions.protoIndex[p.session] as number;
      const suffix = `-${f.proto === PROTO_TCP ? 'tcp' : 'udp'}-stream-${stream}${p.direction === 'both' ? '' : `-${p.direction}`}`;
      const target = outputTarget(p.path, derivedName(s.path, suffix, p.format), ctx.policy());
      const fd = fs.openSync(target.path, 'w');
      let written = 0;
      try {
        const total = f.chunkCount(dir);
        for (let k = 0; k < total; ) {
          const page = f.read(dir, k, 4096, PAGE_BYTES);
          for (const c of page) {
            if (p.format === 'bin') {
              if (c.data.length > 0) fs.writeSync(fd, c.data);
              written += c.data.length;
            } else {
              const text = c.missing !== undefined ? missingMarker(c.missing) : asciiText(c.data);
              fs.writeSync(fd, text, null, 'latin1');
              written += c.data.length;
            }
          }
          k += page.length;
          if (page.length === 0) break;
          if (signal.aborted) throw cancelled();
        }
      } finally {
        fs.closeSync(fd);
      }
      return outputResult(target, written);
    },
  };
}
