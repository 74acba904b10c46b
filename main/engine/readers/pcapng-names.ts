import { decodeText } from './pcapng-options';

const NRB_END = 0;
const NRB_IPV4 = 1;
const NRB_IPV6 = 2;

/**
 * Parses a Name Resolution Block body [start, end) (window offsets) into `names` (host name → addresses).
 * Each record is an address followed by one or more NUL-terminated names. Returns false when a record runs
 * past the block (the records before it are kept).
 */
export function parseNameResolution(
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  littleEndian: boolean,
  names: Map<string, string[]>,
): boolean {
  let p = start;
  while (p + 4 <= end) {
    const type = view.getUint16(p, littleEndian);
    const length = view.getUint16(p + 2, littleEndian);
    if (type === NRB_END) return true;
    const value = p + 4;
    if (value + length > end) return false;
    const addrLen = type === NRB_IPV4 ? 4 : type === NRB_IPV6 ? 16 : 0;
    if (addrLen > 0 && length > addrLen) {
      const address = type === NRB_IPV4 ? ipv4(buf, value) : ipv6(view, value);
      let s = value + addrLen;
      const stop = value + length;
      while (s < stop) {
        let z = s;
        while (z < stop && buf[z] !== 0) z++;
        if (z > s) {
          const name = decodeText(buf.subarray(s, z));
          const list = names.get(name);
          if (list === undefined) names.set(name, [address]);
          else if (!list.includes(address)) list.push(address);
        }
        s = z + 1;
      }
    }
    p = value + ((length + 3) & ~3);
  }
  return true;
}

function ipv4(buf: Uint8Array, at: number): string {
  return `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
}

/** RFC 5952 text form (longest run of zero groups compressed). Addresses are stored in network byte order. */
function ipv6(view: DataView, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(view.getUint16(at + i * 2, false));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
