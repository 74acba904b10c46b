/**
 * Live capture (libpcap through the patched optional `cap` package): what the engine service and the CLI use.
 * Every function here is safe to call without libpcap: liveAvailable() then says why capture is unavailable.
 */
import { loadBinding } from './binding';

export { LiveCapture, type LiveCaptureOptions } from './capture';
export { listInterfaces, checkBpf } from './interfaces';
export { LiveCaptureError, type LiveErrorKind } from './permission';

export function liveAvailable(): { available: boolean; reason?: string } {
  const { binding, reason } = loadBinding();
  return binding !== undefined ? { available: true } : { available: false, reason };
}
