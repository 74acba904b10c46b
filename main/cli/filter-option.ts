/** `-Y FILTER` for CLI commands, and the error text shared with `check-filter`. */
import { CompiledFilter, compileFilter, FilterError, FilterSyntaxError } from '../engine/filter';
import type { ParsedArgs } from './args';
import { CliError } from './open-file';

export const EXIT_BAD_FILTER = 2;

/** The compiled `-Y` filter, or null when none (or an empty one) was given. */
export function filterFrom(args: ParsedArgs): CompiledFilter | null {
  const expr = args.options.get('-Y');
  if (expr === undefined || expr.trim() === '') return null;
  try {
    return compileFilter(expr);
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw new CliError(describeFilterError(expr, err.error), EXIT_BAD_FILTER);
    throw err;
  }
}

/** "filter error at 9: message", then the filter and a caret line under the problem. */
export function describeFilterError(expr: string, e: FilterError): string {
  const width = Math.max(1, e.end - e.start);
  return `filter error at ${e.start}: ${e.message}\n  ${expr}\n  ${' '.repeat(e.start)}${'^'.repeat(width)}`;
}
