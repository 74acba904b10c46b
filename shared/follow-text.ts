/**
 * The three text views of a followed stream, as Wireshark's Follow Stream dialog draws them; shared by the
 * renderer (what the dialog shows) and the engine (Save as… text), so both say the same thing.
 *  - ASCII: printable bytes as they are, \n \r \t kept, anything else '.' (Wireshark's sanitize_buffer);
 *  - hex dump: "%08X  " offset (per direction), 16 bytes in two groups of 8, then their ASCII (non-printables '.');
 *  - raw: the bytes as a lowercase hex string, one line per chunk.
 * Pure functions over Uint8Array: no DOM, no Node.
 */

function printable(b: number): boolean {
  return b >= 0x20 && b < 0x7f;
}

/** Wireshark's ASCII view of `bytes`. */
export function asciiText(bytes: Uint8Array): string {
  let s = '';
  // Chunks of String.fromCharCode: one call per byte is slow for megabytes, one call for all overflows the stack.
  const codes: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    codes.push(printable(b) || b === 0x0a || b === 0x0d || b === 0x09 ? b : 0x2e);
    if (codes.length === 8192) {
      s += String.fromCharCode(...codes);
      codes.length = 0;
    }
  }
  return s + String.fromCharCode(...codes);
}

const HEX = '0123456789abcdef';

/** Lowercase hex of `bytes` (tshark's and Wireshark's "Raw" view). */
export function rawHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    s += (HEX[b >> 4] as string) + (HEX[b & 15] as string);
  }
  return s;
}

/**
 * Hex dump lines of `bytes` whose first byte is at `offset` of its direction (Wireshark's global_pos), without the
 * 4-space indent Wireshark gives the server's lines (the caller styles directions).
 */
export function hexDumpLines(bytes: Uint8Array, offset: number): string[] {
  const lines: string[] = [];
  for (let pos = 0; pos < bytes.length; pos += 16) {
    let hex = '';
    let text = '';
    const n = Math.min(16, bytes.length - pos);
    for (let i = 0; i < n; i++) {
      const b = bytes[pos + i] as number;
      hex += `${HEX[b >> 4] as string}${HEX[b & 15] as string} `;
      text += printable(b) ? String.fromCharCode(b) : '.';
      if (i === 7) {
        hex += ' ';
        text += ' ';
      }
    }
    lines.push(`${(offset + pos).toString(16).toUpperCase().padStart(8, '0')}  ${hex.padEnd(49)}  ${text}`);
  }
  return lines;
}

/** tshark's text for a missing-bytes marker. */
export function missingMarker(n: number): string {
  return `[${n} bytes missing in capture file]`;
}
