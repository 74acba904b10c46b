/**
 * DNS name decoding (RFC 1035 §4.1.4) shared by DNS, mDNS and LLMNR. Compressed names are followed with
 * three guards, so hostile input cannot loop or blow up: a pointer must point strictly before the label that
 * holds it (a chain of such pointers always terminates), at most MAX_JUMPS pointers are followed, and the
 * presentation name may not exceed MAX_NAME characters (Wireshark's MAX_DNAME_LEN). Nothing here throws.
 */

export const MAX_NAME = 255;
const MAX_JUMPS = 128;

/** Result of `readName`; one instance is reused by the caller (text modes only). */
export interface NameResult {
  /** Presentation form ("www.example.com", "<Root>"), or an error marker as tshark shows it. */
  name: string;
  /** Offset just after the name as it sits in the record (after the first pointer when compressed). */
  next: number;
  /** Bytes the name occupies in the record (what dns.qry.name's range covers). */
  used: number;
  /** 0 ok; otherwise one of the NAME_* errors. */
  error: number;
  /** Number of labels (dns.count.labels). */
  labels: number;
  /**
   * Bytes walked by every readName with this result object (one per message): names that overrun 255
   * characters are walked to their end, and a crafted message full of them would cost quadratic time, so
   * the caller gives up past a budget.
   */
  walked: number;
}

export const NAME_OK = 0;
/** The bytes ran out inside the name: the record is cut. */
export const NAME_TRUNCATED = 1;
export const NAME_TOO_LONG = 2;
export const NAME_BAD_POINTER = 3;
export const NAME_BAD_LABEL = 4;

export function newNameResult(): NameResult {
  return { name: '', next: 0, used: 0, error: NAME_OK, labels: 0, walked: 0 };
}

/**
 * Reads the name at `at` of a message spanning [msg, end) of `buf` into `r`. Pointer targets are relative
 * to `msg`. When the error is NAME_TRUNCATED `next` is `end`.
 */
export function readName(buf: Uint8Array, msg: number, end: number, at: number, r: NameResult): void {
  if (!readPlainName(buf, msg, end, at, r)) readAnyName(buf, msg, end, at, r);
}

/**
 * Names already turned into text: DNS traffic asks for the same few names again and again, and building each
 * from its labels (a native slice per label, then concatenation) was a good part of a DNS packet's cost in
 * `wirelens list`. Keyed by the presentation bytes, so a hit needs no string work at all; direct-mapped, a
 * collision replaces the slot.
 */
const SLOTS = 4096;
const cacheKeys = new Uint8Array(SLOTS * MAX_NAME);
const cacheLens = new Int16Array(SLOTS).fill(-1);
const cacheNames: string[] = new Array<string>(SLOTS).fill('');
const scratch = new Uint8Array(MAX_NAME + 64);

/**
 * The common case of readName: a well-formed name of printable ASCII labels, at most MAX_NAME characters. Its
 * presentation bytes are gathered in `scratch` and looked up in the cache. Returns false, having changed
 * nothing in `r`, for anything else (errors, escapes, overlong names): readAnyName then does the whole work.
 */
function readPlainName(buf: Uint8Array, msg: number, end: number, at: number, r: NameResult): boolean {
  let p = at;
  let n = 0;
  let next = -1;
  let jumps = 0;
  let labels = 0;
  let walked = 0;
  let floor = at;
  for (;;) {
    if (p >= end) return false;
    const len = buf[p] as number;
    const kind = len & 0xc0;
    if (kind === 0) {
      if (len === 0) {
        p++;
        break;
      }
      if (p + 1 + len > end) return false;
      if (n + len + (n > 0 ? 1 : 0) > MAX_NAME) return false;
      if (n > 0) scratch[n++] = 0x2e;
      for (let i = p + 1; i <= p + len; i++) {
        const c = buf[i] as number;
        if (c < 0x20 || c > 0x7e) return false;
        scratch[n++] = c;
      }
      labels++;
      p += 1 + len;
      walked += 1 + len;
    } else if (kind === 0xc0) {
      if (p + 2 > end) return false;
      const target = msg + ((((buf[p] as number) & 0x3f) << 8) | (buf[p + 1] as number));
      if (next < 0) next = p + 2;
      if (target >= floor || ++jumps > MAX_JUMPS) return false;
      floor = target;
      p = target;
    } else return false;
  }
  if (next < 0) next = p;
  r.error = NAME_OK;
  r.next = next;
  r.used = next - at;
  r.labels = labels;
  r.walked += walked;
  if (n === 0) {
    r.name = '<Root>';
    return true;
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ (scratch[i] as number), 0x01000193);
  const slot = (h ^ (h >>> 15)) & (SLOTS - 1);
  const base = slot * MAX_NAME;
  if (cacheLens[slot] === n) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (cacheKeys[base + i] !== scratch[i]) {
        same = false;
        break;
      }
    }
    if (same) {
      r.name = cacheNames[slot] as string;
      return true;
    }
  }
  const name = latin1Slice.call(scratch, 0, n);
  cacheKeys.set(scratch.subarray(0, n), base);
  cacheLens[slot] = n;
  cacheNames[slot] = name;
  r.name = name;
  return true;
}

