/**
 * The client side of the message contract: typed requests with ids, cancellation, pushed events, and the two
 * transports (Electron's preload bridge and the `wirelens serve` WebSocket).
 *
 * This file is compiled both by the root tsconfig (Node typings, no DOM lib) and by the renderer's Vite build,
 * so it names no DOM types: the WebSocket and the bridge are described by the minimal shapes used here.
 * Only types are imported from the contract, which keeps zod (and its `new Function` probe, refused by the
 * renderer's CSP) out of the renderer bundle.
 */
import type { ClientMessage, ErrorCode, EventName, Events, Method, Params, Results, ServerMessage } from './contract';

/** Connection state of a transport: the bridge is always 'open'; a WebSocket goes through all three. */
export type TransportState = 'connecting' | 'open' | 'closed';

export interface Transport {
  send(msg: ClientMessage): void;
  /** Returns an unsubscribe function. */
  onMessage(cb: (msg: ServerMessage) => void): () => void;
  /** Optional: state changes (reconnecting transports). A transport without it is always open. */
  onState?(cb: (state: TransportState) => void): () => void;
  readonly state?: TransportState;
  close?(): void;
}

/** What the Electron preload exposes as `window.wirelens`. */
export interface WirelensBridge {
  send(msg: unknown): void;
  onMessage(cb: (msg: ServerMessage) => void): () => void;
  pathForFile(file: unknown): string;
  platform: 'electron';
}

/** An engine error as the response carried it ('cancelled' also for local aborts, 'unavailable' when offline). */
export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface RequestOptions {
  /** Aborting sends `cancel` for the request and rejects it with code 'cancelled'. */
  signal?: AbortSignal;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: EngineError): void;
  cleanup(): void;
}

