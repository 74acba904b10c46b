/**
 * SDP (RFC 8866) bodies carried by SIP: v=, o=, s=, c=, t=, m= and a= lines with Wireshark's field names.
 * Beyond display, the body announces where media will flow: each m= line with a non-zero port, at its own c=
 * address or the session's, is learnt into RtpMedia (rtp-media.ts) with the frame and Call-ID — RTP on that
 * port, RTCP on port+1 (or a=rtcp:) — so later UDP packets there decode as RTP/RTCP. Non-RTP media (udptl
 * for T.38 …) is learnt too, so that an earlier RTP announcement of the same port stops applying.
 */
import { fields } from '../fields';
import type { Dissection } from '../dissection';
import { lineEnd, nextLine } from './http-scan';
import { MEDIA_OTHER, MEDIA_RTCP, MEDIA_RTP, rtpMediaOf, type MediaSetup, type PayloadMap } from './rtp-media';
import { dynamicClockRate, payloadTypeName } from './rtp-names';

const fSdp = fields.register('sdp', 'protocol', 'Session Description Protocol');
const fVersion = fields.register('sdp.version', 'string', 'Session Description Protocol Version (v)');
const fOwner = fields.register('sdp.owner', 'string', 'Owner/Creator, Session Id (o)');
const fOwnerUser = fields.register('sdp.owner.username', 'string', 'Owner Username');
const fOwnerSession = fields.register('sdp.owner.sessionid', 'string', 'Session ID');
const fOwnerVersion = fields.register('sdp.owner.version', 'string', 'Session Version');
const fOwnerAddress = fields.register('sdp.owner.address', 'string', 'Owner Address');
const fSessionName = fields.register('sdp.session_name', 'string', 'Session Name (s)');
const fConn = fields.register('sdp.connection_info', 'string', 'Connection Information (c)');
const fConnNet = fields.register('sdp.connection_info.network_type', 'string', 'Connection Network Type');
const fConnAddrType = fields.register('sdp.connection_info.address_type', 'string', 'Connection Address Type');
const fConnAddr = fields.register('sdp.connection_info.address', 'string', 'Connection Address');
const fTime = fields.register('sdp.time', 'string', 'Time Description, active time (t)');
const fMedia = fields.register('sdp.media', 'string', 'Media Description, name and address (m)');
const fMediaMedia = fields.register('sdp.media.media', 'string', 'Media Type');
const fMediaPort = fields.register('sdp.media.port', 'uint', 'Media Port');
const fMediaProto = fields.register('sdp.media.proto', 'string', 'Media Protocol');
const fMediaFormat = fields.register('sdp.media.format', 'string', 'Media Format');
const fSessionAttr = fields.register('sdp.session_attr', 'string', 'Session Attribute (a)');
const fMediaAttr = fields.register('sdp.media_attr', 'string', 'Media Attribute (a)');
const fAttrField = fields.register('sdp.media_attribute.field', 'string', 'Media Attribute Fieldname');
const fAttrValue = fields.register('sdp.media_attribute.value', 'string', 'Media Attribute Value');
const fMimeType = fields.register('sdp.mime.type', 'string', 'MIME Type');
const fSampleRate = fields.register('sdp.sample_rate', 'string', 'Sample Rate');
const fDirection = fields.register('sdp.media_attribute.direction', 'string', 'Direction');
const fOther = fields.register('sdp.line', 'string', 'SDP line');

/** One m= section as learnt. */
interface MediaDesc {
  port: number;
  proto: string;
  addr: string;
  rtcpPort: number;
  payloads: Map<number, PayloadMap>;
}

const LINE_FIELDS: Record<string, typeof fVersion> = {
  v: fVersion,
  o: fOwner,
  s: fSessionName,
  c: fConn,
  t: fTime,
  m: fMedia,
};

/**
 * Decodes the SDP body [off, end). `callId` names the SIP dialog (for the learnt media); `index` tells
 * several bodies of one frame apart (their offset). Learning happens in every mode, once per body.
 */
