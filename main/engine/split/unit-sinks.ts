/**
 * Where a split's files go: one file per session in a directory, or entries of one tar archive (a browser
 * download). Files are written one after another through a shared OutBuffer, so at most one output file is
 * open at any time, whatever the number of sessions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutBuffer } from './out-buffer';
import { TAR_END, tarHeader, tarPadding } from './tar';

export interface UnitSink {
  readonly out: OutBuffer;
  /** Starts file `name` that will hold exactly `size` bytes. */
  begin(name: string, size: number): void;
  end(): void;
  /** Completes the output after the last file (tar trailer); closes what is open. */
  finish(): void;
  /** Closes what is open after a failure or a cancel (files written so far stay). */
  abort(): void;
}

export class SplitTargetError extends Error {}

/**
 * Prepares `dir` for a split: created when missing (its parent must exist); an existing directory must be
 * empty unless `force`, so a split never mixes its files with others or overwrites them unasked.
 */
export function prepareDirectory(dir: string, force: boolean): void {
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(dir);
  } catch {
    st = null;
  }
  if (st === null) {
    try {
      fs.mkdirSync(dir);
    } catch (err) {
      throw new SplitTargetError(`cannot create ${dir}: ${(err as Error).message}`);
    }
    return;
  }
  if (!st.isDirectory()) throw new SplitTargetError(`${dir} exists and is not a directory`);
  if (!force && fs.readdirSync(dir).length > 0) throw new SplitTargetError(`${dir} is not empty (choose an empty or new directory)`);
}

/**
 * A directory that does not exist yet: `base` or, when taken, `base-2`, `base-3`… (the app writes into a new
 * folder inside the one the user picked rather than scattering files over it).
 */
export function freshDirectory(parent: string, base: string): string {
  for (let k = 1; ; k++) {
    const dir = path.join(parent, k === 1 ? base : `${base}-${k}`);
    if (!fs.existsSync(dir)) return dir;
  }
}

export class DirectorySink implements UnitSink {
  readonly out = new OutBuffer();
  private fd = -1;
  /** Files of this split, by name: with `force`, an existing file of the same name is replaced. */
  constructor(
    private readonly dir: string,
    private readonly force = false,
  ) {}

  begin(name: string): void {
    this.closeFile();
    this.fd = fs.openSync(path.join(this.dir, name), this.force ? 'w' : 'wx', 0o644);
    this.out.fd = this.fd;
  }

  end(): void {
    this.closeFile();
  }

  finish(): void {
    this.closeFile();
  }

  abort(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    this.out.fd = -1;
  }

  private closeFile(): void {
    if (this.fd < 0) return;
    this.out.flush();
    fs.closeSync(this.fd);
    this.fd = -1;
    this.out.fd = -1;
  }
}

export class TarSink implements UnitSink {
  readonly out = new OutBuffer();
  private size = 0;
  private readonly mtime = Date.now() / 1000;

  /** Entries are named `folder/name`. The caller owns `fd` (writeAtomically, a download temp file). */
  constructor(
    fd: number,
    private readonly folder: string,
  ) {
    this.out.fd = fd;
  }

  begin(name: string, size: number): void {
    this.size = size;
    this.out.write(tarHeader(`${this.folder}/${name}`, size, this.mtime));
  }

  end(): void {
    const n = tarPadding(this.size);
    if (n === 0) return;
    const at = this.out.reserve(n);
    this.out.buf.fill(0, at, at + n);
  }

  finish(): void {
    this.out.write(TAR_END);
    this.out.flush();
  }

  abort(): void {
    // Nothing is open but the caller's descriptor.
  }
}
