/**
 * The Electron main process: windows, the File menu, dialogs, and the IPC relay between each window's sandboxed
 * renderer and its own engine worker (EngineHost). The only code besides preload/ that imports 'electron'.
 */
import { BrowserWindow, Menu, type MenuItemConstructorOptions, app, dialog, ipcMain, session } from 'electron';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerMessage, ValidRequest } from '../../shared/contract';
import { IPC_MESSAGE, IPC_SEND } from '../../shared/bridge';
import { EngineHost, failure } from '../host/engine-host';
import { defaultRendererDir, samplePath } from '../host/paths';
import { CAPTURE_EXTENSIONS, DESKTOP_CSP, captureArgument, checkRendererMessage, formatForPath, requestAllowed, saveFilters, windowOptions } from './policy';
import { addRecent, loadRecent, saveRecent } from './recent';

interface Entry {
  win: BrowserWindow;
  host: EngineHost;
}

const windows = new Map<number, Entry>();
const indexHtml = path.join(defaultRendererDir(), 'index.html');
const indexUrl = pathToFileURL(indexHtml).href;
const preloadJs = path.join(__dirname, '..', '..', 'preload', 'preload.js');
const captureFilters = [{ name: 'Packet captures', extensions: CAPTURE_EXTENSIONS }, { name: 'All files', extensions: ['*'] }];
/** Files handed to us (macOS open-file, a second instance) before the app was ready. */
const queued: string[] = [];

const recentFile = (): string => path.join(app.getPath('userData'), 'recent-files.json');

// Every renderer is sandboxed, whatever its webPreferences say.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another Wirelens is running: it gets our argv through 'second-instance' and opens the file there.
  app.quit();
} else {
  app.on('second-instance', (_event, argv, cwd) => {
    const file = captureArgument(argv, app.isPackaged, cwd);
    if (file) createWindow(file);
    else BrowserWindow.getAllWindows()[0]?.focus();
  });
  app.on('open-file', (event, file) => {
    event.preventDefault();
    if (app.isReady()) createWindow(file);
    else queued.push(file);
  });
  app.on('web-contents-created', (_event, contents) => {
    // The UI is one page: nothing may navigate it away, open windows, or embed other content.
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('window-all-closed', () => app.quit());
  app.whenReady().then(ready, (err: unknown) => {
    dialog.showErrorBox('Wirelens', `Could not start: ${(err as Error).message}`);
    app.exit(1);
  });
}

function ready(): void {
  const ses = session.defaultSession;
  // No remote content: only the app's own files load; anything else (http, ws, …) is cancelled.
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !requestAllowed(details.url) }));
  ses.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [DESKTOP_CSP] } }),
  );
  // Copy (navigator.clipboard.writeText) is the one permission the UI uses; everything else is refused.
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
  ses.setPermissionCheckHandler((_wc, permission) => permission === 'clipboard-sanitized-write');

  ipcMain.on(IPC_SEND, (event, raw: unknown) => {
    const entry = windows.get(event.sender.id);
    const frame = event.senderFrame;
    // Only our own page's main frame may talk to the engine.
    if (!entry || !frame || frame.parent !== null || frame.url.split(/[?#]/)[0] !== indexUrl) return;
    void handleRendererMessage(entry, raw);
  });

  if (!fs.existsSync(indexHtml)) {
    dialog.showErrorBox('Wirelens', `The user interface is not built (${indexHtml} is missing).\nRun: npm run build:renderer`);
    app.exit(1);
    return;
  }
  buildMenu();
  const files = [...queued.splice(0), captureArgument(process.argv, app.isPackaged, process.cwd())].filter((f): f is string => f !== null);
  if (files.length === 0) files.push(samplePath());
  for (const file of files) createWindow(file);
}

function createWindow(file: string | null): void {
  const win = new BrowserWindow(windowOptions(preloadJs));
  const id = win.webContents.id;
  const send = (message: ServerMessage): void => {
    if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(IPC_MESSAGE, message);
  };
  const host = new EngineHost({
    // Electron chooses files with native dialogs, so paths are honoured and there is no root and no downloads.
    workerData: { root: null, allowPaths: true, downloads: false },
    send,
    onResponse: (request, response) => {
      if (request.method === 'capture.open' && response.ok) rememberRecent(request.params.path);
    },
  });
  const entry = { win, host };
  windows.set(id, entry);
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    windows.delete(id);
    void host.close();
  });
  // Opened once the page runs, so the status events it causes reach the renderer's listener.
  win.webContents.once('did-finish-load', () => {
    if (file) void openCapture(entry, file);
  });
  void win.loadFile(indexHtml);
}

