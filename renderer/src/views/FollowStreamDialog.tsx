/**
 * Follow stream dialog: the payload of one TCP or UDP session, both directions in tshark's follow order, client
 * → server in red and server → client in blue as Wireshark draws them. Modes: ASCII (non-printables as '.'),
 * hex dump (offsets per direction) and raw (hex, one line per segment). A direction chooser, "Filter to this
 * stream" (the stream's display filter in the bar) and Save as (raw bytes or the ASCII text).
 *
 * Pages of chunks are pulled from the engine (stream.follow) until MAX_SHOWN_BYTES are shown; the rest of a huge
 * stream is only one Save as away. A stream still growing (live capture) is pulled further as packets arrive.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FollowDirection, FollowResult, StreamChunk } from '../../../shared/views/stream';
import { asciiText, hexDumpLines, missingMarker, rawHex } from '../../../shared/follow-text';
import { Dialog } from '../components/Dialog';
import { client, platform } from '../connection';
import { download } from '../download';
import { formatCount } from '../format';
import { errorText, useStore } from '../store';
import { useFollow } from './follow-store';
import './follow.css';

type Mode = 'ascii' | 'hex' | 'raw';

/** Bytes shown at most (a hex dump is four times that in text). */
const MAX_SHOWN_BYTES = 2 << 20;
const PAGE_CHUNKS = 1000;
/** Pull a growing stream at most this often. */
const LIVE_MS = 1000;

interface Chunk {
  dir: 0 | 1;
  frame: number;
  offset: number;
  bytes: Uint8Array;
  missing?: number;
}

