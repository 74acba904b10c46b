/** `wirelens interfaces [--json]`: the capture interfaces libpcap offers (name, description, addresses). */
import { listInterfaces, liveAvailable } from '../../engine/live';
import { ParsedArgs } from '../args';
import { Output } from '../output';

export function interfacesCommand(args: ParsedArgs): number {
  const status = liveAvailable();
  if (!status.available) {
    process.stderr.write(`wirelens: ${status.reason ?? 'live capture is unavailable'}\n`);
    return 1;
  }
  let list;
  try {
    list = listInterfaces();
  } catch (err) {
    process.stderr.write(`wirelens: cannot list interfaces: ${(err as Error).message}\n`);
    return 1;
  }
  const out = new Output();
  if (args.flags.has('--json')) {
    out.line(JSON.stringify(list, null, 2));
  } else {
    // Numbered like `tshark -D`.
    list.forEach((i, n) => {
      const extra = [i.description ? `(${i.description})` : '', i.addresses.join(' '), i.loopback ? '[loopback]' : '']
        .filter((s) => s !== '')
        .join(' ');
      out.line(`${n + 1}. ${i.name}${extra ? ' ' + extra : ''}`);
    });
  }
  out.flush();
  return 0;
}
