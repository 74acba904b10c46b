/**
 * The call list while packets arrive, the call-flow ladder, the "filter to this call" expression and the call
 * export, on the sipp recordings:
 *  - indexing a few packets at a time and catching up in tiny slices ends with the same dialogs as one pass;
 *  - a ladder has one arrow per SIP message, in tshark's frame order, between the IP:port columns tshark gives
 *    for that frame, labelled with the method or status; its RTP spans join the media endpoints;
 *  - the call's display filter selects the same packets in tshark and in our filter engine: its SIP frames
 *    and its RTP;
 *  - the exported pcap read back by tshark holds the call's SIP messages and RTP packets (TCP: reassembled).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { exportPackets } from '../../main/engine/capture/export-packets';
import { selectPackets } from '../../main/engine/capture/select';
import { compileFilter } from '../../main/engine/filter';
import { openCapture } from '../../main/engine/readers/open';
import { buildCallFlow } from '../../main/engine/voip/call-flow';
import { CallList, type CallQuery } from '../../main/engine/voip/call-list';
import { CallTracker } from '../../main/engine/voip/call-tracker';
import { mergePacketLists } from '../../main/engine/voip/packet-list';

const TSHARK = '/usr/bin/tshark';
const CAPS = join(__dirname, '..', 'fixtures', 'captures');
const hasTshark = existsSync(TSHARK);
if (!hasTshark) console.log(`skipping the tshark comparisons: ${TSHARK} is missing (install the tshark package)`);
const ALL: CallQuery = { sort: 'start', desc: false, filter: '', states: [], invitesOnly: false };

function indexed(file: string): CaptureIndex {
  const index = new CaptureIndex(openCapture(join(CAPS, file)));
  index.runToEnd();
  return index;
}

function tshark(file: string, args: string[]): string {
  return execFileSync(TSHARK, ['-n', '-r', file, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

describe('call list while packets arrive', () => {
  it('indexing a packet at a time, catching up in tiny slices, gives the same dialogs as one pass', () => {
    const whole = new CallTracker(indexed('sipp-mixed.pcap'));
    whole.advance();
    const want = new CallList(whole).rows(ALL, 0, 100).rows;

    const index = new CaptureIndex(openCapture(join(CAPS, 'sipp-mixed.pcap')));
    const tracker = new CallTracker(index);
    const list = new CallList(tracker);
    const seen = new Map<string, string[]>();
    while (index.step(1) > 0) {
      // A deadline already past: each call looks at one SIP/RTP packet at least, like a busy worker would.
      while (!tracker.advance(0)) {
        /* a slice at a time */
      }
      for (const r of list.rows(ALL, 0, 100).rows) {
        const states = seen.get(r.callId) ?? [];
        if (states.at(-1) !== r.state) states.push(r.state);
        seen.set(r.callId, states);
      }
    }
    index.finish();
    expect(list.rows(ALL, 0, 100).rows).toEqual(want);
    // The answered calls went through the setup states to completed, as a live view would show them.
    expect(seen.get(want[0]!.callId)).toEqual(['calling', 'ringing', 'in call', 'completed']);
    expect(seen.get(want[2]!.callId)).toEqual(['calling', 'ringing', 'cancelled']);
  });

  it('filters and sorts', () => {
    const t = new CallTracker(indexed('sipp-mixed.pcap'));
    t.advance();
    const list = new CallList(t);
    expect(list.rows({ ...ALL, states: ['completed'] }, 0, 100).total).toBe(3);
    expect(list.rows({ ...ALL, filter: 'BUSY' }, 0, 100).total).toBe(0);
    expect(list.rows({ ...ALL, filter: '486' }, 0, 100).rows.map((r) => r.status)).toEqual([486]);
    expect(list.rows({ ...ALL, filter: 'tcp' }, 0, 100).rows.map((r) => r.transport)).toEqual(['TCP']);
    const bySetup = list.rows({ ...ALL, sort: 'setup', desc: true }, 0, 100).rows.map((r) => r.setup);
    expect(bySetup).toEqual([...bySetup].sort((a, b) => (b ?? -1) - (a ?? -1)));
    const page = list.rows({ ...ALL, sort: 'messages' }, 2, 2);
    expect(page.total).toBe(6);
    expect(page.rows).toHaveLength(2);
  });
});

