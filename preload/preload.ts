/**
 * The sandboxed preload: exposes `window.wirelens` (shared/bridge.ts's WirelensBridge) and nothing else.
 *
 * Written as a script, not a module: a sandboxed preload may require only 'electron', so it imports nothing at
 * runtime (types come through `import()` type expressions, which emit no code) and needs no `exports`.
 */
{
  type Electron = typeof import('electron');
  type WirelensBridge = import('../shared/bridge').WirelensBridge;
  type ServerMessage = import('../shared/contract').ServerMessage;

  const { contextBridge, ipcRenderer, webUtils } = require('electron') as Electron;
  // Repeated from shared/bridge.ts (IPC_SEND / IPC_MESSAGE): requiring that file is not possible from here.
  const SEND = 'wirelens:send';
  const MESSAGE = 'wirelens:message';

  const bridge: WirelensBridge = {
    send(message: unknown): void {
      ipcRenderer.send(SEND, message);
    },
    onMessage(callback: (message: ServerMessage) => void): () => void {
      // The renderer never sees the IpcRendererEvent (it would expose `sender`, i.e. ipcRenderer itself).
      const listener = (_event: unknown, message: ServerMessage): void => callback(message);
      ipcRenderer.on(MESSAGE, listener);
      return () => {
        ipcRenderer.removeListener(MESSAGE, listener);
      };
    },
    pathForFile(file: File): string {
      try {
        return webUtils.getPathForFile(file);
      } catch {
        return '';
      }
    },
    platform: 'electron',
  };

  contextBridge.exposeInMainWorld('wirelens', bridge);
}
