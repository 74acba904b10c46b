/**
 * Turns a checked filter into a tree of small closure objects, built once per filter text. Every node
 * answers twice: `cols` from the store's columns (true/false, or undefined when the packet must be
 * re-dissected) and `tree` from a dissected packet. The tree side indexes the occurrences of the fields
 * the filter uses in one walk of the detail tree, so a filter with ten terms does not walk it ten times.
 */
import type { FieldType } from '../dissect/fields';
import type { TreeNode } from '../dissect/tree';
import type { CompareOp, Quantifier } from './ast';
import { ColumnProvider, columnProvider, COMPLETE, Completeness, FilterContext, protocolAbsence, UNKNOWN } from './columns';
import {
  applySlice,
  asBytes,
  containsValue,
  equalsConst,
  formatForString,
  fromField,
  matchText,
  orderConst,
} from './runtime';
import type { Checked, Operand, Source } from './semantic';
import type { Const, RtValue } from './values';

/** One occurrence of a field in the tree, with the layer (1-based) of its protocol it sits in. */
interface Occurrence {
  readonly node: TreeNode;
  readonly layer: number;
}

export interface TreeEnv {
  readonly occ: Map<number, Occurrence[]>;
  readonly ctx: FilterContext | null;
  readonly i: number;
  /** The frame's bytes, for protocol values (`tcp contains "GET"`, `frame[0:2]`); absent → no such values. */
  readonly data: Uint8Array | undefined;
}

export interface Pred {
  cols(ctx: FilterContext, i: number): boolean | undefined;
  tree(env: TreeEnv): boolean;
}

interface ValueSource {
  readonly type: FieldType;
  /** Values from the columns; UNKNOWN when the columns cannot say. */
  cols(ctx: FilterContext, i: number, out: RtValue[]): Completeness;
  tree(env: TreeEnv, out: RtValue[]): void;
  /** Presence (a bare field), which differs from "has values" for protocols and labels. */
  colsExists(ctx: FilterContext, i: number): boolean | undefined;
  treeExists(env: TreeEnv): boolean;
}

export interface CompiledParts {
  readonly root: Pred;
  /** Field ids whose occurrences the tree side needs. */
  readonly fieldIds: ReadonlySet<number>;
  readonly usesLayers: boolean;
  /** False when some term can only be answered from the tree. */
  readonly columnsOnly: boolean;
}

export function compileChecked(c: Checked): CompiledParts {
  const b = new Builder();
  const root = b.pred(c);
  return { root, fieldIds: b.fieldIds, usesLayers: b.usesLayers, columnsOnly: b.columnsOnly };
}

/** Walks the tree once, collecting the occurrences of the wanted fields and the layer each sits in. */
export function indexTree(tree: readonly TreeNode[], wanted: ReadonlySet<number>, usesLayers: boolean): Map<number, Occurrence[]> {
  const occ = new Map<number, Occurrence[]>();
  const layers = new Map<string, number>();
  const walk = (nodes: readonly TreeNode[]): void => {
    for (const node of nodes) {
      const f = node.field;
      if (usesLayers && f.type === 'protocol') layers.set(f.name, (layers.get(f.name) ?? 0) + 1);
      if (wanted.has(f.id)) {
        let layer = 1;
        if (usesLayers) {
          const dot = f.name.indexOf('.');
          layer = layers.get(dot < 0 ? f.name : f.name.slice(0, dot)) ?? 1;
        }
        let list = occ.get(f.id);
        if (!list) occ.set(f.id, (list = []));
        list.push({ node, layer });
      }
      if (node.children) walk(node.children);
    }
  };
  walk(tree);
  return occ;
}

type Semantics = 'any' | 'all';

/** The per-value test and the default any/all semantics of each comparison (Wireshark 4). */
function relation(op: CompareOp): { sem: Semantics; test: (v: RtValue, w: RtValue | Const) => boolean } {
  switch (op) {
    case 'any_eq':
      return { sem: 'any', test: equalsConst };
    case 'all_eq':
      return { sem: 'all', test: equalsConst };
    case 'all_ne':
      return { sem: 'all', test: (v, w) => !equalsConst(v, w) };
    case 'any_ne':
      return { sem: 'any', test: (v, w) => !equalsConst(v, w) };
    case 'lt':
      return { sem: 'any', test: (v, w) => orderConst(v, w) < 0 };
    case 'gt':
      return { sem: 'any', test: (v, w) => orderConst(v, w) > 0 };
    case 'le':
      return { sem: 'any', test: (v, w) => orderConst(v, w) <= 0 };
    case 'ge':
      return { sem: 'any', test: (v, w) => orderConst(v, w) >= 0 };
  }
}