function decode(c: StreamChunk): Chunk {
  const bin = atob(c.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const out: Chunk = { dir: c.dir, frame: c.frame, offset: c.offset, bytes };
  if (c.missing !== undefined) out.missing = c.missing;
  return out;
}

function node(r: FollowResult | null, k: 0 | 1): string {
  const n = r?.nodes?.[k];
  if (!n) return '?';
  return n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`;
}

/** The text of one chunk in `mode` (hex dump lines of the server indented when both directions show). */
function chunkText(c: Chunk, mode: Mode, both: boolean): string {
  if (c.missing !== undefined) return mode === 'ascii' ? missingMarker(c.missing) : `${missingMarker(c.missing)}\n`;
  if (mode === 'ascii') return asciiText(c.bytes);
  if (mode === 'raw') return `${rawHex(c.bytes)}\n`;
  const indent = both && c.dir === 1 ? '    ' : '';
  return hexDumpLines(c.bytes, c.offset)
    .map((l) => `${indent}${l}\n`)
    .join('');
}

export function FollowStreamDialog() {
  const session = useFollow((s) => s.session);
  const packets = useStore((s) => s.status?.packets ?? 0);
  const [direction, setDirection] = useState<FollowDirection>('both');
  const [mode, setMode] = useState<Mode>('ascii');
  const [info, setInfo] = useState<FollowResult | null>(null);
  const [chunks, setChunks] = useState<Chunk[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const shownBytes = useRef(0);
  const busy = useRef(false);
  const generation = useRef(0);
  const lastLive = useRef(0);
  const close = useCallback(() => useStore.getState().setDialog(null), []);

  /** Pulls pages from `start` until the cap or the end of what is known. */
  const pull = useCallback(
    async (start: number, gen: number): Promise<void> => {
      if (session === null || busy.current) return;
      busy.current = true;
      setLoading(true);
      try {
        let next = start;
        for (;;) {
          const r = await client.request('stream.follow', { session, direction, start: next, count: PAGE_CHUNKS });
          if (generation.current !== gen) return;
          setInfo(r);
          const got = r.chunks.map(decode);
          for (const c of got) shownBytes.current += c.bytes.length;
          if (got.length > 0) setChunks((old) => old.concat(got));
          next += got.length;
          if (got.length === 0 || next >= r.total || shownBytes.current >= MAX_SHOWN_BYTES) break;
        }
      } catch (err) {
        if (generation.current === gen) setError(errorText(err));
      } finally {
        busy.current = false;
        if (generation.current === gen) setLoading(false);
      }
    },
    [session, direction],
  );

  // A new stream or direction: start over.
  useEffect(() => {
    const gen = ++generation.current;
    busy.current = false;
    shownBytes.current = 0;
    setChunks([]);
    setInfo(null);
    setError(null);
    void pull(0, gen);
  }, [pull]);

  // A stream still growing: pull what arrived, at most every LIVE_MS.
  const loaded = chunks.length;
  useEffect(() => {
    if (info === null || info.complete || shownBytes.current >= MAX_SHOWN_BYTES) return;
    const wait = Math.max(0, lastLive.current + LIVE_MS - Date.now());
    const t = setTimeout(() => {
      lastLive.current = Date.now();
      void pull(loaded, generation.current);
    }, wait);
    return () => clearTimeout(t);
  }, [packets, info, loaded, pull]);

  const both = direction === 'both';
  const rendered = useMemo(
    () =>
      chunks.map((c, k) => (
        <span
          key={k}
          className={c.missing !== undefined ? 'follow-missing' : c.dir === 0 ? 'follow-client' : 'follow-server'}
          data-dir={c.dir}
          data-frame={c.frame}
          title={`Packet ${c.frame}`}
          onClick={() => useStore.getState().selectPacket(c.frame)}
        >
          {chunkText(c, mode, both)}
        </span>
      )),
    [chunks, mode, both],
  );

  const save = async (format: 'bin' | 'txt'): Promise<void> => {
    if (session === null) return;
    try {
      const r = await client.request('stream.save', { session, direction, format });
      if (r.downloadUrl) download(r.downloadUrl);
      useStore.getState().notify(`Saved ${formatCount(r.written)} bytes of the stream${r.path ? ` to ${r.path}` : platform === 'browser' ? ' (downloaded by the browser)' : ''}.`);
    } catch (err) {
      useStore.getState().notify(`Save: ${errorText(err)}`, 'error');
    }
  };

  const proto = info?.proto.toUpperCase() ?? '';
  const bytes = info?.bytes ?? [0, 0];
  const truncated = shownBytes.current >= MAX_SHOWN_BYTES && info !== null && loaded < info.total;
  const title = info ? `Follow ${proto} Stream (${info.filter})` : 'Follow stream';

  return (
    <Dialog title={title} onClose={close} testId="follow-dialog">
      <div className="follow-head small">
        <span className="follow-client-label" data-testid="follow-node0">
          {node(info, 0)}
        </span>
        {' → '}
        <span className="follow-server-label" data-testid="follow-node1">
          {node(info, 1)}
        </span>
        <span className="muted">
          {' · '}
          {formatCount(bytes[0])} bytes → · {formatCount(bytes[1])} bytes ← · {formatCount(info?.total ?? 0)} {direction === 'both' ? 'segments' : 'segments shown'}
          {info && !info.complete ? ' · reading…' : ''}
        </span>
      </div>
      {error && <div className="error-text small">{error}</div>}
      <pre className={`follow-content mode-${mode}`} data-testid="follow-content" data-loaded={loaded} data-complete={info?.complete ? 'true' : 'false'} aria-busy={loading}>
        {rendered}
      </pre>
      {truncated && (
        <div className="muted small" data-testid="follow-truncated">
          Showing the first {formatCount(shownBytes.current)} bytes ({formatCount(loaded)} of {formatCount(info?.total ?? 0)} segments): Save as… writes all of it.
        </div>
      )}
      <div className="follow-controls">
        <label>
          Show{' '}
          <select data-testid="follow-direction" value={direction} onChange={(e) => setDirection(e.target.value as FollowDirection)}>
            <option value="both">Entire conversation ({formatCount(bytes[0] + bytes[1])} bytes)</option>
            <option value="client">
              {node(info, 0)} → {node(info, 1)} ({formatCount(bytes[0])} bytes)
            </option>
            <option value="server">
              {node(info, 1)} → {node(info, 0)} ({formatCount(bytes[1])} bytes)
            </option>
          </select>
        </label>
        <label>
          as{' '}
          <select data-testid="follow-mode" value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
            <option value="ascii">ASCII</option>
            <option value="hex">Hex dump</option>
            <option value="raw">Raw</option>
          </select>
        </label>
        <span className="follow-spacer" />
        <button
          type="button"
          data-testid="follow-filter"
          disabled={!info}
          title={info?.filter}
          onClick={() => {
            if (!info) return;
            close();
            void useStore.getState().filterTo(info.filter, true);
          }}
        >
          Filter to this stream
        </button>
        <button type="button" data-testid="follow-save-raw" disabled={!info} onClick={() => void save('bin')}>
          Save as raw…
        </button>
        <button type="button" data-testid="follow-save-text" disabled={!info} onClick={() => void save('txt')}>
          Save as text…
        </button>
        <button type="button" onClick={close}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
