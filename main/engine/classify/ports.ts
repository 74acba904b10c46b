/**
 * Port conditions of the rule formats: `443`, ranges `8000-8080`, alternatives `80|443`, negation `!53`
 * (also `!1000-2000`). A port matches when no negated term matches and, if there are positive terms, one of
 * them matches — so `!53` alone means "any port but 53".
 */
import { RuleSyntaxError } from './rule-error';

export interface PortSet {
  readonly text: string;
  /** The plain ports listed (no ranges, no negation), when that is all there is: lets a rule set index them. */
  readonly exact: readonly number[] | null;
  test(port: number): boolean;
}

/** Parses a port field; empty means "any port" and gives null. */
export function parsePorts(text: string, where: string): PortSet | null {
  const t = text.trim();
  if (t === '' || t === '*' || t === '0') return null;
  const pos: number[] = [];
  const neg: number[] = [];
  let allExact = true;
  for (const raw of t.split('|')) {
    let term = raw.trim();
    const negated = term.startsWith('!');
    if (negated) term = term.slice(1).trim();
    const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(term);
    if (m === null) throw new RuleSyntaxError(`bad port "${raw}"`, where);
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (lo > 65535 || hi > 65535 || hi < lo) throw new RuleSyntaxError(`bad port range "${raw}"`, where);
    (negated ? neg : pos).push(lo, hi);
    if (negated || hi !== lo) allExact = false;
  }
  const exact = allExact ? pos.filter((_, i) => i % 2 === 0) : null;
  return {
    text: t,
    exact,
    test(port: number): boolean {
      for (let i = 0; i < neg.length; i += 2) if (port >= neg[i]! && port <= neg[i + 1]!) return false;
      if (pos.length === 0) return true;
      for (let i = 0; i < pos.length; i += 2) if (port >= pos[i]! && port <= pos[i + 1]!) return true;
      return false;
    },
  };
}
