/**
 * Splits a display filter into tokens. Like Wireshark's scanner, an unquoted run of name-ish characters is
 * one WORD whatever it looks like (`ip.src`, `10.0.0.0/8`, `00:1b:21`, `2001:db8::1`, `80`): only the
 * semantic pass, which knows the field type on the other side of an operator, can tell a field name from a
 * literal, so the lexer must not guess.
 */
import { fail } from './errors';

export type TokenKind =
  | 'word'
  | 'string' // "…" or r"…"
  | 'char' // 'a', '\n': a C-style character constant (an integer)
  | 'op' // == != === !== < > <= >= ~ ! && || & =
  | '('
  | ')'
  | '{'
  | '}'
  | ','
  | '..'
  | '#'
  | 'slice' // the whole text between [ and ], parsed by the parser
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Source text of the token (for strings: without quotes, undecoded; for slices: between the brackets). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Decoded bytes of a string literal (escapes such as \xff are raw bytes, other characters UTF-8). */
  readonly bytes?: Uint8Array;
  /** Integer value of a character constant. */
  readonly charCode?: number;
  /** True when the token follows whitespace (a slice must be glued to its field: `eth.src[0]`). */
  readonly spaced: boolean;
}

const WORD_CHAR = /[A-Za-z0-9_.:\-/]/;
const OPS = ['===', '!==', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '~', '!', '&', '='];

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let spaced = true;
  const push = (kind: TokenKind, text: string, start: number, end: number, extra: Partial<Token> = {}): void => {
    out.push({ kind, text, start, end, spaced, ...extra });
    spaced = false;
  };
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      spaced = true;
      continue;
    }
    const start = i;
    if (c === '"' || (c === 'r' && src[i + 1] === '"')) {
      const raw = c === 'r';
      const { end, bytes } = scanString(src, raw ? i + 1 : i, raw);
      push('string', src.slice(raw ? i + 2 : i + 1, end - 1), start, end, { bytes });
      i = end;
      continue;
    }
    if (c === "'") {
      const { end, code } = scanChar(src, i);
      push('char', src.slice(i, end), start, end, { charCode: code });
      i = end;
      continue;
    }
    if (c === '[') {
      const close = src.indexOf(']', i + 1);
      if (close < 0) fail(`Unclosed [ at ${i}: expected ]`, i, src.length, { expected: [']'] });
      push('slice', src.slice(i + 1, close), start, close + 1);
      i = close + 1;
      continue;
    }
    if (c === ']') fail(`Unexpected ] at ${i}: no [ to close`, i, i + 1);
    if (c === '.' && src[i + 1] === '.') {
      push('..', '..', start, i + 2);
      i += 2;
      continue;
    }
    if (WORD_CHAR.test(c)) {
      let j = i;
      // ".." ends a word: it separates the bounds of a range (`8000..8999`), never occurs inside a literal.
      while (j < src.length && WORD_CHAR.test(src[j] as string) && !(src[j] === '.' && src[j + 1] === '.')) j++;
      push('word', src.slice(i, j), start, j);
      i = j;
      continue;
    }
    if ('(){},#'.includes(c)) {
      push(c as TokenKind, c, start, i + 1);
      i++;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      push('op', op, start, i + op.length);
      i += op.length;
      continue;
    }
    fail(`Unexpected character "${c}" at ${i}`, i, i + 1);
  }
  out.push({ kind: 'eof', text: '', start: src.length, end: src.length, spaced });
  return out;
}

const SIMPLE_ESCAPES: Record<string, number> = { "'": 39, '"': 34, '\\': 92, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };
const encoder = new TextEncoder();

/** Scans a double-quoted string starting at `open` (the quote). Returns the index after the closing quote. */
function scanString(src: string, open: number, raw: boolean): { end: number; bytes: Uint8Array } {
  const bytes: number[] = [];
  let i = open + 1;
  for (;;) {
    if (i >= src.length) fail(`Unterminated string starting at ${open}: expected a closing "`, open, src.length, { expected: ['"'] });
    const c = src[i] as string;
    if (c === '"') return { end: i + 1, bytes: Uint8Array.from(bytes) };
    if (c === '\\') {
      if (raw) {
        // Raw strings keep the backslash; it only stops an escaped quote from ending the string.
        bytes.push(92);
        if (src[i + 1] === '"' || src[i + 1] === '\\') {
          bytes.push(src.charCodeAt(i + 1));
          i += 2;
        } else i++;
        continue;
      }
      i = escape(src, i, bytes);
      continue;
    }
    const cp = src.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    for (const b of encoder.encode(ch)) bytes.push(b);
    i += ch.length;
  }
}

/** Decodes the escape at `src[i]` (a backslash) into `out`; returns the index after it. */
function escape(src: string, i: number, out: number[]): number {
  const e = src[i + 1];
  if (e === undefined) fail(`Unterminated escape at ${i}`, i, i + 1);
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) {
    out.push(simple);
    return i + 2;
  }
  if (e === 'x') {
    const m = /^[0-9a-fA-F]{1,2}/.exec(src.slice(i + 2));
    if (!m) fail(`Invalid escape \\x at ${i}: expected one or two hex digits`, i, i + 2);
    out.push(parseInt(m[0], 16));
    return i + 2 + m[0].length;
  }
  if (e >= '0' && e <= '7') {
    const m = /^[0-7]{1,3}/.exec(src.slice(i + 1)) as RegExpExecArray;
    const v = parseInt(m[0], 8);
    if (v > 255) fail(`Invalid octal escape \\${m[0]} at ${i}: larger than 255`, i, i + 1 + m[0].length);
    out.push(v);
    return i + 1 + m[0].length;
  }
  if (e === 'u' || e === 'U') {
    const n = e === 'u' ? 4 : 8;
    const hex = src.slice(i + 2, i + 2 + n);
    const cp = /^[0-9a-fA-F]+$/.test(hex) && hex.length === n ? parseInt(hex, 16) : -1;
    if (cp < 0 || cp > 0x10ffff) fail(`Invalid escape \\${e} at ${i}: expected ${n} hex digits of a Unicode code point`, i, i + 2 + hex.length);
    for (const b of encoder.encode(String.fromCodePoint(cp))) out.push(b);
    return i + 2 + n;
  }
  return fail(`Invalid escape \\${e} at ${i}`, i, i + 2);
}

function scanChar(src: string, open: number): { end: number; code: number } {
  const bytes: number[] = [];
  let i = open + 1;
  if (src[i] === '\\') i = escape(src, i, bytes);
  else if (i < src.length && src[i] !== "'") {
    bytes.push(src.charCodeAt(i));
    i++;
  }
  if (src[i] !== "'" || bytes.length !== 1) {
    const close = src.indexOf("'", open + 1);
    fail(`Invalid character constant at ${open}: expected one character between single quotes`, open, close < 0 ? src.length : close + 1);
  }
  return { end: i + 1, code: bytes[0] as number };
}
