import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const start = createRequire(__filename)(join(root, 'scripts', 'start.js')) as {
  choose(env: { electron: { bin: string | null; why: string | null }; display: boolean }): { mode: string; why?: string; bin?: string };
};

describe('npm start: Electron or the browser UI', () => {
  it('runs Electron only with its binary and a display, and says why otherwise', () => {
    expect(start.choose({ electron: { bin: '/x/electron', why: null }, display: true })).toEqual({ mode: 'electron', bin: '/x/electron' });
    const noBinary = start.choose({ electron: { bin: null, why: "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD)" }, display: true });
    expect(noBinary).toEqual({ mode: 'serve', why: "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD)" });
    expect(start.choose({ electron: { bin: '/x/electron', why: null }, display: false })).toMatchObject({ mode: 'serve', why: expect.stringContaining('no display') });
  });

  const built = existsSync(join(root, 'dist', 'main', 'serve', 'server.js'));
  it.skipIf(!built)('falls back to serve here, printing one reason line and the tokenised URL', async () => {
    const env = { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' };
    const child = spawn(process.execPath, [join(root, 'scripts', 'start.js'), '--no-open'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const deadline = Date.now() + 20_000;
      while (!/token=/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      const lines = out.split('\n');
      expect(lines[0]).toMatch(/ — starting the browser UI instead$/);
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}/.exec(out)?.[0];
      expect(url, out).toBeTruthy();
      // The token guards the page even for a local process.
      const res = await fetch(new URL('/', url as string).href);
      expect(res.status).toBe(401);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
