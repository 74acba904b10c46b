/**
 * A limited TREE dissection (Dissection.want, used by display filters) must keep exactly the nodes of the
 * wanted fields that the full tree holds, and the store's protocol presence bits must never call a protocol
 * absent from a packet whose tree holds it. Checked on every fixture, packet by packet, against the full tree.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { PacketAccess } from '../../main/engine/capture/packet-access';
import { MODE_SUMMARY, MODE_TREE } from '../../main/engine/dissect/dissection';
import { familyScope } from '../../main/engine/dissect/field-scope';
import { fields } from '../../main/engine/dissect/fields';
import { protocolPresenceBit } from '../../main/engine/dissect/protocol-presence';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { protocolAbsence } from '../../main/engine/filter/columns';
import { openCapture } from '../../main/engine/readers/open';

const dir = path.join(__dirname, '../fixtures/captures');
const captures = fs.readdirSync(dir).filter((f) => /\.(pcap|pcapng|cap)$/.test(f)).sort();

const family = (name: string): string => {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
};

function flatten(nodes: readonly TreeNode[], out: TreeNode[] = []): TreeNode[] {
  for (const n of nodes) {
    out.push(n);
    if (n.children) flatten(n.children, out);
  }
  return out;
}

const show = (v: unknown): string => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v));
const key = (n: TreeNode): string => `${n.field.name}=${show(n.value)}@${n.start}+${n.length}${n.source ? `/${n.source}` : ''}`;

const scopes = new Map<string, ReturnType<typeof fieldScope>>();
function scopeOf(fam: string): ReturnType<typeof fieldScope> {
  let s = scopes.get(fam);
  if (s === undefined) {
    s = familyScope([fam]);
    scopes.set(fam, s);
  }
  return s;
}

describe('limited trees and protocol presence agree with the full tree on every fixture', () => {
  it('has fixtures and linked protocols', () => {
    expect(captures.length).toBeGreaterThan(50);
    for (const p of ['dns', 'http', 'tls', 'sip', 'quic']) expect(protocolPresenceBit(fields.get(p)!.id)).not.toBe(0);
  });

  for (const name of captures) {
    it(name, () => {
      const reader = openCapture(path.join(dir, name));
      const index = new CaptureIndex(reader);
      index.runToEnd();
      const access = new PacketAccess(index);
      let compared = 0;
      for (let i = 0; i < index.store.count; i++) {
        const info = access.dissect(i, MODE_SUMMARY).info;
        const full = flatten(access.dissect(i, MODE_TREE).tree ?? []);
        const byFamily = new Map<string, string[]>();
        for (const n of full) {
          const fam = family(n.field.name);
          let list = byFamily.get(fam);
          if (list === undefined) byFamily.set(fam, (list = []));
          list.push(key(n));
        }
        // Every family the packet holds, and one it does not (its limited tree must then be empty).
        const families = [...byFamily.keys(), 'sip'];
        for (const fam of families) {
          const limited = access.dissect(i, MODE_TREE, scopeOf(fam), undefined, true);
          expect(limited.info, `packet ${i + 1}: Info of a limited tree with text`).toBe(info);
          const kept = flatten(limited.tree ?? []).map(key).sort();
          expect(kept, `packet ${i + 1}, fields of ${fam}`).toEqual([...(byFamily.get(fam) ?? [])].sort());
          compared++;
        }
        for (const fam of byFamily.keys()) {
          const absent = protocolAbsence(fam);
          if (absent !== undefined) expect(absent(index, i), `packet ${i + 1} holds ${fam} but its presence bit is clear`).toBe(false);
        }
      }
      // An empty capture has nothing to compare; any packet gives at least one family.
      if (index.store.count > 0) expect(compared).toBeGreaterThan(index.store.count);
      reader.close();
    });
  }
});

describe('row colours from a limited tree (the rules\' fields only) equal those from the full tree', () => {
  it('on every fixture, every packet', async () => {
    const { colorOf, colorScope, defaultColorRules } = await import('../../main/service/colors');
    const rules = defaultColorRules();
    const scope = colorScope(rules);
    expect(scope).not.toBeNull();
    const seen = new Set<string>();
    for (const name of captures) {
      const reader = openCapture(path.join(dir, name));
      const index = new CaptureIndex(reader);
      index.runToEnd();
      const access = new PacketAccess(index);
      for (let i = 0; i < index.store.count; i++) {
        const full = access.dissect(i, MODE_TREE);
        const want = colorOf(rules, index, i, () => ({ tree: full.tree ?? [], data: full.frameData }));
        const limited = access.dissect(i, MODE_TREE, scope, undefined, true);
        const got = colorOf(rules, index, i, () => ({ tree: limited.tree ?? [], data: limited.frameData }));
        expect(got, `${name} packet ${i + 1}`).toBe(want);
        seen.add(want);
      }
      reader.close();
    }
    // The fixtures exercise several rules, so the comparison is not between empty answers.
    expect(seen.size).toBeGreaterThan(5);
  });
});
