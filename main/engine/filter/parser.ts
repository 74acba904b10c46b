/**
 * Recursive-descent parser for the display filter grammar, with Wireshark 4's precedence:
 * `not` binds tightest, then `and`, then `or` (both left-associative); comparisons bind tighter than all three.
 */
import type { CompareOp, EntityNode, ExprNode, LayerRange, Quantifier, SetItem, SliceRange } from './ast';
import { fail } from './errors';
import { Token, tokenize } from './lexer';

const COMPARE: Record<string, CompareOp> = {
  '==': 'any_eq',
  eq: 'any_eq',
  any_eq: 'any_eq',
  '!=': 'all_ne',
  ne: 'all_ne',
  all_ne: 'all_ne',
  '===': 'all_eq',
  all_eq: 'all_eq',
  '!==': 'any_ne',
  any_ne: 'any_ne',
  '<': 'lt',
  lt: 'lt',
  '>': 'gt',
  gt: 'gt',
  '<=': 'le',
  le: 'le',
  '>=': 'ge',
  ge: 'ge',
};

/** Words that are operators, never field names or literals. */
export const KEYWORDS = new Set([
  'and', 'or', 'not', 'in', 'contains', 'matches', 'bitwise_and',
  'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'any_eq', 'all_ne', 'all_eq', 'any_ne',
]);

const AFTER_TEST = ['==', '!=', '<', '>', '<=', '>=', 'contains', 'matches', 'in', 'and', 'or'];

export function parse(src: string): ExprNode | null {
  const p = new Parser(src, tokenize(src));
  return p.parseFilter();
}

class Parser {
  private pos = 0;
  constructor(
    private readonly src: string,
    private readonly toks: Token[],
  ) {}

  parseFilter(): ExprNode | null {
    if (this.peek().kind === 'eof') return null;
    const e = this.parseOr();
    const t = this.peek();
    if (t.kind === ')') fail(`Unbalanced parenthesis at ${t.start}: no ( to close`, t.start, t.end);
    if (t.kind !== 'eof') this.unexpected(t, e.kind === 'test' ? [...AFTER_TEST, 'end of filter'] : ['and', 'or', 'end of filter']);
    return e;
  }

