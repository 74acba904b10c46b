import { describe, expect, it } from 'vitest';
import { checkFilter, compileFilter } from '../../main/engine/filter/filter';
import { FilterSyntaxError } from '../../main/engine/filter/errors';
import { makeRegistry } from './filter-helpers';

const r = makeRegistry();

/** [filter, message (exact), start, end] */
const CASES: [string, string, number, number][] = [
  ['tcp.prot', '"tcp.prot" is neither a field nor a protocol name. Did you mean "tcp.port"?', 0, 8],
  ['tcp.prot == 80', '"tcp.prot" is neither a field nor a protocol name. Did you mean "tcp.port"?', 0, 8],
  ['ip.adr == 1.2.3.4', '"ip.adr" is neither a field nor a protocol name. Did you mean "ip.addr"?', 0, 6],
  ['tcp.port == tcp.prot', '"tcp.prot" is neither a field nor a protocol name. Did you mean "tcp.port"?', 12, 20],
  ['ip.src ==', 'Unexpected end of filter: expected a value after ==', 9, 9],
  ['tcp.port == 80 and', 'Unexpected end of filter: expected a field or protocol after and', 18, 18],
  ['!', 'Unexpected end of filter: expected a field or protocol after !', 1, 1],
  ['dns.qry.name contains', 'Unexpected end of filter: expected a value after contains', 21, 21],
  ['(tcp or udp', 'Unbalanced parenthesis at 0: missing )', 0, 1],
  ['tcp.port == 80 or (udp', 'Unbalanced parenthesis at 18: missing )', 18, 19],
  ['tcp)', 'Unbalanced parenthesis at 3: no ( to close', 3, 4],
  ['()', 'Empty parentheses at 0: expected a filter inside', 0, 2],
  ['ip.src == foo', '"foo" is not a valid IPv4 address', 10, 13],
  ['ip.addr == 1.2.3.256', '"1.2.3.256" is not a valid IPv4 address', 11, 20],
  ['ip.src == "abc"', 'ip.src is an IPv4 address; "abc" cannot be compared with it', 10, 15],
  ['tcp.port == "80"', 'tcp.port is an unsigned integer; "80" cannot be compared with it', 12, 16],
  ['ipv6.src == 2001:db8:::1', '"2001:db8:::1" is not a valid IPv6 address', 12, 24],
  ['ip.src == 10.0.0.0/33', '33 is not a valid prefix length for IPv4 (0–32)', 10, 21],
  ['eth.src == 00:11:22', '"00:11:22" is not a valid Ethernet address', 11, 19],
  ['tcp.port contains 80', 'contains needs a string or byte string; tcp.port is an unsigned integer', 0, 17],
  [
    'tcp.port matches "x"',
    'matches needs a string or byte string; tcp.port is an unsigned integer (use string(tcp.port) to match its text)',
    0,
    16,
  ],
  ['http.host matches abc', 'matches needs a regular expression in double quotes', 18, 21],
  ['http.host matches "("', 'Invalid regular expression "(": Unterminated group', 18, 21],
  ['http.host matches "a(?i)b"', 'Invalid regular expression "a(?i)b": inline options are only supported at the start of the pattern', 18, 26],
  ['tcp.port == 99999999999999999999', '99999999999999999999 is too large for tcp.port (64 bits at most)', 12, 32],
  ['tcp.port == -1', '-1 is negative; tcp.port is an unsigned integer', 12, 14],
  ['tcp.port == 80.5', '"80.5" is not a valid unsigned integer', 12, 16],
  ['tcp.port in {80 443', 'Unclosed { at 12: expected }', 12, 19],
  ['tcp.port in {}', 'Empty set at 12: expected at least one value between { and }', 12, 14],
  ['tcp.port in 80', 'Unexpected "80" at 12: expected {', 12, 14],
  ['"abc"', '"abc" is a value, not a field or protocol: compare a field with it (e.g. field == "abc")', 0, 5],
  ['and tcp', 'Unexpected "and" at 0: expected a field or protocol', 0, 3],
  ['tcp.port = 80', '"=" is not an operator at 9. Did you mean "=="?', 9, 10],
  ['tcp.flags.syn == maybe', '"maybe" is not a valid Boolean (use True, False, 1 or 0)', 17, 22],
  ['ip.src[0:99', 'Unclosed [ at 6: expected ]', 6, 11],
  ['eth.src[x] == 00', 'Invalid slice "[x]" at 7: use [i], [i:length], [i-j], [:length] or [i:]', 7, 10],
  ['tcp.port[0]', 'tcp.port is an unsigned integer and cannot be sliced', 0, 11],
  [
    'frame.time >= "yesterday"',
    '"yesterday" is not a valid date and time (use "YYYY-MM-DD hh:mm:ss[.fraction]", optionally followed by Z, UTC or ±hh:mm)',
    14,
    25,
  ],
  ['foo(tcp.port)', '"foo" is not a function; the functions are len(), count(), lower(), upper(), string()', 0, 3],
  ['lower(tcp.port)', 'lower() needs a string field; tcp.port is an unsigned integer', 6, 14],
  ['count(tcp.port, udp.port)', 'count() takes exactly one argument, got 2', 0, 25],
  ['"unterminated', 'Unterminated string starting at 0: expected a closing "', 0, 13],
  ['http.host == "\\q"', 'Invalid escape \\q at 14', 14, 16],
  ['tcp $ udp', 'Unexpected character "$" at 4', 4, 5],
  ['ip.src == ip.src == 1', 'Unexpected "==" at 17: expected and, or, end of filter', 17, 19],
  ['tcp.port == 80 tcp', 'Unexpected "tcp" at 15: expected and, or, end of filter', 15, 18],
  ['ip.src#x', 'Invalid layer "x" at 7: expected a number or a range like [2-4]', 7, 8],
  ['ip.src == tcp.port', 'ip.src is an IPv4 address and tcp.port is an unsigned integer: they cannot be compared with ==', 10, 18],
  ['tcp.analysis.retransmission == 1', 'tcp.analysis.retransmission is a label and has no value to compare', 31, 32],
  ["tcp.port == 'ab'", 'Invalid character constant at 12: expected one character between single quotes', 12, 16],
  ['all tcp.port', '"all" must be followed by a comparison, as in "all tcp.port > 1024"', 0, 12],
  ['frame.time == 2024-01-01', '"2024-01-01" is not a valid date and time: quote it, as in "2024-01-01 10:00:00", or give epoch seconds', 14, 24],
];

