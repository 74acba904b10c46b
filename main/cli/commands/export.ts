/** `wirelens export FILE [-Y FILTER] -o OUT [--format pcap|pcapng]`: writes exactly the matching packets. */
import { CaptureIndex } from '../../engine/capture/capture-index';
import { ExportError, ExportFormat, exportPackets } from '../../engine/capture/export-packets';
import { selectPackets } from '../../engine/capture/select';
import { ParsedArgs, UsageError } from '../args';
import { filterFrom } from '../filter-option';
import { CliError, EXIT_DAMAGED, openForCli, reportReaderErrors } from '../open-file';

export function exportCommand(args: ParsedArgs): number {
  const path = args.positional[0];
  const out = args.options.get('-o');
  if (!path) throw new UsageError('export needs a capture file');
  if (!out) throw new UsageError('export needs -o OUT');
  const format = (args.options.get('--format') ?? (out.endsWith('.pcap') ? 'pcap' : 'pcapng')) as ExportFormat;
  if (format !== 'pcap' && format !== 'pcapng') throw new UsageError(`--format must be pcap or pcapng, not "${format}"`);
  const filter = filterFrom(args);
  const reader = openForCli(path);
  const index = new CaptureIndex(reader);
  index.runToEnd();
  const numbers = filter ? selectPackets(index, filter) : Uint32Array.from({ length: index.store.count }, (_, i) => i + 1);
  reader.close();
  const code = reportReaderErrors(reader);
  try {
    const result = exportPackets(path, numbers, out, format, { comments: reader.comments });
    process.stderr.write(`wirelens: wrote ${result.written} of ${index.store.count} packets to ${out} (${format})\n`);
  } catch (err) {
    if (err instanceof ExportError) throw new CliError(`export: ${err.message}`, EXIT_DAMAGED);
    throw err;
  }
  return code;
}
