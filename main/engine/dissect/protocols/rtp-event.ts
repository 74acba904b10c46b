/**
 * RTP payload of telephone events (RFC 4733 §2.3, formerly RFC 2833) and Cisco NSE (same layout): event,
 * end bit, volume, duration. Protocol "RTP EVENT"; Info as tshark 4.0: "Payload type=RTP Event, DTMF One 1"
 * plus " (end)" on the end-of-event packets.
 */
import { fields } from '../fields';
import type { Dissection } from '../dissection';

export const EVENT_NONE = 0;
export const EVENT_RFC4733 = 1;
export const EVENT_CISCO_NSE = 2;

const fEvent = fields.register('rtpevent', 'protocol', 'RFC 2833 RTP Event');
const fId = fields.register('rtpevent.event_id', 'uint', 'Event ID');
const fEnd = fields.register('rtpevent.end_of_event', 'bool', 'End of Event');
const fVolume = fields.register('rtpevent.volume', 'uint', 'Volume');
const fDuration = fields.register('rtpevent.duration', 'uint', 'Event Duration');

const DTMF = ['Zero 0', 'One 1', 'Two 2', 'Three 3', 'Four 4', 'Five 5', 'Six 6', 'Seven 7', 'Eight 8', 'Nine 9', 'Star *', 'Pound #', 'A', 'B', 'C', 'D'];

/** Wireshark's rtp_event_type_values for the codes seen in practice. */
function eventName(id: number): string {
  if (id < 16) return `DTMF ${DTMF[id] as string}`;
  if (id === 16) return 'Hook Flash';
  if (id === 32) return 'Answer tone (ANS)';
  if (id === 36) return 'Calling tone (CNG)';
  if (id === 192) return 'Cisco NSE: Fax? Start of call modem/fax tone';
  if (id === 193) return 'Cisco NSE: Fax? Modem relay';
  if (id === 194) return 'Cisco NSE: Shift to voice mode';
  return `Unknown (${id})`;
}

/** Decodes the 4-byte event at [off, end) (the caller checked the length). */
export function dissectRtpEvent(d: Dissection, off: number, end: number, _kind: number): void {
  const buf = d.buf;
  const id = buf[off] as number;
  const b1 = buf[off + 1] as number;
  const isEnd = (b1 & 0x80) !== 0;
  const name = eventName(id);
  if (d.wantText) d.info = `Payload type=RTP Event, ${name}${isEnd ? ' (end)' : ''}`;
  if (d.tree === null) return;
  const duration = ((buf[off + 2] as number) << 8) | (buf[off + 3] as number);
  d.open(fEvent, off, end - off, 'RFC 2833 RTP Event');
  d.add(fId, off, 1, id, `Event ID: ${name} (${id})`);
  d.add(fEnd, off + 1, 1, isEnd, `${isEnd ? 1 : 0}... .... = End of Event: ${isEnd ? 'True' : 'False'}`);
  d.add(fVolume, off + 1, 1, b1 & 0x3f);
  d.add(fDuration, off + 2, 2, duration);
  d.close();
}
