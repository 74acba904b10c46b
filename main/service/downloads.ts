/**
 * One-time downloads for transports that cannot write where the user chooses (a browser client of `wirelens
 * serve`): an export is written to a private temp directory and registered under a random token; the HTTP
 * side (in the host process) asks the worker for the file with the token and serves it once.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Download {
  path: string;
  /** File name to offer the browser (Content-Disposition). */
  name: string;
}

const pending = new Map<string, Download>();

/** A fresh temp path for a file to be downloaded as `name`, in its own private directory. */
export function downloadTempPath(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelens-dl-'));
  return path.join(dir, path.basename(name) || 'capture');
}

/** Registers a written file; returns the URL path the client fetches (`/download/<token>`). */
export function registerDownload(file: string, name: string): string {
  const token = crypto.randomBytes(18).toString('base64url');
  pending.set(token, { path: file, name });
  return `/download/${token}`;
}

/**
 * Hands out a registered download once: the token is forgotten, so a URL cannot be replayed. The caller
 * serves the file and may delete it afterwards.
 */
export function takeDownload(token: string): Download | null {
  const d = pending.get(token);
  if (d === undefined) return null;
  pending.delete(token);
  return d;
}
