/**
 * `wirelens serve` as a user starts it (the CLI, a child process): --spool-dir reaches the engine, whose
 * start-up recovery check then offers the unsaved spool found there, and a bad directory is a usage error.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'wirelens.js');
const BUILT = existsSync(join(ROOT, 'dist', 'main', 'service', 'worker-entry.js'));
const SAMPLE = join(ROOT, 'assets', 'sample.pcapng');

if (!BUILT) console.log('skipping the serve CLI tests: dist/ is not built (run npm run build)');

/** Reads the served URL from the CLI's first lines. */
function urlOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

describe.skipIf(!BUILT)('wirelens serve --spool-dir', () => {
  it('offers the unsaved capture found in the given spool directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-spooldir-'));
    const spool = join(dir, 'capture-lo-1.pcapng');
    copyFileSync(SAMPLE, spool);
    // The marker of a capture whose writer is gone (pid 2^22+1 exceeds Linux's pid_max default of 2^22).
    writeFileSync(spool + '.unsaved', JSON.stringify({ pid: 4194305 }));
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--no-open', '--spool-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = new URL(await urlOf(child));
      const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token') ?? ''}`, { headers: { Origin: url.origin } });
      const spools = await new Promise<string[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no recovery event')), 20_000);
        ws.on('message', (data: Buffer) => {
          const m = JSON.parse(data.toString()) as { kind: string; event?: string; data?: { spools: { path: string }[] } };
          if (m.kind === 'event' && m.event === 'recovery' && m.data) {
            clearTimeout(timer);
            resolve(m.data.spools.map((s) => s.path));
          }
        });
        ws.on('error', reject);
      });
      ws.terminate();
      expect(spools).toEqual([spool]);
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it('refuses a spool directory that does not exist', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--no-open', '--spool-dir', '/nonexistent/wirelens-spool'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--spool-dir \/nonexistent\/wirelens-spool is not a directory/);
  });
});
