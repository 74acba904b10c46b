/**
 * "Did you mean" for unknown field names: the closest registered names by edit distance (insertions,
 * deletions, substitutions and swaps of neighbours, the usual typos), at most three.
 */
import type { FieldRegistry } from '../dissect/fields';

export function suggestFields(name: string, registry: FieldRegistry, max = 3): string[] {
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  const scored: { name: string; d: number }[] = [];
  const low = name.toLowerCase();
  for (const def of registry.all()) {
    if (Math.abs(def.name.length - name.length) > limit) continue;
    const d = editDistance(low, def.name.toLowerCase(), limit);
    if (d <= limit) scored.push({ name: def.name, d });
  }
  scored.sort((a, b) => a.d - b.d || a.name.length - b.name.length || (a.name < b.name ? -1 : 1));
  return scored.slice(0, max).map((s) => s.name);
}

/** Optimal string alignment distance; gives up (returns limit + 1) once every path exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const m = a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = new Array<number>(n + 1);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[n] as number;
}