describe('malformed filters give actionable errors', () => {
  it.each(CASES)('%s', (expr, message, start, end) => {
    const e = checkFilter(expr, r);
    expect(e).not.toBeNull();
    expect(e?.message).toBe(message);
    expect([e?.start, e?.end]).toEqual([start, end]);
  });

  it('has at least 20 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(20));

  it('suggests up to three close field names', () => {
    expect(checkFilter('tcp.prot', r)?.suggestions).toEqual(['tcp.port']);
    const s = checkFilter('ip.sr', r)?.suggestions ?? [];
    expect(s[0]).toBe('ip.src');
    expect(s.length).toBeLessThanOrEqual(3);
    expect(checkFilter('zzzzzzzz', r)?.suggestions).toEqual([]);
  });

  it('lists what was expected', () => {
    expect(checkFilter('tcp.port in {80', r)?.expected).toEqual(['}']);
    expect(checkFilter('tcp.port = 80', r)?.suggestions).toEqual(['==']);
    expect(checkFilter('tcp udp', r)?.expected).toContain('==');
  });

  it('compileFilter throws FilterSyntaxError carrying the same error', () => {
    let caught: unknown;
    try {
      compileFilter('tcp.prot == 1', r);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FilterSyntaxError);
    expect((caught as FilterSyntaxError).error).toEqual(checkFilter('tcp.prot == 1', r));
  });

  it('accepts the empty filter', () => {
    expect(checkFilter('', r)).toBeNull();
    expect(checkFilter('  ', r)).toBeNull();
  });
});
