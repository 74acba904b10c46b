/**
 * Loading the libpcap binding: the optional `cap` package with patches/cap+0.2.1.patch applied (libpcap
 * timestamps and original lengths on each packet, pcap_stats, filter checking without a device, and the fixes that
 * let it run in a worker_threads Worker). `cap` may be missing (optional dependency, no libpcap or compiler at
 * install time): everything here then reports why instead of throwing, so file analysis is unaffected.
 */
import type { EventEmitter } from 'node:events';

/** pcap_activate() status codes the patched binding puts on errors as `pcapStatus`. */
export const PCAP_ERROR_NO_SUCH_DEVICE = -5;
export const PCAP_ERROR_PERM_DENIED = -8;
export const PCAP_ERROR_PROMISC_PERM_DENIED = -11;

export interface CapOpenOptions {
  snaplen?: number;
  /** Ask for nanosecond timestamps (pcap_set_tstamp_precision); tstampDigits() says what was granted. */
  nanoseconds?: boolean;
  promisc?: boolean;
  /** Deliver each packet at once (default); false batches them (TPACKET_V3 on Linux) for `timeout` ms at most. */
  immediate?: boolean;
  /** pcap_set_timeout in ms (default 1000). */
  timeout?: number;
}

/**
 * One capture handle. Emits 'packet' (copied, truncated, tsSec, tsFraction, origLen): `copied` bytes were copied
 * into the buffer given to open(); tsFraction is in micro- or nanoseconds as tstampDigits() says.
 */
export interface CapHandle extends EventEmitter {
  open(device: string, filter: string, kernelBufferSize: number, buffer: Buffer, opts?: CapOpenOptions): string;
  close(): boolean;
  stats(): { received: number; dropped: number; ifdropped: number };
  linkType(): number;
  tstampDigits(): number;
}

export interface CapDevice {
  name: string;
  description?: string;
  addresses: Array<{ addr?: string; netmask?: string; broadaddr?: string; dstaddr?: string }>;
  flags?: string;
}

export interface CapBinding {
  Cap: new () => CapHandle;
  deviceList(): CapDevice[];
  /** libpcap's compile error for `filter` on `linkType` (a DLT), or null when it compiles. */
  checkFilter(linkType: number, snaplen: number, filter: string): string | null;
  libVersion(): string;
}

type Loaded = { binding: CapBinding; reason?: undefined } | { binding?: undefined; reason: string };

// Loaded lazily, on first use: requiring a native module costs time, and it may not be there at all.
const defaultLoader = (): unknown => require('cap');

let loader: () => unknown = defaultLoader;
let loaded: Loaded | undefined;

/**
 * Test hook: replaces how `cap` is loaded (e.g. a function that throws, to simulate the package being absent);
 * null restores the real loader. Clears the cached result either way.
 */
export function setCapLoaderForTests(fn: (() => unknown) | null): void {
  loader = fn ?? defaultLoader;
  loaded = undefined;
}

function isPatched(mod: unknown): mod is CapBinding {
  if (typeof mod !== 'object' || mod === null) return false;
  const m = mod as Record<string, unknown>;
  const Cap = m.Cap;
  if (typeof Cap !== 'function') return false;
  const proto = (Cap as { prototype: Record<string, unknown> }).prototype;
  return (
    typeof m.checkFilter === 'function' &&
    typeof m.deviceList === 'function' &&
    typeof proto.stats === 'function' &&
    typeof proto.tstampDigits === 'function'
  );
}

export function loadBinding(): Loaded {
  if (loaded !== undefined) return loaded;
  let mod: unknown;
  try {
    mod = loader();
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    loaded = {
      reason:
        'Live capture is unavailable: the libpcap binding (the optional "cap" package) could not be loaded' +
        ` (${detail}). Install libpcap and its headers (Debian/Ubuntu: apt-get install libpcap-dev;` +
        ' Fedora: dnf install libpcap-devel; macOS: included; Windows: Npcap with its SDK) and reinstall with' +
        ' `npm ci`. Opening capture files works without it.',
    };
    return loaded;
  }
  if (!isPatched(mod)) {
    loaded = {
      reason:
        'Live capture is unavailable: the "cap" package is installed but without wirelens\'s patch (no libpcap' +
        ' timestamps or drop counters). Run `npm run postinstall` (applies patches/cap+0.2.1.patch and rebuilds).',
    };
    return loaded;
  }
  loaded = { binding: mod };
  return loaded;
}
