/**
 * Entry point of dissection: the frame layer (frame.* fields) and dispatch on the link type.
 */
import './protocols';
import { fields } from './fields';
import { linkTypeTable } from './tables';
import { Dissection, PF_UNSUPPORTED_LINK } from './dissection';
import { protocolNames } from './protocols-registry';

const fFrame = fields.register('frame', 'protocol', 'Frame');
const fNumber = fields.register('frame.number', 'uint', 'Frame Number');
const fTime = fields.register('frame.time', 'time', 'Arrival Time');
const fTimeEpoch = fields.register('frame.time_epoch', 'time', 'Epoch Arrival Time');
const fLen = fields.register('frame.len', 'uint', 'Frame Length');
const fCapLen = fields.register('frame.cap_len', 'uint', 'Capture Length');
const fIfId = fields.register('frame.interface_id', 'uint', 'Interface id');
const fEncap = fields.register('frame.encap_type', 'int', 'Encapsulation type (link type)');

const UNSUPPORTED = protocolNames.id('Unsupported');

/** Dissects the packet loaded in `d` (call `d.reset` and fill `d.frame` first). Never throws on bad bytes. */
export function dissectFrame(d: Dissection): void {
  const f = d.frame;
  if (d.wants(fFrame)) {
    d.open(fFrame, 0, d.buf.length, `Frame ${f.number}: ${f.len} bytes on wire, ${f.caplen} bytes captured`);
    d.add(fNumber, 0, 0, f.number);
    const t = f.tsSec + f.tsNsec / 1e9;
    d.add(fTime, 0, 0, t, `Arrival Time: ${utcText(f.tsSec, f.tsNsec)}`);
    d.add(fTimeEpoch, 0, 0, t, `Epoch Arrival Time: ${f.tsSec}.${String(f.tsNsec).padStart(9, '0')}`);
    d.add(fLen, 0, 0, f.len);
    d.add(fCapLen, 0, 0, f.caplen);
    // tshark numbers interfaces per pcapng section; the global id stays internal (store, readers).
    d.add(fIfId, 0, 0, f.ifIndexInSection);
    d.add(fEncap, 0, 0, f.linkType);
    d.close();
  }
  const decode = linkTypeTable.get(f.linkType);
  if (!decode) {
    d.setProtocol(UNSUPPORTED);
    d.problem(PF_UNSUPPORTED_LINK, `Unsupported link type ${f.linkType}`);
    if (d.wantText) d.info = `Unsupported link type ${f.linkType}`;
    return;
  }
  try {
    decode(d, 0, d.buf.length);
  } catch (err) {
    // A decoder must not throw; if one does, the packet is marked malformed instead of killing the pass.
    d.problem(1 << 1, `Dissector bug: ${(err as Error).message}`);
  }
}

/** Date text that survives any timestamp (Date only covers ±8.64e15 ms; captures can hold more). */
function utcText(sec: number, nsec: number): string {
  const date = new Date(sec * 1000);
  const frac = String(nsec).padStart(9, '0');
  if (Number.isNaN(date.getTime())) return `${sec}.${frac} s since the epoch`;
  return `${date.toISOString().replace(/\.\d+Z$/, '')}.${frac} UTC`;
}
