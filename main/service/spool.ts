/**
 * Live capture spools: packets are written to a pcapng file that the store follows. A marker file beside
 * the spool (`<spool>.unsaved`, holding the writer's pid) says the capture was never saved; it is deleted on
 * save, so a spool whose marker survives a crash or a closed window is offered for recovery at next start.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ServiceError } from './errors';
import { realPath } from './paths';

const MARKER = '.unsaved';

export function defaultSpoolDir(): string {
  return path.join(os.tmpdir(), 'wirelens-spool');
}

/** A new spool path in `dir` (created) with its marker already written. */
export function newSpool(dir: string, iface: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const safe = iface.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40);
  const file = path.join(dir, `live-${stamp}-${safe}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.pcapng`);
  fs.writeFileSync(file + MARKER, JSON.stringify({ pid: process.pid, iface, started: new Date().toISOString() }));
  return file;
}

/** Forgets the unsaved state of `spool` (after it was saved). No-op for files that are not spools. */
export function markSaved(spool: string): void {
  try {
    fs.unlinkSync(spool + MARKER);
  } catch {
    /* no marker: not a spool, or already saved */
  }
}

export function isUnsaved(spool: string): boolean {
  return fs.existsSync(spool + MARKER);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Unsaved spools in `dir`, skipping `exclude` (our running capture) and spools of other running processes. */
export function findUnsaved(dir: string, exclude: string | null = null): { path: string; size: number; modified: string }[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const found: { path: string; size: number; modified: string }[] = [];
  for (const name of names) {
    if (!name.endsWith('.pcapng' + MARKER)) continue;
    const spool = path.join(dir, name.slice(0, -MARKER.length));
    if (spool === exclude) continue;
    try {
      const marker = JSON.parse(fs.readFileSync(spool + MARKER, 'utf8')) as { pid?: unknown };
      if (typeof marker.pid === 'number' && marker.pid !== process.pid && alive(marker.pid)) continue;
    } catch {
      /* unreadable marker: still worth offering the spool */
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(spool);
    } catch {
      continue;
    }
    if (!st.isFile() || st.size === 0) continue;
    found.push({ path: spool, size: st.size, modified: st.mtime.toISOString() });
  }
  return found.sort((a, b) => b.modified.localeCompare(a.modified));
}

/**
 * Checks that `spool` may be discarded and returns its resolved path: refuses ('forbidden') anything that is
 * not a spool of `dir` — the client names the path, and discarding deletes files — and ('failed') a spool that
 * was saved already or whose capture is still running in another process.
 */
export function spoolToDiscard(dir: string, spool: string): string {
  const real = realPath(spool, null);
  const realDir = realPath(dir, null);
  // Only a direct child named as newSpool names them: a path elsewhere, or in a sub-directory, is not ours.
  if (path.dirname(real) !== realDir || !/^live-[A-Za-z0-9_.-]+\.pcapng$/.test(path.basename(real))) {
    throw new ServiceError('forbidden', `${spool} is not a capture spool of ${dir}`);
  }
  let marker: string;
  try {
    marker = fs.readFileSync(real + MARKER, 'utf8');
  } catch {
    throw new ServiceError('failed', `${spool} is not an unsaved spool (it was saved or discarded already)`);
  }
  let pid: unknown = null;
  try {
    pid = (JSON.parse(marker) as { pid?: unknown }).pid;
  } catch {
    /* unreadable marker: an abandoned spool, fine to delete */
  }
  if (typeof pid === 'number' && pid !== process.pid && alive(pid)) {
    throw new ServiceError('failed', `${spool} belongs to a capture still running in process ${pid}`);
  }
  return real;
}

/** Deletes a spool checked by spoolToDiscard, and its marker. */
export function removeSpool(real: string): void {
  fs.rmSync(real, { force: true });
  fs.rmSync(real + MARKER, { force: true });
}
