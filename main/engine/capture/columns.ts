/**
 * The packet list's text columns (Source, Destination, Time) as tshark prints them with name resolution
 * off. Only evaluated for rows that are shown or printed.
 */
import { formatMac } from '../base/addr';
import { addressText } from '../base/address-text-cache';
import { Dissection, NET_IPV4, NET_IPV6 } from '../dissect/dissection';

export function sourceColumn(d: Dissection): string {
  if (d.netType === NET_IPV4) return addressText(d.netSrc, 0, 4);
  if (d.netType === NET_IPV6) return addressText(d.netSrc, 0, 16);
  return linkAddress(d, d.linkSrcOff);
}

export function destinationColumn(d: Dissection): string {
  if (d.netType === NET_IPV4) return addressText(d.netDst, 0, 4);
  if (d.netType === NET_IPV6) return addressText(d.netDst, 0, 16);
  return linkAddress(d, d.linkDstOff);
}

function linkAddress(d: Dissection, off: number): string {
  const len = d.linkAddrLen;
  if (off < 0 || len <= 0 || off + len > d.frameData.length) return '';
  if (len === 6) return formatMac(d.frameData, off);
  let s = '';
  for (let i = 0; i < len; i++) s += (i ? ':' : '') + (d.frameData[off + i] as number).toString(16).padStart(2, '0');
  return s;
}

/** Epoch timestamp as a decimal string with full nanosecond precision ("1081889803.830079000"). */
export function epochString(sec: number, nsec: number): string {
  return `${sec}.${String(nsec).padStart(9, '0')}`;
}

/** `b - a` in seconds as a decimal string with `digits` (6 or 9) fractional digits, exact. */
export function deltaString(aSec: number, aNsec: number, bSec: number, bNsec: number, digits: number): string {
  let sec = bSec - aSec;
  let ns = bNsec - aNsec;
  let neg = false;
  if (sec < 0 || (sec === 0 && ns < 0)) {
    neg = true;
    sec = -sec;
    ns = -ns;
  }
  if (ns < 0) {
    sec -= 1;
    ns += 1e9;
  }
  const frac = digits >= 9 ? String(ns).padStart(9, '0') : String(Math.floor(ns / 10 ** (9 - digits))).padStart(digits, '0');
  return `${neg ? '-' : ''}${sec}.${frac}`;
}
