/**
 * What a contract method's engine-side handler is, and what the analysis views' handlers may reach of the
 * service (the open capture and the output policy) without depending on EngineService itself.
 */
import type { Method, ParsedParams, Results } from '../../shared/contract';
import type { CaptureSession } from './capture-session';
import type { OutputPolicy } from './output-target';

export type Handler<M extends Method> = (params: ParsedParams<M>, signal: AbortSignal) => Results[M] | Promise<Results[M]>;
export type HandlersOf<K extends Method> = { [M in K]: Handler<M> };

export interface ViewContext {
  /** The open capture; throws ServiceError('failed', 'no capture is open') when there is none. */
  current(): CaptureSession;
  /** The open capture or null. */
  session(): CaptureSession | null;
  /** Where outputs may be written (see output-target.ts). */
  policy(): OutputPolicy;
}
