/** Texts of the session tree's cells: country flags, ASNs, durations, applications. */
import type { SessionTreeRow } from '../../../shared/views/sessions';

/** The flag emoji of an ISO 3166 alpha-2 code ('' for range labels such as "private"). */
export function flagEmoji(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return '';
  return String.fromCodePoint(0x1f1e6 + code.charCodeAt(0) - 65, 0x1f1e6 + code.charCodeAt(1) - 65);
}

export function countryText(code: string): string {
  const flag = flagEmoji(code);
  return flag ? `${flag} ${code}` : code;
}

export function asnText(row: Pick<SessionTreeRow, 'asn' | 'org'>): string {
  if (row.asn === 0) return '';
  return row.org ? `AS${row.asn} ${row.org}` : `AS${row.asn}`;
}

/** Seconds with 6 decimals, as tshark's conversation tables print relative start (durations with 4). */
export function seconds(v: number, digits = 6): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '';
}

export function appText(row: Pick<SessionTreeRow, 'app' | 'apps' | 'kind'>): string {
  if (row.kind === 'session' || row.kind === 'app') return row.app;
  return row.apps > 1 ? `${row.app} +${row.apps - 1}` : row.app;
}