export function dissectSdp(d: Dissection, off: number, end: number, callId: string, index: number): void {
  const buf = d.buf;
  const media = d.inner === 0 ? rtpMediaOf(d) : null;
  const learn = media !== null && media.shouldLearn(d.frame.number, index);
  if (!learn && d.tree === null) return;

  let sessionAddr = '';
  const descs: MediaDesc[] = [];
  let cur: MediaDesc | null = null;
  if (d.wants(fSdp)) d.open(fSdp, off, end - off, 'Session Description Protocol');
  let p = off;
  while (p < end) {
    const le = lineEnd(buf, p, end);
    const nl = nextLine(buf, le, end);
    const start = p;
    const line = ascii(buf, p, le);
    p = nl > p ? nl : end;
    if (line.length < 2 || line[1] !== '=') {
      if (d.wants(fSdp) && line !== '') d.add(fOther, start, le - start, line, line);
      continue;
    }
    const type = line[0] as string;
    const value = line.slice(2);
    if (type === 'c') {
      const addr = value.split(' ')[2] ?? '';
      // Multicast c= lines carry "/ttl" after the address.
      const bare = addr.split('/')[0] ?? '';
      if (cur !== null) cur.addr = bare;
      else sessionAddr = bare;
    } else if (type === 'm') {
      const parts = value.split(' ');
      const port = /^\d+/.test(parts[1] ?? '') ? parseInt(parts[1] as string, 10) : 0;
      cur = { port, proto: parts[2] ?? '', addr: '', rtcpPort: -1, payloads: new Map() };
      descs.push(cur);
    } else if (type === 'a' && cur !== null) {
      const m = /^rtpmap:(\d+)\s+([^/\s]+)(?:\/(\d+))?/.exec(value);
      if (m !== null) {
        const name = m[2] as string;
        const rate = m[3] !== undefined ? parseInt(m[3], 10) : dynamicClockRate(name);
        cur.payloads.set(parseInt(m[1] as string, 10), { name, rate });
      }
      const r = /^rtcp:(\d+)/.exec(value);
      if (r !== null) cur.rtcpPort = parseInt(r[1] as string, 10);
    }
    if (d.wants(fSdp)) lineTree(d, start, le, type, value, cur !== null);
  }
  if (d.wants(fSdp)) d.close();

  if (!learn || media === null) return;
  for (const m of descs) {
    if (m.port <= 0 || m.port > 65535) continue;
    const addr = parseAddress(m.addr !== '' ? m.addr : sessionAddr);
    if (addr === null) continue;
    const rtp = m.proto.toUpperCase().includes('RTP');
    const base: MediaSetup = { frame: d.frame.number, kind: rtp ? MEDIA_RTP : MEDIA_OTHER, callId, payloads: m.payloads };
    media.announce(addr, m.port, base);
    if (rtp) {
      const rtcp = m.rtcpPort > 0 && m.rtcpPort <= 65535 ? m.rtcpPort : m.port + 1;
      if (rtcp <= 65535) media.announce(addr, rtcp, { ...base, kind: MEDIA_RTCP });
    }
  }
}

function lineTree(d: Dissection, s: number, e: number, type: string, value: string, inMedia: boolean): void {
  const field = LINE_FIELDS[type] ?? (type === 'a' ? (inMedia ? fMediaAttr : fSessionAttr) : fOther);
  const label = `${field.description}: ${value}`;
  d.open(field, s, e - s, label, value);
  const parts = value.split(' ');
  let at = s + 2;
  const sub = (f: typeof fVersion, v: string): void => {
    d.add(f, at, v.length, v);
    at += v.length + 1;
  };
  if (type === 'o') {
    sub(fOwnerUser, parts[0] ?? '');
    sub(fOwnerSession, parts[1] ?? '');
    sub(fOwnerVersion, parts[2] ?? '');
    at += (parts[3] ?? '').length + (parts[4] ?? '').length + 2;
    sub(fOwnerAddress, parts[5] ?? '');
  } else if (type === 'c') {
    sub(fConnNet, parts[0] ?? '');
    sub(fConnAddrType, parts[1] ?? '');
    sub(fConnAddr, parts[2] ?? '');
  } else if (type === 'm') {
    sub(fMediaMedia, parts[0] ?? '');
    const port = parts[1] ?? '';
    if (/^\d+$/.test(port)) d.add(fMediaPort, at, port.length, parseInt(port, 10));
    at += port.length + 1;
    sub(fMediaProto, parts[2] ?? '');
    for (const f of parts.slice(3)) {
      const n = /^\d+$/.test(f) ? parseInt(f, 10) : -1;
      d.add(fMediaFormat, at, f.length, f, `Media Format: ${n >= 0 ? payloadTypeName(n) : f}`);
      at += f.length + 1;
    }
  } else if (type === 'a') {
    const colon = value.indexOf(':');
    const name = colon >= 0 ? value.slice(0, colon) : value;
    d.add(fAttrField, s + 2, name.length, name);
    if (colon >= 0) {
      const v = value.slice(colon + 1);
      d.add(fAttrValue, s + 3 + colon, v.length, v);
      if (name === 'rtpmap') {
        const m = /^\d+\s+([^/\s]+)(?:\/(\d+))?/.exec(v);
        if (m !== null) {
          d.add(fMimeType, s + 3 + colon, v.length, m[1] as string);
          if (m[2] !== undefined) d.add(fSampleRate, s + 3 + colon, v.length, m[2]);
        }
      }
    } else if (name === 'sendrecv' || name === 'sendonly' || name === 'recvonly' || name === 'inactive') {
      d.add(fDirection, s + 2, name.length, name);
    }
  }
  d.close();
}

/** IPv4 dotted quad or IPv6 text (with "::") to bytes; null for anything else (host names, "$"). */
export function parseAddress(s: string): Uint8Array | null {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const out = new Uint8Array(4);
    const parts = s.split('.');
    for (let i = 0; i < 4; i++) {
      const n = parseInt(parts[i] as string, 10);
      if (n > 255) return null;
      out[i] = n;
    }
    return out;
  }
  if (!/^[0-9a-fA-F:]+$/.test(s) || s.indexOf(':') < 0) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] !== '' ? (halves[0] as string).split(':') : [];
  const tail = halves.length === 2 && halves[1] !== '' ? (halves[1] as string).split(':') : [];
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) return null;
  const groups = [...head, ...new Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = groups[i] as string;
    if (g.length === 0 || g.length > 4) return null;
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  }
  return out;
}

function ascii(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i] as number);
  return out;
}
