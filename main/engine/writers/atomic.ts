import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes a file so that readers only ever see the old content or the complete new one: `fn` writes to a
 * temporary file in the same directory (same filesystem, so rename is atomic), which is fsynced and renamed
 * over `finalPath`. On any error the temporary file is removed and the error rethrown. `fn` gets the open
 * descriptor (hand it to PcapWriter/PcapngWriter, which leave closing to us) and the temporary path.
 */
export function writeAtomically<T>(finalPath: string, fn: (fd: number, tempPath: string) => T): T {
  const dir = path.dirname(path.resolve(finalPath));
  const temp = path.join(dir, `.${path.basename(finalPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd = fs.openSync(temp, 'wx', 0o644);
  try {
    const result = fn(fd, temp);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(temp, finalPath);
    syncDirectory(dir);
    return result;
  } catch (e) {
    if (fd >= 0) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed by fn: nothing to do
      }
    }
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

/** Makes the rename itself durable; not possible on every platform/filesystem, so best effort. */
function syncDirectory(dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // e.g. Windows cannot open directories: the rename is still atomic, just not yet durable
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
