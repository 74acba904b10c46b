/**
 * One client of the engine service, whatever the transport: parses and validates raw client messages,
 * runs requests with an AbortController each (a `cancel` message aborts it), sends responses and
 * forwards the service's events. Nothing a client sends can throw out of `receive` or stop the connection.
 */
import {
  ErrorCode,
  EventName,
  Events,
  MAX_MESSAGE_BYTES,
  ServerMessage,
  ValidRequest,
  validateClientMessage,
} from '../../shared/contract';
import type { EngineService } from './engine-service';
import { oneLine, ServiceError } from './errors';

export type Send = (message: ServerMessage) => void;

export class Connection {
  private readonly inflight = new Map<number, AbortController>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly service: EngineService,
    private readonly send: Send,
  ) {
    this.unsubscribe = service.subscribe(<E extends EventName>(event: E, data: Events[E]) => {
      this.deliver({ kind: 'event', event, data });
    });
  }

  /** A raw client message: JSON text (WebSocket) or an already-parsed object (structured clone over IPC). */
  receive(raw: unknown): void {
    try {
      let msg = raw;
      if (typeof raw === 'string' || raw instanceof Uint8Array) {
        const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
        if (text.length > MAX_MESSAGE_BYTES) return this.fail(null, 'invalid', 'message too large');
        try {
          msg = JSON.parse(text) as unknown;
        } catch {
          return this.fail(null, 'invalid', 'malformed message: not JSON');
        }
      }
      const v = validateClientMessage(msg);
      if (!v.ok) return this.fail(v.id, 'invalid', v.error);
      if (v.message.kind === 'cancel') {
        this.inflight.get(v.message.id)?.abort();
        return;
      }
      this.run(v.message);
    } catch (err) {
      // Validation itself failing is a bug; the client still gets an answer and the connection lives on.
      this.fail(null, 'failed', oneLine(err));
    }
  }

  /** Ends the connection: every running request is aborted and nothing more is sent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const c of this.inflight.values()) c.abort();
    this.inflight.clear();
  }

  private run(req: ValidRequest): void {
    const controller = new AbortController();
    // A repeated id replaces the older request's cancel handle; both still get their answer.
    this.inflight.set(req.id, controller);
    const done = (): void => {
      if (this.inflight.get(req.id) === controller) this.inflight.delete(req.id);
    };
    let promise: Promise<unknown>;
    try {
      promise = this.service.handle(req.method, req.params as never, controller.signal);
    } catch (err) {
      promise = Promise.reject(err);
    }
    promise.then(
      (result) => {
        done();
        if (controller.signal.aborted) this.fail(req.id, 'cancelled', 'cancelled');
        else this.deliver({ kind: 'response', id: req.id, ok: true, result });
      },
      (err: unknown) => {
        done();
        if (err instanceof ServiceError) this.fail(req.id, err.code, err.message);
        else if (controller.signal.aborted) this.fail(req.id, 'cancelled', 'cancelled');
        else this.fail(req.id, 'failed', oneLine(err));
      },
    );
  }

  private fail(id: number | null, code: ErrorCode, message: string): void {
    // The envelope needs a number: -1 marks an answer to a message whose id could not be read.
    this.deliver({ kind: 'response', id: id ?? -1, ok: false, error: { code, message } });
  }

  private deliver(message: ServerMessage): void {
    if (this.closed) return;
    try {
      this.send(message);
    } catch {
      // The transport went away mid-send; the transport closes the connection itself.
    }
  }
}
