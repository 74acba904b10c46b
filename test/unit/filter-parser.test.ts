import { describe, expect, it } from 'vitest';
import type { EntityNode, ExprNode } from '../../main/engine/filter/ast';
import { parse } from '../../main/engine/filter/parser';
import { tokenize } from '../../main/engine/filter/lexer';
import { parseByteString, parseEther, parseInteger, parseIPv6, parseTime } from '../../main/engine/filter/values';
import { translateRegex } from '../../main/engine/filter/regex';
import { editDistance } from '../../main/engine/filter/suggest';

/** Renders a parse tree as a compact s-expression, so the tests read like the grammar. */
function show(e: ExprNode | null): string {
  if (e === null) return '∅';
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${e.kind} ${show(e.left)} ${show(e.right)})`;
    case 'not':
      return `(not ${show(e.operand)})`;
    case 'test':
      return ent(e.entity);
    case 'compare':
      return `(${e.quant ? e.quant + ' ' : ''}${e.op} ${ent(e.left)} ${ent(e.right)})`;
    case 'in':
      return `(${e.negated ? 'not-in' : 'in'} ${ent(e.left)} {${e.items.map((i) => (i.high ? `${ent(i.low)}..${ent(i.high)}` : ent(i.low))).join(' ')}})`;
    case 'contains':
    case 'matches':
      return `(${e.kind} ${ent(e.left)} ${ent(e.right)})`;
  }
}

function ent(e: EntityNode): string {
  switch (e.kind) {
    case 'word': {
      const layer = e.layer ? `#${e.layer.from}-${e.layer.to}` : '';
      const slice = e.slice ? `[${e.slice.map((s) => `${s.start}${s.length !== undefined ? ':' + s.length : ''}${s.end !== undefined ? '-' + s.end : ''}`).join(',')}]` : '';
      return e.text + layer + slice;
    }
    case 'string':
      return JSON.stringify(e.text);
    case 'char':
      return `'${e.code}'`;
    case 'call':
      return `${e.name}(${e.args.map(ent).join(',')})`;
    case 'bitand':
      return `(& ${ent(e.left)} ${ent(e.right)})`;
  }
}

const p = (s: string): string => show(parse(s));

describe('parser', () => {
  it.each([
    ['tcp', 'tcp'],
    ['tcp.port == 80', '(any_eq tcp.port 80)'],
    ['tcp.port eq 80', '(any_eq tcp.port 80)'],
    ['tcp.port any_eq 80', '(any_eq tcp.port 80)'],
    ['tcp.port != 80', '(all_ne tcp.port 80)'],
    ['tcp.port ne 80', '(all_ne tcp.port 80)'],
    ['tcp.port all_ne 80', '(all_ne tcp.port 80)'],
    ['tcp.port === 80', '(all_eq tcp.port 80)'],
    ['tcp.port all_eq 80', '(all_eq tcp.port 80)'],
    ['tcp.port !== 80', '(any_ne tcp.port 80)'],
    ['tcp.port any_ne 80', '(any_ne tcp.port 80)'],
    ['tcp.port < 80', '(lt tcp.port 80)'],
    ['tcp.port lt 80', '(lt tcp.port 80)'],
    ['tcp.port > 80', '(gt tcp.port 80)'],
    ['tcp.port gt 80', '(gt tcp.port 80)'],
    ['tcp.port <= 80', '(le tcp.port 80)'],
    ['tcp.port le 80', '(le tcp.port 80)'],
    ['tcp.port >= 80', '(ge tcp.port 80)'],
    ['tcp.port ge 80', '(ge tcp.port 80)'],
    ['tcp.port==80', '(any_eq tcp.port 80)'],
    ['all tcp.port > 1024', '(all gt tcp.port 1024)'],
    ['any ip.addr != 1.1.1.1', '(any all_ne ip.addr 1.1.1.1)'],
    ['http.host contains "x"', '(contains http.host "x")'],
    ['http.host matches "^a"', '(matches http.host "^a")'],
    ['http.host ~ "^a"', '(matches http.host "^a")'],
    ['tcp.port in {443 8443 8000..8999}', '(in tcp.port {443 8443 8000..8999})'],
    ['tcp.port in {443, 4430 .. 4434}', '(in tcp.port {443 4430..4434})'],
    ['ip.addr in {10.0.0.5 .. 10.0.0.9, 192.168.1.1..192.168.1.9}', '(in ip.addr {10.0.0.5..10.0.0.9 192.168.1.1..192.168.1.9})'],
    ['frame.time_delta in {10 .. 10.5}', '(in frame.time_delta {10..10.5})'],
    ['tcp.port not in {80}', '(not-in tcp.port {80})'],
    ['tcp.flags & 0x02', '(& tcp.flags 0x02)'],
    ['tcp.flags bitwise_and 0x02 == 2', '(any_eq (& tcp.flags 0x02) 2)'],
    ['len(http.host) > 3', '(gt len(http.host) 3)'],
    ['lower(http.host) == "a"', '(any_eq lower(http.host) "a")'],
    ['eth.src[0:3] == 00:1b:21', '(any_eq eth.src[0:3] 00:1b:21)'],
    ['eth.src[1-2] == 1b:21', '(any_eq eth.src[1-2] 1b:21)'],
    ['eth.src[2] == 21', '(any_eq eth.src[2:1] 21)'],
    ['eth.src[:3] == 00', '(any_eq eth.src[0:3] 00)'],
    ['eth.src[3:] == 00', '(any_eq eth.src[3] 00)'],
    ['frame[-4:] == 00', '(any_eq frame[-4] 00)'],
    ['frame[1,3-5,9:] == 00', '(any_eq frame[1:1,3-5,9] 00)'],
    ['ip.src#2 == 1.2.3.4', '(any_eq ip.src#2-2 1.2.3.4)'],
    ['tcp.port#[2-4] == 80', '(any_eq tcp.port#2-4 80)'],
    ['ipv6.addr == 2001:db8::/32', '(any_eq ipv6.addr 2001:db8::/32)'],
    ['ipv6.addr == ::1', '(any_eq ipv6.addr ::1)'],
    ['frame.len > \'\\n\'', "(gt frame.len '10')"],
    ['http.host == "a\\"b\\x41\\101\\u00e9"', '(any_eq http.host "a\\"bAAé")'],
    ['http.host == r"a\\b"', '(any_eq http.host "a\\\\b")'],
  ])('%s', (src, want) => expect(p(src)).toBe(want));

  it('gives not > and > or precedence, left-associative', () => {
    expect(p('a and b or not c or d and not e or f')).toBe('(or (or (or (and a b) (not c)) (and d (not e))) f)');
    expect(p('a || b && c')).toBe('(or a (and b c))');
    expect(p('a && b || c')).toBe('(or (and a b) c)');
    expect(p('!a && b')).toBe('(and (not a) b)');
    expect(p('not a == 1')).toBe('(not (any_eq a 1))');
    expect(p('not not a')).toBe('(not (not a))');
    expect(p('(a or b) and c')).toBe('(and (or a b) c)');
    expect(p('a and (b or (c and d))')).toBe('(and a (or b (and c d)))');
  });

  it('keeps character positions on nodes', () => {
    const e = parse('tcp and ip.src == 1.2.3.4');
    expect(e).toMatchObject({ kind: 'and', start: 0, end: 25, right: { start: 8, end: 25, opSpan: { start: 15, end: 17 } } });
  });

  it('returns null for an empty filter', () => expect(parse('  ')).toBeNull());

  it('lexes words, ranges and operators', () => {
    expect(tokenize('8000..8999 !==a').map((t) => `${t.kind}:${t.text}`)).toEqual(['word:8000', '..:..', 'word:8999', 'op:!==', 'word:a', 'eof:']);
  });
});

