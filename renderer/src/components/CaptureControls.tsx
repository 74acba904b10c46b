/**
 * Live capture: interface list (live.interfaces), BPF capture filter validated by libpcap (live.checkFilter,
 * its error text shown as is), Start/Stop (Ctrl+E) and the live counters from `captureStats` events.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { NetInterface } from '../../../shared/contract';
import { client } from '../connection';
import { formatCount } from '../format';
import { errorText, useStore } from '../store';

type BpfState = 'empty' | 'checking' | 'ok' | 'error';

export function CaptureControls() {
  const stats = useStore((s) => s.stats);
  const autoScroll = useStore((s) => s.autoScroll);
  const setAutoScroll = useStore((s) => s.setAutoScroll);
  const notify = useStore((s) => s.notify);
  const connected = useStore((s) => s.connection === 'open');
  const [ifaces, setIfaces] = useState<NetInterface[]>([]);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [iface, setIface] = useState('');
  const [bpf, setBpf] = useState('');
  const [bpfState, setBpfState] = useState<BpfState>('empty');
  const [bpfError, setBpfError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The engine's status says whether a capture runs (from live.start until live.stop has finished); the
  // captureStats events only carry counters and can lag behind it.
  const running = useStore((s) => s.status?.live ?? false);
  const checkSeq = useRef(0);

  // Asked once connected (and again after a reconnect: the engine behind a new connection may differ).
  useEffect(() => {
    if (!connected) return;
    setUnavailable(null);
    client
      .request('live.interfaces', {})
      .then((r) => {
        if (!r.available) {
          setUnavailable(r.reason ?? 'live capture is not available');
          return;
        }
        setIfaces(r.interfaces);
        setIface((cur) => cur || (r.interfaces.find((i) => !i.loopback) ?? r.interfaces[0])?.name || '');
      })
      .catch((err: unknown) => setUnavailable(errorText(err)));
  }, [connected]);

  // Validate the capture filter against the chosen interface's link type, debounced.
  useEffect(() => {
    if (!bpf.trim() || !iface) {
      setBpfState('empty');
      setBpfError(null);
      return;
    }
    setBpfState('checking');
    const seq = ++checkSeq.current;
    const t = setTimeout(() => {
      client
        .request('live.checkFilter', { iface, bpf })
        .then((r) => {
          if (seq !== checkSeq.current) return;
          setBpfState(r.ok ? 'ok' : 'error');
          setBpfError(r.ok ? null : (r.error ?? 'invalid capture filter'));
        })
        .catch((err: unknown) => {
          if (seq !== checkSeq.current) return;
          setBpfState('error');
          setBpfError(errorText(err));
        });
    }, 250);
    return () => clearTimeout(t);
  }, [bpf, iface]);

  const toggle = useCallback(async () => {
    if (busy || unavailable) return;
    setBusy(true);
    try {
      if (running) {
        const s = await client.request('live.stop', {});
        useStore.setState({ stats: s });
      } else {
        if (!iface) throw new Error('choose an interface first');
        if (bpfState === 'error') throw new Error(`capture filter: ${bpfError ?? 'invalid'}`);
        const s = await client.request('live.start', { iface, bpf });
        useStore.setState({ stats: s, selected: null, detail: null });
      }
    } catch (err) {
      notify(`Capture: ${errorText(err)}`, 'error');
    } finally {
      setBusy(false);
    }
  }, [busy, unavailable, running, iface, bpf, bpfState, bpfError, notify]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && (e.key === 'e' || e.key === 'E')) {
        e.preventDefault();
        void toggle();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggle]);

  const dropped = stats ? stats.droppedKernel + stats.droppedInterface : 0;
  return (
    <div className="capture-controls" data-testid="capture-controls" title={unavailable ?? undefined}>
      <select value={iface} onChange={(e) => setIface(e.target.value)} disabled={!!unavailable || running} aria-label="Interface" data-testid="capture-iface">
        {unavailable && <option value="">No live capture</option>}
        {ifaces.map((i) => (
          <option key={i.name} value={i.name}>
            {i.name}
            {i.description ? ` — ${i.description}` : ''}
          </option>
        ))}
      </select>
      <input
        className={`bpf-input state-${bpfState}`}
        data-testid="capture-filter"
        placeholder="Capture filter (BPF)"
        value={bpf}
        spellCheck={false}
        disabled={!!unavailable || running}
        onChange={(e) => setBpf(e.target.value)}
        title={bpfError ?? undefined}
      />
      <button type="button" onClick={() => void toggle()} disabled={!!unavailable || busy} className={running ? 'danger' : 'primary'} data-testid="capture-toggle" title="Ctrl+E">
        {running ? '■ Stop' : '● Start'}
      </button>
      <label className="checkbox" title="Keep the newest packet in view during a live capture">
        <input type="checkbox" checked={autoScroll} onChange={(e) => setAutoScroll(e.target.checked)} />
        Auto-scroll
      </label>
      {stats && (stats.running || stats.received > 0) && (
        <span className="capture-stats" data-testid="capture-stats">
          {stats.iface}: {formatCount(stats.received)} received · dropped {formatCount(dropped)} kernel / {formatCount(stats.droppedApp)} app ·{' '}
          {formatCount(Math.round(stats.packetsPerSecond))} pkt/s
        </span>
      )}
      {bpfState === 'error' && bpfError && (
        <span className="bpf-error" data-testid="capture-filter-error">
          {bpfError}
        </span>
      )}
      {unavailable && <span className="muted small">{unavailable}</span>}
    </div>
  );
}
