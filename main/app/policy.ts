/**
 * The Electron main process's pure decisions: BrowserWindow options, the renderer's CSP, what a renderer IPC
 * message may do, and which command-line argument is a capture. No runtime `electron` import (types only), so
 * plain Node unit tests cover them.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import * as path from 'node:path';
import { MAX_MESSAGE_BYTES, OUTPUT_METHODS, type ServerMessage, type ValidRequest, validateClientMessage } from '../../shared/contract';
import { dataFolderOutputs } from '../../shared/views/data';
import { type ValidClientMessage, NO_ID, failure } from '../host/engine-host';

/** Methods that write into a folder (split into sessions): main asks for the folder with a native dialog. */
const FOLDER_METHODS: ReadonlySet<string> = new Set(dataFolderOutputs);

export function windowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 640,
    minHeight: 400,
    title: 'Wirelens',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload,
      // The renderer gets only the contextBridge API: no Node, no require, an isolated world for the preload,
      // and Chromium's OS sandbox. A bug in a dissector's text rendering must not become code execution.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // Dropping a file must reach the renderer's drop handler (which asks pathForFile), not navigate to it.
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

/**
 * The renderer's Content Security Policy in the desktop app. Pages loaded from file:// get no HTTP headers, so
 * the same policy must also be in index.html's <meta http-equiv>; main adds it as a header to anything served
 * over a protocol that has headers. No connect-src beyond 'self': the engine is reached through IPC.
 */
export const DESKTOP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** URL schemes the renderer may load: its own files and inline images. Everything else (http, ws…) is cancelled. */
export function requestAllowed(url: string): boolean {
  return /^(file|data|blob|devtools|chrome-extension):/i.test(url);
}

export type RendererDecision =
  | { action: 'forward'; message: ValidClientMessage }
  /** An output method (OUTPUT_METHODS) without a path: main asks for one with the native save dialog, then forwards. */
  | { action: 'askSavePath'; message: ValidRequest; format: string }
  /** A folder method (FOLDER_METHODS) without a path: main asks for a folder, then forwards with it as `path`. */
  | { action: 'askDirectory'; message: ValidRequest }
  | { action: 'reply'; reply: ServerMessage };

/**
 * Decides what to do with one message from the renderer (`wirelens:send`). Invalid messages are answered with an
 * 'invalid' error and never reach the worker. The renderer may not choose where files are written: the worker
 * honours paths in Electron (allowPaths), so a path from the renderer is refused and the user picks one instead.
 */
export function checkRendererMessage(raw: unknown): RendererDecision {
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(raw) ?? '');
  } catch {
    return { action: 'reply', reply: failure(NO_ID, 'invalid', 'malformed message: not serializable') };
  }
  if (size > MAX_MESSAGE_BYTES) return { action: 'reply', reply: failure(NO_ID, 'invalid', `message too large (${size} bytes)`) };
  const checked = validateClientMessage(raw);
  if (!checked.ok) return { action: 'reply', reply: failure(checked.id ?? NO_ID, 'invalid', checked.error) };
  const message = checked.message;
  if (message.kind === 'request' && FOLDER_METHODS.has(message.method)) {
    const params = message.params as { path?: unknown; format?: unknown };
    if (params.path !== undefined) {
      return {
        action: 'reply',
        reply: failure(message.id, 'forbidden', 'in the desktop app the folder dialog chooses where files go: send the request without a path'),
      };
    }
    // A single-file format (split's json document) is saved like any other output; files per session need a folder.
    if (params.format === 'json') return { action: 'askSavePath', message, format: 'json' };
    return { action: 'askDirectory', message };
  }
  if (message.kind === 'request' && OUTPUT_METHODS.has(message.method)) {
    const params = message.params as { path?: unknown; format?: unknown };
    if (params.path !== undefined) {
      return {
        action: 'reply',
        reply: failure(message.id, 'forbidden', 'in the desktop app the save dialog chooses the file: send the request without a path'),
      };
    }
    return { action: 'askSavePath', message, format: typeof params.format === 'string' ? params.format : 'pcapng' };
  }
  return { action: 'forward', message };
}

/** The capture named on the command line: the first argument after the app's own that is not a switch. */
export function captureArgument(argv: readonly string[], packaged: boolean, cwd: string): string | null {
  // `electron dist/main/app/main.js FILE` in development; `wirelens FILE` once packaged.
  const args = argv.slice(packaged ? 1 : 2);
  const file = args.find((a) => !a.startsWith('-') && a !== '.');
  return file ? path.resolve(cwd, file) : null;
}

export const CAPTURE_EXTENSIONS = ['pcap', 'pcapng', 'cap'];

/** The save dialog's file-type choices for an output format (a capture can also be saved as the other capture format). */
export function saveFilters(format: string): { name: string; extensions: string[] }[] {
  if (format === 'pcap') return [{ name: 'pcap', extensions: ['pcap'] }, { name: 'pcapng', extensions: ['pcapng'] }];
  if (format === 'pcapng') return [{ name: 'pcapng', extensions: ['pcapng'] }, { name: 'pcap', extensions: ['pcap'] }];
  return [{ name: format, extensions: [format] }];
}

/** The format implied by a chosen file name (the save dialog's filter decides the extension). */
export function formatForPath(file: string, fallback: 'pcap' | 'pcapng'): 'pcap' | 'pcapng' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.pcapng') return 'pcapng';
  if (ext === '.pcap' || ext === '.cap') return 'pcap';
  return fallback;
}