describe('literal parsing', () => {
  it('integers in every base', () => {
    expect(parseInteger('10')).toBe(10n);
    expect(parseInteger('0x1f')).toBe(31n);
    expect(parseInteger('012')).toBe(10n);
    expect(parseInteger('0b1010')).toBe(10n);
    expect(parseInteger('-5')).toBe(-5n);
    expect(parseInteger('08')).toBeNull();
    expect(parseInteger('1e3')).toBeNull();
  });
  it('byte strings and Ethernet addresses', () => {
    expect(Array.from(parseByteString('aa:bb-cc.dd') ?? [])).toEqual([0xaa, 0xbb, 0xcc, 0xdd]);
    expect(Array.from(parseByteString('7a') ?? [])).toEqual([0x7a]);
    expect(Array.from(parseByteString('0011') ?? [])).toEqual([0, 0x11]);
    expect(Array.from(parseByteString('0xff') ?? [])).toEqual([0xff]);
    expect(parseByteString('0x100')).toBeNull();
    expect(parseByteString('zz')).toBeNull();
    expect(Array.from(parseEther('00:1B:21:aa:bb:cc') ?? [])).toEqual([0, 0x1b, 0x21, 0xaa, 0xbb, 0xcc]);
    expect(Array.from(parseEther('001b.21aa.bbcc') ?? [])).toEqual([0, 0x1b, 0x21, 0xaa, 0xbb, 0xcc]);
    expect(parseEther('00:1b:21')).toBeNull();
    expect(parseEther('00:1b-21:aa:bb:cc')).toBeNull();
  });
  it('IPv6 addresses', () => {
    expect(Array.from(parseIPv6('::1') ?? [])).toEqual([...new Array<number>(15).fill(0), 1]);
    expect(Array.from(parseIPv6('::ffff:1.2.3.4') ?? []).slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(parseIPv6('1::2::3')).toBeNull();
    expect(parseIPv6('1:2:3:4:5:6:7:8:9')).toBeNull();
  });
  it('times: ISO 8601, legacy, zones', () => {
    expect(parseTime('2024-01-01T10:00:00Z')).toBe(1704103200);
    expect(parseTime('2024-01-01 10:00:00.25 UTC')).toBe(1704103200.25);
    expect(parseTime('2024-01-01 12:00:00+02:00')).toBe(1704103200);
    expect(parseTime('Jan 1, 2024 10:00:00 UTC')).toBe(1704103200);
    expect(parseTime('2024-01-01')).toBe(new Date(2024, 0, 1).getTime() / 1000);
    expect(parseTime('2024-13-01')).toBeNull();
  });
  it('regular expressions: case-insensitive by default, PCRE spellings', () => {
    const re = (s: string): RegExp => {
      const r = translateRegex(s);
      if ('error' in r) throw new Error(r.error);
      return r.re;
    };
    expect(re('abc').test('xABCx')).toBe(true);
    expect(re('(?-i)abc').test('ABC')).toBe(false);
    expect(re('(?i)abc').test('ABC')).toBe(true);
    expect(re('\\Aab\\z').test('ab')).toBe(true);
    expect(re('\\Aab\\z').test('xab')).toBe(false);
    expect(re('(?P<w>a)(?P=w)').test('aa')).toBe(true);
    expect(re('\\x{e9}').test('é')).toBe(true);
    expect(re('[]a]').test(']')).toBe(true);
    expect('error' in translateRegex('(?x)a')).toBe(true);
  });
  it('edit distance counts swaps as one', () => {
    expect(editDistance('tcp.prot', 'tcp.port')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
