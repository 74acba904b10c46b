/**
 * Type checking against the field registry. Resolves every word to a field (or a literal, typed by the
 * field on the other side), parses literals, checks that each operator suits its operands, and produces
 * the checked form that `compile.ts` turns into closures. All person-facing errors about meaning are here.
 */
import type { FieldDef, FieldRegistry, FieldType } from '../dissect/fields';
import type { CompareOp, EntityNode, ExprNode, LayerRange, Quantifier, SliceRange, WordNode } from './ast';
import { fail } from './errors';
import { translateRegex } from './regex';
import { suggestFields } from './suggest';
import { Const, LiteralNode, parseLiteral, TYPE_NAMES } from './values';

export type FunctionName = 'len' | 'count' | 'lower' | 'upper' | 'string';
const FUNCTIONS: readonly FunctionName[] = ['len', 'count', 'lower', 'upper', 'string'];

/** Something that yields values per packet. `type` is the type of those values (a slice yields bytes). */
export type Source =
  | { readonly k: 'field'; readonly def: FieldDef; readonly type: FieldType; readonly layer?: LayerRange; readonly slice?: readonly SliceRange[] }
  | { readonly k: 'call'; readonly fn: FunctionName; readonly arg: Source; readonly type: FieldType }
  | { readonly k: 'bitand'; readonly src: Source; readonly mask: Const; readonly type: FieldType };

/** The right-hand side of a comparison: a constant or another source. */
export type Operand = { readonly k: 'const'; readonly value: Const } | { readonly k: 'source'; readonly src: Source };

export type Checked =
  | { readonly k: 'and' | 'or'; readonly a: Checked; readonly b: Checked }
  | { readonly k: 'not'; readonly a: Checked }
  | { readonly k: 'exists'; readonly src: Source }
  | { readonly k: 'cmp'; readonly op: CompareOp; readonly quant: Quantifier; readonly left: Source; readonly right: Operand }
  | { readonly k: 'in'; readonly quant: Quantifier; readonly negated: boolean; readonly left: Source; readonly items: readonly { low: Const; high?: Const }[] }
  | { readonly k: 'contains'; readonly quant: Quantifier; readonly left: Source; readonly right: Operand }
  | { readonly k: 'matches'; readonly quant: Quantifier; readonly left: Source; readonly re: RegExp };

const SLICEABLE = new Set<FieldType>(['bytes', 'ether', 'ipv4', 'ipv6', 'string', 'protocol']);
const BYTESLIKE = new Set<FieldType>(['bytes', 'ether', 'protocol']);
const NUMERIC = new Set<FieldType>(['uint', 'int', 'bool', 'float']);

const FLIP: Partial<Record<CompareOp, CompareOp>> = { lt: 'gt', gt: 'lt', le: 'ge', ge: 'le' };

export class Checker {
  constructor(
    private readonly registry: FieldRegistry,
    private readonly src: string,
  ) {}

  check(e: ExprNode): Checked {
    switch (e.kind) {
      case 'and':
      case 'or':
        return { k: e.kind, a: this.check(e.left), b: this.check(e.right) };
      case 'not':
        return { k: 'not', a: this.check(e.operand) };
      case 'test':
        return this.test(e.entity);
      case 'compare':
        return this.compare(e.op, e.opText, e.quant, e.left, e.right);
      case 'in': {
        const left = this.source(e.left, 'in');
        const items = e.items.map((it) => {
          const low = this.literalFor(it.low, left);
          if (!it.high) return { low };
          if (left.type === 'string' || BYTESLIKE.has(left.type)) {
            fail(`A range needs ordered values; ${this.describe(left)} is ${TYPE_NAMES[left.type]}`, it.start, it.end);
          }
          return { low, high: this.literalFor(it.high, left) };
        });
        return { k: 'in', quant: e.quant, negated: e.negated, left, items };
      }
      case 'contains': {
        const left = this.source(e.left, 'contains');
        if (left.type !== 'string' && !BYTESLIKE.has(left.type)) {
          fail(`contains needs a string or byte string; ${this.describe(left)} is ${TYPE_NAMES[left.type]}`, e.left.start, e.opSpan.end);
        }
        return { k: 'contains', quant: e.quant, left, right: this.operand(e.right, left, 'contains') };
      }
      case 'matches': {
        const left = this.source(e.left, 'matches');
        if (left.type !== 'string' && !BYTESLIKE.has(left.type)) {
          const hint = left.k === 'field' && !left.slice ? ` (use string(${left.def.name}) to match its text)` : '';
          fail(`matches needs a string or byte string; ${this.describe(left)} is ${TYPE_NAMES[left.type]}${hint}`, e.left.start, e.opSpan.end);
        }
        if (e.right.kind !== 'string') {
          fail('matches needs a regular expression in double quotes', e.right.start, e.right.end, { expected: ['"regular expression"'] });
        }
        const r = translateRegex(e.right.text);
        if ('error' in r) fail(`Invalid regular expression "${e.right.text}": ${r.error}`, e.right.start, e.right.end);
        return { k: 'matches', quant: e.quant, left, re: r.re };
      }
    }
  }

