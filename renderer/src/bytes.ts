import type { DetailNode } from '../../shared/contract';

export function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A node's position in the tree: child indexes from the root list. Stable while one packet is shown. */
export type NodePath = readonly number[];

export const pathKey = (p: NodePath): string => p.join('.');

export function nodeAt(tree: readonly DetailNode[], path: NodePath): DetailNode | null {
  let list: readonly DetailNode[] | undefined = tree;
  let node: DetailNode | null = null;
  for (const i of path) {
    node = list?.[i] ?? null;
    if (!node) return null;
    list = node.children;
  }
  return node;
}

/**
 * The deepest field covering byte `offset` of byte source `source` (the hex view's click → tree selection).
 * Among siblings covering the byte the narrowest wins, so a bit field inside a byte beats its parent's
 * neighbours; zero-length nodes never match.
 */
export function deepestAt(tree: readonly DetailNode[], source: number, offset: number): NodePath | null {
  let best: NodePath | null = null;
  const walk = (list: readonly DetailNode[], prefix: number[]): void => {
    let chosen = -1;
    let chosenLen = Infinity;
    list.forEach((n, i) => {
      if (n.source === source && n.length > 0 && offset >= n.start && offset < n.start + n.length && n.length < chosenLen) {
        chosen = i;
        chosenLen = n.length;
      }
    });
    // A child may cover the byte even when its parent (e.g. a protocol header summary) does not claim it.
    if (chosen >= 0) {
      const path = [...prefix, chosen];
      best = path;
      const kids = list[chosen].children;
      if (kids) walk(kids, path);
      return;
    }
    list.forEach((n, i) => {
      if (n.children && !best) walk(n.children, [...prefix, i]);
    });
  };
  walk(tree, []);
  return best;
}

/** Expansion key of a node: its chain of field names (labels where a node has none), shared across packets. */
export function expansionKey(chain: readonly DetailNode[]): string {
  return chain.map((n) => n.field || n.label).join('/');
}

/** Expansion keys of every ancestor of `path` (to reveal a node selected from the hex view). */
export function ancestorKeys(tree: readonly DetailNode[], path: NodePath): string[] {
  const keys: string[] = [];
  const chain: DetailNode[] = [];
  let list: readonly DetailNode[] | undefined = tree;
  for (let i = 0; i < path.length - 1; i++) {
    const n: DetailNode | undefined = list?.[path[i]];
    if (!n) break;
    chain.push(n);
    keys.push(expansionKey(chain));
    list = n.children;
  }
  return keys;
}
