/**
 * Which fields a limited TREE dissection keeps (see Dissection.want): built once per display filter or log
 * from the field ids it reads.
 */
import type { FieldScope } from './dissection';
import { FieldRegistry, fields as globalFields } from './fields';

/**
 * The scope keeping `ids`. A field belongs to every protocol whose name is a dot-prefix of its own
 * (`ipv6.hopopts.len` to `ipv6` and `ipv6.hopopts`); a field whose name starts with no protocol's name
 * (`data.data`, `x509af.version`, which other protocols' decoders add) makes every protocol wanted, so no
 * decoder skips its subtree.
 */
export function fieldScope(ids: Iterable<number>, registry: FieldRegistry = globalFields): FieldScope {
  const all = registry.all();
  const protoIds = new Map<string, number>();
  for (const f of all) if (f.type === 'protocol') protoIds.set(f.name, f.id);
  const wanted = new Uint8Array(all.length);
  const protocols = new Uint8Array(all.length);
  let anyProtocol = false;
  for (const id of ids) {
    const f = registry.byIndex(id);
    wanted[id] = 1;
    let known = false;
    for (let dot = f.name.indexOf('.'); ; dot = f.name.indexOf('.', dot + 1)) {
      const p = protoIds.get(dot < 0 ? f.name : f.name.slice(0, dot));
      if (p !== undefined) {
        protocols[p] = 1;
        known = true;
      }
      if (dot < 0) break;
    }
    if (!known) anyProtocol = true;
  }
  return { fields: wanted, protocols, anyProtocol };
}

/**
 * True when the scope wants a field that points forward to a later packet (a request's `dns.response_in`,
 * `http.response_in`; Wireshark names such links `…_in`): the index pass cannot know it when it dissects
 * the packet, only a re-dissection after the pass can (as `tshark -2`). Every other field is the same in
 * the pass and afterwards (test/unit/dissect-limited-tree.test.ts compares them on every fixture).
 */
export function wantsForwardLinks(scope: FieldScope, registry: FieldRegistry = globalFields): boolean {
  for (const f of registry.all()) if (scope.fields[f.id] === 1 && f.name.endsWith('_in')) return true;
  return false;
}

/** The scope keeping what either keeps; null (the whole tree) when either is null. */
export function mergeScopes(a: FieldScope | null, b: FieldScope | null): FieldScope | null {
  if (a === null || b === null) return null;
  const n = Math.max(a.fields.length, b.fields.length);
  const fieldsOut = new Uint8Array(n);
  const protocols = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    fieldsOut[i] = (a.fields[i] ?? 0) | (b.fields[i] ?? 0);
    protocols[i] = (a.protocols[i] ?? 0) | (b.protocols[i] ?? 0);
  }
  return { fields: fieldsOut, protocols, anyProtocol: a.anyProtocol || b.anyProtocol };
}

/** The scope keeping whole field families: every field named `p` or `p.…` for a prefix `p` (`dns`, `x509af`). */
export function familyScope(families: readonly string[], registry: FieldRegistry = globalFields): FieldScope {
  const ids = registry
    .all()
    .filter((f) => families.some((p) => f.name === p || f.name.startsWith(p + '.')))
    .map((f) => f.id);
  return fieldScope(ids, registry);
}
