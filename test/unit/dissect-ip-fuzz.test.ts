/**
 * Robustness: random bytes and mutated real frames through every link/network decoder in all three modes
 * must neither throw nor read outside the frame. The link decoder is called directly, not through
 * dissectFrame, whose try/catch would hide a throw.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dissection, MODE_INDEX, MODE_SUMMARY, MODE_TREE } from '../../main/engine/dissect/dissection';
import '../../main/engine/dissect/frame';
import { linkTypeTable } from '../../main/engine/dissect/tables';
import { IpDefragmenter } from '../../main/engine/dissect/protocols/defrag';
import { readCapture, type LiteFrame } from './helpers/pcap-lite';

const LINK_TYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276];
const MODES = [MODE_INDEX, MODE_SUMMARY, MODE_TREE];

function decodeAll(linkType: number, data: Uint8Array, defrag: IpDefragmenter | null, len = data.length): void {
  const decode = linkTypeTable.get(linkType);
  if (!decode) throw new Error(`link type ${linkType} not registered`);
  for (const mode of MODES) {
    const d = new Dissection();
    d.reset(data, mode);
    Object.assign(d.frame, { number: 1, tsSec: 0, tsNsec: 0, caplen: data.length, len, ifId: 0, linkType });
    d.defrag = defrag;
    decode(d, 0, data.length);
  }
}

const captures = join(__dirname, '../fixtures/captures');
const real: LiteFrame[] = [];
for (const f of readdirSync(captures)) {
  for (const fr of readCapture(join(captures, f))) if (fr.packet && LINK_TYPES.includes(fr.meta.linkType) && fr.data.length < 4000) real.push(fr);
}

describe('never throws', () => {
  it('on random bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LINK_TYPES), fc.uint8Array({ maxLength: 200 }), fc.boolean(), (lt, data, withDefrag) => {
        decodeAll(lt, data, withDefrag ? new IpDefragmenter() : null);
      }),
      { numRuns: 3000 },
    );
  });
  it('on random bytes behind plausible headers', () => {
    const prefixes = [
      [1, [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00, 0x45]],
      [1, [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x86, 0xdd, 0x60]],
      [1, [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x81, 0x00, 0x00, 0x05]],
      [1, [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x30, 0xaa, 0xaa, 0x03]],
      [101, [0x46]],
      [101, [0x60, 0, 0, 0, 0, 0, 0]],
      [229, [0x60, 0, 0, 0, 0, 0x20, 44]],
      [229, [0x60, 0, 0, 0, 0, 0x20, 0]],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 120 }), ([lt, prefix], tail) => {
        const data = new Uint8Array(prefix.length + tail.length);
        data.set(prefix);
        data.set(tail, prefix.length);
        decodeAll(lt, data, new IpDefragmenter());
      }),
      { numRuns: 3000 },
    );
  });
  it('on mutated and truncated real frames', () => {
    expect(real.length).toBeGreaterThan(100);
    const df = new IpDefragmenter({ maxBytes: 1 << 20 });
    fc.assert(
      fc.property(
        fc.nat({ max: real.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        fc.boolean(),
        (i, muts, cut, snapped) => {
          const fr = real[i] as LiteFrame;
          const data = fr.data.slice(0, fr.data.length === 0 ? 0 : (cut % fr.data.length) + 1);
          for (const [pos, v] of muts) if (data.length) data[pos % data.length] = v;
          decodeAll(fr.meta.linkType, data, df, snapped ? data.length + 100 : data.length);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
