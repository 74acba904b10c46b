/** `wirelens show FILE NUMBER [--json]`: one packet's detail tree (like `tshark -V` for a single frame). */
import { CaptureIndex } from '../../engine/capture/capture-index';
import { PacketAccess } from '../../engine/capture/packet-access';
import { MODE_TREE } from '../../engine/dissect/dissection';
import type { TreeNode } from '../../engine/dissect/tree';
import { ParsedArgs, UsageError } from '../args';
import { Output } from '../output';
import { CliError, EXIT_UNREADABLE, openForCli, reportReaderErrors } from '../open-file';

export function showCommand(args: ParsedArgs): number {
  const [path, numberText] = args.positional;
  if (!path || !numberText) throw new UsageError('show needs a capture file and a packet number');
  const number = Number(numberText);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`"${numberText}" is not a packet number`);
  const reader = openForCli(path);
  const index = new CaptureIndex(reader);
  index.runToEnd();
  if (number > index.store.count) {
    throw new CliError(`${path}: packet ${number} does not exist (the capture has ${index.store.count})`, EXIT_UNREADABLE);
  }
  const d = new PacketAccess(index).dissect(number - 1, MODE_TREE);
  const out = new Output();
  if (args.flags.has('--json')) out.line(JSON.stringify(d.tree ?? [], jsonValue));
  else for (const node of d.tree ?? []) print(out, node, 0);
  out.flush();
  reader.close();
  return reportReaderErrors(reader);
}

function print(out: Output, node: TreeNode, depth: number): void {
  if (node.label !== '') out.line(`${'    '.repeat(depth)}${node.label}`);
  for (const child of node.children ?? []) print(out, child, node.label !== '' ? depth + 1 : depth);
}

function jsonValue(key: string, value: unknown): unknown {
  if (key === 'field' && value !== null && typeof value === 'object' && 'name' in value) return (value as { name: string }).name;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'bigint') return value.toString();
  return value;
}
