/**
 * Reading registry fields out of a detail tree by name. Log builders look for a protocol's subtree (one per
 * DNS/HTTP message: a frame may carry several) and then for the fields inside it, so a value is never taken
 * from a neighbouring message or from a header quoted inside an ICMP error.
 */
import type { FieldValue, TreeNode } from '../dissect/tree';

/** Every node named `name` under `nodes` (pre-order), not descending into a match: nested copies are its own. */
export function findNodes(nodes: readonly TreeNode[] | null, name: string, out: TreeNode[] = []): TreeNode[] {
  if (nodes === null) return out;
  for (const n of nodes) {
    if (n.field.name === name) out.push(n);
    else findNodes(n.children, name, out);
  }
  return out;
}

/** Values of every node named `name` inside `root` (the root itself included), in tree order. */
export function fieldValues(root: TreeNode | readonly TreeNode[], name: string): FieldValue[] {
  const out: FieldValue[] = [];
  if (Array.isArray(root)) for (const n of root as readonly TreeNode[]) collect(n, name, out);
  else collect(root as TreeNode, name, out);
  return out;
}

function collect(n: TreeNode, name: string, out: FieldValue[]): void {
  if (n.field.name === name) out.push(n.value);
  if (n.children !== null) for (const c of n.children) collect(c, name, out);
}

/** Marks "not found" apart from a node whose value is null. */
const NOT_FOUND = Symbol('not found');

/**
 * The first value of `name` inside `root` (tree order), or undefined when the field is absent. Stops at the
 * first match: log builders ask a dozen fields of every message.
 */
export function firstValue(root: TreeNode | readonly TreeNode[], name: string): FieldValue | undefined {
  if (!Array.isArray(root)) {
    const v = first(root as TreeNode, name);
    return v === NOT_FOUND ? undefined : v;
  }
  for (const n of root as readonly TreeNode[]) {
    const v = first(n, name);
    if (v !== NOT_FOUND) return v;
  }
  return undefined;
}

function first(n: TreeNode, name: string): FieldValue | typeof NOT_FOUND {
  if (n.field.name === name) return n.value;
  if (n.children !== null) {
    for (const c of n.children) {
      const v = first(c, name);
      if (v !== NOT_FOUND) return v;
    }
  }
  return NOT_FOUND;
}

/** Typed readers: a log column wants a string or a number, never a Uint8Array or bigint. */
export function str(v: FieldValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return null;
}

export function num(v: FieldValue | undefined): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return null;
}

export function bool(v: FieldValue | undefined): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return null;
}

/** All string values of `name` inside `root`. */
export function strings(root: TreeNode | readonly TreeNode[], name: string): string[] {
  const out: string[] = [];
  for (const v of fieldValues(root, name)) {
    const s = str(v);
    if (s !== null) out.push(s);
  }
  return out;
}