type EventHandler<E extends EventName> = (data: Events[E]) => void;

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<EventName, Set<(data: never) => void>>();
  private readonly stateHandlers = new Set<(s: TransportState) => void>();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly transport: Transport) {
    this.unsubscribe.push(transport.onMessage((msg) => this.receive(msg)));
    if (transport.onState) {
      this.unsubscribe.push(
        transport.onState((state) => {
          // A dropped connection loses every in-flight request: the engine on the other side of a new
          // connection has never heard of these ids, so waiting would hang the UI forever.
          if (state !== 'open') this.failAll(new EngineError('unavailable', 'connection to the engine lost'));
          for (const h of this.stateHandlers) h(state);
        }),
      );
    }
  }

  get state(): TransportState {
    return this.transport.state ?? 'open';
  }

  /** Sends a request; `id` can be passed to `cancel`. */
  start<M extends Method>(method: M, params: Params<M>, opts: RequestOptions = {}): { id: number; result: Promise<Results[M]> } {
    const id = this.nextId++;
    const result = new Promise<Results[M]>((resolve, reject) => {
      const signal = opts.signal;
      if (signal?.aborted) {
        reject(new EngineError('cancelled', 'cancelled'));
        return;
      }
      const onAbort = (): void => this.cancel(id);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      });
      try {
        this.transport.send({ kind: 'request', id, method, params });
      } catch (err) {
        this.settle(id, (p) => p.reject(new EngineError('unavailable', err instanceof Error ? err.message : String(err))));
      }
    });
    return { id, result };
  }

  request<M extends Method>(method: M, params: Params<M>, opts: RequestOptions = {}): Promise<Results[M]> {
    return this.start(method, params, opts).result;
  }

  /** Cancels a request: the engine stops working on it, and the promise rejects at once with 'cancelled'. */
  cancel(id: number): void {
    if (!this.pending.has(id)) return;
    this.settle(id, (p) => p.reject(new EngineError('cancelled', 'cancelled')));
    try {
      this.transport.send({ kind: 'cancel', id });
    } catch {
      // Offline: nothing to cancel on the other side.
    }
  }

  on<E extends EventName>(event: E, handler: EventHandler<E>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    const h = handler as (data: never) => void;
    set.add(h);
    return () => set.delete(h);
  }

  onState(handler: (s: TransportState) => void): () => void {
    this.stateHandlers.add(handler);
    return () => this.stateHandlers.delete(handler);
  }

  close(): void {
    this.failAll(new EngineError('unavailable', 'client closed'));
    for (const u of this.unsubscribe) u();
    this.transport.close?.();
  }

  private receive(msg: ServerMessage): void {
    if (msg.kind === 'event') {
      const set = this.handlers.get(msg.event);
      if (set) for (const h of [...set]) (h as (d: unknown) => void)(msg.data);
      return;
    }
    if (msg.ok) this.settle(msg.id, (p) => p.resolve(msg.result));
    else this.settle(msg.id, (p) => p.reject(new EngineError(msg.error.code, msg.error.message)));
  }

  private settle(id: number, fn: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return; // a response to a request we already cancelled
    this.pending.delete(id);
    p.cleanup();
    fn(p);
  }

  private failAll(err: EngineError): void {
    for (const id of [...this.pending.keys()]) this.settle(id, (p) => p.reject(err));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Transports.

/** The part of the WebSocket API used here (browser WebSocket, or `ws` in Node tests). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export interface ReconnectOptions {
  /** First retry delay; doubles per failed attempt up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  factory?: WebSocketFactory;
}

const WS_OPEN = 1;

/**
 * A WebSocket transport that reconnects with exponential backoff. While it is not open, `send` throws, so
 * requests fail fast with 'unavailable' rather than queueing against an engine that may have restarted.
 */
export function connectWebSocket(url: string, opts: ReconnectOptions = {}): Transport {
  const initial = opts.initialDelayMs ?? 250;
  const max = opts.maxDelayMs ?? 10_000;
  const factory =
    opts.factory ??
    ((u: string): WebSocketLike => {
      const Ctor = (globalThis as { WebSocket?: new (u: string) => WebSocketLike }).WebSocket;
      if (!Ctor) throw new Error('no WebSocket implementation available');
      return new Ctor(u);
    });
  const messageHandlers = new Set<(m: ServerMessage) => void>();
  const stateHandlers = new Set<(s: TransportState) => void>();
  let state: TransportState = 'connecting';
  let ws: WebSocketLike | null = null;
  let delay = initial;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const setState = (s: TransportState): void => {
    if (s === state) return;
    state = s;
    for (const h of stateHandlers) h(s);
  };

  const open = (): void => {
    timer = null;
    if (closed) return;
    setState('connecting');
    let sock: WebSocketLike;
    try {
      sock = factory(url);
    } catch {
      retry();
      return;
    }
    ws = sock;
    sock.onopen = () => {
      delay = initial;
      setState('open');
    };
    sock.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let msg: ServerMessage;
      try {
        msg = JSON.parse(ev.data) as ServerMessage;
      } catch {
        return; // the engine only sends JSON; anything else is noise
      }
      for (const h of messageHandlers) h(msg);
    };
    sock.onerror = () => {
      // 'close' follows 'error'; reconnecting is handled there.
    };
    sock.onclose = () => {
      if (ws === sock) ws = null;
      retry();
    };
  };

  const retry = (): void => {
    if (closed) {
      setState('closed');
      return;
    }
    setState('closed');
    if (timer) return;
    timer = setTimeout(open, delay);
    delay = Math.min(max, delay * 2);
  };

  open();

  return {
    get state() {
      return state;
    },
    send(msg) {
      if (!ws || ws.readyState !== WS_OPEN) throw new Error('not connected to the engine');
      ws.send(JSON.stringify(msg));
    },
    onMessage(cb) {
      messageHandlers.add(cb);
      return () => messageHandlers.delete(cb);
    },
    onState(cb) {
      stateHandlers.add(cb);
      return () => stateHandlers.delete(cb);
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      ws?.close();
      setState('closed');
    },
  };
}

/** The Electron transport: the preload relays to main, which relays to the engine worker. */
export function fromBridge(bridge: WirelensBridge): Transport {
  return {
    state: 'open',
    send: (msg) => bridge.send(msg),
    onMessage: (cb) => bridge.onMessage(cb),
  };
}