  private peek(k = 0): Token {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private isWord(t: Token, ...words: string[]): boolean {
    return t.kind === 'word' && words.includes(t.text);
  }

  private isOp(t: Token, ...ops: string[]): boolean {
    return t.kind === 'op' && ops.includes(t.text);
  }

  private parseOr(): ExprNode {
    let left = this.parseAnd();
    for (;;) {
      const t = this.peek();
      if (!(this.isWord(t, 'or') || this.isOp(t, '||'))) return left;
      this.next();
      const right = this.parseAnd(t.text);
      left = { kind: 'or', left, right, start: left.start, end: right.end };
    }
  }

  private parseAnd(after?: string): ExprNode {
    let left = this.parseNot(after);
    for (;;) {
      const t = this.peek();
      if (!(this.isWord(t, 'and') || this.isOp(t, '&&'))) return left;
      this.next();
      const right = this.parseNot(t.text);
      left = { kind: 'and', left, right, start: left.start, end: right.end };
    }
  }

  private parseNot(after?: string): ExprNode {
    const t = this.peek();
    if (this.isWord(t, 'not') || this.isOp(t, '!')) {
      this.next();
      const operand = this.parseNot(t.text);
      return { kind: 'not', operand, start: t.start, end: operand.end };
    }
    return this.parseRelation(after);
  }

  private parseRelation(after?: string): ExprNode {
    const t = this.peek();
    if (t.kind === '(') {
      this.next();
      if (this.peek().kind === ')') fail(`Empty parentheses at ${t.start}: expected a filter inside`, t.start, this.peek().end);
      const inner = this.parseOr();
      const close = this.peek();
      if (close.kind === 'eof') fail(`Unbalanced parenthesis at ${t.start}: missing )`, t.start, t.start + 1, { expected: [')'] });
      if (close.kind !== ')') this.unexpected(close, inner.kind === 'test' ? [...AFTER_TEST, ')'] : ['and', 'or', ')']);
      this.next();
      return { ...inner, start: t.start, end: close.end };
    }
    let quant: Quantifier = null;
    if (this.isWord(t, 'any', 'all') && (this.peek(1).kind === 'word' || this.peek(1).kind === 'string')) {
      quant = t.text as Quantifier;
      this.next();
    }
    const left = this.parseEntity(after ? `a field or protocol after ${after}` : 'a field or protocol');
    const op = this.peek();
    const opText = op.text;
    const opSpan = { start: op.start, end: op.end };
    if ((op.kind === 'op' || op.kind === 'word') && COMPARE[opText] !== undefined) {
      this.next();
      const right = this.parseEntity(`a value after ${opText}`);
      return { kind: 'compare', op: COMPARE[opText] as CompareOp, opText, opSpan, quant, left, right, start: t.start, end: right.end };
    }
    if (this.isOp(op, '=')) fail(`"=" is not an operator at ${op.start}. Did you mean "=="?`, op.start, op.end, { suggestions: ['=='] });
    if (this.isWord(op, 'contains')) {
      this.next();
      const right = this.parseEntity('a value after contains');
      return { kind: 'contains', quant, left, right, opSpan, start: t.start, end: right.end };
    }
    if (this.isWord(op, 'matches') || this.isOp(op, '~')) {
      this.next();
      const right = this.parseEntity(`a quoted regular expression after ${opText}`);
      return { kind: 'matches', quant, left, right, opSpan, start: t.start, end: right.end };
    }
    const negated = this.isWord(op, 'not') && this.isWord(this.peek(1), 'in');
    if (this.isWord(op, 'in') || negated) {
      this.next();
      if (negated) this.next();
      const open = this.peek();
      if (open.kind !== '{') {
        if (open.kind === 'eof') fail('Unexpected end of filter: expected { after in', open.start, open.end, { expected: ['{'] });
        this.unexpected(open, ['{']);
      }
      this.next();
      const items = this.parseSetItems(open);
      const close = this.next();
      return { kind: 'in', quant, negated, left, items, start: t.start, end: close.end };
    }
    if (quant) fail(`"${quant}" must be followed by a comparison, as in "${quant} tcp.port > 1024"`, t.start, left.end, { expected: AFTER_TEST.slice(0, 9) });
    return { kind: 'test', entity: left, start: left.start, end: left.end };
  }

  private parseSetItems(open: Token): SetItem[] {
    const items: SetItem[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === '}') {
        if (items.length === 0) fail(`Empty set at ${open.start}: expected at least one value between { and }`, open.start, t.end);
        return items;
      }
      if (t.kind === 'eof') fail(`Unclosed { at ${open.start}: expected }`, open.start, this.src.length, { expected: ['}'] });
      if (t.kind === ',' && items.length > 0) {
        this.next();
        continue;
      }
      const low = this.parseEntity('a value in the set');
      if (this.peek().kind === '..') {
        this.next();
        const high = this.parseEntity('an upper bound after ..');
        items.push({ low, high, start: low.start, end: high.end });
      } else items.push({ low, start: low.start, end: low.end });
    }
  }

  private parseEntity(what: string): EntityNode {
    let left = this.parsePrimary(what);
    for (;;) {
      const t = this.peek();
      if (!(this.isOp(t, '&') || this.isWord(t, 'bitwise_and'))) return left;
      this.next();
      const right = this.parsePrimary(`a mask after ${t.text}`);
      left = { kind: 'bitand', left, right, start: left.start, end: right.end };
    }
  }

