/**
 * Path policy. In serve mode with --root, a browser may only name files under that directory; symlinks are
 * resolved first, otherwise a link inside the root could point anywhere.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ServiceError } from './errors';

/** `p` made absolute (relative paths are taken from the root when there is one) with symlinks resolved. */
export function realPath(p: string, root: string | null): string {
  const abs = path.resolve(root ?? process.cwd(), p);
  try {
    return fs.realpathSync(abs);
  } catch {
    // A file that does not exist yet (an export target): resolve its directory and keep the name.
    try {
      return path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
    } catch {
      return abs;
    }
  }
}

export function isInside(child: string, dir: string): boolean {
  const rel = path.relative(dir, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Resolves `p` and refuses it ('forbidden') when a root is set and it lies outside every allowed directory
 * (the root, plus the spool directory so unsaved live captures can be recovered).
 */
export function allowedPath(p: string, root: string | null, extra: readonly string[] = []): string {
  const real = realPath(p, root);
  if (root === null) return real;
  const dirs = [root, ...extra].map((d) => realPath(d, null));
  if (!dirs.some((d) => isInside(real, d))) throw new ServiceError('forbidden', `${p} is outside the allowed directory`);
  return real;
}
