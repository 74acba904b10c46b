import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkFilter, compileFilter } from '../../main/engine/filter/filter';
import { FilterSyntaxError } from '../../main/engine/filter/errors';
import { makeRegistry } from './filter-helpers';

const r = makeRegistry();

/** Pieces of real filters, so random concatenations reach deep into the parser and checker. */
const PIECES = [
  'tcp', 'ip.src', 'ip.addr', 'eth.src', 'ipv6.src', 'tcp.port', 'tcp.flags.syn', 'dns.qry.name', 'frame', 'frame.time',
  '==', '!=', '===', '!==', '<', '>=', 'eq', 'contains', 'matches', '~', 'in', 'not', 'and', 'or', '&&', '||', '!', '&',
  '(', ')', '{', '}', '[', ']', '[0:3]', '[-1]', '#2', ',', '..', '"abc"', '"(?i)x"', '"("', "'a'", '80', '0x1bb', '10.0.0.0/8',
  '2001:db8::/32', '00:1b:21', 'True', 'len(', 'lower(', 'count(', 'string(', '"2024-01-01 10:00:00"', '-', '/', ':', ' ',
];

function mustOnlyThrowSyntaxErrors(expr: string): void {
  try {
    compileFilter(expr, r);
  } catch (err) {
    if (!(err instanceof FilterSyntaxError)) throw err;
    const e = err.error;
    expect(e.start).toBeGreaterThanOrEqual(0);
    expect(e.end).toBeGreaterThanOrEqual(e.start);
    expect(e.end).toBeLessThanOrEqual(expr.length);
    expect(e.message.length).toBeGreaterThan(0);
  }
  const e = checkFilter(expr, r);
  expect(e === null || typeof e.message === 'string').toBe(true);
}

describe('robustness', () => {
  it('random strings never throw anything but FilterSyntaxError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), mustOnlyThrowSyntaxErrors), { numRuns: 3000 });
  });

  it('random token soups never throw anything but FilterSyntaxError', () => {
    const soup = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((xs) => xs.join(' '));
    const glued = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((xs) => xs.join(''));
    fc.assert(fc.property(fc.oneof(soup, glued), mustOnlyThrowSyntaxErrors), { numRuns: 5000 });
  });

  it('compiled random filters evaluate on a tree without throwing', () => {
    const soup = fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((xs) => xs.join(' '));
    fc.assert(
      fc.property(soup, (expr) => {
        if (checkFilter(expr, r) !== null) return;
        const f = compileFilter(expr, r);
        expect(typeof f.evaluateTree([], null, 0)).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });
});
