/**
 * The display filter API: `checkFilter` for as-you-type validation, `compileFilter` for evaluation.
 * Names resolve against the field registry at compile time, so fields a dissector registers later work
 * without changes here (compile after the dissectors are loaded).
 */
import { FieldRegistry, fields } from '../dissect/fields';
import type { TreeNode } from '../dissect/tree';
import type { FieldScope } from '../dissect/dissection';
import { fieldScope } from '../dissect/field-scope';
import { FilterContext } from './columns';
import { compileChecked, indexTree } from './compile';
import { registerEngineFields } from './engine-fields';
import { FilterError, FilterSyntaxError } from './errors';
import { parse } from './parser';
import { Checker } from './semantic';

export interface CompiledFilter {
  readonly text: string;
  /** True when the filter is empty (matches every packet). */
  readonly matchesAll: boolean;
  /** True when every term is answered by the columns: `evaluateColumns` never returns undefined. */
  readonly columnsOnly: boolean;
  /**
   * The fields `evaluateTree` reads, for a limited re-dissection (Dissection.want); null when it needs the
   * whole tree (a layer operator such as `ip.src#2` counts every protocol node).
   */
  readonly scope: FieldScope | null;
  /** Decides from the store's columns alone; undefined when the packet must be dissected. */
  evaluateColumns(ctx: FilterContext, i: number): boolean | undefined;
  /**
   * Decides from the packet's detail tree. `ctx` (may be null in tests) answers the engine's own fields
   * (frame.time_relative, session …); `data`, the frame's bytes, gives protocols their value for slices
   * and `contains` (`frame[0:2]`, `tcp contains "GET"`).
   */
  evaluateTree(tree: readonly TreeNode[], ctx: FilterContext | null, i: number, data?: Uint8Array): boolean;
}

/** Returns null when `expr` is a valid filter (the empty filter is valid and matches everything). */
export function checkFilter(expr: string, registry: FieldRegistry = fields): FilterError | null {
  try {
    compileFilter(expr, registry);
    return null;
  } catch (err) {
    if (err instanceof FilterSyntaxError) return err.error;
    throw err;
  }
}

/** Compiles `expr`; throws FilterSyntaxError (carrying a FilterError) when it is not a valid filter. */
export function compileFilter(expr: string, registry: FieldRegistry = fields): CompiledFilter {
  if (registry === fields) registerEngineFields(registry);
  let ast;
  try {
    ast = parse(expr);
  } catch (err) {
    throw rethrow(err, expr);
  }
  if (ast === null) {
    return {
      text: expr,
      matchesAll: true,
      columnsOnly: true,
      scope: null,
      evaluateColumns: () => true,
      evaluateTree: () => true,
    };
  }
  let parts;
  try {
    parts = compileChecked(new Checker(registry, expr).check(ast));
  } catch (err) {
    throw rethrow(err, expr);
  }
  const { root, fieldIds, usesLayers, columnsOnly } = parts;
  return {
    text: expr,
    matchesAll: false,
    columnsOnly,
    scope: usesLayers ? null : fieldScope(fieldIds, registry),
    evaluateColumns: (ctx, i) => root.cols(ctx, i),
    evaluateTree(tree, ctx, i, data) {
      return root.tree({ occ: indexTree(tree, fieldIds, usesLayers), ctx, i, data });
    },
  };
}

/**
 * Anything but a FilterSyntaxError escaping the compiler is a bug; it still must not reach the person as a
 * stack trace from an input box, so it becomes a filter error spanning the whole text.
 */
function rethrow(err: unknown, expr: string): FilterSyntaxError {
  if (err instanceof FilterSyntaxError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FilterSyntaxError({ message: `Cannot compile this filter: ${message}`, start: 0, end: expr.length });
}
