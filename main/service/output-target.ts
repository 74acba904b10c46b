/**
 * Where an export or save is written. A path is honoured only when the transport lets the user choose files
 * (Electron's save dialog, or serve --root, and then only inside the root); otherwise the file goes to a
 * private temp file handed out once through a download URL.
 */
import * as path from 'node:path';
import { downloadTempPath, registerDownload } from './downloads';
import { ServiceError } from './errors';
import { allowedPath } from './paths';

export interface OutputPolicy {
  root: string | null;
  allowPaths: boolean;
  downloads: boolean;
}

export interface OutputTarget {
  path: string;
  download: boolean;
  /** The name offered to the browser for a download. */
  name: string;
}

export function outputTarget(requested: string | undefined, defaultName: string, policy: OutputPolicy): OutputTarget {
  if (requested !== undefined && policy.allowPaths) {
    const p = allowedPath(requested, policy.root);
    return { path: p, download: false, name: path.basename(p) };
  }
  if (!policy.downloads) {
    throw requested === undefined
      ? new ServiceError('invalid', 'a destination path is required')
      : new ServiceError('forbidden', 'writing files chosen by the client is not allowed here');
  }
  const name = requested !== undefined ? path.basename(requested) : defaultName;
  return { path: downloadTempPath(name), download: true, name };
}

export function outputResult(t: OutputTarget, written: number): { written: number; path?: string; downloadUrl?: string } {
  return t.download ? { written, downloadUrl: registerDownload(t.path, t.name) } : { written, path: t.path };
}

/** "trace.pcapng" → "trace-export.pcap" */
export function derivedName(source: string, suffix: string, format: string): string {
  const base = path.basename(source).replace(/\.(pcapng|pcap|cap)$/i, '');
  return `${base}${suffix}.${format}`;
}
