/**
 * Payload byte conditions of the feature-file formats: `offset:hexbyte` terms joined by `|`, all of which
 * must hold (AND). A negative offset counts from the payload's end (-1 is the last byte).
 */
import { RuleSyntaxError } from './rule-error';

export interface PayloadCondition {
  readonly text: string;
  /** Shortest payload every term fits in (a cheap first test). */
  readonly minLength: number;
  test(buf: Uint8Array, off: number, end: number): boolean;
}

export function parsePayload(text: string, where: string): PayloadCondition | null {
  const t = text.trim();
  if (t === '') return null;
  const offsets: number[] = [];
  const bytes: number[] = [];
  for (const raw of t.split('|')) {
    const m = /^\s*(-?\d{1,5})\s*:\s*(?:0x)?([0-9a-fA-F]{1,2})\s*$/.exec(raw);
    if (m === null) throw new RuleSyntaxError(`bad payload condition "${raw}" (want offset:hexbyte)`, where);
    offsets.push(Number(m[1]));
    bytes.push(parseInt(m[2]!, 16));
  }
  let minLength = 0;
  for (const o of offsets) minLength = Math.max(minLength, o >= 0 ? o + 1 : -o);
  const offs = Int32Array.from(offsets);
  const vals = Uint8Array.from(bytes);
  return {
    text: t,
    minLength,
    test(buf: Uint8Array, off: number, end: number): boolean {
      if (end - off < minLength) return false;
      for (let i = 0; i < offs.length; i++) {
        const o = offs[i]!;
        if (buf[o >= 0 ? off + o : end + o] !== vals[i]) return false;
      }
      return true;
    },
  };
}

/** `search_str` of OpenAppFilter rules: the payload must contain these bytes somewhere. */
export function containsBytes(buf: Uint8Array, off: number, end: number, needle: Uint8Array): boolean {
  const n = needle.length;
  if (n === 0) return true;
  const first = needle[0];
  outer: for (let i = off; i + n <= end; i++) {
    if (buf[i] !== first) continue;
    for (let j = 1; j < n; j++) if (buf[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