/**
 * Decides "any/all values satisfy" with Wireshark's implicit existence test (no value → false), in
 * three-valued logic: a PARTIAL value list can prove "any" but never disprove it, and the reverse for "all".
 */
function decide(sem: Semantics, values: readonly RtValue[], complete: boolean, ok: (v: RtValue) => boolean): boolean | undefined {
  if (sem === 'any') {
    for (const v of values) if (ok(v)) return true;
    return complete ? false : undefined;
  }
  for (const v of values) if (!ok(v)) return false;
  return complete ? values.length > 0 : undefined;
}

class Builder {
  readonly fieldIds = new Set<number>();
  usesLayers = false;
  columnsOnly = true;

  pred(c: Checked): Pred {
    switch (c.k) {
      case 'and': {
        const a = this.pred(c.a);
        const b = this.pred(c.b);
        return {
          cols(ctx, i) {
            const x = a.cols(ctx, i);
            if (x === false) return false;
            const y = b.cols(ctx, i);
            if (y === false) return false;
            return x === true && y === true ? true : undefined;
          },
          tree: (env) => a.tree(env) && b.tree(env),
        };
      }
      case 'or': {
        const a = this.pred(c.a);
        const b = this.pred(c.b);
        return {
          cols(ctx, i) {
            const x = a.cols(ctx, i);
            if (x === true) return true;
            const y = b.cols(ctx, i);
            if (y === true) return true;
            return x === false && y === false ? false : undefined;
          },
          tree: (env) => a.tree(env) || b.tree(env),
        };
      }
      case 'not': {
        const a = this.pred(c.a);
        return {
          cols(ctx, i) {
            const x = a.cols(ctx, i);
            return x === undefined ? undefined : !x;
          },
          tree: (env) => !a.tree(env),
        };
      }
      case 'exists': {
        const s = this.source(c.src);
        if (c.src.k === 'bitand') return this.values(s, 'any', null, (v) => nonZero(v));
        return { cols: (ctx, i) => s.colsExists(ctx, i), tree: (env) => s.treeExists(env) };
      }
      case 'cmp': {
        const { sem, test } = relation(c.op);
        return this.values(this.source(c.left), quantOr(c.quant, sem), this.operand(c.right), test);
      }
      case 'in': {
        const items = c.items;
        const inSet = (v: RtValue): boolean =>
          items.some((it) =>
            it.high === undefined
              ? equalsConst(v, it.low)
              : orderConst(v, it.low) >= 0 && orderConst(v, it.high) <= 0,
          );
        // `not in` is to `in` what != is to ==: every value is outside the set.
        if (c.negated) return this.values(this.source(c.left), quantOr(c.quant, 'all'), null, (v) => !inSet(v));
        return this.values(this.source(c.left), quantOr(c.quant, 'any'), null, inSet);
      }
      case 'contains':
        return this.values(this.source(c.left), quantOr(c.quant, 'any'), this.operand(c.right), (v, w) =>
          typeof w === 'object' && !(w instanceof Uint8Array) ? false : containsValue(v, w),
        );
      case 'matches': {
        const re = c.re;
        return this.values(this.source(c.left), quantOr(c.quant, 'any'), null, (v) => re.test(matchText(v)));
      }
    }
  }

  /** A test over the left values, each paired with every right value (a constant or another field's values). */
  private values(
    left: ValueSource,
    sem: Semantics,
    right: { constant: Const } | { source: ValueSource } | null,
    test: (v: RtValue, w: RtValue | Const) => boolean,
  ): Pred {
    const lv: RtValue[] = [];
    const rv: RtValue[] = [];
    const judge = (complete: boolean): boolean | undefined => {
      if (right === null) return decide(sem, lv, complete, (v) => (test as (v: RtValue) => boolean)(v));
      if ('constant' in right) {
        const w = right.constant;
        return decide(sem, lv, complete, (v) => test(v, w));
      }
      // Field against field: the pairs are the values; "all" also needs the right side to exist.
      if (rv.length === 0) return complete ? false : undefined;
      return decide(sem, lv, complete, (v) => (sem === 'any' ? rv.some((w) => test(v, w)) : rv.every((w) => test(v, w))));
    };
    return {
      cols(ctx, i) {
        lv.length = 0;
        rv.length = 0;
        const lc = left.cols(ctx, i, lv);
        if (lc === UNKNOWN) return undefined;
        let rc: Completeness = COMPLETE;
        if (right !== null && 'source' in right) {
          rc = right.source.cols(ctx, i, rv);
          if (rc === UNKNOWN) return undefined;
        }
        return judge(lc === COMPLETE && rc === COMPLETE);
      },
      tree(env) {
        lv.length = 0;
        rv.length = 0;
        left.tree(env, lv);
        if (right !== null && 'source' in right) right.source.tree(env, rv);
        return judge(true) === true;
      },
    };
  }

