/** Starts the real `wirelens serve` (dist/main/serve/server.js, built by `npm run build`) in-process. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
export const SERVER_JS = join(ROOT, 'dist', 'main', 'serve', 'server.js');
export const RENDERER_INDEX = join(ROOT, 'dist', 'renderer', 'index.html');
export const CAPTURES = join(ROOT, 'test', 'fixtures', 'captures');

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}
export interface ServeStarted extends RunningServer {
  /** The temporary spool directory this server's engines capture into (deleted by close). */
  spoolDir: string;
}
interface ServerModule {
  startServer(opts: { root?: string; port?: number; spoolDir?: string; log?: (line: string) => void }): Promise<RunningServer>;
}

/** Why the real-engine specs cannot run here, or null when they can. */
export function serveMissing(): string | null {
  if (!existsSync(SERVER_JS)) return `${SERVER_JS} is missing: run npm run build`;
  if (!existsSync(RENDERER_INDEX)) return `${RENDERER_INDEX} is missing: run npm run build:renderer`;
  return null;
}

/**
 * Starts serve with its own temporary spool directory: a test's live captures must never be left in the
 * user's spool directory, where the next real start would offer them for recovery.
 */
export async function startServe(root = CAPTURES): Promise<ServeStarted> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled CommonJS build, loaded at run time
  const mod = require(SERVER_JS) as ServerModule;
  const log: string[] = [];
  const spoolDir = mkdtempSync(join(tmpdir(), 'wirelens-e2e-spool-'));
  const server = await mod.startServer({ root, port: 0, spoolDir, log: (l) => log.push(l) });
  return {
    ...server,
    spoolDir,
    async close() {
      await server.close();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}
