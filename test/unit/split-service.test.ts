/**
 * "Split into sessions…" through the engine service, under each output policy: serve without --root (a tar
 * download, or the JSON document), serve with --root (a new folder inside a folder under the root; outside
 * refused), the desktop app (a folder main asked for; the renderer may not name one), the current display
 * filter, and cancellation. Plus main's decision for the request (folder dialog vs save dialog).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Method, Params, Results } from '../../shared/contract';
import { checkRendererMessage } from '../../main/app/policy';
import { EngineService, type ServiceOptions } from '../../main/service/engine-service';
import { takeDownload } from '../../main/service/downloads';
import { ServiceError } from '../../main/service/errors';
import type { ParsedParams } from '../../shared/contract';
import { methods } from '../../shared/contract';

const CAPS = path.join(__dirname, '../fixtures/captures');
const MIXED = path.join(CAPS, 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelens-split-service-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function request<M extends Method>(service: EngineService, method: M, params: Params<M>, signal = new AbortController().signal): Promise<Results[M]> {
  // Validated as a transport would before the engine sees it.
  const parsed = methods[method].parse(params) as ParsedParams<M>;
  return service.handle(method, parsed, signal);
}

async function opened(opts: ServiceOptions, file = MIXED): Promise<EngineService> {
  const service = new EngineService({ ...opts, live: null, spoolDir: path.join(work, 'spool') });
  await request(service, 'capture.open', { path: file });
  for (let i = 0; i < 500 && service.status().indexing; i++) await new Promise((r) => setTimeout(r, 10));
  expect(service.status().indexing).toBe(false);
  return service;
}

function downloaded(url: string | undefined): string {
  const token = /^\/download\/([A-Za-z0-9_-]+)$/.exec(url ?? '')?.[1];
  expect(token).toBeDefined();
  const d = takeDownload(token as string);
  expect(d).not.toBeNull();
  return (d as { path: string }).path;
}

function packetCount(file: string): number {
  const r = spawnSync('capinfos', ['-T', '-r', '-c', file], { encoding: 'utf8' });
  return Number(r.stdout.trim().split('\t')[1]);
}

const hasCapinfos = fs.existsSync('/usr/bin/capinfos');
if (!hasCapinfos) console.log('split-service: /usr/bin/capinfos not found: packet counts of the tar entries are not checked');

describe('data.split in serve without --root', () => {
  it('hands out a tar of one file per session whose packets add up to the capture', async () => {
    const service = await opened({ root: null, allowPaths: false, downloads: true });
    const r = await request(service, 'data.split', { format: 'pcap' });
    expect(r.path).toBeUndefined();
    const tar = downloaded(r.downloadUrl);
    expect(path.basename(tar)).toBe('mixed-dns-tls-http-icmp__foxio-ja4__latest-sessions.tar');
    const dir = fs.mkdtempSync(path.join(work, 'untar-'));
    expect(spawnSync('tar', ['-xf', tar, '-C', dir]).status).toBe(0);
    const files = fs.readdirSync(path.join(dir, 'mixed-dns-tls-http-icmp__foxio-ja4__latest-sessions'));
    expect(files.length).toBe(r.written + (r.unassignedFile !== null ? 1 : 0));
    expect(r.written).toBe(service.status().sessions);
    if (hasCapinfos) {
      const total = files.reduce((n, f) => n + packetCount(path.join(dir, 'mixed-dns-tls-http-icmp__foxio-ja4__latest-sessions', f)), 0);
      expect(total).toBe(service.status().packets);
    }
    await service.dispose();
  });

  it('hands out the JSON document, and refuses a server folder with a clear reason', async () => {
    const service = await opened({ root: null, allowPaths: false, downloads: true });
    const r = await request(service, 'data.split', { format: 'json', tcpFromHandshake: true });
    const doc = JSON.parse(fs.readFileSync(downloaded(r.downloadUrl), 'utf8')) as { sessions: { protocol: string }[] };
    expect(doc.sessions.length).toBe(r.written);
    expect(r.skippedNoHandshake).toBeGreaterThan(0);
    expect(r.written + r.skipped).toBe(service.status().sessions);
    await expect(request(service, 'data.split', { format: 'pcap', path: work })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('--root') });
    await service.dispose();
  });

  it('splits only sessions with a displayed packet when asked', async () => {
    const service = await opened({ root: null, allowPaths: false, downloads: true });
    await request(service, 'filter.apply', { expr: 'dns' });
    const r = await request(service, 'data.split', { format: 'json', displayed: true });
    const doc = JSON.parse(fs.readFileSync(downloaded(r.downloadUrl), 'utf8')) as { sessions: { protocol: string; b: { port: number } }[] };
    expect(doc.sessions.length).toBeGreaterThan(0);
    expect(doc.sessions.every((s) => s.protocol === 'udp' && s.b.port === 53)).toBe(true);
    expect(r.skippedByFilter).toBe(service.status().sessions - doc.sessions.length);
    await service.dispose();
  });

  it('a cancelled split answers cancelled and leaves no archive', async () => {
    const service = await opened({ root: null, allowPaths: false, downloads: true });
    const ac = new AbortController();
    ac.abort();
    const before = new Set(fs.readdirSync(os.tmpdir()));
    await expect(request(service, 'data.split', { format: 'pcapng' }, ac.signal)).rejects.toMatchObject({ code: 'cancelled' });
    const added = fs.readdirSync(os.tmpdir()).filter((d) => !before.has(d) && d.startsWith('wirelens-dl-'));
    for (const d of added) expect(fs.readdirSync(path.join(os.tmpdir(), d))).toEqual([]);
    await service.dispose();
  });
});

describe('data.split with a folder', () => {
  it('serve --root: a new <capture>-sessions folder inside a folder under the root, never outside', async () => {
    const root = fs.mkdtempSync(path.join(work, 'root-'));
    fs.mkdirSync(path.join(root, 'out'));
    fs.copyFileSync(MIXED, path.join(root, path.basename(MIXED)));
    const service = await opened({ root, allowPaths: true, downloads: true }, path.join(root, path.basename(MIXED)));
    const a = await request(service, 'data.split', { format: 'pcapng', path: 'out' });
    expect(a.path).toBe(path.join(fs.realpathSync(root), 'out', 'mixed-dns-tls-http-icmp__foxio-ja4__latest-sessions'));
    expect(fs.readdirSync(a.path as string).length).toBe(a.written + (a.unassignedFile ? 1 : 0));
    // A second split does not mix its files with the first's.
    const b = await request(service, 'data.split', { format: 'pcapng', path: 'out' });
    expect(b.path).toBe(`${a.path}-2`);
    await expect(request(service, 'data.split', { format: 'pcap', path: work })).rejects.toBeInstanceOf(ServiceError);
    await expect(request(service, 'data.split', { format: 'pcap', path: work })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(request(service, 'data.split', { format: 'pcap', path: path.join(root, 'missing') })).rejects.toMatchObject({ code: 'failed' });
    await service.dispose();
  });

  it('desktop: a folder is required (main asks for it)', async () => {
    const service = await opened({ root: null, allowPaths: true, downloads: false });
    await expect(request(service, 'data.split', { format: 'pcap' })).rejects.toMatchObject({ code: 'invalid' });
    const parent = fs.mkdtempSync(path.join(work, 'desk-'));
    const r = await request(service, 'data.split', { format: 'pcap', path: parent });
    expect(path.dirname(r.path as string)).toBe(fs.realpathSync(parent));
    await service.dispose();
  });

  it('main asks for a folder for files, for a file for json, and refuses a path from the renderer', () => {
    expect(checkRendererMessage({ kind: 'request', id: 1, method: 'data.split', params: { format: 'pcap' } })).toMatchObject({
      action: 'askDirectory',
      message: { id: 1, method: 'data.split' },
    });
    expect(checkRendererMessage({ kind: 'request', id: 2, method: 'data.split', params: { format: 'json', payloads: true } })).toMatchObject({
      action: 'askSavePath',
      format: 'json',
    });
    expect(checkRendererMessage({ kind: 'request', id: 3, method: 'data.split', params: { format: 'pcapng', path: '/etc' } })).toMatchObject({
      action: 'reply',
      reply: { id: 3, error: { code: 'forbidden' } },
    });
    expect(checkRendererMessage({ kind: 'request', id: 4, method: 'data.exportSessions', params: { format: 'parquet' } })).toMatchObject({
      action: 'askSavePath',
      format: 'parquet',
    });
    expect(checkRendererMessage({ kind: 'request', id: 5, method: 'data.split', params: { format: 'zip' } })).toMatchObject({
      action: 'reply',
      reply: { error: { code: 'invalid' } },
    });
  });
});
