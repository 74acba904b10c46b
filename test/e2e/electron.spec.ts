/**
 * Launches the real desktop app with Playwright's Electron driver. Needs Electron's binary, a display (or xvfb),
 * and the built app (npm run build && npm run build:renderer); skips with the reason otherwise.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

const root = join(__dirname, '..', '..');

function electronBinary(): string | null {
  try {
    const bin: unknown = require('electron');
    return typeof bin === 'string' && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const bin = electronBinary();
const skipReason = !bin
  ? 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD): skipping the Electron launch test'
  : !existsSync(join(root, 'dist', 'renderer', 'index.html'))
    ? 'dist/renderer/index.html is missing (npm run build:renderer): skipping the Electron launch test'
    : process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
      ? 'no display (run under xvfb-run): skipping the Electron launch test'
      : null;
if (skipReason) console.log(skipReason);

test.skip(skipReason !== null, skipReason ?? '');

test('the desktop app starts sandboxed, exposes only the bridge, and opens the sample', async () => {
  const app = await electron.launch({
    executablePath: bin as string,
    args: [join(root, 'dist', 'main', 'app', 'main.js'), join(root, 'assets', 'sample.pcapng')],
  });
  try {
    const win = await app.firstWindow();
    await win.waitForLoadState('domcontentloaded');
    const bridge = await win.evaluate(() => {
      const w = window as unknown as { wirelens?: { platform: string; send: unknown; onMessage: unknown; pathForFile: unknown }; require?: unknown; process?: unknown };
      return {
        platform: w.wirelens?.platform,
        api: w.wirelens ? Object.keys(w.wirelens).sort() : [],
        require: typeof w.require,
        process: typeof w.process,
      };
    });
    expect(bridge).toEqual({ platform: 'electron', api: ['onMessage', 'pathForFile', 'platform', 'send'], require: 'undefined', process: 'undefined' });

    // A request through the bridge comes back through onMessage; an invalid one is refused by main.
    const answers = await win.evaluate(
      () =>
        new Promise<unknown[]>((resolve) => {
          const w = window as unknown as { wirelens: { send(m: unknown): void; onMessage(cb: (m: { kind: string; id?: number }) => void): () => void } };
          const got: unknown[] = [];
          const off = w.wirelens.onMessage((m) => {
            if (m.kind === 'response' && (m.id === 900001 || m.id === 900002)) got.push(m);
            if (got.length === 2) {
              off();
              resolve(got);
            }
          });
          w.wirelens.send({ kind: 'request', id: 900001, method: 'capture.status', params: {} });
          w.wirelens.send({ kind: 'request', id: 900002, method: 'no.such.method', params: {} });
        }),
    );
    expect(answers).toContainEqual(expect.objectContaining({ id: 900001, ok: true }));
    expect(answers).toContainEqual(expect.objectContaining({ id: 900002, ok: false, error: expect.objectContaining({ code: 'invalid' }) }));

    // window.open is denied and navigation away is blocked.
    const opened = await win.evaluate(() => window.open('https://example.com') === null);
    expect(opened).toBe(true);
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const w = BrowserWindow.getAllWindows()[0];
      const p = w?.webContents.getLastWebPreferences();
      return { contextIsolation: p?.contextIsolation, sandbox: p?.sandbox, nodeIntegration: p?.nodeIntegration };
    });
    expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
  } finally {
    await app.close();
  }
});