  private parsePrimary(what: string): EntityNode {
    const t = this.peek();
    if (t.kind === 'eof') fail(`Unexpected end of filter: expected ${what}`, t.start, t.end);
    if (t.kind === 'string') {
      this.next();
      return { kind: 'string', text: new TextDecoder().decode(t.bytes), bytes: t.bytes ?? new Uint8Array(0), start: t.start, end: t.end };
    }
    if (t.kind === 'char') {
      this.next();
      return { kind: 'char', code: t.charCode ?? 0, start: t.start, end: t.end };
    }
    if (t.kind !== 'word' || KEYWORDS.has(t.text)) this.unexpected(t, [what]);
    this.next();
    if (this.peek().kind === '(' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(t.text)) return this.parseCall(t);
    let end = t.end;
    let layer: LayerRange | undefined;
    let slice: SliceRange[] | undefined;
    if (this.peek().kind === '#') {
      const hash = this.next();
      const n = this.peek();
      if ((n.kind !== 'word' && n.kind !== 'slice') || n.spaced) fail(`Expected a layer number after # at ${hash.start}`, hash.start, hash.end + (n.kind === 'eof' ? 0 : n.end - n.start));
      this.next();
      layer = parseLayer(n);
      end = n.end;
    }
    if (this.peek().kind === 'slice') {
      const s = this.next();
      slice = parseSlice(s);
      end = s.end;
    }
    return { kind: 'word', text: t.text, start: t.start, end, layer, slice };
  }

  private parseCall(name: Token): EntityNode {
    const open = this.next();
    const args: EntityNode[] = [];
    if (this.peek().kind !== ')') {
      for (;;) {
        args.push(this.parseEntity(`an argument of ${name.text}()`));
        const t = this.peek();
        if (t.kind === ',') {
          this.next();
          continue;
        }
        if (t.kind === ')') break;
        if (t.kind === 'eof') fail(`Unbalanced parenthesis at ${open.start}: missing ) after the arguments of ${name.text}()`, open.start, open.end, { expected: [')'] });
        this.unexpected(t, [',', ')']);
      }
    }
    const close = this.next();
    return { kind: 'call', name: name.text, nameEnd: name.end, args, start: name.start, end: close.end };
  }

  private unexpected(t: Token, expected: string[]): never {
    if (t.kind === 'eof') return fail(`Unexpected end of filter: expected ${expected.join(', ')}`, t.start, t.end, { expected });
    if (t.kind === ')') return fail(`Unbalanced parenthesis at ${t.start}: no ( to close`, t.start, t.end);
    const shown = t.kind === 'string' ? `"${t.text}"` : `"${this.src.slice(t.start, t.end)}"`;
    return fail(`Unexpected ${shown} at ${t.start}: expected ${expected.join(', ')}`, t.start, t.end, { expected });
  }
}

const INT = '(-?\\d+)';

function parseSlice(t: Token): SliceRange[] {
  const parts = t.text.split(',');
  const out: SliceRange[] = [];
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^${INT}?:(\\d+)?$`).exec(p))) {
      const start = m[1] === undefined ? 0 : Number(m[1]);
      if (m[2] === undefined) out.push({ start });
      else out.push({ start, length: Number(m[2]) });
    } else if ((m = new RegExp(`^${INT}-${INT}$`).exec(p))) {
      out.push({ start: Number(m[1]), end: Number(m[2]) });
    } else if ((m = new RegExp(`^${INT}$`).exec(p))) {
      out.push({ start: Number(m[1]), length: 1 });
    } else {
      fail(`Invalid slice "[${t.text}]" at ${t.start}: use [i], [i:length], [i-j], [:length] or [i:]`, t.start, t.end, {
        expected: ['[i]', '[i:length]', '[i-j]', '[:length]', '[i:]'],
      });
    }
  }
  return out;
}

function parseLayer(t: Token): LayerRange {
  const text = t.text.trim();
  const m = /^(\d+)(?:([-:])(\d+))?$/.exec(text);
  if (!m) fail(`Invalid layer "${text}" at ${t.start}: expected a number or a range like [2-4]`, t.start, t.end);
  const from = Number(m[1]);
  let to = from;
  if (m[3] !== undefined) to = m[2] === ':' ? from + Number(m[3]) - 1 : Number(m[3]);
  if (from < 1 || to < from) fail(`Invalid layer "${text}" at ${t.start}: layers count from 1`, t.start, t.end);
  return { from, to };
}