/** Any name, however damaged, escaped or long: tshark's text and error markers. */
function readAnyName(buf: Uint8Array, msg: number, end: number, at: number, r: NameResult): void {
  let p = at;
  let name = '';
  let next = -1;
  let jumps = 0;
  let labels = 0;
  // The lowest offset a pointer may target: the start of the label sequence we are reading.
  let floor = at;
  let tooLong = false;
  r.error = NAME_OK;
  for (;;) {
    if (p >= end) {
      r.error = NAME_TRUNCATED;
      break;
    }
    const len = buf[p] as number;
    const kind = len & 0xc0;
    if (kind === 0) {
      if (len === 0) {
        p++;
        break;
      }
      if (p + 1 + len > end) {
        r.error = NAME_TRUNCATED;
        break;
      }
      // Too long: keep walking (as Wireshark does) so the record's next field is found, but stop copying.
      if (!tooLong && name.length + len + (name ? 1 : 0) > MAX_NAME) tooLong = true;
      if (!tooLong) {
        if (name) name += '.';
        name += labelText(buf, p + 1, p + 1 + len);
      }
      labels++;
      p += 1 + len;
      r.walked += 1 + len;
    } else if (kind === 0xc0) {
      if (p + 2 > end) {
        r.error = NAME_TRUNCATED;
        break;
      }
      const target = msg + ((((buf[p] as number) & 0x3f) << 8) | (buf[p + 1] as number));
      if (next < 0) next = p + 2;
      // Forward or self pointers could loop; real encoders only ever point back at earlier names.
      if (target >= floor || ++jumps > MAX_JUMPS) {
        r.error = NAME_BAD_POINTER;
        break;
      }
      floor = target;
      p = target;
    } else {
      // 0x40 (extended label, RFC 6891 obsoleted it) and 0x80 (reserved).
      r.error = NAME_BAD_LABEL;
      if (next < 0) next = p + 1;
      break;
    }
  }
  if (next < 0) next = r.error === NAME_TRUNCATED ? end : p;
  if (tooLong && r.error === NAME_OK) r.error = NAME_TOO_LONG;
  r.next = next;
  r.used = next - at;
  r.labels = labels;
  if (r.error === NAME_TOO_LONG) r.name = '<Name too long>';
  else if (r.error === NAME_BAD_POINTER) r.name = '<Name contains a pointer that loops>';
  else if (r.error === NAME_BAD_LABEL) r.name = '<Unknown extended label>';
  else r.name = name === '' ? '<Root>' : name;
}

/** Offset after the name at `p` without decoding it (first pointer ends it); `end` when cut. */
export function skipName(buf: Uint8Array, end: number, p: number): number {
  while (p < end) {
    const len = buf[p] as number;
    if (len === 0) return p + 1;
    if ((len & 0xc0) === 0xc0) return p + 2 <= end ? p + 2 : end;
    if (len & 0xc0) return p + 1;
    p += 1 + len;
  }
  return end;
}

/**
 * Node's native latin1 decoder: one string from a byte range with no intermediate Array (labelText runs for
 * every label of every DNS name in list output, and an Array per label was the pass's biggest garbage source).
 */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

/** Label bytes as text: printable ASCII as is, the rest escaped the way Wireshark's format_text does. */
function labelText(buf: Uint8Array, from: number, to: number): string {
  let plain = true;
  for (let i = from; i < to; i++) {
    const c = buf[i] as number;
    if (c < 0x20 || c > 0x7e) {
      plain = false;
      break;
    }
  }
  if (plain) return latin1Slice.call(buf, from, to);
  let s = '';
  for (let i = from; i < to; i++) {
    const c = buf[i] as number;
    if (c >= 0x20 && c <= 0x7e) s += String.fromCharCode(c);
    else s += '\\' + c.toString(8).padStart(3, '0');
  }
  return s;
}
