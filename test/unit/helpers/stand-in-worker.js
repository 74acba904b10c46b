// Test-only stand-in for dist/main/service/worker-entry.js, speaking the same protocol: client messages in
// (objects or JSON strings), ServerMessage objects out, plus {kind:'download', token} → {kind:'download', token, path, name}.
// Special paths make it misbehave on purpose: capture.open '/crash' kills the worker, '/hang' never answers.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { writeFileSync, mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const status = (path) => ({
  path, format: null, fileSize: 0, bytesRead: 0, packets: 0, sessions: 0, displayed: 0, filter: '',
  indexing: false, filtering: false, live: false, firstTs: null, error: null,
});
let current = null;
const downloads = new Map();

parentPort.on('message', (raw) => {
  const msg = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (msg.kind === 'download') {
    const file = downloads.get(msg.token);
    downloads.delete(msg.token);
    parentPort.postMessage({ kind: 'download', token: msg.token, path: file ? file.path : null, name: file ? file.name : undefined });
    return;
  }
  if (msg.kind === 'shutdown') {
    parentPort.postMessage({ kind: 'shutdown-done' });
    parentPort.close();
    return;
  }
  if (msg.kind !== 'request') return;
  const ok = (result) => parentPort.postMessage({ kind: 'response', id: msg.id, ok: true, result });
  switch (msg.method) {
    case 'capture.status':
      return ok(status(current));
    case 'capture.open':
      if (msg.params.path === '/crash') throw new Error('stand-in worker crashing on purpose');
      if (msg.params.path === '/hang') return;
      current = msg.params.path;
      parentPort.postMessage({ kind: 'event', event: 'status', data: status(current) });
      return ok(status(current));
    case 'export.packets': {
      const dir = mkdtempSync(join(tmpdir(), 'wirelens-standin-'));
      const path = join(dir, 'out.pcapng');
      writeFileSync(path, 'exported bytes');
      const token = `dl${Math.random().toString(36).slice(2)}`;
      downloads.set(token, { path, name: 'export "1".pcapng' });
      return ok({ written: 0, downloadUrl: `/download/${token}` });
    }
    case 'files.list':
      return ok({ dir: String(workerData.root), parent: null, entries: [] });
    default:
      parentPort.postMessage({ kind: 'response', id: msg.id, ok: false, error: { code: 'failed', message: `stand-in: ${msg.method}` } });
  }
});