  private test(ent: EntityNode): Checked {
    if (ent.kind === 'string' || ent.kind === 'char') {
      fail(`${this.text(ent)} is a value, not a field or protocol: compare a field with it (e.g. field == ${this.text(ent)})`, ent.start, ent.end);
    }
    return { k: 'exists', src: this.source(ent, null) };
  }

  private compare(op: CompareOp, opText: string, quant: Quantifier, l: EntityNode, r: EntityNode): Checked {
    const left = this.trySource(l);
    const right = this.trySource(r);
    if (left) return { k: 'cmp', op, quant, left, right: right ? this.pair(left, right, opText, r) : { k: 'const', value: this.literalFor(r, left) } };
    if (right) {
      // `80 == tcp.port`: evaluate as `tcp.port == 80`, mirroring an ordering.
      return { k: 'cmp', op: FLIP[op] ?? op, quant, left: right, right: { k: 'const', value: this.literalFor(l, right) } };
    }
    // Neither side is a field: blame the first word that could have been meant as one.
    const culprit = l.kind === 'word' ? l : r.kind === 'word' ? r : l;
    if (culprit.kind === 'word') this.unknownField(culprit);
    return fail(`Comparing two constants (${this.text(l)} ${opText} ${this.text(r)}): one side must be a field`, l.start, r.end);
  }

  private operand(ent: EntityNode, left: Source, op: string): Operand {
    const other = this.trySource(ent);
    if (other) return this.pair(left, other, op, ent);
    return { k: 'const', value: this.literalFor(ent, left) };
  }

  /** Field against field: only values of one kind compare. */
  private pair(left: Source, right: Source, op: string, ent: EntityNode): Operand {
    if (classOf(left.type) !== classOf(right.type)) {
      fail(
        `${this.describe(left)} is ${TYPE_NAMES[left.type]} and ${this.describe(right)} is ${TYPE_NAMES[right.type]}: they cannot be compared with ${op}`,
        ent.start,
        ent.end,
      );
    }
    return { k: 'source', src: right };
  }

  private literalFor(ent: EntityNode, left: Source): Const {
    if (ent.kind === 'call' || ent.kind === 'bitand') return fail(`Expected a value here, not an expression`, ent.start, ent.end);
    if (ent.kind === 'word' && (ent.slice || ent.layer)) this.unknownField(ent);
    const lit: LiteralNode = ent;
    try {
      return parseLiteral(lit, left.type, this.describe(left), this.src);
    } catch (err) {
      // A word that looks like a misspelt field name ("tcp.prot") deserves the field suggestions too.
      if (ent.kind === 'word' && /^[a-z][a-z0-9_-]*\.[a-z]/i.test(ent.text) && !/^[0-9a-f.:]+$/i.test(ent.text)) {
        const suggestions = suggestFields(ent.text, this.registry);
        if (suggestions.length) this.unknownField(ent);
      }
      throw err;
    }
  }

  /** A word that names a field, a function call or a bitwise and; null for literals. */
  private trySource(ent: EntityNode): Source | null {
    if (ent.kind === 'call' || ent.kind === 'bitand') return this.source(ent, null);
    if (ent.kind !== 'word') return null;
    if (!this.registry.get(ent.text)) {
      if (ent.slice || ent.layer) this.unknownField(ent);
      return null;
    }
    return this.source(ent, null);
  }

