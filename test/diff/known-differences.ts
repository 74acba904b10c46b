// Every place where wirelens legitimately differs from tshark's recorded output, as data.
//
// Rules:
//  - one entry per (capture, frame, field) or (capture, conversation, field): never a whole capture
//    or a whole field;
//  - each entry carries the reason;
//  - entries only say "do not compare this"/"this tshark record is not a packet": they never
//    contain expected values (expected values always come from the oracle).
//
// Capture names are CaptureCase.name: the file name for test/fixtures/captures/*, and
// "pcapng-suite/{be,le}/testNNN.pcapng" / "tcpdump/<file>" for the other sets.
// Frame numbers are tshark's frame.number (first column of the .fields.tsv).

export type PacketField =
  | 'number'
  | 'ts'
  | 'len'
  | 'caplen'
  | 'iface'
  | 'src'
  | 'dst'
  | 'sport'
  | 'dport';

export interface KnownPacketDifference {
  capture: string;
  /** tshark frame.number. */
  frame: number;
  /** 'record': tshark lists this frame but it is not a packet (it is dropped from the alignment,
   *  and from the expected packet count); any other value: that field is not compared for the frame. */
  field: PacketField | 'record';
  reason: string;
}

export interface KnownSessionDifference {
  capture: string;
  table: 'tcp' | 'udp';
  /** The conversation as "addrA:portA <-> addrB:portB" exactly as in tshark's conv table. */
  conversation: string;
  /** 'split': tshark lists this endpoint pair as several conversations; they are summed
   *  (frames, bytes, earliest start, latest end) before comparing with our single session. */
  field: 'presence' | 'frames' | 'bytes' | 'start' | 'duration' | 'split';
  reason: string;
}

// ---- pcapng Custom Blocks -----------------------------------------------------------------
// tshark 4.x shows each pcapng Custom Block (block types 0x00000BAD / 0x40000BAD) as a frame
// with protocol "PCAPNG" and no timestamp or interface. They carry no packet data; wirelens
// (like capinfos, which counts 8 packets in test202) does not list them. See CURATED.tsv.
const CUSTOM_BLOCK_REASON =
  'pcapng Custom Block: tshark shows it as a "PCAPNG" frame without timestamp; it is not a packet, wirelens does not list it (capinfos does not count it either)';

const CUSTOM_BLOCK_FRAMES: Record<string, number[]> = {
  'fmt-pcapng-be-3sections-5if__gopacket__be-test202.pcapng': [1, 7, 10],
  'fmt-pcapng-le-perpacket-linktypes__gopacket__le-test102.pcapng': [1, 3, 8],
  'pcapng-suite/be/test017.pcapng': [1, 2, 3, 4],
  'pcapng-suite/le/test017.pcapng': [1, 2, 3, 4],
  'pcapng-suite/be/test018.pcapng': [1, 4, 6, 8],
  'pcapng-suite/le/test018.pcapng': [1, 4, 6, 8],
  'pcapng-suite/be/test102.pcapng': [1, 3, 8],
  'pcapng-suite/le/test102.pcapng': [1, 3, 8],
  'pcapng-suite/be/test202.pcapng': [1, 7, 10],
  'pcapng-suite/le/test202.pcapng': [1, 7, 10],
};

const KNOWN_PACKET_DIFFERENCES_MUTABLE: KnownPacketDifference[] = [
  ...Object.entries(CUSTOM_BLOCK_FRAMES).flatMap(([capture, frames]) =>
    frames.map((frame): KnownPacketDifference => ({ capture, frame, field: 'record', reason: CUSTOM_BLOCK_REASON })),
  ),
];
export const KNOWN_PACKET_DIFFERENCES: readonly KnownPacketDifference[] = KNOWN_PACKET_DIFFERENCES_MUTABLE;

// ---- pcapng Simple Packet Blocks ---------------------------------------------------------------
// An SPB has no timestamp. tshark prints no frame.time_epoch; wirelens prints "0.000000000"
// (the list contract has ts as a string). Not compared for these frames only.
const SPB_REASON = 'pcapng Simple Packet Block: no timestamp in the file; tshark prints none, wirelens prints 0.000000000';
const SPB_FRAMES: Record<string, number[]> = {
  'fmt-pcapng-be-3sections-5if__gopacket__be-test202.pcapng': [5, 8],
  'fmt-pcapng-le-perpacket-linktypes__gopacket__le-test102.pcapng': [5],
  'pcapng-suite/be/test010.pcapng': [1, 2, 3, 4],
  'pcapng-suite/le/test010.pcapng': [1, 2, 3, 4],
  'pcapng-suite/be/test011.pcapng': [1, 3],
  'pcapng-suite/le/test011.pcapng': [1, 3],
  'pcapng-suite/be/test012.pcapng': [1, 2],
  'pcapng-suite/le/test012.pcapng': [1, 2],
  'pcapng-suite/be/test016.pcapng': [1, 3],
  'pcapng-suite/le/test016.pcapng': [1, 3],
  'pcapng-suite/be/test018.pcapng': [2, 5],
  'pcapng-suite/le/test018.pcapng': [2, 5],
  'pcapng-suite/be/test100.pcapng': [1, 3],
  'pcapng-suite/le/test100.pcapng': [1, 3],
  'pcapng-suite/be/test101.pcapng': [3],
  'pcapng-suite/le/test101.pcapng': [3],
  'pcapng-suite/be/test102.pcapng': [5],
  'pcapng-suite/le/test102.pcapng': [5],
  'pcapng-suite/be/test201.pcapng': [3],
  'pcapng-suite/le/test201.pcapng': [3],
  'pcapng-suite/be/test202.pcapng': [5, 8],
  'pcapng-suite/le/test202.pcapng': [5, 8],
};

