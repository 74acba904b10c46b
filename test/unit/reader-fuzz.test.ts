/**
 * Property tests: truncated and mutated real captures never make next() throw, truncation yields exactly the
 * complete packets before the cut, and every reported error points inside the file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { NotACaptureError, openCapture } from '../../main/engine/readers/open';
import type { CaptureReader } from '../../main/engine/readers/record';

const FIX = path.join(__dirname, '../fixtures');
const SOURCES = [
  'captures/icmp-echo__zeek__5-pings.pcap', // pcap LE µs
  'captures/fmt-pcap-be-nsec-http__pcapplusplus__nanosecs_big_endian.pcap', // pcap BE ns
  'pcapng-suite/le/test202.pcapng', // pcapng LE, 3 sections, SPB/ISB/NRB/custom
  'pcapng-suite/be/test202.pcapng', // pcapng BE, 3 sections
  'captures/fmt-pcapng-le-2if-comments__gopacket__le-test005.pcapng', // pcapng LE, comments, 2 interfaces
];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelens-fuzz-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface P {
  end: number;
  key: string;
}

/** Reads everything; fails the property if next() throws. */
function drain(reader: CaptureReader): P[] {
  const out: P[] = [];
  for (let i = 0; i < 100_000; i++) {
    const r = reader.next();
    if (r === null) break;
    out.push({
      end: r.recordOffset + r.recordLength,
      key: `${r.tsSec}.${r.tsNsec}/${r.len}/${r.caplen}/${r.ifId}/${Buffer.from(r.data).toString('hex')}`,
    });
  }
  return out;
}

/** openCapture may only throw NotACaptureError (e.g. the header itself was cut or mutated). */
function tryOpen(file: string): CaptureReader | undefined {
  try {
    return openCapture(file, { chunkSize: 4096 });
  } catch (e) {
    expect(e).toBeInstanceOf(NotACaptureError);
    return undefined;
  }
}

describe.each(SOURCES)('fuzzing %s', (source) => {
  const bytes = fs.readFileSync(path.join(FIX, source));
  const reference = openCapture(path.join(FIX, source));
  const original = drain(reference);
  reference.close();
  const file = path.join(tmp, path.basename(source));

  it('reads the original without errors', () => {
    expect(reference.errors.filter((e) => e.fatal)).toEqual([]);
    expect(original.length).toBeGreaterThan(0);
  });

  it('truncation yields exactly the complete packets before the cut', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length }), (cut) => {
        fs.writeFileSync(file, bytes.subarray(0, cut));
        const reader = tryOpen(file);
        if (reader === undefined) return;
        const got = drain(reader);
        reader.close();
        expect(got).toEqual(original.filter((p) => p.end <= cut));
        for (const e of reader.errors) {
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThanOrEqual(cut);
        }
        const fatal = reader.errors.filter((e) => e.fatal);
        expect(fatal.length).toBeLessThanOrEqual(1);
        if (fatal.length === 1) {
          expect(fatal[0].message).toMatch(/file ends in the middle/);
          expect(fatal[0].packet).toBe(got.length + 1);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('random byte mutations never throw and keep errors inside the file', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (mutations) => {
          const b = Buffer.from(bytes);
          for (const [at, value] of mutations) b[at] = value;
          fs.writeFileSync(file, b);
          const reader = tryOpen(file);
          if (reader === undefined) return;
          const got = drain(reader);
          reader.close();
          expect(got.length).toBeLessThanOrEqual(bytes.length / 12);
          for (const e of reader.errors) {
            expect(e.offset).toBeGreaterThanOrEqual(0);
            expect(e.offset).toBeLessThanOrEqual(b.length);
            expect(e.packet).toBeGreaterThanOrEqual(1);
          }
          expect(reader.errors.filter((e) => e.fatal).length).toBeLessThanOrEqual(1);
          // Packets entirely before the first mutated byte are unchanged.
          const first = Math.min(...mutations.map(([at]) => at));
          const intact = original.filter((p) => p.end <= first);
          expect(got.slice(0, intact.length)).toEqual(intact);
        },
      ),
      { numRuns: 150 },
    );
  });
});
