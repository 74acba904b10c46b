/**
 * Literal parsing per field type. A literal has no type of its own: `10` is a byte (0x10) next to a byte
 * field, a number next to `tcp.port`, and invalid next to `ip.src`; the semantic pass calls `parseLiteral`
 * with the type of the operand on the other side.
 */
import type { FieldType } from '../dissect/fields';
import type { CharNode, StringNode, WordNode } from './ast';
import { fail } from './errors';

/** An address with a prefix length: `==` means "inside the network". */
export interface Cidr {
  readonly kind: 'cidr';
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** A runtime value: integers, floats and times as numbers (bigint beyond 2^53), addresses and bytes as bytes. */
export type RtValue = number | bigint | string | Uint8Array;
export type Const = RtValue | Cidr;

export type LiteralNode = WordNode | StringNode | CharNode;

export const TYPE_NAMES: Record<FieldType, string> = {
  protocol: 'a protocol',
  none: 'a label',
  uint: 'an unsigned integer',
  int: 'a signed integer',
  bool: 'a Boolean',
  float: 'a floating point number',
  string: 'a character string',
  bytes: 'a byte sequence',
  ether: 'an Ethernet address',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  time: 'a date and time',
  reltime: 'a time offset',
};

/** How a literal is shown in messages: as the person typed it. */
export function literalText(lit: LiteralNode, src: string): string {
  return src.slice(lit.start, lit.end);
}

/** Parses `lit` as a value of `type`; `what` names the other operand in messages ("ip.src"). */
export function parseLiteral(lit: LiteralNode, type: FieldType, what: string, src: string): Const {
  const shown = literalText(lit, src);
  const mismatch = (): never =>
    fail(`${what} is ${TYPE_NAMES[type]}; ${shown} cannot be compared with it`, lit.start, lit.end);
  if (lit.kind === 'char') {
    if (type === 'uint' || type === 'int' || type === 'bool' || type === 'float') return type === 'bool' ? (lit.code ? 1 : 0) : lit.code;
    if (type === 'bytes' || type === 'protocol') return Uint8Array.of(lit.code);
    return mismatch();
  }
  // A quoted literal is a string; it is accepted for non-string types when its content parses as the type
  // (`ip.src == "10.0.0.1"`), as Wireshark does.
  const text = lit.kind === 'string' ? lit.text : lit.text;
  const invalid = (name: string): never => fail(`"${text}" is not a valid ${name}`, lit.start, lit.end);
  switch (type) {
    case 'uint':
    case 'int': {
      if (lit.kind === 'string') return mismatch();
      const v = parseInteger(text);
      if (v === null) return invalid(type === 'uint' ? 'unsigned integer' : 'integer');
      if (type === 'uint' && v < 0n) fail(`${text} is negative; ${what} is an unsigned integer`, lit.start, lit.end);
      if (v >= 1n << 64n || v < -(1n << 63n)) fail(`${text} is too large for ${what} (64 bits at most)`, lit.start, lit.end);
      return toNumeric(v);
    }
    case 'bool': {
      if (lit.kind === 'string') return mismatch();
      const low = text.toLowerCase();
      if (low === 'true') return 1;
      if (low === 'false') return 0;
      const v = parseInteger(text);
      if (v === null) return fail(`"${text}" is not a valid Boolean (use True, False, 1 or 0)`, lit.start, lit.end, { expected: ['True', 'False', '1', '0'] });
      return v !== 0n ? 1 : 0;
    }
    case 'float':
    case 'reltime': {
      if (lit.kind === 'string') return mismatch();
      const v = parseDecimal(text);
      if (v === null) return invalid(type === 'float' ? 'number' : 'time offset in seconds');
      return v;
    }
    case 'time': {
      if (lit.kind === 'word') {
        const v = parseDecimal(text);
        if (v !== null) return v; // epoch seconds
        return fail(`"${text}" is not a valid date and time: quote it, as in "2024-01-01 10:00:00", or give epoch seconds`, lit.start, lit.end);
      }
      const t = parseTime(text);
      if (t === null) {
        return fail(`"${text}" is not a valid date and time (use "YYYY-MM-DD hh:mm:ss[.fraction]", optionally followed by Z, UTC or ±hh:mm)`, lit.start, lit.end);
      }
      return t;
    }
    case 'string':
      return text;
    case 'bytes':
    case 'protocol': {
      if (lit.kind === 'string') return lit.bytes;
      const b = parseByteString(text);
      if (b === null) return invalid('byte string (use hex bytes such as aa:bb:cc, aa-bb-cc or aa.bb.cc)');
      return b;
    }
    case 'ether': {
      const b = parseEther(text);
      if (b === null) return invalid('Ethernet address');
      return b;
    }
    case 'ipv4': {
      const c = parseAddr(text, 4, lit);
      if (c === null) return lit.kind === 'string' && !/^[\d./]+$/.test(text) ? mismatch() : invalid('IPv4 address');
      return c;
    }
    case 'ipv6': {
      const c = parseAddr(text, 16, lit);
      if (c === null) return lit.kind === 'string' && !/^[0-9a-fA-F:./]+$/.test(text) ? mismatch() : invalid('IPv6 address');
      return c;
    }
    case 'none':
      return fail(`${what} is a label and has no value to compare`, lit.start, lit.end);
  }
}

export function toNumeric(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Decimal, 0x hex, 0b binary and C-style leading-zero octal, with an optional minus sign. */
export function parseInteger(text: string): bigint | null {
  const m = /^(-?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return null;
  const body = m[2] as string;
  let v: bigint;
  if (/^0[0-7]+$/.test(body)) v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  return m[1] ? -v : v;
}

export function parseDecimal(text: string): number | null {
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    const i = parseInteger(text);
    return i === null ? null : Number(i);
  }
  return Number(text);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Parses ISO 8601 ("2024-01-01T10:00:00.5Z", the T may be a space) or Wireshark's legacy
 * "Sep 26, 2004 23:18:04.954975" into epoch seconds. Without a zone the time is local, as in Wireshark.
 */
export function parseTime(text: string): number | null {
  const s = text.trim();
  let y: number, mo: number, d: number, rest: string;
  let m = /^(\d{4})-(\d{2})-(\d{2})(.*)$/.exec(s);
  if (m) {
    y = Number(m[1]);
    mo = Number(m[2]);
    d = Number(m[3]);
    rest = m[4] as string;
  } else {
    m = /^([A-Za-z]{3})[a-z]*\s+(\d{1,2}),\s*(\d{4})(.*)$/.exec(s);
    if (!m) return null;
    mo = MONTHS.indexOf((m[1] as string).toLowerCase()) + 1;
    if (mo === 0) return null;
    d = Number(m[2]);
    y = Number(m[3]);
    rest = m[4] as string;
  }
  const t = /^(?:[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/.exec(rest);
  if (!t) return null;
  const h = Number(t[1] ?? 0);
  const mi = Number(t[2] ?? 0);
  const sec = Number(t[3] ?? 0);
  const frac = t[4] ? Number((t[4] as string).padEnd(9, '0')) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return null;
  const zone = t[5];
  let ms: number;
  if (zone === undefined) ms = new Date(y, mo - 1, d, h, mi, sec).getTime();
  else {
    ms = Date.UTC(y, mo - 1, d, h, mi, sec);
    if (zone !== 'Z' && zone !== 'UTC') {
      const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone) as RegExpExecArray;
      const off = (Number(zm[2]) * 60 + Number(zm[3])) * 60_000;
      ms -= zm[1] === '+' ? off : -off;
    }
  }
  if (Number.isNaN(ms)) return null;
  // Same arithmetic as the frame layer (sec + nsec / 1e9) so an exact time compares equal.
  return ms / 1000 + frac / 1e9;
}

/** Hex bytes separated by ':', '-' or '.', unseparated pairs ("0011"), or a one-byte hex integer ("0xff"). */
export function parseByteString(text: string): Uint8Array | null {
  const hex = /^0[xX]([0-9a-fA-F]{1,2})$/.exec(text);
  if (hex) return Uint8Array.of(parseInt(hex[1] as string, 16));
  if (/^([0-9a-fA-F]{2})+$/.test(text)) return Uint8Array.from(text.match(/../g) as string[], (p) => parseInt(p, 16));
  if (!/^[0-9a-fA-F]{1,2}([:.-][0-9a-fA-F]{1,2})*$/.test(text)) return null;
  return Uint8Array.from(text.split(/[:.-]/), (p) => parseInt(p, 16));
}

export function parseEther(text: string): Uint8Array | null {
  if (/^[0-9a-fA-F]{1,2}([:.-])[0-9a-fA-F]{1,2}(\1[0-9a-fA-F]{1,2}){4}$/.test(text)) {
    return Uint8Array.from(text.split(/[:.-]/), (p) => parseInt(p, 16));
  }
  // Cisco style aabb.ccdd.eeff and bare 12 hex digits.
  const m = /^([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})$/.exec(text);
  const flat = m ? (m[1] as string) + m[2] + m[3] : /^[0-9a-fA-F]{12}$/.test(text) ? text : null;
  if (flat === null) return null;
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) out[i] = parseInt(flat.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** An IPv4 (size 4) or IPv6 (size 16) address, with an optional /prefix; null when it is not an address. */
function parseAddr(text: string, size: 4 | 16, lit: LiteralNode): Uint8Array | Cidr | null {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const bytes = size === 4 ? parseIPv4(addrText) : parseIPv6(addrText);
  if (bytes === null) return null;
  if (slash < 0) return bytes;
  const p = text.slice(slash + 1);
  const max = size * 8;
  if (!/^\d{1,3}$/.test(p) || Number(p) > max) {
    fail(`${p || '(nothing)'} is not a valid prefix length for ${size === 4 ? 'IPv4' : 'IPv6'} (0–${max})`, lit.start, lit.end);
  }
  return { kind: 'cidr', bytes, prefix: Number(p) };
}

export function parseIPv4(text: string): Uint8Array | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const v = Number(m[i + 1]);
    if (v > 255) return null;
    out[i] = v;
  }
  return out;
}

export function parseIPv6(text: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (!v4) return null;
        out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}
