/**
 * The parse tree, before names are resolved. Every node keeps its character span so that the semantic pass
 * can point at the exact text it rejects.
 */

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** One part of a slice: `[i:j]` → {start:i, length:j}; `[i-j]` → {start:i, end:j} (inclusive); `[i:]` → {start:i}. */
export interface SliceRange {
  readonly start: number;
  readonly length?: number;
  /** Inclusive end offset. */
  readonly end?: number;
}

/** A layer restriction `#2` or `#[2-4]`: inclusive bounds, 1-based. */
export interface LayerRange {
  readonly from: number;
  readonly to: number;
}

/** An unquoted word: a field or protocol name, or a literal whose type the other operand decides. */
export interface WordNode extends Span {
  readonly kind: 'word';
  readonly text: string;
  readonly layer?: LayerRange;
  readonly slice?: readonly SliceRange[];
}

export interface StringNode extends Span {
  readonly kind: 'string';
  readonly text: string;
  readonly bytes: Uint8Array;
}

export interface CharNode extends Span {
  readonly kind: 'char';
  readonly code: number;
}

export interface CallNode extends Span {
  readonly kind: 'call';
  readonly name: string;
  readonly nameEnd: number;
  readonly args: readonly EntityNode[];
}

/** `tcp.flags & 0x02` */
export interface BitAndNode extends Span {
  readonly kind: 'bitand';
  readonly left: EntityNode;
  readonly right: EntityNode;
}

export type EntityNode = WordNode | StringNode | CharNode | CallNode | BitAndNode;

export type CompareOp = 'any_eq' | 'all_ne' | 'all_eq' | 'any_ne' | 'lt' | 'gt' | 'le' | 'ge';
export type Quantifier = 'any' | 'all' | null;

export interface SetItem extends Span {
  readonly low: EntityNode;
  /** Upper bound of a range `low..high`. */
  readonly high?: EntityNode;
}

export type ExprNode =
  | (Span & { readonly kind: 'and' | 'or'; readonly left: ExprNode; readonly right: ExprNode })
  | (Span & { readonly kind: 'not'; readonly operand: ExprNode })
  | (Span & { readonly kind: 'test'; readonly entity: EntityNode })
  | (Span & {
      readonly kind: 'compare';
      readonly op: CompareOp;
      readonly opText: string;
      readonly opSpan: Span;
      readonly quant: Quantifier;
      readonly left: EntityNode;
      readonly right: EntityNode;
    })
  | (Span & { readonly kind: 'in'; readonly quant: Quantifier; readonly negated: boolean; readonly left: EntityNode; readonly items: readonly SetItem[] })
  | (Span & { readonly kind: 'contains'; readonly quant: Quantifier; readonly left: EntityNode; readonly right: EntityNode; readonly opSpan: Span })
  | (Span & { readonly kind: 'matches'; readonly quant: Quantifier; readonly left: EntityNode; readonly right: EntityNode; readonly opSpan: Span });
