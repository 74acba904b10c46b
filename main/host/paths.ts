/**
 * Where the built pieces live. Resolved from the project root (the nearest directory with a package.json) so the
 * same code works from dist/ (npm start, the packaged app: resources/app/) and from the TypeScript sources (vitest).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cachedRoot: string | null = null;

export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return (cachedRoot = dir);
    const up = dirname(dir);
    // Not found (an unusual layout): fall back to two levels above dist/main/host.
    if (up === dir) return (cachedRoot = join(__dirname, '..', '..', '..'));
    dir = up;
  }
}

/** The compiled engine worker; always the JS build (a worker cannot load TypeScript). */
export function defaultWorkerPath(): string {
  return join(projectRoot(), 'dist', 'main', 'service', 'worker-entry.js');
}

/** Vite's output for the renderer. */
export function defaultRendererDir(): string {
  return join(projectRoot(), 'dist', 'renderer');
}

export function samplePath(): string {
  return join(projectRoot(), 'assets', 'sample.pcapng');
}
