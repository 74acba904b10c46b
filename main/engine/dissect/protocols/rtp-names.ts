/**
 * RTP payload type names (RFC 3551 §6, Wireshark's rtp_payload_type_vals / _short_vals) and sampling clock
 * rates (IANA rtp-parameters; what tshark's stream analysis uses to turn timestamps into time).
 */

const LONG: Record<number, string> = {
  0: 'ITU-T G.711 PCMU',
  1: 'USA Federal Standard FS-1016',
  2: 'ITU-T G.721',
  3: 'GSM 06.10',
  4: 'ITU-T G.723',
  5: 'DVI4 8000 samples/s',
  6: 'DVI4 16000 samples/s',
  7: 'Experimental linear predictive encoding from Xerox PARC',
  8: 'ITU-T G.711 PCMA',
  9: 'ITU-T G.722',
  10: '16-bit uncompressed audio, stereo',
  11: '16-bit uncompressed audio, monaural',
  12: 'Qualcomm Code Excited Linear Predictive coding',
  13: 'Comfort noise',
  14: 'MPEG-I/II Audio',
  15: 'ITU-T G.728',
  16: 'DVI4 11025 samples/s',
  17: 'DVI4 22050 samples/s',
  18: 'ITU-T G.729',
  19: 'Comfort noise (old)',
  25: 'Sun CellB video encoding',
  26: 'JPEG-compressed video',
  28: "'nv' program",
  31: 'ITU-T H.261',
  32: 'MPEG-I/II Video',
  33: 'MPEG-II transport streams',
  34: 'ITU-T H.263',
};

const SHORT: Record<number, string> = {
  0: 'g711U',
  1: 'fs-1016',
  2: 'g721',
  3: 'GSM',
  4: 'g723',
  5: 'DVI4 8k',
  6: 'DVI4 16k',
  7: 'Exp. from Xerox PARC',
  8: 'g711A',
  9: 'g722',
  10: '16-bit audio, stereo',
  11: '16-bit audio, monaural',
  12: 'Qualcomm',
  13: 'CN',
  14: 'MPEG-I/II Audio',
  15: 'g728',
  16: 'DVI4 11k',
  17: 'DVI4 22k',
  18: 'g729',
  19: 'CN(old)',
  25: 'CellB',
  26: 'JPEG',
  28: 'NV',
  31: 'h261',
  32: 'MPEG-I/II Video',
  33: 'MPEG-II streams',
  34: 'h263',
};

/** Clock rates of the static payload types (tap-rtp-analysis.c clock_map). */
const STATIC_RATE: Record<number, number> = {
  0: 8000, 1: 8000, 2: 8000, 3: 8000, 4: 8000, 5: 8000, 6: 16000, 7: 8000, 8: 8000, 9: 8000, 10: 44100,
  11: 44100, 12: 8000, 13: 8000, 14: 90000, 15: 8000, 16: 11025, 17: 22050, 18: 8000, 19: 8000, 25: 90000,
  26: 90000, 28: 90000, 31: 90000, 32: 90000, 33: 90000, 34: 90000,
};

/** Clock rates by encoding name for dynamic types without a rate in their rtpmap (longest prefix wins). */
const DYN_RATE: [string, number][] = [
  ['amr', 8000], ['amr-wb', 16000], ['evrc', 8000], ['evrcwb', 16000], ['evs', 16000], ['g7221', 16000],
  ['g726-32', 8000], ['g729d', 8000], ['gsm-efr', 8000], ['h263-1998', 90000], ['h264', 90000], ['opus', 48000],
  ['red', 1000], ['t140', 1000], ['telephone-event', 8000],
];

/** "ITU-T G.711 PCMA", "DynamicRTP-Type-101", "Unknown (20)": rtp.p_type's text. */
export function payloadTypeName(pt: number): string {
  const s = LONG[pt];
  if (s !== undefined) return s;
  return pt >= 96 && pt <= 127 ? `DynamicRTP-Type-${pt}` : `Unknown (${pt})`;
}

/** Short name as tshark's stream table lists payloads ("g711A", "CN", "RTPType-101"). */
export function payloadShortName(pt: number): string {
  return SHORT[pt] ?? `RTPType-${pt}`;
}

export function staticClockRate(pt: number): number {
  return STATIC_RATE[pt] ?? 0;
}

export function dynamicClockRate(encoding: string): number {
  const e = encoding.toLowerCase();
  let best = 0;
  let bestLen = 0;
  for (const [name, rate] of DYN_RATE) {
    if (e.startsWith(name) && name.length > bestLen) {
      best = rate;
      bestLen = name.length;
    }
  }
  return best;
}