describe.runIf(hasTshark)('call flow, filter and export against tshark', () => {
  for (const file of ['sipp-call-rtp-reinvite.pcap', 'sipp-tcp-call.pcap', 'sipp-auth-401.pcap', 'sip-udp-register-invite-rtp__ndpi__sip.pcap']) {
    it(file, () => {
      const path = join(CAPS, file);
      const index = indexed(file);
      const tracker = new CallTracker(index);
      tracker.advance();
      for (const call of tracker.calls) {
        const flow = buildCallFlow(tracker, call);
        // tshark's SIP frames of this Call-ID, their endpoints and Info.
        const lines = tshark(path, ['-Y', `sip.Call-ID == "${call.callId}"`, '-T', 'fields', '-E', 'separator=\t', '-e', 'frame.number', '-e', 'ip.src', '-e', 'udp.srcport', '-e', 'tcp.srcport', '-e', 'ip.dst', '-e', 'udp.dstport', '-e', 'tcp.dstport', '-e', '_ws.col.Info'])
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('\t'));
        const arrows = lines.flatMap((c) =>
          (c[7] ?? '')
            .split(' | ')
            .filter((s) => s !== '')
            .map((seg) => ({
              number: Number(c[0]),
              from: `${c[1]}:${c[2] || c[3]}`,
              to: `${c[4]}:${c[5] || c[6]}`,
              // "Request: INVITE sip:…" → INVITE; "Status: 200 OK (REGISTER)  (1 binding)" → 200 OK
              label: seg.startsWith('Request: ') ? (seg.slice(9).split(' ')[0] as string) : seg.slice(8).replace(/ {2}\(.*\)$/, '').replace(/ \([A-Z]+\)$/, ''),
            })),
        );
        expect(
          flow.messages.map((m) => ({ number: m.number, from: flow.endpoints[m.from], to: flow.endpoints[m.to], label: m.label.replace(/ \(SDP\)$/, '') })),
          call.callId,
        ).toEqual(arrows);
        expect(flow.messages.map((m) => m.time)).toEqual([...flow.messages.map((m) => m.time)].sort((a, b) => a - b));
        for (const span of flow.rtp) {
          expect(flow.endpoints[span.from]).toBe(`${span.src}:${span.sport}`);
          expect(flow.endpoints[span.to]).toBe(`${span.dst}:${span.dport}`);
        }

        // Filter to this call: tshark and our filter engine select the same packets, the call's SIP and media.
        const ours = [...selectPackets(index, compileFilter(flow.filter))];
        const theirs = tshark(path, ['-Y', flow.filter, '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).map(Number);
        expect(ours, flow.filter).toEqual(theirs);
        expect(ours).toEqual([...mergePacketLists([call.sip, call.media])]);

        // Export: tshark reads back the call's SIP messages (by Call-ID) and its RTP packets.
        const out = join(mkdtempSync(join(tmpdir(), 'wirelens-voip-')), 'call.pcap');
        const numbers = mergePacketLists([call.sip, call.carriers, call.media]);
        expect(exportPackets(path, numbers, out, 'pcap').written).toBe(numbers.length);
        const sipIds = tshark(out, ['-Y', 'sip', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=\x1f', '-e', 'sip.Call-ID']).split('\n').filter(Boolean).flatMap((l) => l.split('\x1f'));
        expect(sipIds.filter((id) => id === call.callId)).toHaveLength(call.messages);
        const rtp = tshark(out, ['-Y', 'rtp', '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).length;
        expect(rtp).toBe(call.rtp.streams().reduce((n, s) => n + s.packets, 0));
      }
    });
  }
});
