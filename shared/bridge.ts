/**
 * The API the Electron preload exposes to the renderer as `window.wirelens`. In a browser (serve mode) there is
 * no bridge: the renderer talks the same contract over the WebSocket at `/ws?token=…` instead.
 */
import type { ServerMessage } from './contract';

export interface WirelensBridge {
  /** Sends one raw client message (a `request` or `cancel` envelope); main validates it before the engine sees it. */
  send(message: unknown): void;
  /** Subscribes to engine → client messages (responses and events); returns the unsubscribe function. */
  onMessage(callback: (message: ServerMessage) => void): () => void;
  /** The filesystem path of a dropped `File` (drag-and-drop), to send as `capture.open`'s `path`; '' if none. */
  pathForFile(file: File): string;
  readonly platform: 'electron';
}

/** IPC channel names shared by main and preload (the preload repeats them: it may not require anything but electron). */
export const IPC_SEND = 'wirelens:send';
export const IPC_MESSAGE = 'wirelens:message';
