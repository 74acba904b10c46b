/** `wirelens check-filter EXPR`: exit 0 when the display filter is valid, else 1 and the reason on stderr. */
import { checkFilter } from '../../engine/filter';
import { ParsedArgs, UsageError } from '../args';
import { describeFilterError } from '../filter-option';

export function checkFilterCommand(args: ParsedArgs): number {
  if (args.positional.length === 0) throw new UsageError('check-filter needs a filter expression');
  const expr = args.positional.join(' ');
  const error = checkFilter(expr);
  if (error === null) return 0;
  process.stderr.write(`wirelens: ${describeFilterError(expr, error)}\n`);
  return 1;
}