  private operand(o: Operand): { constant: Const } | { source: ValueSource } {
    return o.k === 'const' ? { constant: o.value } : { source: this.source(o.src) };
  }

  private source(s: Source): ValueSource {
    switch (s.k) {
      case 'field':
        return this.field(s);
      case 'call':
        return this.call(s);
      case 'bitand': {
        const inner = this.source(s.src);
        const mask = s.mask;
        const and = (v: RtValue): RtValue | null => bitAnd(v, mask);
        return mapSource(s.type, inner, and);
      }
    }
  }

  private field(s: Extract<Source, { k: 'field' }>): ValueSource {
    const def = s.def;
    const id = def.id;
    const type = def.type;
    const layer = s.layer;
    const slice = s.slice;
    this.fieldIds.add(id);
    if (layer) this.usesLayers = true;
    // Layers exist only in the tree; slices apply to column values as well.
    const provider: ColumnProvider | undefined = layer ? undefined : columnProvider(def.name);
    if (!provider) this.columnsOnly = false;
    // No column holds it, but the store knows which packets cannot (their protocol is absent).
    const absent = provider || layer ? undefined : protocolAbsence(def.name);
    const occurrences = (env: TreeEnv): Occurrence[] => {
      const all = env.occ.get(id) ?? [];
      return layer ? all.filter((o) => o.layer >= layer.from && o.layer <= layer.to) : all;
    };
    const valueOf = (o: Occurrence, env: TreeEnv): RtValue | null => {
      const n = o.node;
      let v: RtValue | null;
      if (type === 'protocol') {
        // A protocol's value is the bytes it spans; only frame bytes are at hand, not reassembled buffers.
        v = env.data && n.source === undefined ? env.data.subarray(n.start, n.start + n.length) : null;
      } else v = fromField(type, n.value);
      if (v === null || !slice) return v;
      const b = asBytes(v);
      return b ? applySlice(b, slice) : null;
    };
    const sliced = (out: RtValue[], from: number): void => {
      if (!slice) return;
      let w = from;
      for (let k = from; k < out.length; k++) {
        const b = asBytes(out[k] as RtValue);
        const r = b ? applySlice(b, slice) : null;
        if (r) out[w++] = r;
      }
      out.length = w;
    };
    const engineCols = (env: TreeEnv, out: RtValue[]): boolean => {
      if (!provider?.engine || !env.ctx) return false;
      const from = out.length;
      if (provider.values(env.ctx, env.i, out) !== COMPLETE) {
        out.length = from;
        return false;
      }
      sliced(out, from);
      return true;
    };
    return {
      type: s.type,
      cols(ctx, i, out) {
        if (!provider) return absent !== undefined && absent(ctx, i) ? COMPLETE : UNKNOWN;
        const from = out.length;
        const c = provider.values(ctx, i, out);
        sliced(out, from);
        return c;
      },
      tree(env, out) {
        if (engineCols(env, out)) return;
        for (const o of occurrences(env)) {
          const v = valueOf(o, env);
          if (v !== null) out.push(v);
        }
      },
      colsExists(ctx, i) {
        if (!provider) return absent !== undefined && absent(ctx, i) ? false : undefined;
        if (!slice && provider.exists) return provider.exists(ctx, i);
        const tmp: RtValue[] = [];
        const c = this.cols(ctx, i, tmp);
        if (tmp.length > 0) return true;
        return c === COMPLETE ? false : undefined;
      },
      treeExists(env) {
        if (provider?.engine && env.ctx) {
          const known = this.colsExists(env.ctx, env.i);
          if (known !== undefined) return known;
        }
        if (!slice) return occurrences(env).length > 0;
        const tmp: RtValue[] = [];
        this.tree(env, tmp);
        return tmp.length > 0;
      },
    };
  }

