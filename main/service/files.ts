/** files.list: the browser's Open dialog (serve mode), limited to the root directory when one is set. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileEntry, Results } from '../../shared/contract';
import { ServiceError } from './errors';
import { allowedPath, isInside, realPath } from './paths';

const CAPTURE_EXT = /\.(pcap|pcapng|cap)$/i;

export function listFiles(dir: string | undefined, root: string | null): Results['files.list'] {
  const target = allowedPath(dir ?? root ?? os.homedir(), root);
  let names: string[];
  try {
    names = fs.readdirSync(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ServiceError('failed', `${target}: ${code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'not a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? err)}`);
  }
  const realRoot = root === null ? null : realPath(root, null);
  const entries: FileEntry[] = [];
  for (const name of names) {
    const full = path.join(target, name);
    let st: fs.Stats;
    try {
      st = fs.statSync(full);
    } catch {
      continue; // dangling link, vanished file
    }
    const dir = st.isDirectory();
    if (!dir && !(st.isFile() && CAPTURE_EXT.test(name))) continue;
    // A symlink pointing out of the root would be refused when opened: do not offer it.
    if (realRoot !== null && !isInside(realPath(full, null), realRoot)) continue;
    entries.push({ name, path: full, dir, size: dir ? 0 : st.size });
  }
  entries.sort((a, b) => (a.dir !== b.dir ? (a.dir ? -1 : 1) : a.name.localeCompare(b.name)));
  const up = path.dirname(target);
  const parent = up === target || (realRoot !== null && !isInside(up, realRoot)) ? null : up;
  return { dir: target, parent, entries };
}
