/**
 * pcapng options: a list of (code u16, length u16, value padded to 4 bytes) ending at opt_endofopt (code 0)
 * or at the end of the block. Offsets here are into the reader's window buffer, not file offsets.
 */

export const OPT_ENDOFOPT = 0;
export const OPT_COMMENT = 1;

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Option strings are UTF-8 and not NUL-terminated, but several writers add a NUL anyway: drop trailing ones. */
export function decodeText(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return utf8.decode(bytes.subarray(0, end));
}

/**
 * Calls `visit(code, valueStart, valueLength)` for each option in [start, end). Returns false when an option
 * runs past the end (the options seen before it were still visited). Used for the rare blocks (SHB, IDB, ISB);
 * packet blocks use `packetComments`, which allocates only when there is a comment.
 */
export function forEachOption(
  view: DataView,
  start: number,
  end: number,
  littleEndian: boolean,
  visit: (code: number, valueStart: number, valueLength: number) => void,
): boolean {
  let p = start;
  while (p + 4 <= end) {
    const code = view.getUint16(p, littleEndian);
    const length = view.getUint16(p + 2, littleEndian);
    if (code === OPT_ENDOFOPT) return true;
    if (p + 4 + length > end) return false;
    visit(code, p + 4, length);
    p += 4 + ((length + 3) & ~3);
  }
  return true;
}

/** opt_comment values of a packet block's options, or undefined when there are none (the usual case). */
export function packetComments(
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  littleEndian: boolean,
): string[] | undefined {
  let out: string[] | undefined;
  let p = start;
  while (p + 4 <= end) {
    const code = view.getUint16(p, littleEndian);
    const length = view.getUint16(p + 2, littleEndian);
    if (code === OPT_ENDOFOPT || p + 4 + length > end) break;
    if (code === OPT_COMMENT) (out ??= []).push(decodeText(buf.subarray(p + 4, p + 4 + length)));
    p += 4 + ((length + 3) & ~3);
  }
  return out;
}