KNOWN_PACKET_DIFFERENCES_MUTABLE.push(
  ...Object.entries(SPB_FRAMES).flatMap(([capture, frames]) =>
    frames.map((frame): KnownPacketDifference => ({ capture, frame, field: 'ts', reason: SPB_REASON })),
  ),
  {
    capture: 'bad-pcap-cut-short-fuzz__ndpi__fuzz-2021-10-13.pcap',
    frame: 1,
    field: 'ts',
    reason:
      'fuzzed nanosecond pcap record with an out-of-range fraction (1882137472 ns >= 1 s): tshark prints it unnormalized ' +
      '("…802.1882137472"), wirelens carries it into the seconds ("…803.882137472") — same instant',
  },
);

// ---- a fuzzed classic pcap that tshark reads as a pcap variant ------------------------------------
// bad-pcap-damaged-record: the standard 16-byte record header gives a sane 188-byte Ethernet/IPv4
// frame, then a record claiming 1409179648 bytes (damaged). tshark's wiretap, failing to read the
// 2nd record, guesses the "modified pcap" variant with 24-byte record headers: its frame 1 data
// starts 8 bytes later (eth.src 45:00:00:ae:11:16 is the IPv4 header) and it makes up a frame 2.
const PCAP_VARIANT_REASON =
  'tshark guessed the "modified pcap" variant (24-byte record headers) for this damaged file; wirelens reads it as standard pcap';
for (const field of ['src', 'dst', 'sport', 'dport'] as const) {
  KNOWN_PACKET_DIFFERENCES_MUTABLE.push({
    capture: 'bad-pcap-damaged-record__suricata-verify__fuzz.pcap', frame: 1, field, reason: PCAP_VARIANT_REASON,
  });
}
KNOWN_PACKET_DIFFERENCES_MUTABLE.push({
  capture: 'bad-pcap-damaged-record__suricata-verify__fuzz.pcap',
  frame: 2,
  field: 'record',
  reason: `${PCAP_VARIANT_REASON}; tshark's frame 2 (len 1048576, caplen 1, negative time) only exists in that reading`,
});

const SPB_SESSION_REASON =
  'the Simple Packet Block (frame 5) has no timestamp: tshark counts it as time 0 for the conversation start/duration, wirelens leaves it out';

export const KNOWN_SESSION_DIFFERENCES: readonly KnownSessionDifference[] = [
  ...(['fmt-pcapng-be-3sections-5if__gopacket__be-test202.pcapng', 'fmt-pcapng-le-perpacket-linktypes__gopacket__le-test102.pcapng'] as const)
    .flatMap((capture) => (['start', 'duration'] as const).map((field): KnownSessionDifference => ({
      capture, table: 'udp', conversation: '0.0.0.0:68 <-> 255.255.255.255:67', field, reason: SPB_SESSION_REASON,
    }))),
  {
    capture: 'bad-pcap-damaged-record__suricata-verify__fuzz.pcap',
    table: 'tcp',
    conversation: '192.168.0.0:256 <-> 0.0.16.64:0',
    field: 'presence',
    reason: `${PCAP_VARIANT_REASON}: in tshark's reading frame 1 is not IPv4/TCP`,
  },
  {
    capture: 'sip-udp-invite-t38-rtp__ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap',
    table: 'udp',
    conversation: '10.35.60.100:15580 <-> 10.23.1.52:16756',
    field: 'split',
    reason:
      'tshark starts a new UDP conversation (udp.stream 4..11) each time SIP/SDP (re-)negotiates RTP or T.38 on this 5-tuple; ' +
      'wirelens sessions are per 5-tuple: compare against the sum of the 8 tshark conversations',
  },
  // Our sipp recordings (test/fixtures/sipp/record.sh): tshark makes each SDP-announced RTP flow two UDP
  // conversations (one per announcing side), and in sipp-mixed one pair per call that reuses the media ports.
  ...(['sipp-call-rtp-reinvite.pcap', 'sipp-mixed.pcap', 'sipp-tcp-call.pcap'] as const).map((capture): KnownSessionDifference => ({
    capture,
    table: 'udp',
    conversation: '127.0.0.1:6000 <-> 127.0.0.1:6100',
    field: 'split',
    reason: 'tshark starts a UDP conversation per SDP announcement of the RTP 5-tuple; wirelens sessions are per 5-tuple: compare against the sum',
  })),
];

// ---- lookup helpers ------------------------------------------------------------------------

export function droppedRecords(capture: string): Map<number, KnownPacketDifference> {
  const m = new Map<number, KnownPacketDifference>();
  for (const d of KNOWN_PACKET_DIFFERENCES) if (d.capture === capture && d.field === 'record') m.set(d.frame, d);
  return m;
}

export function knownPacketDifference(
  capture: string,
  frame: number,
  field: PacketField,
): KnownPacketDifference | undefined {
  return KNOWN_PACKET_DIFFERENCES.find((d) => d.capture === capture && d.frame === frame && d.field === field);
}

export function knownSessionDifference(
  capture: string,
  table: 'tcp' | 'udp',
  conversation: string,
  field: KnownSessionDifference['field'],
): KnownSessionDifference | undefined {
  return KNOWN_SESSION_DIFFERENCES.find(
    (d) => d.capture === capture && d.table === table && d.field === field &&
      (d.conversation === conversation || d.conversation === conversation.split(' <-> ').reverse().join(' <-> ')),
  );
}
