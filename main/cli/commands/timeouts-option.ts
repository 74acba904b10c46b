/** `--timeouts tcp=S,udp=S,icmp=S,other=S` (S in seconds or `none`) for the session idle timeouts. */
import { DEFAULT_TIMEOUTS, IdleTimeouts } from '../../engine/sessions/session-table';
import { ParsedArgs, UsageError } from '../args';

export function timeoutsFrom(args: ParsedArgs): IdleTimeouts {
  const t: IdleTimeouts = { ...DEFAULT_TIMEOUTS };
  const spec = args.options.get('--timeouts');
  if (!spec) return t;
  for (const part of spec.split(',')) {
    const [key, value] = part.split('=');
    if (key !== 'tcp' && key !== 'udp' && key !== 'icmp' && key !== 'other') {
      throw new UsageError(`--timeouts: unknown protocol "${key}" (use tcp, udp, icmp, other)`);
    }
    const seconds = value === 'none' ? Infinity : Number(value);
    if (!(seconds > 0)) throw new UsageError(`--timeouts: "${part}" needs a positive number of seconds or "none"`);
    t[key] = seconds;
  }
  return t;
}
