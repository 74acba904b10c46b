/** Turning libpcap's open failures into messages a user can act on. */
import * as fs from 'node:fs';
import {
  PCAP_ERROR_NO_SUCH_DEVICE,
  PCAP_ERROR_PERM_DENIED,
  PCAP_ERROR_PROMISC_PERM_DENIED,
} from './binding';

/** The binary that needs the capabilities: setcap does not follow symlinks, so the real file. */
export function captureBinary(): string {
  try {
    return fs.realpathSync(process.execPath);
  } catch {
    return process.execPath;
  }
}

/** The remedy for a capture refused for lack of privileges, per platform. */
export function permissionRemedy(): string {
  const bin = captureBinary();
  if (process.platform === 'darwin') {
    return (
      'Give your user read access to /dev/bpf* (Wireshark\'s "ChmodBPF" package does this through the access_bpf ' +
      'group), then log out and in again.'
    );
  }
  if (process.platform === 'win32') {
    return 'Install Npcap; if it was installed with "restrict to administrators", reinstall it without that option.';
  }
  return (
    `Grant the capture capabilities to the program instead of running it as root:\n` +
    `  sudo setcap cap_net_raw,cap_net_admin=eip ${bin}\n` +
    `To limit who may capture, make the program runnable by a group only, e.g.:\n` +
    `  sudo groupadd -f pcap && sudo usermod -aG pcap $USER && sudo chgrp pcap ${bin} && sudo chmod 750 ${bin}\n` +
    `(then run the setcap command again: chgrp/chmod do not keep capabilities; log in again for the group).`
  );
}

/**
 * An Error for a failed pcap open. `pcapStatus` is what the patched binding attaches (pcap_activate's status);
 * the message is matched too, as some failures (socket(), /dev/bpf) come without a specific status.
 */
export function describeOpenError(iface: string, err: unknown): LiveCaptureError {
  const message = err instanceof Error ? err.message : String(err);
  const status = err instanceof Error ? (err as Error & { pcapStatus?: number }).pcapStatus : undefined;
  const denied =
    status === PCAP_ERROR_PERM_DENIED ||
    status === PCAP_ERROR_PROMISC_PERM_DENIED ||
    /permission|not permitted|EPERM|EACCES/i.test(message);
  if (denied) {
    return new LiveCaptureError(
      `No permission to capture on "${iface}" (libpcap: ${message}). ${permissionRemedy()}`,
      'permission',
    );
  }
  if (status === PCAP_ERROR_NO_SUCH_DEVICE || /no such device/i.test(message)) {
    return new LiveCaptureError(
      `There is no capture interface "${iface}" (libpcap: ${message}). \`wirelens interfaces\` lists them.`,
      'no-device',
    );
  }
  return new LiveCaptureError(`Cannot capture on "${iface}": ${message}`, 'failed');
}

export type LiveErrorKind = 'unavailable' | 'permission' | 'no-device' | 'filter' | 'spool' | 'failed';

export class LiveCaptureError extends Error {
  constructor(
    message: string,
    readonly kind: LiveErrorKind,
  ) {
    super(message);
    this.name = 'LiveCaptureError';
  }
}
