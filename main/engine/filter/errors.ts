/**
 * Filter errors carry character positions so the UI can underline the offending part of the text, and
 * optional `expected`/`suggestions` lists so it can offer completions instead of just complaining.
 */

export interface FilterError {
  readonly message: string;
  /** Character offsets into the filter text, `end` exclusive; `start === end` points between characters. */
  readonly start: number;
  readonly end: number;
  readonly expected?: string[];
  readonly suggestions?: string[];
}

export class FilterSyntaxError extends Error {
  constructor(readonly error: FilterError) {
    super(error.message);
    this.name = 'FilterSyntaxError';
  }
}

export function fail(
  message: string,
  start: number,
  end: number,
  extra: { expected?: string[]; suggestions?: string[] } = {},
): never {
  const error: FilterError = { message, start, end, ...extra };
  throw new FilterSyntaxError(error);
}