  private source(ent: EntityNode, op: string | null): Source {
    switch (ent.kind) {
      case 'word':
        return this.field(ent);
      case 'call':
        return this.call(ent);
      case 'bitand': {
        const src = this.source(ent.left, null);
        if (!NUMERIC.has(src.type) && !BYTESLIKE.has(src.type)) {
          fail(`& needs an integer field or a slice; ${this.describe(src)} is ${TYPE_NAMES[src.type]}`, ent.left.start, ent.left.end);
        }
        const mask = this.literalFor(ent.right, src);
        return { k: 'bitand', src, mask, type: src.type === 'bool' ? 'uint' : src.type };
      }
      case 'string':
      case 'char':
        return fail(
          `${this.text(ent)} is a value, not a field or protocol${op ? `: ${op} needs a field on its left` : ''}`,
          ent.start,
          ent.end,
        );
    }
  }

  private field(w: WordNode): Source {
    const def = this.registry.get(w.text);
    if (!def) return this.unknownField(w);
    let type = def.type;
    if (w.slice) {
      if (!SLICEABLE.has(type)) fail(`${def.name} is ${TYPE_NAMES[type]} and cannot be sliced`, w.start, w.end);
      type = 'bytes';
    }
    return { k: 'field', def, type, layer: w.layer, slice: w.slice };
  }

  private call(c: Extract<EntityNode, { kind: 'call' }>): Source {
    const fn = FUNCTIONS.find((f) => f === c.name);
    if (!fn) {
      const close = FUNCTIONS.filter((f) => f[0] === c.name[0]);
      fail(
        `"${c.name}" is not a function; the functions are ${FUNCTIONS.map((f) => f + '()').join(', ')}`,
        c.start,
        c.nameEnd,
        close.length ? { suggestions: close } : {},
      );
    }
    if (c.args.length !== 1) fail(`${fn}() takes exactly one argument, got ${c.args.length}`, c.start, c.end);
    const argNode = c.args[0] as EntityNode;
    if (argNode.kind !== 'word' && argNode.kind !== 'call') fail(`${fn}() needs a field as its argument`, argNode.start, argNode.end);
    const arg = this.source(argNode, null);
    const name = this.describe(arg);
    switch (fn) {
      case 'len':
        if (NUMERIC.has(arg.type) || arg.type === 'time' || arg.type === 'reltime' || arg.type === 'none') {
          fail(`len() needs a string, bytes, address or protocol; ${name} is ${TYPE_NAMES[arg.type]}`, argNode.start, argNode.end);
        }
        return { k: 'call', fn, arg, type: 'uint' };
      case 'count':
        if (arg.k !== 'field' || arg.slice) fail('count() needs a field or protocol name', argNode.start, argNode.end);
        return { k: 'call', fn, arg, type: 'uint' };
      case 'lower':
      case 'upper':
        if (arg.type !== 'string') fail(`${fn}() needs a string field; ${name} is ${TYPE_NAMES[arg.type]}`, argNode.start, argNode.end);
        return { k: 'call', fn, arg, type: 'string' };
      case 'string':
        if (arg.type === 'string' || arg.type === 'none' || arg.type === 'protocol' || arg.type === 'bytes') {
          fail(`string() converts non-string fields; ${name} is ${TYPE_NAMES[arg.type]}`, argNode.start, argNode.end);
        }
        return { k: 'call', fn, arg, type: 'string' };
    }
  }

  private unknownField(w: WordNode): never {
    const suggestions = suggestFields(w.text, this.registry);
    const hint = suggestions.length ? ` Did you mean "${suggestions[0]}"?` : '';
    return fail(`"${w.text}" is neither a field nor a protocol name.${hint}`, w.start, w.start + w.text.length, { suggestions });
  }

  private describe(s: Source): string {
    if (s.k === 'field') return s.slice ? `${s.def.name}[…]` : s.def.name;
    if (s.k === 'call') return `${s.fn}(${this.describe(s.arg)})`;
    return `${this.describe(s.src)} & mask`;
  }

  private text(ent: EntityNode): string {
    return this.src.slice(ent.start, ent.end);
  }
}

/** Values of one class compare with each other (a field against a field). */
function classOf(t: FieldType): string {
  if (t === 'uint' || t === 'int' || t === 'bool' || t === 'float') return 'number';
  if (t === 'bytes' || t === 'protocol') return 'bytes';
  return t;
}