async function handleRendererMessage(entry: Entry, raw: unknown): Promise<void> {
  const decision = checkRendererMessage(raw);
  if (decision.action === 'reply') {
    entry.win.webContents.send(IPC_MESSAGE, decision.reply);
    return;
  }
  if (decision.action === 'forward') {
    entry.host.post(decision.message);
    return;
  }
  const message = decision.message;
  const chosen = decision.action === 'askDirectory' ? await askDirectory(entry.win) : await askSavePath(entry.win, decision.format);
  if (!chosen) {
    if (!entry.win.isDestroyed()) entry.win.webContents.send(IPC_MESSAGE, failure(message.id, 'cancelled', 'no file was chosen'));
    return;
  }
  // The method's schema validated `path` as optional; the worker validates the completed message again.
  entry.host.post({ ...message, params: { ...message.params, path: chosen } } as ValidRequest);
}

/** A folder for a split into sessions (the engine makes a new `<capture>-sessions` folder inside it). */
async function askDirectory(win: BrowserWindow): Promise<string | null> {
  const result = await dialog.showOpenDialog(win, {
    title: 'Split into sessions: choose a folder',
    defaultPath: app.getPath('documents'),
    properties: ['openDirectory', 'createDirectory'],
  });
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

async function askSavePath(win: BrowserWindow, format: string): Promise<string | null> {
  const filters = saveFilters(format);
  const result = await dialog.showSaveDialog(win, {
    defaultPath: path.join(app.getPath('documents'), `capture.${format}`),
    filters,
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  return result.canceled || !result.filePath ? null : result.filePath;
}

/** Main's own capture.open (menu, command line, recent list): the renderer learns of it through status events. */
async function openCapture(entry: Entry, file: string): Promise<void> {
  const response = await entry.host.request('capture.open', { path: file });
  if (!response.ok && response.error.code !== 'cancelled' && !entry.win.isDestroyed()) {
    await dialog.showMessageBox(entry.win, { type: 'error', message: `Could not open ${file}`, detail: response.error.message });
  }
}

function rememberRecent(file: string): void {
  // The bundled sample is not something the user chose.
  if (file === samplePath()) return;
  addRecent(recentFile(), file);
  app.addRecentDocument(file);
  buildMenu();
}

function focused(): Entry | null {
  const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  return win ? (windows.get(win.webContents.id) ?? null) : null;
}

function openInFocused(file: string): void {
  const entry = focused();
  if (entry) void openCapture(entry, file);
  else createWindow(file);
}

async function menuOpen(): Promise<void> {
  const entry = focused();
  const options = { title: 'Open Capture File', properties: ['openFile' as const], filters: captureFilters };
  const result = entry ? await dialog.showOpenDialog(entry.win, options) : await dialog.showOpenDialog(options);
  const file = result.filePaths[0];
  if (!result.canceled && file) openInFocused(file);
}

async function menuSave(kind: 'export' | 'save'): Promise<void> {
  const entry = focused();
  if (!entry) return;
  const result = await dialog.showSaveDialog(entry.win, {
    title: kind === 'export' ? 'Export Specified Packets' : 'Save Capture As',
    defaultPath: path.join(app.getPath('documents'), 'capture.pcapng'),
    filters: [{ name: 'pcapng', extensions: ['pcapng'] }, { name: 'pcap', extensions: ['pcap'] }],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  if (result.canceled || !result.filePath) return;
  const format = formatForPath(result.filePath, 'pcapng');
  // The menu cannot know the renderer's marks or range: it exports what is displayed, Wireshark's default scope.
  const response =
    kind === 'export'
      ? await entry.host.request('export.packets', { scope: 'displayed', format, path: result.filePath })
      : await entry.host.request('live.save', { format, path: result.filePath });
  if (!response.ok && !entry.win.isDestroyed()) {
    await dialog.showMessageBox(entry.win, { type: 'error', message: 'Could not write the file', detail: response.error.message });
  }
}

function buildMenu(): void {
  const recent = loadRecent(recentFile());
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? [
        ...recent.map((file) => ({ label: file, click: () => openInFocused(file) })),
        { type: 'separator' as const },
        {
          label: 'Clear Recent',
          click: () => {
            saveRecent(recentFile(), []);
            app.clearRecentDocuments();
            buildMenu();
          },
        },
      ]
    : [{ label: 'No recent files', enabled: false }];
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => void menuOpen() },
        { label: 'Open Recent', submenu: recentItems },
        { type: 'separator' },
        { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => void menuSave('save') },
        { label: 'Export Specified Packets…', click: () => void menuSave('export') },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
