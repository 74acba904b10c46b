/**
 * Picks the transport once, at start-up: the in-page mock (`?mock=N`), Electron's preload bridge, or the
 * WebSocket of `wirelens serve` on the page's own origin with the page's `token`.
 */
import { EngineClient, connectWebSocket, fromBridge, type WirelensBridge } from '../../shared/client';
import { mockTransport } from './mock-engine';

declare global {
  interface Window {
    wirelens?: WirelensBridge;
  }
}

export type Platform = 'electron' | 'browser' | 'mock';

function create(): { client: EngineClient; platform: Platform } {
  const params = new URLSearchParams(location.search);
  const mock = params.get('mock');
  if (mock !== null) {
    const n = Math.max(0, Math.min(2 ** 32, Number(mock) || 0));
    return { client: new EngineClient(mockTransport(n)), platform: 'mock' };
  }
  if (window.wirelens && window.wirelens.platform === 'electron') {
    return { client: new EngineClient(fromBridge(window.wirelens)), platform: 'electron' };
  }
  const token = params.get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`;
  return { client: new EngineClient(connectWebSocket(url)), platform: 'browser' };
}

const created = create();
export const client: EngineClient = created.client;
export const platform: Platform = created.platform;
