/**
 * `wirelens sessions --no-classify` stops its pass at TCP/UDP (CaptureIndex `transportOnly`): every session must
 * come out exactly as from the full pass, on every fixture.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { openCapture } from '../../main/engine/readers/open';
import { sessionRow } from '../../main/engine/export/session-rows';
import { protocolNames } from '../../main/engine/dissect/protocols-registry';

const FIX = path.resolve(__dirname, '..', 'fixtures');

function captures(): string[] {
  const out: string[] = [];
  for (const d of ['captures', 'ja4/captures', 'pcapng-suite/be', 'pcapng-suite/le']) {
    for (const f of fs.readdirSync(path.join(FIX, d)).sort()) out.push(path.join(FIX, d, f));
  }
  const tcpdump = fs.readdirSync(path.join(FIX, 'tcpdump')).sort();
  for (let i = 0; i < tcpdump.length; i += 4) out.push(path.join(FIX, 'tcpdump', tcpdump[i]!));
  return out;
}

function indexOf(file: string, transportOnly: boolean): CaptureIndex | null {
  let reader;
  try {
    reader = openCapture(file);
  } catch {
    return null; // not a capture at all: nothing to compare
  }
  const index = new CaptureIndex(reader, { transportOnly });
  index.runToEnd();
  reader.close();
  return index;
}

describe('sessions from a transport-only pass', () => {
  it('equal those of the full pass on every fixture, while the application layer really was skipped', () => {
    const dns = protocolNames.id('DNS');
    let appPacketsSkipped = 0;
    let sessions = 0;
    const differing: string[] = [];
    for (const file of captures()) {
      const full = indexOf(file, false);
      const lean = indexOf(file, true);
      if (full === null || lean === null) continue;
      const rows = (ix: CaptureIndex) => Array.from({ length: ix.sessions.count }, (_, id) => JSON.stringify(sessionRow(ix.sessions, ix.endpoints, id)));
      const a = rows(full);
      const b = rows(lean);
      if (JSON.stringify(a) !== JSON.stringify(b)) differing.push(path.relative(FIX, file));
      sessions += a.length;
      for (let i = 0; i < full.store.count; i++) {
        if (full.store.proto[i] === dns) {
          expect(lean.store.proto[i]).not.toBe(dns);
          appPacketsSkipped++;
        }
      }
    }
    expect(differing).toEqual([]);
    expect(sessions).toBeGreaterThan(500);
    expect(appPacketsSkipped).toBeGreaterThan(100);
  }, 240_000);
});
