/** Interface listing and capture filter (BPF) checking, through libpcap. */
import * as fs from 'node:fs';
import type { NetInterface } from '../../../shared/contract';
import { loadBinding } from './binding';

/** libpcap DLT_* values used to compile a filter for an interface that is not open. */
const DLT_NULL = 0;
const DLT_EN10MB = 1;
/** DLT_RAW is 12 everywhere but OpenBSD (14). */
const DLT_RAW = process.platform === 'openbsd' ? 14 : 12;
const DLT_IEEE802_11 = 105;
const DLT_LINUX_SLL = 113;
const DLT_IEEE802_11_RADIO = 127;
const DLT_IPV4 = 228;
const DLT_DBUS = 231;
const DLT_NFLOG = 239;
const DLT_BLUETOOTH_LINUX_MONITOR = 254;

/**
 * The LINKTYPE_* a file must record for a libpcap DLT_* (pcap_datalink's value). They are equal except for a few
 * DLTs whose numbers differ between platforms (libpcap's dlt_to_linktype does the same).
 */
export function linkTypeFromDlt(dlt: number): number {
  if (dlt === DLT_RAW) return 101; // LINKTYPE_RAW
  if (dlt === 12 && process.platform === 'openbsd') return 108; // DLT_LOOP
  if (dlt === 11) return 100; // DLT_ATM_RFC1483
  if (dlt === 15) return 102; // DLT_SLIP_BSDOS
  if (dlt === 16) return 103; // DLT_PPP_BSDOS
  if (dlt === 19 && process.platform === 'linux') return 106; // DLT_ATM_CLIP
  return dlt;
}

/** Snap length filters are checked with (libpcap's default; some filters depend on it, e.g. `greater`). */
export const CHECK_SNAPLEN = 262144;

/** libpcap's pseudo-devices on Linux, which have no /sys/class/net entry. */
const PSEUDO: Record<string, number> = {
  any: DLT_LINUX_SLL,
  nflog: DLT_NFLOG,
  nfqueue: DLT_IPV4,
  'dbus-system': DLT_DBUS,
  'dbus-session': DLT_DBUS,
  'bluetooth-monitor': DLT_BLUETOOTH_LINUX_MONITOR,
};

/** Linux ARPHRD_* (from /sys/class/net/IFACE/type) to the DLT libpcap uses for it. */
const ARPHRD_TO_DLT: Record<number, number> = {
  1: DLT_EN10MB, // ether
  772: DLT_EN10MB, // loopback: libpcap presents lo as Ethernet
  512: DLT_LINUX_SLL, // ppp: libpcap captures it in cooked mode
  768: DLT_RAW, // ipip
  776: DLT_RAW, // sit
  778: DLT_RAW, // ipgre
  65534: DLT_RAW, // none (tun)
  801: DLT_IEEE802_11,
  803: DLT_IEEE802_11_RADIO,
};

/** Link types learnt from captures actually opened (exact, unlike the guess from the interface type). */
const openedLinkTypes = new Map<string, number>();

export function rememberLinkType(iface: string, linkType: number): void {
  openedLinkTypes.set(iface, linkType);
}

/**
 * The DLT a capture on `iface` will most likely have. Opening the device would say for sure but needs
 * capture privileges; a filter's meaning depends on the link type only in rare cases (link-layer keywords).
 */
export function guessLinkType(iface: string): number {
  const known = openedLinkTypes.get(iface);
  if (known !== undefined) return known;
  if (PSEUDO[iface] !== undefined && process.platform === 'linux') return PSEUDO[iface];
  if (process.platform === 'linux') {
    try {
      const type = Number(fs.readFileSync(`/sys/class/net/${iface.replace(/[/]/g, '')}/type`, 'utf8').trim());
      return ARPHRD_TO_DLT[type] ?? DLT_EN10MB;
    } catch {
      return DLT_EN10MB;
    }
  }
  // BSD/macOS loopback is DLT_NULL; everything else there is mostly Ethernet-framed.
  if (/^lo\d*$/.test(iface)) return DLT_NULL;
  return DLT_EN10MB;
}

/** Capture interfaces as libpcap sees them; [] when live capture is unavailable (liveAvailable() says why). */
export function listInterfaces(): NetInterface[] {
  const { binding } = loadBinding();
  if (binding === undefined) return [];
  return binding.deviceList().map((d) => {
    const loopback = d.flags === 'PCAP_IF_LOOPBACK';
    return {
      name: d.name,
      // libpcap on Linux describes only its pseudo-devices.
      description: d.description ?? (loopback ? 'Loopback' : ''),
      addresses: d.addresses.map((a) => a.addr).filter((a): a is string => typeof a === 'string'),
      loopback,
    };
  });
}

/**
 * libpcap's own compile error for `bpf` on `iface` (e.g. "can't parse filter expression: syntax error"), or
 * null when it compiles (an empty filter captures everything). Needs no capture privileges.
 */
export function checkBpf(iface: string, bpf: string): string | null {
  if (bpf.trim() === '') return null;
  const { binding, reason } = loadBinding();
  if (binding === undefined) return reason;
  return binding.checkFilter(guessLinkType(iface), CHECK_SNAPLEN, bpf);
}
