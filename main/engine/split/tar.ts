/**
 * POSIX tar (ustar, with a pax extended header when a name or size does not fit) for handing a split's many
 * files to a browser as one download: every tar reader unpacks it, and entries stream one after another with
 * their size known up front, so nothing is held in memory.
 */

const BLOCK = 512;
/** ustar's size field: 11 octal digits. */
const MAX_USTAR_SIZE = 8 ** 11 - 1;

/** The header block(s) of a regular file `name` of `size` bytes (ASCII names; longer than 100 → pax). */
export function tarHeader(name: string, size: number, mtime: number): Uint8Array {
  const pax: string[] = [];
  if (Buffer.byteLength(name) > 100) pax.push(paxRecord('path', name));
  if (size > MAX_USTAR_SIZE) pax.push(paxRecord('size', String(size)));
  if (pax.length === 0) return ustarBlock(name, size, mtime, '0');
  const body = Buffer.from(pax.join(''), 'utf8');
  const paxHead = ustarBlock(`PaxHeaders/${name.slice(-80)}`, body.length, mtime, 'x');
  const out = new Uint8Array(BLOCK + padded(body.length) + BLOCK);
  out.set(paxHead, 0);
  out.set(body, BLOCK);
  // The ustar header that follows carries what fits; the pax records override it.
  out.set(ustarBlock(name.slice(-100), Math.min(size, MAX_USTAR_SIZE), mtime, '0'), BLOCK + padded(body.length));
  return out;
}

/** Zero bytes that complete an entry of `size` bytes to a whole block. */
export function tarPadding(size: number): number {
  return padded(size) - size;
}

/** The end of an archive: two zero blocks. */
export const TAR_END = new Uint8Array(2 * BLOCK);

function padded(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

/** "LEN key=value\n" where LEN counts the whole record including its own digits. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const restLen = Buffer.byteLength(rest);
  let digits = String(restLen).length;
  while (String(restLen + digits).length !== digits) digits++;
  return `${restLen + digits}${rest}`;
}

function ustarBlock(name: string, size: number, mtime: number, type: string): Uint8Array {
  const b = Buffer.alloc(BLOCK);
  b.write(name, 0, 100, 'utf8');
  octal(b, 100, 8, 0o644);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, size);
  octal(b, 136, 12, Math.max(0, Math.floor(mtime)));
  b.write(type, 156, 1, 'ascii');
  b.write('ustar\u000000', 257, 8, 'ascii');
  // Checksum: sum of the header bytes with the checksum field taken as spaces.
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i] as number;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return b;
}

function octal(b: Buffer, at: number, width: number, value: number): void {
  b.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, at, width, 'ascii');
}
