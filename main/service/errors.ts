/**
 * The one error type handlers throw: it carries the contract's error code, so the connection can answer
 * without guessing. Anything else thrown by a handler becomes code 'failed'.
 */
import type { ErrorCode } from '../../shared/contract';

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** The error for a request whose AbortSignal fired (a cancel message or a newer request replacing it). */
export function cancelled(): ServiceError {
  return new ServiceError('cancelled', 'cancelled');
}

/** One line of text for any thrown value: error responses must never carry stack traces. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n')[0] ?? '';
  return line.length > 500 ? line.slice(0, 497) + '...' : line || 'unknown error';
}
