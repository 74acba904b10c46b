import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DESKTOP_CSP,
  captureArgument,
  checkRendererMessage,
  formatForPath,
  requestAllowed,
  windowOptions,
} from '../../main/app/policy';
import { MAX_RECENT, addRecent, loadRecent } from '../../main/app/recent';

describe('Electron main: window options', () => {
  it('isolates and sandboxes the renderer', () => {
    const o = windowOptions('/app/dist/preload/preload.js');
    const web = o.webPreferences ?? {};
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
    expect(web.preload).toBe('/app/dist/preload/preload.js');
  });
});

describe('Electron main: CSP and requests', () => {
  it('allows only the app itself', () => {
    for (const d of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "img-src 'self' data:"]) {
      expect(DESKTOP_CSP).toContain(d);
    }
    expect(DESKTOP_CSP).not.toMatch(/unsafe|http|\*/);
    expect(DESKTOP_CSP).not.toMatch(/connect-src[^;]*(ws:|http)/);
  });
  it('cancels remote loads', () => {
    expect(requestAllowed('file:///app/dist/renderer/index.html')).toBe(true);
    expect(requestAllowed('data:image/png;base64,AAAA')).toBe(true);
    expect(requestAllowed('https://example.com/x.js')).toBe(false);
    expect(requestAllowed('http://127.0.0.1:8080/')).toBe(false);
    expect(requestAllowed('ws://127.0.0.1:8080/ws')).toBe(false);
  });
});

describe('Electron main: IPC validation (wirelens:send)', () => {
  it('forwards valid requests and cancels', () => {
    expect(checkRendererMessage({ kind: 'request', id: 1, method: 'capture.status', params: {} })).toEqual({
      action: 'forward',
      message: { kind: 'request', id: 1, method: 'capture.status', params: {} },
    });
    expect(checkRendererMessage({ kind: 'cancel', id: 1 })).toEqual({ action: 'forward', message: { kind: 'cancel', id: 1 } });
    expect(checkRendererMessage({ kind: 'request', id: 2, method: 'capture.open', params: { path: '/tmp/a.pcap' } }).action).toBe('forward');
  });
  it('answers invalid messages with an invalid error and never forwards them', () => {
    const cases: [unknown, number][] = [
      ['{"kind":"request"}', -1],
      [null, -1],
      [{ kind: 'request', id: 3, method: 'nope', params: {} }, 3],
      [{ kind: 'request', id: 4, method: 'packets.rows', params: { start: 0 } }, 4],
      [{ kind: 'request', id: 5, method: 'capture.status', params: {}, extra: true }, 5],
      [{ kind: 'request', id: -5, method: 'capture.status', params: {} }, -1],
    ];
    for (const [raw, id] of cases) {
      const d = checkRendererMessage(raw);
      expect(d, JSON.stringify(raw)).toEqual({ action: 'reply', reply: { kind: 'response', id, ok: false, error: { code: 'invalid', message: expect.any(String) } } });
    }
  });
  it('lets the save dialog, not the renderer, choose where files are written', () => {
    const withPath = checkRendererMessage({ kind: 'request', id: 6, method: 'export.packets', params: { scope: 'all', format: 'pcap', path: '/etc/cron.d/x' } });
    expect(withPath).toMatchObject({ action: 'reply', reply: { id: 6, ok: false, error: { code: 'forbidden' } } });
    const save = checkRendererMessage({ kind: 'request', id: 7, method: 'live.save', params: { format: 'pcapng', path: '/tmp/x' } });
    expect(save).toMatchObject({ action: 'reply', reply: { id: 7, error: { code: 'forbidden' } } });
    expect(checkRendererMessage({ kind: 'request', id: 8, method: 'export.packets', params: { scope: 'displayed', format: 'pcapng' } })).toMatchObject({
      action: 'askSavePath',
      message: { id: 8, method: 'export.packets' },
    });
  });
  it('refuses values that cannot be serialised', () => {
    const cyclic: Record<string, unknown> = { kind: 'request', id: 1 };
    cyclic['self'] = cyclic;
    expect(checkRendererMessage(cyclic)).toMatchObject({ action: 'reply', reply: { error: { code: 'invalid' } } });
  });
});

describe('Electron main: command line and files', () => {
  it('finds the capture argument in development and packaged layouts', () => {
    expect(captureArgument(['/bin/electron', 'dist/main/app/main.js', 'x.pcapng'], false, '/home/u')).toBe('/home/u/x.pcapng');
    expect(captureArgument(['/opt/Wirelens/wirelens', '--no-sandbox', '/data/y.pcap'], true, '/')).toBe('/data/y.pcap');
    expect(captureArgument(['/opt/Wirelens/wirelens'], true, '/')).toBeNull();
  });
  it('derives the export format from the chosen name', () => {
    expect(formatForPath('/a/b.pcap', 'pcapng')).toBe('pcap');
    expect(formatForPath('/a/b.PCAPNG', 'pcap')).toBe('pcapng');
    expect(formatForPath('/a/b', 'pcapng')).toBe('pcapng');
  });
  const dir = mkdtempSync(join(tmpdir(), 'wirelens-recent-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('keeps a deduplicated, bounded recent list and survives a damaged file', () => {
    const file = join(dir, 'recent-files.json');
    expect(loadRecent(file)).toEqual([]);
    addRecent(file, '/a.pcap');
    addRecent(file, '/b.pcap');
    expect(addRecent(file, '/a.pcap')).toEqual(['/a.pcap', '/b.pcap']);
    for (let i = 0; i < 20; i++) addRecent(file, `/f${i}.pcap`);
    expect(loadRecent(file)).toHaveLength(MAX_RECENT);
    expect(JSON.parse(readFileSync(file, 'utf8'))[0]).toBe('/f19.pcap');
    writeFileSync(file, '{oops');
    expect(loadRecent(file)).toEqual([]);
    writeFileSync(file, JSON.stringify(['relative.pcap', 3, '/ok.pcap']));
    expect(loadRecent(file)).toEqual(['/ok.pcap']);
  });
});

describe('preload', () => {
  it('requires nothing but electron at runtime (sandboxed preloads cannot)', () => {
    const js = readFileSync(join(__dirname, '..', '..', 'preload', 'preload.ts'), 'utf8');
    const requires = [...js.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
    expect(requires).toEqual(['electron']);
    expect(js).not.toMatch(/^\s*(import|export)\s/m);
  });
});