  private call(s: Extract<Source, { k: 'call' }>): ValueSource {
    const arg = this.source(s.arg);
    switch (s.fn) {
      case 'count': {
        // count() counts occurrences, which for protocols and labels are not values.
        const f = s.arg as Extract<Source, { k: 'field' }>;
        const id = f.def.id;
        const layer = f.layer;
        return {
          type: 'uint',
          cols(ctx, i, out) {
            const tmp: RtValue[] = [];
            const c = arg.cols(ctx, i, tmp);
            if (c !== COMPLETE) return UNKNOWN;
            if (tmp.length > 0) out.push(tmp.length);
            return COMPLETE;
          },
          tree(env, out) {
            const all = env.occ.get(id) ?? [];
            const n = layer ? all.filter((o) => o.layer >= layer.from && o.layer <= layer.to).length : all.length;
            if (n > 0) out.push(n);
          },
          colsExists: (ctx, i) => arg.colsExists(ctx, i),
          treeExists: (env) => arg.treeExists(env),
        };
      }
      case 'len': {
        const f = s.arg.k === 'field' && !s.arg.slice && s.arg.def.type === 'protocol' ? s.arg : null;
        if (f) {
          // A protocol's length is its span, known even without the frame bytes.
          const id = f.def.id;
          return {
            type: 'uint',
            cols: () => UNKNOWN,
            tree(env, out) {
              for (const o of env.occ.get(id) ?? []) {
                if (!f.layer || (o.layer >= f.layer.from && o.layer <= f.layer.to)) out.push(o.node.length);
              }
            },
            colsExists: (ctx, i) => arg.colsExists(ctx, i),
            treeExists: (env) => arg.treeExists(env),
          };
        }
        return mapSource('uint', arg, (v) => {
          const b = asBytes(v);
          return b ? b.length : null;
        });
      }
      case 'lower':
        return mapSource('string', arg, (v) => (typeof v === 'string' ? v.toLowerCase() : null));
      case 'upper':
        return mapSource('string', arg, (v) => (typeof v === 'string' ? v.toUpperCase() : null));
      case 'string': {
        const t = arg.type;
        return mapSource('string', arg, (v) => formatForString(t, v));
      }
    }
  }
}

/** A source whose values are another source's values passed through `f` (null drops a value). */
function mapSource(type: FieldType, inner: ValueSource, f: (v: RtValue) => RtValue | null): ValueSource {
  const mapInPlace = (out: RtValue[], from: number): void => {
    let w = from;
    for (let k = from; k < out.length; k++) {
      const r = f(out[k] as RtValue);
      if (r !== null) out[w++] = r;
    }
    out.length = w;
  };
  return {
    type,
    cols(ctx, i, out) {
      const from = out.length;
      const c = inner.cols(ctx, i, out);
      mapInPlace(out, from);
      return c;
    },
    tree(env, out) {
      const from = out.length;
      inner.tree(env, out);
      mapInPlace(out, from);
    },
    colsExists(ctx, i) {
      const tmp: RtValue[] = [];
      const c = this.cols(ctx, i, tmp);
      if (tmp.length > 0) return true;
      return c === COMPLETE ? false : undefined;
    },
    treeExists(env) {
      const tmp: RtValue[] = [];
      this.tree(env, tmp);
      return tmp.length > 0;
    },
  };
}

function quantOr(q: Quantifier, dflt: Semantics): Semantics {
  return q ?? dflt;
}

function nonZero(v: RtValue): boolean {
  if (v instanceof Uint8Array) return v.some((b) => b !== 0);
  if (typeof v === 'string') return v.length > 0;
  return v != 0; // eslint-disable-line eqeqeq
}

function bitAnd(v: RtValue, mask: Const): RtValue | null {
  if (v instanceof Uint8Array) {
    if (!(mask instanceof Uint8Array) || mask.length !== v.length) return null;
    return v.map((b, k) => b & (mask[k] as number));
  }
  if ((typeof v === 'number' || typeof v === 'bigint') && (typeof mask === 'number' || typeof mask === 'bigint')) {
    if (typeof v === 'number' && typeof mask === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff && mask >= 0 && mask <= 0xffffffff) {
      return (v & mask) >>> 0;
    }
    const r = BigInt.asUintN(64, BigInt(v)) & BigInt.asUintN(64, BigInt(mask));
    return r <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : r;
  }
  return null;
}

