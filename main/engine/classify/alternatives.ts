/**
 * The bracketed body shared by both feature-file forms: `[a;b;c, d;e;f]` — alternatives separated by `,`
 * (except inside `{…}`, where a regex repeat count such as `{1,3}` may use one), fields by `;`.
 */
import { RuleSyntaxError } from './rule-error';

export function splitAlternatives(body: string, where: string): string[][] {
  const t = body.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) throw new RuleSyntaxError('rule body must be written [ … ]', where);
  const inner = t.slice(1, -1);
  const alts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      alts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  alts.push(inner.slice(start));
  return alts.filter((a) => a.trim() !== '').map((a) => a.split(';').map((f) => f.trim()));
}
