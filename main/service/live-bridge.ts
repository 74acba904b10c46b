/**
 * The service's view of the live capture module (main/engine/live, native libpcap). It is loaded lazily
 * with require: a machine without libpcap, a build without the module, or a test run from TypeScript
 * sources must still answer every other method, and live.* then reports why capture is unavailable.
 */
import type { EventEmitter } from 'node:events';
import type { CaptureStats, NetInterface } from '../../shared/contract';

export interface LiveCaptureHandle extends EventEmitter {
  start(): void;
  stop(): Promise<void>;
  stats(): CaptureStats;
}

export interface LiveModule {
  liveAvailable(): { available: boolean; reason?: string };
  listInterfaces(): NetInterface[];
  checkBpf(iface: string, bpf: string): string | null;
  LiveCapture: new (opts: { iface: string; bpf: string; spoolPath: string; snaplen?: number }) => LiveCaptureHandle;
}

export type LiveLoad = { ok: true; live: LiveModule } | { ok: false; reason: string };

let cached: LiveLoad | null = null;

function isLiveModule(m: unknown): m is LiveModule {
  if (m === null || typeof m !== 'object') return false;
  const o = m as Record<string, unknown>;
  return (
    typeof o['liveAvailable'] === 'function' &&
    typeof o['listInterfaces'] === 'function' &&
    typeof o['checkBpf'] === 'function' &&
    typeof o['LiveCapture'] === 'function'
  );
}

/** The live module, loaded once; `override` lets tests (and hosts) supply an implementation. */
export function loadLive(override?: LiveModule | null): LiveLoad {
  if (override) return { ok: true, live: override };
  if (cached) return cached;
  try {
    const m: unknown = require('../engine/live');
    cached = isLiveModule(m) ? { ok: true, live: m } : { ok: false, reason: 'the live capture module has an unexpected shape' };
  } catch (err) {
    const text = err instanceof Error ? err.message.split('\n')[0] : String(err);
    cached = { ok: false, reason: `live capture is not available: ${text}` };
  }
  return cached;
}

/** Whether capturing can work here (module loaded, libpcap usable, permissions), with the reason if not. */
export function liveStatus(load: LiveLoad): { available: boolean; reason?: string } {
  if (!load.ok) return { available: false, reason: load.reason };
  try {
    return load.live.liveAvailable();
  } catch (err) {
    return { available: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
